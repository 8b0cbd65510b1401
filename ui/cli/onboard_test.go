package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/sandbox"
)

// loginAll logs the session in to the path's systems with the sandbox's
// demo credentials, secrets on stdin.
func loginAll(t *testing.T, s *session, sb *sandbox.Sandbox, systems ...string) {
	t.Helper()
	for _, sys := range systems {
		c := sb.Creds[sys]
		var args []string
		var secret string
		switch sys {
		case "halopsa":
			args, secret = []string{"--url", c.URL, "--client-id", c.ClientID}, c.ClientSecret
		case "liongard":
			args, secret = []string{"--url", c.URL, "--key-id", c.KeyID}, c.KeySecret
		default:
			args, secret = []string{"--url", c.URL}, c.APIKey
		}
		t.Cleanup(func() { s.run("", "auth", "logout", sys, "--yes") })
		if _, stderr, code := s.run(secret+"\n", append([]string{"auth", "login", sys, "--secret-stdin"}, args...)...); code != 0 {
			t.Fatalf("login %s: exit %d: %s", sys, code, stderr)
		}
	}
}

// The scriptable twins of the wizard, for each path, against the sandbox:
// questions, path, credentials, source of truth, inventories.
func TestOnboardingEachPathWithTheTwins(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	cases := []struct {
		path, recommendArgs, want string
		systems                   []string
		sourceArgs                []string
	}{
		{"A", "--techs-live-in halopsa --docs-tool hudu", "A", adapter.Systems(path.A, "hudu", nil), []string{"halopsa"}},
		{"B", "--techs-live-in docs --docs-tool itglue --deep-data --dedicated-owner --itglue-enterprise", "B", adapter.Systems(path.B, "itglue", nil),
			[]string{"itglue", "--itglue-status", "Active", "--itglue-type", "Customer"}},
		{"C", "--techs-live-in docs --docs-tool hudu --deep-data --dedicated-owner", "C", adapter.Systems(path.C, "hudu", nil), []string{"halopsa"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			s := newSession(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sb, err := sandbox.Start(ctx, sandbox.Options{Seed: 9, Companies: 120})
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()

			stdout, stderr, code := s.run("", append([]string{"path", "recommend", "--json"}, strings.Fields(c.recommendArgs)...)...)
			var rec struct{ Recommended, Reason string }
			if code != 0 || json.Unmarshal([]byte(stdout), &rec) != nil || rec.Recommended != c.want || rec.Reason == "" {
				t.Fatalf("recommend: exit %d %s %s", code, stdout, stderr)
			}
			if _, stderr, code := s.run("", "path", "set", c.path); code != 0 {
				t.Fatalf("path set: %s", stderr)
			}
			stdout, _, _ = s.run("", "path", "show", "--json")
			var shown struct {
				Plan     onboard.Plan
				Findings map[string]string
			}
			json.Unmarshal([]byte(stdout), &shown)
			plan := shown.Plan
			if strings.Join(plan.Systems, ",") != strings.Join(c.systems, ",") || plan.Steps[2].Done {
				t.Fatalf("plan before login: %+v", plan)
			}

			loginAll(t, s, sb, c.systems...)
			if _, stderr, code := s.run("", append([]string{"source", "set"}, c.sourceArgs...)...); code != 0 {
				t.Fatalf("source set: %s", stderr)
			}
			stdout, stderr, code = s.run("", "inventory", "fetch", "--json")
			var counts []struct {
				System string
				Count  int
				Error  string
			}
			if code != 0 || json.Unmarshal([]byte(stdout), &counts) != nil || len(counts) != 3 {
				t.Fatalf("fetch: exit %d %s %s", code, stdout, stderr)
			}
			for _, n := range counts {
				want := len(sb.World.Records(n.System))
				if n.System == "itglue" && c.path == "B" {
					if n.Count == 0 || n.Count >= want {
						t.Errorf("itglue: %d organizations, the Active Customer filter should select fewer than all %d", n.Count, want)
					}
					continue
				}
				if n.Count != want || n.Error != "" {
					t.Errorf("%s: %d fetched, the world has %d (%s)", n.System, n.Count, want, n.Error)
				}
			}
			stdout, _, _ = s.run("", "path", "show", "--json", "--verify")
			json.Unmarshal([]byte(stdout), &shown)
			plan = shown.Plan
			if !plan.Steps[2].Done || plan.Steps[2].How != "verified" {
				t.Fatalf("credentials step after login: %+v", plan.Steps[2])
			}
			// Seen through the APIs: the demo application's agent is an API
			// agent in a team with Liongard's permissions; seed 9 leaves Hudu's
			// Locations layout inactive; IT Glue has Liongard's (auto) types.
			if !plan.Steps[0].Done || plan.Steps[0].How != "verified" {
				t.Errorf("halopsa-agent not verified: %+v %v", plan.Steps[0], shown.Findings)
			}
			switch c.path {
			case "B":
				if f := shown.Findings["flexible-assets"]; f != "" {
					t.Errorf("flexible-assets: %s", f)
				}
			default:
				if f := shown.Findings["hudu-halopsa"]; !strings.Contains(f, `"Locations" is inactive`) {
					t.Errorf("hudu-halopsa finding %q", f)
				}
			}
			if _, stderr, code := s.run("", "path", "tick", "halopsa-agent"); code != 0 {
				t.Fatalf("tick: %s", stderr)
			}
			if _, stderr, code := s.run("", "path", "tick", "credentials"); code == 0 || !strings.Contains(stderr, "done by mspwire itself") {
				t.Fatalf("ticking an mspwire step: %s", stderr)
			}
			stdout, _, _ = s.run("", "path", "show")
			if !strings.Contains(stdout, "[x] 1. Create a dedicated API agent") {
				t.Fatalf("show:\n%s", stdout)
			}
			for _, sys := range c.systems {
				cr := sb.Creds[sys]
				s.noLeaks(cr.ClientSecret, cr.KeySecret, cr.APIKey)
			}
		})
	}
}

func TestSourceFilterNamesMustExist(t *testing.T) {
	s := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb, err := sandbox.Start(ctx, sandbox.Options{Seed: 9, Companies: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	loginAll(t, s, sb, "itglue")
	_, stderr, code := s.run("", "source", "set", "itglue", "--itglue-status", "Actve")
	if code == 0 || !strings.Contains(stderr, `no organization status "Actve"`) || !strings.Contains(stderr, "Active, Inactive, Onboarding") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
