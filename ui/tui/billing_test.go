package tui_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/ui/backend"
	"github.com/mspwire/mspwire/ui/tui"
)

// The Billing screen against the sandbox: the items confirmed from the
// screen, every settable row in view chosen with S, planned, confirmed
// by typing yes and applied: those rows then match. Each wait is for
// text the last key brought, whole: a frame read by one wait is gone for
// the next, and the renderer redraws only the cells that changed.
func TestBillingScreenFixesThroughThePlanAndApply(t *testing.T) {
	ctx := context.Background()
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Companies: 80})
	tn.DecideAsTheWorldIs(t, "halopsa:liongard")
	tm := teatest.NewTestModel(t, tui.NewWizard(ctx, backend.Flows{Env: tn.Env}),
		teatest.WithInitialTermSize(140, 45), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { _ = tm.Quit() })

	waitText(t, tm, "Home")
	first, _, err := billing.Build(ctx, tn.Env)
	if err != nil || len(first.Currencies) != 1 {
		t.Fatalf("currencies %v: %v", first.Currencies, err)
	}
	tm.Send(char('b'))
	// The totals in the currency HaloPSA's invoices name, then this
	// warning, in one frame.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("a month billed too much (in "+first.Currencies[0]+")")) && bytes.Contains(b, []byte("not confirmed"))
	}, teatest.WithDuration(60*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	tm.Send(char('p')) // refused: the items are not confirmed
	waitText(t, tm, "press i to check and confirm them")
	tm.Send(char('i'))
	waitText(t, tm, "Which product each item bills")
	tm.Send(char('c'))
	waitText(t, tm, "confirmed: the numbers are read again")

	before, _, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	var settable []string
	for _, r := range before.Rows {
		if !r.Status.Settled() && billing.CanChoose(r, "quantity") == nil {
			settable = append(settable, r.ID)
		}
	}
	if len(before.Unconfirmed) != 0 || len(settable) < 3 {
		t.Fatalf("%d unconfirmed items, %d settable rows", len(before.Unconfirmed), len(settable))
	}
	tm.Send(char('S'))
	waitText(t, tm, "to have their line set to the count")
	tm.Send(char('T'))
	waitText(t, tm, "to get a HaloPSA ticket")
	tm.Send(char('o')) // the first ticket type: Incident, no mandatory fields
	waitText(t, tm, `ticket type "Incident"`)
	tm.Send(char('p'))
	waitText(t, tm, "Nothing is sent until you press y")
	tm.Send(char('y'))
	waitText(t, tm, "Type yes and press enter")
	for _, c := range "yes" {
		tm.Send(char(c))
	}
	tm.Send(enter)
	waitText(t, tm, "Press enter to go back: the list is read again")
	after, _, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range settable {
		if r, _ := after.Row(id); r.Status != billing.Match {
			t.Errorf("%s: %s after the apply (%s)", id, r.Status, r.Why)
		}
	}
	halo, err := tn.Env.HaloPSA(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tickets := 0
	for _, r := range before.Rows {
		if r.Status.Settled() || billing.CanChoose(r, "quantity") == nil {
			continue
		}
		id, _ := strconv.Atoi(r.Client.ID)
		ts, err := halo.ListTickets(ctx, id, fmt.Sprintf("[mspwire billing %d ", id))
		ts = naming(ts, r.ID)
		if billing.CanChoose(r, "ticket") != nil { // unmapped or no count: no ticket to the customer's desk
			if len(ts) != 0 {
				t.Errorf("%s (%s) got a ticket", r.ID, r.Status)
			}
			continue
		}
		if err != nil || len(ts) != 1 {
			t.Errorf("%s: %d tickets, %v", r.ID, len(ts), err)
		}
		tickets++
	}
	if tickets < 3 {
		t.Fatalf("only %d rows got tickets", tickets)
	}
}

// naming keeps the tickets whose details name a billing row: a client's
// ticket lists each of its rows.
func naming(ts []halopsa.Ticket, row string) []halopsa.Ticket {
	var out []halopsa.Ticket
	for _, t := range ts {
		if strings.Contains(t.Details, "(mspwire row "+row+")") {
			out = append(out, t)
		}
	}
	return out
}
