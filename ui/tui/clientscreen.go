package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/ui/display"
)

// clientScreen is one client across billing, devices and stale accounts,
// with its links in every system: asked for by name or id, read fresh
// (nothing is kept, nothing is sent), and read again for another client
// with n. What an engineer opens before a call with that customer.
type clientScreen struct {
	asks clientAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	asking *textinput.Model // typing the client's name or id
	name   string
	page   string
}

var (
	clAsk  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "show this client"))
	clNext = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "another client"))
)

type clientMsg struct {
	page string
	err  error
}

func newClientScreen() *clientScreen {
	c := &clientScreen{}
	c.ask()
	return c
}

func (c *clientScreen) ask() {
	ti := newTextInput(c.name)
	ti.Prompt = ""
	c.asking = &ti
}

func (c *clientScreen) title() string { return "Client" }

func (c *clientScreen) typing() bool { return c.asking != nil }

func (c *clientScreen) keys() []key.Binding {
	if c.asking != nil {
		return []key.Binding{clAsk}
	}
	return []key.Binding{clNext}
}

func (c *clientScreen) start() event { return nil }

func (c *clientScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case clientMsg:
		if m.err != nil {
			c.ask() // the name stays, to be corrected
			return errorEvent{m.err}, nil
		}
		c.page = m.page
	case tea.PasteMsg:
		if c.asking != nil {
			var cmd tea.Cmd
			*c.asking, cmd = c.asking.Update(m)
			return nil, cmd
		}
	case tea.KeyPressMsg:
		keys := c.keys()
		switch {
		case c.asking != nil && offered(m, keys, clAsk):
			name := strings.TrimSpace(c.asking.Value())
			if name == "" {
				return infoEvent{"Type a client's name, a part of it, or its HaloPSA id."}, nil
			}
			c.name, c.asking, c.page = name, nil, ""
			return askEvent{label: "Reading billing, devices and stale accounts for " + display.Safe(name) + " (nothing is sent or kept)…", fn: func(ctx context.Context) tea.Msg {
				page, err := c.asks.ClientPage(ctx, name)
				return clientMsg{page, err}
			}}, nil
		case c.asking != nil:
			var cmd tea.Cmd
			*c.asking, cmd = c.asking.Update(m)
			return nil, cmd
		case offered(m, keys, clNext):
			c.ask()
		}
	}
	return nil, nil
}

func (c *clientScreen) view(width, height int) string {
	if c.asking != nil {
		return wrap("Which client? Its name, a part of it, or its HaloPSA id: the page shows its licences and their money, devices, stale accounts, open follow-ups and its links in every system.", width) +
			"\n\n" + truncate("Client: "+c.asking.View(), width)
	}
	if c.page == "" {
		return "Reading…"
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(c.page, "\n"), "\n") {
		lines = append(lines, wrap(display.Safe(l), width))
	}
	return strings.Join(lines, "\n")
}
