package billing_test

import (
	"testing"

	"github.com/mspwire/mspwire/flows/billing"
)

// Both faces choose through billing.Choose: a row that cannot take the
// fix refuses the whole choice and nothing is kept; a kept choice holds
// the row's numbers; a cleared one is gone.
func TestChooseKeepsAllOrNothing(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	rep, _ := confirmed(t, tn)
	var settable, match *billing.Row
	for i, r := range rep.Rows {
		switch {
		case settable == nil && billing.CanChoose(r, "quantity") == nil:
			settable = &rep.Rows[i]
		case match == nil && r.Status == billing.Match:
			match = &rep.Rows[i]
		}
	}
	if settable == nil || match == nil {
		t.Fatal("the world has no settable row or no match")
	}
	chosen := func() map[string]string {
		cs, err := tn.Env.Store.BillingChoices(ctx, tn.Env.Profile)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for id, c := range cs {
			out[id] = c.Choice
		}
		return out
	}
	if err := billing.Choose(ctx, tn.Env, "operator:test", []billing.Row{*settable, *match}, "quantity", ""); err == nil || len(chosen()) != 0 {
		t.Fatalf("a match among the rows: %v, kept %v", err, chosen())
	}
	if err := billing.Choose(ctx, tn.Env, "operator:test", []billing.Row{*settable}, "quantity", ""); err != nil || chosen()[settable.ID] != "quantity" {
		t.Fatalf("a settable row: %v, kept %v", err, chosen())
	}
	if after, _, _ := billing.Build(ctx, tn.Env); func() string { r, _ := after.Row(settable.ID); return r.Choice }() != "quantity" {
		t.Fatal("the choice is not on the row")
	}
	if err := billing.Choose(ctx, tn.Env, "operator:test", []billing.Row{*settable}, "", ""); err != nil || chosen()[settable.ID] != "" {
		t.Fatalf("cleared: %v, kept %v", err, chosen())
	}
}
