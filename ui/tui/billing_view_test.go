package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/signins"
	"github.com/mspwire/mspwire/store"
)

// fixedBilling is a small tenant's reconciliation, made by the real
// Reconcile from fixed inputs: one row of each status.
func fixedBilling() BillingView {
	stamp := func(days int) string { return verifiedAt.AddDate(0, 0, -days).Format(time.RFC3339) }
	env := func(id string, name string) billing.Ref { return billing.Ref{System: "liongard", ID: id, Name: name} }
	items := []billing.ItemMapping{
		{ItemID: 201, Name: "Microsoft 365 Business Premium", Code: "M365-BP", Product: billing.M365, Proposed: billing.M365, Why: "its name has “microsoft 365”", Confirmed: true, Lines: 5},
		{ItemID: 203, Name: "Google Workspace Business Standard", Code: "GWS-STD", Product: billing.GoogleWorkspace, Proposed: billing.GoogleWorkspace, Why: "its name has “google workspace”", Confirmed: true, Lines: 1},
		{ItemID: 208, Name: "Office 365 E3 (legacy)", Code: "O365-E3", Product: billing.M365, Proposed: billing.M365, Why: "its name has “office 365”", Lines: 1},
		{ItemID: 204, Name: "Managed Workstation", Code: "MW-100", Product: billing.None, Proposed: billing.None, Why: "nothing in its name says Microsoft 365 or Google Workspace", Lines: 6},
	}
	line := func(inv, item int, name string, qty, price float64) halopsa.InvoiceLine {
		return halopsa.InvoiceLine{ID: inv*10 + 1, InvoiceID: inv, ItemID: item, Description: name, Quantity: qty, UnitPrice: price}
	}
	invoice := func(id, client int, name string, lines ...halopsa.InvoiceLine) halopsa.RecurringInvoice {
		return halopsa.RecurringInvoice{ID: id, ClientID: client, ClientName: name, Lines: lines}
	}
	value := func(env, metric, n, days int) liongard.MetricValue {
		return liongard.MetricValue{EnvironmentID: env, MetricID: metric, Value: float64(n), TimelineDate: stamp(days)}
	}
	in := billing.Inputs{
		Now: verifiedAt,
		Environments: map[int]billing.Ref{12: env("33000", "Acme Dental"), 13: env("33001", "Bayside Vet Clinic"),
			14: env("33002", "Cedar Accounting"), 15: env("33003", "Summit Roofing"), 17: env("33005", "Zephyr Labs")},
		Clients: map[int]string{12: "Acme Dental, Inc.", 13: "Bayside Veterinary Clinic", 14: "Cedar Accounting", 15: "Summit Roofing LLC", 16: "Quillfeather Vets", 17: "Zephyr Labs"},
		Metrics: map[billing.Product]billing.Counting{
			billing.M365:            {LiongardMetric: store.LiongardMetric{Purpose: "m365", ID: 41, Name: "Office 365: Licensed User Count"}},
			billing.GoogleWorkspace: {LiongardMetric: store.LiongardMetric{Purpose: "google_workspace", ID: 90001, Name: "mspwire: Google Workspace active users", Created: true}},
		},
		Values: []liongard.MetricValue{value(33000, 41, 14, 1), value(33001, 41, 20, 1), value(33002, 90001, 8, 1), value(33003, 41, 9, 45), value(33005, 41, 31, 2)},
		Invoices: []halopsa.RecurringInvoice{
			invoice(101, 12, "Acme Dental, Inc.", line(101, 201, "Microsoft 365 Business Premium", 12, 22)),
			invoice(102, 13, "Bayside Veterinary Clinic", line(102, 201, "Microsoft 365 Business Premium", 22, 22)),
			invoice(103, 15, "Summit Roofing LLC", line(103, 201, "Microsoft 365 Business Premium", 9, 22)),
			invoice(104, 16, "Quillfeather Vets", line(104, 201, "Microsoft 365 Business Premium", 6, 22)),
			invoice(105, 17, "Zephyr Labs", line(105, 208, "Office 365 E3 (legacy)", 31, 23)),
			invoice(106, 14, "Cedar Accounting", line(106, 204, "Managed Workstation", 6, 45)),
		},
		Items: items,
	}
	return BillingView{Report: billing.Reconcile(in), Items: items, TicketType: 2,
		TicketTypes: []TicketTypeChoice{{ID: 1, Name: "Incident"}, {ID: 2, Name: "Service Request"}, {ID: 5, Name: "Change Request"}, {ID: 7, Name: "Alert"}},
		Teams:       []string{"Service Desk", "Accounts"}}
}

func (f fixed) Billing(context.Context) (BillingView, error)              { return fixedBilling(), nil }
func (f fixed) ConfirmItems(context.Context, []billing.ItemMapping) error { return nil }
func (f fixed) ChooseBilling(_ context.Context, rows []billing.Row, choice, _ string) error {
	for _, r := range rows {
		if err := billing.CanChoose(r, choice); err != nil {
			return err
		}
	}
	return nil
}
func (f fixed) MakeBillingPlan(context.Context) (SyncPlan, error) {
	p := store.Plan{ID: 8, Kind: "billing", CreatedAt: verifiedAt}
	return SyncPlan{Plan: p, Actions: []store.Action{{ID: 1, Kind: "quantity", System: "halopsa", State: store.ActionPending,
		Summary: fmt.Sprintf("Set %s's %q line (invoice 101) from 12 to 14: 14 Microsoft 365 users counted", "Acme Dental, Inc.", "Microsoft 365 Business Premium")}}}, nil
}

// x asks why a row is ignored, and the reason typed is on screen, above
// the table, as it is typed.
func TestTheIgnoreReasonIsDrawnAsItIsTyped(t *testing.T) {
	b := newBillingScreen()
	v := fixedBilling()
	b.v = &v
	b.update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	for _, r := range "a duplicate" {
		b.update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	view := xansi.Strip(b.view(80, 24))
	if !strings.Contains(view, "Why?") || !strings.Contains(view, "a duplicate") {
		t.Fatalf("the reason is not drawn:\n%s", view)
	}
}

// The tolerances in force are said on the Billing screen.
func TestTheBillingScreenSaysItsTolerances(t *testing.T) {
	b := newBillingScreen()
	v := fixedBilling()
	v.Tolerances = map[string]int{"m365": 2}
	b.v = &v
	if view := strings.Join(strings.Fields(xansi.Strip(b.view(120, 40))), " "); !strings.Contains(view, "Counted as a match within: Microsoft 365 ±2 seats.") {
		t.Fatalf("the tolerance is not said:\n%s", view)
	}
}

// A row whose link the evidence doubts says so, takes no ticket, and K
// confirms the link through the backend.
func TestACheckMappingRowIsMarkedAndKConfirmsTheLink(t *testing.T) {
	v := fixedAccounts()
	in := accounts.Inputs{Clients: map[string]accounts.Ref{"33000": {System: "halopsa", ID: "12", Name: "Acme Dental, Inc."}},
		Metrics: map[string]metrics.Found{"m365_sign_ins": {LiongardMetric: store.LiongardMetric{ID: 90004}}},
		Values: []liongard.MetricValue{{MetricID: 90004, EnvironmentID: 33000, EnvironmentName: "Acme Dental - Portland", TimelineDate: verifiedAt.Format(time.RFC3339),
			Value: []any{map[string]any{"account": "old.reception@acmedentalportland.com", "days": float64(211)}}}}}
	in.Links = linkcheck.Check(linkcheck.Evidence{
		Links:    []review.Link{{Client: in.Clients["33000"], Environment: store.RecordRef{System: "liongard", ID: "33000", Name: "Acme Dental - Portland"}}},
		Users:    []halopsa.User{{ID: 1, ClientID: 12, EmailAddress: "grace.webb@acmedental.com"}},
		Accounts: signins.Found{Values: in.Values, Metrics: in.Metrics}.Accounts()})
	v.Report = accounts.Find(in, accounts.DefaultDays)
	a := newAccountsScreen()
	a.use(fixed{})
	a.v = &v
	view := strings.Join(strings.Fields(xansi.Strip(a.view(120, 40))), " ")
	if !strings.Contains(view, "1 wait for a mapping check") || !strings.Contains(view, "! Acme Dental") {
		t.Fatalf("the doubted row is not marked:\n%s", view)
	}
	ev, _ := a.update(tea.KeyPressMsg{Code: 'K', Text: "K"})
	ask, ok := ev.(askEvent)
	if !ok {
		t.Fatalf("K did not ask the backend: %#v", ev)
	}
	msg := ask.fn(context.Background())
	if saved, ok := msg.(savedMsg); !ok || saved.err != nil || saved.info != "Confirmed client 12." || !saved.reread {
		t.Fatalf("%#v", msg)
	}
}

// c clears the cursor row's chosen fix, through the backend.
func TestCClearsAChosenFix(t *testing.T) {
	b := newBillingScreen()
	ch := &chooser{}
	b.asks = ch // the screen asks only what billingAsks names: a fake of one method will do
	v := fixedBilling()
	b.v = &v
	rows := b.rows()
	if len(rows) == 0 {
		t.Fatal("no row in view")
	}
	for i := range v.Report.Rows {
		if v.Report.Rows[i].ID == rows[0].ID {
			v.Report.Rows[i].Choice = "ticket"
		}
	}
	ev, _ := b.update(tea.KeyPressMsg{Code: 'c', Text: "c"})
	ask, ok := ev.(askEvent)
	if !ok {
		t.Fatalf("c did not ask the backend: %#v", ev)
	}
	msg := ask.fn(context.Background())
	if saved, ok := msg.(savedMsg); !ok || saved.err != nil || saved.info != rows[0].ID+": no fix chosen." {
		t.Fatalf("%#v", msg)
	}
	if len(ch.rows) != 1 || ch.rows[0].ID != rows[0].ID || ch.choice != "" {
		t.Fatalf("asked to choose %q for %v", ch.choice, ch.rows)
	}
}

// chooser answers ChooseBilling only; any other ask hits the nil
// interface it embeds.
type chooser struct {
	billingAsks
	rows   []billing.Row
	choice string
}

func (c *chooser) ChooseBilling(_ context.Context, rows []billing.Row, choice, _ string) error {
	c.rows, c.choice = rows, choice
	return nil
}

// f reaches the rows new and changed since the last kept run.
func TestBillingFiltersWhatMovedSinceTheLastRun(t *testing.T) {
	b := newBillingScreen()
	v := fixedBilling()
	first, second := v.Report.Rows[0].ID, v.Report.Rows[1].ID
	v.Since = history.SinceLast{Run: 3, New: []string{first}, Changed: []history.Change{{ID: second, Moved: []string{"billed 12 → 11"}}}}
	b.v = &v
	seen := map[string][]string{}
	for range billingFilters {
		b.update(tea.KeyPressMsg{Code: 'f', Text: "f"})
		for _, r := range b.rows() {
			seen[billingFilters[b.table.filter]] = append(seen[billingFilters[b.table.filter]], r.ID)
		}
	}
	if got := seen["new since the last run"]; len(got) != 1 || got[0] != first {
		t.Errorf("new: %v", got)
	}
	if got := seen["changed since the last run"]; len(got) != 1 || got[0] != second {
		t.Errorf("changed: %v", got)
	}
	if view := xansi.Strip(b.view(120, 40)); !strings.Contains(view, "Since run 3") {
		t.Errorf("the header does not say what moved:\n%s", view)
	}
}

// A row's money says how it is worked out; a product nobody bills the
// client for is priced as other clients' lines bill it, and says so.
func TestARowsMoneySaysHowItIsWorkedOut(t *testing.T) {
	n, d, m := 8, 8, 112.0
	r := billing.Row{ID: "14:google_workspace", Client: billing.Ref{ID: "14", Name: "Cedar Accounting"}, Product: billing.GoogleWorkspace,
		Status: billing.NotBilled, Counted: &n, Difference: &d, UnitPrice: 14, MonthlyDifference: &m}
	if got := BillingDetail(r); !strings.Contains(got, "A month: +112.00 (+8 × 14.00, the price other clients' lines bill Google Workspace at)") {
		t.Errorf("not billed:\n%s", got)
	}
	r.Lines = []billing.Line{{InvoiceID: 1, LineID: 2, Quantity: 6, UnitPrice: 14}}
	r.Status, d, m = billing.UnderBilled, 2, 28
	if got := BillingDetail(r); !strings.Contains(got, "A month: +28.00 (+2 × 14.00)") {
		t.Errorf("under-billed:\n%s", got)
	}
}

// An unmapped row's detail says the review's key; the flows say no command.
func TestAnUnmappedRowSaysTheReviewsKey(t *testing.T) {
	v := fixedBilling()
	for _, r := range v.Report.Rows {
		if r.Status != billing.Unmapped {
			continue
		}
		d := BillingDetail(r)
		if !strings.Contains(d, "decide it in the review (m on home)") || strings.Contains(d, "mspwire ") {
			t.Fatalf("%s: %q", r.ID, d)
		}
		return
	}
	t.Fatal("the fixture has no unmapped row")
}
