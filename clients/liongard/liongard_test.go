package liongard_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/liongard"
	simlg "github.com/mspwire/mspwire/sandbox/liongard"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

var ctx = context.Background()

func sandbox(t testing.TB, companies int) (*simlg.Sim, string) {
	t.Helper()
	sim := simlg.New(world.New(7, companies))
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func connect(t testing.TB, url string, key simlg.AccessKey, pageSize int) *liongard.Client {
	t.Helper()
	c, err := liongard.New(liongard.Config{Instance: url, KeyID: key.ID, KeySecret: key.Secret, PageSize: pageSize, BackoffBase: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestResolveInstance(t *testing.T) {
	good := map[string]string{
		"us1":                                  "https://us1.app.liongard.com",
		" CA1 ":                                "https://ca1.app.liongard.com",
		"us2.app.liongard.com":                 "https://us2.app.liongard.com",
		"https://us1.app.liongard.com/api/v1/": "https://us1.app.liongard.com",
		"http://127.0.0.1:8080":                "http://127.0.0.1:8080",
	}
	for in, want := range good {
		if got, err := liongard.ResolveInstance(in); err != nil || got != want {
			t.Errorf("ResolveInstance(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "http://us1.app.liongard.com", "us1.app.liongard.com?x=1"} {
		if _, err := liongard.ResolveInstance(bad); err == nil {
			t.Errorf("ResolveInstance(%q) accepted", bad)
		}
	}
}

func TestConnectionReportsInstanceAndEnvironmentCount(t *testing.T) {
	_, url := sandbox(t, 60)
	c := connect(t, url, simlg.DemoKey, 0)
	r, err := c.TestConnection(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := c.V1CountEnvironments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	envs, err := c.Environments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Environments == 0 || r.Environments != v1 || r.Environments != len(envs) || !strings.HasPrefix(r.Instance, "127.0.0.1:") {
		t.Fatalf("report %+v, v1 count %d, listed %d", r, v1, len(envs))
	}
}

func TestWrongKeyIsUnauthorizedAndNotEchoed(t *testing.T) {
	_, url := sandbox(t, 5)
	wrong := simlg.AccessKey{ID: simlg.DemoKey.ID, Secret: "wrong-secret-value-123"}
	_, err := connect(t, url, wrong, 0).TestConnection(ctx)
	if !errors.Is(err, httpx.ErrUnauthorized) || !strings.Contains(err.Error(), "Session appears to be invalid") || !strings.Contains(err.Error(), "Access Tokens") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), wrong.Secret) {
		t.Fatal("the secret is in the error")
	}
}

func TestExpiredKeyIsExplained(t *testing.T) {
	sim, url := sandbox(t, 5)
	old := simlg.AccessKey{ID: "lg-old", Secret: "lg-old-secret-0000", Expires: time.Now().Add(-time.Hour)}
	sim.AddKey(old)
	_, err := connect(t, url, old, 0).TestConnection(ctx)
	if !errors.Is(err, httpx.ErrUnauthorized) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("err = %v", err)
	}
}

// v1 list paths are answered with a 301 to the slashed path; the client
// follows it with its key.
func TestV1RedirectIsFollowedWithTheKey(t *testing.T) {
	sim, url := sandbox(t, 20)
	envs, err := connect(t, url, simlg.DemoKey, 0).V1Environments(ctx)
	if err != nil || len(envs) == 0 {
		t.Fatalf("%d environments, %v", len(envs), err)
	}
	if sim.Count("GET /api/v1/environments") != 1 || sim.Count("GET /api/v1/environments/{$}") != 1 {
		t.Fatalf("want one redirect and one list: %d, %d", sim.Count("GET /api/v1/environments"), sim.Count("GET /api/v1/environments/{$}"))
	}
}

// A redirect to another host must not carry the key there.
func TestRedirectToAnotherHostIsNotFollowed(t *testing.T) {
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("X-ROAR-API-KEY") != "")
		w.Write([]byte("[]"))
	}))
	defer other.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path+"/", http.StatusMovedPermanently)
	}))
	defer first.Close()
	_, err := connect(t, first.URL, simlg.DemoKey, 0).V1Environments(ctx)
	if err == nil || leaked.Load() {
		t.Fatalf("err = %v, key sent to the other host: %v", err, leaked.Load())
	}
}

func TestV2PaginationAtPageSizeBoundaries(t *testing.T) {
	const pageSize = 4
	for _, n := range []int{0, 1, pageSize, pageSize + 1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			sim, url := sandbox(t, 0)
			c := connect(t, url, simlg.DemoKey, pageSize)
			for i := range n {
				if _, err := c.CreateEnvironment(ctx, liongard.NewEnvironment{Name: fmt.Sprintf("Env %d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			envs, err := c.Environments(ctx)
			if err != nil || len(envs) != n {
				t.Fatalf("%d environments, %v; want %d", len(envs), err, n)
			}
			want := max(1, (n+pageSize-1)/pageSize)
			if got := sim.Count("GET /api/v2/environments/{$}"); got != want {
				t.Fatalf("%d pages, want %d", got, want)
			}
		})
	}
}

// v1 spells the tier "Essential", v2 "Essentials"; the simulator refuses the
// other version's word, so a round trip proves the client speaks both.
func TestTierIsSpelledPerVersion(t *testing.T) {
	_, url := sandbox(t, 0)
	c := connect(t, url, simlg.DemoKey, 0)
	e1, err := c.V1CreateEnvironment(ctx, liongard.NewEnvironment{Name: "Acme Dental", Description: "", Tier: liongard.TierEssentials})
	if err != nil || e1.Tier != liongard.TierEssentials {
		t.Fatalf("v1: %+v, %v", e1, err)
	}
	e2, err := c.CreateEnvironment(ctx, liongard.NewEnvironment{Name: "Beta Law", Tier: liongard.TierEssentials})
	if err != nil || e2.Tier != liongard.TierEssentials {
		t.Fatalf("v2: %+v, %v", e2, err)
	}
	up, err := c.V1UpdateEnvironment(ctx, e2.ID, liongard.EnvironmentUpdate{Name: "Beta Law Group", Status: 1, Tier: liongard.TierCore})
	if err != nil || up.Name != "Beta Law Group" || up.Tier != liongard.TierCore {
		t.Fatalf("update: %+v, %v", up, err)
	}
	_, err = c.V1UpdateEnvironment(ctx, 999999, liongard.EnvironmentUpdate{Name: "x", Status: 1})
	if !errors.Is(err, httpx.ErrNotFound) || !strings.Contains(err.Error(), "Enitity not found") {
		t.Fatalf("missing environment: %v", err)
	}
}

func TestTooManyRequestsThenSuccess(t *testing.T) {
	sim, url := sandbox(t, 5)
	sim.SetFault("GET /api/v2/environments/count", simkit.Fault{Burst429: 1})
	if _, err := connect(t, url, simlg.DemoKey, 0).CountEnvironments(ctx); err != nil {
		t.Fatal(err)
	}
	if n := sim.Count("GET /api/v2/environments/count"); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestRateLimitAnswerCarriesRetryAfter(t *testing.T) {
	sim, url := sandbox(t, 5)
	sim.SetLimit(simkit.Limit{Requests: 1, Per: time.Hour})
	c := connect(t, url, simlg.DemoKey, 0)
	_, _ = c.CountEnvironments(ctx)
	_, err := c.CountEnvironments(ctx)
	var apiErr *httpx.Error
	if !errors.As(err, &apiErr) || apiErr.Kind != httpx.ErrRateLimited || apiErr.RetryAfter < 59*time.Minute {
		t.Fatalf("err = %v", err)
	}
}

func TestInventoryListsAgree(t *testing.T) {
	_, url := sandbox(t, 40)
	c := connect(t, url, simlg.DemoKey, 0)
	envs, err := c.Environments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	known := map[int]bool{}
	for _, e := range envs {
		known[e.ID] = true
	}
	systems, err := c.Systems(ctx)
	if err != nil || len(systems) < len(envs) {
		t.Fatalf("%d systems, %v", len(systems), err)
	}
	for _, s := range systems {
		if !known[s.Environment.ID] || s.Name == "" {
			t.Fatalf("system %+v belongs to no listed environment", s)
		}
	}
	lps, err := c.Launchpoints(ctx)
	if err != nil || len(lps) != len(systems) {
		t.Fatalf("%d launchpoints, %v", len(lps), err)
	}
	ins, err := c.Inspectors(ctx)
	if err != nil || len(ins) == 0 {
		t.Fatalf("inspectors %v, %v", ins, err)
	}
	alerts, err := c.Alerts(ctx)
	if err != nil || len(alerts) == 0 || alerts[0].Priority.Name == "" || alerts[0].Status.Name != "New" {
		t.Fatalf("alerts %+v, %v", alerts, err)
	}
}

func TestEvaluateMetricsAndGroups(t *testing.T) {
	_, url := sandbox(t, 30)
	c := connect(t, url, simlg.DemoKey, 7)
	systems, err := c.Systems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ad := 0
	for _, s := range systems {
		if s.Inspector.Name == "active-directory-inspector" {
			ad++
		}
	}
	values, err := c.EvaluateMetrics(ctx, []string{"101"})
	if err != nil || len(values) != ad {
		t.Fatalf("%d values for %d AD systems, %v", len(values), ad, err)
	}
	envs, _ := c.Environments(ctx)
	g, err := c.CreateEnvironmentGroup(ctx, liongard.EnvironmentGroup{Name: "Dental practices", Environments: []int{envs[0].ID, envs[1].ID}})
	if err != nil || g.ID == 0 {
		t.Fatalf("group %+v, %v", g, err)
	}
	groups, err := c.EnvironmentGroups(ctx)
	if err != nil || len(groups) != 1 || len(groups[0].Environments) != 2 {
		t.Fatalf("groups %+v, %v", groups, err)
	}
	if _, err := c.CreateEnvironmentGroup(ctx, liongard.EnvironmentGroup{Name: "Bad", Environments: []int{1}}); !errors.Is(err, httpx.ErrValidation) {
		t.Fatalf("a group with an unknown environment: %v", err)
	}
}
