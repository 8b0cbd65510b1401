package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
)

// credsScreen takes the credentials of each system the path connects, one
// after another: a form, then the vendor's verdict. A system already
// verified offers to keep its credentials rather than ask again.
type credsScreen struct {
	asks credsAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	systems  []string
	verified map[string]string // system -> what it was verified as
	index    int
	form     *credForm
	secret   string
	result   *connectedMsg
	loaded   bool
	savesTo  store.Source // where a saved secret goes: the OS keyring, or memory
}

var (
	keyNextSystem = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next system"))
	keyKeep       = key.NewBinding(key.WithKeys("enter", "k"), key.WithHelp("enter", "keep"))
	keyReplace    = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "replace / edit and test again"))
)

type (
	credsStartMsg struct {
		plan   onboard.Plan
		report status.Report
		err    error
	}
	defaultsMsg struct {
		values connect.Values
		secret string
	}
	connectedMsg struct {
		system   string
		verified connect.Verified
		err      error
		tried    connect.Values // what was sent: a refusal's form starts from it
	}
)

func newCredsScreen() *credsScreen { return &credsScreen{} }

func (c *credsScreen) title() string { return "Credentials" }

func (c *credsScreen) typing() bool { return c.form != nil && c.result == nil }

func (c *credsScreen) system() string { return c.systems[c.index] }

func (c *credsScreen) keys() []key.Binding {
	switch {
	case !c.loaded:
		return nil
	case c.form != nil && c.result == nil:
		return c.form.form.keys()
	case c.result != nil && c.result.err != nil:
		return []key.Binding{keyReplace}
	case c.result != nil:
		return []key.Binding{keyNextSystem, keyReplace}
	}
	return []key.Binding{keyKeep, keyReplace}
}

func (c *credsScreen) start() event {
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		b := c.asks
		plan, err := b.Plan(ctx)
		if err != nil {
			return credsStartMsg{err: err}
		}
		r, err := b.Status(ctx)
		return credsStartMsg{plan, r, err}
	}}
}

// enter shows the current system: kept if verified, else its form.
func (c *credsScreen) enter() event {
	c.form, c.result = nil, nil
	if _, ok := c.verified[c.system()]; ok {
		return nil
	}
	return c.askDefaults()
}

func (c *credsScreen) askDefaults() event {
	sys := c.system()
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		f, secret := c.asks.Defaults(sys)
		return defaultsMsg{f, secret}
	}}
}

func (c *credsScreen) next() event {
	if c.index+1 == len(c.systems) {
		return pushEvent{newSourceScreen()}
	}
	c.index++
	return c.enter()
}

func (c *credsScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case credsStartMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		c.systems, c.verified, c.loaded, c.savesTo = m.plan.Systems, map[string]string{}, true, m.report.SavesTo
		for _, s := range m.report.Systems {
			if s.Configured && s.VerifiedAt != nil && s.Secret != store.SourceMissing && s.Problem == "" {
				c.verified[s.ID] = s.ActsAs
			}
		}
		return c.enter(), nil
	case defaultsMsg:
		c.secret = m.secret
		c.form = newCredForm(adapter.InfoOf(c.system()), m.values, &c.secret, allFields, c.secretHelp())
	case connectedMsg:
		c.result = &m
		if m.err == nil {
			c.verified[m.system] = m.verified.ActsAs
		}
	case backMsg:
		return nil, nil
	case tea.KeyPressMsg, tea.PasteMsg:
		return c.input(msg), nil
	}
	return nil, nil
}

func (c *credsScreen) input(msg tea.Msg) event {
	if !c.loaded {
		return nil
	}
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case c.result != nil:
		switch {
		case isKey && key.Matches(k, keyReplace) && c.result.err != nil:
			// Edit what was refused: the URL and ids typed stay.
			tried := c.result.tried
			c.result = nil
			c.form = newCredForm(adapter.InfoOf(c.system()), tried, &c.secret, allFields, c.secretHelp())
			return nil
		case isKey && key.Matches(k, keyReplace):
			c.result = nil
			return c.askDefaults()
		case isKey && key.Matches(k, keyNextSystem) && c.result.err == nil:
			return c.next()
		}
		return nil
	case c.form == nil: // verified earlier: keep or replace
		switch {
		case isKey && key.Matches(k, keyReplace):
			delete(c.verified, c.system())
			return c.askDefaults()
		case isKey && key.Matches(k, keyKeep):
			return c.next()
		}
		return nil
	}
	if !c.form.form.update(msg) {
		return nil
	}
	f, sys, secret := c.form.values(), c.system(), c.secret
	return askEvent{label: "Testing the " + systemName(sys) + " connection…", fn: func(ctx context.Context) tea.Msg {
		v, err := c.asks.Connect(ctx, sys, f, secret)
		return connectedMsg{sys, v, err, f}
	}}
}

func (c *credsScreen) view(width, height int) string {
	if !c.loaded {
		return "Reading the connections…"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "System %d of %d: %s\n\n", c.index+1, len(c.systems), systemName(c.system()))
	switch {
	case c.result != nil && c.result.err != nil:
		b.WriteString(wrap("✗ "+c.result.err.Error(), width) + "\n\nNothing was saved. Press r to edit and test again.")
	case c.result != nil:
		fmt.Fprintf(&b, "✓ Connected: %s\n%s\n", c.result.verified.ActsAs, wrap("The secret is saved in "+c.where()+".", width))
		for _, w := range c.result.verified.Warnings {
			b.WriteString(wrap("! "+w, width) + "\n")
		}
	case c.form == nil && c.verified != nil:
		if acts, ok := c.verified[c.system()]; ok {
			fmt.Fprintf(&b, "verified ✓ — %s\n\n", acts)
			b.WriteString(wrap("Its secret is in "+c.where()+". Press enter to keep it, or r to replace it.", width))
		} else {
			b.WriteString("Reading the form…")
		}
	case c.form != nil:
		b.WriteString(c.formHead(width))
		body, _, _ := c.form.form.view(width)
		b.WriteString(body)
	}
	return b.String()
}

// formHead is what the form's view starts with after the system's line.
func (c *credsScreen) formHead(width int) string {
	head := ""
	if c.savesTo == store.SourceMemory {
		head += errStyle.Render(wrap("! No OS keyring is available: a secret typed here is kept in memory for this run only, and gone when it ends.", width)) + "\n\n"
	}
	if c.form.trailingSlash() {
		head += wrap("note: the trailing slash will be removed; the vendors' own settings pages want none.", width) + "\n\n"
	}
	return head
}

// secretHelp replaces the secret field's "stored in the OS keyring" when
// there is none.
func (c *credsScreen) secretHelp() string {
	if c.savesTo == store.SourceMemory {
		return "Pasted, never shown; kept in memory for this run only (no OS keyring)"
	}
	return ""
}

// where is where a saved secret lives, as the operator should hear it.
func (c *credsScreen) where() string {
	if c.savesTo == store.SourceMemory {
		return "memory for this run only (no OS keyring is available)"
	}
	return "the OS keyring"
}

// focus is the field being filled in.
func (c *credsScreen) focus() (int, int) {
	if c.form == nil || c.result != nil {
		return 0, 0
	}
	_, first, last := c.form.form.view(c.width)
	n := 2 + strings.Count(c.formHead(c.width), "\n")
	return n + first, n + last
}

func systemName(id string) string { return adapter.InfoOf(id).Name }
