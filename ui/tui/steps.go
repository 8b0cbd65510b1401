package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
)

// stepsScreen lists the path's steps in the guide's order: mspwire checks
// those an API can see, the operator ticks the others.
type stepsScreen struct {
	asks stepsAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	plan     onboard.Plan
	mapping  []path.Mapping
	findings map[string]string // what the APIs show a step still lacks
	checked  bool
	cursor   int
}

var (
	keyTick      = key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "tick a step you did"))
	keyAlertTest = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "alert test"))
)

type (
	findingsMsg struct {
		findings map[string]string
		err      error
	}
	mappingMsg   struct{ mapping []path.Mapping }
	tickedMsg    struct{ err error }
	alertTestMsg struct {
		what string
		err  error
	}
)

func newStepsScreen() *stepsScreen { return &stepsScreen{} }

func (s *stepsScreen) title() string { return "Steps" }

func (s *stepsScreen) keys() []key.Binding {
	return []key.Binding{keyUp, keyDown, keyTick, keyAlertTest}
}

func (s *stepsScreen) start() event {
	return batchEvent{askPlan(s.asks),
		askEvent{label: "Checking through the APIs what they can see…", fn: func(ctx context.Context) tea.Msg {
			f, err := s.asks.VerifySteps(ctx)
			return findingsMsg{f, err}
		}},
		askEvent{fn: func(ctx context.Context) tea.Msg {
			m, _ := s.asks.AlertMapping(ctx) // the steps show without a proposal
			return mappingMsg{m}
		}}}
}

func (s *stepsScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case planMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		s.plan = m.plan
		s.cursor = min(s.cursor, max(0, len(s.plan.Steps)-1))
	case findingsMsg:
		s.findings, s.checked = m.findings, true
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		return askPlan(s.asks), nil // verified steps are marked done
	case mappingMsg:
		s.mapping = m.mapping
	case tickedMsg:
		if m.err != nil {
			return errorEvent(m), nil
		}
		return askPlan(s.asks), nil
	case alertTestMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		return infoEvent{m.what}, nil
	case backMsg:
		return askPlan(s.asks), nil
	case tea.KeyPressMsg:
		if len(s.plan.Steps) == 0 {
			return nil, nil
		}
		keys := s.keys()
		switch {
		case offered(m, keys, keyAlertTest):
			return askEvent{label: "Running an inspection in Liongard and waiting for its alert and HaloPSA ticket (up to 5 minutes)…", fn: func(ctx context.Context) tea.Msg {
				what, err := s.asks.VerifyAlerts(ctx)
				return alertTestMsg{what, err}
			}}, nil
		case offered(m, keys, keyUp):
			s.cursor = max(0, s.cursor-1)
		case offered(m, keys, keyDown):
			s.cursor = min(len(s.plan.Steps)-1, s.cursor+1)
		case offered(m, keys, keyTick):
			st := s.plan.Steps[s.cursor]
			if st.Kind != path.Guided {
				return infoEvent{"mspwire does this step itself; there is nothing to tick."}, nil
			}
			id, done := st.ID, !st.Done
			return askEvent{fn: func(ctx context.Context) tea.Msg { return tickedMsg{s.asks.Tick(ctx, id, done)} }}, nil
		}
	}
	return nil, nil
}

func (s *stepsScreen) view(width, height int) string {
	if len(s.plan.Steps) == 0 {
		return "Reading the steps…"
	}
	done := 0
	var list strings.Builder
	for i, st := range s.plan.Steps {
		box := "[ ]"
		if st.Done {
			box = "[x]"
			done++
		}
		cursor := "  "
		if i == s.cursor {
			cursor = "> "
		}
		how := ""
		switch {
		case st.Done && st.How == "verified":
			how = " ✓ seen by mspwire"
		case st.Done:
			how = " (ticked)"
		}
		fmt.Fprintf(&list, "%s%s %s%s\n", cursor, box, st.Title, how)
	}
	head := wrap(fmt.Sprintf("Path %s — %d of %s done. Tick the steps you did in the consoles; mspwire checks the ones its APIs can see.", s.plan.Path, done, plural.N(len(s.plan.Steps), "step", "steps")), width) + "\n\n"
	detail := s.detail(s.plan.Steps[s.cursor])
	if width < 120 || height < 30 {
		return head + list.String() + "\n" + wrap(detail, width)
	}
	var cut []string
	for _, l := range strings.Split(strings.TrimRight(list.String(), "\n"), "\n") {
		cut = append(cut, truncate(l, width/2-1))
	}
	left := lipgloss.NewStyle().Width(width / 2).Render(strings.Join(cut, "\n"))
	right := lipgloss.NewStyle().Width(width - width/2 - 2).PaddingLeft(2).Render(detail)
	return head + lipgloss.JoinHorizontal(lipgloss.Top, left, right)
}

func (s *stepsScreen) detail(st onboard.StepState) string {
	var d strings.Builder
	fmt.Fprintf(&d, "%s\n", st.Title)
	for i, c := range st.Clicks {
		fmt.Fprintf(&d, "%d. %s\n", i+1, c)
	}
	if st.Advice != "" {
		fmt.Fprintf(&d, "Advice: %s\n", st.Advice)
	}
	switch {
	case st.Check != "" && onboard.Verifies(st.ID):
		fmt.Fprintf(&d, "mspwire checks: %s", st.Check)
		switch {
		case st.Done && st.How == "verified":
			d.WriteString(" — seen ✓\n")
		case !s.checked:
			d.WriteString(" — checking…\n")
		case s.findings[st.ID] != "":
			fmt.Fprintf(&d, "\nNot yet: %s\n", s.findings[st.ID])
		default:
			d.WriteString("\n")
		}
	case st.Check != "":
		fmt.Fprintf(&d, "Yours to check (no API shows it to mspwire): %s\n", st.Check)
	}
	if st.ID == "alerts" && len(s.mapping) > 0 {
		d.WriteString("Proposed template mapping (Liongard → HaloPSA):\n")
		for _, m := range s.mapping {
			fmt.Fprintf(&d, "  %s %s → %s\n", m.Kind, m.Liongard, m.HaloPSA)
		}
	}
	return d.String()
}

func (s *stepsScreen) focus() (int, int) { return 2 + s.cursor, 2 + s.cursor }
