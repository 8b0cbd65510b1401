// Package tui holds mspwire's Bubble Tea screens. They do no I/O of their
// own: what they show is handed to them, what they decide goes back to the
// root as events.
package tui

import (
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
)

// Below this size the screen says so instead of drawing a broken layout.
const minWidth, minHeight = 60, 20

var (
	keyOnboard = key.NewBinding(key.WithKeys("enter", "o"), key.WithHelp("enter", "onboard / continue"))
	keyReview  = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "review matches"))
	keyPlan    = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "plan and apply"))
	keyFinish  = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "finish the interrupted apply"))
	keySteps   = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "the path's steps"))
	keyRotate  = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rotate a credential"))
	keyDoctor  = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "check for pitfalls"))
	keyBilling = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "billing: licences vs billed seats"))
	keyDevices = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "workstations: whose laptop"))
	keyStale   = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unused (stale) accounts"))
	keyClient  = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "one client: licences, devices, accounts, links"))
	keyLeave   = key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit"))
)

var (
	titleStyle   = lipgloss.NewStyle().Bold(true)
	headingStyle = lipgloss.NewStyle().Bold(true)
	dimStyle     = lipgloss.NewStyle().Faint(true)
)

// homeScreen is the wizard's first screen: what the profile has and what
// mspwire can do for it, and where the onboarding stands.
type homeScreen struct {
	screenBase
	report status.Report
	stage  Stage
	loaded bool
}

func newHome() *homeScreen { return &homeScreen{} }

func (h *homeScreen) title() string { return "Home" }

func (h *homeScreen) keys() []key.Binding {
	keys := []key.Binding{keyOnboard}
	if h.reviewReady() {
		keys = append(keys, keyReview, keyPlan, keyBilling, keyDevices, keyStale, keyClient)
	}
	if h.interrupted() {
		keys = append(keys, keyFinish)
	}
	if h.doctorReady() {
		keys = append(keys, keyDoctor, keySteps)
	}
	return append(keys, keyRotate, keyLeave)
}

// doctorReady says the path is chosen: the checks need it.
func (h *homeScreen) doctorReady() bool {
	return h.stage != onboard.StageQuestions && h.stage != onboard.StagePath
}

func (h *homeScreen) reviewReady() bool {
	return h.stage == onboard.StageReview || h.stage == onboard.StagePlan || h.stage == onboard.StageSteps
}

// interrupted says the latest plan was confirmed and its apply stopped
// before the end.
func (h *homeScreen) interrupted() bool {
	p := h.report.Plan
	return p != nil && p.ConfirmedAt != nil && p.FinishedAt == nil && p.Running == nil && len(p.Stale) == 0
}

func (h *homeScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case statusMsg:
		h.report, h.stage, h.loaded = m.report, m.stage, true
	case errMsg:
		return errorEvent(m), nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(m, keyLeave):
			return quitEvent{}, nil
		case key.Matches(m, keyOnboard):
			return continueOnboarding(h.stage), nil
		case key.Matches(m, keyReview) && h.reviewReady():
			return pushEvent{newReviewScreen(false)}, nil
		case key.Matches(m, keyFinish) && h.interrupted():
			return pushEvent{newApplyScreen(h.report.Plan.ID)}, nil
		case key.Matches(m, keyPlan) && h.reviewReady():
			return pushEvent{newPlanScreen(true, 0)}, nil
		case key.Matches(m, keyBilling) && h.reviewReady():
			return pushEvent{newBillingScreen()}, nil
		case key.Matches(m, keyDevices) && h.reviewReady():
			return pushEvent{newDevicesScreen()}, nil
		case key.Matches(m, keyStale) && h.reviewReady():
			return pushEvent{newAccountsScreen()}, nil
		case key.Matches(m, keyClient) && h.reviewReady():
			return pushEvent{newClientScreen()}, nil
		case key.Matches(m, keyDoctor) && h.doctorReady():
			return pushEvent{newDoctorScreen()}, nil
		case key.Matches(m, keySteps) && h.doctorReady():
			return pushEvent{newStepsScreen()}, nil
		case key.Matches(m, keyRotate):
			return pushEvent{newRotateScreen(h.report)}, nil
		}
	}
	return nil, nil
}

// continueOnboarding opens the first unfinished step.
func continueOnboarding(stage Stage) event {
	switch stage {
	case onboard.StagePath:
		return pushEvent{newPathScreen(false)}
	case onboard.StageCredentials:
		return pushEvent{newCredsScreen()}
	case onboard.StageSource:
		return pushEvent{newSourceScreen()}
	case onboard.StageInventories:
		return pushEvent{newFetchScreen()}
	case onboard.StageReview:
		return pushEvent{newReviewScreen(true)}
	case onboard.StagePlan:
		return pushEvent{newPlanScreen(true, 0)}
	case onboard.StageSteps:
		return pushEvent{newStepsScreen()}
	}
	return pushEvent{newQuestionsScreen()}
}

var stageText = map[Stage]string{
	onboard.StageQuestions: "start: answer the guide's questions", onboard.StagePath: "continue: choose the path",
	onboard.StageCredentials: "continue: credentials", onboard.StageSource: "continue: source of truth",
	onboard.StageInventories: "continue: fetch the inventories", onboard.StageReview: "continue: review the matches",
	onboard.StagePlan: "continue: plan and apply the sync", onboard.StageSteps: "continue: the path's steps",
}

func (h *homeScreen) view(width, height int) string {
	if !h.loaded {
		return "Reading the profile…"
	}
	var b strings.Builder
	b.WriteString(dimStyle.Render(truncate("data "+h.report.DataFile, width)) + "\n\n")
	fmt.Fprintf(&b, "%s  %d of %s connected\n", headingStyle.Render("Systems"), h.report.Connected(), plural.N(len(h.report.Systems), "system", "systems"))
	for _, s := range h.report.Systems {
		fmt.Fprintf(&b, "  %-9s %s\n", s.Name, truncate(systemLine(s), width-12))
	}
	b.WriteString("\n" + headingStyle.Render("Jobs") + "\n")
	for _, j := range h.jobs() {
		fmt.Fprintf(&b, "  %-26s %s\n", j.name, dimStyle.Render(truncate(j.state, width-29)))
	}
	return b.String()
}

// job is something mspwire can do for the profile, and how far it is.
type job struct{ name, state string }

// jobs are mspwire's jobs for this profile. Those not built yet say so
// rather than pretend.
func (h *homeScreen) jobs() []job {
	review := "after the inventories are fetched"
	if h.reviewReady() {
		review = "press m"
	}
	apply := "after the review"
	if h.reviewReady() {
		apply = "press p"
	}
	if p := h.report.Plan; p != nil {
		apply = fmt.Sprintf("plan %d: %s", p.ID, planProgress(*p))
	}
	doctor, steps := "after choosing the path", "after choosing the path"
	if h.doctorReady() {
		doctor, steps = "press d (also mspwire doctor)", "press s (also mspwire path show)"
	}
	billing, devices, stale, client := "after the review", "after the review", "after the review", "after the review"
	if h.reviewReady() {
		billing, devices, stale = "press b (also mspwire billing reconcile)", "press w (also mspwire devices map)", "press u (also mspwire accounts stale)"
		client = "press c (also mspwire client NAME)"
	}
	return []job{
		{"Onboard a tenant", stageText[h.stage] + " — press enter"},
		{"Review company matches", review},
		{"Rotate a credential", "press r"},
		{"Plan and apply", apply},
		{"Check known pitfalls", doctor},
		{"The path's steps", steps},
		{"Licences against billing", billing},
		{"Asset users (devices)", devices},
		{"Stale accounts", stale},
		{"One client, all three", client},
	}
}

// planProgress is where the latest plan stands, with the key that moves
// it on.
func planProgress(p status.Plan) string {
	st := p.States
	switch {
	case p.Total == 0 && p.FinishedAt != nil:
		return "nothing to do · p plans again"
	case p.ConfirmedAt == nil:
		return fmt.Sprintf("%s, not applied · p plans afresh", plural.N(p.Total, "action", "actions"))
	case p.Running != nil:
		return fmt.Sprintf("running in process %d since %s · %d of %d done", p.Running.PID, p.Running.Since.Local().Format("15:04"), st["done"], p.Total)
	case len(p.Stale) > 0:
		return "stale: its inputs changed since it was made · p makes a fresh plan"
	case p.FinishedAt == nil:
		return fmt.Sprintf("interrupted at %d of %d done · press a to finish it", st["done"], p.Total)
	case st["failed"]+st["skipped"] > 0:
		return fmt.Sprintf("%d of %d done, %d failed · p plans them again", st["done"], p.Total, st["failed"]+st["skipped"])
	}
	return fmt.Sprintf("applied, %s done · p plans again", plural.N(p.Total, "action", "actions"))
}

func systemLine(s status.System) string {
	if !s.Configured {
		if s.Secret == store.SourceEnv {
			return "not configured (secret given in " + s.SecretEnv + ")"
		}
		return "not configured"
	}
	line := s.BaseURL + " · secret: " + string(s.Secret)
	if s.VerifiedAt == nil {
		line += " · never verified"
	}
	return line
}

// WriteHomeText is the accessible home screen: the same facts as plain
// lines, no redraws, no meaning carried by colour.
func WriteHomeText(w io.Writer, r status.Report, stage Stage) {
	h := &homeScreen{report: r, stage: stage, loaded: true}
	fmt.Fprintf(w, "mspwire, profile %s. Data file: %s.\n", r.Profile, r.DataFile)
	fmt.Fprintf(w, "Systems: %d of %d connected.\n", r.Connected(), len(r.Systems))
	for _, s := range r.Systems {
		fmt.Fprintf(w, "- %s: %s.\n", s.Name, systemLine(s))
	}
	fmt.Fprintln(w, "Jobs:")
	for _, j := range h.jobs() {
		fmt.Fprintf(w, "- %s: %s.\n", j.name, j.state)
	}
}

// truncate cuts a line, escape codes and all, to n cells.
func truncate(s string, n int) string {
	if n < 1 || lipgloss.Width(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, "…")
}
