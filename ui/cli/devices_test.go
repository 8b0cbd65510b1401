package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/ui/cli"
)

// devices map and accounts stale against `sandbox serve`: the documented
// JSON keys, exit 3 while something is to set or stale.
func TestDevicesAndAccountsTwins(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	s := newSession(t)
	sb := serveSandbox(t, 60, 1)
	onboardPathA(t, s, sb)
	stdout, stderr, code := s.run("", "devices", "map", "--json")
	if code != cli.ExitFindings {
		t.Fatalf("devices map: exit %d: %s", code, stderr)
	}
	var dm struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(stdout), &dm); err != nil || len(dm.Rows) == 0 {
		t.Fatalf("devices map --json: %v %q", err, stdout)
	}
	for _, r := range dm.Rows {
		for _, k := range []string{"id", "client", "device", "asset", "last_user", "user", "status"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("devices row without %q: %v", k, r)
			}
		}
	}
	stdout, stderr, code = s.run("", "accounts", "stale", "--json")
	if code != cli.ExitFindings {
		t.Fatalf("accounts stale: exit %d: %s", code, stderr)
	}
	var as struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(stdout), &as); err != nil || len(as.Rows) == 0 {
		t.Fatalf("accounts stale --json: %v %q", err, stdout)
	}
	for _, r := range as.Rows {
		for _, k := range []string{"id", "client", "source", "account", "last_login", "days"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("accounts row without %q: %v", k, r)
			}
		}
	}
	if out, _, code := s.run("", "accounts", "stale", "--days", "100000"); code != 0 || !strings.Contains(out, "No account") {
		t.Fatalf("--days 100000: exit %d %s", code, out)
	}
	if _, stderr, code := s.run("", "accounts", "stale", "--days", "0"); code == 0 || !strings.Contains(stderr, "--days") {
		t.Fatalf("--days 0: exit %d %s", code, stderr)
	}
}

// Devices and stale accounts plans applied through kills at many points:
// every asset ends with the user the map named, every client with stale
// accounts has one ticket, and a second apply sends nothing.
func TestDevicesAndAccountsApplyKilledAnywhere(t *testing.T) {
	needsCrashPoints(t)
	t.Parallel() // its own data directory, profile and sandbox process
	s := newSession(t)
	sb := serveSandbox(t, 160, 11)
	for _, sys := range pathA {
		sb.admin(t, sys, "POST", "/limit", map[string]any{"requests": 0}) // about crashes, not budgets
	}
	onboardPathA(t, s, sb)
	type row struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Client *struct {
			ID string `json:"id"`
		} `json:"client"`
		Asset *struct {
			ID int `json:"id"`
		} `json:"asset"`
		User *struct {
			ID int `json:"id"`
		} `json:"user"`
	}
	read := func(args ...string) []row {
		stdout, stderr, _ := s.run("", args...)
		var out struct {
			Rows []row `json:"rows"`
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%v: %v %s", args, err, stderr)
		}
		return out.Rows
	}
	before := read("devices", "map", "--json")
	stale := map[string]bool{}
	for _, r := range read("accounts", "stale", "--json") {
		if r.Client != nil {
			stale[r.Client.ID] = true
		}
	}
	toSet := 0
	for _, r := range before {
		if r.Status == "to_set" || r.Status == "differs" {
			toSet++
		}
	}
	if toSet < 15 || len(stale) < 5 {
		t.Fatalf("%d assets to set and %d clients with stale accounts: too few to test with", toSet, len(stale))
	}
	kills := 0
	for _, plan := range [][]string{{"devices", "plan", "--replace"}, {"accounts", "plan", "--ticket-type", "2"}} {
		if _, stderr, code := s.run("", plan...); code != 0 {
			t.Fatalf("%v: %s", plan, stderr)
		}
		points := []string{"in_flight#2", "reply#1", "done#1", "reply#2", "in_flight#3", "done#2"}
		deadline := time.Now().Add(3 * time.Minute)
		for runs, killed, finished := 0, 0, false; !finished; runs++ {
			if time.Now().After(deadline) {
				t.Fatalf("%v: not finished after %d runs", plan, runs)
			}
			crashAt := points[runs%len(points)]
			if killed >= 5 {
				crashAt = "" // the engine's own test kills it at every point; these prove the executors
			}
			died, out := s.applyProcess(t, crashAt, 0)
			if died {
				kills++
				killed++
				continue
			}
			if finished = strings.Contains(out, "applied"); !finished {
				t.Fatalf("%v: apply (crash at %q) neither died nor finished:\n%s", plan, crashAt, out)
			}
		}
	}
	t.Logf("%d kills over %d assets to set and %d clients with stale accounts", kills, toSet, len(stale))
	// A devices plan is four calls of 50 assets, so few of the points fall
	// inside it; how many depends on the machine's pace. The engine's own
	// test kills at every point: these prove the two executors resume.
	if kills < 4 {
		t.Fatalf("only %d kill points tried", kills)
	}
	for _, r := range read("devices", "map", "--json") {
		if r.Status == "to_set" || r.Status == "differs" {
			t.Errorf("%s is still %s", r.ID, r.Status)
		}
	}
	var state struct {
		Tickets []struct {
			Summary  string `json:"summary"`
			ClientID int    `json:"client_id"`
		} `json:"tickets"`
	}
	if err := json.Unmarshal(sb.admin(t, "halopsa", "GET", "/state", nil), &state); err != nil {
		t.Fatal(err)
	}
	opened := map[string]int{}
	for _, tk := range state.Tickets {
		if strings.Contains(tk.Summary, "[mspwire stale-accounts ") {
			opened[strings.Fields(tk.Summary[strings.Index(tk.Summary, "[mspwire stale-accounts ")+len("[mspwire stale-accounts "):])[0]]++
		}
	}
	for id := range stale {
		if opened[id] != 1 {
			t.Errorf("client %s: %d tickets", id, opened[id])
		}
	}
	if len(opened) != len(stale) {
		t.Errorf("tickets for %d clients, %d have stale accounts", len(opened), len(stale))
	}
	sent := sb.writeCounts(t)
	_, out := s.applyProcess(t, "", 0)
	after := sb.writeCounts(t)
	for route, n := range after {
		if n != sent[route] {
			t.Errorf("a second apply sent %d × %s", n-sent[route], route)
		}
	}
	if !strings.Contains(out, "Nothing was sent") {
		t.Fatalf("a second apply:\n%s", out)
	}
}

// The demo world reviewed in bulk links Johnson & Sons to another
// customer's environment: stale accounts hold its accounts back and say
// why; match confirm is the operator's word against the evidence.
func TestAccountsHoldBackADoubtedLinkUntilConfirmed(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	sb := serveSandbox(t, 300, 1)
	loginServed(t, s, sb, pathA...)
	for _, args := range [][]string{
		{"path", "recommend", "--docs-tool", "hudu"}, {"path", "set", "A"}, {"source", "set", "halopsa"}, {"inventory", "fetch"},
		{"match", "suggest", "--pair", "halopsa:liongard"}, {"match", "accept", "--band", "strong", "--pair", "halopsa:liongard"},
	} {
		if _, stderr, code := s.run("", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	stdout, stderr, code := s.run("", "accounts", "stale", "--json")
	if code != cli.ExitFindings {
		t.Fatalf("accounts stale: exit %d: %s", code, stderr)
	}
	var rep struct {
		Rows []struct {
			Client *struct{ ID, Name string } `json:"client"`
			Status string                     `json:"status"`
			Why    string                     `json:"why"`
		} `json:"rows"`
		CheckMapping int `json:"check_mapping"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	client := ""
	for _, r := range rep.Rows {
		if r.Status == "check_mapping" && r.Client != nil && strings.HasPrefix(r.Client.Name, "Johnson & Sons Physical Therapy") {
			client = r.Client.ID
		}
	}
	if client == "" || rep.CheckMapping == 0 {
		t.Fatalf("no Johnson & Sons account held back (%d held): %s", rep.CheckMapping, stdout)
	}
	out, _, _ := s.run("", "accounts", "stale")
	if !strings.Contains(out, "Check the mapping before a ticket lists these accounts:") || !strings.Contains(out, "(client "+client+") ↔ Johnson & Sons Physical Therapy - Portland: the ") || !strings.Contains(out, "mspwire match confirm CLIENT_ID") {
		t.Fatalf("the text does not say why or what to do:\n%s", out)
	}
	if _, stderr, code := s.run("", "match", "confirm", client); code != 0 || !strings.Contains(stderr, "against: ") {
		t.Fatalf("match confirm: exit %d: %s", code, stderr)
	}
	out, _, _ = s.run("", "accounts", "stale")
	if strings.Contains(out, "Johnson & Sons Physical Therapy, LLP (client") {
		t.Fatalf("confirmed, still held back:\n%s", out)
	}
	if _, stderr, code := s.run("", "match", "confirm", "999999"); code == 0 || !strings.Contains(stderr, "links HaloPSA client 999999 to no Liongard environment") {
		t.Fatalf("an unlinked client: exit %d: %s", code, stderr)
	}
}
