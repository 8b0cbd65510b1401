package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/crash"
)

// mspwireBin is mspwire built once for this package's child processes
// (kills, signals, a second process), without the race detector — which
// keeps covering the in-process tests — as terraform's e2etest does. ""
// when it could not be built: children then re-run this test binary.
var mspwireBin string

func TestMain(m *testing.M) {
	// Retries after an outage wait a few milliseconds, not seconds: what is
	// tested is that they happen and what they say.
	httpx.DefaultBackoffBase = 5 * time.Millisecond
	if os.Getenv("MSPWIRE_TEST_MAIN_ARGS") != "" {
		os.Exit(m.Run()) // a child that re-runs this binary: nothing to build
	}
	dir, err := os.MkdirTemp("", "mspwire-bin-")
	if err == nil {
		bin := filepath.Join(dir, "mspwire")
		args := []string{"build", "-o", bin}
		if crash.Enabled {
			args = append(args, "-tags", "crashpoints")
		}
		if out, err := exec.Command("go", append(args, "github.com/mspwire/mspwire")...).CombinedOutput(); err == nil {
			mspwireBin = bin
		} else {
			fmt.Fprintf(os.Stderr, "note: mspwire could not be built once (%v), so child processes re-run the test binary:\n%s", err, out)
		}
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
