package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/sandbox"
	"github.com/mspwire/mspwire/store"
)

// served is `mspwire sandbox serve` running in its own process.
type served struct {
	creds map[string]sandbox.Creds
}

func serveSandbox(t *testing.T, companies, seed int) *served {
	t.Helper()
	cmd := helperProcess("sandbox", "serve", "--json", "--companies", strconv.Itoa(companies), "--seed", strconv.Itoa(seed))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("sandbox serve printed no credentials: %v", err)
	}
	s := &served{}
	if err := json.Unmarshal([]byte(line), &s.creds); err != nil {
		t.Fatalf("sandbox serve: %v: %q", err, line)
	}
	return s
}

// admin calls a simulator's /_sandbox/ API.
func (s *served) admin(t *testing.T, system, method, path string, body any) []byte {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, s.creds[system].URL+"/_sandbox"+path, bytes.NewReader(raw))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return b
}

// writes counts the write calls the simulators have answered.
func (s *served) writes(t *testing.T) int {
	t.Helper()
	n := 0
	for _, c := range s.writeCounts(t) {
		n += c
	}
	return n
}

// writeCounts are the write calls answered, by system and route.
func (s *served) writeCounts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, sys := range adapter.IDs() {
		var counts map[string]int
		_ = json.Unmarshal(s.admin(t, sys, "GET", "/counts", nil), &counts)
		for route, c := range counts {
			if !strings.HasPrefix(route, "GET ") {
				out[sys+" "+route] = c
			}
		}
	}
	return out
}

// onboardPathA takes the session through path A with Hudu up to a
// review where the safe matches are accepted and what has no match is to
// be created, then makes the plan.
// pathA are the systems path A connects with Hudu, as the roles say.
var pathA = adapter.Systems(path.A, "hudu", nil)

func onboardPathA(t *testing.T, s *session, sb *served) planOut {
	t.Helper()
	loginServed(t, s, sb, pathA...)
	for _, args := range [][]string{
		{"path", "recommend", "--docs-tool", "hudu"}, {"path", "set", "A"}, {"source", "set", "halopsa"}, {"inventory", "fetch"},
		{"match", "suggest"}, {"match", "accept", "--band", "strong"},
	} {
		if _, stderr, code := s.run("", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	stdout, _, _ := s.run("", "match", "list", "--band", "none", "--json")
	var rows []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("rows without a match: %v %q", err, stdout)
	}
	args := []string{"match", "new"}
	for _, r := range rows {
		args = append(args, strconv.FormatInt(r.ID, 10))
	}
	if _, stderr, code := s.run("", args...); code != 0 {
		t.Fatalf("match new: %s", stderr)
	}
	stdout, stderr, code := s.run("", "plan", "--json", "--group", "Managed", "--tier", "Core")
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, stderr)
	}
	var p planOut
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	var v any
	_ = json.Unmarshal([]byte(stdout), &v)
	if bad := nonSnakeKeys(v); len(bad) > 0 {
		t.Errorf("plan --json prints keys that are not snake_case: %v", bad)
	}
	return p
}

type planOut struct {
	PlanID  int64          `json:"plan_id"`
	Stale   bool           `json:"stale"`
	Counts  map[string]int `json:"counts"`
	Actions []struct {
		ID      int64  `json:"id"`
		Kind    string `json:"kind"`
		System  string `json:"system"`
		Summary string `json:"summary"`
		Key     string `json:"key"`
		State   string `json:"state"`
	} `json:"actions"`
}

// intendedNames reads, per system, how often each name is to be created.
func (p planOut) intendedNames(t *testing.T, s *session) map[string]map[string]int {
	t.Helper()
	st, err := store.Open(context.Background(), s.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	actions, err := st.Actions(context.Background(), p.PlanID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]int{}
	for _, a := range actions {
		if a.Kind != "create" {
			continue
		}
		var pl struct {
			Record struct{ Name string } `json:"record"`
		}
		_ = json.Unmarshal(a.Payload, &pl)
		if out[a.System] == nil {
			out[a.System] = map[string]int{}
		}
		out[a.System][adapter.NameKey(pl.Record.Name)]++
	}
	return out
}

// madeOnce says whether each record the plan intends was made exactly as
// many times as wanted between two censuses, naming each that was not.
func madeOnce(t *testing.T, before, after, want map[string]map[string]int) bool {
	t.Helper()
	ok := true
	for sys, names := range want {
		for name, n := range names {
			if got := after[sys][name] - before[sys][name]; got != n {
				t.Errorf("%s %q: made %d times, want %d", sys, name, got, n)
				ok = false
			}
		}
	}
	return ok
}

// census counts each system's records by name, read from the vendors.
func census(t *testing.T, s *session) map[string]map[string]int {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, s.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := adapter.NewClients(st, s.keyring(), s.profile)
	out := map[string]map[string]int{}
	for _, sys := range pathA {
		companies, _ := c.Companies(sys)
		recs, err := companies.Inventory(ctx, store.Onboarding{})
		if err != nil {
			t.Fatal(err)
		}
		out[sys] = map[string]int{}
		for _, r := range recs {
			out[sys][adapter.NameKey(r.Name)]++
		}
	}
	return out
}

func loginServed(t *testing.T, s *session, sb *served, systems ...string) {
	t.Helper()
	for _, sys := range systems {
		c := sb.creds[sys]
		args := []string{"--url", c.URL}
		secret := c.APIKey
		switch sys {
		case "halopsa":
			args, secret = append(args, "--client-id", c.ClientID), c.ClientSecret
		case "liongard":
			args, secret = append(args, "--key-id", c.KeyID), c.KeySecret
		}
		t.Cleanup(func() { s.run("", "auth", "logout", sys, "--yes") })
		if _, stderr, code := s.run(secret+"\n", append([]string{"auth", "login", sys, "--secret-stdin"}, args...)...); code != 0 {
			t.Fatalf("login %s: exit %d: %s", sys, code, stderr)
		}
	}
}

// applyProcess runs `mspwire apply --yes` in its own process, killed with
// SIGKILL at the crash point if one is given, or by the test after it
// reports `after` actions ended (0: never).
func (s *session) applyProcess(t *testing.T, crashAt string, after int) (killed bool, output string) {
	t.Helper()
	all := []string{"--data-dir", s.dir, "--profile", s.profile, "apply", "--yes"}
	cmd := helperProcess(all...)
	// A killed run's calls may still land until the call timeout: a short
	// one keeps each resume's wait for calls killed before they were sent
	// short.
	cmd.Env = append(cmd.Env, "MSPWIRE_CALL_TIMEOUT=3s")
	if crashAt != "" {
		needsCrashPoints(t)
		cmd.Env = append(cmd.Env, "MSPWIRE_TEST_CRASH_AFTER="+crashAt)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out, stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines, ended := bufio.NewScanner(stderr), 0
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if strings.HasPrefix(lines.Text(), "[") {
			ended++
			if after > 0 && ended == after {
				_ = cmd.Process.Kill()
			}
		}
	}
	if err := lines.Err(); err != nil {
		t.Logf("reading apply's output: %v", err)
	}
	err = cmd.Wait()
	out.Write(stdout.Bytes())
	s.printed.WriteString(out.String())
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, isWS := exit.Sys().(syscall.WaitStatus); isWS && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true, out.String()
		}
		t.Fatalf("apply (crash at %q) failed: %v\n%s", crashAt, err, out.String())
	}
	return false, out.String()
}

// `mspwire apply` killed with SIGKILL over and over — after a call was
// journaled in flight, after a vendor answered but before the answer was
// written, after it was written, mid-batch, and at moments the test picks
// — and resumed each time: the sandbox, its own process, ends up holding
// each intended record exactly once, and one more apply sends nothing.
func TestApplyKilledAnywhereResumesWithoutDuplicates(t *testing.T) {
	needsCrashPoints(t)
	t.Parallel() // its own data directory, profile and sandbox process
	s := newSession(t)
	sb := serveSandbox(t, 220, 11)
	for _, sys := range pathA {
		sb.admin(t, sys, "POST", "/limit", map[string]any{"requests": 0}) // about crashes, not budgets
	}
	p := onboardPathA(t, s, sb)
	before := census(t, s)
	if p.Counts["create"] < 20 || p.Counts["link"] < 20 {
		t.Fatalf("too small a plan to test with: %v", p.Counts)
	}
	want := p.intendedNames(t, s)

	points := []string{"in_flight#2", "reply#1", "done#1", "reply#2", "in_flight#3", "done#2"}
	tried := map[string]int{}
	kills, runs := 0, 0
	deadline := time.Now().Add(4 * time.Minute)
	for finished := false; !finished; runs++ {
		if time.Now().After(deadline) {
			t.Fatalf("not finished after %d runs and %d kills", runs, kills)
		}
		crashAt, after := points[runs%len(points)], 0
		switch {
		case kills >= 8:
			crashAt = "" // enough: the engine's own test kills at every point; these prove onboarding's executors resume
		case runs%4 == 3:
			crashAt, after = "", 1+runs%3 // killed by the test, at a moment of its choosing
		}
		killed, out := s.applyProcess(t, crashAt, after)
		if killed && kills == 0 && crashAt == "in_flight#2" {
			// Every command's start-up check sees the interrupted apply, and
			// no new plan is made over calls that may have landed.
			if stdout, stderr, code := s.run("", "status"); code != 0 || !strings.Contains(stdout, "interrupted") ||
				!strings.Contains(stderr, "was interrupted") {
				t.Fatalf("status after a killed apply: exit %d: %s%s", code, stdout, stderr)
			}
			if _, stderr, code := s.run("", "plan"); code == 0 || !strings.Contains(stderr, "run mspwire apply first") {
				t.Fatalf("plan over an interrupted apply: exit %d: %s", code, stderr)
			}
		}
		if killed {
			kills++
			if crashAt == "" {
				crashAt = fmt.Sprintf("external after %d", after)
			}
			tried[strings.Split(crashAt, "#")[0]]++
			continue
		}
		finished = strings.Contains(out, "applied")
		if !finished {
			t.Fatalf("apply (crash at %q, after %d) neither died nor finished:\n%s", crashAt, after, out)
		}
	}
	t.Logf("%d kills in %d runs: %v", kills, runs, tried)
	if kills < 7 {
		t.Fatalf("only %d kill points tried", kills)
	}
	after := census(t, s)
	madeOnce(t, before, after, want)
	sent := sb.writes(t)
	_, out := s.applyProcess(t, "", 0)
	if !strings.Contains(out, "Nothing was sent") || sb.writes(t) != sent {
		t.Fatalf("a second apply sent %d writes:\n%s", sb.writes(t)-sent, out)
	}
}

// The same plan under faults injected in the sandbox process: a tenth of
// the calls fail with 500, 429s come in bursts, connections drop, and some
// writes land with their answer lost. Applying until it finishes leaves
// each record made once.
func TestApplyUnderFaultsAgainstTheSandboxProcess(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox process
	s := newSession(t)
	sb := serveSandbox(t, 100, 12)
	p := onboardPathA(t, s, sb)
	before := census(t, s)
	want := p.intendedNames(t, s)
	for _, sys := range []string{"liongard", "hudu"} {
		sb.admin(t, sys, "POST", "/faults", map[string]any{"route": "*", "error_rate": 0.1, "lose_reply": 0.1, "burst_429": 2, "drop_next": 2})
	}
	runs := 0
	for {
		runs++
		if runs > 20 {
			t.Fatal("not finished after 20 runs")
		}
		stdout, _, code := s.run("", "apply", "--yes", "--json")
		for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var v any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("apply --json printed %q: %v", line, err)
			}
			if bad := nonSnakeKeys(v); len(bad) > 0 {
				t.Fatalf("apply --json prints keys that are not snake_case: %v", bad)
			}
		}
		if code == 0 {
			break
		}
	}
	injected := map[string]int{}
	for _, sys := range []string{"liongard", "hudu"} {
		var n map[string]int
		_ = json.Unmarshal(sb.admin(t, sys, "GET", "/injected", nil), &n)
		for k, v := range n {
			injected[k] += v
		}
		sb.admin(t, sys, "DELETE", "/faults", nil)
	}
	if injected["500"] == 0 || injected["429"] == 0 || injected["drop"] == 0 || injected["lost_reply"] == 0 {
		t.Fatalf("not every fault was tried: %v", injected)
	}
	after := census(t, s)
	madeOnce(t, before, after, want)
	t.Logf("%d creates and %d links applied in %d runs; faults injected: %v", p.Counts["create"], p.Counts["link"], runs, injected)
}
