package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/verify"
	"github.com/mspwire/mspwire/ui/display"
)

func newVerifyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Do the guide's test steps through the APIs: run an inspection and follow its alert to the HaloPSA ticket",
	}
	var client string
	var deadline time.Duration
	var asJSON bool
	alerts := &cobra.Command{
		Use:   "alerts [--client NAME]",
		Short: "Run one linked client's inspections in Liongard, wait for the alert and its HaloPSA ticket, and say which link broke; exit 3 if one did",
		Long: "The guide's test: \"manually trigger a test inspection and verify that a ticket is created in HaloPSA for the expected\n" +
			"customer\". mspwire runs the inspections of one client's Liongard environment (the one named, or one linked client whose\n" +
			"rules have fired before), waits for the alert and for the HaloPSA ticket it should open, and says which link of the\n" +
			"chain broke: no alert (no rule fired, or no alert template assigned to the environment), an alert but no ticket (the\n" +
			"template has no HaloPSA destination, or its ticket type has a field Liongard cannot fill), or a ticket on another\n" +
			"client (Liongard's HaloPSA mapping). It writes nothing itself; the inspection may raise real alerts and tickets.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				res, err := verify.Alerts(cmd.Context(), e, verify.Options{Client: client, Deadline: deadline,
					Progress: func(s string) { fmt.Fprintln(g.io.Err, display.Safe(s)+"…") }})
				if err != nil {
					return credentialError(err)
				}
				if asJSON {
					if err := jsonOut(g).Encode(res); err != nil {
						return err
					}
				} else if res.Passed {
					fmt.Fprintf(g.io.Out, "Passed: %s.\n", display.Safe(res.Why))
				} else {
					fmt.Fprintf(g.io.Out, "Broken at the %s: %s.\n", res.Broken, display.Safe(res.Why))
				}
				if !res.Passed {
					return &exitError{Code: ExitFindings, Silent: true, Err: fmt.Errorf("the alert test broke at the %s", res.Broken)}
				}
				return nil
			})
		},
	}
	alerts.Flags().StringVar(&client, "client", "", "the HaloPSA client to test with, by name or id (default: one linked client whose rules have fired before)")
	alerts.Flags().DurationVar(&deadline, "wait", 5*time.Minute, "how long to wait for the alert and the ticket")
	alerts.Flags().BoolVar(&asJSON, "json", false, `print {"client", "environment", "inspections", "alert", "ticket", "passed", "broken", "why"}`)
	var fClient string
	var fDeadline time.Duration
	var fJSON bool
	flexible := &cobra.Command{
		Use:   "flexible-assets [--client NAME]",
		Short: "Path B: run one linked environment's inspections and wait for their (auto) flexible asset in IT Glue; exit 3 if none comes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				res, err := verify.FlexibleAssets(cmd.Context(), e, verify.Options{Client: fClient, Deadline: fDeadline,
					Progress: func(s string) { fmt.Fprintln(g.io.Err, display.Safe(s)+"…") }})
				if err != nil {
					return credentialError(err)
				}
				switch {
				case fJSON:
					if err := jsonOut(g).Encode(res); err != nil {
						return err
					}
				case res.Passed:
					fmt.Fprintf(g.io.Out, "Passed: %s.\n", display.Safe(res.Why))
				default:
					fmt.Fprintf(g.io.Out, "Broken: %s.\n", display.Safe(res.Why))
				}
				if !res.Passed {
					return &exitError{Code: ExitFindings, Silent: true, Err: fmt.Errorf("no flexible asset came")}
				}
				return nil
			})
		},
	}
	flexible.Flags().StringVar(&fClient, "client", "", "the Liongard environment or IT Glue organization to test with, by name")
	flexible.Flags().DurationVar(&fDeadline, "wait", 5*time.Minute, "how long to wait for the flexible asset")
	flexible.Flags().BoolVar(&fJSON, "json", false, `print {"environment", "organization", "inspections", "assets", "passed", "why"}`)
	cmd.AddCommand(alerts, flexible)
	return cmd
}
