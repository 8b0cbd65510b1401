package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// `mspwire apply` killed while HaloPSA is still carrying out its POST
// /api/Tickets (the vendor works 0.5 s on each), then resumed at once, 20
// times over (four sandboxes side by side, five trials each): the resume
// finds nothing yet, and waits for what the dead run sent to land instead
// of sending it again. Each client ends with one ticket.
func TestTicketKilledWhileHaloPSAWorksIsOpenedOnce(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox process
	for group := range 4 {
		t.Run(fmt.Sprintf("sandbox %d", group), func(t *testing.T) {
			t.Parallel()
			sb := serveSandbox(t, 30, 11+group)
			tickets := 0
			for trial := range 5 {
				for _, sys := range pathA {
					sb.admin(t, sys, "POST", "/reset", nil)
					sb.admin(t, sys, "POST", "/limit", map[string]any{"requests": 0}) // about kills, not budgets
				}
				s := newSession(t)
				onboardPathA(t, s, sb)
				if _, stderr, code := s.run("", "accounts", "plan", "--ticket-type", "2"); code != 0 {
					t.Fatalf("accounts plan: %s", stderr)
				}
				sb.admin(t, "halopsa", "POST", "/faults", map[string]any{"route": "POST /api/Tickets", "busy": int64(500 * time.Millisecond)})
				if !s.applyKilledWhile(t, func() bool { return sb.count(t, "halopsa", "POST /api/Tickets") > 0 }) {
					t.Fatalf("trial %d: the apply finished before HaloPSA had a ticket to work on", trial)
				}
				if s.applyKilledWhile(t, func() bool { return false }) {
					t.Fatalf("trial %d: the resume did not finish", trial)
				}
				opened := map[string]int{}
				for _, summary := range sb.ticketSummaries(t) {
					opened[summary]++
				}
				for summary, n := range opened {
					if n != 1 {
						t.Errorf("trial %d: %d tickets %q", trial, n, summary)
					}
				}
				tickets += len(opened)
			}
			if tickets < 5 {
				t.Fatalf("%d tickets in 5 trials: too few to tell", tickets)
			}
		})
	}
}

// count is how many calls of a route a simulator has answered or begun.
func (s *served) count(t *testing.T, system, route string) int {
	t.Helper()
	var counts map[string]int
	_ = json.Unmarshal(s.admin(t, system, "GET", "/counts", nil), &counts)
	return counts[route]
}

// ticketSummaries are the summaries of the tickets mspwire opened in
// HaloPSA.
func (s *served) ticketSummaries(t *testing.T) []string {
	t.Helper()
	var state struct {
		Tickets []struct {
			Summary string `json:"summary"`
		} `json:"tickets"`
	}
	if err := json.Unmarshal(s.admin(t, "halopsa", "GET", "/state", nil), &state); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tk := range state.Tickets {
		if strings.Contains(tk.Summary, "[mspwire ") {
			out = append(out, tk.Summary)
		}
	}
	return out
}

// applyKilledWhile runs `mspwire apply --yes` in its own process and kills
// it with SIGKILL as soon as now() holds; false if it finished first.
func (s *session) applyKilledWhile(t *testing.T, now func() bool) bool {
	t.Helper()
	cmd := helperProcess("--data-dir", s.dir, "--profile", s.profile, "apply", "--yes")
	// A short call timeout bounds the wait for calls killed before they
	// were sent.
	cmd.Env = append(cmd.Env, "MSPWIRE_CALL_TIMEOUT=3s")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	giveUp := time.After(40 * time.Second)
	for {
		select {
		case <-giveUp:
			_ = cmd.Process.Kill()
			<-exited
			t.Fatalf("apply neither finished nor reached the moment to kill it in 2 minutes:\n%s", out.String())
		case err := <-exited:
			s.printed.WriteString(out.String())
			if err != nil {
				t.Fatalf("apply failed before it was killed: %v\n%s", err, out.String())
			}
			return false
		case <-time.After(5 * time.Millisecond):
			if now() {
				_ = cmd.Process.Kill()
				<-exited
				return true
			}
		}
	}
}
