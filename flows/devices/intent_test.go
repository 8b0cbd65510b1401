package devices_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/workflow"
)

// --replace is part of a devices plan: a plain plan asked for after a
// --replace one (or the reverse) is a new plan with what was asked, the
// stored plan remembers its flag (its staleness and "run … again" name
// it), and a changed review link makes a new plan and the old one stale.
func TestDevicesPlanIsItsFlagsAndLinks(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	rep, _, err := devices.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ByStatus[devices.Differs] == 0 {
		t.Fatal("the world plants no asset with another user")
	}
	replacements := func(n int64) int {
		s, err := apply.Prepare(ctx, tn.Engine(), n)
		if err != nil {
			t.Fatal(err)
		}
		w := 0
		for _, a := range s.Actions {
			w += len(a.Warnings)
		}
		return w
	}
	plain, _, err := apply.Make(ctx, tn.Engine(), devices.NewProducer(tn.Env, false), "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	replace, _, err := apply.Make(ctx, tn.Engine(), devices.NewProducer(tn.Env, true), "operator:test")
	if err != nil || replace.ID == plain.ID || replacements(replace.ID) != rep.ByStatus[devices.Differs] {
		t.Fatalf("--replace after a plain plan: plan %d (plain %d), %d replacements, %v", replace.ID, plain.ID, replacements(replace.ID), err)
	}
	p, err := workflow.Producer(tn.Env, replace)
	if r, ok := p.(apply.Remaker); err != nil || !ok || r.Remake() != "mspwire devices plan --replace" {
		t.Fatalf("the stored --replace plan is remade by %v (%v)", p, err)
	}
	back, _, err := apply.Make(ctx, tn.Engine(), devices.NewProducer(tn.Env, false), "operator:test")
	if err != nil || back.ID == replace.ID || replacements(back.ID) != 0 {
		t.Fatalf("a plain plan after --replace: plan %d (--replace %d), %d replacements, %v", back.ID, replace.ID, replacements(back.ID), err)
	}
	same, _, err := apply.Make(ctx, tn.Engine(), devices.NewProducer(tn.Env, false), "operator:test")
	if err != nil || same.ID != back.ID {
		t.Fatalf("asked again unchanged: plan %d, then %d (%v)", back.ID, same.ID, err)
	}
	tn.UnlinkOne(t)
	s, err := apply.Prepare(ctx, tn.Engine(), back.ID)
	if err != nil || len(s.Changed) == 0 || !strings.Contains(s.Changed[0], "review links") {
		t.Fatalf("after a link was undone, plan %d: changed %v, %v", back.ID, s.Changed, err)
	}
	if err := s.Confirm(ctx, "yes", "operator:test"); !errors.Is(err, apply.ErrStale) {
		t.Fatalf("confirming it: %v", err)
	}
	next, _, err := apply.Make(ctx, tn.Engine(), devices.NewProducer(tn.Env, false), "operator:test")
	if err != nil || next.ID == back.ID {
		t.Fatalf("after a link was undone: plan %d, then %d (%v)", back.ID, next.ID, err)
	}
}
