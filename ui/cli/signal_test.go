package cli_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGTERM (what timeout, systemd and CI send) and SIGINT, each sent ten
// times at a random moment of an apply that the vendors' rate limits make
// wait: each run ends within seconds, says it was interrupted, and leaves
// nothing failed; a last apply finishes the plan with each record made
// once.
func TestSignalsStopAnApplyCleanly(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox process
	s := newSession(t)
	sb := serveSandbox(t, 160, 13)
	p := onboardPathA(t, s, sb)
	before := census(t, s)
	want := p.intendedNames(t, s)
	// The vendors take few calls a second: an apply spends most of its
	// time waiting, where a signal must stop it too.
	for _, sys := range []string{"halopsa", "liongard", "hudu"} {
		sb.admin(t, sys, "POST", "/limit", map[string]any{"requests": 6, "per": int64(time.Second)})
	}
	rng := rand.New(rand.NewPCG(7, 27))
	for trial := range 20 {
		sig := []os.Signal{syscall.SIGTERM, syscall.SIGINT}[trial%2]
		cmd := helperProcess("--data-dir", s.dir, "--profile", s.profile, "apply", "--yes")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			t.Fatalf("trial %d: apply ended before the %v: %v\n%s", trial, sig, err, out.String())
		case <-time.After(time.Duration(300+rng.IntN(900)) * time.Millisecond):
		}
		_ = cmd.Process.Signal(sig)
		sent := time.Now()
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("trial %d: still running 30 s after %v:\n%s", trial, sig, out.String())
		}
		took := time.Since(sent)
		s.printed.WriteString(out.String())
		text := out.String()
		if !strings.Contains(text, "interrupted") || strings.Contains(text, "deadline came") {
			t.Fatalf("trial %d (%v, stopped in %s) does not say it was interrupted:\n%s", trial, sig, took.Round(time.Millisecond), text)
		}
		if took > 10*time.Second {
			t.Errorf("trial %d: %v took %s to stop the apply", trial, sig, took.Round(time.Millisecond))
		}
		if stdout, _, _ := s.run("", "plan", "show", "--json"); strings.Contains(stdout, `"state":"failed"`) {
			t.Fatalf("trial %d: an interrupted apply left actions failed:\n%s", trial, stdout)
		}
	}
	for _, sys := range []string{"halopsa", "liongard", "hudu"} {
		sb.admin(t, sys, "POST", "/limit", map[string]any{"requests": 0})
	}
	if _, out := s.applyProcess(t, "", 0); !strings.Contains(out, "applied") {
		t.Fatalf("the last apply did not finish:\n%s", out)
	}
	after := census(t, s)
	madeOnce(t, before, after, want)
}
