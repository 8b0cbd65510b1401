package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
)

var sizes = [][2]int{{60, 20}, {80, 24}, {140, 45}}

// screens builds the wizard on each screen with fixed data, as the root
// would after the flows answered.
func screens() map[string]func() *Wizard {
	report := status.Report{Profile: "acme-msp", DataFile: "/home/tech/.local/share/mspwire/mspwire.db", Systems: []status.System{
		{ID: "halopsa", Name: "HaloPSA", Configured: true, BaseURL: "https://acme.halopsa.com", Secret: store.SourceKeyring},
		{ID: "liongard", Name: "Liongard", Secret: store.SourceMissing}, {ID: "itglue", Name: "IT Glue", Secret: store.SourceMissing},
		{ID: "hudu", Name: "Hudu", Secret: store.SourceMissing}}}
	base := func() *Wizard {
		w := NewWizard(context.Background(), nil)
		w.Update(statusMsg{report: report})
		return w
	}
	plan := onboard.Plan{Path: path.A, DocsTool: "hudu", Systems: []string{"halopsa", "liongard", "hudu"}}
	for i, s := range path.Steps(path.A, "hudu") {
		plan.Steps = append(plan.Steps, onboard.StepState{Step: s, Done: i == 2, How: "verified"})
	}
	return map[string]func() *Wizard{
		"home": base,
		"questions": func() *Wizard {
			w := base()
			w.Update(startOnboardingMsg{})
			return w
		},
		"path": func() *Wizard {
			w := base()
			w.Update(answeredMsg{rec: path.B, reason: "you want Liongard's full inspection data in IT Glue, have Enterprise, and someone to manage Flexible Assets and Pro Sync"})
			return w
		},
		"credentials": func() *Wizard {
			w := base()
			w.state = stateCreds
			w.creds = newCredsScreen(plan.Systems, func(string) (connect.Fields, string) {
				return connect.Fields{URL: "https://acme.halopsa.com", ClientID: "3c0f4e7a-demo"}, "a-secret-never-shown"
			})
			w.creds.init()
			return w
		},
		"source": func() *Wizard {
			w := base()
			w.state = stateSource
			w.source = newSourceScreen(path.B)
			w.source.withChoices([]onboard.Choice{{Name: "Active", Count: 180}, {Name: "Inactive", Count: 14}, {Name: "Onboarding", Count: 21}},
				[]onboard.Choice{{Name: "Customer", Count: 190}, {Name: "Prospect", Count: 25}})
			return w
		},
		"inventories": func() *Wizard {
			w := base()
			w.state = stateFetch
			w.fetch = newFetchScreen(plan.Systems)
			w.fetch.next()
			w.fetch.done(fetchedMsg{system: "halopsa", n: 298})
			w.fetch.next()
			return w
		},
		"rotate": func() *Wizard {
			w := base()
			w.Update(startRotationMsg{})
			return w
		},
		"steps": func() *Wizard {
			w := base()
			w.state = stateSteps
			w.steps.plan = plan
			w.steps.cursor = 5
			w.steps.mapping = path.ProposeAlertMapping([]string{"New", "In Progress", "Resolved", "Closed"}, []string{"Critical", "High", "Medium", "Low"})
			return w
		},
	}
}

func TestWizardGoldenViews(t *testing.T) {
	for name, build := range screens() {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", name, size[0], size[1]), func(t *testing.T) {
				w := build()
				w.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				view := w.View().Content
				if strings.Contains(view, "a-secret-never-shown") {
					t.Fatal("a secret is on screen")
				}
				for i, line := range strings.Split(view, "\n") {
					if lipgloss.Width(line) > size[0] {
						t.Fatalf("line %d is %d wide: %q", i, lipgloss.Width(line), line)
					}
				}
				golden.RequireEqual(t, view)
			})
		}
	}
}

func TestTooSmallRecovers(t *testing.T) {
	w := screens()["steps"]()
	w.Update(tea.WindowSizeMsg{Width: 50, Height: 15})
	if !strings.Contains(strings.Join(strings.Fields(w.View().Content), " "), "terminal too small: need 60×20") {
		t.Fatal(w.View().Content)
	}
	w.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if !strings.Contains(w.View().Content, "steps done") {
		t.Fatal("did not recover on resize")
	}
}
