package billing_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/store"
)

// A plan is its inputs: asked for again after the operator changed any of
// them — a row's choice, an ignore, the item mapping, a tolerance, the
// ticket type or team, a review link — it is a new plan, and the old one is
// stale: applying it would write what the operator undid. Asked again with
// nothing changed, it is the same plan.
func TestBillingPlanAskedAgainAfterAnyChoiceIsNew(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	rep, in := confirmed(t, tn)
	var rows []billing.Row
	for _, r := range rep.Rows {
		if r.Status == billing.UnderBilled && billing.CanChoose(r, "quantity") == nil {
			rows = append(rows, r)
		}
	}
	if len(rows) < 2 {
		t.Fatalf("%d under-billed rows", len(rows))
	}
	st, profile := tn.Env.Store, tn.Env.Profile
	choose := func(r billing.Row, choice string) {
		t.Helper()
		if err := st.SaveBillingChoices(ctx, profile, []store.BillingChoice{{RowID: r.ID, Choice: choice, Reason: "test", Counted: r.Counted, Billed: &r.Billed, DecidedBy: "operator:test"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SaveBillingSettings(ctx, profile, "operator:test", store.BillingSettings{Tolerances: map[string]int{}, TicketTypeID: 2}); err != nil {
		t.Fatal(err)
	}
	choose(rows[0], "quantity")
	first, _, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test")
	if err != nil || again.ID != first.ID {
		t.Fatalf("asked again with nothing changed: plan %d, then %d (%v)", first.ID, again.ID, err)
	}
	last := first
	changes := []struct {
		what   string
		change func()
	}{
		{"a row chosen after the plan", func() { choose(rows[1], "ticket") }},
		{"a row ignored", func() { choose(rows[0], "ignore") }},
		{"a tolerance", func() {
			s, _ := st.BillingSettingsOf(ctx, profile)
			s.Tolerances["m365"] = 2
			_ = st.SaveBillingSettings(ctx, profile, "operator:test", s)
		}},
		{"the team", func() {
			s, _ := st.BillingSettingsOf(ctx, profile)
			s.TicketTeam = "Service Desk"
			_ = st.SaveBillingSettings(ctx, profile, "operator:test", s)
		}},
		{"the item mapping", func() {
			m := in.Items[len(in.Items)-1]
			p := "none"
			if m.Product == billing.None {
				p = "google_workspace"
			}
			_ = st.SaveItemProducts(ctx, profile, []store.ItemProduct{{ItemID: m.ItemID, ItemName: m.Name, Product: p, DecidedBy: "operator:test"}})
		}},
		{"a review link", func() { tn.UnlinkOne(t) }},
	}
	for _, c := range changes {
		c.change()
		s, err := apply.Prepare(ctx, tn.Engine(), last.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Changed) == 0 || !strings.Contains(s.Changed[0], "you changed") {
			t.Fatalf("after %s, plan %d is not stale: %v", c.what, last.ID, s.Changed)
		}
		if err := s.Confirm(ctx, "yes", "operator:test"); !errors.Is(err, apply.ErrStale) {
			t.Fatalf("after %s, the old plan was confirmed: %v", c.what, err)
		}
		next, _, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test")
		if err != nil {
			t.Fatalf("after %s: %v", c.what, err)
		}
		if next.ID == last.ID {
			t.Fatalf("after %s, the plan asked for again is the old plan %d", c.what, last.ID)
		}
		last = next
	}
}
