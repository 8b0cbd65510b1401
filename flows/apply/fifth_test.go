package apply_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
)

// Rackwatch is a fifth vendor declared in this file only, an RMM: its
// organizations listed and created over a bearer token. No path needs an
// RMM, so it joins a profile's path once it is connected; nothing else of
// mspwire names it.
type rackwatch struct{}

func (rackwatch) Info() adapter.Info {
	return adapter.Info{ID: "rackwatch", Name: "Rackwatch", Record: "Rackwatch organization", Records: "Rackwatch organizations", Role: path.RMM,
		Fields: []adapter.Field{
			{Key: "url", Flag: "url", Title: "Rackwatch URL", Required: true},
			{Key: "api_token", Title: "Rackwatch API token", Noun: "API token", Secret: true},
		}}
}

func (r rackwatch) Verify(ctx context.Context, v adapter.Values, secret string) (adapter.Verified, error) {
	c, _ := r.Open(v, secret)
	if _, err := c.(*rackwatchClient).list(ctx); err != nil {
		return adapter.Verified{}, err
	}
	return adapter.Verified{BaseURL: v["url"], ActsAs: "Rackwatch API token"}, nil
}

func (rackwatch) Open(v adapter.Values, secret string) (any, error) {
	return &rackwatchClient{httpx.New(httpx.Config{System: "Rackwatch", BaseURL: v["url"], Secrets: func() []string { return []string{secret} },
		Authorize: func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+secret)
			return nil
		}})}, nil
}

func (rackwatch) Companies(c *adapter.Clients) adapter.Companies { return rackwatchCompanies{c} }

type rackwatchClient struct{ c *httpx.Client }

type organization struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func (c *rackwatchClient) list(ctx context.Context) ([]organization, error) {
	var out []organization
	return out, c.c.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/v2/organizations"}, nil, &out)
}

type rackwatchCompanies struct{ c *adapter.Clients }

func (r rackwatchCompanies) client(ctx context.Context) (*rackwatchClient, error) {
	c, err := r.c.Client(ctx, "rackwatch")
	if err != nil {
		return nil, err
	}
	return c.(*rackwatchClient), nil
}

func (r rackwatchCompanies) Inventory(ctx context.Context, _ store.Onboarding) ([]store.InventoryRecord, error) {
	c, err := r.client(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := c.list(ctx)
	var out []store.InventoryRecord
	for _, o := range orgs {
		out = append(out, store.InventoryRecord{ExternalID: strconv.Itoa(o.ID), Name: o.Name})
	}
	return out, err
}

func (r rackwatchCompanies) FindByName(ctx context.Context, names []string) (map[string][]adapter.Record, error) {
	c, err := r.client(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := c.list(ctx)
	out := map[string][]adapter.Record{}
	for _, o := range orgs {
		if k := adapter.NameKey(o.Name); slices.ContainsFunc(names, func(n string) bool { return adapter.NameKey(n) == k }) {
			out[k] = append(out[k], adapter.Record{ID: strconv.Itoa(o.ID), Name: o.Name})
		}
	}
	return out, err
}

func (r rackwatchCompanies) Create(ctx context.Context, recs []adapter.NewRecord) ([]adapter.Record, error) {
	c, err := r.client(ctx)
	if err != nil {
		return nil, err
	}
	var made []adapter.Record
	for _, n := range recs {
		var o organization
		if err := c.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/v2/organizations", Creates: true}, map[string]string{"name": n.Name}, &o); err != nil {
			return made, err
		}
		made = append(made, adapter.Record{ID: strconv.Itoa(o.ID), Name: o.Name})
	}
	return made, nil
}

func (rackwatchCompanies) Batch() int { return 1 }

// rackwatchSim serves Rackwatch's organizations to one token.
type rackwatchSim struct {
	mu      sync.Mutex
	orgs    []organization
	created []string
}

func (s *rackwatchSim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer rw-token" {
		http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method + " " + r.URL.Path {
	case "GET /v2/organizations":
		_ = json.NewEncoder(w).Encode(s.orgs)
	case "POST /v2/organizations":
		var o organization
		if err := json.NewDecoder(r.Body).Decode(&o); err != nil || o.Name == "" {
			http.Error(w, `{"error":"name is required"}`, http.StatusBadRequest)
			return
		}
		o.ID = 7000 + len(s.orgs)
		s.orgs, s.created = append(s.orgs, o), append(s.created, o.Name)
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(o)
	default:
		http.NotFound(w, r)
	}
}

// A fifth system registered in a test file is optional: a profile that
// has not connected it onboards as before; connected, it joins the path,
// its inventory is fetched, the review pairs it with the source of truth,
// and the plan creates in it the clients it lacks — once, a second plan
// sending nothing.
func TestAFifthSystemJoinsThePathOnceConnected(t *testing.T) {
	ctx := context.Background()
	t.Cleanup(adapter.Register(rackwatch{}))
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Companies: 30})
	without := adapter.Systems(path.A, "hudu", nil)
	if p, err := tn.Env.Plan(ctx); err != nil || !slices.Equal(p.Systems, without) || slices.Contains(without, "rackwatch") {
		t.Fatalf("not connected: systems %v (%v), want %v", p.Systems, err, without)
	}

	// Rackwatch already holds a third of HaloPSA's clients.
	halo, err := tn.Env.Store.Records(ctx, tn.Env.Profile, path.Hub)
	if err != nil {
		t.Fatal(err)
	}
	sim := &rackwatchSim{}
	for i, r := range halo {
		if i%3 == 0 {
			sim.orgs = append(sim.orgs, organization{ID: 100 + i, Name: r.Name})
		}
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	if _, err := connect.Verify(ctx, "rackwatch", connect.Values{"url": srv.URL}, "wrong"); !adapter.Refused(err) {
		t.Fatalf("a wrong token: %v", err)
	}
	v, err := connect.Verify(ctx, "rackwatch", connect.Values{"url": srv.URL}, "rw-token")
	if err != nil {
		t.Fatal(err)
	}
	if err := connect.Save(ctx, tn.Env.Store, tn.Env.Keyring, tn.Env.Profile, "rackwatch", connect.Values{"url": srv.URL}, "rw-token", v, "operator:test"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if ref, err := connect.Ref(tn.Env.Profile, "rackwatch"); err == nil {
			_ = tn.Env.Keyring.Delete(context.Background(), ref)
		}
	})
	p, err := tn.Env.Plan(ctx)
	if err != nil || !slices.Equal(p.Systems, append(slices.Clone(without), "rackwatch")) {
		t.Fatalf("connected: systems %v (%v)", p.Systems, err)
	}
	results, err := tn.Env.FetchInventories(ctx, onboard.FetchObserver{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("fetch %s: %v", r.System, r.Err)
		}
	}
	m, err := review.Open(ctx, tn.Env.Store, tn.Env.Profile, "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Suggest(ctx); err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, pr := range m.Pairs() {
		pairs = append(pairs, pr.ID)
	}
	if !slices.Contains(pairs, "halopsa:rackwatch") {
		t.Fatalf("pairs %v", pairs)
	}
	tn.Review = m
	created := tn.Decide(t)["halopsa:rackwatch"]
	if created == 0 || created > len(halo)-len(sim.orgs) {
		t.Fatalf("%d Rackwatch organizations to create, %d HaloPSA clients, %d in Rackwatch", created, len(halo), len(sim.orgs))
	}

	pl, actions, err := apply.Make(ctx, tn.Engine(), plan.New(tn.Env), who.Operator())
	if err != nil {
		t.Fatal(err)
	}
	inRackwatch := 0
	for _, a := range actions {
		if a.System == "rackwatch" {
			inRackwatch++
		}
	}
	if inRackwatch != created {
		t.Fatalf("%d actions in Rackwatch, %d rows to create", inRackwatch, created)
	}
	if res, err := tn.Apply(t, pl.ID); err != nil || res.Counts.Failed != 0 {
		t.Fatalf("%+v, %v", res.Counts, err)
	}
	sim.mu.Lock()
	made := slices.Clone(sim.created)
	sim.mu.Unlock()
	if len(made) != created {
		t.Fatalf("Rackwatch made %d organizations (%s), %d planned", len(made), strings.Join(made, ", "), created)
	}
	if _, again, err := apply.Make(ctx, tn.Engine(), plan.New(tn.Env), who.Operator()); err != nil || len(again) != 0 {
		t.Fatalf("a second plan: %d actions (%v)", len(again), err)
	}
	t.Logf("Rackwatch: %d organizations there, %d created", len(sim.orgs)-len(made), len(made))
}
