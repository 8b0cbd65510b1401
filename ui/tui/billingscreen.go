package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/ui/display"
)

// billingScreen is billing reconciliation on screen: one row per client
// and product with counted, billed, the difference and its money, the
// totals on top, a filter by status, each row's detail, and the choice per
// row or for every row in view; then the plan and apply screens every
// plan kind shares. The item mapping is checked and confirmed in its own
// view. Nothing here writes to a vendor.
type billingScreen struct {
	asks billingAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	v     *BillingView
	table rowTable

	items      bool // the item mapping view is open
	itemCursor int
	edits      map[int]billing.Product // item id -> product chosen here, not yet kept

	reason *textinput.Model // asking why rows are ignored
	toIgn  []billing.Row
}

// billingFilters are the views f steps through: the rows that need
// someone, each status, every row.
var billingFilters = append(append([]string{"open"}, statusNames()...), "all", "new since the last run", "changed since the last run")

func statusNames() []string {
	var out []string
	for _, s := range billing.Statuses {
		out = append(out, string(s))
	}
	return out
}

var (
	blQuantity     = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "fix: set the line to the count"))
	blTicket       = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "fix: open a HaloPSA ticket"))
	blIgnore       = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "ignore until the numbers change"))
	blClear        = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "clear the chosen fix"))
	blQuantityAll  = key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "set the line: rows in view not chosen yet"))
	blTicketAll    = key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "a ticket: rows in view not chosen yet"))
	blItems        = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "which items bill what"))
	blPlan         = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "plan the chosen fixes"))
	blReload       = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "read the numbers again"))
	keyConfirmLink = key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "the link is right: confirm it"))
	blTicketType   = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "the ticket type billing tickets get"))
	blCycle        = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "change its product"))
	blConfirm      = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "confirm these products"))
	blClose        = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the rows"))
	blSave         = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ignore, with this reason"))
	blCancel       = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

type (
	billingMsg struct {
		v   BillingView
		err error
	}
)

func newBillingScreen() *billingScreen {
	return &billingScreen{edits: map[int]billing.Product{}, table: newRowTable(billingFilters, tbFilterStatus)}
}

func (b *billingScreen) title() string {
	if b.items {
		return "Billing: items"
	}
	return "Billing"
}

func (b *billingScreen) typing() bool { return b.reason != nil || b.table.searching() }
func (b *billingScreen) modal() bool  { return b.reason != nil || b.table.searching() || b.items }

func (b *billingScreen) keys() []key.Binding {
	switch {
	case b.v == nil:
		return nil
	case b.reason != nil:
		return []key.Binding{blSave, blCancel}
	case b.items:
		return []key.Binding{keyUp, keyDown, blCycle, blConfirm, blClose}
	}
	rows := b.rows()
	keys := b.table.headKeys(len(rows))
	if b.table.searching() {
		return keys
	}
	if len(rows) > 0 {
		keys = append(keys, blQuantity, blTicket, blIgnore, blQuantityAll, blTicketAll)
	}
	if c := b.table.cursor; c < len(rows) && rows[c].Status == billing.CheckMapping {
		keys = append(keys, keyConfirmLink)
	}
	if c := b.table.cursor; c < len(rows) && rows[c].Choice != "" {
		keys = append(keys, blClear)
	}
	keys = append(keys, blItems, blPlan, blReload)
	if len(b.v.TicketTypes) > 0 {
		keys = append(keys, blTicketType)
	}
	if len(b.v.Teams) > 0 {
		keys = append(keys, keyTeam)
	}
	return append(keys, b.table.tailKeys(len(rows))...)
}

func (b *billingScreen) start() event {
	return askEvent{label: "Reading Liongard's counts and HaloPSA's recurring invoices (nothing is sent)…", fn: func(ctx context.Context) tea.Msg {
		v, err := b.asks.Billing(ctx)
		return billingMsg{v, err}
	}}
}

// rows are the report's rows the filter shows.
func (b *billingScreen) rows() []billing.Row {
	if b.v == nil {
		return nil
	}
	f := b.table.view()
	since := map[string]bool{}
	switch f {
	case "new since the last run":
		for _, id := range b.v.Since.New {
			since[id] = true
		}
	case "changed since the last run":
		for _, c := range b.v.Since.Changed {
			since[c.ID] = true
		}
	}
	var out []billing.Row
	for _, r := range b.v.Report.Rows {
		if !b.table.holds(r.Client.Name) {
			continue
		}
		if f == "all" || f == "open" && r.NeedsSomeone() || string(r.Status) == f || since[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

func (b *billingScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case billingMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		b.v = &m.v
		b.table.clamp(len(b.rows()))
		b.itemCursor = min(b.itemCursor, max(0, len(m.v.Items)-1))
		if len(m.v.Made) > 0 {
			return infoEvent{"Created in Liongard, once, to count users: " + strings.Join(m.v.Made, ", ") + "."}, nil
		}
	case savedMsg:
		return m.said(b.start), nil
	case backMsg:
		if b.v != nil {
			return b.start(), nil // back from an apply: the numbers may have moved
		}
	case tea.KeyPressMsg:
		switch {
		case b.v == nil:
			return nil, nil
		case b.reason != nil:
			return b.reasonKey(m)
		case b.items:
			return b.itemKey(m), nil
		}
		return b.rowKey(m)
	case tea.PasteMsg:
		if b.reason != nil {
			var cmd tea.Cmd
			*b.reason, cmd = b.reason.Update(m)
			return nil, cmd
		}
		_, cmd := b.table.paste(m)
		return nil, cmd
	}
	return nil, nil
}

func (b *billingScreen) rowKey(k tea.KeyPressMsg) (event, tea.Cmd) {
	keys, rows := b.keys(), b.rows()
	if done, cmd := b.table.key(k, keys, len(rows)); done {
		return nil, cmd
	}
	switch {
	case offered(k, keys, blClear):
		r := rows[b.table.cursor]
		info := fmt.Sprintf("%s: no fix chosen.", r.ID)
		return askEvent{fn: func(ctx context.Context) tea.Msg {
			return savedMsg{info: info, err: b.asks.ChooseBilling(ctx, []billing.Row{r}, "", ""), reread: true}
		}}, nil
	case offered(k, keys, keyConfirmLink):
		return confirmLink(b.asks, rows[b.table.cursor].Client.ID), nil
	case offered(k, keys, blItems):
		b.items = true
	case offered(k, keys, blReload):
		return b.start(), nil
	case offered(k, keys, keyTeam):
		return stepTeam(b.asks, change.Billing, "Billing tickets", b.v.Teams, &b.v.Team, true), nil
	case offered(k, keys, blTicketType):
		return stepTicketType(b.asks, change.Billing, "Billing tickets", b.v.TicketTypes, &b.v.TicketType, true), nil
	case offered(k, keys, blPlan):
		if n := len(b.v.Report.Unconfirmed); n > 0 {
			return errorEvent{fmt.Errorf("%s billed by mspwire's proposal: press i to check and confirm them before planning", plural.N(n, "item is", "items are"))}, nil
		}
		return pushEvent{newMadePlanScreen(planMaker{label: "Working out the chosen billing fixes from fresh numbers (nothing is sent)…",
			make: func(ctx context.Context) (SyncPlan, error) { return b.asks.MakeBillingPlan(ctx) }})}, nil
	case offered(k, keys, blQuantity), offered(k, keys, blTicket):
		choice := map[bool]string{true: "quantity", false: "ticket"}[key.Matches(k, blQuantity)]
		r := rows[b.table.cursor]
		if err := billing.CanChoose(r, choice); err != nil {
			return errorEvent{err}, nil
		}
		return b.choose([]billing.Row{r}, choice, ""), nil
	case offered(k, keys, blQuantityAll), offered(k, keys, blTicketAll):
		choice := map[bool]string{true: "quantity", false: "ticket"}[key.Matches(k, blQuantityAll)]
		// Rows already chosen keep their choice: s, t or x on one row
		// changes it.
		var can []billing.Row
		kept := 0
		for _, r := range rows {
			switch {
			case r.Choice != "":
				kept++
			case billing.CanChoose(r, choice) == nil:
				can = append(can, r)
			}
		}
		if len(can) == 0 {
			return errorEvent{fmt.Errorf("no row in view without a choice can take that fix")}, nil
		}
		return b.choose(can, choice, fmt.Sprintf(" (%d kept their choice, %d cannot take it)", kept, len(rows)-len(can)-kept)), nil
	case offered(k, keys, blIgnore):
		r := rows[b.table.cursor]
		if err := billing.CanChoose(r, "ignore"); err != nil {
			return errorEvent{err}, nil
		}
		ti := newTextInput("") // no placeholder: a hint in the field reads as typed
		ti.CharLimit = 200
		b.reason, b.toIgn = &ti, []billing.Row{r}
		return nil, nil
	}
	return nil, nil
}

// choose keeps a choice for rows, then reads the numbers again.
func (b *billingScreen) choose(rows []billing.Row, choice, left string) event {
	words := map[string]string{"quantity": "to have their line set to the count", "ticket": "to get a HaloPSA ticket"}[choice]
	info := fmt.Sprintf("%s %s%s. p plans the chosen fixes.", plural.N(len(rows), "row", "rows"), words, left)
	if len(rows) == 1 {
		info = fmt.Sprintf("%s %s: %s. p plans the chosen fixes.", display.Safe(rows[0].Client.Name), rows[0].Product.Title(),
			map[string]string{"quantity": "its line will be set to the count", "ticket": "it will get a HaloPSA ticket"}[choice])
	}
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		return savedMsg{info: info, err: b.asks.ChooseBilling(ctx, rows, choice, ""), reread: true}
	}}
}

func (b *billingScreen) reasonKey(k tea.KeyPressMsg) (event, tea.Cmd) {
	switch {
	case key.Matches(k, blCancel):
		b.reason, b.toIgn = nil, nil
		return infoEvent{"Not ignored."}, nil
	case key.Matches(k, blSave):
		why := strings.TrimSpace(b.reason.Value())
		if why == "" {
			return errorEvent{fmt.Errorf("say why it is ignored: the reason is kept with the row and in the audit log")}, nil
		}
		rows := b.toIgn
		b.reason, b.toIgn = nil, nil
		info := fmt.Sprintf("%s %s ignored until its numbers change.", display.Safe(rows[0].Client.Name), rows[0].Product.Title())
		return askEvent{fn: func(ctx context.Context) tea.Msg {
			return savedMsg{info: info, err: b.asks.ChooseBilling(ctx, rows, "ignore", why), reread: true}
		}}, nil
	}
	var cmd tea.Cmd
	*b.reason, cmd = b.reason.Update(k)
	return nil, cmd
}

func (b *billingScreen) itemKey(k tea.KeyPressMsg) event {
	keys, items := b.keys(), b.v.Items
	switch {
	case offered(k, keys, blClose):
		b.items = false
	case offered(k, keys, keyUp):
		b.itemCursor = max(0, b.itemCursor-1)
	case offered(k, keys, keyDown):
		b.itemCursor = min(max(0, len(items)-1), b.itemCursor+1)
	case offered(k, keys, blCycle) && len(items) > 0:
		it := items[b.itemCursor]
		b.edits[it.ItemID] = nextProduct(b.product(it))
	case offered(k, keys, blConfirm) && len(items) > 0:
		var keep []billing.ItemMapping
		for _, it := range items {
			it.Product = b.product(it)
			keep = append(keep, it)
		}
		b.edits, b.items = map[int]billing.Product{}, false
		info := fmt.Sprintf("%s confirmed: the numbers are read again.", plural.N(len(keep), "item is", "items are"))
		return askEvent{fn: func(ctx context.Context) tea.Msg {
			return savedMsg{info: info, err: b.asks.ConfirmItems(ctx, keep), reread: true}
		}}
	}
	return nil
}

// product is an item's product as this view shows it: an edit made here,
// else the confirmed or proposed one.
func (b *billingScreen) product(it billing.ItemMapping) billing.Product {
	if p, ok := b.edits[it.ItemID]; ok {
		return p
	}
	return it.Product
}

func nextProduct(p billing.Product) billing.Product {
	switch p {
	case billing.M365:
		return billing.GoogleWorkspace
	case billing.GoogleWorkspace:
		return billing.None
	}
	return billing.M365
}

func (b *billingScreen) view(width, height int) string {
	if b.v == nil {
		return "Reading…"
	}
	if b.items {
		return b.itemsView(width)
	}
	rep := b.v.Report
	var s strings.Builder
	var counts []string
	for _, st := range billing.Statuses {
		if n := rep.Totals.ByStatus[st]; n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, st.Words()))
		}
	}
	if len(counts) == 0 {
		counts = []string{"no client has users counted or seats billed"}
	}
	s.WriteString(wrap(strings.Join(counts, " · "), width) + "\n")
	in := "" // said when HaloPSA names the invoices' currency
	if len(rep.Currencies) > 0 {
		in = " (" + display.Safe(rep.In()) + ")"
	}
	s.WriteString(wrap(fmt.Sprintf("%s a month not billed · %s a month billed too much%s", display.Money(rep.Totals.NotBilledMonthly), display.Money(rep.Totals.OverBilledMonthly), in), width) + "\n")
	if n := rep.Totals.InHand; n > 0 {
		s.WriteString(wrap(fmt.Sprintf("In hand, apart: %s with an open ticket, %s a month.", plural.N(n, "row", "rows"), display.SignedMoney(rep.Totals.InHandMonthly)), width) + "\n")
	}
	if b.v.Since.Run != 0 {
		s.WriteString(dimStyle.Render(wrap(b.v.Since.Sentence(), width)) + "\n")
	}
	if n := len(rep.Unconfirmed); n > 0 {
		s.WriteString(errStyle.Render(wrap(fmt.Sprintf("! %s billed by mspwire's proposal, not confirmed: i to check them; p plans once they are.", plural.N(n, "item is", "items are")), width)) + "\n")
	}
	var tol []string
	for _, p := range billing.Products {
		if n := b.v.Tolerances[string(p)]; n > 0 {
			tol = append(tol, fmt.Sprintf("%s ±%d", p.Title(), n))
		}
	}
	if len(tol) > 0 {
		s.WriteString(wrap("Counted as a match within: "+strings.Join(tol, ", ")+" seats.", width) + "\n")
	}
	rows := b.rows()
	if b.reason != nil {
		// The reason is asked above the table, where it stays in view.
		what := "these rows"
		if len(b.toIgn) == 1 {
			what = display.Safe(b.toIgn[0].Client.Name) + "'s " + b.toIgn[0].Product.Title()
		}
		s.WriteString(wrap("Ignore "+what+" until its numbers change. Why? (enter keeps it, esc cancels)", width) + "\n")
		s.WriteString(b.reason.View() + "\n")
	}
	s.WriteString(ticketLine(b.v.TicketTypes, b.v.TicketType, b.v.Team, width) + "\n")
	s.WriteString(dimStyle.Render(truncate(fmt.Sprintf("Showing %s: %d of %s · f: filter · /: search", strings.ReplaceAll(b.table.view(), "_", "-"), len(rows), plural.N(len(rep.Rows), "row", "rows")), width)) + "\n")
	if l := b.table.searchLine(width); l != "" {
		s.WriteString(l + "\n")
	}
	s.WriteString("\n")
	if len(rows) == 0 {
		return s.String() + "No row in this view."
	}
	top := s.String()
	return top + b.table.render(width, height-strings.Count(top, "\n"), billingColumns, len(rows),
		func(i int) []string { return billingCells(rows[i]) },
		func(i int) string { return BillingDetail(rows[i]) })
}

// billingColumns: the money a month, then the difference, are left out
// first when the width is short (the detail has both).
var billingColumns = []column{
	{title: "CLIENT", min: 18, max: 44},
	{title: "PRODUCT", min: 9, max: 9},
	{title: "COUNT", min: 5, max: 5, right: true},
	{title: "BILLED", min: 6, max: 6, right: true},
	{title: "DIFF", min: 5, max: 5, right: true, drop: 1},
	{title: "MONTHLY", min: 10, max: 10, right: true, drop: 2},
	{title: "STATUS", min: 13, max: 13},
	{title: "FIX", min: 6, max: 6},
}

func billingCells(r billing.Row) []string {
	cnt, diff, mon := "-", "-", "-"
	switch {
	case r.Counted != nil:
		cnt, diff = strconv.Itoa(*r.Counted), fmt.Sprintf("%+d", *r.Difference)
	case r.LastCount != nil:
		cnt = dimStyle.Render(strconv.Itoa(*r.LastCount)) // out of date: greyed, its date in the detail
	}
	if r.MonthlyDifference != nil {
		mon = display.SignedMoney(*r.MonthlyDifference)
	}
	fix := map[string]string{"quantity": "set", "ticket": "ticket"}[r.Choice]
	return []string{display.Safe(r.Client.Name), shortProduct(r.Product), cnt, strconv.Itoa(r.Billed), diff, mon, r.Status.Words(), fix}
}

// BillingDetail is a billing row read out in full: where the count comes
// from, the lines, why, what is chosen; a line each.
func BillingDetail(r billing.Row) string {
	var d []string
	why := r.Why
	if r.Status == billing.Unmapped {
		why += " (m on home)"
	}
	d = append(d, fmt.Sprintf("%s · %s · %s", display.Safe(r.Client.Name), r.Product.Title(), why))
	if r.Environment != nil {
		at := "no inspection date"
		if r.CountedAt != nil {
			at = "inspected " + r.CountedAt.UTC().Format("2006-01-02")
		}
		d = append(d, fmt.Sprintf("Liongard: %s (environment %s), metric %q, %s", display.Safe(r.Environment.Name), r.Environment.ID, r.Metric, at))
	}
	for _, l := range r.Lines {
		calc := ""
		if l.Calculated {
			calc = " (HaloPSA calculates its quantity)"
		}
		d = append(d, fmt.Sprintf("HaloPSA: invoice %d, line %d: %s × %s at %.2f%s", l.InvoiceID, l.LineID, strconv.FormatFloat(l.Quantity, 'f', -1, 64), display.Safe(l.Item), l.UnitPrice, calc))
	}
	if r.MonthlyDifference != nil && r.Difference != nil {
		how := fmt.Sprintf("%+d × %.2f", *r.Difference, r.UnitPrice)
		if len(r.Lines) == 0 {
			how += ", the price other clients' lines bill " + r.Product.Title() + " at"
		}
		money := display.SignedMoney(*r.MonthlyDifference)
		if r.Currency != "" {
			money += " " + display.Safe(r.Currency)
		}
		d = append(d, "A month: "+money+" ("+how+")")
	}
	if r.Choice != "" {
		d = append(d, "Chosen: "+map[string]string{"quantity": "set the line to the count", "ticket": "a HaloPSA ticket", "ignore": "ignored: " + r.Reason}[r.Choice])
	}
	if t := r.Ticket; t != nil {
		d = append(d, fmt.Sprintf("HaloPSA ticket %d, %s, opened %s", t.ID, t.Status, t.OpenedAt))
	}
	return strings.Join(d, "\n")
}

var itemColumns = []column{
	{title: "ITEM", min: 12, max: 60},
	{title: "PRODUCT", min: 16, max: 16},
	{title: "LINES", min: 5, max: 5, right: true},
	{title: "STATE", min: 9, max: 9},
}

func (b *billingScreen) itemsView(width int) string {
	var s strings.Builder
	s.WriteString(wrap("Which product each item bills: mspwire's proposal until you confirm it. enter changes the one under the cursor; c confirms them all as shown.", width) + "\n\n")
	if len(b.v.Items) == 0 {
		s.WriteString("No recurring line bills an item.\n")
		return strings.TrimRight(s.String(), "\n")
	}
	w := widths(itemColumns, width)
	s.WriteString(heading(itemColumns, w, width) + "\n")
	for i, it := range b.v.Items {
		cursor := "  "
		if i == b.itemCursor {
			cursor = "> "
		}
		state := "proposed"
		switch _, edited := b.edits[it.ItemID]; {
		case edited:
			state = "changed"
		case it.Confirmed:
			state = "confirmed"
		}
		s.WriteString(truncate(cursor+line(itemColumns, w, []string{display.Safe(it.Name), b.product(it).Title(), strconv.Itoa(it.Lines), state}), width) + "\n")
		if i == b.itemCursor {
			s.WriteString(dimStyle.Render(truncate("      why: "+it.Why, width)) + "\n")
		}
	}
	return strings.TrimRight(s.String(), "\n")
}

// focus keeps the cursor's row, and its detail, in sight when even the
// table's own window is taller than the room.
func (b *billingScreen) focus() (int, int) {
	if b.v == nil {
		return 0, 0
	}
	return cursorSpan(b.view(b.width, b.height))
}

func shortProduct(p billing.Product) string {
	if p == billing.GoogleWorkspace {
		return "Google WS"
	}
	return "M365"
}
