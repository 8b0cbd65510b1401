package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	built     string
	buildErr  error
)

// shippedBinary builds mspwire as it ships (no test tags, whatever GOFLAGS
// the tests run with), once for all the tests here.
func shippedBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mspwire-bin-")
		if err != nil {
			buildErr = err
			return
		}
		built = filepath.Join(dir, "mspwire")
		build := exec.Command("go", "build", "-o", built, ".")
		build.Env = append(os.Environ(), "GOFLAGS=")
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built != "" {
		os.RemoveAll(filepath.Dir(built))
	}
	os.Exit(code)
}

// A normal build carries no test hook: nothing in it reads the variables
// the tests use to kill mspwire at a named step (those crash points are
// compiled in only with -tags crashpoints).
func TestShippedBinaryHasNoTestHooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	raw, err := os.ReadFile(shippedBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, hook := range []string{"MSPWIRE_TEST", "crashpoints"} {
		if bytes.Contains(raw, []byte(hook)) {
			t.Errorf("the shipped binary contains %q", hook)
		}
	}
}
