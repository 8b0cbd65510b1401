package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
	"github.com/mspwire/mspwire/ui/cli"
)

var ctx = context.Background()

// run runs mspwire as a script would: no terminal.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(ctx, args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	return out.String(), errb.String(), code
}

func TestNoArgumentsWithoutTerminalPrintsHelpAndExits2(t *testing.T) {
	stdout, stderr, code := run(t, "--data-dir", t.TempDir())
	if code != cli.ExitCancelled {
		t.Fatalf("exit %d, want %d", code, cli.ExitCancelled)
	}
	if stdout != "" {
		t.Errorf("help went to stdout: %q", stdout)
	}
	if !strings.Contains(stderr, "status") || !strings.Contains(stderr, "--profile") {
		t.Errorf("stderr lacks the help: %q", stderr)
	}
}

func TestHelpExplainsExitCodes(t *testing.T) {
	stdout, _, code := run(t, "help", "exit-codes")
	if code != 0 || !strings.Contains(stdout, "4  credentials missing or rejected") || !strings.Contains(stdout, "2  cancelled") ||
		strings.Contains(stdout, "mspwire exit-codes") { // a topic is read, not run: no usage line

		t.Fatalf("exit %d:\n%s", code, stdout)
	}
}

func TestBadProfileNameIsAnError(t *testing.T) {
	_, stderr, code := run(t, "--data-dir", t.TempDir(), "--profile", "Acme/Corp", "status")
	if code != cli.ExitError || !strings.Contains(stderr, "--profile") || !strings.Contains(stderr, "lower-case") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestCorruptDatabaseIsNamedInTheError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.FileName)
	if err := os.WriteFile(path, bytes.Repeat([]byte("not sqlite "), 500), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, "--data-dir", dir, "status")
	if code != cli.ExitError || !strings.Contains(stderr, path) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestDataDirFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("MSPWIRE_DATA_DIR", dir)
	stdout, _, code := run(t, "status", "--json")
	var r status.Report
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil || r.DataFile != filepath.Join(dir, store.FileName) {
		t.Fatalf("exit %d, data file %q:\n%s", code, r.DataFile, stdout)
	}
}

// The operator has HaloPSA in the keyring, Hudu's key in the environment and
// IT Glue configured but its secret gone. status says where each lives and
// no secret reaches the output or the database file.
func TestStatusSaysWhereSecretsLiveAndLeaksNone(t *testing.T) {
	kr := storetest.Keyring(t)
	dir := t.TempDir()
	profile := storetest.UniqueProfile()
	const haloSecret = "halo-secret-in-keyring-7f3a9c"
	const huduSecret = "hudu-key-from-environment-5b21"

	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	haloRef := store.SecretRef{Profile: profile, System: "halopsa", Field: "client_secret"}
	t.Cleanup(func() { kr.Delete(ctx, haloRef) })
	if err := kr.Set(ctx, haloRef, haloSecret); err != nil {
		t.Fatal(err)
	}
	verified := time.Now().Add(-3 * time.Hour)
	for _, c := range []store.Connection{
		{Profile: profile, System: "halopsa", BaseURL: "https://acme.halopsa.com", KeyringRef: haloRef.Account(), Identifiers: map[string]string{"client_id": "c-1"}, VerifiedAt: verified},
		{Profile: profile, System: "hudu", BaseURL: "https://docs.acme.example", KeyringRef: "unused"},
		{Profile: profile, System: "itglue", BaseURL: "https://api.eu.itglue.com", KeyringRef: "gone"},
	} {
		if err := st.SaveConnection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	t.Setenv("MSPWIRE_HUDU_API_KEY", huduSecret)

	jsonOut, jsonErr, code := run(t, "--data-dir", dir, "--profile", profile, "status", "--json")
	if code != 0 {
		t.Fatalf("status --json: exit %d: %s", code, jsonErr)
	}
	var r status.Report
	if err := json.Unmarshal([]byte(jsonOut), &r); err != nil {
		t.Fatal(err)
	}
	want := map[string]store.Source{"halopsa": store.SourceKeyring, "hudu": store.SourceEnv, "itglue": store.SourceMissing, "liongard": store.SourceMissing}
	for _, s := range r.Systems {
		if s.Secret != want[s.ID] {
			t.Errorf("%s: secret in %s, want %s", s.ID, s.Secret, want[s.ID])
		}
		if s.ID == "halopsa" && (s.VerifiedAt == nil || !s.VerifiedAt.Equal(verified.UTC().Truncate(time.Nanosecond))) {
			t.Errorf("halopsa verified at %v, want %v", s.VerifiedAt, verified)
		}
	}
	if r.Connected() != 2 {
		t.Errorf("connected = %d, want 2", r.Connected())
	}

	textOut, textErr, code := run(t, "--data-dir", dir, "--profile", profile, "status")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, textErr)
	}
	for _, want := range []string{"https://acme.halopsa.com", "keyring", "env MSPWIRE_HUDU_API_KEY", "3 hours ago", "not configured"} {
		if !strings.Contains(textOut, want) {
			t.Errorf("status lacks %q:\n%s", want, textOut)
		}
	}

	everything := jsonOut + jsonErr + textOut + textErr
	for _, name := range []string{store.FileName, store.FileName + "-wal", store.FileName + "-shm"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		everything += string(b)
	}
	for _, secret := range []string{haloSecret, huduSecret} {
		if strings.Contains(everything, secret) {
			t.Errorf("secret %q reached the output or the database", secret)
		}
	}
}
