package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/onboard"
	rollup "github.com/mspwire/mspwire/flows/report"
)

func newReportCmd(g *globals) *cobra.Command {
	var format, out string
	days := accounts.DefaultDays
	cmd := &cobra.Command{
		Use:   "report [--format md|html] [-o FILE]",
		Short: "The recurring reviews rolled up per client — licences and their money, devices, stale accounts, follow-ups, what moved since the last run — as Markdown or one HTML file",
		Long: "Reads billing, devices and stale accounts as their twins do (each a kept run, compared with the one before) and writes\n" +
			"them per client: Markdown to paste into an email or a QBR, or one self-contained HTML file (no script, nothing fetched).\n" +
			"Nothing is written to any vendor.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "md" && format != "html" {
				return fmt.Errorf("--format %q: md or html", format)
			}
			ctx := cmd.Context()
			return withOnboard(ctx, g, func(e onboard.Env) error {
				in, err := rollup.Gather(ctx, e, days, time.Now(), true)
				if err != nil {
					return credentialError(err)
				}
				r := rollup.Build(in)
				text := r.Markdown()
				if format == "html" {
					if text, err = r.HTML(); err != nil {
						return err
					}
				}
				if out == "" {
					_, err = fmt.Fprint(g.io.Out, text)
					return err
				}
				if err := os.WriteFile(out, []byte(text), 0o600); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Err, "Wrote the report of %d clients to %s.\n", len(r.Clients), out)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "md", "md (Markdown) or html (one self-contained file)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file (0600) instead of stdout")
	cmd.Flags().IntVar(&days, "days", accounts.DefaultDays, "days without a sign-in that make an account stale")
	return cmd
}
