package cli

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/sandbox"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/backend"
	"github.com/mspwire/mspwire/ui/tui"
)

// flowsBackend serves the wizard from the flows: the composition root.
type flowsBackend = backend.Flows

// demoDefaults offers the sandbox's credentials in the demo's forms.
func demoDefaults(creds map[string]sandbox.Creds) func(string) (connect.Values, string) {
	return func(system string) (connect.Values, string) {
		c, ok := creds[system]
		if !ok {
			return connect.Values{}, ""
		}
		return c.Values(), c.Secret()
	}
}

// runWizard runs the wizard on the terminal, drawn on the screen (stderr,
// or stdout when stderr goes to a file).
func runWizard(ctx context.Context, g *globals, b flowsBackend) error {
	if g.accessible {
		return runAccessible(ctx, g, b)
	}
	w := tui.NewWizard(ctx, b)
	p := tea.NewProgram(w, tea.WithContext(ctx), tea.WithInput(g.io.In), tea.WithOutput(g.io.screen()))
	if _, err := p.Run(); err != nil {
		return err
	}
	if w.Interrupted {
		return &exitError{Code: ExitCancelled, Silent: true, Err: errors.New("interrupted")}
	}
	return nil
}

func runHome(ctx context.Context, g *globals) error {
	st, kr, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.EnsureProfile(ctx, g.profile); err != nil {
		return err
	}
	return runWizard(ctx, g, flowsBackend{Env: onboard.NewEnv(st, kr, g.profile)})
}

func newDemoCmd(g *globals) *cobra.Command {
	var seed uint64
	var companies int
	var clean bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the wizard against a built-in sandbox of all four APIs, in a throw-away profile",
		Long: "Start simulated HaloPSA, Liongard, IT Glue and Hudu APIs on loopback and run the wizard against them,\n" +
			"with their demo credentials offered as defaults. Data goes to a temporary directory, removed on exit.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !g.io.Interactive && !g.accessible {
				return &exitError{Code: ExitCancelled, Err: fmt.Errorf("the demo is a terminal wizard: run it in a terminal (or with --accessible)")}
			}
			ctx := cmd.Context()
			sb, err := sandbox.Start(ctx, sandbox.Options{Seed: seed, Companies: companies, Clean: clean})
			if err != nil {
				return err
			}
			defer sb.Close()
			dir, err := newDemoDir()
			if err != nil {
				return err
			}
			defer dir.Close()
			st, err := store.Open(ctx, dir.path)
			if err != nil {
				return err
			}
			defer st.Close()
			profile := "demo"
			if err := st.EnsureProfile(ctx, profile); err != nil {
				return err
			}
			kr, err := store.NewKeyring()
			if err != nil {
				return err
			}
			if err := kr.Usable(ctx); err != nil {
				fmt.Fprintf(g.io.Err, "No OS keyring is available (%v).\nThe demo keeps its sandbox secrets in memory for this run only.\n", err)
				sweepDemoLeftovers(ctx, nil, g.io.Err)
				kr = store.NewMemoryKeyring()
			} else {
				sweepDemoLeftovers(ctx, kr, g.io.Err)
				// Its keyring entries' scope, for a sweep after a kill.
				if err := dir.remember(st.ID()); err != nil {
					return err
				}
			}
			// The demo's own data directory id scopes its keyring entries:
			// it can never read or remove a real profile's secrets.
			kr = kr.Scoped(st.ID())
			defer forgetDemoSecrets(context.Background(), kr, profile)
			g.profile = profile
			return runWizard(ctx, g, flowsBackend{Env: onboard.NewEnv(st, kr, profile), Demo: demoDefaults(sb.Creds),
				DemoRotate: func(_ context.Context, system string) (connect.Values, string, error) {
					c, err := sb.NewSecret(system)
					v := c.Values()
					delete(v, "url") // a rotation keeps the URL
					return v, c.Secret(), err
				}})
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the simulated MSP")
	cmd.Flags().IntVar(&companies, "companies", sandbox.DefaultCompanies, "how many customers the simulated MSP has")
	cmd.Flags().BoolVar(&clean, "clean", false, "a simulated MSP without the pitfalls planted for mspwire doctor to find")
	return markUntimed(cmd)
}

// forgetDemoSecrets removes what the demo put in the real keyring; the
// first error is kept, the other entries still removed.
func forgetDemoSecrets(ctx context.Context, kr *store.Keyring, profile string) error {
	var first error
	for _, sys := range adapter.IDs() {
		if ref, err := connect.Ref(profile, sys); err == nil {
			if err := kr.Delete(ctx, ref); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}
