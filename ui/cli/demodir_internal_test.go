//go:build unix

package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
)

// leftDemo makes a demo directory as a demo leaves it: its keyring scope
// recorded, a secret in the keyring, its lock file; held says whether a
// (live) demo holds the lock.
func leftDemo(t *testing.T, kr *store.Keyring, scope string, held bool) (string, store.SecretRef) {
	t.Helper()
	dir, err := os.MkdirTemp("", demoDirPattern)
	if err != nil {
		t.Fatal(err)
	}
	lock, ok, err := lockDir(filepath.Join(dir, demoLockFile))
	if err != nil || !ok {
		t.Fatalf("lock: %v %v", ok, err)
	}
	if held {
		t.Cleanup(func() { lock.Close() })
	} else {
		lock.Close() // its process was killed: the lock is free
	}
	if err := os.WriteFile(filepath.Join(dir, demoScopeFile), []byte(scope), 0o600); err != nil {
		t.Fatal(err)
	}
	ref, _ := connect.Ref("demo", "hudu")
	if err := kr.Scoped(scope).Set(context.Background(), ref, "demo-secret"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kr.Scoped(scope).Delete(context.Background(), ref) })
	return dir, ref
}

// A demo that was killed leaves its temporary directory and its sandbox
// secrets in the keyring; the next demo removes both, and leaves alone a
// demo that is still running.
func TestTheNextDemoSweepsWhatAKilledOneLeft(t *testing.T) {
	kr := storetest.Keyring(t)
	t.Setenv("TMPDIR", t.TempDir())
	ctx := context.Background()
	killed, ref := leftDemo(t, kr, storetest.UniqueProfile(), false)
	killedScope, _ := os.ReadFile(filepath.Join(killed, demoScopeFile))
	running, runningRef := leftDemo(t, kr, storetest.UniqueProfile(), true)
	runningScope, _ := os.ReadFile(filepath.Join(running, demoScopeFile))

	var errb bytes.Buffer
	code := Main(ctx, []string{"--accessible", "demo", "--companies", "5"}, IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &errb})
	if code == 0 {
		t.Fatalf("a demo given no answers exited 0:\n%s", errb.String())
	}
	if _, err := os.Stat(killed); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the killed demo's directory is still there (%v):\n%s", err, errb.String())
	}
	if _, err := kr.Scoped(string(killedScope)).Get(ctx, ref); !errors.Is(err, store.ErrSecretNotFound) {
		t.Errorf("the killed demo's secret is still in the keyring: %v", err)
	}
	if !strings.Contains(errb.String(), "Removed what a demo that was killed left: "+killed+" (and its keyring entries)") {
		t.Errorf("the sweep was not said:\n%s", errb.String())
	}
	if _, err := os.Stat(running); err != nil {
		t.Errorf("a running demo's directory was removed: %v", err)
	}
	if _, err := kr.Scoped(string(runningScope)).Get(ctx, runningRef); err != nil {
		t.Errorf("a running demo's secret was removed: %v", err)
	}
	// The demo that just ran removed its own directory too.
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), demoDirPattern)); len(left) != 1 || left[0] != running {
		t.Errorf("demo directories left: %v", left)
	}
}

// Without a keyring, a killed demo that kept its secrets in memory is
// removed whole; one whose secrets are in a keyring is left for a demo
// that can reach it.
func TestWithoutAKeyringOnlyMemoryDemosAreSwept(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	killed := func(scope string) string {
		dir, err := os.MkdirTemp("", demoDirPattern)
		if err != nil {
			t.Fatal(err)
		}
		lock, _, err := lockDir(filepath.Join(dir, demoLockFile))
		if err != nil {
			t.Fatal(err)
		}
		lock.Close()
		if scope != "" {
			if err := os.WriteFile(filepath.Join(dir, demoScopeFile), []byte(scope), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	inMemory, inKeyring := killed(""), killed("some-scope")
	var out bytes.Buffer
	sweepDemoLeftovers(context.Background(), nil, &out)
	if _, err := os.Stat(inMemory); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a memory-only demo's directory is still there: %v", err)
	}
	if _, err := os.Stat(inKeyring); err != nil {
		t.Errorf("a demo with keyring entries was removed without a keyring: %v", err)
	}
	if !strings.Contains(out.String(), inMemory) || strings.Contains(out.String(), inKeyring) {
		t.Errorf("said: %s", out.String())
	}
}
