package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/ui/display"
)

// devicesScreen is the user↔device map on screen: each Windows
// workstation with its HaloPSA asset, last logon and HaloPSA user, a
// filter by status and each row's detail; p plans setting the users, the
// shared plan and apply screens send them. Nothing here writes.
type devicesScreen struct {
	asks devicesAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	rep   *devices.Report
	table rowTable
}

// devicesFilters are the views f steps through: what a plan would set (to
// set and differs), each status, every row.
var devicesFilters = append(append([]string{"open"}, wordsOf(devices.Statuses)...), "all")

func wordsOf(ss []devices.Status) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Words())
	}
	return out
}

var (
	dvPlan    = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "plan: set users on assets with none"))
	dvReplace = key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "plan: also replace other users"))
	dvReload  = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "read again"))
)

type (
	devicesMsg struct {
		rep devices.Report
		err error
	}
)

func newDevicesScreen() *devicesScreen {
	return &devicesScreen{table: newRowTable(devicesFilters, tbFilterStatus)}
}

func (d *devicesScreen) title() string { return "Devices" }

func (d *devicesScreen) keys() []key.Binding {
	if d.rep == nil {
		return nil
	}
	rows := d.rows()
	keys := d.table.headKeys(len(rows))
	if d.table.searching() {
		return keys
	}
	if c := d.table.cursor; c < len(rows) && rows[c].Status == devices.CheckMapping && rows[c].Client != nil {
		keys = append(keys, keyConfirmLink)
	}
	keys = append(keys, dvPlan, dvReplace, dvReload)
	return append(keys, d.table.tailKeys(len(rows))...)
}

func (d *devicesScreen) typing() bool { return d.table.searching() }
func (d *devicesScreen) modal() bool  { return d.table.searching() }

func (d *devicesScreen) start() event {
	return askEvent{label: "Reading Liongard's workstations and HaloPSA's assets and users (nothing is sent)…", fn: func(ctx context.Context) tea.Msg {
		rep, err := d.asks.Devices(ctx)
		return devicesMsg{rep, err}
	}}
}

func (d *devicesScreen) rows() []devices.Row {
	if d.rep == nil {
		return nil
	}
	f := d.table.view()
	var out []devices.Row
	for _, r := range d.rep.Rows {
		name := ""
		if r.Client != nil {
			name = r.Client.Name
		}
		if !d.table.holds(name) {
			continue
		}
		if f == "all" || f == "open" && (r.Status == devices.ToSet || r.Status == devices.Differs || r.Status == devices.CheckMapping) || r.Status.Words() == f {
			out = append(out, r)
		}
	}
	return out
}

func (d *devicesScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case devicesMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		d.rep = &m.rep
		d.table.clamp(len(d.rows()))
	case savedMsg:
		return m.said(d.start), nil
	case backMsg:
		if d.rep != nil {
			return d.start(), nil
		}
	case tea.KeyPressMsg:
		if d.rep == nil {
			return nil, nil
		}
		keys := d.keys()
		if done, cmd := d.table.key(m, keys, len(d.rows())); done {
			return nil, cmd
		}
		switch {
		case offered(m, keys, keyConfirmLink):
			return confirmLink(d.asks, d.rows()[d.table.cursor].Client.ID), nil
		case offered(m, keys, dvReload):
			return d.start(), nil
		case offered(m, keys, dvPlan), offered(m, keys, dvReplace):
			replace := key.Matches(m, dvReplace)
			return pushEvent{newMadePlanScreen(planMaker{label: "Working out which assets get their last user (nothing is sent)…",
				make: func(ctx context.Context) (SyncPlan, error) { return d.asks.MakeDevicesPlan(ctx, replace) }})}, nil
		}
	case tea.PasteMsg:
		_, cmd := d.table.paste(m)
		return nil, cmd
	}
	return nil, nil
}

func (d *devicesScreen) view(width, height int) string {
	if d.rep == nil {
		return "Reading…"
	}
	var head []string
	var counts []string
	for _, st := range devices.Statuses {
		if n := d.rep.ByStatus[st]; n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, st.Words()))
		}
	}
	if len(counts) == 0 {
		counts = []string{"Liongard inspects no Windows workstation"}
	}
	head = append(head, wrap(strings.Join(counts, " · "), width))
	rows := d.rows()
	head = append(head, dimStyle.Render(truncate(fmt.Sprintf("Showing %s: %d of %d · f: filter · /: search", d.table.view(), len(rows), len(d.rep.Rows)), width)))
	if l := d.table.searchLine(width); l != "" {
		head = append(head, l)
	}
	top := strings.Join(head, "\n") + "\n\n"
	if len(rows) == 0 {
		return top + "No workstation in this view."
	}
	return top + d.table.render(width, height-strings.Count(top, "\n"), devicesColumns, len(rows),
		func(i int) []string { return devicesCells(rows[i], clock()) },
		func(i int) string { return DevicesDetail(rows[i]) })
}

// devicesColumns: the user Liongard saw and the one HaloPSA would get
// come first; the inspection's age, then the asset's user now, are left
// out when the width is short (the detail has both).
var devicesColumns = []column{
	{title: "CLIENT", min: 12, max: 30},
	{title: "DEVICE", min: 15, max: 15}, // a Windows computer name is 15 characters at most
	{title: "LAST LOGON", min: 14, max: 28},
	{title: "HALOPSA USER", min: 12, max: 24},
	{title: "ON ASSET NOW", min: 12, max: 24, drop: 1},
	{title: "INSPECTED", min: 12, max: 12, right: true, drop: 2},
	{title: "STATUS", min: 13, max: 13},
}

func devicesCells(r devices.Row, now time.Time) []string {
	c, u, asset, age := "-", "-", "no asset", "-"
	if r.Client != nil {
		c = r.Client.Name
	}
	if r.User != nil {
		u = r.User.Name
	}
	if r.Asset != nil {
		asset = "no user"
		if len(r.Asset.Users) > 0 {
			asset = strings.Join(r.Asset.Users, ", ")
		}
	}
	if r.InspectedAt != nil {
		days := int(now.Sub(*r.InspectedAt).Hours() / 24)
		age = plural.N(days, "day", "days") + " ago"
		if days == 0 {
			age = "today"
		}
		if now.Sub(*r.InspectedAt) > devices.MaxAge {
			age = "! " + age
		}
	}
	return []string{display.Safe(c), display.Safe(r.Device.Name), display.Safe(r.LastUser), display.Safe(u), display.Safe(asset), age, r.Status.Words()}
}

// DevicesDetail is a workstation row read out in full, a line each.
func DevicesDetail(r devices.Row) string {
	why := display.Safe(r.Why)
	if r.Status == devices.Unmapped {
		why += " (m on home)"
	}
	lines := []string{fmt.Sprintf("%s in Liongard's %s (system %s) · %s", display.Safe(r.Device.Name), display.Safe(r.Environment.Name), r.ID, why)}
	if r.InspectedAt != nil {
		lines = append(lines, "Liongard inspected it on "+r.InspectedAt.UTC().Format("2006-01-02"))
	}
	if r.Asset != nil {
		users := "no user"
		if len(r.Asset.Users) > 0 {
			users = display.Safe(strings.Join(r.Asset.Users, ", "))
		}
		lines = append(lines, fmt.Sprintf("HaloPSA asset %d %s: %s", r.Asset.ID, display.Safe(r.Asset.Name), users))
	}
	if r.User != nil {
		lines = append(lines, fmt.Sprintf("HaloPSA user %d: %s <%s> login %s", r.User.ID, display.Safe(r.User.Name), display.Safe(r.User.Email), display.Safe(r.User.Login)))
	}
	return strings.Join(lines, "\n")
}

// focus keeps the cursor's row, and its detail, in sight.
func (d *devicesScreen) focus() (int, int) { return cursorSpan(d.view(d.width, d.height)) }

// cursorSpan is the lines of the row under "> " and its indented detail.
func cursorSpan(view string) (int, int) {
	lines := strings.Split(view, "\n")
	for n, l := range lines {
		if strings.HasPrefix(l, "> ") {
			end := n
			for end+1 < len(lines) && strings.HasPrefix(lines[end+1], "      ") {
				end++
			}
			return n, end
		}
	}
	return 0, 0
}
