package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/ui/cli"
)

// mspwire doctor against `sandbox serve`: the planted pitfalls are
// findings (exit 3) with records and a fix, as snake_case JSON; a question
// answered yes is not asked again; a wrong --check or --answer is named.
func TestDoctorFindsThePlantedPitfalls(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	s := newSession(t)
	sb := serveSandbox(t, 40, 1)
	onboardPathA(t, s, sb)

	stdout, stderr, code := s.run("", "doctor", "--json")
	if code != cli.ExitFindings {
		t.Fatalf("doctor: exit %d, want %d: %s", code, cli.ExitFindings, stderr)
	}
	var rep struct {
		Findings []struct {
			Check, Severity, System, Summary, Fix string
			Records                               []struct{ System, ID, Name string }
		} `json:"findings"`
		Questions []struct{ ID, Text string } `json:"questions"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("doctor --json: %v: %q", err, stdout)
	}
	var v any
	_ = json.Unmarshal([]byte(stdout), &v)
	if bad := nonSnakeKeys(v); len(bad) > 0 {
		t.Errorf("doctor --json keys not snake_case: %v", bad)
	}
	checks := map[string]bool{}
	for _, f := range rep.Findings {
		checks[f.Check] = true
		if f.Fix == "" || f.Summary == "" || f.Severity == "" {
			t.Errorf("finding without summary, severity or fix: %+v", f)
		}
	}
	for _, want := range []string{"halopsa-mandatory-fields", "halopsa-api-agents", "hudu-layouts"} {
		if !checks[want] {
			t.Errorf("no %s finding in %v", want, checks)
		}
	}
	if len(rep.Questions) != 2 {
		t.Fatalf("questions %+v", rep.Questions)
	}

	if _, stderr, code := s.run("", "doctor", "--answer", "alert-templates=yes", "--answer", "alert-mapping=yes", "--json"); code != cli.ExitFindings || stderr != "" && strings.Contains(stderr, "Error") {
		t.Fatalf("answering: exit %d %s", code, stderr)
	}
	stdout, _, _ = s.run("", "doctor", "--json")
	if strings.Contains(stdout, `"alert-templates"`) && strings.Contains(stdout, `"questions":[{`) {
		t.Errorf("answered questions are asked again: %s", stdout)
	}
	text, _, code := s.run("", "doctor", "--only", "hudu")
	if code != cli.ExitFindings || !strings.Contains(text, "hudu-layouts") || strings.Contains(text, "halopsa-") {
		t.Errorf("doctor --only hudu: exit %d\n%s", code, text)
	}
	if _, stderr, code := s.run("", "doctor", "--check", "nope"); code != cli.ExitError || !strings.Contains(stderr, "--list") {
		t.Errorf("unknown check: exit %d %s", code, stderr)
	}
	if _, stderr, code := s.run("", "doctor", "--answer", "alert-templates"); code != cli.ExitError || !strings.Contains(stderr, "ID=yes") {
		t.Errorf("bad answer: exit %d %s", code, stderr)
	}
	if out, _, _ := s.run("", "help", "exit-codes"); !strings.Contains(out, "3  mspwire doctor") {
		t.Errorf("help exit-codes: %s", out)
	}
}
