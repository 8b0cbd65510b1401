package cli

import (
	"bytes"
	"regexp"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/store"
)

// oneOfMany finds a count of one said with a plural noun: "1 seats".
var oneOfMany = regexp.MustCompile(`(^|[^\d.,/])1 (more )?(actions|steps|rows|accounts|clients|checks|organizations|companies|fields|entries|findings|` +
	`users|seats|records|environments|attempts|calls|assets|days|decisions|items|errors|warnings|questions|systems|tickets|minutes|hours|names)\b`)

// The twins' reports, made by the real flows from a tenant with one of
// everything, read "1 account", "1 day", "1 seat": never "1 …s".
func TestTheTwinsSayOneOfAThing(t *testing.T) {
	var out bytes.Buffer
	now := time.Now()
	one := 1

	in := accounts.Inputs{Clients: map[string]accounts.Ref{"33000": {System: "halopsa", ID: "12", Name: "Acme Dental"}},
		Metrics: map[string]metrics.Found{"m365_sign_ins": {LiongardMetric: store.LiongardMetric{ID: 9}}},
		Values: []liongard.MetricValue{{MetricID: 9, EnvironmentID: 33000, EnvironmentName: "Acme Dental", TimelineDate: now.Format(time.RFC3339),
			Value: []any{map[string]any{"account": "old@acme.com", "days": float64(2)}}}}}
	writeStale(&out, accounts.Find(in, 1))

	counted := 13
	rep := billing.Reconcile(billing.Inputs{Now: now, Environments: map[int]billing.Ref{12: {System: "liongard", ID: "33000", Name: "Acme Dental"}},
		Clients: map[int]string{12: "Acme Dental"}, Metrics: map[billing.Product]billing.Counting{billing.M365: {LiongardMetric: store.LiongardMetric{ID: 7, Name: "count"}}},
		Values: []liongard.MetricValue{{MetricID: 7, EnvironmentID: 33000, SystemID: 1, Value: float64(counted), TimelineDate: now.Format(time.RFC3339)}},
		Invoices: []halopsa.RecurringInvoice{{ID: 101, ClientID: 12, ClientName: "Acme Dental",
			Lines: []halopsa.InvoiceLine{{ID: 1, InvoiceID: 101, ItemID: 201, Description: "M365", Quantity: 12, UnitPrice: 20}}}}, Items: []billing.ItemMapping{{ItemID: 201, Name: "M365", Product: billing.M365, Confirmed: true}},
		Tolerances: map[string]int{"m365": one}})
	writeReconcile(&out, rep)
	for _, r := range rep.Rows {
		out.WriteString(r.Why + "\n")
	}
	writeSyncPlan(&out, store.Plan{ID: 1, Kind: "billing"}, []store.Action{{ID: 1, Kind: "ticket", System: "halopsa", Summary: "a ticket"}}, true)
	if m := oneOfMany.FindAllString(out.String(), -1); len(m) > 0 {
		t.Fatalf("%q in:\n%s", m, out.String())
	}
	if !regexp.MustCompile(`\b1 account over 1 day without a sign-in, in 1 client\b`).MatchString(out.String()) {
		t.Fatalf("the head is not said with one of each:\n%s", out.String())
	}
}
