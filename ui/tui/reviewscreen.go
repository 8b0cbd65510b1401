package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/display"
)

// reviewScreen is the company-match review: a table of every record of the
// source of truth with mspwire's suggestion and the decision, drawn a
// screenful at a time however long the list; a detail pane with both
// records and the candidates; keys for every decision. Each decision is in
// SQLite before the next key is handled: keys typed meanwhile wait.
type reviewScreen struct {
	asks reviewAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	suggest bool // match the inventories again on the way in
	model   *review.Model
	counts  review.Counts
	cursor  int
	top     int // first row drawn
	mode    reviewMode
	input   textinput.Model
	results []store.RecordRef // re-map: candidates, then records found
	pick    int
}

type reviewMode int

const (
	browsing reviewMode = iota
	filtering
	remapping
)

var (
	rvPageUp   = key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up"))
	rvPageDown = key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down"))
	rvFirst    = key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first row"))
	rvLast     = key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last row"))
	rvPickUp   = key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "previous record"))
	rvPickDown = key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "next record"))
	rvAccept   = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept"))
	rvReject   = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reject"))
	rvRemap    = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "re-map (search)"))
	rvNew      = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "create new"))
	rvIgnore   = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "ignore"))
	rvStrong   = key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "accept all exact+strong in view"))
	rvUndo     = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo"))
	rvFilter   = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter by text"))
	rvBand     = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "filter by band"))
	rvState    = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "filter by state"))
	rvHide     = key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hide decided"))
	rvNext     = key.NewBinding(key.WithKeys("."), key.WithHelp(".", "next undecided"))
	rvDups     = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "duplicates only"))
	rvStale    = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "stale only"))
	rvPair     = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "next system pair"))
	rvChoose   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose"))
	rvCancel   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	rvKeepText = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter"))
	rvPlan     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "plan the sync"))
)

type (
	reviewMsg struct {
		model *review.Model
		err   error
	}
	decidedMsg struct {
		rows  []store.Decision
		n     int
		what  string
		err   error
		focus int64
	}
)

func newReviewScreen(suggest bool) *reviewScreen {
	ti := textinput.New()
	st := ti.Styles()
	st.Cursor.Blink = false
	ti.SetStyles(st)
	return &reviewScreen{suggest: suggest, input: ti}
}

func (r *reviewScreen) title() string {
	if r.model == nil {
		return "Review matches"
	}
	return "Review · " + r.model.Pair().Title()
}

func (r *reviewScreen) typing() bool { return r.mode != browsing }
func (r *reviewScreen) modal() bool  { return r.mode != browsing }

func (r *reviewScreen) keys() []key.Binding {
	switch {
	case r.model == nil:
		return nil
	case r.mode == filtering:
		return []key.Binding{rvKeepText, rvCancel}
	case r.mode == remapping:
		return []key.Binding{rvPickUp, rvPickDown, rvChoose, rvCancel}
	}
	return []key.Binding{keyUp, keyDown, rvAccept, rvReject, rvPlan, rvRemap, rvNew, rvIgnore, rvStrong, rvUndo, rvNext, rvFilter, rvBand, rvState,
		rvHide, rvDups, rvStale, rvPair, rvPageUp, rvPageDown, rvFirst, rvLast}
}

func (r *reviewScreen) start() event {
	label, suggest := "Opening the review…", r.suggest
	if suggest {
		label = "Matching the inventories (decisions already made are kept)…"
	}
	return askEvent{label: label, fn: func(ctx context.Context) tea.Msg {
		m, err := r.asks.Review(ctx, suggest)
		if err == nil && !suggest && len(m.All("")) == 0 { // never matched yet
			m, err = r.asks.Review(ctx, true)
		}
		return reviewMsg{m, err}
	}}
}

func (r *reviewScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case reviewMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		r.model = m.model
		r.model.SetFilter(review.Filter{State: "todo"})
		if r.model.Len() == 0 {
			r.model.SetFilter(review.Filter{})
		}
		r.counts = r.model.Counts()
		return nil, nil
	case decidedMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		r.model.Put(m.rows)
		r.counts = r.model.Counts()
		r.settle(m.focus)
		if m.what != "" {
			return infoEvent{m.what}, nil
		}
	case tea.KeyPressMsg:
		if r.model == nil {
			return nil, nil
		}
		switch r.mode {
		case filtering:
			return r.filterKey(m), nil
		case remapping:
			return r.remapKey(m), nil
		}
		return r.browseKey(m), nil
	case tea.PasteMsg:
		if r.mode != browsing {
			var cmd tea.Cmd
			r.input, cmd = r.input.Update(m)
			r.typed()
			return nil, cmd
		}
	}
	return nil, nil
}

// settle keeps the cursor on the row acted on, or where it was.
func (r *reviewScreen) settle(id int64) {
	if i := r.model.Index(id); i >= 0 {
		r.cursor = i
	}
	r.cursor = max(0, min(r.cursor, r.model.Len()-1))
}

func (r *reviewScreen) current() (store.Decision, bool) {
	if r.model.Len() == 0 {
		return store.Decision{}, false
	}
	return r.model.At(r.cursor), true
}

// decide writes changes off the update loop; the screen shows them when
// SQLite has them, and keys typed meanwhile wait.
func (r *reviewScreen) decide(changes []store.Change, what string) event {
	if len(changes) == 0 {
		return infoEvent{"Nothing to change in view."}
	}
	model, focus := r.model, changes[0].ID
	label := ""
	if len(changes) > 50 {
		label = fmt.Sprintf("Saving %s decisions…", thousands(len(changes)))
	}
	return askEvent{label: label, fn: func(ctx context.Context) tea.Msg {
		rows, err := model.Write(ctx, changes)
		return decidedMsg{rows: rows, n: len(rows), what: what, err: err, focus: focus}
	}}
}

func (r *reviewScreen) browseKey(k tea.KeyPressMsg) event {
	page := max(1, r.rows()-1)
	d, ok := r.current()
	one := func(state string) []store.Change {
		if !ok {
			return nil
		}
		return []store.Change{{ID: d.ID, State: state}}
	}
	keys := r.keys()
	switch {
	case offered(k, keys, keyUp):
		r.cursor = max(0, r.cursor-1)
	case offered(k, keys, keyDown):
		r.cursor = min(r.model.Len()-1, r.cursor+1)
	case offered(k, keys, rvPageUp):
		r.cursor = max(0, r.cursor-page)
	case offered(k, keys, rvPageDown):
		r.cursor = min(r.model.Len()-1, r.cursor+page)
	case offered(k, keys, rvFirst):
		r.cursor = 0
	case offered(k, keys, rvLast):
		r.cursor = max(0, r.model.Len()-1)
	case offered(k, keys, rvAccept):
		if ok && d.Right.ID == "" {
			return infoEvent{"Nothing is suggested for this one: m to re-map, n to create it, i to ignore it."}
		}
		return r.decide(one(store.StateAccepted), "")
	case offered(k, keys, rvReject):
		if ok && d.Right.ID == "" {
			return infoEvent{"Nothing is suggested to reject."}
		}
		return r.decide(one(store.StateRejected), "")
	case offered(k, keys, rvPlan):
		return pushEvent{newPlanScreen(true, 0)}
	case offered(k, keys, rvNew):
		return r.decide(one(store.StateCreate), r.namesakeWarning(d))
	case offered(k, keys, rvIgnore):
		return r.decide(one(store.StateIgnore), "")
	case offered(k, keys, rvStrong):
		ids := r.model.SafeIDs()
		changes := make([]store.Change, len(ids))
		for i, id := range ids {
			changes[i] = store.Change{ID: id, State: store.StateAccepted}
		}
		what := fmt.Sprintf("Accepted %s exact and strong suggestions (u undoes them all).", thousands(len(ids)))
		if left := r.model.HeldBack(); left > 0 {
			what += fmt.Sprintf(" Skipped %s whose match has a twin: yours to look at.", plural.N(left, "row", "rows"))
		}
		return r.decide(changes, what)
	case offered(k, keys, rvUndo):
		model := r.model
		return askEvent{fn: func(ctx context.Context) tea.Msg {
			rows, err := model.UndoWrite(ctx)
			what := "Nothing to undo."
			if len(rows) > 0 {
				what = fmt.Sprintf("Undid the last action (%d row(s)).", len(rows))
			}
			var focus int64
			if len(rows) == 1 {
				focus = rows[0].ID
			}
			return decidedMsg{rows: rows, what: what, err: err, focus: focus}
		}}
	case offered(k, keys, rvRemap):
		if !ok {
			return nil
		}
		r.mode, r.pick = remapping, 0
		r.input.SetValue("")
		r.input.Focus()
		r.typed()
	case offered(k, keys, rvFilter):
		r.mode = filtering
		r.input.SetValue(r.model.Filter().Text)
		r.input.Focus()
	case offered(k, keys, rvNext):
		for i := 1; i <= r.model.Len(); i++ {
			j := (r.cursor + i) % r.model.Len()
			if !r.model.At(j).Decided() {
				r.cursor = j
				return nil
			}
		}
		return infoEvent{"Every row in view is decided."}
	case offered(k, keys, rvBand):
		f := r.model.Filter()
		f.Band = cycle(f.Band, "", "exact", "strong", "review", "none")
		r.refilter(f)
	case offered(k, keys, rvState):
		f := r.model.Filter()
		f.State = cycle(f.State, "", "todo", store.StateAccepted, store.StateRemapped, store.StateRejected, store.StateCreate, store.StateIgnore)
		r.refilter(f)
	case offered(k, keys, rvHide):
		f := r.model.Filter()
		f.HideDecided = !f.HideDecided
		r.refilter(f)
	case offered(k, keys, rvDups):
		f := r.model.Filter()
		f.Duplicates = !f.Duplicates
		r.refilter(f)
	case offered(k, keys, rvStale):
		f := r.model.Filter()
		f.Stale = !f.Stale
		r.refilter(f)
	case offered(k, keys, rvPair):
		r.model.NextPair()
		r.cursor, r.top = 0, 0
		r.counts = r.model.Counts()
	}
	return nil
}

// namesakeWarning says, when a row is marked to create, that the other
// system already has a record of that name, and which row holds it.
func (r *reviewScreen) namesakeWarning(d store.Decision) string {
	same := r.model.Namesakes(d.ID)
	if len(same) == 0 {
		return ""
	}
	n := same[0]
	held := "no row holds it: m re-maps this one to it"
	switch {
	case d.Right.ID == n.Record.ID:
		held = "it is this row's own suggestion: a accepts it, u undoes this"
	case n.TakenBy != 0:
		held = fmt.Sprintf("row %d took it (its twin?): m re-maps, u undoes", n.TakenBy)
	}
	return fmt.Sprintf("! %s %q (%s) has this name already; creating makes a second one — %s.",
		adapter.InfoOf(n.Record.System).Record, display.Safe(n.Record.Name), n.Record.ID, held)
}

func cycle(v string, order ...string) string {
	for i, x := range order {
		if x == v {
			return order[(i+1)%len(order)]
		}
	}
	return order[0]
}

func (r *reviewScreen) refilter(f review.Filter) {
	var id int64
	if d, ok := r.current(); ok {
		id = d.ID
	}
	r.model.SetFilter(f)
	r.cursor = 0
	r.settle(id)
}

func (r *reviewScreen) filterKey(k tea.KeyPressMsg) event {
	keys := r.keys()
	switch {
	case offered(k, keys, rvKeepText):
		r.mode = browsing
	case offered(k, keys, rvCancel):
		r.mode = browsing
		f := r.model.Filter()
		f.Text = ""
		r.refilter(f)
	default:
		r.input, _ = r.input.Update(k)
		f := r.model.Filter()
		f.Text = r.input.Value()
		r.refilter(f)
	}
	return nil
}

func (r *reviewScreen) remapKey(k tea.KeyPressMsg) event {
	keys := r.keys()
	switch {
	case offered(k, keys, rvCancel):
		r.mode = browsing
	case offered(k, keys, rvPickUp):
		r.pick = max(0, r.pick-1)
	case offered(k, keys, rvPickDown):
		r.pick = min(len(r.results)-1, r.pick+1)
	case offered(k, keys, rvChoose):
		d, ok := r.current()
		if !ok || len(r.results) == 0 {
			return nil
		}
		chosen := r.results[r.pick]
		r.mode = browsing
		return r.decide([]store.Change{{ID: d.ID, State: store.StateRemapped, Right: chosen}}, "")
	default:
		r.input, _ = r.input.Update(k)
		r.typed()
	}
	return nil
}

// typed searches the other system as the operator types: the row's
// candidates first, then names that start with the text, then contain it.
func (r *reviewScreen) typed() {
	d, _ := r.current()
	text := strings.TrimSpace(r.input.Value())
	r.results = r.results[:0]
	seen := map[string]bool{}
	if text == "" {
		for _, c := range d.Candidates {
			r.results = append(r.results, store.RecordRef{System: d.Right.System, ID: c.ID, Name: c.Name})
			seen[c.ID] = true
		}
	}
	for _, x := range r.model.Search(text, 12) {
		if !seen[x.ID] {
			r.results = append(r.results, x)
		}
	}
	r.pick = min(r.pick, max(0, len(r.results)-1))
}

// rows is how many table rows fit, from the last size drawn (a page).
func (r *reviewScreen) rows() int {
	if r.wide() {
		return max(3, r.height-3)
	}
	return max(3, r.height-3-max(2, min(7, r.height/3)))
}

func (r *reviewScreen) wide() bool { return r.width >= 120 }

func (r *reviewScreen) view(width, height int) string {
	r.width, r.height = width, height
	if r.model == nil {
		return "Reading the review…"
	}
	head := truncate(r.counts.String(), width) + "\n"
	switch r.mode {
	case filtering:
		head += "filter by name or id: " + r.input.View() + "\n"
	default:
		// The filter comes right after the count it explains, before the
		// pair, so a narrow terminal cuts the pair's name, not the filter.
		inView := fmt.Sprintf("%s of %s rows in view", thousands(r.model.Len()), thousands(r.counts.Total))
		if f := filterText(r.model.Filter()); f != "" {
			inView += " (filter: " + f + ")"
		}
		head += dimStyle.Render(truncate(inView+" · pair "+r.model.Pair().ID+" (p for the next)", width)) + "\n"
	}
	if !r.wide() {
		detail := clipLines(r.detail(width), max(2, min(7, height/3)))
		return head + r.table(width, max(3, height-3-lipgloss.Height(detail))) + "\n" + detail
	}
	tableWidth := width * 3 / 5
	return head + lipgloss.JoinHorizontal(lipgloss.Top, r.table(tableWidth, r.rows()), "  ", r.detail(width-tableWidth-2))
}

func filterText(f review.Filter) string {
	var parts []string
	if f.State != "" {
		parts = append(parts, "state "+f.State)
	}
	if f.Band != "" {
		parts = append(parts, "band "+f.Band)
	}
	if f.Text != "" {
		parts = append(parts, fmt.Sprintf("%q", f.Text))
	}
	if f.HideDecided {
		parts = append(parts, "decided hidden")
	}
	if f.Duplicates {
		parts = append(parts, "duplicates")
	}
	if f.Stale {
		parts = append(parts, "stale")
	}
	return strings.Join(parts, ", ")
}

// table draws only the rows in sight: a 10,000-row review costs what a
// screenful costs.
func (r *reviewScreen) table(width, rows int) string {
	n := r.model.Len()
	if n == 0 {
		return "No rows in view. s, b, h, d or t change the filter; / clears the text."
	}
	if r.cursor < r.top {
		r.top = r.cursor
	}
	if r.cursor >= r.top+rows {
		r.top = r.cursor - rows + 1
	}
	r.top = max(0, min(r.top, n-rows))
	score, band, state := 5, 6, 9
	name := max(8, (width-score-band-state-8)/2)
	var b strings.Builder
	fmt.Fprintf(&b, "  %s %s %s %s %s\n", pad("SOURCE", name), pad("SUGGESTED", name), pad("SCORE", score), pad("BAND", band), "DECISION")
	for i := r.top; i < min(n, r.top+rows); i++ {
		d := r.model.At(i)
		cursor := "  "
		if i == r.cursor {
			cursor = "> "
		}
		right := display.Safe(d.Right.Name)
		if d.Right.ID == "" {
			right = "—"
		}
		dec := d.Label()
		if d.Stale != "" {
			dec += " !"
		} else if d.Duplicate != "" {
			dec += " ≈"
		}
		line := fmt.Sprintf("%s%s %s %s %s %s", cursor, pad(display.Safe(d.Left.Name), name), pad(right, name), pad(fmt.Sprintf("%.2f", d.Score), score), pad(d.Band, band), dec)
		if i == r.cursor {
			line = lipgloss.NewStyle().Reverse(true).Render(line)
		}
		b.WriteString(line + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// pad fits plain text to exactly n cells.
func pad(s string, n int) string {
	if w := lipgloss.Width(s); w > n {
		return truncate(s, n)
	} else if w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

func (r *reviewScreen) detail(width int) string {
	d, ok := r.current()
	if !ok {
		return ""
	}
	var b strings.Builder
	if r.mode == remapping {
		b.WriteString(wrap(fmt.Sprintf("Re-map %s '%s' to (type to search %s by name or id):", display.Safe(d.Left.ID), display.Safe(d.Left.Name),
			systemName(d.Right.System)), width) + "\n" + r.input.View() + "\n")
		for i, x := range r.results {
			mark := "  "
			if i == r.pick {
				mark = "> "
			}
			b.WriteString(truncate(fmt.Sprintf("%s%s %s", mark, display.Safe(x.ID), display.Safe(x.Name)), width) + "\n")
		}
		if len(r.results) == 0 {
			b.WriteString(dimStyle.Render("  no record found") + "\n")
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%s %s: %s\n", systemName(d.Left.System), display.Safe(d.Left.ID), display.Safe(d.Left.Name))
	if d.Right.ID != "" {
		fmt.Fprintf(&b, "%s %s: %s\n", systemName(d.Right.System), display.Safe(d.Right.ID), display.Safe(d.Right.Name))
	} else {
		fmt.Fprintf(&b, "%s: nothing suggested\n", systemName(d.Right.System))
	}
	fmt.Fprintf(&b, "%s · %.2f %s · %s\n", d.Label(), d.Score, d.Band, display.Safe(d.Reason))
	if d.Stale != "" {
		b.WriteString("! stale: " + d.Stale + "\n")
	}
	if d.Duplicate != "" {
		b.WriteString("≈ duplicate: " + d.Duplicate + "\n")
	}
	if len(d.Candidates) > 0 {
		b.WriteString("Candidates:")
		for _, c := range d.Candidates {
			fmt.Fprintf(&b, "  %s %s (%.2f)", display.Safe(c.ID), display.Safe(c.Name), c.Score)
		}
		b.WriteString("\n")
	}
	return lipgloss.NewStyle().Width(max(10, width)).Render(strings.TrimRight(b.String(), "\n"))
}

func clipLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
