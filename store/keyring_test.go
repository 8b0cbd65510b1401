package store_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
)

func TestSecretSetReadRotateDeleteInRealKeyring(t *testing.T) {
	k := storetest.Keyring(t)
	ref := store.SecretRef{Profile: storetest.UniqueProfile(), System: "halopsa", Field: "client_secret"}
	t.Cleanup(func() { k.Delete(ctx, ref) })

	if err := k.Set(ctx, ref, "first-secret-value-0001"); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get(ctx, ref)
	if err != nil || got.Reveal() != "first-secret-value-0001" || got.Source != store.SourceKeyring {
		t.Fatalf("read back %q from %s, %v", got.Reveal(), got.Source, err)
	}

	if err := k.Set(ctx, ref, "second-secret-value-0002"); err != nil {
		t.Fatal(err)
	}
	got, err = k.Get(ctx, ref)
	if err != nil || got.Reveal() != "second-secret-value-0002" {
		t.Fatalf("after rotation read %q, %v", got.Reveal(), err)
	}

	if err := k.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(ctx, ref); !errors.Is(err, store.ErrSecretNotFound) {
		t.Fatalf("after delete: %v, want ErrSecretNotFound", err)
	}
	if err := k.Delete(ctx, ref); err != nil {
		t.Fatalf("deleting an absent secret should succeed: %v", err)
	}
}

func TestMissingSecretIsReportedAsMissing(t *testing.T) {
	k := storetest.Keyring(t)
	ref := store.SecretRef{Profile: storetest.UniqueProfile(), System: "hudu", Field: "api_key"}
	_, err := k.Get(ctx, ref)
	if !errors.Is(err, store.ErrSecretNotFound) {
		t.Fatalf("err = %v, want ErrSecretNotFound", err)
	}
	if !strings.Contains(err.Error(), "hudu api key") || !strings.Contains(err.Error(), "not in the OS keyring") {
		t.Errorf("message %q should say which secret and where it was looked for", err)
	}
	where, err := k.Where(ctx, ref)
	if err != nil || where != store.SourceMissing {
		t.Fatalf("Where = %s, %v", where, err)
	}
}

func TestProfilesDoNotShareSecrets(t *testing.T) {
	k := storetest.Keyring(t)
	a := store.SecretRef{Profile: storetest.UniqueProfile(), System: "itglue", Field: "api_key"}
	b := a
	b.Profile = storetest.UniqueProfile()
	t.Cleanup(func() { k.Delete(ctx, a); k.Delete(ctx, b) })
	if err := k.Set(ctx, a, "ITG.aaaaaaaaaaaaaaaa"); err != nil {
		t.Fatal(err)
	}
	if err := k.Set(ctx, b, "ITG.bbbbbbbbbbbbbbbb"); err != nil {
		t.Fatal(err)
	}
	sa, _ := k.Get(ctx, a)
	sb, _ := k.Get(ctx, b)
	if sa.Reveal() != "ITG.aaaaaaaaaaaaaaaa" || sb.Reveal() != "ITG.bbbbbbbbbbbbbbbb" {
		t.Fatalf("profiles mixed up: %q %q", sa.Reveal(), sb.Reveal())
	}
}

func TestEnvironmentSecretIsUsedAndNeverStored(t *testing.T) {
	k := storetest.Keyring(t)
	ref := store.SecretRef{Profile: storetest.UniqueProfile(), System: "halopsa", Field: "client_secret"}
	if ref.EnvVar() != "MSPWIRE_HALOPSA_CLIENT_SECRET" {
		t.Fatalf("env var %s", ref.EnvVar())
	}
	t.Setenv(ref.EnvVar(), "from-the-environment-123")
	got, err := k.Get(ctx, ref)
	if err != nil || got.Source != store.SourceEnv || got.Reveal() != "from-the-environment-123" {
		t.Fatalf("got %q from %s, %v", got.Reveal(), got.Source, err)
	}
	os.Unsetenv(ref.EnvVar())
	if _, err := k.Get(ctx, ref); !errors.Is(err, store.ErrSecretNotFound) {
		t.Fatalf("an environment secret reached the keyring: %v", err)
	}
}

func TestEmptySecretIsRefused(t *testing.T) {
	k, err := store.NewKeyring()
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Set(ctx, store.SecretRef{Profile: "p", System: "hudu", Field: "api_key"}, ""); err == nil {
		t.Fatal("an empty secret was accepted")
	}
}

func TestSecretNeverPrintsItself(t *testing.T) {
	const value = "super-secret-value-WXYZ"
	t.Setenv("MSPWIRE_HUDU_API_KEY", value)
	k, err := store.NewKeyring()
	if err != nil {
		t.Fatal(err)
	}
	s, err := k.Get(ctx, store.SecretRef{Profile: "p", System: "hudu", Field: "api_key"})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(map[string]any{"s": s})
	printed := fmt.Sprintf("%v %+v %#v %s %q %x", s, s, s, s, s, s) + string(js) + fmt.Sprint(s) + fmt.Sprintf("%v", []any{s, &s})
	if strings.Contains(printed, "super-secret") {
		t.Fatalf("secret leaked: %s", printed)
	}
	if !strings.Contains(printed, "****WXYZ") {
		t.Errorf("masked form missing: %s", printed)
	}
}

func TestKeyringTimeoutSetting(t *testing.T) {
	for value, want := range map[string]time.Duration{"": store.DefaultKeyringTimeout, "5s": 5 * time.Second, "1.5": 1500 * time.Millisecond} {
		t.Setenv("MSPWIRE_KEYRING_TIMEOUT", value)
		k, err := store.NewKeyring()
		if err != nil || k.Timeout() != want {
			t.Errorf("MSPWIRE_KEYRING_TIMEOUT=%q: %v, %v; want %v", value, k, err, want)
		}
	}
	for _, bad := range []string{"soon", "-1s", "0"} {
		t.Setenv("MSPWIRE_KEYRING_TIMEOUT", bad)
		if _, err := store.NewKeyring(); err == nil || !strings.Contains(err.Error(), "MSPWIRE_KEYRING_TIMEOUT") {
			t.Errorf("MSPWIRE_KEYRING_TIMEOUT=%q: err = %v", bad, err)
		}
	}
}

// Without any D-Bus session go-keyring tries to start one with dbus-launch;
// with no dbus-launch on PATH it fails. The operator must get a sentence.
func TestNoDBusSessionIsExplained(t *testing.T) {
	out, code := runKeyringHelper(t, []string{"PATH=" + t.TempDir(), "DBUS_SESSION_BUS_ADDRESS="}, nil)
	if code != 3 {
		t.Fatalf("helper exit %d, want 3 (ErrNoDBus):\n%s", code, out)
	}
	for _, want := range []string{"no D-Bus session bus", "dbus-run-session", "MSPWIRE_HUDU_API_KEY"} {
		if !strings.Contains(out, want) {
			t.Errorf("message lacks %q:\n%s", want, out)
		}
	}
}

// A D-Bus session with nobody owning org.freedesktop.secrets: a session bus
// config without service directories, so nothing can be auto-started.
func TestNoSecretServiceProviderIsExplained(t *testing.T) {
	runner, err := exec.LookPath("dbus-run-session")
	if err != nil {
		if os.Getenv("MSPWIRE_REQUIRE_KEYRING") == "1" {
			t.Fatal("dbus-run-session is needed for this test")
		}
		t.Skip("dbus-run-session is not installed")
	}
	config := filepath.Join(t.TempDir(), "session.conf")
	err = os.WriteFile(config, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=`+t.TempDir()+`</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	out, code := runKeyringHelper(t, nil, []string{runner, "--config-file=" + config, "--"})
	if code != 4 {
		t.Fatalf("helper exit %d, want 4 (ErrNoProvider):\n%s", code, out)
	}
	if !strings.Contains(out, "no Secret Service provider") || !strings.Contains(out, "gnome-keyring") {
		t.Errorf("message should name the missing provider and how to get one:\n%s", out)
	}
}

// runKeyringHelper runs TestHelperKeyring in a fresh process, optionally
// under a wrapper command, and returns its output and exit code.
func runKeyringHelper(t *testing.T, env, wrapper []string) (string, int) {
	t.Helper()
	args := append(append([]string{}, wrapper...), os.Args[0], "-test.run=^TestHelperKeyring$")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(append(os.Environ(), "MSPWIRE_TEST_KEYRING_HELPER=1", "MSPWIRE_HUDU_API_KEY="), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

// TestHelperKeyring reads a secret and exits with a code naming the error
// kind. It does nothing in a normal run.
func TestHelperKeyring(t *testing.T) {
	if os.Getenv("MSPWIRE_TEST_KEYRING_HELPER") == "" {
		t.Skip("helper process for the keyring error tests")
	}
	k, err := store.NewKeyring()
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.Get(ctx, store.SecretRef{Profile: "helper", System: "hudu", Field: "api_key"})
	fmt.Println(err)
	for code, kind := range map[int]error{2: store.ErrSecretNotFound, 3: store.ErrNoDBus, 4: store.ErrNoProvider, 5: store.ErrKeyringLocked, 6: store.ErrKeyringTimeout} {
		if errors.Is(err, kind) {
			os.Exit(code)
		}
	}
	os.Exit(1)
}
