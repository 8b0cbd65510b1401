package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
)

// withOnboard opens the store and keyring for an onboarding command, and
// runs the start-up check first: a half-done rotation is finished, an
// interrupted apply is pointed out.
func withOnboard(ctx context.Context, g *globals, fn func(onboard.Env) error) error {
	return openOnboard(ctx, g, true, fn)
}

func openOnboard(ctx context.Context, g *globals, sayInterrupted bool, fn func(onboard.Env) error) error {
	st, kr, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.EnsureProfile(ctx, g.profile); err != nil {
		return err
	}
	e := onboard.NewEnv(st, kr, g.profile)
	if a := startUp(ctx, g, e); a != nil && sayInterrupted {
		fmt.Fprintln(g.io.Err, applyNote(a))
	}
	return fn(e)
}

// firstOption is a question's first answer, its default on the command line.
func firstOption(key string) string {
	for _, q := range path.Questions {
		if q.Key == key {
			return q.Options[0].Value
		}
	}
	return ""
}

// optionWords is "halopsa or docs": a question's answers.
func optionWords(key string) string {
	for _, q := range path.Questions {
		if q.Key == key {
			var vs []string
			for _, o := range q.Options {
				vs = append(vs, o.Value)
			}
			return strings.Join(vs, " or ")
		}
	}
	return ""
}

func newPathCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "path",
		Short: "The integration path: answer the questions, choose A, B or C, see and tick its steps",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPathRecommendCmd(g), newPathSetCmd(g), newPathShowCmd(g), newPathTickCmd(g))
	return cmd
}

func newPathRecommendCmd(g *globals) *cobra.Command {
	var a path.Answers
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "recommend",
		Short: "Answer the guide's questions and store the recommended path (A, B or C) with the reason",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for key, v := range map[string]string{"techs_live_in": a.TechsLiveIn, "docs_tool": a.DocsTool} {
				if err := a.Set(key, v); err != nil {
					return fmt.Errorf("--%s: %w", strings.ReplaceAll(key, "_", "-"), err)
				}
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				rec, why, err := e.Answer(cmd.Context(), a)
				if err != nil {
					return err
				}
				if asJSON {
					return jsonOut(g).Encode(map[string]any{"recommended": rec, "reason": why, "trade_off": path.TradeOffOf(rec)})
				}
				fmt.Fprintf(g.io.Out, "Recommended: path %s, %s — %s\n\n", rec, path.TradeOffOf(rec).Title, why)
				writeTradeOffs(g.io.Out)
				fmt.Fprintln(g.io.Out, "\nChoose it (or another) with: mspwire path set A|B|C")
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.TechsLiveIn, "techs-live-in", firstOption("techs_live_in"), "where technicians spend their day: "+optionWords("techs_live_in"))
	f.StringVar(&a.DocsTool, "docs-tool", path.DefaultDocsTool, "documentation tool: "+optionWords("docs_tool"))
	f.BoolVar(&a.DeepData, "deep-data", false, "the docs tool needs Liongard's full inspection data")
	f.BoolVar(&a.ITGlueTwoWay, "itglue-two-way", false, "IT Glue already two-way syncs with another platform")
	f.BoolVar(&a.LiveDocs, "live-docs", false, "documentation should reflect live data, not stay a reference")
	f.BoolVar(&a.DedicatedOwner, "dedicated-owner", false, "someone will own and maintain each integration")
	f.BoolVar(&a.ITGlueEnterprise, "itglue-enterprise", false, "the IT Glue plan is Enterprise")
	f.BoolVar(&asJSON, "json", false, "print the recommendation as JSON")
	return cmd
}

func writeTradeOffs(w io.Writer) {
	for _, t := range path.TradeOffs {
		fmt.Fprintf(w, "%s. %s\n   data: %s\n   depth: %s\n   consider: %s\n   pros: %s\n   cons: %s\n   needs: %s\n",
			t.Path, t.Title, t.HowDataFlows, t.DataDepth, t.Consideration,
			strings.Join(t.Pros, "; "), strings.Join(t.Cons, "; "), strings.Join(t.Requires, ", "))
	}
}

func newPathSetCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "set A|B|C",
		Short: "Choose the integration path (it may differ from the recommendation)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := path.Parse(args[0])
			if err != nil {
				return err
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				if err := e.ChoosePath(cmd.Context(), p); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Err, "Path %s chosen: %s\n", p, path.TradeOffOf(p).Title)
				return nil
			})
		},
	}
}

func newPathShowCmd(g *globals) *cobra.Command {
	var asJSON, verify bool
	cmd := &cobra.Command{
		Use:   "show",
		Short: "The chosen path and its steps in order, with what is done",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				var findings map[string]string
				if verify {
					var err error
					if findings, err = e.VerifySteps(cmd.Context()); err != nil {
						return err
					}
				}
				p, err := e.Plan(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return jsonOut(g).Encode(map[string]any{"plan": p, "findings": findings})
				}
				writePlan(g.io.Out, p)
				for _, s := range p.Steps {
					if f := findings[s.ID]; f != "" {
						fmt.Fprintf(g.io.Out, "not yet %s: %s\n", s.ID, f)
					}
				}
				if !verify {
					fmt.Fprintln(g.io.Err, "Steps as last recorded; --verify first checks through the vendors' APIs the ones they can see (as the wizard's steps screen does).")
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan (and findings) as JSON")
	cmd.Flags().BoolVar(&verify, "verify", false, "first check through the vendors' APIs the steps whose outcome they can see")
	return cmd
}

func writePlan(w io.Writer, p onboard.Plan) {
	fmt.Fprintf(w, "Path %s: %s (systems: %s)\n", p.Path, path.TradeOffOf(p.Path).Title, strings.Join(p.Systems, ", "))
	if p.Recommended != "" && p.Recommended != p.Path {
		fmt.Fprintf(w, "The answers recommended path %s: %s\n", p.Recommended, p.Reason)
	}
	done := 0
	for _, s := range p.Steps {
		if s.Done {
			done++
		}
	}
	fmt.Fprintf(w, "%d of %s done\n\n", done, plural.N(len(p.Steps), "step", "steps"))
	for i, s := range p.Steps {
		box := "[ ]"
		if s.Done {
			box = "[x]"
		}
		how := "" // the words the wizard's steps screen uses
		switch {
		case s.Done && s.How == "verified":
			how = " ✓ seen by mspwire"
		case s.Done:
			how = " (ticked)"
		}
		fmt.Fprintf(w, "%s %d. %s (%s, %s)%s\n", box, i+1, s.Title, s.ID, s.Kind, how)
		for _, c := range s.Clicks {
			fmt.Fprintf(w, "      - %s\n", c)
		}
		if s.Advice != "" {
			fmt.Fprintf(w, "      advice: %s\n", s.Advice)
		}
	}
}

func newPathTickCmd(g *globals) *cobra.Command {
	var undo bool
	cmd := &cobra.Command{
		Use:   "tick STEP",
		Short: "Mark a guided step done (--undo to take it back)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				if err := e.Tick(cmd.Context(), args[0], !undo); err != nil {
					return err
				}
				if undo {
					fmt.Fprintf(g.io.Err, "Step %s is marked not done.\n", args[0])
				} else {
					fmt.Fprintf(g.io.Err, "Step %s is ticked done.\n", args[0])
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&undo, "undo", false, "mark the step not done")
	return cmd
}

func newSourceCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "source",
		Short: "Where the client list comes from: HaloPSA or IT Glue",
		Args:  cobra.NoArgs,
	}
	var statuses, types []string
	set := &cobra.Command{
		Use:   "set halopsa|itglue",
		Short: "Choose the source of truth; for IT Glue, the organization statuses and types Liongard's filter will use",
		Long: "Import the client list from one system only. HaloPSA is the usual source of truth; with IT Glue,\n" +
			"--itglue-status and --itglue-type must name IT Glue's values exactly, as Liongard's filter does.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				n, err := e.SetSource(cmd.Context(), strings.ToLower(args[0]), statuses, types)
				if err != nil {
					return err
				}
				fmt.Fprintf(g.io.Err, "Source of truth: %s\n", args[0])
				if n >= 0 {
					fmt.Fprintf(g.io.Err, "The IT Glue filter selects %s\n", plural.N(n, "organization", "organizations"))
				}
				return nil
			})
		},
	}
	set.Flags().StringSliceVar(&statuses, "itglue-status", nil, "IT Glue organization status to include (repeat or comma-separate)")
	set.Flags().StringSliceVar(&types, "itglue-type", nil, "IT Glue organization type to include (repeat or comma-separate)")
	cmd.AddCommand(set)
	return cmd
}

func newInventoryCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inventory",
		Short: "The company lists of the path's systems, fetched and kept for matching",
		Args:  cobra.NoArgs,
	}
	var asJSON bool
	fetch := &cobra.Command{
		Use:   "fetch",
		Short: "Fetch every company list the path needs and store it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error {
				var mu sync.Mutex
				say := func(format string, args ...any) { mu.Lock(); defer mu.Unlock(); fmt.Fprintf(g.io.Err, format, args...) }
				results, err := e.FetchInventories(cmd.Context(), onboard.FetchObserver{
					Start: func(sys string) { say("%s: fetching…\n", sys) },
					Wait:  func(_ string, w apply.Wait) { say("%s\n", waitLine(w)) },
					End: func(f onboard.Fetched) {
						if f.Err != nil {
							say("%s: failed\n", f.System)
						} else {
							say("%s: %s\n", f.System, plural.N(f.Count, "company", "companies"))
						}
					},
				})
				if err != nil {
					return err
				}
				type row struct {
					System string `json:"system"`
					Count  int    `json:"count"`
					Error  string `json:"error,omitempty"`
				}
				var rows []row
				var failed []error
				for _, r := range results {
					x := row{System: r.System, Count: r.Count}
					if r.Err != nil {
						x.Error = r.Err.Error()
						failed = append(failed, fmt.Errorf("%s: %w", r.System, r.Err))
					}
					rows = append(rows, x)
				}
				if asJSON {
					if err := jsonOut(g).Encode(rows); err != nil {
						return err
					}
				}
				if len(failed) > 0 {
					return credentialError(fmt.Errorf("some inventories could not be fetched; the previous ones were kept:\n%w", errors.Join(failed...)))
				}
				return nil
			})
		},
	}
	fetch.Flags().BoolVar(&asJSON, "json", false, "print the counts as JSON on stdout")
	cmd.AddCommand(fetch)
	return cmd
}
