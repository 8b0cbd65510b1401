package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/display"
	"github.com/mspwire/mspwire/ui/prompt"
	"github.com/mspwire/mspwire/ui/tui"
)

// The day-2 workflows as numbered lists and typed commands, as the review
// is: rows are read a page at a time, a row in full on request, and a
// plan is read out, confirmed by a typed yes and applied line by line.

// pageSize is how many rows one listing reads out.
const pageSize = 10

// lister pages through numbered rows.
type lister struct {
	from int
}

// page writes rows [from, from+pageSize) of n with line(i), and says how
// many are left.
func (l *lister) page(out io.Writer, n int, line func(i int) string) {
	if l.from >= n {
		l.from = 0
	}
	end := min(l.from+pageSize, n)
	for i := l.from; i < end; i++ {
		fmt.Fprintf(out, "%d. %s\n", i+1, line(i))
	}
	if end < n {
		fmt.Fprintf(out, "%s more: type more.\n", plural.N(n-end, "row", "rows"))
	}
	l.from = end
}

// numbers reads row numbers (1 to n), each once; a number the list does
// not have refuses the whole command.
func numbers(args []string, n int) ([]int, string) {
	var out []int
	seen := map[int]bool{}
	for _, w := range args {
		k, err := strconv.Atoi(w)
		if err != nil || k < 1 || k > n {
			return nil, fmt.Sprintf("Not done: %q is not a row number of the list (1 to %d).", w, n)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k-1)
		}
	}
	if len(out) == 0 {
		return nil, "Not done: give the rows' numbers."
	}
	return out, ""
}

// workflowPlan makes a workflow's plan, reads it out, asks for a typed
// yes and applies it line by line.
func workflowPlan(ctx context.Context, p prompt.Prompter, out io.Writer, b flowsBackend, make func(context.Context) (tui.SyncPlan, error)) error {
	fmt.Fprintln(out, "Working out the plan from fresh numbers; nothing is sent.")
	sp, err := make(ctx)
	if err != nil {
		fmt.Fprintf(out, "No plan: %v\n", err)
		return nil
	}
	if len(sp.Actions) == 0 {
		writeSyncPlan(out, sp.Plan, sp.Actions, false)
		return nil
	}
	return confirmAndApply(ctx, p, out, b, sp)
}

// setTicketType is the ticket-type command: the type a workflow's tickets
// get, by id; without one, the types HaloPSA offers.
func setTicketType(ctx context.Context, out io.Writer, args []string, offered []tui.TicketTypeChoice, what string, set func(context.Context, int) error) {
	id, err := strconv.Atoi(strings.Join(args, ""))
	if err != nil {
		var types []string
		for _, t := range offered {
			types = append(types, fmt.Sprintf("%d %s", t.ID, display.Safe(t.Name)))
		}
		fmt.Fprintf(out, "Not done: give a ticket type's id. HaloPSA has: %s.\n", strings.Join(types, ", "))
		return
	}
	report(out, set(ctx, id), fmt.Sprintf("%s get HaloPSA's ticket type %d.", what, id))
}

// ticketTypeOf keeps the ticket type a workflow's tickets get.
func ticketTypeOf(b flowsBackend, kind store.PlanKind) func(context.Context, int) error {
	return func(ctx context.Context, id int) error { return b.SetTickets(ctx, kind, tickets.Setting{TypeID: &id}) }
}

// confirmAndApply lists a plan, asks for the typed yes (anything else
// cancels) and applies it line by line.
func confirmAndApply(ctx context.Context, p prompt.Prompter, out io.Writer, b flowsBackend, sp tui.SyncPlan) error {
	writeSyncPlan(out, sp.Plan, sp.Actions, false)
	if len(sp.Actions) > 0 {
		typed, err := p.Input(fmt.Sprintf("Apply plan %d? Type %s to go ahead; anything else cancels", sp.Plan.ID, apply.ConfirmWord), "", "", nil)
		if err != nil {
			return cancelled(err)
		}
		if err := b.ConfirmPlan(ctx, sp.Plan.ID, typed); errors.Is(err, apply.ErrNotConfirmed) {
			fmt.Fprintln(out, "Not applied: nothing was sent. mspwire apply applies it later.")
			return nil
		} else if err != nil {
			fmt.Fprintf(out, "Not applied: %v\n", err)
			return nil
		}
	}
	return accessibleApply(ctx, out, b, sp.Plan.ID)
}

// writeLines says a multi-line text a line at a time, each made safe to
// print.
func writeLines(out io.Writer, text string) {
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintln(out, display.Safe(line))
	}
}

// confirmLink is the K of the screens: the operator's word for a link the
// evidence doubts.
func confirmLink(ctx context.Context, out io.Writer, b flowsBackend, client string) {
	info, err := b.ConfirmLink(ctx, client)
	report(out, err, info)
}

const accessibleBillingHelp = `Commands (N is a row's number in the list above):
  show N             the row in full: environment, metric, inspection date, lines, what is chosen
  fix N… quantity    set the line's quantity to the count;  fix N… ticket  open a HaloPSA ticket
  fix N… none        clear the chosen fix;  ignore N… REASON  ignore until the numbers change
  confirm N          the row's HaloPSA ↔ Liongard link is right (rows that say check the mapping)
  items              which items bill which product;  items confirm  confirm them as proposed
  ticket-type ID     the HaloPSA ticket type billing tickets get
  plan               plan the chosen fixes, read the plan, type yes to apply it
  open, all, STATUS  which rows to list (open: those that need someone)
  more               the next rows;  help or ?  this list;  an empty line goes back to the menu`

// accessibleBilling is the Billing screen as lists and commands.
func accessibleBilling(ctx context.Context, p prompt.Prompter, out io.Writer, b flowsBackend) error {
	read := func() (tui.BillingView, bool) {
		fmt.Fprintln(out, "Reading Liongard's counts and HaloPSA's recurring invoices; nothing is sent.")
		v, err := b.Billing(ctx)
		if err != nil {
			fmt.Fprintf(out, "Not read: %v\n", err)
			return v, false
		}
		for _, m := range v.Made {
			fmt.Fprintf(out, "Created in Liongard, once: %s.\n", m)
		}
		return v, true
	}
	v, ok := read()
	if !ok {
		return nil
	}
	filter, l := "open", lister{}
	var rows []billing.Row
	list := func() {
		rows = rows[:0]
		for _, r := range v.Report.Rows {
			if filter == "all" || filter == "open" && r.NeedsSomeone() || string(r.Status) == filter {
				rows = append(rows, r)
			}
		}
		fmt.Fprintln(out, billingSummary(v.Report))
		if n := len(v.Report.Unconfirmed); n > 0 {
			fmt.Fprintf(out, "%s billed by mspwire's proposal, not confirmed: type items.\n", plural.N(n, "item is", "items are"))
		}
		fmt.Fprintf(out, "Rows %s: %d.\n", strings.ReplaceAll(filter, "_", "-"), len(rows))
		l.page(out, len(rows), func(i int) string { return billingLine(rows[i]) })
	}
	list()
	for {
		cmd, err := p.Input("Billing command", "show N, fix N… quantity|ticket|none, ignore N… REASON, confirm N, items, plan, open, all, more, help; an empty line goes back", "", nil)
		if err != nil {
			return cancelled(err)
		}
		words := strings.Fields(cmd)
		if len(words) == 0 {
			return nil
		}
		verb := strings.ToLower(words[0])
		changed := false
		switch verb {
		case "help", "?":
			fmt.Fprintln(out, accessibleBillingHelp)
		case "more":
			l.page(out, len(rows), func(i int) string { return billingLine(rows[i]) })
		case "open", "all":
			filter, l.from = verb, 0
			list()
		case "show":
			idx, bad := numbers(words[1:], len(rows))
			if bad != "" {
				fmt.Fprintln(out, bad)
				continue
			}
			for _, i := range idx {
				writeLines(out, tui.BillingDetail(rows[i]))
			}
		case "fix", "ignore":
			var nums, rest []string
			for k, w := range words[1:] {
				if _, err := strconv.Atoi(w); err != nil {
					rest = words[1+k:]
					break
				}
				nums = append(nums, w)
			}
			idx, bad := numbers(nums, len(rows))
			if bad != "" {
				fmt.Fprintln(out, bad)
				continue
			}
			choice, reason := "ignore", strings.Join(rest, " ")
			if verb == "fix" {
				choice = strings.ToLower(strings.Join(rest, " "))
				if choice == "none" {
					choice = ""
				} else if choice != "quantity" && choice != "ticket" {
					fmt.Fprintln(out, "Not done: say quantity, ticket or none after the numbers.")
					continue
				}
				reason = ""
			} else if reason == "" {
				fmt.Fprintln(out, "Not done: say why after the numbers (it is kept with the rows and in the audit log).")
				continue
			}
			var picked []billing.Row
			for _, i := range idx {
				picked = append(picked, rows[i])
			}
			err := b.ChooseBilling(ctx, picked, choice, reason)
			report(out, err, fmt.Sprintf("Kept for %s.", plural.N(len(picked), "row", "rows")))
			changed = err == nil
		case "confirm":
			idx, bad := numbers(words[1:], len(rows))
			if bad != "" {
				fmt.Fprintln(out, bad)
				continue
			}
			for _, i := range idx {
				confirmLink(ctx, out, b, rows[i].Client.ID)
			}
			changed = true
		case "items":
			if len(words) > 1 && strings.EqualFold(words[1], "confirm") {
				err := b.ConfirmItems(ctx, v.Items)
				report(out, err, fmt.Sprintf("Confirmed what %s bill, as shown.", plural.N(len(v.Items), "item", "items")))
				changed = err == nil
				break
			}
			writeItems(out, v.Items)
			fmt.Fprintln(out, "Type items confirm to confirm them as shown; mspwire billing items set ITEM_ID=PRODUCT changes one.")
		case "ticket-type":
			setTicketType(ctx, out, words[1:], v.TicketTypes, "Billing tickets", ticketTypeOf(b, change.Billing))
		case "plan":
			if err := workflowPlan(ctx, p, out, b, b.MakeBillingPlan); err != nil {
				return err
			}
			changed = true
		default:
			if _, ok := billing.ParseStatus(verb); ok {
				filter, l.from = strings.ReplaceAll(verb, "-", "_"), 0
				list()
				continue
			}
			fmt.Fprintf(out, "Unknown command %q: type help for the commands.\n", verb)
		}
		if changed {
			if v, ok = read(); !ok {
				return nil
			}
			l.from = 0
			list()
		}
	}
}

// billingLine is a row as one sentence.
func billingLine(r billing.Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s: ", display.Safe(r.Client.Name), r.Product.Title())
	if r.Counted != nil {
		fmt.Fprintf(&b, "%d counted, %d billed", *r.Counted, r.Billed)
	} else {
		fmt.Fprintf(&b, "no count, %d billed", r.Billed)
	}
	fmt.Fprintf(&b, "; %s: %s", r.Status.Words(), display.Safe(r.Why))
	if r.MonthlyDifference != nil && *r.MonthlyDifference != 0 {
		fmt.Fprintf(&b, "; %s a month at %s a seat", display.SignedMoney(*r.MonthlyDifference), display.Money(r.UnitPrice))
	}
	switch r.Choice {
	case "quantity":
		b.WriteString(". Chosen: set the line to the count")
	case "ticket":
		b.WriteString(". Chosen: a HaloPSA ticket")
	}
	return b.String() + "."
}

const accessibleDevicesHelp = `Commands (N is a row's number in the list above):
  show N        the row in full: the asset, its users, the HaloPSA user the last logon is
  confirm N     the row's HaloPSA ↔ Liongard link is right (rows that say check the mapping)
  plan          plan setting the last user on assets that have none;  plan replace  also on those that have another
  open, all, STATUS  which rows to list (open: to set, differs, check mapping)
  more          the next rows;  help or ?  this list;  an empty line goes back to the menu`

// accessibleDevices is the Devices screen as lists and commands.
func accessibleDevices(ctx context.Context, p prompt.Prompter, out io.Writer, b flowsBackend) error {
	read := func() (devices.Report, bool) {
		fmt.Fprintln(out, "Reading Liongard's workstations and HaloPSA's assets and users; nothing is sent.")
		rep, err := b.Devices(ctx)
		if err != nil {
			fmt.Fprintf(out, "Not read: %v\n", err)
			return rep, false
		}
		return rep, true
	}
	rep, ok := read()
	if !ok {
		return nil
	}
	filter, l := "open", lister{}
	var rows []devices.Row
	list := func() {
		rows = rows[:0]
		for _, r := range rep.Rows {
			open := r.Status == devices.ToSet || r.Status == devices.Differs || r.Status == devices.CheckMapping
			if filter == "all" || filter == "open" && open || string(r.Status) == filter {
				rows = append(rows, r)
			}
		}
		var parts []string
		for _, s := range devices.Statuses {
			if n := rep.ByStatus[s]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, s.Words()))
			}
		}
		fmt.Fprintf(out, "Workstations: %s.\nRows %s: %d.\n", strings.Join(parts, ", "), strings.ReplaceAll(filter, "_", " "), len(rows))
		l.page(out, len(rows), func(i int) string { return devicesLine(rows[i]) })
	}
	list()
	for {
		cmd, err := p.Input("Devices command", "show N, confirm N, plan, plan replace, open, all, more, help; an empty line goes back", "", nil)
		if err != nil {
			return cancelled(err)
		}
		words := strings.Fields(strings.ToLower(cmd))
		if len(words) == 0 {
			return nil
		}
		changed := false
		switch words[0] {
		case "help", "?":
			fmt.Fprintln(out, accessibleDevicesHelp)
		case "more":
			l.page(out, len(rows), func(i int) string { return devicesLine(rows[i]) })
		case "open", "all":
			filter, l.from = words[0], 0
			list()
		case "show", "confirm":
			idx, bad := numbers(words[1:], len(rows))
			if bad != "" {
				fmt.Fprintln(out, bad)
				continue
			}
			for _, i := range idx {
				if words[0] == "show" {
					writeLines(out, tui.DevicesDetail(rows[i]))
				} else if rows[i].Client != nil {
					confirmLink(ctx, out, b, rows[i].Client.ID)
					changed = true
				}
			}
		case "plan":
			replace := len(words) > 1 && words[1] == "replace"
			if err := workflowPlan(ctx, p, out, b, func(ctx context.Context) (tui.SyncPlan, error) { return b.MakeDevicesPlan(ctx, replace) }); err != nil {
				return err
			}
			changed = true
		default:
			if st, ok := devices.ParseStatus(strings.ReplaceAll(words[0], "-", "_")); ok {
				filter, l.from = string(st), 0
				list()
				continue
			}
			fmt.Fprintf(out, "Unknown command %q: type help for the commands.\n", words[0])
		}
		if changed {
			if rep, ok = read(); !ok {
				return nil
			}
			l.from = 0
			list()
		}
	}
}

func devicesLine(r devices.Row) string {
	client := "no client"
	if r.Client != nil {
		client = display.Safe(r.Client.Name)
	}
	last := "no last logon"
	if r.LastUser != "" {
		last = "last logon " + display.Safe(r.LastUser)
	}
	return fmt.Sprintf("%s, %s, %s: %s: %s.", display.Safe(r.Device.Name), client, last, r.Status.Words(), display.Safe(r.Why))
}

const accessibleAccountsHelp = `Commands (N is a row's number in the list above):
  confirm N        the row's HaloPSA ↔ Liongard link is right (rows that say check the mapping)
  days N           accounts idle over N days (90 until you say)
  ticket-type ID   the HaloPSA ticket type these tickets get
  plan             plan a ticket per client listing its stale accounts, read the plan, type yes to apply it
  more             the next rows;  help or ?  this list;  an empty line goes back to the menu`

// accessibleAccounts is the Stale accounts screen as lists and commands.
func accessibleAccounts(ctx context.Context, p prompt.Prompter, out io.Writer, b flowsBackend) error {
	days, l := accounts.DefaultDays, lister{}
	var v tui.AccountsView
	read := func() bool {
		fmt.Fprintf(out, "Reading Liongard's sign-ins: accounts idle over %s; nothing is sent.\n", plural.N(days, "day", "days"))
		var err error
		if v, err = b.StaleAccounts(ctx, days); err != nil {
			fmt.Fprintf(out, "Not read: %v\n", err)
			return false
		}
		l.from = 0
		writeStaleHead(out, v.Report)
		l.page(out, len(v.Report.Rows), func(i int) string { return accountsLine(v.Report.Rows[i]) })
		return true
	}
	if !read() {
		return nil
	}
	for {
		cmd, err := p.Input("Stale accounts command", "confirm N, days N, ticket-type ID, plan, more, help; an empty line goes back", "", nil)
		if err != nil {
			return cancelled(err)
		}
		words := strings.Fields(strings.ToLower(cmd))
		if len(words) == 0 {
			return nil
		}
		rows := v.Report.Rows
		switch words[0] {
		case "help", "?":
			fmt.Fprintln(out, accessibleAccountsHelp)
		case "more":
			l.page(out, len(rows), func(i int) string { return accountsLine(rows[i]) })
		case "days":
			n, err := strconv.Atoi(strings.Join(words[1:], ""))
			if err != nil || n < 1 {
				fmt.Fprintln(out, "Not done: give a number of days, 1 or more.")
				continue
			}
			days = n
			if !read() {
				return nil
			}
		case "confirm":
			idx, bad := numbers(words[1:], len(rows))
			if bad != "" {
				fmt.Fprintln(out, bad)
				continue
			}
			for _, i := range idx {
				if rows[i].Client != nil {
					confirmLink(ctx, out, b, rows[i].Client.ID)
				}
			}
			if !read() {
				return nil
			}
		case "ticket-type":
			setTicketType(ctx, out, words[1:], v.TicketTypes, "Stale-account tickets", ticketTypeOf(b, change.StaleAccounts))
		case "plan":
			d := days
			if err := workflowPlan(ctx, p, out, b, func(ctx context.Context) (tui.SyncPlan, error) { return b.MakeAccountsPlan(ctx, d) }); err != nil {
				return err
			}
			if !read() {
				return nil
			}
		default:
			fmt.Fprintf(out, "Unknown command %q: type help for the commands.\n", words[0])
		}
	}
}

func accountsLine(r accounts.Row) string {
	client := "no client (the environment is linked to none)"
	if r.Client != nil {
		client = display.Safe(r.Client.Name)
	}
	last := "unknown"
	if r.LastLogin != nil {
		last = display.Safe(*r.LastLogin)
	}
	line := fmt.Sprintf("%s, %s, %s: %s, last sign-in %s", display.Safe(r.Account), client,
		map[string]string{accounts.GoogleWorkspace: "Google Workspace", accounts.M365: "Microsoft 365"}[r.Source], plural.N(r.Days, "day", "days"), last)
	if r.Status == accounts.CheckMapping {
		line += "; " + display.Safe(r.Why)
	}
	return line + "."
}

// accessibleRotate replaces a stored credential's secret: verified with
// the vendor before it replaces the old one (flows/rotate).
func accessibleRotate(ctx context.Context, p prompt.Prompter, out io.Writer, b flowsBackend) error {
	rep, err := b.Status(ctx)
	if err != nil {
		return err
	}
	var opts []prompt.Option
	for _, s := range rep.Systems {
		if s.Configured {
			opts = append(opts, prompt.Option{Label: s.Name, Value: s.ID})
		}
	}
	if len(opts) == 0 {
		fmt.Fprintln(out, "No credential is stored yet: onboard first.")
		return nil
	}
	sys, err := p.Select("Which credential?", "", opts, opts[0].Value)
	if err != nil {
		return cancelled(err)
	}
	info := adapter.InfoOf(sys)
	values, secret := b.NewDemoSecret(ctx, sys)
	if secret != "" {
		use, err := p.Confirm("The sandbox issued a new secret, as the vendor's console would. Use it?", true)
		if err != nil {
			return cancelled(err)
		}
		if !use {
			secret = ""
		}
	}
	if secret == "" {
		if values, err = askFields(p, info, connect.Values{}, rotateFields, false, "New "); err != nil {
			return cancelled(err)
		}
		if secret, err = p.Secret("New "+info.Name+" "+info.Secret().Noun, "not shown"); err != nil {
			return cancelled(err)
		}
	}
	fmt.Fprintf(out, "Checking the new secret with %s…\n", info.Name)
	res, err := b.Rotate(ctx, sys, values, secret)
	if err != nil {
		fmt.Fprintf(out, "Not rotated: %v\nThe old secret is kept.\n", err)
		return nil
	}
	reportRotation(out, info, res)
	return nil
}
