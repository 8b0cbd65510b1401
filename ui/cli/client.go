package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/onboard"
	rollup "github.com/mspwire/mspwire/flows/report"
)

// newClientCmd is one client across the three reviews and the review's
// links: what an engineer opens before a call with that customer.
func newClientCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "client NAME",
		Short: "One HaloPSA client: its licences and their money, devices, stale accounts, open follow-ups, and its links in every system",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := strings.TrimSpace(strings.Join(args, " "))
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				page, err := rollup.ClientPage(cmd.Context(), e, name)
				if err != nil {
					return credentialError(err)
				}
				writeLines(g.io.Out, strings.TrimRight(page, "\n"))
				return nil
			})
		},
	}
}
