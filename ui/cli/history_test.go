package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/ui/cli"
)

// Recurring reviews remember: a reconciliation after another client's
// line moved in HaloPSA names exactly that row as changed, --changed exits
// 3 on it and 0 when nothing moved, and billing history lists the runs
// (a run that found what the last one did is not kept twice).
func TestReconcileSaysWhatChangedSinceTheLastRun(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	sb := serveSandbox(t, 60, 1)
	onboardPathA(t, s, sb)
	if _, stderr, code := s.run("", "billing", "items", "set", "--proposed"); code != 0 {
		t.Fatalf("items: %s", stderr)
	}
	type since struct {
		Run     int64    `json:"run"`
		New     []string `json:"new"`
		Changed []struct {
			ID    string   `json:"id"`
			Moved []string `json:"moved"`
		} `json:"changed"`
		Resolved []string `json:"resolved"`
	}
	reconcile := func(args ...string) (since, []map[string]any, int) {
		stdout, stderr, code := s.run("", append([]string{"billing", "reconcile", "--json"}, args...)...)
		var out struct {
			Rows      []map[string]any `json:"rows"`
			SinceLast since            `json:"since_last"`
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("reconcile: exit %d: %v %s", code, err, stderr)
		}
		return out.SinceLast, out.Rows, code
	}
	first, rows, _ := reconcile()
	if first.Run != 0 || len(first.New) == 0 {
		t.Fatalf("the first run: %+v", first)
	}
	var under []map[string]any
	for _, r := range rows {
		if r["status"] == "under_billed" && r["line"] != nil {
			under = append(under, r)
		}
	}
	if len(under) < 2 {
		t.Fatalf("only %d under-billed rows with a line", len(under))
	}

	// One row is fixed by a ticket, applied: it is in hand from then on.
	ticketed := under[1]["id"].(string)
	for _, args := range [][]string{{"billing", "fix", ticketed, "--by", "ticket"}, {"billing", "plan", "--ticket-type", "2"}, {"apply", "--yes"}} {
		if _, stderr, code := s.run("", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}

	// Another hand moves another open row's line in HaloPSA.
	target := under[0]
	line := target["line"].(map[string]any)
	c := sb.creds["halopsa"]
	halo, err := halopsa.New(halopsa.Config{BaseURL: c.URL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, Tenant: c.Tenant})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := halo.SetLineQuantity(context.Background(), int(line["invoice_id"].(float64)), int(line["line_id"].(float64)), line["quantity"].(float64)-1); err != nil { // further under-billed: open still, its numbers moved
		t.Fatal(err)
	}

	second, rows, code := reconcile("--changed")
	if code != cli.ExitFindings || len(second.Changed) != 1 || second.Changed[0].ID != target["id"] || len(second.New) != 0 ||
		strings.Join(second.Resolved, ",") != ticketed || // in hand: nobody needs to act on it
		!strings.Contains(strings.Join(second.Changed[0].Moved, " "), "billed ") || second.Run == 0 {
		t.Fatalf("after one line moved: exit %d, %+v (the row moved: %v)", code, second, target["id"])
	}
	held := rowByID(rows, ticketed)
	ticket, _ := held["ticket"].(map[string]any)
	if held["in_hand"] != true || ticket == nil || ticket["open"] != true || ticket["id"] == nil {
		t.Fatalf("the ticketed row: %v", held)
	}

	// The ticket is closed in HaloPSA: the row, its numbers unchanged, is open again.
	closeTicket(t, c.URL, c.ClientID, c.ClientSecret, int(ticket["id"].(float64)))
	reopened, rows, _ := reconcile()
	if held = rowByID(rows, ticketed); held["in_hand"] != false || held["ticket"].(map[string]any)["status"] != "closed" ||
		strings.Join(reopened.New, ",") != ticketed {
		t.Fatalf("after the ticket closed: %v, since the last run %+v", held, reopened)
	}
	third, _, code := reconcile("--changed")
	if code != 0 || len(third.Changed)+len(third.New) != 0 || third.Run != reopened.Run+1 { // compared with the run before, itself not kept twice
		t.Fatalf("nothing moved: exit %d, %+v", code, third)
	}
	// One client, all three reviews and its links.
	name := target["client"].(map[string]any)["name"].(string)
	out, stderr, code := s.run("", "client", strings.ToUpper(name))
	if code != 0 || !strings.Contains(out, "## "+name) || !strings.Contains(out, "| Microsoft 365 |") && !strings.Contains(out, "| Google Workspace |") ||
		!strings.Contains(out, "- halopsa:liongard: Liongard ") {
		t.Fatalf("client %s: exit %d\n%s\n%s", name, code, out, stderr)
	}
	if _, stderr, code := s.run("", "client", "e"); code == 0 || !strings.Contains(stderr, "give more of the name") {
		t.Fatalf("an ambiguous name: exit %d %s", code, stderr)
	}
	out, _, code = s.run("", "billing", "history")
	if code != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(out, "RESOLVED") { // a heading and three runs: the last found what the one before did
		t.Fatalf("billing history: exit %d\n%s", code, out)
	}
	if _, stderr, code := s.run("", "history", "prune", "--older-than", "1d"); code != 0 || !strings.Contains(stderr, "Removed 0 runs") {
		t.Fatalf("prune: exit %d %s", code, stderr)
	}
	if _, stderr, code := s.run("", "history", "prune", "--older-than", "soon"); code == 0 || !strings.Contains(stderr, "13mo") {
		t.Fatalf("a bad age: exit %d %s", code, stderr)
	}
}

func rowByID(rows []map[string]any, id string) map[string]any {
	for _, r := range rows {
		if r["id"] == id {
			return r
		}
	}
	return nil
}

// closeTicket closes a ticket as an agent would, through Halo's upsert.
func closeTicket(t *testing.T, base, clientID, secret string, id int) {
	t.Helper()
	resp, err := http.PostForm(base+"/auth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}, "scope": {"all"}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	body, _ := json.Marshal([]map[string]any{{"id": id, "status_id": 9}})
	req, _ := http.NewRequest(http.MethodPost, base+"/api/Tickets", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("closing ticket %d: %v %v", id, resp, err)
	}
	resp.Body.Close()
}
