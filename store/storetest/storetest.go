// Package storetest gives tests a real store in a temporary directory and a
// real OS keyring, or a clear reason why there is none.
package storetest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mspwire/mspwire/store"
)

// Open opens a fresh store in a temporary directory, closed when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Keyring returns the real OS keyring if one answers. Without one the test
// is skipped with the reason, or fails when MSPWIRE_REQUIRE_KEYRING=1 (CI).
func Keyring(t testing.TB) *store.Keyring {
	t.Helper()
	k, err := store.NewKeyring()
	if err != nil {
		t.Fatal(err)
	}
	// Probed once per process: tests that run side by side would probe
	// the same entry at once.
	probe.Do(func() { probe.err = k.Usable(context.Background()) })
	if err := probe.err; err != nil {
		if os.Getenv("MSPWIRE_REQUIRE_KEYRING") == "1" {
			t.Fatalf("MSPWIRE_REQUIRE_KEYRING=1 but the OS keyring is unusable: %v", err)
		}
		t.Skipf("no usable OS keyring, skipping (run the tests through scripts/test.sh to get one): %v", err)
	}
	return k
}

// UniqueProfile names a profile no other test run uses, so tests sharing one
// keyring daemon never see each other's secrets.
func UniqueProfile() string {
	return fmt.Sprintf("t%d-%d-%d", os.Getpid(), time.Now().UnixNano(), seq.Add(1))
}

var seq atomic.Int64

var probe struct {
	sync.Once
	err error
}
