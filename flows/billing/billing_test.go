package billing_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/signins"
	"github.com/mspwire/mspwire/sandbox/world"
)

var ctx = context.Background()

func tenant(t *testing.T, companies int, clean bool) *flowtest.Tenant {
	return flowtest.Onboarded(t, companies, clean)
}

// confirm takes every proposed item mapping as the operator's, as both
// faces do.
func confirm(t *testing.T, tn *flowtest.Tenant, in billing.Inputs) {
	t.Helper()
	if err := billing.ConfirmItems(ctx, tn.Env, "operator:test", in.Items); err != nil {
		t.Fatal(err)
	}
}

// confirmed reconciles with every proposed item mapping confirmed: the
// report and what it was made from.
func confirmed(t *testing.T, tn *flowtest.Tenant) (billing.Report, billing.Inputs) {
	t.Helper()
	_, in, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	confirm(t, tn, in)
	rep, in, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	return rep, in
}

// Every case the world plants is found with the world's numbers, and
// nothing else.
func TestPlantedCasesAreFoundWithTheirNumbers(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 120, false)
	rep, in, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unconfirmed) == 0 {
		t.Fatal("the item mapping is unconfirmed, yet the report says nothing of it")
	}
	confirm(t, tn, in)
	if rep, _, err = billing.Build(ctx, tn.Env); err != nil {
		t.Fatal(err)
	}
	if len(rep.Unconfirmed) != 0 {
		t.Fatalf("confirmed items still unconfirmed: %+v", rep.Unconfirmed)
	}
	halo, err := tn.Env.Store.Records(ctx, tn.Env.Profile, "halopsa")
	if err != nil {
		t.Fatal(err)
	}
	clientOf := map[string]string{}
	for _, r := range halo {
		clientOf[r.Name] = r.ExternalID
	}
	w := tn.Sandbox.World
	want := map[string]world.Licences{}
	cases := map[string]int{}
	for i := range w.Customers {
		c := &w.Customers[i]
		l := w.Licences(c)
		if l.Product == "" {
			continue
		}
		status := l.Case
		if len(c.In[world.Liongard]) == 0 {
			if l.Billed == world.NotBilled {
				continue // no line and nothing counts it: no row
			}
			status = "unmapped"
		}
		l.Case = status
		want[clientOf[c.In[world.HaloPSA][0].Name]+":"+l.Product] = l
		cases[status]++
	}
	for _, s := range []string{"match", "under_billed", "over_billed", "not_billed", "no_data", "unmapped"} {
		if cases[s] == 0 {
			t.Fatalf("the world of 120 plants no %s case: %v", s, cases)
		}
	}
	got := map[string]int{}
	for _, r := range rep.Rows {
		l, ok := want[r.ID]
		if !ok {
			t.Errorf("row %s (%s, %s) is no case of the world", r.ID, r.Client.Name, r.Status)
			continue
		}
		got[string(r.Status)]++
		if string(r.Status) != l.Case {
			t.Errorf("%s %s: status %s, the world planted %s (%s)", r.Client.Name, r.Product, r.Status, l.Case, r.Why)
			continue
		}
		billed := l.Billed
		if billed == world.NotBilled {
			billed = 0
		}
		if r.Billed != billed {
			t.Errorf("%s: billed %d, the world bills %d", r.ID, r.Billed, billed)
		}
		switch r.Status {
		case billing.NoData, billing.Unmapped:
			if r.Counted != nil || r.Difference != nil {
				t.Errorf("%s: %s with numbers %v %v", r.ID, r.Status, r.Counted, r.Difference)
			}
		default:
			if r.Counted == nil || *r.Counted != l.Users || *r.Difference != l.Users-billed || r.CountedAt == nil {
				t.Errorf("%s: counted %v, the world has %d users", r.ID, r.Counted, l.Users)
			}
			if r.Status != billing.NotBilled && (r.Line == nil || r.UnitPrice == 0) {
				t.Errorf("%s: no line or price: %+v", r.ID, r)
			}
			if m := *r.MonthlyDifference; m != float64(*r.Difference)*r.UnitPrice {
				t.Errorf("%s: monthly %v for %d × %v", r.ID, m, *r.Difference, r.UnitPrice)
			}
		}
		if r.Status == billing.Unmapped && r.Environment != nil || r.Status != billing.Unmapped && r.Environment == nil {
			t.Errorf("%s: %s with environment %v", r.ID, r.Status, r.Environment)
		}
	}
	for s, n := range cases {
		if got[s] != n {
			t.Errorf("%s: found %d, the world plants %d", s, got[s], n)
		}
	}
	if rep.Totals.NotBilledMonthly <= 0 || rep.Totals.OverBilledMonthly <= 0 || rep.Open() == 0 {
		t.Fatalf("totals %+v", rep.Totals)
	}
	t.Logf("%d rows: %v; %.2f a month not billed, %.2f billed too much", len(rep.Rows), got, rep.Totals.NotBilledMonthly, rep.Totals.OverBilledMonthly)
}

// A clean world, its mapping confirmed, has nothing to fix; the metrics
// were made once and a second reconciliation makes none.
func TestCleanWorldHasNothingToFix(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, true)
	_, in, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	if !in.Metrics[billing.GoogleWorkspace].Made || in.Metrics[billing.M365].Made || in.Metrics[billing.M365].Created {
		t.Fatalf("metrics %+v: Google Workspace's is made, Microsoft 365's is the library's", in.Metrics)
	}
	confirm(t, tn, in)
	rep, in2, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range in2.Metrics {
		if m.Made {
			t.Fatalf("a second run made %s again", m.Name)
		}
	}
	if in2.Metrics[billing.GoogleWorkspace].ID != in.Metrics[billing.GoogleWorkspace].ID {
		t.Fatal("the second run counts by another metric")
	}
	if rep.Open() != 0 || len(rep.Rows) < 20 {
		for _, r := range rep.Rows {
			if !r.Status.Settled() {
				t.Errorf("%s %s: %s (%s)", r.Client.Name, r.Product, r.Status, r.Why)
			}
		}
		t.Fatalf("%d rows, %d open", len(rep.Rows), rep.Open())
	}
	log, err := tn.Env.Store.AuditLog(ctx, tn.Env.Profile)
	if err != nil {
		t.Fatal(err)
	}
	made := 0
	for _, e := range log {
		if e.Event == "liongard.metric_created" {
			made++
		}
	}
	if made != 1+len(signins.Specs) { // the count, and the sign-ins the mapping check reads
		t.Fatalf("%d metric creations audited", made)
	}
}

// A list read twice over — every invoice and every evaluated value
// repeated, as overlapping pages would give them — bills and counts each
// line and system once: the numbers are those of the list read once.
func TestRepeatedLinesAndValuesAreCountedOnce(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	_, in := confirmed(t, tn)
	once := billing.Reconcile(in)
	in.Invoices = append(in.Invoices, in.Invoices...)
	in.Values = append(in.Values, in.Values...)
	twice := billing.Reconcile(in)
	if len(once.Rows) == 0 || len(twice.Rows) != len(once.Rows) {
		t.Fatalf("%d rows, then %d", len(once.Rows), len(twice.Rows))
	}
	for _, r := range once.Rows {
		r2, _ := twice.Row(r.ID)
		if r2.Billed != r.Billed || fmt.Sprint(deref(r2.Counted)) != fmt.Sprint(deref(r.Counted)) || r2.Status != r.Status {
			t.Errorf("%s: billed %d counted %v (%s) read once, %d %v (%s) read twice", r.ID, r.Billed, deref(r.Counted), r.Status, r2.Billed, deref(r2.Counted), r2.Status)
		}
	}
}

func deref(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

// Money is in the currency the recurring invoices name: each row its own
// line's, a row no line prices the tenant's one currency; when the
// invoices differ the report says so, and when they name none it claims
// none.
func TestMoneyCarriesTheInvoicesCurrency(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	_, in := confirmed(t, tn)
	one := billing.Reconcile(in)
	if len(one.Currencies) != 1 || one.In() != "in "+one.Currencies[0] {
		t.Fatalf("one currency: %v, %q", one.Currencies, one.In())
	}
	notBilled := 0
	for _, r := range one.Rows {
		if r.MonthlyDifference != nil && r.Currency != one.Currencies[0] {
			t.Errorf("%s: %q", r.ID, r.Currency)
		}
		if r.Line == nil && r.MonthlyDifference != nil {
			notBilled++
		}
	}
	if notBilled == 0 {
		t.Fatal("no row priced from other clients' lines")
	}

	in.Invoices = append([]halopsa.RecurringInvoice(nil), in.Invoices...)
	var moved string
	for i := range in.Invoices {
		if len(in.Invoices[i].Lines) > 0 && moved == "" {
			in.Invoices[i].CurrencyCodeName = "GBP"
			moved = strconv.Itoa(in.Invoices[i].ClientID)
		}
	}
	two := billing.Reconcile(in)
	if len(two.Currencies) != 2 || !strings.Contains(two.In(), "the totals add them as they stand") {
		t.Fatalf("two currencies: %v, %q", two.Currencies, two.In())
	}
	for _, r := range two.Rows {
		switch {
		case r.Line != nil && r.Client.ID == moved && r.Currency != "GBP":
			t.Errorf("%s: %q on a GBP invoice", r.ID, r.Currency)
		case r.Line == nil && r.Currency != "":
			t.Errorf("%s, priced from other clients' lines in two currencies, claims %q", r.ID, r.Currency)
		}
	}

	for i := range in.Invoices {
		in.Invoices[i].CurrencyCodeName, in.Invoices[i].CurrencyText = "", ""
	}
	if none := billing.Reconcile(in); len(none.Currencies) != 0 || none.In() != "in the invoices' currency" {
		t.Fatalf("none named: %v, %q", none.Currencies, none.In())
	}
}
