package billing_test

import (
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/flowtest"
)

// budget is what one reconciliation may cost: Liongard's evaluate calls at
// most ⌈systems ÷ page size⌉ + 3 (pages of 2,000, the largest clients
// use), HaloPSA's invoice and item pages at most ⌈invoices ÷ 1,000⌉ + 2.
func budget(t testing.TB, tn *flowtest.Tenant) (evaluate, halo int, took time.Duration) {
	t.Helper()
	lg, hp := tn.Sandbox.Liongard, tn.Sandbox.HaloPSA
	e0 := lg.Count("POST /api/v2/metrics/evaluate")
	h0 := hp.Count("GET /api/RecurringInvoice") + hp.Count("GET /api/Item")
	start := time.Now()
	rep, in, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	took = time.Since(start)
	evaluate = lg.Count("POST /api/v2/metrics/evaluate") - e0
	halo = hp.Count("GET /api/RecurringInvoice") + hp.Count("GET /api/Item") - h0
	systems := len(in.Values)
	if max := (systems+liongard.EvaluatePageSize-1)/liongard.EvaluatePageSize + 3; evaluate > max || systems == 0 {
		t.Fatalf("%d evaluate calls for %d systems (at most %d)", evaluate, systems, max)
	}
	if max := (len(in.Invoices)+999)/1000 + 2; halo > max {
		t.Fatalf("%d HaloPSA pages for %d invoices (at most %d)", halo, len(in.Invoices), max)
	}
	if len(rep.Rows) == 0 {
		t.Fatal("no rows")
	}
	t.Logf("%d environments decided, %d systems counted, %d invoices: %d evaluate calls, %d HaloPSA pages, %v",
		len(in.Environments), systems, len(in.Invoices), evaluate, halo, took.Round(time.Millisecond))
	return evaluate, halo, took
}

func TestReconcileKeepsToItsCallBudget(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 300, false)
	e, h, _ := budget(t, tn)
	t.Logf("300 customers: %d evaluate calls, %d HaloPSA pages", e, h)
}

// go test -bench Reconcile -run ^$ ./flows/billing: a 2,000-environment
// tenant against the sandbox, with the vendors' real budgets.
func BenchmarkReconcile2000Environments(b *testing.B) {
	tn := flowtest.Onboarded(b, 2350, false)
	b.ResetTimer()
	for range b.N {
		e, h, took := budget(b, tn)
		b.ReportMetric(float64(e), "evaluate-calls")
		b.ReportMetric(float64(h), "halo-pages")
		b.ReportMetric(took.Seconds(), "s/reconcile")
	}
}
