package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/report"
	"github.com/mspwire/mspwire/sandbox/simkit"
)

// A report reads each list as often as the one review that reads it most,
// not once per review: the three share what they read (a Liongard
// evaluation, a POST that reads, is shared when its body is the same).
func TestGatherReadsEachListOnce(t *testing.T) {
	ctx := context.Background()
	tn := flowtest.Onboarded(t, 60, false)
	sb := tn.Sandbox
	sims := map[string]*simkit.Server{"halopsa": sb.HaloPSA.Server, "liongard": sb.Liongard.Server}
	counts := func() map[string]int {
		out := map[string]int{}
		for name, s := range sims {
			for _, r := range s.Routes() {
				if r.Method == "GET" || strings.HasSuffix(r.Pattern, "evaluate") { // evaluate: a POST that reads
					out[name+" "+r.Method+" "+r.Pattern] = s.Count(r.Method + " " + r.Pattern)
				}
			}
		}
		return out
	}
	delta := func(do func() error) map[string]int {
		t.Helper()
		before := counts()
		if err := do(); err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for k, n := range counts() {
			if d := n - before[k]; d > 0 {
				out[k] = d
			}
		}
		return out
	}
	gather := func() error {
		_, err := report.Gather(ctx, tn.Env, accounts.DefaultDays, time.Now(), false)
		return err
	}
	delta(gather) // once first: what a first run makes in Liongard is made
	most, sum := map[string]int{}, map[string]int{}
	for _, build := range []func() error{
		func() error { _, _, err := billing.Build(ctx, tn.Env); return err },
		func() error { _, _, err := devices.Build(ctx, tn.Env); return err },
		func() error { _, _, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays); return err },
	} {
		for k, n := range delta(build) {
			most[k] = max(most[k], n)
			sum[k] += n
		}
	}
	got := delta(gather)
	shared, total, alone := 0, 0, 0
	for k, n := range got {
		total += n
		limit := most[k]
		if strings.HasSuffix(k, "evaluate") {
			limit = sum[k] // each review evaluates its own metrics: shared only where the bodies are the same
		}
		if n > limit {
			t.Errorf("%s: %d requests, want at most %d", k, n, limit)
		}
	}
	for k, n := range sum {
		alone += n
		if n > most[k] {
			shared++
		}
	}
	if shared == 0 || total >= alone {
		t.Fatalf("no list is read by two reviews (%d shared), or the report asks as much (%d requests) as the three alone (%d)", shared, total, alone)
	}
	t.Logf("%d reads for the report, %d for the three reviews alone; %d lists read by more than one", total, alone, shared)
}
