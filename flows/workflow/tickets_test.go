package workflow_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/store"
)

var ctx = context.Background()

// tickets counts the tickets mspwire opened in the sandbox's HaloPSA, by
// summary.
func tickets(t *testing.T, tn *flowtest.Tenant) map[string]int {
	t.Helper()
	halo, err := tn.Env.HaloPSA(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := halo.ListTickets(ctx, 0, "[mspwire ")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, tk := range ts {
		out[tk.Summary]++
	}
	return out
}

// chooseEveryTicket confirms the items and chooses a ticket for every open
// billing row that can take one, as an operator would on each machine.
func chooseEveryTicket(t *testing.T, tn *flowtest.Tenant) int {
	t.Helper()
	st, profile := tn.Env.Store, tn.Env.Profile
	_, in, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	var ms []store.ItemProduct
	for _, m := range in.Items {
		ms = append(ms, store.ItemProduct{ItemID: m.ItemID, ItemName: m.Name, Product: string(m.Product), DecidedBy: "operator:test"})
	}
	if err := st.SaveItemProducts(ctx, profile, ms); err != nil {
		t.Fatal(err)
	}
	rep, _, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	var cs []store.BillingChoice
	for _, r := range rep.Rows {
		if !r.Status.Settled() && billing.CanChoose(r, "ticket") == nil {
			cs = append(cs, store.BillingChoice{RowID: r.ID, Choice: "ticket", Counted: r.Counted, Billed: &r.Billed, DecidedBy: "operator:test"})
		}
	}
	if err := st.SaveBillingChoices(ctx, profile, cs); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveBillingSettings(ctx, profile, "operator:test", store.BillingSettings{Tolerances: map[string]int{}, TicketTypeID: 2}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveTicketSettings(ctx, profile, "operator:test", accounts.TicketPurpose, store.TicketSettings{TypeID: 2}); err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

func applyNew(t *testing.T, tn *flowtest.Tenant, p change.Producer) apply.Result {
	t.Helper()
	pl, _, err := apply.Make(ctx, tn.Engine(), p, "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	res, err := tn.Apply(t, pl.ID)
	if err != nil || res.Counts.Failed > 0 {
		t.Fatalf("apply %s: %+v %v", pl.Kind, res.Counts, err)
	}
	return res
}

// Two data directories of one MSP — a colleague's laptop, a reinstall —
// apply the same billing and stale-accounts tickets against one HaloPSA:
// each ticket is opened once. The second finds each in HaloPSA by its
// summary's tag, though its own journal has never heard of them.
func TestTwoDataDirectoriesOpenEachTicketOnce(t *testing.T) {
	first := flowtest.Onboarded(t, 80, false)
	second := first.Colleague(t)
	if n := chooseEveryTicket(t, first); n < 3 {
		t.Fatalf("only %d billing rows take a ticket", n)
	}
	chooseEveryTicket(t, second)
	for _, tn := range []*flowtest.Tenant{first, second} {
		applyNew(t, tn, billing.NewProducer(tn.Env))
		applyNew(t, tn, accounts.NewProducer(tn.Env, accounts.DefaultDays))
	}
	got := tickets(t, first)
	billed, stale := 0, 0
	for summary, n := range got {
		if n != 1 {
			t.Errorf("%d tickets %q", n, summary)
		}
		switch {
		case strings.Contains(summary, "[mspwire billing "):
			billed++
		case strings.Contains(summary, "[mspwire stale-accounts "):
			stale++
		}
	}
	if billed < 3 || stale < 3 {
		t.Fatalf("%d billing and %d stale-accounts tickets opened in all", billed, stale)
	}
}

// HaloPSA answers 200 to a POST /api/Tickets with a body that is not the
// ticket (a proxy's page): the ticket landed, so it is done — found by its
// tag — and never opened again, then or by a later apply.
func TestATicketAnsweredWithAnUnreadable200IsOpenedOnce(t *testing.T) {
	tn := flowtest.Onboarded(t, 80, false)
	if n := chooseEveryTicket(t, tn); n < 3 {
		t.Fatalf("only %d billing rows take a ticket", n)
	}
	tn.Sandbox.HaloPSA.SetFault("POST /api/Tickets", simkit.Fault{GarbleNext: 2})
	res := applyNew(t, tn, billing.NewProducer(tn.Env))
	if res.Counts.Failed != 0 || res.Counts.Done != res.Counts.Total {
		t.Fatalf("apply: %+v", res.Counts)
	}
	if s, err := apply.Prepare(ctx, tn.Engine(), res.Plan.ID); err != nil {
		t.Fatal(err)
	} else if _, err := s.Run(ctx, apply.Options{Actor: "operator:test"}); err != nil {
		t.Fatal(err)
	}
	for summary, n := range tickets(t, tn) {
		if n != 1 {
			t.Errorf("%d tickets %q", n, summary)
		}
	}
}
