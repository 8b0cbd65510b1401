package tui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
)

// sourceScreen asks where the client list comes from — only systems the
// path connects are offered — and, for IT Glue on path B, which statuses
// and types Liongard's filter takes in.
type sourceScreen struct {
	asks sourceAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	plan            onboard.Plan
	form            *form
	source          string
	statuses, types []string
}

type (
	sourceStartMsg struct {
		plan            onboard.Plan
		statuses, types []onboard.Choice
		err             error
	}
	sourceSetMsg struct {
		selected int
		err      error
	}
)

func newSourceScreen() *sourceScreen { return &sourceScreen{source: path.Hub} }

func (s *sourceScreen) title() string { return "Source of truth" }

func (s *sourceScreen) keys() []key.Binding {
	if s.form == nil {
		return nil
	}
	return s.form.keys()
}

func (s *sourceScreen) start() event {
	return askEvent{label: "Reading the path…", fn: func(ctx context.Context) tea.Msg {
		b := s.asks
		plan, err := b.Plan(ctx)
		if err != nil || plan.Path != path.B {
			return sourceStartMsg{plan: plan, err: err}
		}
		st, ty, err := b.ITGlueChoices(ctx)
		return sourceStartMsg{plan, st, ty, err}
	}}
}

func (s *sourceScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case sourceStartMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		s.plan = m.plan
		if m.plan.Source != "" {
			s.source = m.plan.Source
		}
		s.build(m.statuses, m.types)
	case sourceSetMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		return pushEvent{newFetchScreen()}, nil
	case tea.KeyPressMsg, tea.PasteMsg:
		if s.form != nil && s.form.update(msg) {
			src, st, ty := s.source, s.statuses, s.types
			return askEvent{label: "Saving the source of truth…", fn: func(ctx context.Context) tea.Msg {
				n, err := s.asks.SetSource(ctx, src, st, ty)
				return sourceSetMsg{n, err}
			}}, nil
		}
	}
	return nil, nil
}

func (s *sourceScreen) build(statuses, types []onboard.Choice) {
	var opts []option
	for _, sys := range s.plan.Sources() {
		opts = append(opts, option{systemName(sys), sys})
	}
	fields := []formField{newSelect("Where does the client list come from?",
		"Import from one system only: mixing sources makes mismatched environments. HaloPSA is the usual source of truth.", opts, &s.source)}
	if s.plan.Path == path.B && len(statuses) > 0 {
		choice := func(cs []onboard.Choice, preselect string, into *[]string) []option {
			var out []option
			for _, c := range cs {
				out = append(out, option{fmt.Sprintf("%s (%s)", c.Name, plural.N(c.Count, "organization", "organizations")), c.Name})
				if c.Name == preselect && len(*into) == 0 {
					*into = append(*into, c.Name)
				}
			}
			return out
		}
		fields = append(fields,
			newMulti("IT Glue statuses Liongard's filter takes in", "Organizations under any other status never reach Liongard",
				choice(statuses, "Active", &s.statuses), &s.statuses),
			newMulti("IT Glue types Liongard's filter takes in", "Names must be exactly as IT Glue has them",
				choice(types, "Customer", &s.types), &s.types))
	}
	s.form = newForm(fields...)
}

func (s *sourceScreen) view(width, height int) string {
	if s.form == nil {
		return "Reading the lists…"
	}
	body, _, _ := s.form.view(width)
	return body
}

func (s *sourceScreen) focus() (int, int) {
	if s.form == nil {
		return 0, 0
	}
	_, first, last := s.form.view(s.width)
	return first, last
}
