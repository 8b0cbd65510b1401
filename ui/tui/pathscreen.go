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
)

// pathScreen shows the three paths side by side (one at a time on a small
// terminal), the stored choice selected; changing a chosen path asks first.
type pathScreen struct {
	asks pathAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	fresh    bool // just answered the questions: the path was never confirmed
	plan     onboard.Plan
	loaded   bool
	selected path.ID
	confirm  bool // asking whether to change the chosen path
}

var (
	keyPathA     = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "path A"))
	keyPathB     = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "path B"))
	keyPathC     = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "path C"))
	keyPathLeft  = key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous path"))
	keyPathRight = key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next path"))
	keyTake      = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "take this path"))
	keyYes       = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, change"))
	keyNo        = key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no, keep"))
	pathColumn   = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1)
	pathChosen   = lipgloss.NewStyle().Border(lipgloss.ThickBorder()).Padding(0, 1)
)

type (
	planMsg struct {
		plan onboard.Plan
		err  error
	}
	pathSavedMsg struct{ err error }
)

func newPathScreen(fresh bool) *pathScreen { return &pathScreen{fresh: fresh} }

func (p *pathScreen) title() string { return "Integration path" }

func (p *pathScreen) keys() []key.Binding {
	if p.confirm {
		return []key.Binding{keyYes, keyNo}
	}
	return []key.Binding{keyPathA, keyPathB, keyPathC, keyPathLeft, keyPathRight, keyTake}
}

func (p *pathScreen) start() event { return askPlan(p.asks) }

func askPlan(r planReader) event {
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		plan, err := r.Plan(ctx)
		return planMsg{plan, err}
	}}
}

func (p *pathScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case planMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		p.plan, p.loaded = m.plan, true
		p.selected = m.plan.Path // the stored choice, not the recommendation
		if p.selected == "" {
			p.selected = m.plan.Recommended
		}
	case pathSavedMsg:
		if m.err != nil {
			return errorEvent(m), nil
		}
		return pushEvent{newCredsScreen()}, nil
	case tea.KeyPressMsg:
		if !p.loaded {
			return nil, nil
		}
		keys := p.keys()
		switch {
		case offered(m, keys, keyYes):
			p.confirm = false
			return p.save(), nil
		case offered(m, keys, keyNo):
			p.confirm, p.selected = false, p.plan.Path
		case offered(m, keys, keyPathA):
			p.selected = path.A
		case offered(m, keys, keyPathB):
			p.selected = path.B
		case offered(m, keys, keyPathC):
			p.selected = path.C
		case offered(m, keys, keyPathLeft), offered(m, keys, keyPathRight):
			i := strings.Index("ABC", string(p.selected))
			step := 1
			if key.Matches(m, keyPathLeft) {
				step = 2
			}
			p.selected = path.ID("ABC"[(i+step)%3 : (i+step)%3+1])
		case offered(m, keys, keyTake):
			if p.plan.Path != "" && p.selected != p.plan.Path && !p.fresh {
				p.confirm = true
				return nil, nil
			}
			return p.save(), nil
		}
	}
	return nil, nil
}

func (p *pathScreen) save() event {
	chosen := p.selected
	return askEvent{label: "Saving the path…", fn: func(ctx context.Context) tea.Msg {
		return pathSavedMsg{p.asks.ChoosePath(ctx, chosen)}
	}}
}

func (p *pathScreen) view(width, height int) string {
	if !p.loaded {
		return "Reading the path…"
	}
	head := wrap(fmt.Sprintf("Recommended: path %s — %s. Why: %s", p.plan.Recommended, path.TradeOffOf(p.plan.Recommended).Title, p.plan.Reason), width)
	if p.plan.Path != "" && !p.fresh {
		head += "\n" + wrap(fmt.Sprintf("Chosen earlier: path %s.", p.plan.Path), width)
	}
	if p.confirm {
		return head + "\n\n" + wrap(fmt.Sprintf("Change the path from %s to %s? The steps ticked for %s stay recorded, but %s has steps of its own "+
			"and may need other credentials. y to change, n to keep %s.", p.plan.Path, p.selected, p.plan.Path, p.selected, p.plan.Path), width)
	}
	if width < 120 || height < 30 {
		t := path.TradeOffOf(p.selected)
		return head + "\n\n" + fmt.Sprintf("Showing path %s (a/b/c or ←/→ to compare)\n\n", p.selected) + wrap(tradeOffText(t), width)
	}
	colWidth := (width - 6) / 3
	var cols []string
	for _, t := range path.TradeOffs {
		style := pathColumn
		if t.Path == p.selected {
			style = pathChosen
		}
		cols = append(cols, style.Width(colWidth).Render(tradeOffText(t)))
	}
	return head + "\n\n" + lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

func tradeOffText(t path.TradeOff) string {
	mark := func(prefix string, xs []string) string {
		var b strings.Builder
		for _, x := range xs {
			b.WriteString(prefix + x + "\n")
		}
		return b.String()
	}
	return fmt.Sprintf("%s. %s\n\nData: %s\nDepth: %s\nConsider: %s\n\nPros\n%s\nCons\n%sNeeds: %s",
		t.Path, t.Title, t.HowDataFlows, t.DataDepth, t.Consideration, mark("+ ", t.Pros), mark("- ", t.Cons), strings.Join(t.Requires, ", "))
}
