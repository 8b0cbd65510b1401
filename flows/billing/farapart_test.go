package billing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/store"
)

// A client whose numbers agreed in a kept run and are now worlds apart is
// a link to check, not 30 seats to bill; without that history it is just
// under-billed.
func TestNumbersWorldsApartAfterAMatchAreALinkToCheck(t *testing.T) {
	now := time.Now()
	in := billing.Inputs{Now: now, Environments: map[int]billing.Ref{12: {System: "liongard", ID: "33000", Name: "Acme - Portland"}},
		Clients: map[int]string{12: "Acme"}, Metrics: map[billing.Product]billing.Counting{billing.M365: {LiongardMetric: store.LiongardMetric{ID: 7}}},
		Values: []liongard.MetricValue{{MetricID: 7, EnvironmentID: 33000, SystemID: 1, Value: float64(40), TimelineDate: now.Format(time.RFC3339)}},
		Invoices: []halopsa.RecurringInvoice{{ID: 101, ClientID: 12, ClientName: "Acme",
			Lines: []halopsa.InvoiceLine{{ID: 1, InvoiceID: 101, ItemID: 201, Description: "M365", Quantity: 10, UnitPrice: 20}}}},
		Items: []billing.ItemMapping{{ItemID: 201, Name: "M365", Product: billing.M365, Confirmed: true}}}
	if r := billing.Reconcile(in).Rows[0]; r.Status != billing.UnderBilled {
		t.Fatalf("without history: %s (%s)", r.Status, r.Why)
	}
	in.Matched = map[string]int64{"12:m365": 4}
	rep := billing.Reconcile(in)
	if r := rep.Rows[0]; r.Status != billing.CheckMapping || !strings.Contains(r.Why, "40 users counted where 10 are billed, though the numbers agreed in run 4") {
		t.Fatalf("after a match: %s (%s)", r.Status, r.Why)
	}
	if rep.Totals.NotBilledMonthly != 0 {
		t.Errorf("a link to check counts as money: %.2f", rep.Totals.NotBilledMonthly)
	}
	// The operator vouched for the link: the numbers are real.
	in.Links = linkcheck.Check(linkcheck.Evidence{Confirmed: map[string]store.LinkConfirmation{store.LinkKey("12", "33000"): {}}})
	if r := billing.Reconcile(in).Rows[0]; r.Status != billing.UnderBilled {
		t.Fatalf("a confirmed link: %s (%s)", r.Status, r.Why)
	}
}
