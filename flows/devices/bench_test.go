package devices_test

import (
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/flowtest"
)

// calls reads a map and the stale accounts and counts what they cost:
// Liongard's evaluate calls within ⌈values ÷ 2,000⌉ + 1 each, HaloPSA's
// asset and user pages within ⌈records ÷ 1,000⌉ + 1 each, all inside the
// vendors' budgets.
func calls(t testing.TB, tn *flowtest.Tenant) {
	t.Helper()
	lg, hp := tn.Sandbox.Liongard, tn.Sandbox.HaloPSA
	e0, a0, u0 := lg.Count("POST /api/v2/metrics/evaluate"), hp.Count("GET /api/Asset"), hp.Count("GET /api/Users")
	start := time.Now()
	rep, in, err := devices.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	mapped := time.Since(start)
	e1 := lg.Count("POST /api/v2/metrics/evaluate")
	stale, sin, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	ev1, ev2 := e1-e0, lg.Count("POST /api/v2/metrics/evaluate")-e1
	assets, users := hp.Count("GET /api/Asset")-a0, hp.Count("GET /api/Users")-u0
	pages := func(n, size int) int { return (n + size - 1) / size }
	if ev1 > pages(len(in.Values), liongard.EvaluatePageSize)+1 || ev2 > pages(len(sin.Values), liongard.EvaluatePageSize)+2 ||
		assets > pages(len(in.Assets), halopsa.PageSize)+1 || users > pages(len(in.Users), halopsa.PageSize)+1 {
		t.Fatalf("evaluate %d (%d workstations) and %d (%d suites); HaloPSA %d asset pages (%d), %d user pages (%d)",
			ev1, len(in.Values), ev2, len(sin.Values), assets, len(in.Assets), users, len(in.Users))
	}
	t.Logf("%d workstations, %d assets, %d users, %d stale accounts: evaluate %d + %d calls, HaloPSA %d + %d pages; map %v, both %v",
		len(rep.Rows), len(in.Assets), len(in.Users), len(stale.Rows), ev1, ev2, assets, users, mapped.Round(time.Millisecond), took.Round(time.Millisecond))
}

func TestDevicesAndAccountsKeepToTheirCallBudget(t *testing.T) {
	calls(t, tenant(t, 300, false))
}

// go test -bench DevicesAndAccounts2000 -run ^$ ./flows/devices: a
// 2,000-client tenant with the vendors' real budgets.
func BenchmarkDevicesAndAccounts2000Clients(b *testing.B) {
	tn := flowtest.Onboarded(b, 2070, false)
	b.ResetTimer()
	for range b.N {
		calls(b, tn)
	}
}
