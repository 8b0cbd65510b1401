package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/flows/resume"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
)

// planView is a plan as `plan --json` prints it.
type planView struct {
	PlanID      int64            `json:"plan_id"`
	Path        string           `json:"path"`
	Source      string           `json:"source"`
	Stale       bool             `json:"stale"`
	Changed     []string         `json:"changed,omitempty"` // what made it stale
	ConfirmedBy string           `json:"confirmed_by,omitempty"`
	Finished    bool             `json:"finished"`
	Counts      map[string]int   `json:"counts"` // per kind
	States      map[string]int   `json:"states"` // per state
	Notes       []string         `json:"notes"`
	Actions     []planActionView `json:"actions"`
}

type planActionView struct {
	ID         int64    `json:"id"`
	Kind       string   `json:"kind"`
	System     string   `json:"system"`
	Target     string   `json:"target"`
	Summary    string   `json:"summary"`
	Key        string   `json:"key"`
	State      string   `json:"state"`
	Depends    []string `json:"depends,omitempty"`
	Attempts   int      `json:"attempts"`
	ExternalID string   `json:"external_id,omitempty"`
	Error      string   `json:"error,omitempty"`
}

func viewOf(p store.Plan, actions []store.Action, changed []string) planView {
	v := planView{PlanID: p.ID, Path: p.Path, Source: p.Source, Stale: len(changed) > 0, Changed: changed, ConfirmedBy: p.ConfirmedBy,
		Finished: p.FinishedAt != nil, Counts: map[string]int{}, States: map[string]int{}, Notes: p.Notes, Actions: []planActionView{}}
	if v.Notes == nil {
		v.Notes = []string{}
	}
	for _, a := range actions {
		v.Counts[a.Kind]++
		v.States[a.State]++
		v.Actions = append(v.Actions, planActionView{ID: a.ID, Kind: a.Kind, System: a.System, Target: a.Target, Summary: a.Summary,
			Key: a.Key, State: a.State, Depends: a.Depends, Attempts: a.Attempts, ExternalID: a.ExternalID, Error: a.Error})
	}
	return v
}

func newPlanCmd(g *globals) *cobra.Command {
	var asJSON, detailed bool
	var tier, group string
	var huduHalo, huduLiongard int
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Work out, from the review's decisions, what to create and link in each system; nothing is sent",
		Long: "Make a plan from the path, the source of truth, the fetched inventories and the review's decisions:\n" +
			"the records to create, the Liongard environments to group, the links to set, and the links only a\n" +
			"vendor's console can make (they go on the checklist). Nothing is sent: mspwire apply does that.\n" +
			"What an earlier plan did is never planned again.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withOnboard(ctx, g, func(e onboard.Env) error {
				if err := saveSettings(ctx, cmd, e, tier, group, huduHalo, huduLiongard); err != nil {
					return err
				}
				p, actions, err := plan.Make(ctx, plan.Env{Onboard: e, Actor: who.Operator()})
				if err != nil {
					return err
				}
				if asJSON {
					if err := json.NewEncoder(g.io.Out).Encode(viewOf(p, actions, nil)); err != nil {
						return err
					}
				} else {
					writeSyncPlan(g.io.Out, p, actions, true)
				}
				if detailed && len(actions) > 0 {
					return &exitError{Code: ExitChanges, Silent: true, Err: errors.New("the plan has changes")}
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the plan as JSON on stdout")
	f.BoolVar(&detailed, "detailed-exitcode", false, "exit 0 when there is nothing to do, 2 when the plan has actions, 1 on error")
	f.StringVar(&tier, "tier", "", "Environment Tier of the Liongard environments mspwire creates: Core or Essentials (kept for later plans)")
	f.StringVar(&group, "group", "", "Liongard Environment Group to put them in; \"-\" for none (kept for later plans)")
	f.IntVar(&huduHalo, "hudu-halopsa-integration", 0, "id of Hudu's HaloPSA integration, the number in its page's URL (found by looking when not given)")
	f.IntVar(&huduLiongard, "hudu-liongard-integration", 0, "id of Hudu's Liongard integration, the number in its page's URL (found by looking when not given)")
	cmd.AddCommand(newPlanShowCmd(g))
	return cmd
}

// saveSettings stores the plan settings given as flags, before the plan
// is made from them.
func saveSettings(ctx context.Context, cmd *cobra.Command, e onboard.Env, tier, group string, huduHalo, huduLiongard int) error {
	f := cmd.Flags()
	if !f.Changed("tier") && !f.Changed("group") && !f.Changed("hudu-halopsa-integration") && !f.Changed("hudu-liongard-integration") {
		return nil
	}
	switch strings.ToLower(tier) {
	case "":
	case "core":
		tier = "Core"
	case "essentials", "essential":
		tier = "Essentials"
	default:
		return fmt.Errorf("--tier %q: choose Core or Essentials", tier)
	}
	if huduHalo < 0 || huduLiongard < 0 {
		return errors.New("--hudu-halopsa-integration and --hudu-liongard-integration are positive numbers: the number in the integration page's URL in Hudu")
	}
	detail := map[string]any{}
	return e.Store.UpdateOnboarding(ctx, e.Profile, func(o *store.Onboarding) error {
		if f.Changed("tier") {
			o.Settings.LiongardTier = tier
		}
		if f.Changed("group") {
			o.Settings.LiongardGroup = strings.TrimSpace(group)
			if group == "-" {
				o.Settings.LiongardGroup = ""
			}
		}
		if f.Changed("hudu-halopsa-integration") {
			o.Settings.HuduHaloPSAIntegration = huduHalo
		}
		if f.Changed("hudu-liongard-integration") {
			o.Settings.HuduLiongardIntegration = huduLiongard
		}
		detail["settings"] = o.Settings
		return nil
	}, store.AuditEntry{Profile: e.Profile, Actor: who.Operator(), Event: "plan.settings", Detail: detail})
}

// writeSyncPlan lists a plan; hint says how to apply it, for a plan not
// confirmed yet.
func writeSyncPlan(w io.Writer, p store.Plan, actions []store.Action, hint bool) {
	if len(actions) == 0 {
		fmt.Fprintf(w, "Plan %d (path %s): nothing to do.\n", p.ID, p.Path)
	} else {
		fmt.Fprintf(w, "Plan %d (path %s, source %s): %s\n\n", p.ID, p.Path, p.Source, kindCounts(actions))
		width := len(strconv.Itoa(len(actions)))
		for i, a := range actions {
			state := ""
			if a.State != store.ActionPending {
				state = " [" + a.State + "]"
			}
			fmt.Fprintf(w, "%*d. %s%s\n", width, i+1, a.Summary, state)
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintln(w, "note: "+n)
	}
	if hint && len(actions) > 0 && p.ConfirmedAt == nil {
		fmt.Fprintln(w, "\nNothing was sent. Apply it with: mspwire apply")
	}
}

// kindCounts is "14 create, 1 group, 31 link, 1 checklist".
func kindCounts(actions []store.Action) string {
	counts := map[string]int{}
	var order []string
	for _, a := range actions {
		if counts[a.Kind] == 0 {
			order = append(order, a.Kind)
		}
		counts[a.Kind]++
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[k], k)
	}
	return fmt.Sprintf("%d actions — %s", len(actions), strings.Join(parts, ", "))
}

func newPlanShowCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [PLAN]",
		Short: "Show the latest plan (or one by id): its actions, their states, and whether it is stale",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return withOnboard(ctx, g, func(e onboard.Env) error {
				p, err := planArg(ctx, e, args)
				if err != nil {
					return err
				}
				actions, err := e.Store.Actions(ctx, p.ID)
				if err != nil {
					return err
				}
				var changed []string
				if p.FinishedAt == nil {
					if changed, err = plan.Stale(ctx, e, p); err != nil {
						return err
					}
				}
				if asJSON {
					return json.NewEncoder(g.io.Out).Encode(viewOf(p, actions, changed))
				}
				writeSyncPlan(g.io.Out, p, actions, true)
				if len(changed) > 0 {
					fmt.Fprintf(g.io.Out, "\nStale: since it was made, %s. Run mspwire plan for a fresh one.\n", strings.Join(changed, "; "))
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON on stdout")
	return cmd
}

func planArg(ctx context.Context, e onboard.Env, args []string) (store.Plan, error) {
	if len(args) == 0 {
		return e.Store.LatestPlan(ctx, e.Profile)
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return store.Plan{}, fmt.Errorf("plan %q: give the plan's number, as mspwire plan prints it", args[0])
	}
	return e.Store.PlanByID(ctx, e.Profile, id)
}

// startUp finishes half-done rotations and says when an apply waits to be
// finished: the resume check every command that works on the tenant runs.
func startUp(ctx context.Context, g *globals, e onboard.Env) *resume.Apply {
	r, err := resume.Start(ctx, e, who.Operator())
	for _, rot := range r.Rotations {
		if rot.Err != nil {
			fmt.Fprintf(g.io.Err, "%s: %v\n", rot.System, rot.Err)
		} else {
			fmt.Fprintf(g.io.Err, "%s: finished a rotation an earlier run left half-done; verified as %s\n", rot.System, rot.Result.Verified.ActsAs)
		}
	}
	if err != nil {
		fmt.Fprintf(g.io.Err, "could not check for interrupted work: %v\n", err)
	}
	return r.Apply
}

func newApplyCmd(g *globals) *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "apply [PLAN]",
		Short: "Carry out the latest plan after you confirm it; run again after an interruption to finish it",
		Long: "Apply the latest plan (or the one named): show it, wait for you to type yes (without a terminal,\n" +
			"give --yes), then create and link records, each written to the journal before and after its call.\n" +
			"Killed or interrupted, run it again: it looks up what may have landed before sending anything twice.\n" +
			"A finished plan is left alone; its failed actions, if any, are tried again.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return openOnboard(ctx, g, false, func(e onboard.Env) error {
				p, err := planArg(ctx, e, args)
				if err != nil {
					return err
				}
				actions, err := e.Store.Actions(ctx, p.ID)
				if err != nil {
					return err
				}
				view := viewOf(p, actions, nil)
				left := view.States[store.ActionPending] + view.States[store.ActionInFlight] + view.States[store.ActionFailed]
				switch {
				case left == 0:
					if len(actions) == 0 {
						fmt.Fprintf(g.io.Err, "Plan %d has nothing to do. Nothing was sent.\n", p.ID)
					} else {
						fmt.Fprintf(g.io.Err, "Plan %d is applied: all %d actions are done. Nothing was sent.\n", p.ID, len(actions))
					}
					if asJSON {
						return json.NewEncoder(g.io.Out).Encode(applySummary{PlanID: p.ID, Finished: true, States: view.States})
					}
					return nil
				case p.ConfirmedAt == nil:
					if !asJSON {
						writeSyncPlan(g.io.Err, p, actions, false)
					}
					if err := confirmPlan(g, p, yes); err != nil {
						return err
					}
					if err := e.Store.ConfirmPlan(ctx, p, who.Operator()); err != nil {
						return err
					}
					if p, err = e.Store.PlanByID(ctx, e.Profile, p.ID); err != nil {
						return err
					}
				default:
					fmt.Fprintf(g.io.Err, "Resuming plan %d, confirmed by %s: %d of %d done.\n", p.ID, p.ConfirmedBy, view.States[store.ActionDone], len(actions))
				}
				return runApply(ctx, g, e, p, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm without asking (needed without a terminal)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per action as it ends, then a summary, on stdout")
	return cmd
}

// confirmPlan waits for the operator to type yes.
func confirmPlan(g *globals, p store.Plan, yes bool) error {
	if yes {
		return nil
	}
	if !g.io.Interactive {
		return &exitError{Code: ExitCancelled, Err: fmt.Errorf("apply needs your confirmation: run it in a terminal, or give --yes to apply plan %d as shown by mspwire plan show", p.ID)}
	}
	fmt.Fprintf(g.io.Err, "\nApply plan %d? Type yes to go ahead: ", p.ID)
	line, err := bufio.NewReader(g.io.In).ReadString('\n')
	if strings.TrimSpace(line) != "yes" || err != nil && line == "" {
		return &exitError{Code: ExitCancelled, Err: errors.New("not applied: nothing was sent")}
	}
	return nil
}

type applySummary struct {
	PlanID   int64          `json:"plan_id"`
	Finished bool           `json:"finished"`
	States   map[string]int `json:"states"`
}

// runApply runs the plan and reports each action as it ends.
func runApply(ctx context.Context, g *globals, e onboard.Env, p store.Plan, asJSON bool) error {
	enc := json.NewEncoder(g.io.Out)
	var mu sync.Mutex // waits are told from every worker
	ctx = httpx.WithWaitReporter(ctx, func(w httpx.Wait) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(g.io.Err, "%s: %s, waiting %s before attempt %d\n", w.System, w.Reason, w.For.Round(100*time.Millisecond), w.Attempt)
	})
	res, err := apply.Run(ctx, e, p, apply.Options{Actor: who.Operator(), Progress: func(ev apply.Event) {
		mu.Lock()
		defer mu.Unlock()
		if asJSON {
			_ = enc.Encode(map[string]any{"event": "action", "recheck": ev.Recheck, "counts": ev.Counts, "action": planActionView{
				ID: ev.Action.ID, Kind: ev.Action.Kind, System: ev.Action.System, Target: ev.Action.Target, Summary: ev.Action.Summary,
				Key: ev.Action.Key, State: ev.Action.State, Attempts: ev.Action.Attempts, ExternalID: ev.Action.ExternalID, Error: ev.Action.Error}})
			return
		}
		fmt.Fprintln(g.io.Err, progressLine(ev))
	}})
	c := res.Counts
	if asJSON {
		states := map[string]int{"pending": c.Pending, "in_flight": c.InFlight, "done": c.Done, "failed": c.Failed, "skipped": c.Skipped}
		_ = enc.Encode(applySummary{PlanID: p.ID, Finished: c.Pending+c.InFlight == 0 && err == nil, States: states})
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &exitError{Code: ExitCancelled, Err: fmt.Errorf("apply interrupted after %d of %d actions; what was sent is in the journal: run mspwire apply again to finish", c.Done, c.Total)}
	case err != nil:
		return err
	case c.Failed > 0 || c.Skipped > 0:
		return fmt.Errorf("plan %d: %d of %d actions done, %d failed, %d not sent because of them; fix the cause and run mspwire apply again to retry them",
			p.ID, c.Done, c.Total, c.Failed, c.Skipped)
	}
	fmt.Fprintf(g.io.Err, "Plan %d applied: %d actions done.\n", p.ID, c.Done)
	if n := checklistCount(ctx, e); n > 0 {
		fmt.Fprintf(g.io.Err, "%d steps wait on the checklist for you to do in a vendor's console (mspwire auth checklist).\n", n)
	}
	return nil
}

// progressLine is one action's end as a plain line:
// "[12/46] done      Create Hudu company "Acme" → 812".
func progressLine(ev apply.Event) string {
	c := ev.Counts
	line := fmt.Sprintf("[%d/%d] %-9s %s", c.Done+c.Failed+c.Skipped, c.Total, ev.Action.State, ev.Action.Summary)
	if ev.Action.ExternalID != "" && ev.Action.State == store.ActionDone {
		line += " → " + ev.Action.ExternalID
	}
	if ev.Recheck {
		line += " (found landed, not sent again)"
	}
	if ev.Action.Error != "" && ev.Action.State != store.ActionDone {
		line += ": " + ev.Action.Error
	}
	return line
}

func checklistCount(ctx context.Context, e onboard.Env) int {
	items, err := e.Store.Checklist(ctx, e.Profile)
	if err != nil {
		return 0
	}
	n := 0
	for _, it := range items {
		if it.DoneAt.IsZero() {
			n++
		}
	}
	return n
}
