// Package cli is mspwire's command tree: flags in, flows called, results out.
// Human text goes to stderr, data (--json, tables asked for) to stdout.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"charm.land/fang/v2"
	"github.com/adrg/xdg"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/display"
	"github.com/mspwire/mspwire/ui/prompt"
)

// Exit codes, documented in "mspwire help exit-codes".
const (
	ExitOK          = 0
	ExitError       = 1
	ExitCancelled   = 2
	ExitFindings    = 3 // doctor, billing reconcile, devices map, accounts stale: something to look at
	ExitCredentials = 4
	// ExitChanges is plan --detailed-exitcode's "the plan has changes",
	// terraform's convention; it shares 2 with ExitCancelled.
	ExitChanges = 2
)

// exitError carries an exit code other than 1 up to Main.
type exitError struct {
	Code   int
	Err    error
	Silent bool // already explained on screen; print nothing more
}

func (e *exitError) Error() string { return e.Err.Error() }
func (e *exitError) Unwrap() error { return e.Err }

// IO is the program's surroundings; tests give their own.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Interactive: stdin and Screen are terminals.
	Interactive bool
	// Screen is where screens and prompts are drawn: stderr, or stdout
	// when stderr is sent to a file (mspwire demo 2>log); nil: Err.
	Screen io.Writer
	// OutIsTerminal: stdout is a terminal, so tables rather than TSV.
	OutIsTerminal bool
	// Prompter asks the operator; nil: huh forms on In and Err when
	// Interactive (tests give a prompt.Script).
	Prompter prompt.Prompter
}

// StdIO is the real process's IO.
func StdIO() IO {
	screen, screenIsTerminal := os.Stderr, term.IsTerminal(os.Stderr.Fd())
	if !screenIsTerminal && term.IsTerminal(os.Stdout.Fd()) {
		screen, screenIsTerminal = os.Stdout, true
	}
	return IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Screen: screen,
		Interactive:   term.IsTerminal(os.Stdin.Fd()) && screenIsTerminal,
		OutIsTerminal: term.IsTerminal(os.Stdout.Fd()),
	}
}

// screen is where screens and prompts are drawn.
func (o IO) screen() io.Writer {
	if o.Screen != nil {
		return o.Screen
	}
	return o.Err
}

// globals are the flags every command shares.
type globals struct {
	io         IO
	profile    string
	dataDir    string
	accessible bool
	timeout    time.Duration
	cancel     context.CancelFunc // ends the command's deadline
	debugFile  string
	trace      io.Closer // the --debug-file, while a command runs
}

// startTrace turns the API trace on: into --debug-file (appended, for the
// operator alone), or stderr with MSPWIRE_DEBUG=api.
func (g *globals) startTrace() error {
	switch {
	case g.debugFile != "":
		f, err := os.OpenFile(g.debugFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("--debug-file: %w", err)
		}
		g.trace = f
		httpx.Trace(f)
		g.rememberTrace(g.debugFile)
	case strings.Contains(os.Getenv("MSPWIRE_DEBUG"), "api"):
		httpx.Trace(g.io.Err)
	}
	return nil
}

func (g *globals) stopTrace() {
	httpx.Trace(nil)
	if g.trace != nil {
		g.trace.Close()
	}
}

// DefaultTimeout bounds a command that is not a screen: a vendor that
// answers one page a minute cannot keep a script waiting for hours.
const DefaultTimeout = 30 * time.Minute

// untimed marks a command that runs until the operator stops it (the
// wizard, the demo, sandbox serve): no --timeout applies.
const untimed = "mspwire/untimed"

func markUntimed(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[untimed] = "yes"
	return cmd
}

// DataDir resolves --data-dir, then MSPWIRE_DATA_DIR, then the XDG data home.
func (g *globals) DataDir() string {
	switch {
	case g.dataDir != "":
		return g.dataDir
	case os.Getenv("MSPWIRE_DATA_DIR") != "":
		return os.Getenv("MSPWIRE_DATA_DIR")
	}
	return filepath.Join(xdg.DataHome, "mspwire")
}

// openStore opens the data directory's database, and says so when it
// turns out to be a copy of another: its secrets stayed with the original.
func (g *globals) openStore(ctx context.Context) (*store.Store, error) {
	st, err := store.Open(ctx, g.DataDir())
	if err == nil && st.CopiedFrom() != "" {
		fmt.Fprintf(g.io.Err, "This data directory was copied from %s: it now has keyring entries of its own, so the original's secrets stay the original's. Log in again here (mspwire auth login SYSTEM).\n", st.CopiedFrom())
	}
	return st, err
}

// open opens the profile's store and the keyring.
func (g *globals) open(ctx context.Context) (*store.Store, *store.Keyring, error) {
	if err := store.ValidProfile(g.profile); err != nil {
		return nil, nil, fmt.Errorf("--profile: %w", err)
	}
	kr, err := store.NewKeyring()
	if err != nil {
		return nil, nil, err
	}
	st, err := g.openStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	scoped, err := st.Secrets(ctx, kr)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, scoped, nil
}

func newRoot(std IO) (*cobra.Command, *globals) {
	g := &globals{io: std}
	root := &cobra.Command{
		Use:   "mspwire",
		Short: "Wire up Liongard, HaloPSA, Hudu and IT Glue for one MSP tenant, and keep them clean",
		Long: "mspwire onboards an MSP tenant's integrations between Liongard, HaloPSA, Hudu and IT Glue:\n" +
			"pick an integration path, enter and test credentials, match companies across systems,\n" +
			"then plan and apply the links. Run it without arguments in a terminal for the wizard.",
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !g.io.Interactive {
				cmd.SetOut(g.io.Err)
				_ = cmd.Help()
				return &exitError{Code: ExitCancelled, Silent: true,
					Err: errors.New("the wizard needs a terminal; use the commands above in scripts")}
			}
			return runHome(cmd.Context(), g)
		},
	}
	markUntimed(root)
	root.SuggestionsMinimumDistance = 2
	root.SetIn(std.In)
	root.SetOut(std.Out)
	root.SetErr(std.Err)

	pf := root.PersistentFlags()
	pf.StringVar(&g.profile, "profile", envOr("MSPWIRE_PROFILE", "default"), "the MSP tenant to work on (env MSPWIRE_PROFILE)")
	pf.StringVar(&g.dataDir, "data-dir", "", "where mspwire keeps its database (env MSPWIRE_DATA_DIR; default $XDG_DATA_HOME/mspwire)")
	pf.BoolVar(&g.accessible, "accessible", os.Getenv("ACCESSIBLE") != "", "plain prompts, one line at a time, for screen readers (env ACCESSIBLE)")
	pf.DurationVar(&g.timeout, "timeout", envDuration("MSPWIRE_TIMEOUT", DefaultTimeout), "give up on a command after this long, e.g. 90s or 1h (env MSPWIRE_TIMEOUT; not the wizard)")
	pf.StringVar(&g.debugFile, "debug-file", "", "append every API request and answer to this file, credentials redacted (MSPWIRE_DEBUG=api: to stderr)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if g.timeout <= 0 {
			return fmt.Errorf("--timeout %s: give a duration above zero, e.g. 10m", g.timeout)
		}
		if err := g.startTrace(); err != nil {
			return err
		}
		if cmd.Annotations[untimed] == "" {
			ctx, cancel := context.WithTimeoutCause(cmd.Context(), g.timeout,
				fmt.Errorf("gave up after %s (--timeout); allow longer with --timeout or MSPWIRE_TIMEOUT", g.timeout))
			g.cancel = cancel
			cmd.SetContext(ctx)
		}
		return nil
	}

	root.AddCommand(newDemoCmd(g), newStatusCmd(g), newAuthCmd(g), newPathCmd(g), newSourceCmd(g), newInventoryCmd(g), newMatchCmd(g), newPlanCmd(g), newApplyCmd(g), newDoctorCmd(g), newBillingCmd(g), newDevicesCmd(g), newAccountsCmd(g), newSandboxCmd(g), newAuditCmd(g), newVerifyCmd(g), newPruneCmd(g), newReportCmd(g), newClientCmd(g), newBugreportCmd(g), newExitCodesTopic())
	guideGroups(root)
	return root, g
}

// unknownCommand refuses an argument that is no subcommand, and names the
// closest ones.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return fmt.Errorf("%s (%s --help lists them)", msg, cmd.CommandPath())
}

// guideGroups makes each command that only groups others ("auth", "path")
// refuse a mistyped subcommand with a suggestion, and say which to give.
func guideGroups(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		guideGroups(c)
	}
	if !cmd.HasSubCommands() || cmd.RunE != nil || cmd.Run != nil {
		return
	}
	cmd.SuggestionsMinimumDistance = 2
	cmd.Args = unknownCommand
	cmd.RunE = func(c *cobra.Command, _ []string) error {
		var names []string
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		return fmt.Errorf("%s needs a command: %s (%s --help explains them)", c.CommandPath(), strings.Join(names, ", "), c.CommandPath())
	}
}

// Main runs mspwire with args and returns the process exit code.
func Main(ctx context.Context, args []string, std IO) int {
	// colorprofile reads NO_COLOR as a boolean, so "NO_COLOR=yes" would keep
	// colour; no-color.org says any non-empty value turns it off.
	if os.Getenv("NO_COLOR") != "" {
		os.Setenv("NO_COLOR", "1")
	}
	root, g := newRoot(std)
	defer func() {
		if g.cancel != nil {
			g.cancel()
		}
		g.stopTrace()
	}()
	root.SetArgs(args)
	version, commit := buildVersion()
	err := fang.Execute(ctx, root,
		fang.WithVersion(version), fang.WithCommit(commit),
		fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM),
		fang.WithErrorHandler(func(w io.Writer, styles fang.Styles, err error) {
			var exit *exitError
			if errors.As(err, &exit) && exit.Silent {
				return
			}
			// Not fang's default: it capitalises and re-wraps the text,
			// which mangles flag names and long paths.
			fmt.Fprintln(w, styles.ErrorHeader.UnsetMargins().Padding(0, 1).String(), display.Text(remedy.Say(err, sayCommand))) // it may carry a vendor's words
		}),
	)
	return exitCode(err)
}

func exitCode(err error) int {
	var exit *exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &exit):
		return exit.Code
	case errors.Is(err, context.Canceled), errors.Is(err, prompt.ErrCancelled):
		return ExitCancelled
	case errors.Is(err, store.ErrSecretNotFound), adapter.Refused(err):
		return ExitCredentials // missing or refused, from any command
	}
	return ExitError
}

// buildVersion reads the module version and VCS revision stamped by the Go
// toolchain, so "--version" needs no ldflags.
func buildVersion() (version, commit string) {
	version = "dev"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version, ""
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		version = v
	}
	built := ""
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision":
			commit = s.Value
		case s.Key == "vcs.time":
			built = s.Value
		case s.Key == "vcs.modified" && s.Value == "true" && !strings.HasSuffix(version, "+dirty"): // Go stamps it on pseudo-versions itself
			version += "+dirty"
		}
	}
	switch {
	case built != "":
		version += ", committed " + built
	case commit == "":
		version += " (no commit recorded: built by go run, or with -buildvcs=false)"
	}
	return version, commit
}

// envDuration reads a duration from the environment; a value that is not
// one is left for the flag check to report as the default.
func envDuration(name string, fallback time.Duration) time.Duration {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		return -1
	}
	return fallback
}

func envOr(name, fallback string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return fallback
}

// jsonOut is --json's encoder: what a vendor's strings carry that could
// drive a terminal (bidi overrides, C1 controls) goes out escaped.
func jsonOut(g *globals) *json.Encoder { return json.NewEncoder(display.JSONWriter(g.io.Out)) }
