package apply_test

import (
	"context"
	"encoding/json"
	"github.com/mspwire/mspwire/flows/change"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/store"
)

var ctx = context.Background()

func planned(t *testing.T, tn *flowtest.Tenant) (store.Plan, []store.Action) {
	t.Helper()
	p, actions, err := plan.Make(ctx, plan.Env{Onboard: tn.Env, Actor: "operator:test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.Env.Store.ConfirmPlan(ctx, p, "operator:test"); err != nil {
		t.Fatal(err)
	}
	p, err = tn.Env.Store.PlanByID(ctx, tn.Env.Profile, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p, actions
}

// census counts the tenant's records in each vendor, by name.
func census(t *testing.T, tn *flowtest.Tenant) map[string]map[string]int {
	return flowtest.Census(t, tn.Env)
}

// holdsOnce checks every record the plan meant to create was made once.
func holdsOnce(t *testing.T, tn *flowtest.Tenant, before map[string]map[string]int, want map[string][]string) {
	t.Helper()
	flowtest.HoldsOnce(t, before, census(t, tn), want)
}

func writes(tn *flowtest.Tenant) int {
	sb := tn.Sandbox
	return sb.Hudu.Count("POST /api/v1/companies") + sb.Hudu.Count("PUT /api/v1/matchers/{id}") +
		sb.Liongard.Count("POST /api/v2/environments/bulk") + sb.Liongard.Count("PUT /api/v2/environment-groups/{id}") +
		sb.Liongard.Count("POST /api/v2/environment-groups") + sb.ITGlue.Count("POST /organizations") + sb.HaloPSA.Count("POST /api/Client")
}

// Path A with Hudu on the demo world, start to end: every environment and
// company the review asked for is made once, the matchers are linked, the
// group holds the new environments, the checklist has Liongard's Map tab;
// a second apply sends nothing.
func TestApplyMakesEachRecordOnceAndASecondApplySendsNothing(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Seed: 3,
		Settings: store.PlanSettings{LiongardGroup: "Managed"}})
	tn.Decide(t)
	before := census(t, tn)
	p, actions := planned(t, tn)
	var events []apply.Event
	res, err := apply.RunPlan(ctx, tn.Engine(), p.ID, apply.Options{Actor: "operator:test", Observer: apply.Observer{Action: func(e apply.Event) { events = append(events, e) }}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Done != len(actions) || res.Counts.Failed+res.Counts.Pending+res.Counts.InFlight+res.Counts.Skipped != 0 {
		t.Fatalf("counts %+v of %d", res.Counts, len(actions))
	}
	if len(events) != len(actions) || events[len(events)-1].Counts.Done != len(actions) {
		t.Fatalf("%d events for %d actions; last %+v", len(events), len(actions), events[len(events)-1].Counts)
	}
	holdsOnce(t, tn, before, flowtest.Intended(t, actions))
	// Liongard's bulk call carried the environments, 50 at most per call.
	creates := len(flowtest.Intended(t, actions)["liongard"])
	if n := tn.Sandbox.Liongard.Count("POST /api/v2/environments/bulk"); n != (creates+49)/50 {
		t.Fatalf("%d bulk calls for %d environments", n, creates)
	}
	after, _ := tn.Env.Store.Actions(ctx, p.ID)
	for _, a := range after {
		if a.Kind == change.Link {
			var l change.LinkPayload
			_ = json.Unmarshal(a.Payload, &l)
			m, ok, err := tn.Env.Clients.MatcherOf(ctx, l.Integration, l.SyncID)
			if err != nil || !ok || m.CompanyID != a.ExternalID || a.ExternalID == "" {
				t.Fatalf("%s: matcher %+v (%v), action %+v", a.Key, m, err, a)
			}
		}
	}
	items, _ := tn.Env.Store.Checklist(ctx, tn.Env.Profile)
	if len(items) != 1 || !strings.Contains(items[0].Item, "Map tab") {
		t.Fatalf("checklist %+v", items)
	}
	log, _ := tn.Env.Store.AuditLog(ctx, tn.Env.Profile)
	doneLines := 0
	for _, e := range log {
		if e.Event == "action.done" {
			doneLines++
		}
	}
	if doneLines != len(actions) {
		t.Fatalf("%d audit lines for %d actions", doneLines, len(actions))
	}

	sent := writes(tn)
	p, _ = tn.Env.Store.PlanByID(ctx, tn.Env.Profile, p.ID)
	again, err := apply.RunPlan(ctx, tn.Engine(), p.ID, apply.Options{Actor: "operator:test"})
	if err != nil || !again.AlreadyApplied || writes(tn) != sent {
		t.Fatalf("second apply: %+v %v, writes %d → %d", again, err, sent, writes(tn))
	}
	next, nextActions, err := plan.Make(ctx, plan.Env{Onboard: tn.Env, Actor: "operator:test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range nextActions {
		if a.Kind == change.Create || a.Kind == change.Group {
			t.Fatalf("plan %d repeats %s", next.ID, a.Key)
		}
	}
}

// With a tenth of the calls failing with 500, bursts of 429s, dropped
// connections and answers lost after the write landed, the plan still
// completes and nothing is made twice.
func TestApplyUnderFaultsMakesNoDuplicates(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: path.C, DocsTool: "hudu", Seed: 8, Companies: 60,
		Settings: store.PlanSettings{LiongardGroup: "Managed"}})
	tn.Decide(t)
	before := census(t, tn)
	p, actions := planned(t, tn)
	faults := simkit.Fault{ErrorRate: 0.1, LoseReply: 0.1}
	for _, s := range []*simkit.Server{tn.Sandbox.Hudu.Server, tn.Sandbox.Liongard.Server} {
		s.SetFault("*", faults)
		s.SetFault("POST /api/v1/companies", simkit.Fault{ErrorRate: 0.1, LoseReply: 0.15, Burst429: 2})
		s.SetFault("POST /api/v2/environments/bulk", simkit.Fault{LoseReply: 0.3, DropNext: 1})
		s.SetFault("PUT /api/v1/matchers/{id}", simkit.Fault{ErrorRate: 0.1, DropNext: 2, Burst429: 1})
	}
	var res apply.Result
	var err error
	runs := 0
	deadline := time.Now().Add(2 * time.Minute)
	for runs == 0 || err != nil || res.Counts.Failed+res.Counts.Pending+res.Counts.InFlight > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("not finished after %d runs: %+v %v", runs, res.Counts, err)
		}
		runs++
		p, _ = tn.Env.Store.PlanByID(ctx, tn.Env.Profile, p.ID)
		res, err = apply.RunPlan(ctx, tn.Engine(), p.ID, apply.Options{Actor: "operator:test", MaxAttempts: 5})
	}
	injected := map[string]int{}
	for _, s := range []*simkit.Server{tn.Sandbox.Hudu.Server, tn.Sandbox.Liongard.Server} {
		s.ClearFaults()
		for k, v := range s.Injected() {
			injected[k] += v
		}
	}
	holdsOnce(t, tn, before, flowtest.Intended(t, actions))
	if injected["lost_reply"] == 0 || injected["500"] == 0 || injected["429"] == 0 || injected["drop"] == 0 {
		t.Fatalf("not every fault was tried: %v", injected)
	}
	t.Logf("%d actions done in %d runs; faults injected: %v", len(actions), runs, injected)
}
