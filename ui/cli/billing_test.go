package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/ui/cli"
)

// The billing twins against `sandbox serve`: items proposed then
// confirmed, reconcile's JSON with the documented keys (exit 3 while rows
// are open), the finance CSV with a header and mode 0600, a fix and an
// ignore kept per row.
func TestBillingReconcileAgainstTheSandbox(t *testing.T) {
	s := newSession(t)
	sb := serveSandbox(t, 60, 1)
	onboardPathA(t, s, sb)

	stdout, stderr, code := s.run("", "billing", "items", "--json")
	if code != 0 {
		t.Fatalf("billing items: exit %d: %s", code, stderr)
	}
	var items struct {
		Items []struct {
			ItemID    int    `json:"item_id"`
			Name      string `json:"name"`
			Product   string `json:"product"`
			Confirmed bool   `json:"confirmed"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &items); err != nil || len(items.Items) < 3 {
		t.Fatalf("billing items --json: %v %q", err, stdout)
	}
	for _, it := range items.Items {
		if it.Confirmed {
			t.Fatalf("%s confirmed before anyone confirmed it", it.Name)
		}
	}
	if out, _, _ := s.run("", "billing", "items"); !strings.Contains(out, "not confirmed") {
		t.Fatalf("billing items does not say the proposals are unconfirmed:\n%s", out)
	}
	if _, stderr, code := s.run("", "billing", "items", "set", "--proposed"); code != 0 {
		t.Fatalf("items set --proposed: %s", stderr)
	}
	if _, stderr, code := s.run("", "billing", "items", "set", "1=m365"); code == 0 || !strings.Contains(stderr, "item 1") {
		t.Fatalf("an unknown item: exit %d %s", code, stderr)
	}

	stdout, stderr, code = s.run("", "billing", "reconcile", "--json")
	if code != cli.ExitFindings {
		t.Fatalf("reconcile: exit %d, want %d: %s", code, cli.ExitFindings, stderr)
	}
	var v any
	_ = json.Unmarshal([]byte(stdout), &v)
	if bad := nonSnakeKeys(v); len(bad) > 0 {
		t.Errorf("reconcile --json keys not snake_case: %v", bad)
	}
	var rep struct {
		Rows   []map[string]any `json:"rows"`
		Totals struct {
			Rows     int            `json:"rows"`
			ByStatus map[string]int `json:"by_status"`
		} `json:"totals"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Rows) == 0 || rep.Totals.Rows != len(rep.Rows) {
		t.Fatalf("reconcile --json: %v %q", err, stdout)
	}
	under := ""
	for _, r := range rep.Rows {
		for _, k := range []string{"id", "client", "environment", "product", "counted", "billed", "difference", "unit_price", "monthly_difference", "status", "line", "counted_at"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("row without %q: %v", k, r)
			}
		}
		if r["status"] == "under_billed" && under == "" {
			under = r["id"].(string)
		}
	}
	if under == "" || rep.Totals.ByStatus["under_billed"] == 0 {
		t.Fatalf("no under-billed row in %v", rep.Totals.ByStatus)
	}

	file := filepath.Join(t.TempDir(), "billing.csv")
	if _, stderr, _ := s.run("", "billing", "reconcile", "--csv", file); !strings.Contains(stderr, "Wrote") {
		t.Fatalf("reconcile --csv: %s", stderr)
	}
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the CSV: %v %v", info, err)
	}
	f, _ := os.Open(file)
	records, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(records) != len(rep.Rows)+1 || records[0][0] != "id" || records[0][11] != "status" {
		t.Fatalf("CSV: %v, %d records for %d rows, header %v", err, len(records), len(rep.Rows), records[0])
	}

	if _, stderr, code := s.run("", "billing", "fix", under, "--by", "quantity"); code != 0 {
		t.Fatalf("fix: %s", stderr)
	}
	if _, stderr, code := s.run("", "billing", "ignore", under); code == 0 || !strings.Contains(stderr, "--reason") {
		t.Fatalf("ignore without a reason: exit %d %s", code, stderr)
	}
	if _, stderr, code := s.run("", "billing", "ignore", under, "--reason", "seats move in January"); code != 0 {
		t.Fatalf("ignore: %s", stderr)
	}
	out, _, _ := s.run("", "billing", "reconcile", "--status", "ignored")
	if !strings.Contains(out, under) || !strings.Contains(out, "ignored") {
		t.Fatalf("the ignored row is not listed as ignored:\n%s", out)
	}
	if _, stderr, code := s.run("", "billing", "reconcile", "--status", "bogus"); code == 0 || !strings.Contains(stderr, "under_billed") {
		t.Fatalf("a bad status: exit %d %s", code, stderr)
	}
}
