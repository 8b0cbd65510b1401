// Package flowtest gives flow tests a tenant wired to a running sandbox:
// a real store, the real OS keyring, connections verified over loopback,
// inventories fetched and the review's suggestions made.
package flowtest

import (
	"context"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/workflow"
	"github.com/mspwire/mspwire/sandbox"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
)

// Options shape the tenant.
type Options struct {
	Path      path.ID
	DocsTool  string // "hudu" or "itglue"
	Companies int    // the world's size; 0: 40
	Seed      uint64
	Clean     bool // a world without the pitfalls planted for doctor
	Settings  store.PlanSettings
	// ITGlueStatuses and ITGlueTypes are Liongard's IT Glue filter (path B).
	ITGlueStatuses, ITGlueTypes []string
	// Source is the source of truth; "": the hub (HaloPSA).
	Source string
	// On is a sandbox another tenant already runs on: a second data
	// directory (a colleague's laptop, a reinstall) of the same MSP.
	On *sandbox.Sandbox
}

// Tenant is a profile connected to a sandbox.
type Tenant struct {
	Env     onboard.Env
	Sandbox *sandbox.Sandbox
	Review  *review.Model
}

// New starts a sandbox and onboards a tenant on it up to the review's
// suggestions.
func New(t testing.TB, o Options) *Tenant {
	t.Helper()
	ctx := context.Background()
	if o.Companies == 0 {
		o.Companies = 40
	}
	sb := o.On
	if sb == nil {
		var err error
		if sb, err = sandbox.Start(ctx, sandbox.Options{Seed: o.Seed, Companies: o.Companies, Clean: o.Clean}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(sb.Close)
	}
	st, kr := storetest.Open(t), storetest.Keyring(t)
	profile := storetest.UniqueProfile()
	t.Cleanup(func() {
		for _, sys := range adapter.IDs() {
			if ref, err := connect.Ref(profile, sys); err == nil {
				_ = kr.Delete(context.Background(), ref)
			}
		}
	})
	env := onboard.NewEnv(st, kr, profile)
	answers := path.Answers{DocsTool: o.DocsTool}
	if _, _, err := env.Answer(ctx, answers); err != nil {
		t.Fatal(err)
	}
	if err := env.ChoosePath(ctx, o.Path); err != nil {
		t.Fatal(err)
	}
	for _, sys := range adapter.Systems(o.Path, o.DocsTool, nil) {
		Connect(t, env, sb, sys)
	}
	if o.Source == "" {
		o.Source = path.Hub
	}
	if _, err := env.SetSource(ctx, o.Source, o.ITGlueStatuses, o.ITGlueTypes); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateOnboarding(ctx, profile, func(ob *store.Onboarding) error {
		ob.Settings = o.Settings
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	results, err := env.FetchInventories(ctx, onboard.FetchObserver{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("fetch %s: %v", r.System, r.Err)
		}
	}
	m, err := review.Open(ctx, st, profile, "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Suggest(ctx); err != nil {
		t.Fatal(err)
	}
	return &Tenant{Env: env, Sandbox: sb, Review: m}
}

// Engine is the change engine over the tenant, with every plan kind's
// producer.
func (tn *Tenant) Engine() apply.Env { return workflow.Engine(tn.Env) }

// Apply confirms a fresh plan with yes and runs it, as an operator would:
// a plan found stale as it is confirmed fails the test. The caller judges
// the result.
func (tn *Tenant) Apply(t testing.TB, id int64) (apply.Result, error) {
	t.Helper()
	ctx := context.Background()
	s, err := apply.Prepare(ctx, tn.Engine(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Changed) > 0 {
		t.Fatalf("plan %d is stale as it is made: %v", id, s.Changed)
	}
	if err := s.Confirm(ctx, "yes", "operator:test"); err != nil {
		t.Fatal(err)
	}
	return s.Run(ctx, apply.Options{Actor: "operator:test"})
}

// Connect verifies and saves the sandbox's demo credentials of a system.
func Connect(t testing.TB, env onboard.Env, sb *sandbox.Sandbox, system string) {
	t.Helper()
	ctx := context.Background()
	c := sb.Creds[system]
	f, secret := connect.Values(c.Values()), c.Secret()
	v, err := connect.Verify(ctx, system, f, secret)
	if err != nil {
		t.Fatalf("verify %s: %v", system, err)
	}
	if err := connect.Save(ctx, env.Store, env.Keyring, env.Profile, system, f, secret, v, "operator:test"); err != nil {
		t.Fatalf("save %s: %v", system, err)
	}
}

// Decide reviews every pair the way an operator in a hurry would: accept
// every safe suggestion, and create what has no suggestion at all.
// It returns how many rows of each pair it marked to be created.
func (tn *Tenant) Decide(t testing.TB) map[string]int {
	t.Helper()
	ctx := context.Background()
	created := map[string]int{}
	for _, p := range tn.Review.Pairs() {
		if err := tn.Review.SetPair(p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.Review.AcceptSafe(ctx); err != nil {
			t.Fatal(err)
		}
		var none []int64
		for _, d := range tn.Review.All(p.ID) {
			if d.State == store.StateSuggested && d.Right.ID == "" {
				none = append(none, d.ID)
			}
		}
		if err := tn.Review.Create(ctx, none...); err != nil {
			t.Fatal(err)
		}
		created[p.ID] = len(none)
	}
	return created
}

// DecideAsTheWorldIs decides a pair as an operator who knows every
// customer would: each customer's first record of the left system is
// linked to its first record of the right one, and every other row is
// ignored. Records are told apart by the names the world gave them.
func (tn *Tenant) DecideAsTheWorldIs(t testing.TB, pair string) {
	t.Helper()
	ctx := context.Background()
	if err := tn.Review.SetPair(pair); err != nil {
		t.Fatal(err)
	}
	left, right, _ := strings.Cut(pair, ":")
	recs, err := tn.Env.Store.Records(ctx, tn.Env.Profile, right)
	if err != nil {
		t.Fatal(err)
	}
	rightID := map[string]string{}
	for _, r := range recs {
		rightID[r.Name] = r.ExternalID
	}
	want := map[string]string{} // left name -> right id
	taken := map[string]bool{}  // two customers of one name in a big world: the first keeps it
	for _, c := range tn.Sandbox.World.Customers {
		l, r := c.In[left], c.In[right]
		if len(l) > 0 && len(r) > 0 && rightID[r[0].Name] != "" && !taken[rightID[r[0].Name]] && want[l[0].Name] == "" {
			want[l[0].Name] = rightID[r[0].Name]
			taken[rightID[r[0].Name]] = true
		}
	}
	// Every row is ignored first, so no row holds a record another is
	// about to take.
	var ignore []int64
	type remap struct {
		id    int64
		right string
	}
	var link []remap
	for _, d := range tn.Review.All(pair) {
		ignore = append(ignore, d.ID)
		if to, ok := want[d.Left.Name]; ok {
			link = append(link, remap{d.ID, to})
			delete(want, d.Left.Name) // a duplicate of the same name stays ignored
		}
	}
	if err := tn.Review.Ignore(ctx, ignore...); err != nil {
		t.Fatal(err)
	}
	for _, l := range link {
		if err := tn.Review.Remap(ctx, l.id, l.right); err != nil {
			t.Fatalf("row %d to %s: %v", l.id, l.right, err)
		}
	}
}

// Onboarded is a tenant on path A (Hudu) with HaloPSA ↔ Liongard decided as
// the world is: where the workflows after onboarding start.
func Onboarded(t testing.TB, companies int, clean bool) *Tenant {
	t.Helper()
	tn := New(t, Options{Path: path.A, DocsTool: "hudu", Companies: companies, Clean: clean})
	tn.DecideAsTheWorldIs(t, "halopsa:liongard")
	return tn
}

// Colleague is a second data directory onboarded on the same sandbox and
// decided the same way: its journal knows nothing of the first's.
func (tn *Tenant) Colleague(t testing.TB) *Tenant {
	t.Helper()
	other := New(t, Options{Path: path.A, DocsTool: "hudu", On: tn.Sandbox})
	other.DecideAsTheWorldIs(t, "halopsa:liongard")
	return other
}

// UnlinkOne rejects one accepted HaloPSA ↔ Liongard link of the review:
// the operator changed their mind about a mapping.
func (tn *Tenant) UnlinkOne(t testing.TB) {
	t.Helper()
	ds, err := tn.Env.Store.Decisions(context.Background(), tn.Env.Profile, "halopsa:liongard")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.State == store.StateAccepted || d.State == store.StateRemapped {
			if _, err := tn.Env.Store.Decide(context.Background(), tn.Env.Profile, "operator:test", []store.Change{{ID: d.ID, State: store.StateRejected}}); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no accepted halopsa:liongard link to undo")
}
