package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A normal build carries no test hook: nothing in it reads the variables
// the tests use to kill mspwire at a named step (those crash points are
// compiled in only with -tags crashpoints).
func TestShippedBinaryHasNoTestHooks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "mspwire")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, hook := range []string{"MSPWIRE_TEST", "crashpoints"} {
		if bytes.Contains(raw, []byte(hook)) {
			t.Errorf("the shipped binary contains %q", hook)
		}
	}
}
