package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/ui/display"
)

func newBillingCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "billing",
		Short: "Licence counts against billed seats: Liongard's Microsoft 365 and Google Workspace users vs HaloPSA's recurring lines",
		Long: "Per HaloPSA client and product, the active licensed users Liongard counts in the client's environment (the\n" +
			"review's decisions say which) against the seats its recurring invoice lines bill. Which items bill which product\n" +
			"is your call, made once (billing items). Liongard's library metric counts Microsoft 365 users; Google Workspace\n" +
			"users are counted by a metric mspwire creates in Liongard once (\"mspwire: Google Workspace active users\").",
	}
	cmd.AddCommand(newBillingItemsCmd(g), newBillingReconcileCmd(g), newBillingChoiceCmd(g, "ignore"), newBillingChoiceCmd(g, "fix"), newBillingPlanCmd(g),
		newHistoryCmd(g, "billing reconcile", func() string { return history.Billing }))
	return cmd
}

func newBillingItemsCmd(g *globals) *cobra.Command {
	var asJSON bool
	items := &cobra.Command{
		Use:   "items",
		Short: "The HaloPSA items recurring lines bill, and the product each counts (proposed or confirmed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				items, err := billing.Items(cmd.Context(), e)
				if err != nil {
					return credentialError(err)
				}
				if asJSON {
					return jsonOut(g).Encode(map[string]any{"items": nonNil(items)})
				}
				writeItems(g.io.Out, items)
				return nil
			})
		},
	}
	items.Flags().BoolVar(&asJSON, "json", false, `print {"items":[{item_id, name, code, product, proposed, why, confirmed, lines}]}`)
	var proposed bool
	set := &cobra.Command{
		Use:   "set ITEM_ID=m365|google_workspace|none...",
		Short: "Say which product items bill; --proposed confirms every proposal not yet confirmed",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !proposed {
				return fmt.Errorf("name items as ITEM_ID=PRODUCT (m365, google_workspace or none), or give --proposed")
			}
			want := map[int]billing.Product{}
			for _, a := range args {
				id, prod, ok := strings.Cut(a, "=")
				n, err := strconv.Atoi(strings.TrimSpace(id))
				p, known := billing.ParseProduct(prod)
				if !ok || err != nil || !known {
					return fmt.Errorf("%q: want ITEM_ID=PRODUCT, PRODUCT one of m365, google_workspace, none", a)
				}
				if was, twice := want[n]; twice && was != p {
					return fmt.Errorf("item %d is named twice, as %s and as %s: an item bills one product; nothing was kept", n, was, p)
				}
				want[n] = p
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				items, err := billing.Items(cmd.Context(), e)
				if err != nil {
					return credentialError(err)
				}
				var save []billing.ItemMapping
				known := map[int]bool{}
				for _, m := range items {
					known[m.ItemID] = true
					p, named := want[m.ItemID]
					if !named && !(proposed && !m.Confirmed) {
						continue
					}
					if !named {
						p = m.Proposed
					}
					m.Product = p
					save = append(save, m)
				}
				for id := range want {
					if !known[id] {
						return fmt.Errorf("item %d bills no recurring line: see mspwire billing items", id)
					}
				}
				if len(save) == 0 {
					fmt.Fprintln(g.io.Out, "Nothing to confirm: every item's product is already confirmed.")
					return nil
				}
				if err := billing.ConfirmItems(cmd.Context(), e, who.Operator(), save); err != nil {
					return err
				}
				for _, s := range save {
					fmt.Fprintf(g.io.Out, "%d %s → %s\n", s.ItemID, display.Safe(s.Name), s.Product.Title())
				}
				fmt.Fprintf(g.io.Out, "%s confirmed.\n", plural.N(len(save), "item", "items"))
				return nil
			})
		},
	}
	set.Flags().BoolVar(&proposed, "proposed", false, "confirm every proposal not yet confirmed (named items take what you give)")
	items.AddCommand(set)
	return items
}

func writeItems(w io.Writer, items []billing.ItemMapping) {
	if len(items) == 0 {
		fmt.Fprintln(w, "No recurring line bills an item.")
		return
	}
	fmt.Fprintf(w, "%-7s %-38s %-10s %-17s %-5s %s\n", "ITEM", "NAME", "CODE", "PRODUCT", "LINES", "WHY")
	unconfirmed := 0
	for _, m := range items {
		state := m.Product.Title()
		if !m.Confirmed {
			state += " ?"
			unconfirmed++
		}
		fmt.Fprintf(w, "%-7d %-38s %-10s %-17s %-5d %s\n", m.ItemID, clip(display.Safe(m.Name), 38), clip(display.Safe(m.Code), 10), state, m.Lines, m.Why)
	}
	if unconfirmed > 0 {
		fmt.Fprintf(w, "\n%s proposed, not confirmed (?): confirm them with mspwire billing items set --proposed, or set ITEM_ID=PRODUCT.\n",
			plural.N(unconfirmed, "item is", "items are"))
	}
}

func newBillingReconcileCmd(g *globals) *cobra.Command {
	var asJSON, changed bool
	var csvPath string
	var statuses []string
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "Counted against billed per client and product; exit 3 when anything is not a match or ignored (--changed: new or changed since the last run)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			only := map[billing.Status]bool{}
			for _, s := range statuses {
				st, ok := billing.ParseStatus(s)
				if !ok {
					return fmt.Errorf("--status %q: one of %s", s, statusList())
				}
				only[st] = true
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				rep, in, err := billing.Build(cmd.Context(), e)
				if err != nil {
					return credentialError(err)
				}
				for _, p := range billing.Products {
					if m := in.Metrics[p]; m.Made {
						fmt.Fprintf(g.io.Err, "Created the Liongard metric %q (id %d) to count %s users; later runs use it.\n", m.Name, m.ID, p.Title())
					}
				}
				madeSignIns(g.io.Err, in.SignIns)
				open := rep.Open() // the whole report's, whatever --status shows
				since, _, err := history.Record(cmd.Context(), e.Store, e.Profile, history.Billing, billing.HistoryRows(rep))
				if err != nil {
					return err
				}
				if len(only) > 0 {
					var kept []billing.Row
					for _, r := range rep.Rows {
						if only[r.Status] {
							kept = append(kept, r)
						}
					}
					rep.Rows = kept
				}
				if csvPath != "" {
					openSince, err := history.FirstOpen(cmd.Context(), e.Store, e.Profile, history.Billing)
					if err != nil {
						return err
					}
					if err := writeCSVFile(csvPath, billingCSV(rep, openSince, time.Now())); err != nil {
						return err
					}
					fmt.Fprintf(g.io.Err, "Wrote %s to %s (cells a spreadsheet would run as formulas start with ').\n", plural.N(len(rep.Rows), "row", "rows"), csvPath)
				}
				switch {
				case asJSON:
					if err := jsonOut(g).Encode(map[string]any{"rows": nonNil(rep.Rows), "totals": rep.Totals, "unconfirmed_items": nonNil(rep.Unconfirmed),
						"currencies": nonNil(rep.Currencies), "since_last": since}); err != nil {
						return err
					}
				case csvPath == "":
					writeReconcile(g.io.Out, rep)
					writeSince(g.io.Out, since)
				}
				if changed {
					return exitOnMoved(since)
				}
				if open > 0 {
					return &exitError{Code: ExitFindings, Silent: true, Err: fmt.Errorf("%s to look at", plural.N(open, "row", "rows"))}
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, `print {"rows":[…],"totals":{…},"unconfirmed_items":[…]} on stdout`)
	f.StringVar(&csvPath, "csv", "", "also write the rows to this CSV file (for finance; written 0600)")
	f.StringArrayVar(&statuses, "status", nil, "show only rows of this status (repeatable): "+statusList())
	f.BoolVar(&changed, "changed", false, "exit 3 only when a row is new or changed since the last run (for scheduled runs)")
	return cmd
}

func statusList() string {
	var s []string
	for _, x := range billing.Statuses {
		s = append(s, string(x))
	}
	return strings.Join(s, ", ")
}

// Summary is the report's first line: the counts that need someone, then
// the money.
func billingSummary(rep billing.Report) string {
	var parts []string
	for _, s := range billing.Statuses {
		if n := rep.Totals.ByStatus[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s.Words()))
		}
	}
	if len(parts) == 0 {
		return "Nothing to reconcile: no client has users counted or seats billed."
	}
	out := strings.Join(parts, " · ") + fmt.Sprintf("\n%s a month not billed · %s a month billed too much (%s)",
		display.Money(rep.Totals.NotBilledMonthly), display.Money(rep.Totals.OverBilledMonthly), rep.In())
	if n := rep.Totals.InHand; n > 0 {
		out += fmt.Sprintf("\nIn hand, apart: %s with an open ticket, %s a month", plural.N(n, "row", "rows"), display.SignedMoney(rep.Totals.InHandMonthly))
	}
	return out
}

func writeReconcile(w io.Writer, rep billing.Report) {
	fmt.Fprintln(w, billingSummary(rep))
	if len(rep.Rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%-22s %-32s %-17s %7s %6s %5s %10s  %s\n", "ID", "CLIENT", "PRODUCT", "COUNTED", "BILLED", "DIFF", "MONTHLY", "STATUS")
	for _, r := range rep.Rows {
		cnt, diff, mon := "-", "-", "-"
		if r.Counted != nil {
			cnt, diff = strconv.Itoa(*r.Counted), fmt.Sprintf("%+d", *r.Difference)
		}
		if r.MonthlyDifference != nil {
			mon = display.SignedMoney(*r.MonthlyDifference)
		}
		status := r.Status.Words()
		switch {
		case r.InHand:
			status += fmt.Sprintf(" (in hand: ticket %d, %s)", r.Ticket.ID, r.Ticket.Status)
		case r.Ticket != nil:
			status += fmt.Sprintf(" (ticket %d %s)", r.Ticket.ID, r.Ticket.Status)
		case r.Choice != "":
			status += " (" + r.Choice + " chosen)"
		}
		fmt.Fprintf(w, "%-22s %-32s %-17s %7s %6d %5s %10s  %s\n", r.ID, clip(display.Safe(r.Client.Name), 32), r.Product.Title(), cnt, r.Billed, diff, mon, status)
	}
	if len(rep.Unconfirmed) > 0 {
		fmt.Fprintf(w, "\n%s billed by mspwire's proposal, not confirmed: see mspwire billing items.\n", plural.N(len(rep.Unconfirmed), "item is", "items are"))
	}
	if n := rep.Totals.ByStatus[billing.Unmapped]; n > 0 {
		fmt.Fprintf(w, "\n%s to clients the review links to no Liongard environment: %s.\n", plural.N(n, "row belongs", "rows belong"),
			sayCommand(remedy.Remedy{Do: remedy.DecideLinks, Arg: "halopsa:liongard"}))
	}
	var held []doubted
	for _, r := range rep.Rows {
		if r.Status == billing.CheckMapping && r.Environment != nil {
			held = append(held, doubted{r.Client.Name + " (client " + r.Client.ID + ")", r.Environment.Name, r.Why})
		}
	}
	writeDoubts(w, "these rows count as money or take a fix", held)
}

// billingCSV is the report for finance, a header first: with each row's
// chosen fix, its ticket, the quantity a fix sets and the monthly amount
// it makes, when the invoice next bills, and — from the kept runs — since
// when the row has been open and what that has missed (whole months ×
// the monthly difference). Amounts are in the row's currency as its
// recurring invoice names it (empty when HaloPSA names none).
func billingCSV(rep billing.Report, openSince map[string]time.Time, now time.Time) [][]string {
	rows := [][]string{{"id", "client_id", "client", "environment_id", "environment", "product", "counted", "billed", "difference",
		"unit_price", "monthly_difference", "currency", "status", "invoice_id", "line_id", "item", "counted_at", "why",
		"choice", "reason", "ticket_id", "ticket_status", "target_quantity", "new_monthly", "next_creation", "open_since", "missed_so_far"}}
	for _, r := range rep.Rows {
		cell := func(p *int) string {
			if p == nil {
				return ""
			}
			return strconv.Itoa(*p)
		}
		var envID, envName, inv, line, item, at, mon string
		if r.Environment != nil {
			envID, envName = r.Environment.ID, r.Environment.Name
		}
		if r.Line != nil {
			inv, line, item = strconv.Itoa(r.Line.InvoiceID), strconv.Itoa(r.Line.LineID), r.Line.Item
		}
		if r.CountedAt != nil {
			at = r.CountedAt.UTC().Format("2006-01-02T15:04:05Z")
		}
		if r.MonthlyDifference != nil {
			mon = strconv.FormatFloat(*r.MonthlyDifference, 'f', 2, 64)
		}
		var ticketID, ticketStatus, target, newMonthly, next, since, missed string
		if t := r.Ticket; t != nil {
			ticketID, ticketStatus = strconv.Itoa(t.ID), t.Status
		}
		if r.Line != nil {
			next = r.Line.NextCreation
			if r.Difference != nil && (r.Status == billing.UnderBilled || r.Status == billing.OverBilled) {
				q := r.Line.Quantity + float64(*r.Difference)
				target, newMonthly = strconv.FormatFloat(q, 'f', -1, 64), strconv.FormatFloat(q*r.Line.UnitPrice, 'f', 2, 64)
			}
		}
		if from, ok := openSince[r.ID]; ok {
			since = from.UTC().Format("2006-01-02")
			if r.MonthlyDifference != nil && (r.Status == billing.UnderBilled || r.Status == billing.NotBilled) {
				months := int(now.Sub(from).Hours() / 24 / 30)
				missed = strconv.FormatFloat(float64(months)**r.MonthlyDifference, 'f', 2, 64)
			}
		}
		rows = append(rows, []string{r.ID, r.Client.ID, r.Client.Name, envID, envName, string(r.Product), cell(r.Counted),
			strconv.Itoa(r.Billed), cell(r.Difference), strconv.FormatFloat(r.UnitPrice, 'f', 2, 64), mon, r.Currency, string(r.Status), inv, line, item, at, r.Why,
			r.Choice, r.Reason, ticketID, ticketStatus, target, newMonthly, next, since, missed})
	}
	return rows
}

// billingChoiceOptions are what `billing fix` and `billing ignore` take.
type billingChoiceOptions struct {
	Verb   string   // "fix" or "ignore"
	By     string   // fix: quantity, ticket, or none (clears the chosen fix)
	Reason string   // ignore: why, kept with the row
	New    bool     // fix --by ticket: the rows new since the last run, instead of IDs
	IDs    []string // the rows
}

// choice is the fix the options choose ("" clears it), checked before
// anything is read.
func (o billingChoiceOptions) choice() (string, error) {
	if o.New && o.By != "ticket" {
		return "", fmt.Errorf("--new takes --by ticket only: a quantity waits for a person")
	}
	if o.Verb != "fix" {
		if strings.TrimSpace(o.Reason) == "" {
			return "", fmt.Errorf("say why with --reason: it is kept with the row and in the audit log")
		}
		return "ignore", nil
	}
	switch o.By {
	case "quantity", "ticket":
		return o.By, nil
	case "none":
		return "", nil
	}
	return "", fmt.Errorf("--by %q: quantity, ticket, or none to clear the chosen fix", o.By)
}

// runBillingChoice keeps the operator's choice for rows (billing.Choose)
// and says which: the command without cobra, for tests.
func runBillingChoice(ctx context.Context, e onboard.Env, out io.Writer, o billingChoiceOptions) error {
	choice, err := o.choice()
	if err != nil {
		return err
	}
	rep, _, err := billing.Build(ctx, e)
	if err != nil {
		return credentialError(err)
	}
	ids := o.IDs
	if o.New {
		// The rows the last reconciliation found new that a ticket can
		// take and nobody has chosen for yet.
		fresh, err := billing.NewSinceLastRun(ctx, e.Store, e.Profile)
		if err != nil {
			return err
		}
		ids = nil
		for _, id := range fresh {
			if r, ok := rep.Row(id); ok && r.Choice == "" && r.NeedsSomeone() && billing.CanChoose(r, "ticket") == nil {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			fmt.Fprintln(out, "No row new since the last run can take a ticket.")
			return nil
		}
	}
	var rows []billing.Row
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		r, ok := rep.Row(id)
		if !ok {
			return fmt.Errorf("no row %s: see mspwire billing reconcile", id)
		}
		rows = append(rows, r)
	}
	if err := billing.Choose(ctx, e, who.Operator(), rows, choice, o.Reason); err != nil {
		return err
	}
	chosen := make([]string, len(rows))
	for i, r := range rows {
		chosen[i] = r.ID
	}
	sort.Strings(chosen)
	what := map[string]string{"quantity": "to have the line set to the count", "ticket": "to get a ticket", "ignore": "ignored until the numbers change",
		"": "with no fix chosen"}[choice]
	fmt.Fprintf(out, "%s %s: %s.\n", plural.N(len(rows), "row", "rows"), what, strings.Join(chosen, ", "))
	return nil
}

// newBillingChoiceCmd is `billing fix ID… --by quantity|ticket` and
// `billing ignore ID… --reason TEXT`: the operator's choice per row, kept
// for billing plan.
func newBillingChoiceCmd(g *globals, verb string) *cobra.Command {
	o := billingChoiceOptions{Verb: verb}
	cmd := &cobra.Command{
		Use: verb + " ID...",
		Short: map[string]string{"fix": "Choose how rows are fixed: --by quantity sets the line to the counted number, --by ticket opens a HaloPSA ticket",
			"ignore": "Ignore rows until their numbers change, with --reason"}[verb],
		Args: func(cmd *cobra.Command, args []string) error {
			if o.New {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.MinimumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.IDs = args
			if _, err := o.choice(); err != nil {
				return err // before the profile is opened
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error { return runBillingChoice(cmd.Context(), e, g.io.Out, o) })
		},
	}
	if verb == "fix" {
		cmd.Flags().StringVar(&o.By, "by", "", "quantity, ticket, or none (clears the chosen fix)")
		cmd.Flags().BoolVar(&o.New, "new", false, "instead of IDs: the rows the last billing reconcile found new since the run before, that a ticket can take and have no fix chosen (with --by ticket)")
	} else {
		cmd.Flags().StringVar(&o.Reason, "reason", "", "why (kept with the row and in the audit log)")
	}
	return cmd
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func newBillingPlanCmd(g *globals) *cobra.Command {
	var asJSON, ticketsOnly bool
	var ticketType int
	var team string
	var tolerances []string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan the chosen fixes (quantities set, tickets opened); apply it with mspwire apply",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withOnboard(ctx, g, func(e onboard.Env) error {
				var ch billing.SettingsChange
				if cmd.Flags().Changed("ticket-type") {
					ch.Tickets.TypeID = &ticketType
				}
				if cmd.Flags().Changed("team") {
					ch.Tickets.Team = &team
				}
				for _, t := range tolerances {
					prod, n, ok := strings.Cut(t, "=")
					p, known := billing.ParseProduct(prod)
					seats, err := strconv.Atoi(n)
					if !ok || !known || p == billing.None || err != nil || seats < 0 {
						return fmt.Errorf("--tolerance %q: want PRODUCT=SEATS, e.g. m365=1", t)
					}
					if ch.Tolerances == nil {
						ch.Tolerances = map[billing.Product]int{}
					}
					ch.Tolerances[p] = seats
				}
				if ch.Tickets.Changes() || len(ch.Tolerances) > 0 {
					if _, err := billing.SaveSettings(ctx, e, who.Operator(), ch); err != nil {
						return credentialError(err)
					}
				}
				p := billing.NewProducer(e)
				p.TicketsOnly = ticketsOnly
				return makePlan(cmd, g, e, p, asJSON)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the plan as plan --json does (with \"kind\": \"billing\")")
	f.IntVar(&ticketType, "ticket-type", 0, "the HaloPSA ticket type billing tickets get, by id (kept)")
	f.StringVar(&team, "team", "", "the HaloPSA team billing tickets go to (kept; empty: the type's default)")
	f.StringArrayVar(&tolerances, "tolerance", nil, "seats either way that still count as a match, PRODUCT=SEATS (kept; default 0)")
	f.BoolVar(&ticketsOnly, "tickets-only", false, "plan the tickets chosen, not the quantities (they wait for a person): for unattended runs")
	return cmd
}
