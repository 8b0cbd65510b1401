package cli

import "github.com/spf13/cobra"

// newExitCodesTopic is a help topic: "mspwire help exit-codes".
func newExitCodesTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "What mspwire's exit codes mean",
		Long: `mspwire exits with:

  0  ok
  1  error: something failed; the message says what and what to do
  2  cancelled by the operator (Ctrl+C, "no" at a confirmation), or the
     wizard was started without a terminal
  3  mspwire doctor found problems (its findings say which records, and the
     fix), billing reconcile found rows that are neither a match nor
     ignored, devices map found assets whose user is to set, or accounts
     stale found stale accounts
  4  credentials missing or rejected: a secret is not in the keyring or the
     environment, or a vendor refused it`,
	}
}
