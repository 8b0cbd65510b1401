package billing_test

import (
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/store"
)

// A billed client the review marked to be created in Liongard, once the
// plan made its environment, is linked to it: "no inspection yet in the
// environment mspwire created", not "unmapped".
func TestAnEnvironmentMspwireCreatedIsLinked(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	rep, _, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	var client string
	for _, r := range rep.Rows {
		if r.Status == billing.Unmapped {
			client = r.Client.ID
			break
		}
	}
	if client == "" {
		t.Fatal("no unmapped billing row in the world")
	}
	ds, err := tn.Env.Store.Decisions(ctx, tn.Env.Profile, "halopsa:liongard")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Left.ID == client {
			if _, err := tn.Env.Store.Decide(ctx, tn.Env.Profile, "operator:test", []store.Change{{ID: d.ID, State: store.StateCreate}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	p, _, err := plan.Make(ctx, plan.Env{Onboard: tn.Env, Actor: "operator:test"})
	if err != nil {
		t.Fatal(err)
	}
	engine := apply.EnvOf(tn.Env.Store, tn.Env.Profile, tn.Env.Clients)
	s, err := apply.Prepare(ctx, engine, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(ctx, "yes", "operator:test"); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Run(ctx, apply.Options{Actor: "operator:test"}); err != nil || res.Counts.Failed > 0 {
		t.Fatalf("apply: %+v %v", res.Counts, err)
	}
	if rep, _, err = billing.Build(ctx, tn.Env); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rep.Rows {
		if r.Client.ID != client {
			continue
		}
		found = true
		if r.Status != billing.NoData || r.Environment == nil || !strings.Contains(r.Why, "environment "+r.Environment.ID+" (created by mspwire)") {
			t.Errorf("%s: %s (%s), environment %v", r.ID, r.Status, r.Why, r.Environment)
		}
	}
	if !found {
		t.Fatal("the client's rows are gone")
	}
}
