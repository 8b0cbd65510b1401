package cli

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/onboard"
	rollup "github.com/mspwire/mspwire/flows/report"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/display"
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
			ctx := cmd.Context()
			return withOnboard(ctx, g, func(e onboard.Env) error {
				in := rollup.Inputs{At: time.Now(), Profile: g.profile}
				var err error
				if in.Billing, _, err = billing.Build(ctx, e); err != nil {
					return credentialError(err)
				}
				if in.Devices, _, err = devices.Build(ctx, e); err != nil {
					return credentialError(err)
				}
				if in.Accounts, _, err = accounts.Build(ctx, e, accounts.DefaultDays); err != nil {
					return credentialError(err)
				}
				ds, err := e.Store.Decisions(ctx, e.Profile, "")
				if err != nil {
					return err
				}
				c, ok, others := findClient(rollup.Build(in), ds, name)
				if !ok {
					if len(others) > 0 {
						return fmt.Errorf("%q names %d clients: %s; give more of the name, or its id", name, len(others), strings.Join(others, ", "))
					}
					return fmt.Errorf("no HaloPSA client named %q in the review or the reviews (mspwire match list shows the clients)", name)
				}
				writeLines(g.io.Out, strings.TrimRight(c.Markdown(), "\n"))
				fmt.Fprintf(g.io.Out, "\nLinks (the review):\n")
				linked := false
				for _, d := range ds {
					if d.Left.System == "halopsa" && d.Left.ID == c.ID {
						linked = true
						right := "nothing"
						if d.Right.ID != "" {
							right = fmt.Sprintf("%s %s (%s)", adapter.InfoOf(d.Right.System).Name, display.Safe(d.Right.Name), d.Right.ID)
						}
						fmt.Fprintf(g.io.Out, "- %s: %s, %s\n", d.Pair, right, d.Label())
					}
				}
				if !linked {
					fmt.Fprintln(g.io.Out, "- none decided in the review")
				}
				return nil
			})
		},
	}
}

// findClient finds a client by id, by its exact name (any case), or by the
// only name that holds the words given.
func findClient(r rollup.Report, ds []store.Decision, name string) (rollup.Client, bool, []string) {
	clients := map[string]rollup.Client{}
	for _, c := range r.Clients {
		clients[c.ID] = c
	}
	for _, d := range ds { // a client with nothing in any review still has links
		if d.Left.System == "halopsa" {
			if _, ok := clients[d.Left.ID]; !ok {
				clients[d.Left.ID] = rollup.Client{ID: d.Left.ID, Name: d.Left.Name}
			}
		}
	}
	var partial []rollup.Client
	for _, c := range clients {
		if c.ID == name || strings.EqualFold(c.Name, name) {
			return c, true, nil
		}
		if strings.Contains(strings.ToLower(c.Name), strings.ToLower(name)) {
			partial = append(partial, c)
		}
	}
	if len(partial) == 1 {
		return partial[0], true, nil
	}
	var names []string
	for _, c := range partial {
		names = append(names, fmt.Sprintf("%s (%s)", c.Name, c.ID))
	}
	sort.Strings(names)
	return rollup.Client{}, false, names
}
