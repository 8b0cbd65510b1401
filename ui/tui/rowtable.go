package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// rowTable is what every workflow screen shares: the view f steps through,
// a search by client (/), a cursor with its row's detail, columns that fit
// the width, and a window of rows under the screen's header, so the totals
// above stay in sight however far down the cursor goes. A screen is its
// rows, its columns, its detail and its own actions.
type rowTable struct {
	filters   []string // the views f steps through; the screen says which rows each holds
	filter    int
	filterKey key.Binding
	cursor    int
	top       int  // the first row drawn
	opened    bool // the cursor row's detail is shown

	search *textinput.Model // typing the text rows are searched by
	text   string           // the rows shown hold it in their client's name
}

var (
	tbOpen         = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "the row's detail"))
	tbSearch       = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search by client"))
	tbFilterStatus = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter by status"))
	tbFilterSuite  = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter by suite"))
)

// newRowTable starts on the first of the views filterKey steps through.
func newRowTable(filters []string, filterKey key.Binding) rowTable {
	return rowTable{filters: filters, filterKey: filterKey}
}

// view is the name of the view f is on.
func (t *rowTable) view() string { return t.filters[t.filter] }

// searching is true while the search is typed: letters are text then.
func (t *rowTable) searching() bool { return t.search != nil }

// holds says whether a client's name holds the searched text.
func (t *rowTable) holds(name string) bool {
	text := strings.ToLower(strings.TrimSpace(t.text))
	return text == "" || strings.Contains(strings.ToLower(name), text)
}

// headKeys are the moves offered before a screen's own keys; tailKeys
// after them. n is the number of rows in view.
func (t *rowTable) headKeys(n int) []key.Binding {
	if t.search != nil {
		return []key.Binding{rvKeepText, rvCancel}
	}
	keys := []key.Binding{keyUp, keyDown}
	if n > 0 {
		keys = append(keys, tbOpen)
	}
	return keys
}

func (t *rowTable) tailKeys(n int) []key.Binding {
	if t.search != nil {
		return nil
	}
	keys := []key.Binding{t.filterKey}
	if n > 0 {
		keys = append(keys, rvFirst, rvLast)
	}
	return append(keys, tbSearch)
}

// clamp keeps the cursor on a row after the rows changed.
func (t *rowTable) clamp(n int) { t.cursor = min(t.cursor, max(0, n-1)) }

// key moves, opens, filters or searches; false when the key is the
// screen's. keys are the screen's offered keys, n the rows in view.
func (t *rowTable) key(k tea.KeyPressMsg, keys []key.Binding, n int) (bool, tea.Cmd) {
	if t.search != nil {
		switch {
		case offered(k, keys, rvKeepText):
			t.search = nil
		case offered(k, keys, rvCancel):
			t.search, t.text, t.cursor = nil, "", 0
		default:
			var cmd tea.Cmd
			*t.search, cmd = t.search.Update(k)
			t.text, t.cursor = t.search.Value(), 0
			return true, cmd
		}
		return true, nil
	}
	switch {
	case offered(k, keys, keyUp):
		t.cursor, t.opened = max(0, t.cursor-1), false
	case offered(k, keys, keyDown):
		t.cursor, t.opened = min(max(0, n-1), t.cursor+1), false
	case offered(k, keys, rvFirst):
		t.cursor, t.opened = 0, false
	case offered(k, keys, rvLast):
		t.cursor, t.opened = max(0, n-1), false
	case offered(k, keys, tbOpen):
		t.opened = !t.opened
	case offered(k, keys, t.filterKey):
		t.filter, t.cursor, t.opened = (t.filter+1)%len(t.filters), 0, false
	case offered(k, keys, tbSearch):
		ti := newTextInput(t.text)
		t.search, t.opened = &ti, false
	default:
		return false, nil
	}
	return true, nil
}

// paste types a paste into the search; false when no search is typed.
func (t *rowTable) paste(m tea.PasteMsg) (bool, tea.Cmd) {
	if t.search == nil {
		return false, nil
	}
	var cmd tea.Cmd
	*t.search, cmd = t.search.Update(m)
	t.text, t.cursor = t.search.Value(), 0
	return true, cmd
}

// searchLine is the search being typed or kept, "" when there is none.
func (t *rowTable) searchLine(width int) string {
	switch {
	case t.search != nil:
		return truncate("Search by client: "+t.search.View()+"  (enter keeps it, esc clears it)", width)
	case t.text != "":
		return dimStyle.Render(truncate(fmt.Sprintf("Clients holding %q (/ to change)", t.text), width))
	}
	return ""
}

// savedMsg answers a choice a workflow screen kept: what to say, and
// whether the rows are read again (what was kept changes them).
type savedMsg struct {
	info   string
	err    error
	reread bool
}

// said is the screen's event for it; start reads the rows again.
func (m savedMsg) said(start func() event) event {
	switch {
	case m.err != nil:
		return errorEvent{m.err}
	case m.reread:
		return batchEvent{start(), infoEvent{m.info}}
	}
	return infoEvent{m.info}
}

// confirmLink is K on a row whose link the evidence doubts: the
// operator's word for it, kept; the rows are read again.
func confirmLink(c linkConfirmer, client string) event {
	return askEvent{label: "Confirming the link (reading the evidence again)…", fn: func(ctx context.Context) tea.Msg {
		info, err := c.ConfirmLink(ctx, client)
		return savedMsg{info: info, err: err, reread: true}
	}}
}

// column is one column of a table.
type column struct {
	title string
	min   int  // its width when the room is short; a flexible one (max is not min) gives more when it must
	max   int  // the most it takes; 0: whatever is left
	right bool // numbers: aligned to the right
	// drop orders the columns left out when even their least widths do not
	// fit: the highest first; 0 is never left out.
	drop int
}

// widths fits columns to a width (after the two cells of the cursor and a
// space between columns): a column left out is 0 wide.
func widths(cols []column, width int) []int {
	w := make([]int, len(cols))
	room := width - 2
	used := func() int {
		n, shown := 0, 0
		for _, x := range w {
			if x > 0 {
				n += x
				shown++
			}
		}
		return n + max(0, shown-1)
	}
	for i, c := range cols {
		w[i] = max(1, c.min)
	}
	for used() > room {
		out := -1
		for i, c := range cols {
			if w[i] > 0 && c.drop > 0 && (out < 0 || c.drop > cols[out].drop) {
				out = i
			}
		}
		if out < 0 {
			break
		}
		w[out] = 0
	}
	// Still too wide: the widest flexible column gives a cell at a time,
	// down to six; past that the line is cut at the width.
	for used() > room {
		widest := -1
		for i, c := range cols {
			if w[i] > 6 && c.max != c.min && (widest < 0 || w[i] > w[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		w[widest]--
	}
	// What is left goes a cell at a time to each column that may grow, so
	// the flexible ones share it evenly.
	for left := room - used(); left > 0; {
		grew := false
		for i, c := range cols {
			if left > 0 && w[i] > 0 && (c.max == 0 || w[i] < c.max) {
				w[i]++
				left--
				grew = true
			}
		}
		if !grew {
			break
		}
	}
	return w
}

// line lays cells out in columns of those widths.
func line(cols []column, w []int, cells []string) string {
	var parts []string
	for i, c := range cols {
		if w[i] == 0 {
			continue
		}
		s := truncate(cells[i], w[i])
		pad := strings.Repeat(" ", max(0, w[i]-lipgloss.Width(s)))
		if c.right {
			s = pad + s
		} else {
			s += pad
		}
		parts = append(parts, s)
	}
	return strings.TrimRight(strings.Join(parts, " "), " ")
}

// heading is the columns' titles over their widths.
func heading(cols []column, w []int, width int) string {
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	return headingStyle.Render(truncate("  "+line(cols, w, titles), width))
}

// render is the table in room lines at most: its heading, the rows from
// the one on top, the cursor's detail under its row, and a line saying how
// many rows are above and below when not all fit. cells and detail are
// asked for the rows drawn only.
func (t *rowTable) render(width, room int, cols []column, n int, cells func(i int) []string, detail func(i int) string) string {
	w := widths(cols, width)
	var s strings.Builder
	s.WriteString(heading(cols, w, width))
	var under []string
	if t.opened && t.cursor < n {
		under = strings.Split(indent(wrap(detail(t.cursor), width-6), "      "), "\n")
	}
	// Rows below the heading: all of them when they fit; else one line
	// fewer, for the line that says what is above and below.
	fit := max(2, room-1)
	if n+len(under) > fit {
		fit = max(2, room-2)
	}
	// A detail taller than the room is cut, so the header stays; it is
	// read whole in a wider or taller terminal, or in accessible mode.
	if len(under) > fit-1 {
		under = append(under[:max(0, fit-2)], "      "+dimStyle.Render("… (a taller terminal shows the rest)"))
	}
	t.top = min(t.top, t.cursor)
	for t.top < t.cursor && t.cursor-t.top+1+len(under) > fit {
		t.top++
	}
	t.top = max(0, min(t.top, n-(fit-len(under))))
	t.top = min(t.top, t.cursor)
	used, i := 0, t.top
	for ; i < n && used < fit; i++ {
		cursor := "  "
		if i == t.cursor {
			cursor = "> "
		}
		s.WriteString("\n" + truncate(cursor+line(cols, w, cells(i)), width))
		used++
		if i == t.cursor {
			for _, l := range under {
				s.WriteString("\n" + l)
				used++
			}
		}
	}
	var more []string
	if t.top > 0 {
		more = append(more, fmt.Sprintf("↑ %d more above", t.top))
	}
	if rest := n - i; rest > 0 {
		more = append(more, fmt.Sprintf("↓ %d more below", rest))
	}
	if len(more) > 0 {
		s.WriteString("\n" + dimStyle.Render(truncate("  "+strings.Join(more, " · "), width)))
	}
	return s.String()
}
