package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newExitCodesTopic is a help topic: "mspwire help exit-codes". It is
// read, not run: its help is the text alone, with no usage.
func newExitCodesTopic() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exit-codes",
		Short: "What mspwire's exit codes mean",
		Long: `mspwire exits with:

  0  ok
  1  error: something failed; the message says what and what to do
  2  cancelled by the operator (Ctrl+C, "no" at a confirmation), or the
     wizard was started without a terminal; for plan --detailed-exitcode,
     the plan has changes
  3  mspwire doctor found problems (its findings say which records, and the
     fix), billing reconcile found rows that are neither a match nor
     ignored, devices map found assets whose user is to set or links to
     check, or accounts stale found stale accounts — in the whole report:
     --status chooses what is shown, not the exit code
  4  credentials missing or rejected, or lacking a permission: a secret is
     not in the keyring or the environment, or a vendor answered 401 or 403`,
	}
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) { fmt.Fprintln(c.OutOrStdout(), c.Long) })
	return cmd
}
