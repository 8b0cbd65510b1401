package cli_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A whole onboarding and its apply traced with --debug-file: every call is
// there with its status, and no secret of the sandbox — plain, or base64
// as Liongard's header carries it with its key id — nor a token is.
func TestTheAPITraceHoldsNoSecret(t *testing.T) {
	s := newSession(t)
	sb := serveSandbox(t, 30, 3)
	trace := filepath.Join(t.TempDir(), "trace.log")
	s.global = []string{"--debug-file", trace}
	onboardPathA(t, s, sb)
	if _, stderr, code := s.run("", "apply", "--yes"); code != 0 {
		t.Fatalf("apply: %s", stderr)
	}
	raw, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, want := range []string{"HaloPSA POST ", "/auth/token", "< 200 OK", "Liongard GET ", "Hudu POST ", "[redacted]"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the trace lacks %q:\n%.2000s", want, text)
		}
	}
	for sys, c := range sb.creds {
		secret := c.Secret()
		forms := []string{secret, base64.StdEncoding.EncodeToString([]byte(secret))}
		if id := c.Values()["key_id"]; id != "" {
			forms = append(forms, base64.StdEncoding.EncodeToString([]byte(id+":"+secret)))
		}
		for _, f := range forms {
			if len(secret) >= 4 && strings.Contains(text, f) {
				t.Errorf("the trace holds %s's secret (%d bytes of trace)", sys, len(raw))
			}
		}
	}
	if strings.Contains(text, `"access_token":"`) && !strings.Contains(text, `"access_token":"[redacted]"`) {
		t.Error("the trace holds a HaloPSA token")
	}
	if info, err := os.Stat(trace); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the trace file is %v (%v), want 0600", info.Mode().Perm(), err)
	}

	// The bug report carries the trace's end, the connections and the
	// plan, and no secret either.
	s.global = nil
	report := filepath.Join(t.TempDir(), "report.txt")
	if _, stderr, code := s.run("", "bugreport", "-o", report); code != 0 || !strings.Contains(stderr, "read it, then attach it") {
		t.Fatalf("bugreport: exit %d: %s", code, stderr)
	}
	raw, err = os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	text = string(raw)
	for _, want := range []string{"== mspwire\nversion: ", "go: go1.", "HaloPSA", sb.creds["halopsa"].URL, "plan 1, onboarding", "trace.log, its last ", "< 200 OK"} {
		if !strings.Contains(text, want) {
			t.Errorf("the bug report lacks %q:\n%.3000s", want, text)
		}
	}
	for sys, c := range sb.creds {
		secret := c.Secret()
		for _, f := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret))} {
			if len(secret) >= 4 && strings.Contains(text, f) {
				t.Errorf("the bug report holds %s's secret", sys)
			}
		}
	}
	if info, err := os.Stat(report); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the bug report is %v (%v), want 0600", info.Mode().Perm(), err)
	}
}
