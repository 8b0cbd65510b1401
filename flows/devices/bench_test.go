package devices_test

import (
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/apply"
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
	// Each reads HaloPSA's users once: devices to match logons, stale
	// accounts for the domains the mapping check compares.
	if ev1 > pages(len(in.Values), liongard.EvaluatePageSize)+1 || ev2 > pages(len(sin.Values), liongard.EvaluatePageSize)+2 ||
		assets > pages(len(in.Assets), halopsa.PageSize)+1 || users > 2*(pages(len(in.Users), halopsa.PageSize)+1) {
		t.Fatalf("evaluate %d (%d workstations) and %d (%d suites); HaloPSA %d asset pages (%d), %d user pages (%d)",
			ev1, len(in.Values), ev2, len(sin.Values), assets, len(in.Assets), users, len(in.Users))
	}
	t.Logf("%d workstations, %d assets, %d users, %d stale accounts: evaluate %d + %d calls, HaloPSA %d + %d pages; map %v, both %v",
		len(rep.Rows), len(in.Assets), len(in.Users), len(stale.Rows), ev1, ev2, assets, users, mapped.Round(time.Millisecond), took.Round(time.Millisecond))
}

func TestDevicesAndAccountsKeepToTheirCallBudget(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
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

// applyDevices plans every asset user of the demo world's size (300
// customers, --replace) and applies it through one session — prepare,
// confirm, run — counting the vendor calls from the prepare on.
func applyDevices(t testing.TB, tn *flowtest.Tenant) (assets int, staleReads map[string]int, writes int, took time.Duration) {
	t.Helper()
	p, actions, err := apply.Make(ctx, tn.Engine(), devices.NewProducer(tn.Env, true), "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	lg, hp := tn.Sandbox.Liongard, tn.Sandbox.HaloPSA
	e0, a0, w0 := lg.Count("POST /api/v2/metrics/evaluate"), hp.Count("GET /api/Asset"), hp.Count("POST /api/Asset")
	start := time.Now()
	s, err := apply.Prepare(ctx, tn.Engine(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(ctx, "yes", "operator:test"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(ctx, apply.Options{Actor: "operator:test"})
	if err != nil || res.Counts.Done != len(actions) {
		t.Fatalf("apply: %+v %v", res.Counts, err)
	}
	took = time.Since(start)
	staleReads = map[string]int{"liongard evaluate": lg.Count("POST /api/v2/metrics/evaluate") - e0, "halopsa asset pages": hp.Count("GET /api/Asset") - a0}
	return len(actions), staleReads, hp.Count("POST /api/Asset") - w0, took
}

// The demo world's asset users go 50 a call, and one apply session reads
// each vendor for staleness once (one evaluate, one walk of the assets),
// not once a step.
func TestDevicesApplyReadsStalenessOnceAndSendsFiftyAssetsACall(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 300, false)
	assets, reads, writes, took := applyDevices(t, tn)
	pages := (assets + 49) / 50
	if assets < 200 || writes != pages || reads["liongard evaluate"] > 1 || reads["halopsa asset pages"] > 1 {
		t.Fatalf("%d asset users: %d POST /api/Asset (want %d), staleness reads %v", assets, writes, pages, reads)
	}
	t.Logf("%d asset users applied in %v: %d POST /api/Asset, staleness reads %v", assets, took.Round(time.Millisecond), writes, reads)
}

// go test -bench DevicesApplyDemoWorld -run ^$ ./flows/devices: the demo
// world's asset users applied with the vendors' real budgets (target 10 s).
func BenchmarkDevicesApplyDemoWorld(b *testing.B) {
	for range b.N {
		b.StopTimer()
		tn := flowtest.Onboarded(b, 300, false)
		b.StartTimer()
		assets, reads, writes, took := applyDevices(b, tn)
		b.Logf("%d asset users in %v: %d POST /api/Asset, staleness reads %v", assets, took.Round(time.Millisecond), writes, reads)
	}
}
