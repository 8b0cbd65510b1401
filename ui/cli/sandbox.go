package cli

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/sandbox"
)

func newSandboxCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Simulators of the vendors' APIs, for the demo, tests and trying things safely",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSandboxServeCmd(g))
	return cmd
}

func newSandboxServeCmd(g *globals) *cobra.Command {
	var o sandbox.Options
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the simulated vendor APIs on loopback and print their URLs and demo credentials",
		Long: "Serve the simulated vendor APIs, one loopback port per vendor, over a seeded world of MSP customers,\n" +
			"until interrupted. Each vendor also answers an admin API under /_sandbox/ (state, reset, faults, limit).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			sb, err := sandbox.Start(ctx, o)
			if err != nil {
				return err
			}
			defer sb.Close()
			if asJSON {
				line, err := json.Marshal(sb.Creds)
				if err != nil {
					return err
				}
				fmt.Fprintln(g.io.Out, string(line))
			} else {
				names := make([]string, 0, len(sb.Creds))
				for name := range sb.Creds {
					names = append(names, name)
				}
				sort.Strings(names)
				for _, name := range names {
					c := sb.Creds[name]
					fmt.Fprintf(g.io.Out, "%-9s %s", name, c.URL)
					switch {
					case c.ClientID != "":
						fmt.Fprintf(g.io.Out, "  client_id=%s client_secret=%s", c.ClientID, c.ClientSecret)
					case c.KeyID != "":
						fmt.Fprintf(g.io.Out, "  access_key_id=%s access_key_secret=%s", c.KeyID, c.KeySecret)
					case c.APIKey != "":
						fmt.Fprintf(g.io.Out, "  api_key=%s", c.APIKey)
					}
					fmt.Fprintln(g.io.Out)
				}
			}
			fmt.Fprintf(g.io.Err, "world: %s\nserving until interrupted (Ctrl+C)\n", sb.World)
			select {
			case <-ctx.Done():
				return nil
			case err := <-sb.Err():
				return err
			}
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Addr, "addr", "127.0.0.1:0", "host:port of the first vendor; the others take the next ports (port 0: any free ports)")
	f.Uint64Var(&o.Seed, "seed", 1, "seed of the simulated world; the same seed gives the same customers")
	f.IntVar(&o.Companies, "companies", sandbox.DefaultCompanies, "how many customers the MSP has")
	f.BoolVar(&o.Clean, "clean", false, "serve a world without the pitfalls planted for mspwire doctor to find")
	f.BoolVar(&asJSON, "json", false, "print one JSON object with each vendor's URL and credentials on the first line of stdout")
	return markUntimed(cmd)
}
