package billing_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/store"
)

// choose picks a fix for every open row that can take one: the quantity
// where it can be set, a ticket otherwise.
func choose(t *testing.T, tn *flowtest.Tenant, rep billing.Report) (chosen map[string]string, quantities, tickets int) {
	t.Helper()
	chosen = map[string]string{}
	var cs []store.BillingChoice
	for _, r := range rep.Rows {
		if r.Status.Settled() {
			continue
		}
		c := store.BillingChoice{RowID: r.ID, Choice: "ticket", Counted: r.Counted, Billed: &r.Billed, DecidedBy: "operator:test"}
		switch {
		case billing.CanChoose(r, "quantity") == nil:
			c.Choice = "quantity"
			quantities++
		case billing.CanChoose(r, "ticket") == nil:
			tickets++
		default:
			continue // unmapped or no count: not the customer's desk's to hear of
		}
		chosen[r.ID] = c.Choice
		cs = append(cs, c)
	}
	for _, choice := range []string{"quantity", "ticket"} {
		var these []store.BillingChoice
		for _, c := range cs {
			if c.Choice == choice {
				these = append(these, c)
			}
		}
		if err := tn.Env.Store.SaveBillingChoices(ctx, tn.Env.Profile, these); err != nil {
			t.Fatal(err)
		}
	}
	return chosen, quantities, tickets
}

func applyPlan(t *testing.T, tn *flowtest.Tenant) (store.Plan, apply.Result) {
	t.Helper()
	p, _, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	res, err := tn.Apply(t, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

// Fixes go through the change engine: each quantity is set to the
// counted number and each ticket opened once; afterwards those rows
// match, and a second plan sends nothing.
func TestBillingPlanSetsQuantitiesAndOpensTickets(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 120, false)
	rep, _ := confirmed(t, tn)
	chosen, quantities, tickets := choose(t, tn, rep)
	if quantities < 5 || tickets < 5 {
		t.Fatalf("%d quantities, %d tickets chosen", quantities, tickets)
	}
	// No ticket type yet: the plan asks for one and lists HaloPSA's.
	if _, _, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test"); !chooseTicketType(err) || !strings.Contains(err.Error(), "Service Request") {
		t.Fatalf("a ticket with no type chosen: %v", err)
	}
	// A type with mandatory fields would have every ticket refused.
	if err := tn.Env.Store.SaveBillingSettings(ctx, tn.Env.Profile, "operator:test", store.BillingSettings{Tolerances: map[string]int{}, TicketTypeID: 5}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test"); err == nil || !strings.Contains(err.Error(), "CAB members") {
		t.Fatalf("a ticket type with mandatory fields: %v", err)
	}
	if err := tn.Env.Store.SaveBillingSettings(ctx, tn.Env.Profile, "operator:test", store.BillingSettings{Tolerances: map[string]int{}, TicketTypeID: 2, TicketTeam: "Service Desk"}); err != nil {
		t.Fatal(err)
	}
	p, res := applyPlan(t, tn)
	if p.Kind != "billing" || res.Counts.Done != quantities+tickets || res.Counts.Failed != 0 {
		t.Fatalf("plan %d (%s): %+v, want %d done", p.ID, p.Kind, res.Counts, quantities+tickets)
	}
	after, _, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		now, _ := after.Row(r.ID)
		if chosen[r.ID] == "quantity" && now.Status != billing.Match {
			t.Errorf("%s: %s after its quantity was set (%s)", r.ID, now.Status, now.Why)
		}
	}
	halo, err := tn.Env.HaloPSA(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// One ticket per client, naming each row chosen for a ticket once (the
	// sandbox's customers have one suite each: two rows of a client in one
	// ticket are TestOneBillingTicketPerClient's).
	named, opened, clients := 0, map[int]bool{}, map[string]bool{}
	for _, r := range rep.Rows {
		if r.Status.Settled() || chosen[r.ID] == "quantity" {
			continue
		}
		id := strings.Split(r.ID, ":")[0]
		ts, err := halo.ListTickets(ctx, atoi(id), "[mspwire billing "+id+" ")
		if err != nil || len(ts) > 1 {
			t.Errorf("client %s: %d tickets, %v", id, len(ts), err)
		}
		n := 0
		for _, tk := range ts {
			opened[tk.ID] = true
			if strings.Contains(tk.Details, "(mspwire row "+r.ID+")") {
				n++
			}
		}
		if chosen[r.ID] != "ticket" {
			if n != 0 {
				t.Errorf("%s (%s) got a ticket", r.ID, r.Status)
			}
			continue
		}
		if n != 1 {
			t.Errorf("%s: named in %d tickets", r.ID, n)
		}
		named++
		clients[id] = true
	}
	if named != tickets || len(opened) != len(clients) {
		t.Fatalf("%d rows named in %d tickets for %d clients; %d rows planned", named, len(opened), len(clients), tickets)
	}
	// Nothing is planned twice: quantities now match, tickets are done.
	p2, actions, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test")
	if err != nil || len(actions) != 0 {
		t.Fatalf("a second plan %d: %d actions, %v", p2.ID, len(actions), err)
	}
}

// A line changed in HaloPSA after the plan was made makes it stale, and
// the refusal names the client.
func TestBillingPlanIsStaleWhenALineChanges(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	rep, _ := confirmed(t, tn)
	var row billing.Row
	for _, r := range rep.Rows {
		if r.Status == billing.UnderBilled && billing.CanChoose(r, "quantity") == nil {
			row = r
		}
	}
	if row.ID == "" {
		t.Fatal("no under-billed row")
	}
	if err := tn.Env.Store.SaveBillingChoices(ctx, tn.Env.Profile, []store.BillingChoice{{RowID: row.ID, Choice: "quantity", Counted: row.Counted, Billed: &row.Billed, DecidedBy: "operator:test"}}); err != nil {
		t.Fatal(err)
	}
	p, actions, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test")
	if err != nil || len(actions) != 1 {
		t.Fatalf("plan: %d actions, %v", len(actions), err)
	}
	halo, _ := tn.Env.HaloPSA(ctx)
	if _, err := halo.SetLineQuantity(ctx, row.Line.InvoiceID, row.Line.LineID, row.Line.Quantity+1); err != nil {
		t.Fatal(err)
	}
	s, err := apply.Prepare(ctx, tn.Engine(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Changed) == 0 || !strings.Contains(strings.Join(s.Changed, " "), row.Client.Name) {
		t.Fatalf("stale says %v, not naming %s", s.Changed, row.Client.Name)
	}
	if err := s.Confirm(ctx, "yes", "operator:test"); !errors.Is(err, apply.ErrStale) {
		t.Fatalf("confirming a stale plan: %v", err)
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// A plan killed after its last action and before its end has nothing to
// send: preparing it again reads no vendor and asks no staleness.
func TestAllDonePlanIsNotAskedForStaleness(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	rep, _ := confirmed(t, tn)
	var cs []store.BillingChoice
	for _, r := range rep.Rows {
		if billing.CanChoose(r, "quantity") == nil && !r.Status.Settled() {
			cs = append(cs, store.BillingChoice{RowID: r.ID, Choice: "quantity", Counted: r.Counted, Billed: &r.Billed, DecidedBy: "operator:test"})
		}
	}
	if err := tn.Env.Store.SaveBillingChoices(ctx, tn.Env.Profile, cs); err != nil {
		t.Fatal(err)
	}
	p, _ := applyPlan(t, tn)
	p, err := tn.Env.Store.PlanByID(ctx, tn.Env.Profile, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.Env.Store.ReopenPlan(ctx, p); err != nil { // as a kill before its end leaves it
		t.Fatal(err)
	}
	before := tn.Sandbox.Liongard.Total() + tn.Sandbox.HaloPSA.Total()
	s, err := apply.Prepare(ctx, tn.Engine(), p.ID)
	if err != nil || s.Counts().Left() != 0 || s.Plan.FinishedAt != nil {
		t.Fatalf("prepare: %+v %v", s.Counts(), err)
	}
	if after := tn.Sandbox.Liongard.Total() + tn.Sandbox.HaloPSA.Total(); after != before {
		t.Fatalf("preparing an all-done plan made %d vendor calls", after-before)
	}
}

// chooseTicketType says err's remedy is to choose the billing tickets'
// type: each face says how.
func chooseTicketType(err error) bool {
	var r *remedy.Error
	return errors.As(err, &r) && r.Do == remedy.ChooseTicketType && r.Workflow == "billing"
}
