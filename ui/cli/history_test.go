package cli_test

import (
	"context"
	"encoding/json"
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

	// Another hand moves one open row's line in HaloPSA.
	var target map[string]any
	for _, r := range rows {
		if r["status"] == "under_billed" && r["line"] != nil {
			target = r
			break
		}
	}
	if target == nil {
		t.Fatal("no under-billed row with a line")
	}
	line := target["line"].(map[string]any)
	c := sb.creds["halopsa"]
	halo, err := halopsa.New(halopsa.Config{BaseURL: c.URL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, Tenant: c.Tenant})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := halo.SetLineQuantity(context.Background(), int(line["invoice_id"].(float64)), int(line["line_id"].(float64)), line["quantity"].(float64)-1); err != nil { // further under-billed: open still, its numbers moved
		t.Fatal(err)
	}

	second, _, code := reconcile("--changed")
	if code != cli.ExitFindings || len(second.Changed) != 1 || second.Changed[0].ID != target["id"] || len(second.New) != 0 ||
		!strings.Contains(strings.Join(second.Changed[0].Moved, " "), "billed ") || second.Run == 0 {
		t.Fatalf("after one line moved: exit %d, %+v (the row moved: %v)", code, second, target["id"])
	}
	third, _, code := reconcile("--changed")
	if code != 0 || len(third.Changed)+len(third.New) != 0 || third.Run != second.Run+1 { // compared with the second run, itself not kept twice
		t.Fatalf("nothing moved: exit %d, %+v", code, third)
	}
	out, _, code := s.run("", "billing", "history")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, "RESOLVED") { // a heading and two runs: the third found what the second did
		t.Fatalf("billing history: exit %d\n%s", code, out)
	}
	if _, stderr, code := s.run("", "history", "prune", "--older-than", "1d"); code != 0 || !strings.Contains(stderr, "Removed 0 runs") {
		t.Fatalf("prune: exit %d %s", code, stderr)
	}
	if _, stderr, code := s.run("", "history", "prune", "--older-than", "soon"); code == 0 || !strings.Contains(stderr, "13mo") {
		t.Fatalf("a bad age: exit %d %s", code, stderr)
	}
}
