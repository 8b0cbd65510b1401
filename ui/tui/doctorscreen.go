package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/checks"
	"github.com/mspwire/mspwire/flows/plural"
)

// doctorScreen is mspwire doctor on screen: the findings as a checklist,
// errors first, each opening to its records and fix; then the questions no
// API answers, answered with y or n.
type doctorScreen struct {
	asks doctorAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	rep    *checks.Report
	cursor int
	opened map[int]bool
}

// Records shown under an opened finding; `mspwire doctor --json` has all.
const maxShownRecords = 50

var (
	drOpen    = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "records and fix"))
	drYes     = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "answer yes"))
	drNo      = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "answer no"))
	drRecheck = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check again"))
)

type (
	doctorMsg struct {
		rep checks.Report
		err error
	}
	checkedAnswerMsg struct{ err error }
)

func newDoctorScreen() *doctorScreen { return &doctorScreen{opened: map[int]bool{}} }

func (d *doctorScreen) title() string { return "Pitfalls" }

func (d *doctorScreen) keys() []key.Binding {
	if d.rep == nil {
		return nil
	}
	keys := []key.Binding{keyUp, keyDown, drOpen}
	if d.onQuestion() >= 0 {
		keys = append(keys, drYes, drNo)
	}
	return append(keys, drRecheck)
}

func (d *doctorScreen) start() event {
	return askEvent{label: "Checking the tenant for the guide's pitfalls…", fn: func(ctx context.Context) tea.Msg {
		rep, err := d.asks.Doctor(ctx)
		return doctorMsg{rep, err}
	}}
}

// items are the findings, then the questions.
func (d *doctorScreen) items() int { return len(d.rep.Findings) + len(d.rep.Questions) }

// onQuestion is the question under the cursor, or -1.
func (d *doctorScreen) onQuestion() int {
	if d.rep == nil || d.cursor < len(d.rep.Findings) {
		return -1
	}
	return d.cursor - len(d.rep.Findings)
}

func (d *doctorScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case doctorMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		d.rep = &m.rep
		d.cursor = min(d.cursor, max(0, d.items()-1))
		if len(m.rep.Findings) == 0 && len(m.rep.Questions) == 0 {
			return infoEvent{fmt.Sprintf("No findings: %s ran.", plural.N(len(m.rep.Ran), "check", "checks"))}, nil
		}
	case checkedAnswerMsg:
		if m.err != nil {
			return errorEvent(m), nil
		}
		return d.start(), nil
	case tea.KeyPressMsg:
		if d.rep == nil {
			return nil, nil
		}
		keys := d.keys()
		switch {
		case offered(m, keys, keyUp):
			d.cursor = max(0, d.cursor-1)
		case offered(m, keys, keyDown):
			d.cursor = min(max(0, d.items()-1), d.cursor+1)
		case offered(m, keys, drOpen):
			d.opened[d.cursor] = !d.opened[d.cursor]
		case offered(m, keys, drRecheck):
			return d.start(), nil
		case key.Matches(m, drYes, drNo) && d.onQuestion() < 0:
			return infoEvent{"y and n answer a question: move to one below the findings."}, nil
		case offered(m, keys, drYes), offered(m, keys, drNo):
			id, yes := d.rep.Questions[d.onQuestion()].ID, key.Matches(m, drYes)
			return askEvent{fn: func(ctx context.Context) tea.Msg {
				return checkedAnswerMsg{d.asks.AnswerQuestion(ctx, id, yes)}
			}}, nil
		}
	}
	return nil, nil
}

func (d *doctorScreen) view(width, height int) string {
	if d.rep == nil {
		return "Checking…"
	}
	errs := 0
	for _, f := range d.rep.Findings {
		if f.Severity == checks.Error {
			errs++
		}
	}
	var b strings.Builder
	b.WriteString(wrap(fmt.Sprintf("%s ran · %s · %s · %s", plural.N(len(d.rep.Ran), "check", "checks"), plural.N(errs, "error", "errors"),
		plural.N(len(d.rep.Findings)-errs, "warning", "warnings"), plural.N(len(d.rep.Questions), "question", "questions")), width) + "\n")
	heading := ""
	for i, f := range d.rep.Findings {
		if h := map[string]string{checks.Error: "Errors: the integration fails or overwrites data", checks.Warn: "Warnings"}[f.Severity]; h != heading {
			heading = h
			b.WriteString("\n" + headingStyle.Render(h) + "\n")
		}
		b.WriteString(d.line(i, fmt.Sprintf("%s (%s)", f.Summary, f.Check), width))
		if !d.opened[i] {
			continue
		}
		for j, r := range f.Records {
			if j == maxShownRecords {
				b.WriteString(dimStyle.Render(truncate(fmt.Sprintf("      … and %d more: mspwire doctor --json lists them all", len(f.Records)-j), width)) + "\n")
				break
			}
			id := ""
			if r.ID != "" {
				id = " #" + r.ID
			}
			b.WriteString(truncate(fmt.Sprintf("      %s%s: %s", systemName(r.System), id, r.Name), width) + "\n")
		}
		b.WriteString(indent(wrap("Fix: "+f.Fix, width-6), "      ") + "\n")
	}
	if len(d.rep.Questions) > 0 {
		b.WriteString("\n" + headingStyle.Render("Questions no API answers (y yes, n no; asked again after 90 days)") + "\n")
		for i, q := range d.rep.Questions {
			at := len(d.rep.Findings) + i
			b.WriteString(d.line(at, q.Text, width))
			if d.opened[at] {
				b.WriteString(indent(wrap("Why asked: "+q.Why+". If no: "+q.Fix, width-6), "      ") + "\n")
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// line is one item: the cursor, the open/closed arrow, the text wrapped
// under itself.
func (d *doctorScreen) line(i int, text string, width int) string {
	cursor, arrow := "  ", "▸"
	if i == d.cursor {
		cursor = "> "
	}
	if d.opened[i] {
		arrow = "▾"
	}
	lines := strings.Split(wrap(text, width-4), "\n")
	for j := range lines {
		if j == 0 {
			lines[j] = cursor + arrow + " " + lines[j]
		} else {
			lines[j] = "    " + lines[j]
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// focus keeps the item under the cursor in sight, opened or not.
func (d *doctorScreen) focus() (int, int) {
	if d.rep == nil {
		return 0, 0
	}
	lines := strings.Split(d.view(d.width, d.height), "\n")
	for n, l := range lines {
		if strings.HasPrefix(l, "> ") {
			end := n
			for end+1 < len(lines) && strings.HasPrefix(lines[end+1], "   ") { // its records and fix
				end++
			}
			return n, end
		}
	}
	return 0, 0
}
