package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/sandbox"
	simhalo "github.com/mspwire/mspwire/sandbox/halopsa"
	simhudu "github.com/mspwire/mspwire/sandbox/hudu"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/cli"
)

// Two data directories use the same profile name for two different
// HaloPSA tenants. Each keeps its own secret: a login in one does not
// overwrite the other, a logout in one does not remove the other's.
func TestTwoDataDirectoriesNeverShareSecrets(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	a := newSession(t)
	b := &session{t: t, dir: t.TempDir(), profile: a.profile, halo: simhalo.New(world.New(7, 20), "sandbox")}
	srv := httptest.NewServer(b.halo)
	defer srv.Close()
	b.url = srv.URL
	otherSecret, _ := b.halo.RotateSecret(simhalo.DemoApp.ClientID) // B's tenant has its own secret
	t.Cleanup(func() { b.run("", "auth", "logout", "halopsa", "--yes") })

	a.login(simhalo.DemoApp.ClientSecret)
	if _, stderr, code := b.run(otherSecret+"\n", "auth", "login", "halopsa", "--url", b.url, "--client-id", simhalo.DemoApp.ClientID, "--secret-stdin"); code != 0 {
		t.Fatalf("login in B: %s", stderr)
	}
	if a.stored() != simhalo.DemoApp.ClientSecret || !a.works() {
		t.Fatal("logging in in data directory B changed A's secret")
	}
	if _, stderr, code := b.run("", "auth", "logout", "halopsa", "--yes"); code != 0 {
		t.Fatalf("logout in B: %s", stderr)
	}
	if a.stored() != simhalo.DemoApp.ClientSecret {
		t.Fatal("logging out in B removed A's secret")
	}
	fresh := &session{t: t, dir: filepath.Join(t.TempDir(), "new"), profile: a.profile}
	_, stderr, code := fresh.run("", "auth", "logout", "halopsa", "--yes")
	if code != 0 || !strings.Contains(stderr, "nothing to remove") {
		t.Fatalf("logout in an empty data directory: exit %d: %s", code, stderr)
	}
	if a.stored() != simhalo.DemoApp.ClientSecret {
		t.Fatal("a logout in an empty data directory removed A's secret")
	}
	stdout, _, _ := fresh.run("", "audit", "--json")
	if strings.Contains(stdout, "connection.removed") {
		t.Fatalf("nothing was removed, yet the audit says so: %s", stdout)
	}
}

// A secret stored by an earlier mspwire under the unscoped account is moved
// once to this data directory's account.
func TestUnscopedSecretsAreMovedOnce(t *testing.T) {
	s := newSession(t)
	kr, _ := store.NewKeyring()
	old := store.SecretRef{Profile: s.profile, System: "halopsa", Field: "client_secret"}
	if err := kr.Set(context.Background(), old, simhalo.DemoApp.ClientSecret); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kr.Delete(context.Background(), old) })
	st, err := store.Open(context.Background(), s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveConnection(context.Background(), store.Connection{Profile: s.profile, System: "halopsa", BaseURL: s.url,
		Identifiers: map[string]string{"client_id": simhalo.DemoApp.ClientID}, KeyringRef: "mspwire:" + old.Account()}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, stderr, code := s.run("", "status"); code != 0 {
		t.Fatalf("status: %s", stderr)
	}
	if s.stored() != simhalo.DemoApp.ClientSecret || !s.works() {
		t.Fatal("the secret was not moved to this data directory's account")
	}
	if _, err := kr.Stored(context.Background(), old); !errors.Is(err, store.ErrSecretNotFound) {
		t.Fatalf("the unscoped entry is still there: %v", err)
	}
}

// Two mspwire runs change different onboarding choices at the same moment,
// 30 times: every run's change is kept.
func TestRacingChoicesAreAllKept(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	const trials = 30
	lost := 0
	for i := range trials {
		dir := t.TempDir()
		var wg sync.WaitGroup
		for _, args := range [][]string{{"path", "set", "B"}, {"source", "set", "halopsa"}} {
			wg.Go(func() {
				cmd := helperProcess(append([]string{"--data-dir", dir}, args...)...)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("trial %d %v: %v %s", i, args, err, out)
				}
			})
		}
		wg.Wait()
		stdout, stderr, code := run(t, "--data-dir", dir, "path", "show", "--json")
		var shown struct{ Plan onboard.Plan }
		if code != 0 || json.Unmarshal([]byte(stdout), &shown) != nil {
			t.Fatalf("path show: %s %s", stdout, stderr)
		}
		if shown.Plan.Path != "B" || shown.Plan.Source != "halopsa" {
			lost++
		}
	}
	t.Logf("%d racing pairs, %d lost a write", trials, lost)
	if lost > 0 {
		t.Fatalf("%d of %d racing pairs lost a write", lost, trials)
	}
}

// helperProcess is mspwire in its own process (this test binary re-run).
func helperProcess(args ...string) *exec.Cmd {
	if mspwireBin != "" {
		cmd := exec.Command(mspwireBin, args...)
		cmd.Env = os.Environ()
		return cmd
	}
	encoded, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMain$")
	// The race runtime pauses a second at every exit: not what the tests
	// that start hundreds of these measure.
	cmd.Env = append(os.Environ(), "MSPWIRE_TEST_MAIN_ARGS="+string(encoded), "GORACE=atexit_sleep_ms=0")
	return cmd
}

// HaloPSA answers 503 while a rotation checks the new secret: that is not
// a refusal. The new secret is kept aside, and --resume finishes the job
// once HaloPSA is back.
func TestRotationDuringAnOutageKeepsTheNewSecret(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	fresh, _ := s.halo.RotateSecret(simhalo.DemoApp.ClientID) // the old one dies at once, as in HaloPSA
	s.halo.SetFault("POST /auth/token", simkit.Fault{ErrorRate: 1, Status: 503})
	_, stderr, code := s.run(fresh+"\n", "auth", "rotate", "halopsa", "--secret-stdin")
	if code != cli.ExitError || !strings.Contains(stderr, "unavailable") || !strings.Contains(stderr, "--resume") {
		t.Fatalf("rotate during the outage: exit %d: %s", code, stderr)
	}
	s.halo.ClearFaults()
	_, stderr, code = s.run("", "auth", "rotate", "halopsa", "--resume")
	if code != 0 || !strings.Contains(stderr, "Finished rotating") {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	if s.stored() != fresh || !s.works() {
		t.Fatal("the new secret was lost in the outage")
	}
	s.noLeaks(simhalo.DemoApp.ClientSecret, fresh)
}

// Killed between writing a rotation's checklist and recording it done,
// the recovery does not add the checklist twice.
func TestRecoveredRotationHasItsChecklistOnce(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	fresh, _ := s.halo.RotateSecret(simhalo.DemoApp.ClientID)
	out, err := s.runProcess(fresh+"\n", []string{"MSPWIRE_TEST_CRASH_AFTER=checklisted"}, "auth", "rotate", "halopsa", "--secret-stdin")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("not killed: %v %s", err, out)
	}
	for range 2 {
		if _, stderr, code := s.run("", "auth", "status"); code != 0 {
			t.Fatal(stderr)
		}
	}
	stdout, _, _ := s.run("", "auth", "checklist", "--json")
	if n := strings.Count(stdout, `"item":`); n != 2 {
		t.Fatalf("%d checklist items after recovery, want 2 (Liongard, Hudu): %s", n, stdout)
	}
}

// Hudu allows one request a second here, and answers the next with its
// plain-text 429: the fetch waits its turn instead of giving up.
func TestInventoryFetchWaitsOutRateLimits(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	s := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb, err := sandbox.Start(ctx, sandbox.Options{Seed: 3, Companies: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	s.run("", "path", "set", "A")
	loginAll(t, s, sb, pathA...)
	sb.Hudu.SetLimit(simkit.Limit{Requests: 1, Per: time.Second})
	_, stderr, code := s.run("", "inventory", "fetch")
	if code != 0 || !strings.Contains(stderr, "hudu: 114 companies") {
		t.Fatalf("fetch: exit %d: %s", code, stderr)
	}
	if n := sb.Hudu.Count("GET /api/v1/companies"); n < 3 {
		t.Fatalf("%d company requests: two pages and at least one 429 expected", n)
	}
	if !strings.Contains(stderr, "Hudu: rate limited, waiting") || !strings.Contains(stderr, "before attempt 2") {
		t.Fatalf("the waits were not reported:\n%s", stderr)
	}
}

// A vendor that answers too slowly meets the command's deadline.
func TestCommandsHaveADeadline(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	s.run("", "path", "set", "A")
	s.halo.SetFault("GET /api/Client", simkit.Fault{Latency: time.Minute})
	_, stderr, code := s.run("", "--timeout", "2s", "inventory", "fetch")
	if code == 0 || !strings.Contains(stderr, "deadline") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestNumbersOutOfRangeAreRefused(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"auth", "status", "--max-age-days", "-5"},
		{"auth", "status", "--max-age-days", "0"},
		{"--timeout", "-1s", "status"},
	} {
		_, stderr, code := run(t, append([]string{"--data-dir", dir}, args...)...)
		if code != cli.ExitError || !strings.Contains(stderr, args[len(args)-2]) && !strings.Contains(stderr, "--timeout") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

// A login the vendor refuses leaves no data directory behind.
func TestRefusedLoginLeavesNothingBehind(t *testing.T) {
	s := newSession(t)
	s.dir = filepath.Join(t.TempDir(), "never-made")
	_, _, code := s.run("wrong-secret-000111\n", "auth", "login", "halopsa", "--url", s.url, "--client-id", simhalo.DemoApp.ClientID, "--secret-stdin")
	if code != cli.ExitCredentials {
		t.Fatalf("exit %d", code)
	}
	if _, err := os.Stat(s.dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the data directory was made: %v", err)
	}
}

// Every --json output uses snake_case keys.
func TestJSONKeysAreSnakeCase(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	s.run("", "path", "recommend")
	left := write(t, "l.csv", "id,name\n1,Acme\n")
	for _, args := range [][]string{{"status", "--json"}, {"auth", "status", "--json"}, {"auth", "checklist", "--json"},
		{"path", "show", "--json"}, {"path", "recommend", "--json"}, {"audit", "--json"},
		{"match", "--left", left, "--right", left, "--format", "json", "--all", "--candidates", "2"}} {
		stdout, stderr, code := s.run("", args...)
		var v any
		if code != 0 || json.Unmarshal([]byte(stdout), &v) != nil {
			t.Fatalf("%v: exit %d: %s %s", args, code, stdout, stderr)
		}
		if bad := nonSnakeKeys(v); len(bad) > 0 {
			t.Errorf("%v prints keys that are not snake_case: %v", args, bad)
		}
	}
}

func nonSnakeKeys(v any) []string {
	var bad []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k != strings.ToLower(k) || strings.ContainsAny(k, " -") {
				bad = append(bad, k)
			}
			bad = append(bad, nonSnakeKeys(e)...)
		}
	case []any:
		for _, e := range x {
			bad = append(bad, nonSnakeKeys(e)...)
		}
	}
	return bad
}

// A CI job has no keyring: the secret is in the environment, and login
// verifies and records the connection without one.
func TestLoginWithTheSecretInTheEnvironmentNeedsNoKeyring(t *testing.T) {
	hudu := simhudu.New(world.New(5, 5))
	srv := httptest.NewServer(hudu)
	defer srv.Close()
	dir := t.TempDir()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/mspwire-test-bus") // no keyring here
	t.Setenv("MSPWIRE_HUDU_API_KEY", simhudu.DemoKey)
	_, stderr, code := run(t, "--data-dir", dir, "auth", "login", "hudu", "--url", srv.URL)
	if code != 0 || !strings.Contains(stderr, "MSPWIRE_HUDU_API_KEY") || !strings.Contains(stderr, "not stored") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	stdout, _, _ := run(t, "--data-dir", dir, "status", "--json")
	if !strings.Contains(stdout, `"secret":"env"`) && !strings.Contains(stdout, `"secret": "env"`) {
		t.Fatalf("status: %s", stdout)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, store.FileName))
	if strings.Contains(string(raw), simhudu.DemoKey) {
		t.Fatal("the secret reached the database")
	}
	t.Setenv("MSPWIRE_HUDU_API_KEY", "wrong-key-for-the-test-1234")
	if _, _, code := run(t, "--data-dir", filepath.Join(dir, "x"), "auth", "login", "hudu", "--url", srv.URL); code != cli.ExitCredentials {
		t.Fatalf("a wrong environment secret: exit %d", code)
	}
}
