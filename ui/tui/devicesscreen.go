package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/ui/display"
)

// devicesScreen is the user↔device map on screen: each Windows
// workstation with its HaloPSA asset, last logon and HaloPSA user, a
// filter by status and each row's detail; p plans setting the users, the
// shared plan and apply screens send them. Nothing here writes.
type devicesScreen struct {
	screenBase
	rep    *devices.Report
	filter int // index into devicesFilters
	cursor int
	opened bool
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
	dvOpen    = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "the row's detail"))
	dvFilter  = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter by status"))
	dvPlan    = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "plan: set users on assets with none"))
	dvReplace = key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "plan: also replace other users"))
	dvReload  = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "read again"))
)

type (
	devicesMsg struct {
		rep devices.Report
		err error
	}
	devicesSavedMsg struct {
		info string
		err  error
	}
)

func newDevicesScreen() *devicesScreen { return &devicesScreen{} }

func (d *devicesScreen) title() string { return "Devices" }

func (d *devicesScreen) keys() []key.Binding {
	if d.rep == nil {
		return nil
	}
	keys := []key.Binding{keyUp, keyDown}
	if len(d.rows()) > 0 {
		keys = append(keys, dvOpen)
	}
	if rows := d.rows(); d.cursor < len(rows) && rows[d.cursor].Status == devices.CheckMapping && rows[d.cursor].Client != nil {
		keys = append(keys, keyConfirmLink)
	}
	keys = append(keys, dvFilter, dvPlan, dvReplace, dvReload)
	if len(d.rows()) > 0 {
		keys = append(keys, rvFirst, rvLast)
	}
	return keys
}

func (d *devicesScreen) start() event {
	return askEvent{label: "Reading Liongard's workstations and HaloPSA's assets and users (nothing is sent)…", fn: func(ctx context.Context) tea.Msg {
		rep, err := backendOf(ctx).Devices(ctx)
		return devicesMsg{rep, err}
	}}
}

func (d *devicesScreen) rows() []devices.Row {
	if d.rep == nil {
		return nil
	}
	f := devicesFilters[d.filter]
	var out []devices.Row
	for _, r := range d.rep.Rows {
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
		d.cursor = min(d.cursor, max(0, len(d.rows())-1))
	case devicesSavedMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		return batchEvent{d.start(), infoEvent{m.info}}, nil
	case backMsg:
		if d.rep != nil {
			return d.start(), nil
		}
	case tea.KeyPressMsg:
		if d.rep == nil {
			return nil, nil
		}
		keys := d.keys()
		switch {
		case offered(m, keys, keyUp):
			d.cursor, d.opened = max(0, d.cursor-1), false
		case offered(m, keys, keyDown):
			d.cursor, d.opened = min(max(0, len(d.rows())-1), d.cursor+1), false
		case offered(m, keys, rvFirst):
			d.cursor, d.opened = 0, false
		case offered(m, keys, rvLast):
			d.cursor, d.opened = max(0, len(d.rows())-1), false
		case offered(m, keys, dvOpen):
			d.opened = !d.opened
		case offered(m, keys, keyConfirmLink):
			client := d.rows()[d.cursor].Client.ID
			return askEvent{label: "Confirming the link (reading the evidence again)…", fn: func(ctx context.Context) tea.Msg {
				info, err := backendOf(ctx).ConfirmLink(ctx, client)
				return devicesSavedMsg{info: info, err: err}
			}}, nil
		case offered(m, keys, dvFilter):
			d.filter, d.cursor, d.opened = (d.filter+1)%len(devicesFilters), 0, false
		case offered(m, keys, dvReload):
			return d.start(), nil
		case offered(m, keys, dvPlan), offered(m, keys, dvReplace):
			replace := key.Matches(m, dvReplace)
			return pushEvent{newMadePlanScreen(planMaker{label: "Working out which assets get their last user (nothing is sent)…",
				make: func(ctx context.Context, b Backend) (SyncPlan, error) { return b.MakeDevicesPlan(ctx, replace) }})}, nil
		}
	}
	return nil, nil
}

func (d *devicesScreen) view(width, height int) string {
	if d.rep == nil {
		return "Reading…"
	}
	var s strings.Builder
	var counts []string
	for _, st := range devices.Statuses {
		if n := d.rep.ByStatus[st]; n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, st.Words()))
		}
	}
	if len(counts) == 0 {
		counts = []string{"Liongard inspects no Windows workstation"}
	}
	s.WriteString(wrap(strings.Join(counts, " · "), width) + "\n")
	rows := d.rows()
	s.WriteString(dimStyle.Render(truncate(fmt.Sprintf("Showing %s: %d of %d · f: filter", devicesFilters[d.filter], len(rows), len(d.rep.Rows)), width)) + "\n\n")
	if len(rows) == 0 {
		s.WriteString("No workstation of that status.\n")
		return strings.TrimRight(s.String(), "\n")
	}
	flex := max(29, width-2-14-9-4)
	client, logon := flex*4/10, flex*3/10
	user := flex - client - logon
	s.WriteString(headingStyle.Render(truncate(fmt.Sprintf("  %-*s %-14s %-*s %-*s %s", client, "CLIENT", "DEVICE", logon, "LAST LOGON", user, "HALOPSA USER", "STATUS"), width)) + "\n")
	for i, r := range rows {
		cursor := "  "
		if i == d.cursor {
			cursor = "> "
		}
		c, u := "-", "-"
		if r.Client != nil {
			c = r.Client.Name
		}
		if r.User != nil {
			u = r.User.Name
		}
		s.WriteString(truncate(fmt.Sprintf("%s%-*s %-14s %-*s %-*s %s", cursor, client, truncate(display.Safe(c), client), truncate(display.Safe(r.Device.Name), 14),
			logon, truncate(display.Safe(r.LastUser), logon), user, truncate(display.Safe(u), user), r.Status.Words()), width) + "\n")
		if i == d.cursor && d.opened {
			s.WriteString(indent(wrap(DevicesDetail(r), width-6), "      ") + "\n")
		}
	}
	return strings.TrimRight(s.String(), "\n")
}

// DevicesDetail is a workstation row read out in full, a line each.
func DevicesDetail(r devices.Row) string {
	lines := []string{fmt.Sprintf("%s in Liongard's %s (system %s) · %s", display.Safe(r.Device.Name), display.Safe(r.Environment.Name), r.ID, display.Safe(r.Why))}
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
