package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/store"
)

// tableScreen is a workflow screen seen through what its table shows: its
// rows' client names, as many times over as asked.
type tableScreen struct {
	s       screen
	table   *rowTable
	clients func() []string
}

// tableScreens are billing, devices and stale accounts, each with its
// fixture's rows copied times over under new client names.
func tableScreens(times int) map[string]tableScreen {
	b := newBillingScreen()
	bv := fixedBilling()
	bv.Report.Rows = copies(bv.Report.Rows, times, func(r billing.Row, c int) billing.Row {
		r.ID = fmt.Sprintf("%s-%d", r.ID, c)
		r.Client = *renamed(&r.Client, c)
		return r
	})
	b.v = &bv
	b.table.filter = len(billingFilters) - 3 // all
	d := newDevicesScreen()
	dr := fixedDevices()
	dr.Rows = copies(dr.Rows, times, func(r devices.Row, c int) devices.Row { r.Client = renamed(r.Client, c); return r })
	d.rep = &dr
	d.table.filter = len(devicesFilters) - 1 // all
	a := newAccountsScreen()
	av := fixedAccounts()
	av.Report.Rows = copies(av.Report.Rows, times, func(r accounts.Row, c int) accounts.Row { r.Client = renamed(r.Client, c); return r })
	a.v = &av
	return map[string]tableScreen{
		"billing": {b, &b.table, func() []string {
			return clientNames(b.rows(), func(r billing.Row) *store.RecordRef { return &r.Client })
		}},
		"devices": {d, &d.table, func() []string {
			return clientNames(d.rows(), func(r devices.Row) *store.RecordRef { return r.Client })
		}},
		"accounts": {a, &a.table, func() []string {
			return clientNames(a.rows(), func(r accounts.Row) *store.RecordRef { return r.Client })
		}},
	}
}

// copies is rows over and over, each copy made by copyOf(row, its number).
func copies[R any](rows []R, times int, copyOf func(R, int) R) []R {
	var out []R
	for c := range times {
		for _, r := range rows {
			out = append(out, copyOf(r, c))
		}
	}
	return out
}

// renamed is a client of the c-th copy: the first keeps its name.
func renamed(ref *store.RecordRef, c int) *store.RecordRef {
	if ref == nil || c == 0 {
		return ref
	}
	r := *ref
	r.Name = fmt.Sprintf("%s %03d", r.Name, c)
	return &r
}

// clientNames are the rows' clients' names ("" for none).
func clientNames[R any](rows []R, client func(R) *store.RecordRef) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		if c := client(r); c != nil {
			out[i] = c.Name
		}
	}
	return out
}

func typeKeys(s screen, keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			s.update(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			s.update(tea.KeyPressMsg{Code: tea.KeyEscape})
		default:
			for _, r := range k {
				s.update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
		}
	}
}

// g, G, / and f work alike on every workflow screen.
func TestEveryWorkflowTableMovesSearchesAndFilters(t *testing.T) {
	for name, ts := range tableScreens(3) {
		t.Run(name, func(t *testing.T) {
			all := ts.clients()
			typeKeys(ts.s, "G")
			if ts.table.cursor != len(all)-1 || len(all) < 2 {
				t.Fatalf("G: cursor %d of %d rows", ts.table.cursor, len(all))
			}
			typeKeys(ts.s, "g")
			if ts.table.cursor != 0 {
				t.Fatalf("g: cursor %d", ts.table.cursor)
			}
			typeKeys(ts.s, "/", "acme")
			got := ts.clients()
			if len(got) == 0 || len(got) >= len(all) {
				t.Fatalf(`searching "acme": %d of %d rows`, len(got), len(all))
			}
			for _, c := range got {
				if !strings.Contains(strings.ToLower(c), "acme") {
					t.Errorf("%q does not hold acme", c)
				}
			}
			if view := xansi.Strip(ts.s.view(100, 40)); !strings.Contains(view, "Search by client: ") {
				t.Errorf("the search is not drawn:\n%s", view)
			}
			typeKeys(ts.s, "enter")
			if view := xansi.Strip(ts.s.view(100, 40)); !strings.Contains(view, `Clients holding "acme"`) {
				t.Errorf("the kept search is not said:\n%s", view)
			}
			typeKeys(ts.s, "/", "esc")
			if n := len(ts.clients()); n != len(all) {
				t.Fatalf("esc: %d rows of %d", n, len(all))
			}
			before := ts.table.view()
			typeKeys(ts.s, "f")
			if ts.table.view() == before {
				t.Fatalf("f stays on %q", before)
			}
		})
	}
}

// However far down the cursor goes, with its detail open, the screen's
// header stays on top and the view fits the room: the table scrolls under
// it and says how many rows are above and below.
func TestTheHeaderStaysInSight(t *testing.T) {
	for name, ts := range tableScreens(40) {
		t.Run(name, func(t *testing.T) {
			const width, room = 76, 18
			first := strings.Split(xansi.Strip(ts.s.view(width, room)), "\n")[0]
			all := ts.clients()
			typeKeys(ts.s, "G", "enter")
			lines := strings.Split(xansi.Strip(ts.s.view(width, room)), "\n")
			if len(lines) > room {
				t.Fatalf("%d lines in a room of %d:\n%s", len(lines), room, strings.Join(lines, "\n"))
			}
			if lines[0] != first {
				t.Errorf("the header scrolled away: %q, was %q", lines[0], first)
			}
			cursor := -1
			for i, l := range lines {
				if strings.HasPrefix(l, "> ") {
					cursor = i
				}
			}
			if cursor < 0 || !strings.Contains(lines[cursor], all[len(all)-1][:10]) {
				t.Fatalf("the last row is not under the cursor:\n%s", strings.Join(lines, "\n"))
			}
			if cursor+1 >= len(lines) || !strings.HasPrefix(lines[cursor+1], "      ") {
				t.Errorf("its detail is not under it:\n%s", strings.Join(lines, "\n"))
			}
			// The rows drawn are the lines between the heading and the
			// line saying what is above, less the detail's.
			heading, above, shown := -1, 0, 0
			for i, l := range lines {
				switch {
				case heading < 0 && strings.HasPrefix(strings.TrimSpace(l), "CLIENT"):
					heading = i
				case heading < 0 || strings.HasPrefix(l, "      "):
				case strings.Contains(l, "more above"):
					fmt.Sscanf(strings.TrimSpace(l), "↑ %d more above", &above)
				default:
					shown++
				}
			}
			if above == 0 || above+shown != len(all) {
				t.Errorf("%d above and %d shown of %d rows:\n%s", above, shown, len(all), strings.Join(lines, "\n"))
			}
		})
	}
}

// Columns fit the width: the least needed are left out first, a column
// that is never left out stays, and nothing is wider than the room.
func TestColumnsFitTheWidth(t *testing.T) {
	for name, cols := range map[string][]column{"billing": billingColumns, "devices": devicesColumns, "accounts": accountsColumns} {
		for width := 40; width <= 200; width++ {
			w := widths(cols, width)
			used, shown := 0, 0
			for i, c := range cols {
				if w[i] == 0 {
					if c.drop == 0 {
						t.Fatalf("%s at %d: %s left out", name, width, c.title)
					}
					for j, o := range cols {
						if w[j] > 0 && o.drop > c.drop {
							t.Fatalf("%s at %d: %s left out while %s stays", name, width, c.title, o.title)
						}
					}
					continue
				}
				if c.max > 0 && w[i] > c.max {
					t.Fatalf("%s at %d: %s is %d wide, over its %d", name, width, c.title, w[i], c.max)
				}
				used += w[i]
				shown++
			}
			if width >= 60 && used+shown-1 > width-2 {
				t.Fatalf("%s at %d: %d wide", name, width, used+shown-1+2)
			}
		}
	}
	// The widths the walk met: at 60 columns the billing screen keeps its
	// fix and a client name of more than nine characters.
	w := widths(billingColumns, 56)
	if w[0] <= 9 || w[len(w)-1] == 0 {
		t.Errorf("billing at 56: %v", w)
	}
}
