package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/ui/display"
)

// accountsScreen is stale accounts on screen: the accounts nobody signed
// in to for the chosen number of days, per client, filtered by suite; p
// plans a HaloPSA ticket per client and the Liongard alert rule on the
// checklist. Nothing here writes.
type accountsScreen struct {
	asks accountsAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	v      *AccountsView
	days   int
	table  rowTable
	asking *textinput.Model // typing another number of days (n)
}

var accountsFilters = []string{"all", accounts.GoogleWorkspace, accounts.M365}

var (
	acDays       = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "another number of days"))
	acDaysKeep   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "read with these days"))
	acTicketType = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "the ticket type these tickets get"))
	acPlan       = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "plan a ticket per client"))
	acReload     = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "read again"))
)

type (
	accountsMsg struct {
		v   AccountsView
		err error
	}
)

func newAccountsScreen() *accountsScreen {
	return &accountsScreen{days: accounts.DefaultDays, table: newRowTable(accountsFilters, tbFilterSuite)}
}

func (a *accountsScreen) title() string { return "Stale accounts" }

func (a *accountsScreen) typing() bool { return a.asking != nil || a.table.searching() }
func (a *accountsScreen) modal() bool  { return a.asking != nil || a.table.searching() }

func (a *accountsScreen) keys() []key.Binding {
	if a.v == nil {
		return nil
	}
	if a.asking != nil {
		return []key.Binding{acDaysKeep, rvCancel}
	}
	rows := a.rows()
	keys := a.table.headKeys(len(rows))
	if a.table.searching() {
		return keys
	}
	if c := a.table.cursor; c < len(rows) && rows[c].Status == accounts.CheckMapping && rows[c].Client != nil {
		keys = append(keys, keyConfirmLink)
	}
	keys = append(keys, acDays)
	if len(a.v.TicketTypes) > 0 {
		keys = append(keys, acTicketType)
	}
	if len(a.v.Teams) > 0 {
		keys = append(keys, keyTeam)
	}
	keys = append(keys, acPlan, acReload)
	return append(keys, a.table.tailKeys(len(rows))...)
}

func (a *accountsScreen) start() event {
	days := a.days
	return askEvent{label: fmt.Sprintf("Reading Liongard's sign-ins: accounts idle over %s (nothing is sent)…", plural.N(days, "day", "days")), fn: func(ctx context.Context) tea.Msg {
		v, err := a.asks.StaleAccounts(ctx, days)
		return accountsMsg{v, err}
	}}
}

func (a *accountsScreen) rows() []accounts.Row {
	if a.v == nil {
		return nil
	}
	f := a.table.view()
	var out []accounts.Row
	for _, r := range a.v.Report.Rows {
		name := ""
		if r.Client != nil {
			name = r.Client.Name
		}
		if a.table.holds(name) && (f == "all" || r.Source == f) {
			out = append(out, r)
		}
	}
	return out
}

func (a *accountsScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case accountsMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		a.v = &m.v
		a.table.clamp(len(a.rows()))
	case savedMsg:
		return m.said(a.start), nil
	case backMsg:
		if a.v != nil {
			return a.start(), nil
		}
	case tea.KeyPressMsg:
		if a.v == nil {
			return nil, nil
		}
		if a.asking != nil {
			return a.daysKey(m)
		}
		keys := a.keys()
		if done, cmd := a.table.key(m, keys, len(a.rows())); done {
			return nil, cmd
		}
		switch {
		case offered(m, keys, keyConfirmLink):
			return confirmLink(a.asks, a.rows()[a.table.cursor].Client.ID), nil
		case offered(m, keys, acDays):
			ti := newTextInput(strconv.Itoa(a.days))
			a.asking = &ti
		case offered(m, keys, acReload):
			return a.start(), nil
		case offered(m, keys, keyTeam):
			return stepTeam(a.asks, change.StaleAccounts, "Stale-account tickets", a.v.Teams, &a.v.Team, false), nil
		case offered(m, keys, acTicketType):
			return stepTicketType(a.asks, change.StaleAccounts, "Stale-account tickets", a.v.TicketTypes, &a.v.TicketType, false), nil
		case offered(m, keys, acPlan):
			days, asks := a.days, a.asks
			return pushEvent{newMadePlanScreen(planMaker{label: "Working out a ticket per client with stale accounts (nothing is sent)…",
				make: func(ctx context.Context) (SyncPlan, error) { return asks.MakeAccountsPlan(ctx, days) }})}, nil
		}
	case tea.PasteMsg:
		if a.asking != nil {
			var cmd tea.Cmd
			*a.asking, cmd = a.asking.Update(m)
			return nil, cmd
		}
		_, cmd := a.table.paste(m)
		return nil, cmd
	}
	return nil, nil
}

// daysKey types another number of days: enter reads the accounts again
// with it, esc keeps the days as they were.
func (a *accountsScreen) daysKey(k tea.KeyPressMsg) (event, tea.Cmd) {
	keys := a.keys()
	switch {
	case offered(k, keys, acDaysKeep):
		n, err := strconv.Atoi(strings.TrimSpace(a.asking.Value()))
		if err != nil || n < 1 {
			return infoEvent{"Give a number of days, 1 or more."}, nil
		}
		a.asking, a.days, a.table.cursor = nil, n, 0
		return a.start(), nil
	case offered(k, keys, rvCancel):
		a.asking = nil
	default:
		var cmd tea.Cmd
		*a.asking, cmd = a.asking.Update(k)
		return nil, cmd
	}
	return nil, nil
}

func (a *accountsScreen) view(width, height int) string {
	if a.v == nil {
		return "Reading…"
	}
	rep := a.v.Report
	var head []string
	sum := fmt.Sprintf("%s over %s without a sign-in, in %s", plural.N(len(rep.Rows), "account", "accounts"), plural.N(rep.Days, "day", "days"), plural.N(len(rep.ByClient), "client", "clients"))
	if rep.Unmapped > 0 {
		sum += fmt.Sprintf(" (%d in environments the review links to no client)", rep.Unmapped)
	}
	if rep.CheckMapping > 0 {
		sum += fmt.Sprintf("; %d wait for a mapping check (!) and go into no ticket", rep.CheckMapping)
	}
	if rep.InHand > 0 {
		sum += fmt.Sprintf("; %d in hand (✓: an open ticket lists them)", rep.InHand)
	}
	head = append(head, wrap(sum, width))
	if a.asking != nil {
		head = append(head, truncate("Days without a sign-in: "+a.asking.View()+"  (enter reads again, esc keeps "+strconv.Itoa(a.days)+")", width))
	}
	if a.v.Since.Run != 0 {
		head = append(head, dimStyle.Render(wrap(a.v.Since.Sentence(), width)))
	}
	rows := a.rows()
	head = append(head, ticketLine(a.v.TicketTypes, a.v.TicketType, a.v.Team, width))
	head = append(head, dimStyle.Render(truncate(fmt.Sprintf("Showing %s: %d · f: suite · n: days · /: search",
		strings.ReplaceAll(a.table.view(), "_", " "), len(rows)), width)))
	if l := a.table.searchLine(width); l != "" {
		head = append(head, l)
	}
	top := strings.Join(head, "\n") + "\n\n"
	if len(rows) == 0 {
		return top + "No stale account in this view."
	}
	return top + a.table.render(width, height-strings.Count(top, "\n"), accountsColumns, len(rows),
		func(i int) []string { return accountsCells(rows[i]) },
		func(i int) string { return accountsDetail(rows[i]) })
}

var accountsColumns = []column{
	{title: "CLIENT", min: 12, max: 34},
	{title: "SUITE", min: 9, max: 9},
	{title: "ACCOUNT", min: 16, max: 44},
	{title: "DAYS", min: 5, max: 5, right: true},
	{title: "LAST", min: 10, max: 10, drop: 1},
}

var suiteNames = map[string]string{accounts.GoogleWorkspace: "Google WS", accounts.M365: "M365"}

func accountsCells(r accounts.Row) []string {
	c, last := "-", "-"
	if r.Client != nil {
		c = r.Client.Name
	}
	switch {
	case r.Status == accounts.CheckMapping:
		c = "! " + c
	case r.InHand:
		c = "✓ " + c // an open ticket lists it
	}
	if r.LastLogin != nil {
		last = *r.LastLogin
		if len(last) > 10 {
			last = last[:10]
		}
	}
	return []string{display.Safe(c), suiteNames[r.Source], display.Safe(r.Account), strconv.Itoa(r.Days), display.Safe(last)}
}

func accountsDetail(r accounts.Row) string {
	full := "unknown"
	if r.LastLogin != nil {
		full = display.Safe(*r.LastLogin)
	}
	detail := fmt.Sprintf("%s · %s in Liongard's %s (environment %s) · last sign-in %s, %s ago", display.Safe(r.Account),
		map[string]string{accounts.GoogleWorkspace: "Google Workspace", accounts.M365: "Microsoft 365"}[r.Source], display.Safe(r.Environment.Name), r.Environment.ID, full, plural.N(r.Days, "day", "days"))
	if r.Client == nil {
		detail += " · the review links the environment to no HaloPSA client: no ticket for it"
	}
	if r.Status == accounts.CheckMapping {
		detail += " · " + display.Safe(r.Why) + " · no ticket lists it until the link is confirmed (K) or re-mapped in the review (m on home)"
	}
	return detail
}

// focus keeps the cursor's row in sight.
func (a *accountsScreen) focus() (int, int) { return cursorSpan(a.view(a.width, a.height)) }
