package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	run := func() (int, string) {
		cmd := exec.Command("sh", script)
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
}
