package cli_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// applyBoth starts two `mspwire apply --yes` of the session's plan at the
// same moment, each its own process, and returns what each printed and
// its exit code.
func (s *session) applyBoth(t *testing.T) (out [2]string, code [2]int) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := helperProcess("--data-dir", s.dir, "--profile", s.profile, "apply", "--yes")
			var b bytes.Buffer
			cmd.Stdout, cmd.Stderr = &b, &b
			<-start
			err := cmd.Run()
			var exit *exec.ExitError
			switch {
			case errors.As(err, &exit):
				code[i] = exit.ExitCode()
			case err != nil:
				code[i] = -1
			}
			out[i] = b.String()
		}()
	}
	close(start)
	wg.Wait()
	return out, code
}

// appliedLine is what an apply that sent the plan ends with.
var appliedLine = regexp.MustCompile(`Plan \d+ applied: \d+ actions done`)

// An operator in two terminals runs `mspwire apply --yes` of the same plan
// at once, eight times over, against `sandbox serve` in its own process:
// one applies, the other is told which process is applying (or finds the
// plan applied) and sends nothing. No record is ever made twice.
func TestTwoAppliesAtOnceNeverBothSend(t *testing.T) {
	t.Parallel()                // its own data directory, profile and sandbox process
	const groups, trials = 4, 2 // four sandboxes side by side
	var refused atomic.Int32
	t.Run("trials", func(t *testing.T) {
		for g := range groups {
			t.Run(fmt.Sprintf("sandbox %d", g), func(t *testing.T) {
				t.Parallel()
				sb := serveSandbox(t, 40, 13+g)
				for trial := range trials {
					if twoApplies(t, sb, trial) {
						refused.Add(1)
					}
				}
			})
		}
	})
	t.Logf("%d trials, 0 duplicates; the second apply was refused while the first ran in %d of them", groups*trials, refused.Load())
	if refused.Load() == 0 {
		t.Fatal("the two applies never overlapped: the test did not test the lease")
	}
}

// twoApplies onboards afresh on a reset sandbox and starts two applies of
// its plan at once: one applies it, the other is refused or finds it done;
// each record is made once. It says whether the other was refused.
func twoApplies(t *testing.T, sb *served, trial int) bool {
	t.Helper()
	for _, sys := range pathA {
		sb.admin(t, sys, "POST", "/reset", nil)
		sb.admin(t, sys, "POST", "/limit", map[string]any{"requests": 0}) // about the lease, not budgets
	}
	s := newSession(t)
	p := onboardPathA(t, s, sb)
	if p.Counts["create"] == 0 {
		t.Fatalf("trial %d: a plan with nothing to create: %v", trial, p.Counts)
	}
	before := census(t, s)
	want := p.intendedNames(t, s)
	out, code := s.applyBoth(t)
	applied, other := -1, -1
	for i := range 2 {
		if code[i] == 0 && appliedLine.MatchString(out[i]) {
			applied, other = i, 1-i
		}
	}
	if applied < 0 {
		t.Fatalf("trial %d: neither applied:\n%s\n---\n%s", trial, out[0], out[1])
	}
	refused := false
	switch o := out[other]; {
	case code[other] == 1 && strings.Contains(o, "is being applied by process") && strings.Contains(o, "Nothing was sent"):
		refused = true
	case code[other] == 0 && strings.Contains(o, "Nothing was sent"): // it came after the first had finished
	default:
		t.Fatalf("trial %d: the other apply (exit %d) was not told why it did nothing:\n%s", trial, code[other], o)
	}
	if !madeOnce(t, before, census(t, s), want) {
		t.Fatalf("trial %d: records made more or less than once", trial)
	}
	return refused
}

// While an apply runs, status and plan call it running, never interrupted,
// and no new plan is made over it.
func TestARunningApplyIsCalledRunning(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	sb := serveSandbox(t, 40, 14)
	for _, sys := range pathA {
		sb.admin(t, sys, "POST", "/limit", map[string]any{"requests": 0})
	}
	s := newSession(t)
	onboardPathA(t, s, sb)
	// Hudu holds its company creates for half a minute: the apply is still
	// running when its first other action has ended, which it says.
	sb.admin(t, "hudu", "POST", "/faults", map[string]any{"route": "POST /api/v1/companies", "latency": int64(30 * time.Second)})
	cmd := helperProcess("--data-dir", s.dir, "--profile", s.profile, "apply", "--yes")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }() // its held creates are not waited for
	ended := make(chan struct{})
	go func() {
		lines, once := bufio.NewScanner(stderr), sync.Once{}
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), "[") {
				once.Do(func() { close(ended) })
			}
		}
	}()
	select {
	case <-ended:
	case <-time.After(time.Minute):
		t.Fatal("the apply ended no action in a minute")
	}
	if stdout, stderr, _ := s.run("", "status"); !strings.Contains(stdout+stderr, "running: plan") || strings.Contains(stdout+stderr, "interrupted") {
		t.Fatalf("status does not call the apply running:\n%s%s", stdout, stderr)
	}
	if _, stderr, code := s.run("", "plan"); code == 0 || !strings.Contains(stderr, "is being applied by process") {
		t.Fatalf("plan over a running apply: exit %d: %s", code, stderr)
	}
}
