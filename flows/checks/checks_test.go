package checks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/checks"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/sandbox"
	"github.com/mspwire/mspwire/store"
)

var ctx = context.Background()

type pathCase struct {
	path path.ID
	docs string
}

var paths = []pathCase{{path.A, "hudu"}, {path.B, "itglue"}, {path.C, "hudu"}}

func tenant(t *testing.T, c pathCase, clean bool, companies int) *flowtest.Tenant {
	t.Helper()
	o := flowtest.Options{Path: c.path, DocsTool: c.docs, Seed: 1, Companies: companies, Clean: clean}
	if c.path == path.B {
		o.ITGlueStatuses, o.ITGlueTypes = []string{"Active"}, []string{"Customer"}
	}
	return flowtest.New(t, o)
}

// decideAll reviews like an operator who knows every customer: each row
// is linked to the record of the same customer (the sandbox's world knows
// which), or marked to create where the system has none.
func decideAll(t *testing.T, tn *flowtest.Tenant) {
	t.Helper()
	customerOf := map[string]int{} // system|name -> customer
	for _, sys := range adapter.IDs() {
		for _, rec := range tn.Sandbox.World.Records(sys) {
			customerOf[sys+"|"+rec.Name] = rec.Customer.ID
		}
	}
	for _, p := range tn.Review.Pairs() {
		right := map[int]string{} // customer -> the right system's record id
		recs, err := tn.Env.Store.Records(ctx, tn.Env.Profile, p.Right)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			right[customerOf[p.Right+"|"+r.Name]] = r.ExternalID
		}
		var changes []store.Change
		held := map[string]bool{} // a record goes to one row; its twin is ignored
		for _, d := range tn.Review.All(p.ID) {
			id, ok := right[customerOf[p.Left+"|"+d.Left.Name]]
			if ok && held[id] {
				changes = append(changes, store.Change{ID: d.ID, State: store.StateIgnore})
				continue
			}
			held[id] = ok
			switch {
			case !ok:
				changes = append(changes, store.Change{ID: d.ID, State: store.StateCreate})
			case id == d.Right.ID:
				changes = append(changes, store.Change{ID: d.ID, State: store.StateAccepted})
			default:
				changes = append(changes, store.Change{ID: d.ID, State: store.StateRemapped, Right: store.RecordRef{System: p.Right, ID: id}})
			}
		}
		if _, err := tn.Review.Write(ctx, changes); err != nil {
			t.Fatal(err)
		}
	}
}

func applyPlan(t *testing.T, tn *flowtest.Tenant) {
	t.Helper()
	p, _, err := plan.Make(ctx, plan.Env{Onboard: tn.Env, Actor: "operator:test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.Env.Store.ConfirmPlan(ctx, p, "operator:test"); err != nil {
		t.Fatal(err)
	}
	p, _ = tn.Env.Store.PlanByID(ctx, tn.Env.Profile, p.ID)
	res, err := apply.RunPlan(ctx, tn.Engine(), p.ID, apply.Options{Actor: "operator:test"})
	if err != nil || res.Counts.Failed+res.Counts.Pending > 0 {
		t.Fatalf("apply: %+v %v", res.Counts, err)
	}
}

func doctor(t *testing.T, tn *flowtest.Tenant, o checks.Options) checks.Report {
	t.Helper()
	rep, err := checks.Run(ctx, tn.Env, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func found(rep checks.Report) map[string]checks.Finding {
	out := map[string]checks.Finding{}
	for _, f := range rep.Findings {
		out[f.Check] = f
	}
	return out
}

func asked(rep checks.Report) []string {
	var out []string
	for _, q := range rep.Questions {
		out = append(out, q.ID)
	}
	sort.Strings(out)
	return out
}

// On the sandbox's default world every planted pitfall is found, with the
// records involved and a fix; what no API shows is asked.
func TestPlantedPitfallsAreFound(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	want := map[path.ID][]string{
		path.A: {"halopsa-mandatory-fields", "halopsa-api-agents", "liongard-unlinked-environments", "hudu-layouts", "hudu-matchers", "hudu-two-feeds", "duplicates"},
		path.B: {"halopsa-mandatory-fields", "halopsa-api-agents", "liongard-unlinked-environments", "itglue-filter", "itglue-pro-sync", "duplicates"},
		path.C: {"halopsa-mandatory-fields", "halopsa-api-agents", "liongard-unlinked-environments", "hudu-layouts", "duplicates"},
	}
	wantAsked := map[path.ID]string{path.A: "alert-mapping alert-templates", path.B: "alert-mapping alert-templates", path.C: "alert-mapping alert-templates two-feeds"}
	for _, c := range paths {
		t.Run(string(c.path), func(t *testing.T) {
			tn := tenant(t, c, false, 120)
			tn.Decide(t)
			rep := doctor(t, tn, checks.Options{})
			got := found(rep)
			for _, id := range want[c.path] {
				f, ok := got[id]
				if !ok {
					t.Errorf("%s not found; found %v", id, keys(got))
					continue
				}
				if len(f.Records) == 0 && id != "halopsa-shared-application" || f.Fix == "" || f.Summary == "" {
					t.Errorf("%s: %+v lacks records, summary or fix", id, f)
				}
			}
			if g := strings.Join(asked(rep), " "); g != wantAsked[c.path] {
				t.Errorf("asked %q, want %q", g, wantAsked[c.path])
			}
			if f, ok := got["halopsa-mandatory-fields"]; ok && !strings.Contains(f.Records[0].Name, "Change Request (must fill: CAB members, Change window)") {
				t.Errorf("mandatory fields: %+v", f.Records)
			}
			if f, ok := got["itglue-pro-sync"]; ok && !strings.Contains(f.Records[0].Name, "DC01 in ") {
				t.Errorf("pro sync: %+v", f.Records[0])
			}
		})
	}
}

// On a clean world, reviewed and applied, every check runs and finds
// nothing; the questions stay until answered, and an answer holds 90 days.
func TestCleanWorldAfterApplyHasNoFindings(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	for _, c := range paths {
		t.Run(string(c.path), func(t *testing.T) {
			tn := tenant(t, c, true, 80)
			decideAll(t, tn)
			applyPlan(t, tn)
			rep := doctor(t, tn, checks.Options{})
			for _, f := range rep.Findings {
				t.Errorf("clean world, %s: %s %v", f.Check, f.Summary, first(f.Records, 3))
			}
			if len(rep.Ran) < 9 {
				t.Errorf("only %d checks ran: %v (skipped %v)", len(rep.Ran), rep.Ran, rep.Skipped)
			}
			for _, q := range asked(rep) {
				if err := checks.Answer(ctx, tn.Env, q, true, "operator:test"); err != nil {
					t.Fatal(err)
				}
			}
			if rep := doctor(t, tn, checks.Options{}); len(rep.Questions)+len(rep.Findings) != 0 {
				t.Fatalf("after answering yes: %d questions, %d findings", len(rep.Questions), len(rep.Findings))
			}
			if err := checks.Answer(ctx, tn.Env, "alert-templates", false, "operator:test"); err != nil {
				t.Fatal(err)
			}
			if got := found(doctor(t, tn, checks.Options{})); got["liongard-alert-templates"].Severity != checks.Error {
				t.Fatalf("answering no is no finding: %v", keys(got))
			}
			later := doctor(t, tn, checks.Options{Now: time.Now().Add(checks.AskAgainAfter + time.Hour)})
			if len(later.Questions) == 0 {
				t.Fatal("after 90 days the questions are not asked again")
			}
		})
	}
}

// After an apply, a client added and one renamed in HaloPSA through its
// API are drift, named with their records; refetching and planning is the
// fix.
func TestDriftAfterApplySeesAddedAndRenamedClients(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, pathCase{path.A, "hudu"}, true, 60)
	decideAll(t, tn)
	applyPlan(t, tn)
	recs, _ := tn.Env.Store.Records(ctx, tn.Env.Profile, "halopsa")
	renamed := recs[5]
	halo := haloAPI(t, tn.Sandbox)
	halo.post(t, []map[string]any{{"name": "Quillfeather Veterinary Partners"}})
	var id int
	fmt.Sscan(renamed.ExternalID, &id)
	halo.post(t, []map[string]any{{"id": id, "name": "Zanzibar Holdings Group"}})

	f, ok := found(doctor(t, tn, checks.Options{}))["drift"]
	if !ok {
		t.Fatal("no drift found")
	}
	var names []string
	for _, r := range f.Records {
		names = append(names, r.Name)
	}
	all := strings.Join(names, " | ")
	for _, want := range []string{"Quillfeather Veterinary Partners (added)", fmt.Sprintf("Zanzibar Holdings Group (was %q)", renamed.Name)} {
		if !strings.Contains(all, want) {
			t.Errorf("drift records %q lack %q", all, want)
		}
	}
	if !strings.Contains(f.Fix, "mspwire plan") {
		t.Errorf("fix %q names no plan", f.Fix)
	}
	if want := "in HaloPSA clients the other systems do not reflect: 1 added, 1 renamed, 0 archived"; !strings.Contains(f.Summary, want) {
		t.Errorf("drift says %q, want %q", f.Summary, want)
	}
}

// doctor reads each list once: on a 2,000-client tenant it makes a fixed,
// small number of calls per vendor, whatever the tenant's size.
func TestDoctorCallsPerVendorOn2000Clients(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	if testing.Short() {
		t.Skip("2,000 clients")
	}
	// Path A with Hudu. HaloPSA: a token, ticket types, the one flagged
	// type's detail, the agent, agents, statuses, SLAs. Hudu: layouts, the
	// two integrations found by their first matcher (ids 1, then 1 and 2),
	// each one's 2,000 matchers, 1,000 to a page and the empty page that
	// ends a list. Liongard: nothing; path A's checks read its stored
	// inventory.
	// Path B: HaloPSA as above; Liongard: its systems, one v1 list (two
	// requests: Liongard's edge redirects it to the trailing slash); IT
	// Glue: organizations and configurations, 1,000 to a page.
	for _, c := range []struct {
		path   pathCase
		budget map[string]int
	}{
		{pathCase{path.A, "hudu"}, map[string]int{"halopsa": 7, "liongard": 0, "itglue": 0, "hudu": 11}},
		{pathCase{path.B, "itglue"}, map[string]int{"halopsa": 7, "liongard": 2, "itglue": 7, "hudu": 0}},
	} {
		t.Run(string(c.path.path), func(t *testing.T) {
			tn := tenant(t, c.path, false, 2000)
			tn.Decide(t)
			sb := tn.Sandbox
			total := func() map[string]int {
				return map[string]int{"halopsa": sb.HaloPSA.Total(), "liongard": sb.Liongard.Total(), "itglue": sb.ITGlue.Total(), "hudu": sb.Hudu.Total()}
			}
			before := total()
			doctor(t, tn, checks.Options{})
			got := total()
			for v := range got {
				got[v] -= before[v]
			}
			t.Logf("path %s, calls: %v", c.path.path, got)
			for v, n := range c.budget {
				if got[v] > n {
					t.Errorf("%s: %d calls, budget %d", v, got[v], n)
				}
			}
		})
	}
}

func keys[T any](m map[string]T) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func first(recs []checks.Record, n int) []checks.Record { return recs[:min(n, len(recs))] }

// haloAPI talks to the HaloPSA simulator as any API client would.
type haloClient struct {
	base, token string
}

func haloAPI(t *testing.T, sb *sandbox.Sandbox) haloClient {
	t.Helper()
	c := sb.Creds["halopsa"]
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}, "scope": {"all"}}
	resp, err := http.PostForm(c.URL+"/auth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	return haloClient{base: c.URL, token: tok.AccessToken}
}

func (h haloClient) post(t *testing.T, body any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, h.base+"/api/Client", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/Client: %s", resp.Status)
	}
}

// One HaloPSA application used by two integrations, and one Liongard
// environment linked to two clients, are found; with their own
// application and one link each, they are not.
func TestSharedApplicationAndLinkedTwice(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, pathCase{path.A, "hudu"}, true, 40)
	decideAll(t, tn)
	clean := found(doctor(t, tn, checks.Options{}))
	if _, ok := clean["halopsa-shared-application"]; ok {
		t.Fatal("shared application found with one user")
	}
	if _, ok := clean["linked-twice"]; ok {
		t.Fatal("linked twice found with one link each")
	}

	c := tn.Sandbox.Creds["halopsa"]
	f := connect.Values{"url": c.URL, "client_id": c.ClientID, "used_by": "liongard,hudu"}
	v, err := connect.Verify(ctx, "halopsa", f, c.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if err := connect.Save(ctx, tn.Env.Store, tn.Env.Keyring, tn.Env.Profile, "halopsa", f, c.ClientSecret, v, "operator:test"); err != nil {
		t.Fatal(err)
	}
	rows, err := tn.Env.Store.Decisions(ctx, tn.Env.Profile, "halopsa:liongard")
	if err != nil {
		t.Fatal(err)
	}
	var a, b store.Decision
	for _, d := range rows {
		if d.State == store.StateAccepted || d.State == store.StateRemapped {
			if a.ID == 0 {
				a = d
			} else if b.ID == 0 {
				b = d
			}
		}
	}
	if _, err := tn.Review.Write(ctx, []store.Change{{ID: b.ID, State: store.StateRemapped, Right: a.Right}}); err != nil {
		t.Fatal(err)
	}
	got := found(doctor(t, tn, checks.Options{}))
	if f, ok := got["halopsa-shared-application"]; !ok || !strings.Contains(f.Summary, "liongard and hudu") {
		t.Errorf("shared application: %+v", f)
	}
	f2, ok := got["linked-twice"]
	if !ok || len(f2.Records) != 3 {
		t.Fatalf("linked twice: %+v", f2)
	}
	if names := fmt.Sprint(f2.Records); !strings.Contains(names, a.Left.Name) || !strings.Contains(names, b.Left.Name) {
		t.Errorf("linked twice names %s, want %q and %q", names, a.Left.Name, b.Left.Name)
	}
}

// --check runs one check, --only one system's; an unknown check is named.
func TestOnlyAndCheckChooseTheChecks(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, pathCase{path.A, "hudu"}, false, 40)
	tn.Decide(t)
	if rep := doctor(t, tn, checks.Options{Check: "hudu-layouts"}); strings.Join(rep.Ran, ",") != "hudu-layouts" {
		t.Errorf("--check ran %v", rep.Ran)
	}
	for _, id := range doctor(t, tn, checks.Options{Only: "halopsa"}).Ran {
		if !strings.HasPrefix(id, "halopsa-") {
			t.Errorf("--only halopsa ran %s", id)
		}
	}
	if _, err := checks.Run(ctx, tn.Env, checks.Options{Check: "nope"}); !errors.Is(err, checks.ErrUnknownCheck) {
		t.Errorf("unknown check: %v", err)
	}
}

// With IT Glue as the source of truth and Liongard's status and type
// filter, drift compares like with like: organizations outside the filter
// were never in the inventory, and are not "added".
func TestDriftReadsTheSourceThroughItsFilter(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := flowtest.New(t, flowtest.Options{Path: path.B, DocsTool: "itglue", Seed: 1, Companies: 40, Source: "itglue",
		ITGlueStatuses: []string{"Active"}, ITGlueTypes: []string{"Customer"}})
	decideAll(t, tn)
	applyPlan(t, tn)
	if f, ok := found(doctor(t, tn, checks.Options{Check: "drift"}))["drift"]; ok {
		t.Fatalf("drift right after the apply: %s: %+v", f.Summary, f.Records)
	}
}

// Right after an apply that made a second Hudu company of a name (a row
// marked to create though Hudu had it), doctor names the new record
// without a fresh inventory fetch.
func TestDoctorRightAfterAnApplySeesWhatItMade(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, pathCase{path.A, "hudu"}, true, 40)
	decideAll(t, tn)
	ds, err := tn.Env.Store.Decisions(ctx, tn.Env.Profile, "halopsa:hudu")
	if err != nil {
		t.Fatal(err)
	}
	var row store.Decision
	for _, d := range ds {
		if d.State == store.StateAccepted && d.Right.ID != "" && adapter.NameKey(d.Left.Name) == adapter.NameKey(d.Right.Name) {
			row = d
			break
		}
	}
	if row.ID == 0 {
		t.Fatal("no accepted HaloPSA ↔ Hudu row of the same name")
	}
	if _, err := tn.Review.Write(ctx, []store.Change{{ID: row.ID, State: store.StateCreate}}); err != nil {
		t.Fatal(err)
	}
	applyPlan(t, tn)
	f, ok := found(doctor(t, tn, checks.Options{Check: "duplicates"}))["duplicates"]
	if !ok {
		t.Fatalf("no duplicate found after making a second Hudu company %q", row.Right.Name)
	}
	var ids []string
	for _, r := range f.Records {
		if r.System == "hudu" && adapter.NameKey(r.Name) == adapter.NameKey(row.Right.Name) {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) != 2 || !slices.Contains(ids, row.Right.ID) {
		t.Fatalf("duplicates %v; want %s and the company the apply made", f.Records, row.Right.ID)
	}
}

// Path C: what feeds Hudu decides what doctor says of two feeds. Not yet
// chosen, it asks; Liongard alone chosen, the HaloPSA feed is a finding;
// both chosen, it asks how assets are kept apart and checks HaloPSA's
// matchers as it does on path A.
func TestPathCDoctorFollowsWhatFeedsHudu(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, pathCase{path.C, "hudu"}, false, 120)
	tn.Decide(t)
	for _, c := range []struct {
		feeds          string
		finding, asked bool
		matchers       bool
	}{
		{"", false, true, false},
		{store.HuduFeedLiongard, true, false, false},
		{store.HuduFeedBoth, false, true, true},
	} {
		feeds := c.feeds
		if err := tn.Env.SetPlanSettings(ctx, onboard.SettingsChange{HuduFeeds: &feeds}); err != nil {
			t.Fatal(err)
		}
		rep := doctor(t, tn, checks.Options{})
		got := found(rep)
		_, finding := got["hudu-two-feeds"]
		_, matchers := got["hudu-matchers"]
		asked := slices.Contains(asked(rep), "two-feeds")
		if finding != c.finding || asked != c.asked || matchers != c.matchers {
			t.Errorf("feeds %q: two-feeds finding %v, asked %v, hudu-matchers %v; want %v, %v, %v", c.feeds, finding, asked, matchers, c.finding, c.asked, c.matchers)
		}
	}
}
