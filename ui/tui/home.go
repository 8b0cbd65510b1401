// Package tui holds mspwire's Bubble Tea screens. They do no I/O of their
// own: what they show is handed to them, what they decide goes back as
// messages.
package tui

import (
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
)

// Below this size the screen says so instead of drawing a broken layout.
const minWidth, minHeight = 60, 20

type homeKeys struct {
	Onboard key.Binding
	Rotate  key.Binding
	Quit    key.Binding
}

func (k homeKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Onboard, k.Rotate, k.Quit} }
func (k homeKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

var defaultHomeKeys = homeKeys{
	Onboard: key.NewBinding(key.WithKeys("enter", "o"), key.WithHelp("enter", "onboard a tenant")),
	Rotate:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rotate a credential")),
	Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
}

// startOnboardingMsg: the operator chose to onboard the tenant.
type startOnboardingMsg struct{}

// startRotationMsg: the operator chose to rotate a credential.
type startRotationMsg struct{}

// job is something mspwire can do for the profile, and how far it is.
type job struct {
	name, state string
}

// Home is the wizard's first screen: what the profile has and what mspwire
// can do for it.
type Home struct {
	report        status.Report
	progress      string // the onboarding's progress, once a path is chosen
	keys          homeKeys
	help          help.Model
	width, height int
}

// NewHome makes the home screen for a profile's status report.
func NewHome(r status.Report) Home {
	return Home{report: r, keys: defaultHomeKeys, help: help.New(), width: 80, height: 24}
}

// update answers the home screen's keys.
func (m Home) update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.keys.Quit):
			return tea.Quit
		case key.Matches(k, m.keys.Onboard):
			return func() tea.Msg { return startOnboardingMsg{} }
		case key.Matches(k, m.keys.Rotate):
			return func() tea.Msg { return startRotationMsg{} }
		}
	}
	return nil
}

var (
	titleStyle   = lipgloss.NewStyle().Bold(true)
	headingStyle = lipgloss.NewStyle().Bold(true)
	dimStyle     = lipgloss.NewStyle().Faint(true)
	frameStyle   = lipgloss.NewStyle().Padding(1, 2)
)

// render is the whole layout, a function of the size alone.
func (m Home) render() string {
	if m.width < minWidth || m.height < minHeight {
		msg := fmt.Sprintf("terminal too small: need %d×%d, have %d×%d. Resize, or press q to quit.",
			minWidth, minHeight, m.width, m.height)
		return lipgloss.NewStyle().Width(max(m.width, 1)).Render(msg)
	}
	inner := m.width - 4 // frameStyle's padding
	var b strings.Builder
	b.WriteString(titleStyle.Render("mspwire") + "  profile " + m.report.Profile + "\n")
	b.WriteString(dimStyle.Render(truncate("data "+m.report.DataFile, inner)) + "\n\n")

	fmt.Fprintf(&b, "%s  %d of %d systems connected\n", headingStyle.Render("Systems"), m.report.Connected(), len(m.report.Systems))
	for _, s := range m.report.Systems {
		fmt.Fprintf(&b, "  %-9s %s\n", s.Name, truncate(systemLine(s), inner-12))
	}

	b.WriteString("\n" + headingStyle.Render("Jobs") + "\n")
	for _, j := range jobs(m.report) {
		if j.name == "Onboard a tenant" && m.progress != "" {
			j.state = m.progress + " — press enter"
		}
		fmt.Fprintf(&b, "  %-26s %s\n", j.name, dimStyle.Render(truncate(j.state, inner-29)))
	}
	b.WriteString("\n" + m.help.View(m.keys))
	return frameStyle.Render(b.String())
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

// jobs are mspwire's jobs for this profile. Those not built yet say so
// rather than pretend.
func jobs(r status.Report) []job {
	return []job{
		{"Onboard a tenant", fmt.Sprintf("%d of %d systems connected — press enter", r.Connected(), len(r.Systems))},
		{"Rotate a credential", "press r"},
		{"Review company matches", "not available yet"},
		{"Plan and apply", "not available yet"},
		{"Check known pitfalls", "not available yet"},
	}
}

// WriteHomeText is the accessible home screen: the same facts as plain
// lines, no redraws, no meaning carried by colour.
func WriteHomeText(w io.Writer, r status.Report) {
	fmt.Fprintf(w, "mspwire, profile %s. Data file: %s.\n", r.Profile, r.DataFile)
	fmt.Fprintf(w, "Systems: %d of %d connected.\n", r.Connected(), len(r.Systems))
	for _, s := range r.Systems {
		fmt.Fprintf(w, "- %s: %s.\n", s.Name, systemLine(s))
	}
	fmt.Fprintln(w, "Jobs:")
	for _, j := range jobs(r) {
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
