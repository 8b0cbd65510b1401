package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/status"
)

// rotateScreen replaces one connection's secret: pick the system, give the
// new secret (and a new Liongard key's ID), then see the result and what to
// do by hand elsewhere.
type rotateScreen struct {
	form   *huh.Form
	system string
	keyID  string
	secret string
	result *rotatedMsg
}

type rotateMsg struct {
	system string
	fields connect.Fields
	secret string
}

func newRotateScreen(r status.Report) *rotateScreen {
	s := &rotateScreen{}
	var opts []huh.Option[string]
	for _, sys := range r.Systems {
		if sys.Configured {
			opts = append(opts, huh.NewOption(sys.Name, sys.ID))
		}
	}
	if len(opts) == 0 {
		return s
	}
	s.system = opts[0].Value
	s.form = embed(huh.NewForm(
		huh.NewGroup(huh.NewSelect[string]().Title("Which credential?").Options(opts...).Value(&s.system)),
		huh.NewGroup(huh.NewInput().Title("New access key ID").Description("a new Liongard key has a new ID").Value(&s.keyID)).
			WithHideFunc(func() bool { return s.system != "liongard" }),
		huh.NewGroup(huh.NewInput().Title("New secret").
			Description("Verified with the vendor before it replaces the old one; if it is refused, nothing changes").
			EchoMode(huh.EchoModePassword).CharLimit(0).Value(&s.secret)),
	))
	return s
}

func (s *rotateScreen) init() tea.Cmd {
	if s.form == nil {
		return nil
	}
	return s.form.Init()
}

func (s *rotateScreen) update(msg tea.Msg) tea.Cmd {
	if s.form == nil || s.result != nil {
		return nil
	}
	if _, ok := msg.(formDoneMsg); ok {
		m := rotateMsg{system: s.system, fields: connect.Fields{KeyID: strings.TrimSpace(s.keyID)}, secret: s.secret}
		return func() tea.Msg { return m }
	}
	var cmd tea.Cmd
	s.form, cmd = updateForm(s.form, msg)
	return cmd
}

func (s *rotateScreen) view(width, height int) string {
	switch {
	case s.form == nil:
		return "No system is connected yet: onboard the tenant first."
	case s.result == nil:
		return s.form.WithWidth(width).WithHeight(max(5, height)).View()
	case s.result.err != nil:
		return wrap("✗ "+s.result.err.Error(), width) + "\n\nThe old secret is still in place."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✓ Rotated the %s secret; verified as %s.\n", s.system, s.result.result.Verified.ActsAs)
	if len(s.result.result.Checklist) > 0 {
		b.WriteString("\nNow, by hand (mspwire auth checklist ticks them off):\n")
		for _, item := range s.result.result.Checklist {
			b.WriteString(wrap("- "+item, width) + "\n")
		}
	}
	return b.String()
}
