package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
)

// docs/mspwire-scheduled.sh as cron or systemd runs it: no terminal, the
// secrets in the environment and no desktop session (no D-Bus, so no
// keyring). The first run is news (exit 3); a second, with nothing moved,
// exits 0; each leaves the three reviews' JSON and the report.
func TestTheScheduledJobRunsWithEnvironmentSecrets(t *testing.T) {
	if mspwireBin == "" {
		t.Skip("mspwire could not be built for a child process")
	}
	t.Parallel()
	s := newSession(t)
	sb := serveSandbox(t, 30, 1)
	onboardPathA(t, s, sb)
	if _, stderr, code := s.run("", "billing", "items", "set", "--proposed"); code != 0 {
		t.Fatalf("items: %s", stderr)
	}
	out := t.TempDir()
	script, err := filepath.Abs("../../docs/mspwire-scheduled.sh")
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "MSPWIRE_REQUIRE_KEYRING=") {
			env = append(env, kv)
		}
	}
	env = append(env, "MSPWIRE="+mspwireBin, "MSPWIRE_DATA_DIR="+s.dir, "MSPWIRE_PROFILE="+s.profile, "MSPWIRE_OUT="+out,
		"MSPWIRE_HALOPSA_CLIENT_SECRET="+sb.creds["halopsa"].ClientSecret, "MSPWIRE_LIONGARD_KEY_SECRET="+sb.creds["liongard"].KeySecret,
		"MSPWIRE_HUDU_API_KEY="+sb.creds["hudu"].APIKey, "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent")
	run := func(args ...string) (int, string) {
		cmd := exec.Command("sh", append([]string{script}, args...)...)
		cmd.Env, cmd.Dir = env, out
		b, err := cmd.CombinedOutput()
		if err == nil {
			return 0, string(b)
		}
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(b)
		}
		t.Fatal(err)
		return 0, ""
	}
	if code, msg := run(); code != 3 {
		log, _ := os.ReadFile(filepath.Join(out, time.Now().Format("2006-01-02")+".log"))
		t.Fatalf("the first run: exit %d (want 3: all of it is news)\n%s\n%s", code, msg, log)
	}
	if code, msg := run(); code != 0 {
		t.Fatalf("the second run, nothing moved: exit %d\n%s", code, msg)
	}
	day := time.Now().Format("2006-01-02")
	for _, name := range []string{"billing.json", "devices.json", "accounts.json", "report.html"} {
		b, err := os.ReadFile(filepath.Join(out, day+"-"+name))
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.HasSuffix(name, ".json") && !strings.Contains(string(b), `"since_last"`) {
			t.Errorf("%s has no since_last", name)
		}
	}

	// --apply-tickets: a row found new since the last run gets its ticket;
	// a quantity a person chose is left for the person; stale accounts get
	// one ticket per client. Run again with nothing moved, nothing more.
	read := func() []map[string]any {
		stdout, _, _ := s.run("", "billing", "reconcile", "--json")
		var out struct {
			Rows []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatal(err)
		}
		return out.Rows
	}
	var matched, chosen map[string]any
	for _, r := range read() {
		switch {
		case r["status"] == "match" && r["line"] != nil && matched == nil:
			matched = r
		case r["status"] == "under_billed" && r["line"] != nil && chosen == nil:
			chosen = r
		}
	}
	if matched == nil || chosen == nil {
		t.Fatal("the world has no matching row or no under-billed row with a line")
	}
	for _, args := range [][]string{{"billing", "fix", chosen["id"].(string), "--by", "quantity"}, {"billing", "plan", "--ticket-type", "2"},
		{"accounts", "plan", "--ticket-type", "2"}} {
		if _, stderr, code := s.run("", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	c := sb.creds["halopsa"]
	halo, err := halopsa.New(halopsa.Config{BaseURL: c.URL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, Tenant: c.Tenant})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	line := matched["line"].(map[string]any)
	if _, err := halo.SetLineQuantity(ctx, int(line["invoice_id"].(float64)), int(line["line_id"].(float64)), line["quantity"].(float64)-1); err != nil {
		t.Fatal(err) // one seat fewer billed than counted: new and under-billed
	}
	tickets := func() int {
		ts, err := halo.ListTickets(ctx, 0, "[mspwire ")
		if err != nil {
			t.Fatal(err)
		}
		return len(ts)
	}
	if code, msg := run("--apply-tickets"); code != 3 {
		log, _ := os.ReadFile(filepath.Join(out, day+".log"))
		t.Fatalf("--apply-tickets after a line moved: exit %d (want 3)\n%s\n%s", code, msg, log)
	}
	client, _ := strconv.Atoi(matched["client"].(map[string]any)["id"].(string))
	if ts, err := halo.ListTickets(ctx, client, fmt.Sprintf("[mspwire billing %d ", client)); err != nil || len(ts) != 1 || !strings.Contains(ts[0].Details, "(mspwire row "+matched["id"].(string)+")") {
		t.Fatalf("the new row: %d tickets (%v)", len(ts), err)
	}
	if ts, _ := halo.ListTickets(ctx, 0, "[mspwire stale-accounts "); len(ts) == 0 {
		t.Fatal("no stale-accounts ticket")
	}
	if r := rowByID(read(), chosen["id"].(string)); r["billed"] != chosen["billed"] || r["status"] != "under_billed" {
		t.Fatalf("a quantity was set unattended: %v", r)
	}
	opened := tickets()
	if code, msg := run("--apply-tickets"); code != 0 || tickets() != opened {
		t.Fatalf("again, nothing moved: exit %d, %d tickets then %d\n%s", code, opened, tickets(), msg)
	}
}
