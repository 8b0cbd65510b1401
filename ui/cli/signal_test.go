package cli_test

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGTERM (what timeout, systemd and CI send) and SIGINT, each sent four
// times to an apply that the vendors' rate limits make wait, at a moment
// the apply itself says (after one to four actions ended, or as it starts
// a wait): each run ends within seconds, says it was interrupted, and
// leaves nothing failed; a last apply finishes the plan with each record
// made once.
func TestSignalsStopAnApplyCleanly(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox process
	s := newSession(t)
	sb := serveSandbox(t, 160, 13)
	p := onboardPathA(t, s, sb)
	before := census(t, s)
	want := p.intendedNames(t, s)
	// The vendors take few calls a second: an apply spends most of its
	// time waiting, where a signal must stop it too.
	for _, sys := range pathA {
		sb.admin(t, sys, "POST", "/limit", map[string]any{"requests": 6, "per": int64(time.Second)})
	}
	rng := rand.New(rand.NewPCG(7, 27))
	for trial := range 8 {
		sig := []os.Signal{syscall.SIGTERM, syscall.SIGINT}[trial%2]
		cmd := helperProcess("--data-dir", s.dir, "--profile", s.profile, "apply", "--yes")
		// A run after an interrupted one waits out the call timeout for
		// the calls it left in flight: kept short, as applyProcess does.
		cmd.Env = append(cmd.Env, "MSPWIRE_CALL_TIMEOUT=3s")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		var out, stdout bytes.Buffer
		cmd.Stdout = &stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The moment: the n-th action ended, or the first wait (a rate
		// limit, or calls an interrupted run left in flight), as the apply
		// reports them on stderr; each signal meets both.
		n, atWait := 1+rng.IntN(4), trial%4 >= 2
		lines, ended, sent := bufio.NewScanner(stderr), 0, time.Time{}
		for lines.Scan() {
			out.WriteString(lines.Text() + "\n")
			if strings.HasPrefix(lines.Text(), "[") {
				ended++
			}
			if sent.IsZero() && (!atWait && ended == n || atWait && strings.Contains(lines.Text(), "waiting")) {
				_ = cmd.Process.Signal(sig)
				sent = time.Now()
			}
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case <-exited:
			out.Write(stdout.Bytes())
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("trial %d: still running 30 s after %v:\n%s", trial, sig, out.String())
		}
		if sent.IsZero() {
			t.Fatalf("trial %d: apply ended before the %v:\n%s", trial, sig, out.String())
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
	for _, sys := range pathA {
		sb.admin(t, sys, "POST", "/limit", map[string]any{"requests": 0})
	}
	if _, out := s.applyProcess(t, "", 0); !strings.Contains(out, "applied") {
		t.Fatalf("the last apply did not finish:\n%s", out)
	}
	after := census(t, s)
	madeOnce(t, before, after, want)
}
