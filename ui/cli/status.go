package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/flows/workflow"
	"github.com/mspwire/mspwire/store"
)

func newStatusCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the profile's data file and, per system, its URL, where its secret lives and when it last worked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := buildStatus(cmd.Context(), g)
			if err != nil {
				return err
			}
			if asJSON {
				enc := jsonOut(g)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			return writeStatus(g.io.Out, r, time.Now())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func buildStatus(ctx context.Context, g *globals) (status.Report, error) {
	st, kr, err := g.open(ctx)
	if err != nil {
		return status.Report{}, err
	}
	defer st.Close()
	recoverRotations(ctx, g, st, kr)
	return workflow.Status(ctx, onboard.NewEnv(st, kr, g.profile))
}

func writeStatus(w io.Writer, r status.Report, now time.Time) error {
	fmt.Fprintf(w, "Profile    %s\nData file  %s\n\n", r.Profile, r.DataFile)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SYSTEM\tBASE URL\tSECRET\tLAST VERIFIED")
	for _, s := range r.Systems {
		url := s.BaseURL
		if !s.Configured {
			url = "not configured"
		}
		secret := string(s.Secret)
		if s.Secret == store.SourceEnv {
			secret = "env " + s.SecretEnv
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, url, secret, verified(s.VerifiedAt, now))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range r.Systems {
		if s.Problem != "" {
			fmt.Fprintf(w, "\n%s: %s\n", s.Name, s.Problem)
		}
	}
	if p := r.Plan; p != nil {
		what := strings.ReplaceAll(p.Kind, "_", " ")
		if p.Path != "" {
			what = "path " + p.Path
		}
		fmt.Fprintf(w, "\nPlan %d (%s, made %s): %s\n", p.ID, what, p.CreatedAt.Local().Format("2006-01-02 15:04"), p.Progress())
	}
	return nil
}
func verified(at *time.Time, now time.Time) string {
	if at == nil {
		return "never"
	}
	return at.Local().Format("2006-01-02 15:04") + " (" + ago(now.Sub(*at)) + ")"
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural.N(int(d/time.Minute), "minute", "minutes") + " ago"
	case d < 48*time.Hour:
		return plural.N(int(d/time.Hour), "hour", "hours") + " ago"
	}
	return plural.N(int(d/(24*time.Hour)), "day", "days") + " ago"
}
