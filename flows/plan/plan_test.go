package plan_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
)

var ctx = context.Background()

func kinds(actions []store.Action) map[string]int {
	out := map[string]int{}
	for _, a := range actions {
		out[string(a.Kind)+":"+a.System]++
	}
	return out
}

func makePlan(t *testing.T, tn *flowtest.Tenant) (store.Plan, []store.Action) {
	t.Helper()
	p, actions, err := plan.Make(ctx, plan.Env{Onboard: tn.Env, Actor: who.Operator()})
	if err != nil {
		t.Fatal(err)
	}
	return p, actions
}

func payload[T any](t *testing.T, a store.Action) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(a.Payload, &v); err != nil {
		t.Fatalf("%s: %v", a.Key, err)
	}
	return v
}

func hasChecklist(actions []store.Action, words ...string) bool {
	for _, a := range actions {
		if a.Kind != change.Checklist {
			continue
		}
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(a.Summary, w)
		}
		if ok {
			return true
		}
	}
	return false
}

// Path A with Hudu (guide, path A steps 3 and 5): Liongard environments
// for HaloPSA clients it lacks, in the tier and group chosen; Hudu
// companies for clients Hudu lacks; each client's matcher in Hudu's
// HaloPSA integration linked to its company; Liongard's Map tab on the
// checklist, as Liongard has no API for it.
func TestPathAWithHuduPlansTheGuidesActions(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Seed: 3,
		Settings: store.PlanSettings{LiongardTier: "Essentials", LiongardGroup: "Managed - Gold"}})
	created := tn.Decide(t)
	p, actions := makePlan(t, tn)
	k := kinds(actions)
	if k["create:liongard"] != created["halopsa:liongard"] || k["create:hudu"] != created["halopsa:hudu"] || created["halopsa:liongard"] == 0 || created["halopsa:hudu"] == 0 {
		t.Fatalf("creates %v, decided %v", k, created)
	}
	if k["group:liongard"] != 1 || k["link:hudu"] == 0 || k["checklist:liongard"] != 1 || len(k) != 5 {
		t.Fatalf("kinds %v", k)
	}
	for _, a := range actions {
		switch string(a.Kind) + ":" + a.System {
		case "create:liongard":
			if rec := payload[change.CreatePayload](t, a).Record; rec.Tier != "Essentials" || !strings.Contains(a.Summary, "tier Essentials") {
				t.Fatalf("tier not carried: %s %+v", a.Summary, rec)
			}
		case "group:liongard":
			if g := payload[change.GroupPayload](t, a); g.Group != "Managed - Gold" || len(g.Creates) != created["halopsa:liongard"] || len(a.Depends) != len(g.Creates) {
				t.Fatalf("group %+v depends %v", g, a.Depends)
			}
		case "link:hudu":
			l := payload[change.LinkPayload](t, a)
			if l.Field != adapter.LinkMatcher || l.Integration != 1 || l.Target == "" || l.Value == "" && l.ValueFrom == "" {
				t.Fatalf("link %+v", l)
			}
			if l.ValueFrom != "" && (len(a.Depends) != 1 || a.Depends[0] != l.ValueFrom) {
				t.Fatalf("a link to a new company must wait for it: %+v", a)
			}
		}
	}
	if !hasChecklist(actions, "Admin > Integrations > HaloPSA > Import & Mapping", "Map tab") {
		t.Fatalf("no Map tab checklist item: %v", actions)
	}
	if p.ID == 0 || p.Path != "A" || p.Inputs["inventory:hudu"] == "" || p.Inputs["decisions:halopsa:hudu"] == "" {
		t.Fatalf("plan %+v", p)
	}
	for _, a := range actions {
		if a.Key == "" || a.Summary == "" || a.State != store.ActionPending {
			t.Fatalf("action %+v", a)
		}
	}
}

// Path A with IT Glue: HaloPSA's IT Glue integration keeps the link on the
// client, so each matched client gets its organization's id.
func TestPathAWithITGlueLinksHaloPSAClients(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "itglue", Seed: 4})
	created := tn.Decide(t)
	_, actions := makePlan(t, tn)
	k := kinds(actions)
	if k["create:itglue"] != created["halopsa:itglue"] || k["link:halopsa"] == 0 || k["create:liongard"] != created["halopsa:liongard"] {
		t.Fatalf("kinds %v, created %v", k, created)
	}
	if k["group:liongard"] != 0 {
		t.Fatalf("no group was chosen, yet %v", k)
	}
	for _, a := range actions {
		if a.Kind == change.Link {
			if l := payload[change.LinkPayload](t, a); l.Field != adapter.LinkITGlue || l.Target == "" {
				t.Fatalf("link %+v", l)
			}
		}
	}
}

// Path B: IT Glue organizations are made with the type and status
// Liongard's IT Glue filter selects, and both of Liongard's Map tabs are
// on the checklist; HaloPSA clients are not linked to IT Glue (Liongard
// feeds IT Glue in this path).
func TestPathBCreatesWhatLiongardsFilterSelects(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: path.B, DocsTool: "itglue", Seed: 5,
		ITGlueStatuses: []string{"Active"}, ITGlueTypes: []string{"Customer"}})
	created := tn.Decide(t)
	_, actions := makePlan(t, tn)
	k := kinds(actions)
	if k["create:itglue"] == 0 || k["create:itglue"] != created["halopsa:itglue"] || k["link:halopsa"] != 0 {
		t.Fatalf("kinds %v, created %v", k, created)
	}
	for _, a := range actions {
		if a.Kind == change.Create && a.System == "itglue" {
			if rec := payload[change.CreatePayload](t, a).Record; rec.Status != "Active" || rec.Type != "Customer" {
				t.Fatalf("IT Glue create %+v", rec)
			}
		}
	}
	if !hasChecklist(actions, "Integrations > HaloPSA") || !hasChecklist(actions, "Integrations > IT Glue, Map tab") {
		t.Fatalf("checklist: %v", actions)
	}
}

// Path C: Hudu pulls from Liongard, so each Liongard environment's
// matcher in Hudu's Liongard integration is linked to the Hudu company of
// the same HaloPSA client. Hudu's HaloPSA matchers — a second feed into
// the same companies — are linked only once the operator chooses both
// feeds, and then each such link carries a warning.
func TestPathCLinksHudusLiongardMatchers(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: path.C, DocsTool: "hudu", Seed: 6})
	tn.Decide(t)
	withLiongard := map[string]bool{} // HaloPSA clients the review gave a Liongard environment
	ds, err := tn.Env.Store.Decisions(ctx, tn.Env.Profile, "halopsa:liongard")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		withLiongard[d.Left.ID] = d.State == store.StateCreate || d.Right.ID != "" && (d.State == store.StateAccepted || d.State == store.StateRemapped)
	}
	// warned counts the HaloPSA links warned; each must be of a client
	// Liongard feeds too, and each such client's link warned.
	perIntegration := func(actions []store.Action) (map[int]int, int) {
		integrations, warned := map[int]int{}, 0
		for _, a := range actions {
			if a.Kind == change.Link {
				lp := payload[change.LinkPayload](t, a)
				integrations[lp.Integration]++
				w := len(a.Warnings) > 0 && strings.Contains(a.Warnings[0], "fed by Liongard too")
				if w {
					warned++
				}
				if lp.Integration == 1 && w != withLiongard[lp.SyncID] {
					t.Errorf("HaloPSA client %s (Liongard: %v) warned %v: %s", lp.SyncID, withLiongard[lp.SyncID], w, a.Summary)
				}
			}
		}
		return integrations, warned
	}
	p, actions := makePlan(t, tn)
	if integrations, _ := perIntegration(actions); integrations[1] != 0 || integrations[2] == 0 {
		t.Fatalf("unchosen feeds: matcher links per integration %v", integrations)
	}
	if !strings.Contains(strings.Join(p.Notes, " "), "--hudu-feeds") {
		t.Fatalf("the plan does not ask what feeds Hudu: %v", p.Notes)
	}
	both := store.HuduFeedBoth
	if err := tn.Env.SetPlanSettings(ctx, onboard.SettingsChange{HuduFeeds: &both}); err != nil {
		t.Fatal(err)
	}
	_, actions = makePlan(t, tn)
	integrations, warned := perIntegration(actions)
	if integrations[1] == 0 || integrations[2] == 0 || warned == 0 {
		t.Fatalf("both feeds: matcher links per integration %v, %d warned", integrations, warned)
	}
	bogus := "halopsa"
	if err := tn.Env.SetPlanSettings(ctx, onboard.SettingsChange{HuduFeeds: &bogus}); err == nil || !strings.Contains(err.Error(), "choose liongard") {
		t.Fatalf("--hudu-feeds halopsa: %v", err)
	}
}

// A plan made from the same inputs as a finished one plans nothing; a plan
// whose inventory changed is stale and says which.
func TestDonePlansAreNotRepeatedAndChangesAreNamed(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Seed: 3})
	tn.Decide(t)
	p, _ := makePlan(t, tn)
	if changed, err := plan.Stale(ctx, tn.Env, p); err != nil || len(changed) != 0 {
		t.Fatalf("fresh plan stale: %v %v", changed, err)
	}
	recs, err := tn.Env.Store.Records(ctx, tn.Env.Profile, "hudu")
	if err != nil {
		t.Fatal(err)
	}
	gone, renamed := recs[0].Name, recs[1].Name
	recs[1].Name = "Renamed Dental"
	recs = append(recs[1:], store.InventoryRecord{ExternalID: "new-1", Name: "Brand New Ltd"})
	if err := tn.Env.Store.ReplaceRecords(ctx, tn.Env.Profile, "hudu", recs); err != nil {
		t.Fatal(err)
	}
	changed, err := plan.Stale(ctx, tn.Env, p)
	if err != nil || len(changed) != 1 || !strings.Contains(changed[0], "Hudu companies") {
		t.Fatalf("stale: %v %v", changed, err)
	}
	// The records are named, not only counted.
	for _, want := range []string{fmt.Sprintf("%q is gone", gone), fmt.Sprintf("%q is now \"Renamed Dental\"", renamed), `"Brand New Ltd" is new`} {
		if !strings.Contains(changed[0], want) {
			t.Errorf("stale says %q, want %s", changed[0], want)
		}
	}
}

// A stale plan names at most five records and counts the rest; a changed
// decision is named with its states.
func TestStalePlansNameAtMostFiveRecords(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Seed: 3})
	tn.Decide(t)
	p, _ := makePlan(t, tn)
	recs, err := tn.Env.Store.Records(ctx, tn.Env.Profile, "hudu")
	if err != nil || len(recs) < 8 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	if err := tn.Env.Store.ReplaceRecords(ctx, tn.Env.Profile, "hudu", recs[8:]); err != nil {
		t.Fatal(err)
	}
	rows := tn.Review.All("halopsa:liongard")
	name, was := rows[0].Left.Name, rows[0].State
	if err := tn.Review.Ignore(ctx, rows[0].ID); err != nil {
		t.Fatal(err)
	}
	changed, err := plan.Stale(ctx, tn.Env, p)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(changed, "; ")
	if !strings.Contains(all, "is gone") || !strings.Contains(all, " and 3 more") || strings.Count(all, "is gone") != 5 {
		t.Errorf("eight gone named as %q", all)
	}
	if want := fmt.Sprintf("review decisions for HaloPSA clients ↔ Liongard environments changed: %q %s → ignore", name, was); !strings.Contains(all, want) {
		t.Errorf("changed decision named as %q, want %s", all, want)
	}
}

// Asked for a plan twice with nothing changed, the engine gives the same
// plan, not a second one; a changed decision makes a new one.
func TestAPlanIsReusedWhileItsInputsHold(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Seed: 3})
	tn.Decide(t)
	first, actions := makePlan(t, tn)
	again, _ := makePlan(t, tn)
	if len(actions) == 0 || again.ID != first.ID {
		t.Fatalf("plan %d, then %d (%d actions)", first.ID, again.ID, len(actions))
	}
	rows := tn.Review.All("halopsa:liongard")
	if err := tn.Review.Ignore(ctx, rows[0].ID); err != nil {
		t.Fatal(err)
	}
	if fresh, _ := makePlan(t, tn); fresh.ID == first.ID {
		t.Fatalf("a changed decision kept plan %d", first.ID)
	}
}
