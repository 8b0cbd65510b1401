package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/signins"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/flows/workflow"
	"github.com/mspwire/mspwire/ui/display"
)

func newDevicesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "devices",
		Short: "Whose laptop is it: Liongard's Windows workstations and their last logon against HaloPSA's assets and users",
		Long: "Each Windows workstation Liongard inspects, matched to the HaloPSA asset of its hostname (inventory number or key\n" +
			"field, in the client the review links its environment to) and its last logon to a HaloPSA user of that client\n" +
			"(a UPN against email or login, DOMAIN\\sam against login, any case). A plan sets the user on assets that have none\n" +
			"(--replace: also on those that have another). mspwire reads the last logon through a metric it creates in Liongard once\n" +
			"(\"mspwire: Windows Workstation last user\", reading ComputerSystem.UserName).",
	}
	var asJSON, changed bool
	var statuses []string
	mapCmd := &cobra.Command{
		Use:   "map",
		Short: "Each workstation with its asset, last logon and user; exit 3 when an asset's user is to set",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			only := map[devices.Status]bool{}
			for _, s := range statuses {
				st, ok := devices.ParseStatus(s)
				if !ok {
					return fmt.Errorf("--status %q: one of %s", s, joinStatuses(devices.Statuses))
				}
				only[st] = true
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				rep, in, err := devices.Build(cmd.Context(), e)
				if err != nil {
					return credentialError(err)
				}
				if in.Metric.Made {
					fmt.Fprintf(g.io.Err, "Created the Liongard metric %q (id %d) to read workstations' last logon; later runs use it.\n", in.Metric.Name, in.Metric.ID)
				}
				madeSignIns(g.io.Err, in.SignIns)
				since, _, err := history.Record(cmd.Context(), e.Store, e.Profile, history.Devices, devices.HistoryRows(rep))
				if err != nil {
					return err
				}
				rows := rep.Rows
				if len(only) > 0 {
					rows = nil
					for _, r := range rep.Rows {
						if only[r.Status] {
							rows = append(rows, r)
						}
					}
				}
				if asJSON {
					if err := jsonOut(g).Encode(map[string]any{"rows": nonNil(rows), "by_status": rep.ByStatus, "since_last": since}); err != nil {
						return err
					}
				} else {
					writeDevices(g.io.Out, rep, rows)
					writeSince(g.io.Out, since)
				}
				if changed {
					return exitOnMoved(since)
				}
				if n := rep.ByStatus[devices.ToSet] + rep.ByStatus[devices.CheckMapping]; n > 0 { // the whole report's, whatever --status shows
					return &exitError{Code: ExitFindings, Silent: true, Err: fmt.Errorf("%s to set or check", plural.N(n, "asset", "assets"))}
				}
				return nil
			})
		},
	}
	mapCmd.Flags().BoolVar(&asJSON, "json", false, `print {"rows":[{id, client, environment, device, asset, last_user, user, status, why}],"by_status":{…}}`)
	mapCmd.Flags().StringArrayVar(&statuses, "status", nil, "show only rows of this status (repeatable): "+joinStatuses(devices.Statuses))
	var planJSON, replace bool
	planCmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan setting each asset's user to its last logon (--replace: also where it has another); apply with mspwire apply",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				return makePlan(cmd, g, e, devices.NewProducer(e, replace), planJSON)
			})
		},
	}
	planCmd.Flags().BoolVar(&planJSON, "json", false, `print the plan as plan --json does (with "kind": "devices")`)
	planCmd.Flags().BoolVar(&replace, "replace", false, "also set assets that hold another user than their last logon")
	mapCmd.Flags().BoolVar(&changed, "changed", false, "exit 3 only when a row is new or changed since the last run (for scheduled runs)")
	cmd.AddCommand(mapCmd, planCmd, newHistoryCmd(g, "devices map", func() string { return history.Devices }))
	return cmd
}

func writeDevices(w io.Writer, rep devices.Report, rows []devices.Row) {
	var parts []string
	for _, s := range devices.Statuses {
		if n := rep.ByStatus[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s.Words()))
		}
	}
	if len(parts) == 0 {
		fmt.Fprintln(w, "No Windows workstation is inspected in Liongard.")
		return
	}
	fmt.Fprintln(w, strings.Join(parts, " · "))
	fmt.Fprintf(w, "\n%-8s %-28s %-16s %-26s %-22s %s\n", "ID", "CLIENT", "DEVICE", "LAST LOGON", "HALOPSA USER", "STATUS")
	for _, r := range rows {
		client, user := "-", "-"
		if r.Client != nil {
			client = r.Client.Name
		}
		if r.User != nil {
			user = r.User.Name
		}
		fmt.Fprintf(w, "%-8s %-28s %-16s %-26s %-22s %s\n", r.ID, clip(display.Safe(client), 28), clip(display.Safe(r.Device.Name), 16),
			clip(display.Safe(r.LastUser), 26), clip(display.Safe(user), 22), r.Status.Words())
	}
	var held []doubted
	for _, r := range rows {
		if r.Status == devices.CheckMapping && r.Client != nil {
			held = append(held, doubted{r.Client.Name + " (client " + r.Client.ID + ")", r.Environment.Name, r.Why})
		}
	}
	writeDoubts(w, "an asset gets a user", held)
}

func newAccountsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "Stale accounts: Google Workspace and Microsoft 365 accounts nobody has signed in to for --days",
		Long: "Accounts with no sign-in for more than --days (90 unless given), per client, from Liongard's Google Workspace and\n" +
			"Microsoft 365 inspections; suspended, archived and disabled accounts are left out. A plan opens one HaloPSA ticket\n" +
			"per client listing them, and puts on the checklist the Actionable Alert rule only Liongard's console can build.",
	}
	var asJSON, staleChanged bool
	days := accounts.DefaultDays
	staleCmd := &cobra.Command{
		Use:   "stale",
		Short: "The stale accounts, per client; exit 3 when there are any",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 1 {
				return fmt.Errorf("--days %d: give a number of days, 1 or more", days)
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				rep, in, err := accounts.Build(cmd.Context(), e, days)
				if err != nil {
					return credentialError(err)
				}
				madeSignIns(g.io.Err, in.Metrics)
				since, _, err := history.Record(cmd.Context(), e.Store, e.Profile, history.AccountsKind(days), accounts.HistoryRows(rep))
				if err != nil {
					return err
				}
				if asJSON {
					if err := jsonOut(g).Encode(map[string]any{"days": rep.Days, "rows": nonNil(rep.Rows), "check_mapping": rep.CheckMapping, "since_last": since}); err != nil {
						return err
					}
				} else {
					writeStale(g.io.Out, rep)
					writeSince(g.io.Out, since)
				}
				if staleChanged {
					return exitOnMoved(since)
				}
				if n := len(rep.Rows) - rep.InHand; n > 0 {
					return &exitError{Code: ExitFindings, Silent: true, Err: errors.New(plural.N(n, "stale account", "stale accounts") + " to act on")}
				}
				return nil
			})
		},
	}
	staleCmd.Flags().BoolVar(&asJSON, "json", false, `print {"days":N,"rows":[{id, client, environment, source, account, last_login, days, status, why}],"check_mapping":N}`)
	staleCmd.Flags().IntVar(&days, "days", accounts.DefaultDays, "days without a sign-in that make an account stale")
	var planJSON bool
	var ticketType int
	var team string
	planDays := accounts.DefaultDays
	planCmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan one HaloPSA ticket per client listing its stale accounts, and the Liongard alert rule on the checklist",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if planDays < 1 {
				return fmt.Errorf("--days %d: give a number of days, 1 or more", planDays)
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				var ch tickets.Setting
				if cmd.Flags().Changed("ticket-type") {
					ch.TypeID = &ticketType
				}
				if cmd.Flags().Changed("team") {
					ch.Team = &team
				}
				if _, err := tickets.Save(cmd.Context(), e.Store, e.HaloPSA, e.Profile, who.Operator(), accounts.TicketPurpose, ch); err != nil {
					return credentialError(err)
				}
				return makePlan(cmd, g, e, accounts.NewProducer(e, planDays), planJSON)
			})
		},
	}
	f := planCmd.Flags()
	f.BoolVar(&planJSON, "json", false, `print the plan as plan --json does (with "kind": "stale_accounts")`)
	f.IntVar(&planDays, "days", accounts.DefaultDays, "days without a sign-in that make an account stale")
	f.IntVar(&ticketType, "ticket-type", 0, "the HaloPSA ticket type these tickets get, by id (kept)")
	f.StringVar(&team, "team", "", "the HaloPSA team these tickets go to (kept; empty: the type's default)")
	staleCmd.Flags().BoolVar(&staleChanged, "changed", false, "exit 3 only when an account is new since the last run of the same --days (for scheduled runs)")
	cmd.AddCommand(staleCmd, planCmd, newAccountsHistoryCmd(g))
	return cmd
}

// writeStaleHead is the report's first line.
func writeStaleHead(w io.Writer, rep accounts.Report) {
	if len(rep.Rows) == 0 {
		fmt.Fprintf(w, "No account has gone over %s without a sign-in.\n", plural.N(rep.Days, "day", "days"))
		return
	}
	fmt.Fprintf(w, "%s over %s without a sign-in, in %s", plural.N(len(rep.Rows), "account", "accounts"), plural.N(rep.Days, "day", "days"), plural.N(len(rep.ByClient), "client", "clients"))
	if rep.Unmapped > 0 {
		fmt.Fprintf(w, " (and %d in environments the review links to no client)", rep.Unmapped)
	}
	if rep.CheckMapping > 0 {
		fmt.Fprintf(w, "; %d wait for a mapping check and go into no ticket", rep.CheckMapping)
	}
	if rep.InHand > 0 {
		fmt.Fprintf(w, "; %d in hand (an open ticket lists them)", rep.InHand)
	}
	fmt.Fprintln(w)
}

func writeStale(w io.Writer, rep accounts.Report) {
	if len(rep.Rows) == 0 {
		fmt.Fprintf(w, "No account has gone over %s without a sign-in.\n", plural.N(rep.Days, "day", "days"))
		return
	}
	writeStaleHead(w, rep)
	fmt.Fprintf(w, "\n%-28s %-17s %-36s %5s  %s\n", "CLIENT", "SOURCE", "ACCOUNT", "DAYS", "LAST SIGN-IN")
	for _, r := range rep.Rows {
		client, last := "-", "-"
		if r.Client != nil {
			client = r.Client.Name
		}
		if r.LastLogin != nil {
			last = *r.LastLogin
		}
		src := map[string]string{accounts.GoogleWorkspace: "Google Workspace", accounts.M365: "Microsoft 365"}[r.Source]
		mark := ""
		switch {
		case r.Status == accounts.CheckMapping:
			mark = "  check the mapping"
		case r.InHand:
			mark = fmt.Sprintf("  in hand: ticket %d", r.Ticket.ID)
		}
		fmt.Fprintf(w, "%-28s %-17s %-36s %5d  %s%s\n", clip(display.Safe(client), 28), src, clip(display.Safe(r.Account), 36), r.Days, display.Safe(last), mark)
	}
	var held []doubted
	for _, r := range rep.Rows {
		if r.Status == accounts.CheckMapping && r.Client != nil {
			held = append(held, doubted{r.Client.Name + " (client " + r.Client.ID + ")", r.Environment.Name, r.Why})
		}
	}
	writeDoubts(w, "a ticket lists these accounts", held)
}

// madeSignIns says which sign-in metrics this run created in Liongard.
func madeSignIns(w io.Writer, found map[string]metrics.Found) {
	for _, s := range signins.Specs {
		if m := found[s.Purpose]; m.Made {
			fmt.Fprintf(w, "Created the Liongard metric %q (id %d) to read sign-ins (stale accounts, and the domains the mapping check compares); later runs use it.\n", m.Name, m.ID)
		}
	}
}

// doubted is a row a mapping check holds back.
type doubted struct{ client, environment, why string }

// writeDoubts lists, once per link, why rows wait for a mapping check, and
// what settles it.
func writeDoubts(w io.Writer, what string, rows []doubted) {
	seen := map[string]bool{}
	for _, r := range rows {
		key := r.client + "|" + r.environment + "|" + r.why
		if seen[key] {
			continue
		}
		if len(seen) == 0 {
			fmt.Fprintf(w, "\nCheck the mapping before %s:\n", what)
		}
		seen[key] = true
		fmt.Fprintf(w, "  %s ↔ %s: %s\n", display.Safe(r.client), display.Safe(r.environment), display.Safe(strings.TrimPrefix(r.why, "check the mapping: ")))
	}
	if len(seen) > 0 {
		fmt.Fprintln(w, "  If a link is right, confirm it: mspwire match confirm CLIENT_ID. If not, re-map it: mspwire match list --pair halopsa:liongard.")
	}
}

// makePlan makes a plan of a producer's kind and prints it as plan does.
func makePlan(cmd *cobra.Command, g *globals, e onboard.Env, p change.Producer, asJSON bool) error {
	ctx := cmd.Context()
	engine := workflow.Engine(e)
	pl, _, err := apply.Make(ctx, engine, p, who.Operator())
	if err != nil {
		return credentialError(err)
	}
	s, err := apply.Prepare(ctx, engine, pl.ID)
	if err != nil {
		return err
	}
	if asJSON {
		return jsonOut(g).Encode(viewOf(s))
	}
	writeSyncPlan(g.io.Out, s.Plan, s.Actions, true)
	return nil
}

func joinStatuses[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
