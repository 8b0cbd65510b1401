package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/crash"
	"github.com/mspwire/mspwire/flows/status"
	simhalo "github.com/mspwire/mspwire/sandbox/halopsa"
	simhudu "github.com/mspwire/mspwire/sandbox/hudu"
	simlg "github.com/mspwire/mspwire/sandbox/liongard"
	"github.com/mspwire/mspwire/sandbox/world"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
	"github.com/mspwire/mspwire/ui/cli"
)

// session is one operator's profile and data dir, against a simulated
// HaloPSA, with everything printed kept for the leak check.
type session struct {
	t       *testing.T
	dir     string
	profile string
	halo    *simhalo.Sim
	url     string
	printed bytes.Buffer
	global  []string // flags every in-process run gets (--debug-file)
}

func newSession(t *testing.T) *session {
	storetest.Keyring(t) // a real Secret Service, or skip (fail in CI)
	s := &session{t: t, dir: t.TempDir(), profile: storetest.UniqueProfile(), halo: simhalo.New(world.New(5, 20), "sandbox")}
	srv := httptest.NewServer(s.halo)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	t.Cleanup(func() { s.run("", "auth", "logout", "halopsa", "--yes") })
	return s
}

// run runs mspwire in-process with stdin.
func (s *session) run(stdin string, args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	all := append(append([]string{"--data-dir", s.dir, "--profile", s.profile}, s.global...), args...)
	code := cli.Main(context.Background(), all, cli.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	s.printed.WriteString(out.String() + errb.String())
	return out.String(), errb.String(), code
}

// runProcess runs mspwire as its own process, so it can be killed for
// real.
func (s *session) runProcess(stdin string, env []string, args ...string) (string, error) {
	for _, e := range env {
		if strings.HasPrefix(e, "MSPWIRE_TEST_CRASH_AFTER=") {
			needsCrashPoints(s.t)
		}
	}
	cmd := helperProcess(append([]string{"--data-dir", s.dir, "--profile", s.profile}, args...)...)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	s.printed.WriteString(out.String())
	return out.String(), err
}

func (s *session) login(secret string) {
	s.t.Helper()
	_, stderr, code := s.run(secret+"\n", "auth", "login", "halopsa", "--url", s.url+"/", "--client-id", simhalo.DemoApp.ClientID, "--secret-stdin")
	if code != 0 {
		s.t.Fatalf("login: exit %d: %s", code, stderr)
	}
}

// keyring is the OS keyring as this session's data directory sees it.
func (s *session) keyring() *store.Keyring {
	s.t.Helper()
	return scopedKeyring(s.t, s.dir)
}

// scopedKeyring is the OS keyring as the data directory dir sees it.
func scopedKeyring(t *testing.T, dir string) *store.Keyring {
	t.Helper()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kr, _ := store.NewKeyring()
	return kr.Scoped(st.ID())
}

// stored is the secret the keyring holds now.
func (s *session) stored() string {
	s.t.Helper()
	kr := s.keyring()
	ref, _ := connect.Ref(s.profile, "halopsa")
	secret, err := kr.Stored(context.Background(), ref)
	if err != nil {
		s.t.Fatalf("keyring: %v", err)
	}
	return secret.Reveal()
}

// works says whether the stored secret gets a token from HaloPSA.
func (s *session) works() bool {
	_, err := connect.Verify(context.Background(), "halopsa", connect.Values{"url": s.url, "client_id": simhalo.DemoApp.ClientID}, s.stored())
	return err == nil
}

// noLeaks greps every byte printed and every byte of the data dir.
func (s *session) noLeaks(secrets ...string) {
	s.t.Helper()
	haystack := s.printed.String()
	filepath.Walk(s.dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(path)
			haystack += string(b)
		}
		return nil
	})
	for _, secret := range secrets {
		if secret != "" && strings.Contains(haystack, secret) {
			s.t.Errorf("secret %q leaked into output or the data dir", secret)
		}
	}
}

// TestHelperMain is mspwire's main for runProcess; idle otherwise.
func TestHelperMain(t *testing.T) {
	raw := os.Getenv("MSPWIRE_TEST_MAIN_ARGS")
	if raw == "" {
		t.Skip("helper process for the auth tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(cli.Main(context.Background(), args, cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}

func TestLoginFromStdinVerifiesBeforeStoring(t *testing.T) {
	s := newSession(t)
	_, stderr, code := s.run("wrong-secret-000111\n", "auth", "login", "halopsa", "--url", s.url, "--client-id", simhalo.DemoApp.ClientID, "--secret-stdin")
	if code != cli.ExitCredentials || !strings.Contains(stderr, "invalid_client") {
		t.Fatalf("wrong secret: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(s.dir, store.FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused login left a database behind: %v", err)
	}
	kr := s.keyring()
	ref, _ := connect.Ref(s.profile, "halopsa")
	if _, err := kr.Stored(context.Background(), ref); !errors.Is(err, store.ErrSecretNotFound) {
		t.Fatalf("a rejected secret was stored: %v", err)
	}
	s.login(simhalo.DemoApp.ClientSecret)
	if s.stored() != simhalo.DemoApp.ClientSecret || !s.works() {
		t.Fatal("the verified secret is not in the keyring")
	}
	stdout, _, _ := s.run("", "auth", "status")
	if !strings.Contains(stdout, `API agent "Liongard API"`) || !strings.Contains(stdout, "keyring ****") {
		t.Fatalf("status:\n%s", stdout)
	}
	s.noLeaks(simhalo.DemoApp.ClientSecret, "wrong-secret-000111")
}

func TestMissingFlagsWithoutTerminal(t *testing.T) {
	s := newSession(t)
	_, stderr, code := s.run("x\n", "auth", "login", "halopsa", "--url", s.url, "--secret-stdin")
	if code != cli.ExitError || !strings.Contains(stderr, "--client-id required when not running interactively") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, stderr, _ = s.run("", "auth", "login", "halopsa", "--url", s.url, "--client-id", "c")
	if !strings.Contains(stderr, "--secret-stdin") {
		t.Fatalf("%s", stderr)
	}
	_, stderr, _ = s.run("", "auth", "logout", "halopsa")
	if !strings.Contains(stderr, "--yes required") {
		t.Fatalf("%s", stderr)
	}
}

func TestRotationSucceedsAndLeavesAChecklist(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	fresh, _ := s.halo.RotateSecret(simhalo.DemoApp.ClientID)
	_, stderr, code := s.run(fresh+"\n", "auth", "rotate", "halopsa", "--secret-stdin")
	if code != 0 || !strings.Contains(stderr, "Paste the new HaloPSA client secret into Liongard") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if s.stored() != fresh || !s.works() {
		t.Fatal("the new secret is not in place")
	}
	stdout, _, _ := s.run("", "auth", "checklist")
	if strings.Count(stdout, "[ ]") != 2 {
		t.Fatalf("checklist:\n%s", stdout)
	}
	s.noLeaks(simhalo.DemoApp.ClientSecret, fresh)
}

func TestWrongNewSecretKeepsTheOldOne(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	_, stderr, code := s.run("not-the-new-secret-999\n", "auth", "rotate", "halopsa", "--secret-stdin")
	if code != cli.ExitCredentials || !strings.Contains(stderr, "the old one stays in place") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if s.stored() != simhalo.DemoApp.ClientSecret || !s.works() {
		t.Fatal("the old secret was lost")
	}
	s.noLeaks(simhalo.DemoApp.ClientSecret, "not-the-new-secret-999")
}

// The operator regenerates the secret in HaloPSA (the old one dies at once)
// and mspwire is killed at every step of the rotation in turn. After the next
// auth command the keyring holds a secret that works.
func TestRotationKilledAtEachStep(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	for _, step := range []string{"pending-saved", "verified", "audited", "swapped", "read-back", "pending-cleared"} {
		t.Run(step, func(t *testing.T) {
			s := newSession(t)
			s.login(simhalo.DemoApp.ClientSecret)
			fresh, _ := s.halo.RotateSecret(simhalo.DemoApp.ClientID)
			out, err := s.runProcess(fresh+"\n", []string{"MSPWIRE_TEST_CRASH_AFTER=" + step}, "auth", "rotate", "halopsa", "--secret-stdin")
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != -1 {
				t.Fatalf("the process was not killed at %s: %v\n%s", step, err, out)
			}
			_, stderr, code := s.run("", "auth", "status")
			if code != 0 {
				t.Fatalf("status after the kill: exit %d: %s", code, stderr)
			}
			if s.stored() != fresh || !s.works() {
				t.Fatalf("after a kill at %s the keyring holds a secret that does not work", step)
			}
			stdout, _, _ := s.run("", "auth", "status", "--json")
			var report struct{ Credentials []status.Credential }
			json.Unmarshal([]byte(stdout), &report)
			if report.Credentials[0].RotatedAt == nil {
				t.Fatalf("the rotation was not recorded: %s", stdout)
			}
			s.noLeaks(simhalo.DemoApp.ClientSecret, fresh)
		})
	}
}

// A secret in the environment is used and reported as such, never stored.
func TestEnvironmentSecretsAreReportedAndNeverStored(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	hudu := simhudu.New(world.New(5, 5))
	srv := httptest.NewServer(hudu)
	defer srv.Close()
	const envKey = "env-only-hudu-key-55aa77"
	hudu.Add(envKey)
	t.Setenv("MSPWIRE_HUDU_API_KEY", envKey)
	t.Setenv("MSPWIRE_HALOPSA_CLIENT_SECRET", "env-halo-secret-shadow-42")

	stdout, _, code := s.run("", "auth", "status", "--json")
	var report struct{ Credentials []status.Credential }
	if code != 0 || json.Unmarshal([]byte(stdout), &report) != nil {
		t.Fatalf("exit %d: %s", code, stdout)
	}
	sources := map[string]store.Source{}
	for _, c := range report.Credentials {
		sources[c.System] = c.Secret
	}
	if sources["hudu"] != store.SourceEnv || sources["halopsa"] != store.SourceEnv || sources["itglue"] != store.SourceMissing {
		t.Fatalf("sources %v", sources)
	}
	if s.stored() != simhalo.DemoApp.ClientSecret {
		t.Fatal("an environment secret replaced the stored one")
	}
	kr := s.keyring()
	ref, _ := connect.Ref(s.profile, "hudu")
	if _, err := kr.Stored(context.Background(), ref); !errors.Is(err, store.ErrSecretNotFound) {
		t.Fatalf("the environment's Hudu key reached the keyring: %v", err)
	}
	s.noLeaks(envKey, "env-halo-secret-shadow-42", simhalo.DemoApp.ClientSecret)
}

func TestLogoutRemovesSecretAndConnection(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	if _, stderr, code := s.run("", "auth", "logout", "halopsa", "--yes"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	kr := s.keyring()
	ref, _ := connect.Ref(s.profile, "halopsa")
	if _, err := kr.Stored(context.Background(), ref); !errors.Is(err, store.ErrSecretNotFound) {
		t.Fatalf("secret still there: %v", err)
	}
	stdout, _, _ := s.run("", "status")
	if !strings.Contains(stdout, "HaloPSA   not configured") {
		t.Fatalf("status:\n%s", stdout)
	}
}

// A new Liongard access key has a new ID: rotate takes it, with its expiry.
func TestLiongardRotationTakesTheNewKeyID(t *testing.T) {
	s := newSession(t)
	lg := simlg.New(world.New(5, 10))
	srv := httptest.NewServer(lg)
	defer srv.Close()
	t.Cleanup(func() { s.run("", "auth", "logout", "liongard", "--yes") })
	_, stderr, code := s.run(simlg.DemoKey.Secret+"\n", "auth", "login", "liongard", "--url", srv.URL, "--key-id", simlg.DemoKey.ID, "--expires", "2027-01-31", "--secret-stdin")
	if code != 0 || !strings.Contains(stderr, "environments") {
		t.Fatalf("login: exit %d: %s", code, stderr)
	}
	next := simlg.AccessKey{ID: "lg-next-key", Secret: "lg-next-secret-31337"}
	lg.AddKey(next)
	_, stderr, code = s.run(next.Secret+"\n", "auth", "rotate", "liongard", "--key-id", next.ID, "--expires", "2027-06-30", "--secret-stdin")
	if code != 0 {
		t.Fatalf("rotate: exit %d: %s", code, stderr)
	}
	stdout, _, _ := s.run("", "auth", "status", "--json")
	if !strings.Contains(stdout, `"expires": "2027-06-30"`) {
		t.Fatalf("status:\n%s", stdout)
	}
	st, err := store.Open(context.Background(), s.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, _ := st.Connection(context.Background(), s.profile, "liongard")
	if c.Identifiers["key_id"] != next.ID || c.RotatedAt.IsZero() {
		t.Fatalf("connection %+v", c)
	}
	s.noLeaks(simlg.DemoKey.Secret, next.Secret)
}

// Without a D-Bus session the keyring cannot be asked; auth status says so
// per system and still reports the secrets given in the environment.
func TestAuthStatusWithoutKeyring(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	out, err := s.runProcess("", []string{"PATH=" + t.TempDir(), "DBUS_SESSION_BUS_ADDRESS=", "MSPWIRE_HUDU_API_KEY=env-hudu-key-0042"},
		"auth", "status", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var report struct{ Credentials []status.Credential }
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &report); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	by := map[string]status.Credential{}
	for _, c := range report.Credentials {
		by[c.System] = c
	}
	if by["halopsa"].Secret != status.SecretUnknown || !strings.Contains(by["halopsa"].Problem, "no D-Bus session bus") {
		t.Errorf("halopsa: %+v", by["halopsa"])
	}
	if by["hudu"].Secret != store.SourceEnv {
		t.Errorf("hudu: %+v", by["hudu"])
	}
	s.noLeaks("env-hudu-key-0042", simhalo.DemoApp.ClientSecret)
}

// needsCrashPoints skips a test that kills mspwire at a named point when
// the build has none (they are compiled in only with -tags crashpoints).
func needsCrashPoints(t testing.TB) {
	t.Helper()
	if !crash.Enabled {
		t.Skip("needs the crash points: go test -tags crashpoints (make test sets it)")
	}
}
