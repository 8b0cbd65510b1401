package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/flows/systems"
	"github.com/mspwire/mspwire/store"
)

// credsScreen takes the credentials of each system the path connects, one
// after another: a form, then the vendor's verdict. A system already
// verified offers to keep its credentials rather than ask again.
type credsScreen struct {
	screenBase
	systems  []string
	verified map[string]string // system -> what it was verified as
	index    int
	form     *form
	fields   connect.Fields
	secret   string
	result   *connectedMsg
	loaded   bool
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
		fields connect.Fields
		secret string
	}
	connectedMsg struct {
		system   string
		verified connect.Verified
		err      error
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
		return c.form.keys()
	case c.result != nil && c.result.err != nil:
		return []key.Binding{keyReplace}
	case c.result != nil:
		return []key.Binding{keyNextSystem, keyReplace}
	}
	return []key.Binding{keyKeep, keyReplace}
}

func (c *credsScreen) start() event {
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		b := backendOf(ctx)
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
		f, secret := backendOf(ctx).Defaults(sys)
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
		c.systems, c.verified, c.loaded = m.plan.Systems, map[string]string{}, true
		for _, s := range m.report.Systems {
			if s.Configured && s.VerifiedAt != nil && s.Secret != store.SourceMissing && s.Problem == "" {
				c.verified[s.ID] = s.ActsAs
			}
		}
		return c.enter(), nil
	case defaultsMsg:
		c.fields, c.secret = m.fields, m.secret
		c.build()
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
	if !c.form.update(msg) {
		return nil
	}
	f := c.fields
	if c.system() == "itglue" && len(f.URL) <= 3 { // a region typed in the URL field
		f.Region, f.URL = strings.ToLower(strings.TrimSpace(f.URL)), ""
	}
	if c.system() == "liongard" && !strings.Contains(f.URL, "://") {
		f.Instance, f.URL = f.URL, ""
	}
	sys, secret := c.system(), c.secret
	return askEvent{label: "Testing the " + systemName(sys) + " connection…", fn: func(ctx context.Context) tea.Msg {
		v, err := backendOf(ctx).Connect(ctx, sys, f, secret)
		return connectedMsg{sys, v, err}
	}}
}

// build makes the current system's form, with defaults or the values just
// tried.
func (c *credsScreen) build() {
	f := &c.fields
	urlCheck := func(s string) error {
		if s == "" {
			return nil
		}
		_, err := connect.NormalizeURL(s)
		return err
	}
	required := func(what string) func(string) error {
		return func(s string) error {
			if strings.TrimSpace(s) == "" {
				return fmt.Errorf("%s is required", what)
			}
			return nil
		}
	}
	secret := func(title string) formField {
		return newInput(title, "Pasted, never shown; stored in the OS keyring only once it works", &c.secret, true, required("the secret"))
	}
	var fields []formField
	switch c.system() {
	case "halopsa":
		fields = []formField{
			newInput("HaloPSA URL", "e.g. https://acme.halopsa.com — a trailing slash is removed", &f.URL, false, urlCheck),
			newInput("Client ID", "Configuration > Integrations > HaloPSA API > your application", &f.ClientID, false, required("the client ID")),
			secret("Client secret"),
			newInput("Tenant (optional)", "only if your HaloPSA instance needs one", &f.Tenant, false, nil),
			newMulti("Which integrations use this application?", "Each integration should have its own application and API agent",
				[]option{{"Liongard", "liongard"}, {"Hudu", "hudu"}, {"IT Glue", "itglue"}}, &f.UsedBy),
		}
	case "liongard":
		fields = []formField{
			newInput("Liongard instance or URL", "us1, us2, ca1, … or the full URL", &f.URL, false, required("the instance")),
			newInput("Access key ID", "Account Settings > Access Tokens", &f.KeyID, false, required("the key ID")),
			secret("Access key secret"),
		}
	case "itglue":
		if f.URL == "" && f.Region == "" {
			f.URL = "us"
		}
		fields = []formField{
			newInput("IT Glue region or API URL", "us, eu, au — or the API URL", &f.URL, false, required("the region")),
			secret("API key"),
		}
	case "hudu":
		fields = []formField{
			newInput("Hudu URL", "e.g. https://docs.yourmsp.com", &f.URL, false, urlCheck),
			secret("API key"),
		}
	}
	c.form = newForm(fields...)
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
		fmt.Fprintf(&b, "✓ Connected: %s\nThe secret is saved in the OS keyring.\n", c.result.verified.ActsAs)
		for _, w := range c.result.verified.Warnings {
			b.WriteString(wrap("! "+w, width) + "\n")
		}
	case c.form == nil && c.verified != nil:
		if acts, ok := c.verified[c.system()]; ok {
			fmt.Fprintf(&b, "verified ✓ — %s\n\n", acts)
			b.WriteString(wrap("Its secret is in the OS keyring. Press enter to keep it, or r to replace it.", width))
		} else {
			b.WriteString("Reading the form…")
		}
	case c.form != nil:
		if strings.HasSuffix(strings.TrimSpace(c.fields.URL), "/") {
			b.WriteString(wrap("note: the trailing slash will be removed; the vendors' own settings pages want none.", width) + "\n\n")
		}
		body, _ := c.form.view(width)
		b.WriteString(body)
	}
	return b.String()
}

func (c *credsScreen) focusLine() int {
	if c.form == nil || c.result != nil {
		return 0
	}
	_, at := c.form.view(c.width)
	return at + 2
}

func systemName(id string) string {
	if s, err := systems.Lookup(id); err == nil {
		return s.Name
	}
	return id
}
