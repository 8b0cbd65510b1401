package cli_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/ui/cli"
)

// Settings are checked before they are kept: a ticket type HaloPSA would
// refuse, a team it does not have, days below one, an item named as two
// products — each refused with what to do, and nothing kept (the next plan
// still asks for a ticket type).
func TestRefusedSettingsKeepNothing(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	s := newSession(t)
	sb := serveSandbox(t, 40, 1)
	onboardPathA(t, s, sb)
	refused := []struct {
		args []string
		says string
	}{
		{[]string{"accounts", "plan", "--ticket-type", "2", "--team", "Nope"}, `no active team "Nope"`},
		{[]string{"accounts", "plan", "--ticket-type", "5"}, "mandatory fields"},
		{[]string{"accounts", "plan", "--ticket-type", "999"}, "ticket type 999"},
		{[]string{"accounts", "plan", "--days", "-1"}, "--days -1"},
		{[]string{"accounts", "plan", "--days", "0"}, "--days 0"},
		{[]string{"billing", "plan", "--ticket-type", "2", "--team", "Nope"}, `no active team "Nope"`},
		{[]string{"billing", "plan", "--ticket-type", "5"}, "mandatory fields"},
		{[]string{"billing", "plan", "--tolerance", "m365=-2"}, "--tolerance"},
	}
	for _, c := range refused {
		if _, stderr, code := s.run("", c.args...); code == 0 || !strings.Contains(stderr, c.says) {
			t.Errorf("%s: exit %d, %q (want it refused, saying %q)", strings.Join(c.args, " "), code, stderr, c.says)
		}
	}
	if _, stderr, _ := s.run("", "accounts", "plan"); !strings.Contains(stderr, "no HaloPSA ticket type is chosen for these tickets yet") || !strings.Contains(stderr, "mspwire accounts plan --ticket-type ID") {
		t.Fatalf("a refused ticket type or team was kept: accounts plan says %q", stderr)
	}
	stdout, stderr, code := s.run("", "billing", "items", "--json")
	var items struct {
		Items []struct {
			ItemID int `json:"item_id"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &items); err != nil || len(items.Items) == 0 {
		t.Fatalf("billing items: exit %d %v %s", code, err, stderr)
	}
	id := items.Items[0].ItemID
	if _, stderr, code := s.run("", "billing", "items", "set", fmt.Sprintf("%d=m365", id), fmt.Sprintf("%d=none", id)); code == 0 || !strings.Contains(stderr, "named twice") {
		t.Fatalf("an item named as two products: exit %d %q", code, stderr)
	}
	if out, _, _ := s.run("", "billing", "items"); strings.Count(out, "not confirmed") == 0 {
		t.Fatalf("the refused mapping was kept:\n%s", out)
	}
}

// The twins ask for a plan again after the operator changed their mind:
// `devices plan --replace` after a plain one, and back, and `accounts plan
// --days 60` after 90, are each a new plan with what was asked; a stale
// --days 60 plan's advice names --days 60.
func TestPlanAskedAgainWithOtherFlagsIsANewPlan(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	s := newSession(t)
	sb := serveSandbox(t, 60, 1)
	onboardPathA(t, s, sb)
	planID := func(args ...string) (int, int) {
		t.Helper()
		stdout, stderr, code := s.run("", append(args, "--json")...)
		var v struct {
			PlanID  int `json:"plan_id"`
			Actions []struct {
				Warnings []string `json:"warnings"`
			} `json:"actions"`
		}
		if code != 0 || json.Unmarshal([]byte(stdout), &v) != nil {
			t.Fatalf("%v: exit %d %s", args, code, stderr)
		}
		warned := 0
		for _, a := range v.Actions {
			warned += len(a.Warnings)
		}
		return v.PlanID, warned
	}
	plain, _ := planID("devices", "plan")
	replace, replacing := planID("devices", "plan", "--replace")
	back, backReplacing := planID("devices", "plan")
	if replace == plain || replacing == 0 || back == replace || backReplacing != 0 {
		t.Fatalf("plain %d, --replace %d (%d replacements), plain again %d (%d replacements)", plain, replace, replacing, back, backReplacing)
	}
	p90, _ := planID("accounts", "plan", "--ticket-type", "2")
	p60, _ := planID("accounts", "plan", "--days", "60")
	if p60 == p90 {
		t.Fatalf("--days 60 after --days 90 gave plan %d again", p90)
	}
	if _, stderr, code := s.run("", "accounts", "plan", "--team", "Service Desk"); code != 0 {
		t.Fatalf("--team Service Desk: %s", stderr)
	}
	_, stderr, code := s.run("", "apply", fmt.Sprint(p60), "--yes")
	if code == 0 || !strings.Contains(stderr, "accounts plan --days 60") || !strings.Contains(stderr, "you changed") {
		t.Fatalf("applying the --days 60 plan after the team changed: exit %d %s", code, stderr)
	}
}

// HaloPSA refusing the stored secret (rotated in its console) is exit 4
// from the workflows that read it too (billing, devices), as from
// inventory fetch.
func TestRefusedCredentialsExit4FromTheWorkflows(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	s := newSession(t)
	sb := serveSandbox(t, 30, 1)
	onboardPathA(t, s, sb)
	sb.admin(t, "halopsa", "POST", "/rotate-secret", map[string]any{})
	for _, args := range [][]string{{"billing", "reconcile"}, {"devices", "map"}, {"inventory", "fetch"}} {
		if _, stderr, code := s.run("", args...); code != cli.ExitCredentials {
			t.Errorf("%v with a refused secret: exit %d, want %d: %s", args, code, cli.ExitCredentials, stderr)
		}
	}
}
