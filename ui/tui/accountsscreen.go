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
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/ui/display"
)

// accountsScreen is stale accounts on screen: the accounts nobody signed
// in to for the chosen number of days, per client, filtered by suite; p
// plans a HaloPSA ticket per client and the Liongard alert rule on the
// checklist. Nothing here writes.
type accountsScreen struct {
	screenBase
	v      *AccountsView
	days   int
	filter int // index into accountsFilters
	cursor int
	opened bool             // the cursor row's detail is shown
	asking *textinput.Model // typing another number of days (n)
}

var accountsFilters = []string{"all", accounts.GoogleWorkspace, accounts.M365}

var (
	acOpen       = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "the row's detail"))
	acFilter     = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter by suite"))
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
	accountsSavedMsg struct {
		info   string
		err    error
		reread bool // what was saved changes the rows
	}
)

func newAccountsScreen() *accountsScreen { return &accountsScreen{days: accounts.DefaultDays} }

func (a *accountsScreen) title() string { return "Stale accounts" }

func (a *accountsScreen) typing() bool { return a.asking != nil }
func (a *accountsScreen) modal() bool  { return a.asking != nil }

func (a *accountsScreen) keys() []key.Binding {
	if a.v == nil {
		return nil
	}
	if a.asking != nil {
		return []key.Binding{acDaysKeep, rvCancel}
	}
	keys := []key.Binding{keyUp, keyDown}
	if len(a.rows()) > 0 {
		keys = append(keys, acOpen)
	}
	if rows := a.rows(); a.cursor < len(rows) && rows[a.cursor].Status == accounts.CheckMapping && rows[a.cursor].Client != nil {
		keys = append(keys, keyConfirmLink)
	}
	keys = append(keys, acFilter, acDays)
	if len(a.v.TicketTypes) > 0 {
		keys = append(keys, acTicketType)
	}
	keys = append(keys, acPlan, acReload)
	if len(a.rows()) > 0 {
		keys = append(keys, rvFirst, rvLast)
	}
	return keys
}

func (a *accountsScreen) start() event {
	days := a.days
	return askEvent{label: fmt.Sprintf("Reading Liongard's sign-ins: accounts idle over %s (nothing is sent)…", plural.N(days, "day", "days")), fn: func(ctx context.Context) tea.Msg {
		v, err := backendOf(ctx).StaleAccounts(ctx, days)
		return accountsMsg{v, err}
	}}
}

func (a *accountsScreen) rows() []accounts.Row {
	if a.v == nil {
		return nil
	}
	f := accountsFilters[a.filter]
	var out []accounts.Row
	for _, r := range a.v.Report.Rows {
		if f == "all" || r.Source == f {
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
		a.cursor = min(a.cursor, max(0, len(a.rows())-1))
	case accountsSavedMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		if m.reread {
			return batchEvent{a.start(), infoEvent{m.info}}, nil
		}
		return infoEvent{m.info}, nil
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
		switch {
		case offered(m, keys, keyUp):
			a.cursor, a.opened = max(0, a.cursor-1), false
		case offered(m, keys, keyDown):
			a.cursor, a.opened = min(max(0, len(a.rows())-1), a.cursor+1), false
		case offered(m, keys, rvFirst):
			a.cursor, a.opened = 0, false
		case offered(m, keys, rvLast):
			a.cursor, a.opened = max(0, len(a.rows())-1), false
		case offered(m, keys, acOpen):
			a.opened = !a.opened
		case offered(m, keys, keyConfirmLink):
			client := a.rows()[a.cursor].Client.ID
			return askEvent{label: "Confirming the link (reading the evidence again)…", fn: func(ctx context.Context) tea.Msg {
				info, err := backendOf(ctx).ConfirmLink(ctx, client)
				return accountsSavedMsg{info: info, err: err, reread: true}
			}}, nil
		case offered(m, keys, acFilter):
			a.filter, a.cursor, a.opened = (a.filter+1)%len(accountsFilters), 0, false
		case offered(m, keys, acDays):
			ti := textinput.New()
			st := ti.Styles()
			st.Cursor.Blink = false
			ti.SetStyles(st)
			ti.SetValue(strconv.Itoa(a.days))
			ti.CursorEnd()
			ti.Focus()
			a.asking = &ti
		case offered(m, keys, acReload):
			return a.start(), nil
		case offered(m, keys, acTicketType):
			next := a.v.TicketTypes[0]
			for i, t := range a.v.TicketTypes {
				if t.ID == a.v.TicketType {
					next = a.v.TicketTypes[(i+1)%len(a.v.TicketTypes)]
				}
			}
			a.v.TicketType = next.ID
			info := fmt.Sprintf("Stale-account tickets get HaloPSA's ticket type %q (o for another).", display.Safe(next.Name))
			return askEvent{fn: func(ctx context.Context) tea.Msg {
				return accountsSavedMsg{info: info, err: backendOf(ctx).SetAccountsTicketType(ctx, next.ID)}
			}}, nil
		case offered(m, keys, acPlan):
			days := a.days
			return pushEvent{newMadePlanScreen(planMaker{label: "Working out a ticket per client with stale accounts (nothing is sent)…",
				make: func(ctx context.Context, b Backend) (SyncPlan, error) { return b.MakeAccountsPlan(ctx, days) }})}, nil
		}
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
		a.asking, a.days, a.cursor = nil, n, 0
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
	var s strings.Builder
	head := fmt.Sprintf("%s over %s without a sign-in, in %s", plural.N(len(rep.Rows), "account", "accounts"), plural.N(rep.Days, "day", "days"), plural.N(len(rep.ByClient), "client", "clients"))
	if rep.Unmapped > 0 {
		head += fmt.Sprintf(" (%d in environments the review links to no client)", rep.Unmapped)
	}
	if rep.CheckMapping > 0 {
		head += fmt.Sprintf("; %d wait for a mapping check (!) and go into no ticket", rep.CheckMapping)
	}
	if rep.InHand > 0 {
		head += fmt.Sprintf("; %d in hand (✓: an open ticket lists them)", rep.InHand)
	}
	s.WriteString(wrap(head, width) + "\n")
	if a.asking != nil {
		s.WriteString(truncate("Days without a sign-in: "+a.asking.View()+"  (enter reads again, esc keeps "+strconv.Itoa(a.days)+")", width) + "\n")
	}
	if a.v.Since.Run != 0 {
		s.WriteString(dimStyle.Render(wrap(a.v.Since.Sentence(), width)) + "\n")
	}
	tickets := "no ticket type chosen yet"
	for _, t := range a.v.TicketTypes {
		if t.ID == a.v.TicketType {
			tickets = display.Safe(t.Name)
		}
	}
	rows := a.rows()
	s.WriteString(dimStyle.Render(truncate(fmt.Sprintf("Showing %s: %d · f: suite · n: days · tickets: %s (o)",
		strings.ReplaceAll(accountsFilters[a.filter], "_", " "), len(rows), tickets), width)) + "\n\n")
	if len(rows) == 0 {
		s.WriteString("No stale account.\n")
		return strings.TrimRight(s.String(), "\n")
	}
	flex := max(30, width-2-1-9-1-5-2-11)
	client := flex * 4 / 10
	account := flex - client - 1
	s.WriteString(headingStyle.Render(truncate(fmt.Sprintf("  %-*s %-9s %-*s %5s  %s", client, "CLIENT", "SUITE", account, "ACCOUNT", "DAYS", "LAST"), width)) + "\n")
	for i, r := range rows {
		cursor := "  "
		if i == a.cursor {
			cursor = "> "
		}
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
		suite := map[string]string{accounts.GoogleWorkspace: "Google WS", accounts.M365: "M365"}[r.Source]
		s.WriteString(truncate(fmt.Sprintf("%s%-*s %-9s %-*s %5d  %s", cursor, client, truncate(display.Safe(c), client), suite,
			account, truncate(display.Safe(r.Account), account), r.Days, display.Safe(last)), width) + "\n")
		if i == a.cursor && a.opened {
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
			s.WriteString(indent(wrap(detail, width-6), "      ") + "\n")
		}
	}
	return strings.TrimRight(s.String(), "\n")
}

// focus keeps the cursor's row in sight.
func (a *accountsScreen) focus() (int, int) { return cursorSpan(a.view(a.width, a.height)) }
