package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/rotate"
	"github.com/mspwire/mspwire/flows/status"
)

// rotateScreen replaces one connection's secret: pick the system, give the
// new secret (and a new Liongard key's ID), then see the result and what to
// do by hand elsewhere. In the demo the sandbox issues the new secret.
type rotateScreen struct {
	asks rotateAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	choices []option
	form    *form
	creds   *credForm // the new secret and what changes with it
	system  string
	secret  string
	picked  bool // the system is chosen; the secret form is shown
	result  *rotatedMsg
}

type (
	rotatedMsg struct {
		result rotate.Result
		err    error
	}
	newSecretMsg struct {
		values connect.Values
		secret string
	}
)

func newRotateScreen(r status.Report) *rotateScreen {
	s := &rotateScreen{}
	for _, sys := range r.Systems {
		if sys.Configured {
			s.choices = append(s.choices, option{sys.Name, sys.ID})
		}
	}
	if len(s.choices) > 0 {
		s.system = s.choices[0].value
		s.form = newForm(newSelect("Which credential?", "Its new secret is verified with the vendor before it replaces the old one", s.choices, &s.system))
	}
	return s
}

func (s *rotateScreen) title() string { return "Rotate a credential" }

func (s *rotateScreen) typing() bool { return s.picked && s.result == nil }

func (s *rotateScreen) keys() []key.Binding {
	if s.form == nil || s.result != nil {
		return nil
	}
	return s.form.keys()
}

func (s *rotateScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case rotatedMsg:
		s.result = &m
	case newSecretMsg:
		s.secret = m.secret
		help := "Verified with the vendor before it replaces the old one; if it is refused, nothing changes"
		if m.secret != "" {
			help = "The sandbox just issued this one (the demo's stand-in for the vendor's console); " + help
		}
		rotating := func(f adapter.Field) bool { return f.Rotates || f.Secret }
		s.creds = newCredFormTitled(adapter.InfoOf(s.system), m.values, &s.secret, rotating, help, "New ")
		s.form, s.picked = s.creds.form, true
	case tea.KeyPressMsg, tea.PasteMsg:
		if s.form == nil || s.result != nil || !s.form.update(msg) {
			return nil, nil
		}
		if !s.picked {
			sys := s.system
			return askEvent{fn: func(ctx context.Context) tea.Msg {
				f, secret := s.asks.NewDemoSecret(ctx, sys)
				return newSecretMsg{f, secret}
			}}, nil
		}
		sys, f, secret := s.system, s.creds.values(), s.secret
		return askEvent{label: "Checking the new " + systemName(sys) + " secret…", fn: func(ctx context.Context) tea.Msg {
			res, err := s.asks.Rotate(ctx, sys, f, secret)
			return rotatedMsg{res, err}
		}}, nil
	}
	return nil, nil
}

func (s *rotateScreen) view(width, height int) string {
	switch {
	case s.form == nil:
		return "No system is connected yet: onboard the tenant first."
	case s.result == nil:
		body, _, _ := s.form.view(width)
		return body
	case s.result.err != nil:
		return wrap("✗ "+s.result.err.Error(), width)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✓ Rotated the %s secret; verified as %s.\n", systemName(s.system), s.result.result.Verified.ActsAs)
	if len(s.result.result.Checklist) > 0 {
		b.WriteString("\nNow, by hand (mspwire auth checklist ticks them off):\n")
		for _, item := range s.result.result.Checklist {
			b.WriteString(wrap("- "+item, width) + "\n")
		}
	}
	return b.String()
}
