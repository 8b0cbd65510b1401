package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/ui/display"
)

// writeSince says what moved since the last run, rows named.
func writeSince(w io.Writer, s history.SinceLast) {
	fmt.Fprintf(w, "\n%s\n", s.Sentence())
	if s.Run == 0 {
		return
	}
	if len(s.New) > 0 {
		fmt.Fprintf(w, "  new: %s\n", strings.Join(s.New, ", "))
	}
	for _, c := range s.Changed {
		fmt.Fprintf(w, "  changed: %s (%s)\n", c.ID, display.Safe(strings.Join(c.Moved, "; ")))
	}
	if len(s.Resolved) > 0 {
		fmt.Fprintf(w, "  resolved: %s\n", strings.Join(s.Resolved, ", "))
	}
}

// exitOnMoved is --changed: exit 3 only when a row is new or changed since
// the last run, so a scheduled run speaks only when there is news.
func exitOnMoved(s history.SinceLast) error {
	if s.Moved() {
		return &exitError{Code: ExitFindings, Silent: true, Err: fmt.Errorf("%s, %s since the last run",
			plural.N(len(s.New), "new row", "new rows"), plural.N(len(s.Changed), "changed row", "changed rows"))}
	}
	return nil
}

// newAccountsHistoryCmd is `accounts history [--days N]`.
func newAccountsHistoryCmd(g *globals) *cobra.Command {
	days := accounts.DefaultDays
	cmd := newHistoryCmd(g, "accounts stale", func() string { return history.AccountsKind(days) })
	cmd.Flags().IntVar(&days, "days", accounts.DefaultDays, "the runs made with this --days")
	return cmd
}

// newHistoryCmd is `<kind> history`: the kept runs, newest first.
func newHistoryCmd(g *globals, command string, kindOf func() string) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "history",
		Short: "The kept runs, newest first: each one's rows, open rows, and what was new, changed and resolved since the one before",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kind := kindOf()
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				runs, err := history.List(cmd.Context(), e.Store, e.Profile, kind)
				if err != nil {
					return err
				}
				if asJSON {
					return jsonOut(g).Encode(map[string]any{"runs": nonNil(runs)})
				}
				if len(runs) == 0 {
					fmt.Fprintf(g.io.Out, "No run kept yet: mspwire %s keeps one each time it runs.\n", command)
					return nil
				}
				fmt.Fprintf(g.io.Out, "%-6s %-16s %5s %5s %5s %7s %8s\n", "RUN", "AT", "ROWS", "OPEN", "NEW", "CHANGED", "RESOLVED")
				for _, r := range runs {
					fmt.Fprintf(g.io.Out, "%-6d %-16s %5d %5d %5d %7d %8d\n", r.Run, r.At.Local().Format("2006-01-02 15:04"), r.Rows, r.Open,
						len(r.Since.New), len(r.Since.Changed), len(r.Since.Resolved))
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"runs": [{run, at, rows, open, since_last}]}`)
	return cmd
}

// newPruneCmd is `history prune --older-than 13mo`.
func newPruneCmd(g *globals) *cobra.Command {
	var older string
	prune := &cobra.Command{
		Use:   "prune --older-than AGE",
		Short: "Remove kept runs older than AGE (13mo, 400d, 12w, 2y); the latest of each review stays, for the next to compare with",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			before, err := history.ParseAge(older, time.Now())
			if err != nil {
				return fmt.Errorf("--older-than %w", err)
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				n, err := e.Store.PruneRuns(cmd.Context(), e.Profile, before)
				if err != nil {
					return err
				}
				fmt.Fprintf(g.io.Err, "Removed %s kept before %s.\n", plural.N(int(n), "run", "runs"), before.Local().Format("2006-01-02"))
				return nil
			})
		},
	}
	prune.Flags().StringVar(&older, "older-than", "", "how old a run must be to go: 13mo, 400d, 12w, 2y")
	_ = prune.MarkFlagRequired("older-than")
	cmd := &cobra.Command{Use: "history", Short: "The runs billing, devices and stale accounts keep"}
	cmd.AddCommand(prune)
	return cmd
}
