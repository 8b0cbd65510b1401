package cli

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/ui/display"
)

// auditLine is one audit entry as printed; snake_case for scripts.
type auditLine struct {
	ID     int64          `json:"id"`
	At     time.Time      `json:"at"`
	Actor  string         `json:"actor"`
	Event  string         `json:"event"`
	Detail map[string]any `json:"detail"`
}

func newAuditCmd(g *globals) *cobra.Command {
	var asJSON bool
	var since string
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "The audit trail of this profile: who did what, when (oldest first)",
		Long: "Every change mspwire makes is recorded: credentials saved, verified, rotated and removed; the path and\n" +
			"source of truth chosen; inventories fetched; steps ticked; match decisions; plans confirmed and applied.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var from time.Time
			if since != "" {
				var err error
				if from, err = parseSince(since, time.Now()); err != nil {
					return err
				}
			}
			st, _, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			log, err := st.AuditLog(cmd.Context(), g.profile)
			if err != nil {
				return err
			}
			lines := []auditLine{}
			for _, e := range log {
				if !e.At.Before(from) {
					lines = append(lines, auditLine{ID: e.ID, At: e.At, Actor: e.Actor, Event: e.Event, Detail: e.Detail})
				}
			}
			if asJSON {
				enc := jsonOut(g)
				enc.SetIndent("", "  ")
				return enc.Encode(lines)
			}
			switch {
			case len(log) == 0:
				fmt.Fprintf(g.io.Err, "Nothing recorded for profile %q yet.\n", g.profile)
				return nil
			case len(lines) == 0:
				fmt.Fprintf(g.io.Err, "Nothing recorded for profile %q since %s; %s older (mspwire audit lists them all).\n",
					g.profile, from.Local().Format("2006-01-02 15:04"), plural.N(len(log), "entry is", "entries are"))
				return nil
			}
			tw := tabwriter.NewWriter(g.io.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "WHEN\tWHO\tEVENT\tDETAIL")
			for _, l := range lines {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.At.Local().Format("2006-01-02 15:04:05"), display.Safe(l.Actor), l.Event, detailText(l.Detail))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the entries as JSON")
	cmd.Flags().StringVar(&since, "since", "", "only entries from this date (YYYY-MM-DD) or this long ago (e.g. 24h, 7d)")
	return cmd
}

// parseSince reads a date or an age ("36h", "7d").
func parseSince(v string, now time.Time) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, v, time.Local); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && n >= 0 && fmt.Sprint(n) == days {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since %q: give a date (2026-11-01) or an age (24h, 7d)", v)
}

// detailText prints a detail map as key=value pairs in a steady order.
func detailText(d map[string]any) string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, display.Safe(fmt.Sprintf("%s=%v", k, d[k])))
	}
	return strings.Join(parts, " ")
}
