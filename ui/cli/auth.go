package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/rotate"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/prompt"
)

func newAuthCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Log in to each system, see where credentials live, rotate them safely, log out",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newAuthLoginCmd(g), newAuthStatusCmd(g), newAuthRotateCmd(g), newAuthLogoutCmd(g), newAuthChecklistCmd(g))
	return cmd
}

// prompter is how this run asks questions; nil without a terminal.
func (g *globals) prompter() prompt.Prompter {
	if !g.io.Interactive {
		return nil
	}
	if g.io.Prompter != nil {
		return g.io.Prompter
	}
	return prompt.Huh{In: g.io.In, Out: g.io.screen(), Accessible: g.accessible}
}

func newAuthLoginCmd(g *globals) *cobra.Command {
	var c credentialFlags
	cmd := &cobra.Command{
		Use:   "login SYSTEM",
		Short: "Enter a system's credentials, verify them with the vendor, and keep the secret in the OS keyring",
		Long: "Log in to a system. Each takes these flags (optional ones in brackets):\n\n" + systemsHelp() + "\n\n" +
			"Fields missing from the flags are asked for on a terminal; in scripts give them as flags and the secret on\n" +
			"stdin with --secret-stdin. Nothing is stored unless the vendor accepts it. With the secret in\n" +
			"MSPWIRE_<SYSTEM>_<FIELD> (e.g. MSPWIRE_HUDU_API_KEY) and no --secret-stdin, the connection is verified and\n" +
			"recorded without any keyring: the secret stays in the environment.",
		Example: "  mspwire auth login halopsa --url https://acme.halopsa.com --client-id 3c0f… --used-by liongard --secret-stdin < secret.txt",
		RunE: func(cmd *cobra.Command, args []string) error {
			sys, err := systemArg(args)
			if err != nil {
				return err
			}
			f, err := c.values(sys)
			if err != nil {
				return err
			}
			p := g.prompter()
			if c.secretStdin {
				p = nil // stdin carries the secret, so no questions
			}
			if f, err = askFields(p, sys, f, loginFields, false, ""); err != nil {
				return err
			}
			if f, err = connect.Check(sys.ID, f); err != nil {
				return err
			}
			ref, _ := connect.Ref(g.profile, sys.ID)
			fromEnv := !c.secretStdin && os.Getenv(ref.EnvVar()) != ""
			var secret string
			if fromEnv {
				secret = os.Getenv(ref.EnvVar())
			} else if secret, err = readSecret(g, c.secretStdin, sys, sys.Secret().Noun); err != nil {
				return err
			}
			if err := store.ValidProfile(g.profile); err != nil {
				return fmt.Errorf("--profile: %w", err)
			}
			// The vendor is asked first: a refused login leaves no data
			// directory, database or keyring entry behind.
			fmt.Fprintf(g.io.Err, "Checking with %s…\n", sys.Name)
			v, err := connect.Verify(cmd.Context(), sys.ID, f, secret)
			if err != nil {
				return credentialError(err)
			}
			if fromEnv {
				// No keyring needed, none touched: the secret stays where it is.
				st, err := g.openStore(cmd.Context())
				if err != nil {
					return err
				}
				defer st.Close()
				if err := connect.SaveFromEnv(cmd.Context(), st, g.profile, sys.ID, f, v, who.Operator()); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Err, "%s: verified as %s with the secret in %s; recorded the connection. The secret is not stored: keep it in the environment.\n",
					sys.Name, v.ActsAs, ref.EnvVar())
				printWarnings(g.io.Err, v.Warnings)
				return nil
			}
			st, kr, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := connect.Save(cmd.Context(), st, kr, g.profile, sys.ID, f, secret, v, who.Operator()); err != nil {
				return err
			}
			fmt.Fprintf(g.io.Err, "%s: verified as %s. Secret saved in the OS keyring (service %s, account %s).\n",
				sys.Name, v.ActsAs, store.KeyringService, kr.Account(ref))
			printWarnings(g.io.Err, v.Warnings)
			return nil
		},
	}
	c.register(cmd, loginFields)
	return cmd
}

// credentialError gives a vendor's refusal exit code 4.
func credentialError(err error) error {
	if adapter.Refused(err) {
		return &exitError{Code: ExitCredentials, Err: err}
	}
	return err
}

func printWarnings(w io.Writer, warnings []string) {
	for _, warning := range warnings {
		fmt.Fprintln(w, "warning: "+warning)
	}
}

// recoverRotations runs the start-up check: rotations a killed run left
// half-done are finished, an interrupted apply is pointed out.
func recoverRotations(ctx context.Context, g *globals, st *store.Store, kr *store.Keyring) {
	if a := startUp(ctx, g, onboard.NewEnv(st, kr, g.profile)); a != nil {
		fmt.Fprintln(g.io.Err, applyNote(a))
	}
}

func newAuthStatusCmd(g *globals) *cobra.Command {
	var asJSON bool
	var maxAgeDays int
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Per system: where the secret lives (masked), what it acts as, when it was verified and rotated, warnings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if maxAgeDays < 1 || maxAgeDays > 36500 {
				return fmt.Errorf("--max-age-days %d: give a number of days from 1 to 36500", maxAgeDays)
			}
			st, kr, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			recoverRotations(cmd.Context(), g, st, kr)
			creds, err := status.Credentials(cmd.Context(), st, kr, g.profile, time.Now(), time.Duration(maxAgeDays)*24*time.Hour)
			if err != nil {
				return err
			}
			open, err := openChecklist(cmd.Context(), st, g.profile)
			if err != nil {
				return err
			}
			if asJSON {
				enc := jsonOut(g)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"profile": g.profile, "credentials": creds, "checklist": open})
			}
			return writeCredentials(g.io.Out, g.profile, creds, open)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().IntVar(&maxAgeDays, "max-age-days", maxKeyAgeDays(), "warn about secrets older than this (env MSPWIRE_KEY_MAX_AGE_DAYS)")
	return cmd
}

func maxKeyAgeDays() int {
	if n, err := strconv.Atoi(os.Getenv("MSPWIRE_KEY_MAX_AGE_DAYS")); err == nil && n > 0 {
		return n
	}
	return int(status.DefaultMaxKeyAge / (24 * time.Hour))
}

type checklistLine struct {
	ID     int64  `json:"id"`
	System string `json:"system"`
	Item   string `json:"item"`
	Reason string `json:"reason"`
}

func openChecklist(ctx context.Context, st *store.Store, profile string) ([]checklistLine, error) {
	items, err := st.Checklist(ctx, profile)
	if err != nil {
		return nil, err
	}
	out := []checklistLine{}
	for _, it := range items {
		if it.DoneAt.IsZero() {
			out = append(out, checklistLine{ID: it.ID, System: it.System, Item: it.Item, Reason: it.Reason})
		}
	}
	return out, nil
}

func writeCredentials(w io.Writer, profile string, creds []status.Credential, open []checklistLine) error {
	fmt.Fprintf(w, "Profile %s\n\n", profile)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SYSTEM\tSECRET\tACTS AS\tVERIFIED\tROTATED\tAGE")
	for _, c := range creds {
		if !c.Configured && c.Secret == store.SourceMissing {
			fmt.Fprintf(tw, "%s\tnot configured\t\t\t\t\n", c.Name)
			continue
		}
		where := string(c.Secret)
		switch c.Secret {
		case store.SourceEnv:
			where = "env " + c.SecretEnv + " " + c.Masked
		case store.SourceKeyring:
			where = "keyring " + c.Masked
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, where, c.ActsAs, day(c.VerifiedAt), day(c.RotatedAt), plural.N(c.AgeDays, "day", "days"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range creds {
		for _, warning := range c.Warnings {
			fmt.Fprintf(w, "\nwarning: %s: %s", c.Name, warning)
		}
		if c.Expires != "" {
			fmt.Fprintf(w, "\n%s access key expires %s", c.Name, c.Expires)
		}
		if c.Problem != "" {
			fmt.Fprintf(w, "\n%s: %s", c.Name, c.Problem)
		}
	}
	if len(open) > 0 {
		fmt.Fprintln(w, "\n\nStill to do by hand (mspwire auth checklist --tick ID when done):")
		for _, it := range open {
			fmt.Fprintf(w, "  %d. [%s] %s\n", it.ID, it.System, it.Item)
		}
		return nil
	}
	fmt.Fprintln(w)
	return nil
}

func day(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.Local().Format("2006-01-02")
}

func newAuthRotateCmd(g *globals) *cobra.Command {
	var c credentialFlags
	var resume bool
	cmd := &cobra.Command{
		Use:   "rotate SYSTEM",
		Short: "Replace a secret: verify the new one while the old stays, swap it in, read it back, list what to update elsewhere",
		Long: "Rotate a system's secret. The new secret is verified with the vendor before anything changes; if it is\n" +
			"refused, the old one stays. A run that is interrupted is finished (or undone) by the next auth command.\n" +
			"For Liongard give the new key's --key-id (and --expires); its secret on stdin or at the prompt.",
		RunE: func(cmd *cobra.Command, args []string) error {
			sys, err := systemArg(args)
			if err != nil {
				return err
			}
			st, kr, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := st.Connection(cmd.Context(), g.profile, sys.ID); err != nil {
				return &exitError{Code: ExitCredentials, Err: fmt.Errorf("%w; run mspwire auth login %s first", err, sys.ID)}
			}
			res, did, err := rotate.Recover(cmd.Context(), st, kr, g.profile, sys.ID, who.Operator())
			if did {
				if err != nil {
					fmt.Fprintf(g.io.Err, "%s: %v\n", sys.Name, err)
				} else {
					reportRotation(g.io.Err, sys, res)
				}
			}
			if resume {
				if !did {
					fmt.Fprintf(g.io.Err, "%s: no rotation was left half-done\n", sys.Name)
				}
				return err
			}
			f, err := c.values(sys)
			if err != nil {
				return err
			}
			p := g.prompter()
			if c.secretStdin {
				p = nil
			}
			if f, err = askFields(p, sys, f, rotateFields, false, "New "); err != nil {
				if p == nil && c.secretStdin {
					return fmt.Errorf("%w: rotating the %s secret brings a new one", err, sys.Name)
				}
				return err
			}
			secret, err := readSecret(g, c.secretStdin, sys, "new "+sys.Secret().Noun)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.io.Err, "Checking the new secret with %s…\n", sys.Name)
			res, err = rotate.Rotate(cmd.Context(), st, kr, g.profile, sys.ID, f, secret, who.Operator())
			if err != nil {
				return credentialError(err)
			}
			reportRotation(g.io.Err, sys, res)
			return nil
		},
	}
	c.register(cmd, rotateFields)
	cmd.Flags().BoolVar(&resume, "resume", false, "only finish a rotation an earlier run left half-done")
	return cmd
}

func reportRotation(w io.Writer, sys adapter.Info, res rotate.Result) {
	verb := "Rotated"
	if res.Recovered {
		verb = "Finished rotating"
	}
	fmt.Fprintf(w, "%s the %s secret; verified as %s.\n", verb, sys.Name, res.Verified.ActsAs)
	printWarnings(w, res.Verified.Warnings)
	if len(res.Checklist) > 0 {
		fmt.Fprintln(w, "Now, by hand (see mspwire auth checklist; tick each when done):")
		for _, item := range res.Checklist {
			fmt.Fprintln(w, "  - "+item)
		}
	}
}

func newAuthLogoutCmd(g *globals) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "logout SYSTEM",
		Short: "Remove a system's secret from the keyring and forget its connection",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sys, err := systemArg(args)
			if err != nil {
				return err
			}
			if !yes {
				p := g.prompter()
				if p == nil {
					return errors.New("--yes required when not running interactively")
				}
				ok, err := p.Confirm(fmt.Sprintf("Remove the %s connection and its secret from profile %q?", sys.Name, g.profile), false)
				if err != nil {
					return err
				}
				if !ok {
					return &exitError{Code: ExitCancelled, Err: errors.New("nothing was removed")}
				}
			}
			st, kr, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			removed, err := connect.Logout(cmd.Context(), st, kr, g.profile, sys.ID, who.Operator())
			if err != nil {
				return err
			}
			if !removed {
				fmt.Fprintf(g.io.Err, "%s: nothing to remove; profile %q has no connection or secret for it here.\n", sys.Name, g.profile)
				return nil
			}
			ref, _ := connect.Ref(g.profile, sys.ID)
			fmt.Fprintf(g.io.Err, "%s: secret removed from the keyring and connection forgotten.\n", sys.Name)
			if kr.InEnv(ref) {
				fmt.Fprintf(g.io.Err, "note: %s is still set in this environment\n", ref.EnvVar())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return cmd
}

func newAuthChecklistCmd(g *globals) *cobra.Command {
	var tick []int64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "checklist",
		Short: "The steps to do by hand in a vendor's console, after a rotation or an apply; --tick ID marks one done",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, _, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			for _, id := range tick {
				if err := st.TickChecklist(cmd.Context(), g.profile, id); err != nil {
					return err
				}
			}
			items, err := st.Checklist(cmd.Context(), g.profile)
			if err != nil {
				return err
			}
			if asJSON {
				return jsonOut(g).Encode(items)
			}
			if len(items) == 0 {
				fmt.Fprintln(g.io.Out, "Nothing to do by hand.")
			}
			for _, it := range items {
				box := "[ ]"
				if !it.DoneAt.IsZero() {
					box = "[x]"
				}
				fmt.Fprintf(g.io.Out, "%s %d. %s: %s (%s)\n", box, it.ID, it.System, it.Item, it.Reason)
			}
			return nil
		},
	}
	cmd.Flags().Int64SliceVar(&tick, "tick", nil, "mark these items done")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checklist as JSON")
	return cmd
}
