package apply_test

import (
	"fmt"
	"github.com/mspwire/mspwire/flows/change"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/store"
)

// BenchmarkApplyCreates makes 1,000 records in each vendor against the
// sandbox with the vendors' real budgets (HaloPSA 300 and Liongard 2,000
// per 5 minutes, both in batches of 50; IT Glue 3,000 per 5 minutes and
// Hudu 300 per minute, one per call), and compares each vendor's time with
// the least its budget allows: a vendor that takes R calls per window W
// lets call n start after floor((n-1)/R) windows. Hudu's takes three
// minutes; run it with -benchtime=1x.
func BenchmarkApplyCreates(b *testing.B) {
	for _, sc := range []struct {
		name    string
		path    path.ID
		docs    string
		source  string
		systems []string
	}{
		{"hudu+liongard", path.A, "hudu", "halopsa", []string{"hudu", "liongard"}},
		{"itglue", path.B, "itglue", "halopsa", []string{"itglue"}},
		{"halopsa", path.A, "itglue", "itglue", []string{"halopsa"}},
	} {
		b.Run(sc.name, func(b *testing.B) {
			for range b.N {
				benchCreates(b, sc.path, sc.docs, sc.source, sc.systems)
			}
		})
	}
}

func benchCreates(b *testing.B, p0 path.ID, docs, source string, systems []string) {
	b.StopTimer()
	tn := flowtest.New(b, flowtest.Options{Path: p0, DocsTool: docs, Companies: 3, Seed: 1})
	n := 1000
	if s := os.Getenv("MSPWIRE_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	st, profile := tn.Env.Store, tn.Env.Profile
	if err := st.UpdateOnboarding(ctx, profile, func(o *store.Onboarding) error { o.Source = source; return nil }); err != nil {
		b.Fatal(err)
	}
	recs := make([]store.InventoryRecord, n)
	for i := range recs {
		recs[i] = store.InventoryRecord{ExternalID: fmt.Sprint(900000 + i), Name: fmt.Sprintf("Bench Customer %04d Holdings", i)}
	}
	if err := st.ReplaceRecords(ctx, profile, source, recs); err != nil {
		b.Fatal(err)
	}
	for _, sys := range adapter.Systems(p0, docs, nil) {
		if sys != source {
			other := []store.InventoryRecord{{ExternalID: "1", Name: "Quartzite Unrelated Widgets"}}
			if err := st.ReplaceRecords(ctx, profile, sys, other); err != nil {
				b.Fatal(err)
			}
		}
	}
	tn.Review = reopen(b, tn)
	tn.Decide(b)
	p, actions, err := plan.Make(ctx, plan.Env{Onboard: tn.Env, Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.ConfirmPlan(ctx, p, "bench"); err != nil {
		b.Fatal(err)
	}
	p, _ = st.PlanByID(ctx, profile, p.ID)
	servers := map[string]*simkit.Server{"halopsa": tn.Sandbox.HaloPSA.Server, "liongard": tn.Sandbox.Liongard.Server,
		"itglue": tn.Sandbox.ITGlue.Server, "hudu": tn.Sandbox.Hudu.Server}
	budgets := map[string]httpx.Budget{"halopsa": httpx.HaloPSABudget, "liongard": httpx.LiongardBudget, "itglue": httpx.ITGlueBudget, "hudu": httpx.HuduBudget}
	batch := map[string]int{"halopsa": 50, "liongard": 50, "itglue": 1, "hudu": 1}
	creates := map[string]int{}
	for _, a := range actions {
		if a.Kind == change.Create {
			creates[a.System]++
		}
	}
	before := map[string]int{}
	for sys, s := range servers {
		before[sys] = s.Injected()["over_limit"]
	}
	start := time.Now()
	last := map[string]time.Duration{}
	b.StartTimer()
	res, err := apply.RunPlan(ctx, tn.Engine(), p.ID, apply.Options{Actor: "bench", Observer: apply.Observer{Action: func(e apply.Event) {
		if e.Action.Kind == change.Create && e.Action.State == store.ActionDone {
			last[e.Action.System] = time.Since(start)
		}
		if os.Getenv("MSPWIRE_BENCH_TRACE") != "" && e.Sequence%50 == 0 {
			fmt.Fprintf(os.Stderr, "%s %d %+v\n", time.Since(start).Round(time.Millisecond), e.Sequence, e.Counts)
		}
	}}})
	b.StopTimer()
	if err != nil || res.Counts.Done != len(actions) {
		b.Fatalf("%+v %v", res.Counts, err)
	}
	for _, sys := range systems {
		if creates[sys] != n {
			b.Fatalf("%s: %d creates planned, want %d", sys, creates[sys], n)
		}
		bud := budgets[sys]
		calls := (n + batch[sys] - 1) / batch[sys]
		least := bud.Per * time.Duration((calls-1)/bud.Requests)
		refused := servers[sys].Injected()["over_limit"] - before[sys]
		b.ReportMetric(last[sys].Seconds(), sys+"-s")
		b.ReportMetric(float64(refused), sys+"-429s")
		b.Logf("%s: %d creates in %d calls took %s; the budget (%d per %s) allows them in %s; %d answered 429",
			sys, n, calls, last[sys].Round(10*time.Millisecond), bud.Requests, bud.Per, least, refused)
		if slack := least / 10; last[sys] > least+max(slack, 2*time.Second) {
			b.Errorf("%s: %s is more than 10%% over the %s the budget allows", sys, last[sys], least)
		}
		if windows := 1 + int(last[sys]/bud.Per); refused > windows {
			b.Errorf("%s: %d answers of 429 in %d windows", sys, refused, windows)
		}
	}
}

// reopen reads the review again after the inventories changed, with fresh
// suggestions.
func reopen(b *testing.B, tn *flowtest.Tenant) *review.Model {
	b.Helper()
	m, err := review.Open(ctx, tn.Env.Store, tn.Env.Profile, "operator:bench")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.Suggest(ctx); err != nil {
		b.Fatal(err)
	}
	return m
}
