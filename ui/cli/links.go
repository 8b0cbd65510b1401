package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/ui/display"
)

// newMatchConfirmCmd vouches for a HaloPSA client's link to its Liongard
// environment that the workflows hold back as "check the mapping".
func newMatchConfirmCmd(g *globals) *cobra.Command {
	var undo bool
	cmd := &cobra.Command{
		Use:   "confirm CLIENT_ID [--undo]",
		Short: "Vouch that a HaloPSA client and the Liongard environment the review links it to are one customer, whatever the evidence says",
		Long: "Billing, devices and stale accounts hold back a row whose HaloPSA ↔ Liongard link the evidence doubts (\"check the mapping\"):\n" +
			"the environment's accounts use domains the client's users do not, its name carries a site another client has, or two clients\n" +
			"name it. If the link is right, confirm it here; if it is wrong, re-map it in the review (mspwire match remap) instead.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			client := strings.TrimSpace(args[0])
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				link, doubt, err := linkcheck.Confirm(cmd.Context(), e, client, who.Operator(), undo)
				if err != nil {
					return credentialError(err)
				}
				names := fmt.Sprintf("%s (HaloPSA client %s) ↔ %s (Liongard environment %s)", display.Safe(link.Client.Name), link.Client.ID,
					display.Safe(link.Environment.Name), link.Environment.ID)
				switch {
				case undo:
					fmt.Fprintf(g.io.Err, "Took back the confirmation of %s: the evidence holds it back again.\n", names)
				case len(doubt.Why) == 0:
					fmt.Fprintf(g.io.Err, "Confirmed %s. Nothing doubted it; accounts at domains its users do not use now go into its tickets too.\n", names)
				default:
					fmt.Fprintf(g.io.Err, "Confirmed %s, against: %s.\n", names, display.Safe(strings.Join(doubt.Why, "; ")))
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&undo, "undo", false, "take the confirmation back")
	return cmd
}
