package billing

import (
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/store"
)

// A quantity is set only where a count and a line HaloPSA does not
// calculate can make the lines agree.
func TestWhichRowsCanHaveTheirQuantitySet(t *testing.T) {
	n := func(x int) *int { return &x }
	cases := []struct {
		row  Row
		want string // "" when allowed
	}{
		{Row{ID: "1:m365", Status: UnderBilled, Counted: n(14), Difference: n(2), Line: &Line{Quantity: 12}}, ""},
		{Row{ID: "2:m365", Status: OverBilled, Counted: n(1), Difference: n(-11), Line: &Line{Quantity: 10}}, "already bill more"},
		{Row{ID: "3:m365", Status: UnderBilled, Counted: n(14), Difference: n(2), Line: &Line{Quantity: 12, Calculated: true}}, "calculates"},
		{Row{ID: "4:m365", Status: NotBilled, Counted: n(4)}, "only an under- or over-billed"},
		{Row{ID: "5:m365", Status: Match}, "is a match"},
	}
	for _, c := range cases {
		err := CanChoose(c.row, "quantity")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.row.ID, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.row.ID, err, c.want)
		}
	}
	if err := CanChoose(Row{ID: "4:m365", Status: NotBilled}, "ticket"); err != nil {
		t.Errorf("a ticket for a not-billed row: %v", err)
	}
}

// A ticket reaches the customer's service desk: an unmapped row (mspwire's
// own missing link) and a row with no recent count take none; both can be
// ignored.
func TestNoTicketForARowTheCustomerCannotFix(t *testing.T) {
	for _, st := range []Status{Unmapped, NoData} {
		r := Row{ID: "9:m365", Status: st}
		if err := CanChoose(r, "ticket"); err == nil || !strings.Contains(err.Error(), "or ignore the row") {
			t.Errorf("a ticket for a %s row: %v", st, err)
		}
		if err := CanChoose(r, "ignore"); err != nil {
			t.Errorf("ignoring a %s row: %v", st, err)
		}
	}
}

// A row within a tolerance is a match that says so, and by how much; one
// outside it is not.
func TestARowWithinTheToleranceSaysSo(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	in := Inputs{
		Now:          now,
		Environments: map[int]Ref{12: {System: "liongard", ID: "33000", Name: "Acme"}},
		Clients:      map[int]string{12: "Acme"},
		Metrics:      map[Product]Counting{M365: {LiongardMetric: store.LiongardMetric{Purpose: "m365", ID: 41}}},
		Values:       []liongard.MetricValue{{EnvironmentID: 33000, MetricID: 41, Value: float64(14), TimelineDate: now.Add(-time.Hour).Format(time.RFC3339)}},
		Invoices: []halopsa.RecurringInvoice{{ID: 101, ClientID: 12, ClientName: "Acme",
			Lines: []halopsa.InvoiceLine{{ID: 1011, InvoiceID: 101, ItemID: 201, Quantity: 12, UnitPrice: 22}}}},
		Items:      []ItemMapping{{ItemID: 201, Name: "Microsoft 365 Business Premium", Product: M365, Confirmed: true}},
		Tolerances: map[string]int{"m365": 2},
	}
	r, _ := Reconcile(in).Row("12:m365")
	if r.Status != Match || r.Why != "within the tolerance of 2 seats: 2 more users than seats billed" {
		t.Fatalf("within the tolerance: %s, %q", r.Status, r.Why)
	}
	in.Tolerances["m365"] = 1
	if r, _ := Reconcile(in).Row("12:m365"); r.Status != UnderBilled {
		t.Fatalf("outside the tolerance: %s, %q", r.Status, r.Why)
	}
}
