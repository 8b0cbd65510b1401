package apply_test

import (
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/store"
)

// BenchmarkResumeSettles300InFlight: a run killed right after sending
// leaves every create and link of a 300-client plan in flight. The next
// run settles them at the vendors' floor: one read of each list a lookup
// needs (Hudu's matchers once per integration, Liongard's environments
// once), plus one call per action only where the vendor has no list to
// read (Hudu's companies by name) — and sends nothing, as everything
// landed.
func BenchmarkResumeSettles300InFlight(b *testing.B) {
	for range b.N {
		b.StopTimer()
		tn := flowtest.New(b, flowtest.Options{Path: path.A, DocsTool: "hudu", Companies: 300, Seed: 5})
		for _, s := range []*simkit.Server{tn.Sandbox.Hudu.Server, tn.Sandbox.Liongard.Server, tn.Sandbox.HaloPSA.Server} {
			s.SetLimit(simkit.Limit{}) // the floor in calls, not in budget waits
		}
		tn.Decide(b)
		p, actions, err := plan.Make(ctx, plan.Env{Onboard: tn.Env, Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if err := tn.Env.Store.ConfirmPlan(ctx, p, "bench"); err != nil {
			b.Fatal(err)
		}
		if _, err := apply.RunPlan(ctx, tn.Engine(), p.ID, apply.Options{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
		// As if killed after every call went out and before any answer
		// was written.
		var inflight []store.ActionUpdate
		per := map[change.Kind]map[string]int{}
		for _, a := range actions {
			if a.Kind == change.Create || a.Kind == change.Link {
				inflight = append(inflight, store.ActionUpdate{ID: a.ID, State: store.ActionInFlight})
				if per[a.Kind] == nil {
					per[a.Kind] = map[string]int{}
				}
				per[a.Kind][a.System]++
			}
		}
		p, _ = tn.Env.Store.PlanByID(ctx, tn.Env.Profile, p.ID)
		if err := tn.Env.Store.ReopenPlan(ctx, p); err != nil {
			b.Fatal(err)
		}
		if err := tn.Env.Store.UpdateActions(ctx, p, "bench", inflight); err != nil {
			b.Fatal(err)
		}
		hudu, lg := tn.Sandbox.Hudu.Server, tn.Sandbox.Liongard.Server
		beforeHudu, beforeLG, writes := hudu.Total(), lg.Total(), writesOf(tn)
		matchers, companies := hudu.Count("GET /api/v1/matchers"), hudu.Count("GET /api/v1/companies")
		envs := lg.Count("GET /api/v2/environments/")

		b.StartTimer()
		start := time.Now()
		res, err := apply.RunPlan(ctx, tn.Engine(), p.ID, apply.Options{Actor: "bench"})
		took := time.Since(start)
		b.StopTimer()
		if err != nil || res.Counts.Done != len(actions) {
			b.Fatalf("%+v %v", res.Counts, err)
		}
		hCalls, lCalls := hudu.Total()-beforeHudu, lg.Total()-beforeLG
		mPages, cCalls, ePages := hudu.Count("GET /api/v1/matchers")-matchers, hudu.Count("GET /api/v1/companies")-companies, lg.Count("GET /api/v2/environments/")-envs
		n := len(inflight)
		b.ReportMetric(float64(n), "in-flight")
		b.ReportMetric(float64(hCalls+lCalls), "calls")
		b.ReportMetric(took.Seconds(), "s")
		b.Logf("%d in flight (%v): Hudu %d calls (%d matcher pages, %d company pages), Liongard %d calls (%d environment pages); %d writes; %s",
			n, per, hCalls, mPages, cCalls, lCalls, ePages, writesOf(tn)-writes, took.Round(time.Millisecond))
		// The floor: one matcher list and one company list (a page of
		// 1,000 and the empty one that ends each), one environment list;
		// nothing sent again.
		if mPages > 2 || cCalls > 2 || hCalls != mPages+cCalls {
			b.Errorf("Hudu: %d calls, over the floor of one matcher list and one company list", hCalls)
		}
		if lCalls > 2 || writesOf(tn) != writes {
			b.Errorf("Liongard: %d calls; %d writes sent again", lCalls, writesOf(tn)-writes)
		}
	}
}

// writesOf counts the write calls the simulators answered.
func writesOf(tn *flowtest.Tenant) int { return writes(tn) }
