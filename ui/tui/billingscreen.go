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
	screenBase
	v      *BillingView
	filter int // index into billingFilters
	cursor int
	opened bool // the cursor row's detail is shown

	items      bool // the item mapping view is open
	itemCursor int
	edits      map[int]billing.Product // item id -> product chosen here, not yet kept

	reason *textinput.Model // asking why rows are ignored
	search *textinput.Model // typing the text rows are searched by (/)
	text   string           // the rows shown hold it in their client's name
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
	blOpen         = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "the row's detail"))
	blFilter       = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter by status"))
	blQuantity     = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "fix: set the line to the count"))
	blTicket       = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "fix: open a HaloPSA ticket"))
	blIgnore       = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "ignore until the numbers change"))
	blClear        = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "clear the chosen fix"))
	blSearch       = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search by client"))
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
	billingSavedMsg struct {
		info string
		err  error
	}
)

func newBillingScreen() *billingScreen { return &billingScreen{edits: map[int]billing.Product{}} }

func (b *billingScreen) title() string {
	if b.items {
		return "Billing: items"
	}
	return "Billing"
}

func (b *billingScreen) typing() bool { return b.reason != nil || b.search != nil }
func (b *billingScreen) modal() bool  { return b.reason != nil || b.search != nil || b.items }

func (b *billingScreen) keys() []key.Binding {
	switch {
	case b.v == nil:
		return nil
	case b.reason != nil:
		return []key.Binding{blSave, blCancel}
	case b.search != nil:
		return []key.Binding{rvKeepText, rvCancel}
	case b.items:
		return []key.Binding{keyUp, keyDown, blCycle, blConfirm, blClose}
	}
	keys := []key.Binding{keyUp, keyDown}
	if len(b.rows()) > 0 {
		keys = append(keys, blOpen, blQuantity, blTicket, blIgnore, blQuantityAll, blTicketAll)
	}
	if rows := b.rows(); b.cursor < len(rows) && rows[b.cursor].Status == billing.CheckMapping {
		keys = append(keys, keyConfirmLink)
	}
	if rows := b.rows(); b.cursor < len(rows) && rows[b.cursor].Choice != "" {
		keys = append(keys, blClear)
	}
	keys = append(keys, blFilter, blItems, blPlan, blReload)
	if len(b.v.TicketTypes) > 0 {
		keys = append(keys, blTicketType)
	}
	if len(b.rows()) > 0 {
		keys = append(keys, rvFirst, rvLast)
	}
	return append(keys, blSearch)
}

func (b *billingScreen) start() event {
	return askEvent{label: "Reading Liongard's counts and HaloPSA's recurring invoices (nothing is sent)…", fn: func(ctx context.Context) tea.Msg {
		v, err := backendOf(ctx).Billing(ctx)
		return billingMsg{v, err}
	}}
}

// rows are the report's rows the filter shows.
func (b *billingScreen) rows() []billing.Row {
	if b.v == nil {
		return nil
	}
	f := billingFilters[b.filter]
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
	text := strings.ToLower(strings.TrimSpace(b.text))
	var out []billing.Row
	for _, r := range b.v.Report.Rows {
		if text != "" && !strings.Contains(strings.ToLower(r.Client.Name), text) {
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
		b.cursor = min(b.cursor, max(0, len(b.rows())-1))
		b.itemCursor = min(b.itemCursor, max(0, len(m.v.Items)-1))
		if len(m.v.Made) > 0 {
			return infoEvent{"Created in Liongard, once, to count users: " + strings.Join(m.v.Made, ", ") + "."}, nil
		}
	case billingSavedMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		return batchEvent{b.start(), infoEvent{m.info}}, nil
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
		case b.search != nil:
			return b.searchKey(m)
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
		if b.search != nil {
			var cmd tea.Cmd
			*b.search, cmd = b.search.Update(m)
			b.text, b.cursor = b.search.Value(), 0
			return nil, cmd
		}
	}
	return nil, nil
}

// searchKey types the search: rows narrow as it is typed; enter keeps
// it, esc clears it.
func (b *billingScreen) searchKey(k tea.KeyPressMsg) (event, tea.Cmd) {
	keys := b.keys()
	switch {
	case offered(k, keys, rvKeepText):
		b.search = nil
	case offered(k, keys, rvCancel):
		b.search, b.text, b.cursor = nil, "", 0
	default:
		var cmd tea.Cmd
		*b.search, cmd = b.search.Update(k)
		b.text, b.cursor = b.search.Value(), 0
		return nil, cmd
	}
	return nil, nil
}

func (b *billingScreen) rowKey(k tea.KeyPressMsg) (event, tea.Cmd) {
	keys, rows := b.keys(), b.rows()
	switch {
	case offered(k, keys, keyUp):
		b.cursor, b.opened = max(0, b.cursor-1), false
	case offered(k, keys, keyDown):
		b.cursor, b.opened = min(max(0, len(rows)-1), b.cursor+1), false
	case offered(k, keys, rvFirst):
		b.cursor, b.opened = 0, false
	case offered(k, keys, rvLast):
		b.cursor, b.opened = max(0, len(rows)-1), false
	case offered(k, keys, blOpen):
		b.opened = !b.opened
	case offered(k, keys, blSearch):
		ti := textinput.New()
		st := ti.Styles()
		st.Cursor.Blink = false
		ti.SetStyles(st)
		ti.SetValue(b.text)
		ti.Focus()
		b.search, b.opened = &ti, false
		return nil, nil
	case offered(k, keys, blClear):
		r := rows[b.cursor]
		info := fmt.Sprintf("%s: no fix chosen.", r.ID)
		return askEvent{fn: func(ctx context.Context) tea.Msg {
			return billingSavedMsg{info: info, err: backendOf(ctx).ChooseBilling(ctx, []billing.Row{r}, "", "")}
		}}, nil
	case offered(k, keys, keyConfirmLink):
		client := rows[b.cursor].Client.ID
		return askEvent{label: "Confirming the link (reading the evidence again)…", fn: func(ctx context.Context) tea.Msg {
			info, err := backendOf(ctx).ConfirmLink(ctx, client)
			return billingSavedMsg{info: info, err: err}
		}}, nil
	case offered(k, keys, blFilter):
		b.filter, b.cursor, b.opened = (b.filter+1)%len(billingFilters), 0, false
	case offered(k, keys, blItems):
		b.items = true
	case offered(k, keys, blReload):
		return b.start(), nil
	case offered(k, keys, blTicketType):
		next := b.v.TicketTypes[0]
		for i, t := range b.v.TicketTypes {
			if t.ID == b.v.TicketType {
				next = b.v.TicketTypes[(i+1)%len(b.v.TicketTypes)]
			}
		}
		b.v.TicketType = next.ID
		info := fmt.Sprintf("Billing tickets get HaloPSA's ticket type %q (o for another).", display.Safe(next.Name))
		return askEvent{fn: func(ctx context.Context) tea.Msg {
			return billingSavedMsg{info: info, err: backendOf(ctx).SetBillingTicketType(ctx, next.ID)}
		}}, nil
	case offered(k, keys, blPlan):
		if n := len(b.v.Report.Unconfirmed); n > 0 {
			return errorEvent{fmt.Errorf("%s billed by mspwire's proposal: press i to check and confirm them before planning", plural.N(n, "item is", "items are"))}, nil
		}
		return pushEvent{newMadePlanScreen(planMaker{label: "Working out the chosen billing fixes from fresh numbers (nothing is sent)…",
			make: func(ctx context.Context, b Backend) (SyncPlan, error) { return b.MakeBillingPlan(ctx) }})}, nil
	case offered(k, keys, blQuantity), offered(k, keys, blTicket):
		choice := map[bool]string{true: "quantity", false: "ticket"}[key.Matches(k, blQuantity)]
		r := rows[b.cursor]
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
		r := rows[b.cursor]
		if err := billing.CanChoose(r, "ignore"); err != nil {
			return errorEvent{err}, nil
		}
		ti := textinput.New() // no placeholder: a hint in the field reads as typed
		ti.CharLimit = 200
		st := ti.Styles()
		st.Cursor.Blink = false
		ti.SetStyles(st)
		b.reason, b.toIgn = &ti, []billing.Row{r}
		return nil, ti.Focus()
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
		return billingSavedMsg{info: info, err: backendOf(ctx).ChooseBilling(ctx, rows, choice, "")}
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
			return billingSavedMsg{info: info, err: backendOf(ctx).ChooseBilling(ctx, rows, "ignore", why)}
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
			return billingSavedMsg{info: info, err: backendOf(ctx).ConfirmItems(ctx, keep)}
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
	s.WriteString(wrap(fmt.Sprintf("%s a month not billed · %s a month billed too much", display.Money(rep.Totals.NotBilledMonthly), display.Money(rep.Totals.OverBilledMonthly)), width) + "\n")
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
	tickets := "no ticket type chosen yet"
	for _, t := range b.v.TicketTypes {
		if t.ID == b.v.TicketType {
			tickets = display.Safe(t.Name)
		}
	}
	if b.reason != nil {
		// The reason is asked above the table, where it stays in view.
		what := "these rows"
		if len(b.toIgn) == 1 {
			what = display.Safe(b.toIgn[0].Client.Name) + "'s " + b.toIgn[0].Product.Title()
		}
		s.WriteString(wrap("Ignore "+what+" until its numbers change. Why? (enter keeps it, esc cancels)", width) + "\n")
		s.WriteString(b.reason.View() + "\n")
	}
	s.WriteString(dimStyle.Render(truncate(fmt.Sprintf("Showing %s: %d of %s · f: filter · tickets: %s (o)", strings.ReplaceAll(billingFilters[b.filter], "_", "-"), len(rows), plural.N(len(rep.Rows), "row", "rows"), tickets), width)) + "\n")
	switch {
	case b.search != nil:
		s.WriteString(truncate("Search by client: "+b.search.View()+"  (enter keeps it, esc clears it)", width) + "\n")
	case b.text != "":
		s.WriteString(dimStyle.Render(truncate(fmt.Sprintf("Clients holding %q (/ to change)", b.text), width)) + "\n")
	}
	s.WriteString("\n")
	if len(rows) == 0 {
		s.WriteString("No row of that status.\n")
		return strings.TrimRight(s.String(), "\n")
	}
	wide := width >= 90
	fixed := 2 + 10 + 6 + 7 + 6 + 13 + 7
	if wide {
		fixed += 11
	}
	client := min(44, max(10, width-fixed))
	head := fmt.Sprintf("  %-*s %-9s %5s %6s %5s", client, "CLIENT", "PRODUCT", "COUNT", "BILLED", "DIFF")
	if wide {
		head += fmt.Sprintf(" %10s", "MONTHLY")
	}
	s.WriteString(headingStyle.Render(truncate(head+fmt.Sprintf(" %-12s %s", "STATUS", "FIX"), width)) + "\n")
	for i, r := range rows {
		cursor := "  "
		if i == b.cursor {
			cursor = "> "
		}
		cnt, diff, mon := "-", "-", "-"
		if r.Counted != nil {
			cnt, diff = strconv.Itoa(*r.Counted), fmt.Sprintf("%+d", *r.Difference)
		}
		if r.MonthlyDifference != nil {
			mon = display.SignedMoney(*r.MonthlyDifference)
		}
		line := fmt.Sprintf("%s%-*s %-9s %5s %6d %5s", cursor, client, truncate(display.Safe(r.Client.Name), client), shortProduct(r.Product), cnt, r.Billed, diff)
		if wide {
			line += fmt.Sprintf(" %10s", mon)
		}
		line += fmt.Sprintf(" %-12s %s", r.Status.Words(), map[string]string{"quantity": "set", "ticket": "ticket", "ignore": ""}[r.Choice])
		s.WriteString(truncate(line, width) + "\n")
		if i == b.cursor && b.opened {
			s.WriteString(indent(wrap(b.detail(r), width-6), "      ") + "\n")
		}
	}
	return strings.TrimRight(s.String(), "\n")
}

// detail is a row opened: where the count comes from, the lines, why.
func (b *billingScreen) detail(r billing.Row) string { return BillingDetail(r) }

// BillingDetail is a billing row read out in full: where the count comes
// from, the lines, why, what is chosen; a line each.
func BillingDetail(r billing.Row) string {
	var d []string
	d = append(d, fmt.Sprintf("%s · %s · %s", display.Safe(r.Client.Name), r.Product.Title(), r.Why))
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
	if r.MonthlyDifference != nil {
		d = append(d, "A month: "+display.SignedMoney(*r.MonthlyDifference))
	}
	if r.Choice != "" {
		d = append(d, "Chosen: "+map[string]string{"quantity": "set the line to the count", "ticket": "a HaloPSA ticket", "ignore": "ignored: " + r.Reason}[r.Choice])
	}
	if t := r.Ticket; t != nil {
		d = append(d, fmt.Sprintf("HaloPSA ticket %d, %s, opened %s", t.ID, t.Status, t.OpenedAt))
	}
	return strings.Join(d, "\n")
}

func (b *billingScreen) itemsView(width int) string {
	var s strings.Builder
	s.WriteString(wrap("Which product each item bills: mspwire's proposal until you confirm it. enter changes the one under the cursor; c confirms them all as shown.", width) + "\n\n")
	if len(b.v.Items) == 0 {
		s.WriteString("No recurring line bills an item.\n")
		return strings.TrimRight(s.String(), "\n")
	}
	name := max(12, width-2-18-4-12)
	s.WriteString(headingStyle.Render(truncate(fmt.Sprintf("  %-*s %-17s %4s  %s", name, "ITEM", "PRODUCT", "LINES", "STATE"), width)) + "\n")
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
		s.WriteString(truncate(fmt.Sprintf("%s%-*s %-17s %4d  %s", cursor, name, truncate(display.Safe(it.Name), name), b.product(it).Title(), it.Lines, state), width) + "\n")
		if i == b.itemCursor {
			s.WriteString(dimStyle.Render(truncate("      why: "+it.Why, width)) + "\n")
		}
	}
	return strings.TrimRight(s.String(), "\n")
}

// focus keeps the cursor's row, and its detail, in sight.
func (b *billingScreen) focus() (int, int) {
	if b.v == nil {
		return 0, 0
	}
	lines := strings.Split(b.view(b.width, b.height), "\n")
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

func shortProduct(p billing.Product) string {
	if p == billing.GoogleWorkspace {
		return "Google WS"
	}
	return "M365"
}
