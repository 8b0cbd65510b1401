package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/resume"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/flows/workflow"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/display"
)

// planView is a plan as `plan --json` prints it.
type planView struct {
	PlanID      int64            `json:"plan_id"`
	Kind        string           `json:"kind"`
	Path        string           `json:"path"`
	Source      string           `json:"source"`
	Stale       bool             `json:"stale"`
	Changed     []string         `json:"changed,omitempty"` // what made it stale
	ConfirmedBy string           `json:"confirmed_by,omitempty"`
	Finished    bool             `json:"finished"`
	Running     *apply.Holder    `json:"running,omitempty"` // the process applying it now
	Counts      map[string]int   `json:"counts"`            // per kind
	States      map[string]int   `json:"states"`            // per state
	Notes       []string         `json:"notes"`
	Actions     []planActionView `json:"actions"`
}

type planActionView struct {
	ID         int64    `json:"id"`
	Kind       string   `json:"kind"`
	System     string   `json:"system"`
	Target     string   `json:"target"`
	Summary    string   `json:"summary"`
	Warnings   []string `json:"warnings"`
	Key        string   `json:"key"`
	State      string   `json:"state"`
	Depends    []string `json:"depends,omitempty"`
	Attempts   int      `json:"attempts"`
	ExternalID string   `json:"external_id,omitempty"`
	Error      string   `json:"error,omitempty"`
}

func actionView(a store.Action) planActionView {
	v := planActionView{ID: a.ID, Kind: string(a.Kind), System: a.System, Target: a.Target, Summary: a.Summary, Warnings: a.Warnings,
		Key: string(a.Key), State: string(a.State), Attempts: a.Attempts, ExternalID: a.ExternalID, Error: a.Error}
	if v.Warnings == nil {
		v.Warnings = []string{}
	}
	for _, d := range a.Depends {
		v.Depends = append(v.Depends, string(d))
	}
	return v
}

func viewOf(s *apply.Session) planView {
	p := s.Plan
	v := planView{PlanID: p.ID, Kind: string(p.Kind), Path: p.Path, Source: p.Source, Stale: len(s.Changed) > 0, Changed: s.Changed,
		ConfirmedBy: p.ConfirmedBy, Finished: p.FinishedAt != nil, Running: s.Running, Counts: map[string]int{}, States: map[string]int{},
		Notes: []string{}, Actions: []planActionView{}}
	for _, n := range p.Notes {
		v.Notes = append(v.Notes, remedy.SayNote(n, sayCommand))
	}
	for _, a := range s.Actions {
		v.Counts[string(a.Kind)]++
		v.States[string(a.State)]++
		v.Actions = append(v.Actions, actionView(a))
	}
	return v
}

// planOptions are mspwire plan's inputs.
type planOptions struct {
	json, detailed bool
	settings       onboard.SettingsChange
}

func newPlanCmd(g *globals) *cobra.Command {
	var o planOptions
	var tier, group string
	var huduHalo, huduLiongard int
	var huduFeeds string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Work out, from the review's decisions, what to create and link in each system; nothing is sent",
		Long: "Make a plan from the path, the source of truth, the fetched inventories and the review's decisions:\n" +
			"the records to create, the Liongard environments to group, the links to set, and the links only a\n" +
			"vendor's console can make (they go on the checklist). Nothing is sent: mspwire apply does that.\n" +
			"What an earlier plan did is never planned again.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			if f.Changed("tier") {
				o.settings.LiongardTier = &tier
			}
			if f.Changed("group") {
				o.settings.LiongardGroup = &group
			}
			if f.Changed("hudu-halopsa-integration") {
				o.settings.HuduHaloPSAIntegration = &huduHalo
			}
			if f.Changed("hudu-liongard-integration") {
				o.settings.HuduLiongardIntegration = &huduLiongard
			}
			if f.Changed("hudu-feeds") {
				o.settings.HuduFeeds = &huduFeeds
			}
			return withOnboard(cmd.Context(), g, func(e onboard.Env) error { return planRun(cmd.Context(), g, e, o) })
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print the plan as JSON on stdout")
	f.BoolVar(&o.detailed, "detailed-exitcode", false, "exit 0 when there is nothing to do, 2 when the plan has actions, 1 on error")
	f.StringVar(&tier, "tier", "", "Environment Tier of the Liongard environments mspwire creates: Core or Essentials (kept for later plans)")
	f.StringVar(&group, "group", "", "Liongard Environment Group to put them in; \"-\" for none (kept for later plans)")
	f.IntVar(&huduHalo, "hudu-halopsa-integration", 0, "id of Hudu's HaloPSA integration, the number in its page's URL (found by looking when not given)")
	f.IntVar(&huduLiongard, "hudu-liongard-integration", 0, "id of Hudu's Liongard integration, the number in its page's URL (found by looking when not given)")
	f.StringVar(&huduFeeds, "hudu-feeds", "", "path C: what feeds Hudu — liongard (its Liongard integration alone, the default) or both (HaloPSA's integration too: companies, contacts, tickets; assets kept apart by hand); kept for later plans")
	cmd.AddCommand(newPlanShowCmd(g))
	return cmd
}

// planRun stores the settings given, makes an onboarding plan and lists it.
func planRun(ctx context.Context, g *globals, e onboard.Env, o planOptions) error {
	if err := e.SetPlanSettings(ctx, o.settings); err != nil {
		return err
	}
	engine := workflow.Engine(e)
	p, _, err := apply.Make(ctx, engine, plan.New(e), who.Operator())
	if err != nil {
		return err
	}
	s, err := apply.Prepare(ctx, engine, p.ID)
	if err != nil {
		return err
	}
	if o.json {
		if err := jsonOut(g).Encode(viewOf(s)); err != nil {
			return err
		}
	} else {
		writeSyncPlan(g.io.Out, s.Plan, s.Actions, true)
	}
	if o.detailed && len(s.Actions) > 0 {
		return &exitError{Code: ExitChanges, Silent: true, Err: errors.New("the plan has changes")}
	}
	return nil
}

// writeSyncPlan lists a plan; hint says how to apply it, for a plan not
// confirmed yet.
func writeSyncPlan(w io.Writer, p store.Plan, actions []store.Action, hint bool) {
	if len(actions) == 0 {
		fmt.Fprintf(w, "Plan %d (%s): nothing to do.\n", p.ID, planTitle(p))
	} else {
		fmt.Fprintf(w, "Plan %d (%s): %s\n\n", p.ID, planTitle(p), kindCounts(actions))
		width := len(strconv.Itoa(len(actions)))
		for i, a := range actions {
			state := ""
			if a.State != store.ActionPending {
				state = " [" + string(a.State) + "]"
			}
			fmt.Fprintf(w, "%*d. %s%s\n", width, i+1, display.Safe(a.Summary), state)
			for _, warning := range a.Warnings {
				fmt.Fprintf(w, "%*s  ! %s\n", width, "", display.Safe(warning))
			}
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintln(w, "note: "+display.Safe(remedy.SayNote(n, sayCommand)))
	}
	if hint && len(actions) > 0 && p.ConfirmedAt == nil {
		fmt.Fprintln(w, "\nNothing was sent. Apply it with: mspwire apply")
	}
}

// planTitle is "path A, source halopsa" for onboarding, else the kind.
func planTitle(p store.Plan) string {
	if p.Path != "" {
		return fmt.Sprintf("path %s, source %s", p.Path, p.Source)
	}
	return strings.ReplaceAll(string(p.Kind), "_", " ")
}

// kindCounts is "14 create, 1 group, 31 link, 1 checklist".
func kindCounts(actions []store.Action) string {
	counts := map[store.ActionKind]int{}
	var order []store.ActionKind
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
	return fmt.Sprintf("%s — %s", plural.N(len(actions), "action", "actions"), strings.Join(parts, ", "))
}

func newPlanShowCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [PLAN]",
		Short: "Show the latest plan (or one by id): its actions, their states, and whether it is stale",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := planArg(args)
			if err != nil {
				return err
			}
			return withOnboard(ctx, g, func(e onboard.Env) error {
				s, err := apply.Prepare(ctx, workflow.Engine(e), id)
				if err != nil {
					return err
				}
				if asJSON {
					return jsonOut(g).Encode(viewOf(s))
				}
				writeSyncPlan(g.io.Out, s.Plan, s.Actions, true)
				if len(s.Changed) > 0 {
					fmt.Fprintf(g.io.Out, "\nStale: since it was made, %s. Run %s for a fresh one.\n", display.Safe(strings.Join(s.Changed, "; ")), s.Remake())
				}
				if s.Running != nil {
					fmt.Fprintf(g.io.Out, "\nRunning: %s.\n", s.Running)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON on stdout")
	return cmd
}

// planArg is the plan a command names; 0 for the latest.
func planArg(args []string) (int64, error) {
	if len(args) == 0 {
		return 0, nil
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("plan %q: give the plan's number, as mspwire plan prints it", args[0])
	}
	return id, nil
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

// applyNote says an unfinished apply's state on a command's start: running
// in another process, or interrupted.
func applyNote(a *resume.Apply) string {
	if a.Interrupted() {
		return a.Say() + ": run mspwire apply to finish it."
	}
	return a.Say() + "."
}

// applyOptions are mspwire apply's inputs.
type applyOptions struct {
	plan            int64
	yes, json, wait bool
}

func newApplyCmd(g *globals) *cobra.Command {
	var o applyOptions
	cmd := &cobra.Command{
		Use:   "apply [PLAN]",
		Short: "Carry out the latest plan after you confirm it; run again after an interruption to finish it",
		Long: "Apply the latest plan (or the one named), of any kind: show it, wait for you to type yes (without a\n" +
			"terminal, give --yes), then send it, each action written to the journal before and after its call.\n" +
			"Killed or interrupted, run it again: it looks up what may have landed before sending anything twice.\n" +
			"A finished plan is left alone; its failed actions, if any, are tried again. One apply runs at a time:\n" +
			"while another process applies, this one says which and exits 1, or waits for it with --wait.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := planArg(args)
			if err != nil {
				return err
			}
			o.plan = id
			return openOnboard(cmd.Context(), g, false, func(e onboard.Env) error { return applyRun(cmd.Context(), g, e, o) })
		},
	}
	cmd.Flags().BoolVar(&o.yes, "yes", false, "confirm without asking (needed without a terminal)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print one JSON object per action as it ends, then a summary, on stdout")
	cmd.Flags().BoolVar(&o.wait, "wait", false, "if another process is applying a plan of this profile, wait for it to finish instead of exiting")
	return cmd
}

// applyRun prepares the plan's apply session, takes the operator's word
// and runs it, reporting each action as it ends.
func applyRun(ctx context.Context, g *globals, e onboard.Env, o applyOptions) error {
	s, err := apply.Prepare(ctx, workflow.Engine(e), o.plan)
	if err != nil {
		return err
	}
	view := viewOf(s)
	switch {
	case s.Counts().Left() == 0:
		if s.Plan.FinishedAt == nil && len(s.Actions) > 0 {
			// Killed after its last action and before its end: record
			// the end now (nothing is sent).
			if _, err := s.Run(ctx, apply.Options{Actor: who.Operator()}); err != nil {
				return err
			}
		}
		if len(s.Actions) == 0 {
			fmt.Fprintf(g.io.Err, "Plan %d has nothing to do. Nothing was sent.\n", s.Plan.ID)
		} else {
			fmt.Fprintf(g.io.Err, "Plan %d is applied: all %s are done. Nothing was sent.\n", s.Plan.ID, plural.N(len(s.Actions), "action", "actions"))
		}
		if o.json {
			return jsonOut(g).Encode(applySummary{PlanID: s.Plan.ID, Finished: true, States: view.States})
		}
		return nil
	case s.Running != nil && !o.wait:
		return fmt.Errorf("%w: %s. Nothing was sent; wait for it to finish (mspwire apply --wait waits)", apply.ErrRunning, s.Running)
	case s.NeedsConfirmation():
		if len(s.Changed) > 0 {
			return fmt.Errorf("%w: since plan %d was made, %s. Nothing was sent. Run %s for a fresh one",
				apply.ErrStale, s.Plan.ID, strings.Join(s.Changed, "; "), s.Remake())
		}
		if !o.json {
			writeSyncPlan(g.io.Err, s.Plan, s.Actions, false)
		}
		typed, err := confirmation(g, s, o.yes)
		if err != nil {
			return err
		}
		if err := s.Confirm(ctx, typed, who.Operator()); errors.Is(err, apply.ErrNotConfirmed) {
			return &exitError{Code: ExitCancelled, Err: errors.New("not applied: nothing was sent")}
		} else if err != nil {
			return err
		}
	default:
		fmt.Fprintf(g.io.Err, "Resuming plan %d, confirmed by %s: %d of %d done.\n", s.Plan.ID, s.Plan.ConfirmedBy, s.Counts().Done, len(s.Actions))
	}
	return runApply(ctx, g, e, s, o)
}

// confirmation is the operator's typed word: --yes, or a line read from
// the terminal.
func confirmation(g *globals, s *apply.Session, yes bool) (string, error) {
	if yes {
		return apply.ConfirmWord, nil
	}
	if !g.io.Interactive {
		return "", &exitError{Code: ExitCancelled, Err: fmt.Errorf("apply needs your confirmation: run it in a terminal, or give --yes to apply plan %d as shown by mspwire plan show", s.Plan.ID)}
	}
	if n := warningCount(s.Actions); n > 0 {
		fmt.Fprintf(g.io.Err, "\n%d of its actions come with a warning (marked ! above).", n)
	}
	fmt.Fprintf(g.io.Err, "\nApply plan %d? Type %s to go ahead: ", s.Plan.ID, apply.ConfirmWord)
	line, err := bufio.NewReader(g.io.In).ReadString('\n')
	if err != nil && line == "" {
		return "", &exitError{Code: ExitCancelled, Err: errors.New("not applied: nothing was sent")}
	}
	return line, nil
}

// warningCount counts a plan's actions that carry a warning.
func warningCount(actions []store.Action) int {
	n := 0
	for _, a := range actions {
		if len(a.Warnings) > 0 {
			n++
		}
	}
	return n
}

type applySummary struct {
	PlanID   int64          `json:"plan_id"`
	Finished bool           `json:"finished"`
	States   map[string]int `json:"states"`
}

// runApply runs the session and reports each action as it ends.
func runApply(ctx context.Context, g *globals, e onboard.Env, s *apply.Session, o applyOptions) error {
	enc := jsonOut(g)
	res, err := s.Run(ctx, apply.Options{Actor: who.Operator(), Wait: o.wait, Observer: apply.Observer{
		Action: func(ev apply.Event) {
			if o.json {
				_ = enc.Encode(map[string]any{"event": "action", "recheck": ev.Recheck, "counts": ev.Counts, "action": actionView(ev.Action)})
				return
			}
			fmt.Fprintln(g.io.Err, progressLine(ev))
		},
		Wait:  func(w apply.Wait) { fmt.Fprintln(g.io.Err, waitLine(w)) },
		Lease: func(h apply.Holder) { fmt.Fprintf(g.io.Err, "Waiting: %s.\n", h) },
	}})
	c := res.Counts
	if o.json {
		states := map[string]int{"pending": c.Pending, "in_flight": c.InFlight, "done": c.Done, "failed": c.Failed, "skipped": c.Skipped}
		_ = enc.Encode(applySummary{PlanID: s.Plan.ID, Finished: c.Pending+c.InFlight == 0 && err == nil, States: states})
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &exitError{Code: ExitCancelled, Err: fmt.Errorf("apply interrupted after %d of %s; what was sent is in the journal: run mspwire apply again to finish", c.Done, plural.N(c.Total, "action", "actions"))}
	case err != nil:
		return err
	case c.Failed > 0 || c.Skipped > 0:
		return fmt.Errorf("plan %d: %d of %d actions done, %d failed, %d not sent because of them; fix the cause and run mspwire apply again to retry them",
			s.Plan.ID, c.Done, c.Total, c.Failed, c.Skipped)
	}
	if res.AlreadyApplied {
		fmt.Fprintf(g.io.Err, "Plan %d is applied: all %s are done (another process finished it). Nothing was sent.\n", s.Plan.ID, plural.N(c.Total, "action", "actions"))
		return nil
	}
	fmt.Fprintf(g.io.Err, "Plan %d applied: %s done.\n", s.Plan.ID, plural.N(c.Done, "action", "actions"))
	if systems, _ := apply.BySystem(s.Actions); path.TouchesHudu(systems) {
		fmt.Fprintln(g.io.Err, path.VisualInsights+".")
	}
	if n := checklistCount(ctx, e); n > 0 {
		fmt.Fprintf(g.io.Err, "%s wait on the checklist for you to do in a vendor's console (mspwire auth checklist).\n", plural.N(n, "step", "steps"))
	}
	return nil
}

// progressLine is one action's end as a plain line:
// "[12/46] done      Create Hudu company "Acme" → 812".
func progressLine(ev apply.Event) string {
	c := ev.Counts
	line := fmt.Sprintf("[%d/%d] %-9s %s", c.Ended(), c.Total, ev.Action.State, display.Safe(ev.Action.Summary))
	if ev.Action.ExternalID != "" && ev.Action.State == store.ActionDone {
		line += " → " + display.Safe(ev.Action.ExternalID)
	}
	if ev.Recheck {
		line += " (found landed, not sent again)"
	}
	if ev.Action.Error != "" && ev.Action.State != store.ActionDone {
		line += ": " + display.Safe(ev.Action.Error)
	}
	return line
}

// waitLine is a wait as a plain line: "Hudu: rate limited, waiting 9s
// before attempt 2".
func waitLine(w apply.Wait) string {
	if w.Attempt == 0 {
		return fmt.Sprintf("%s: %s, waiting %s", w.System, display.Safe(w.Reason), w.For.Round(100*time.Millisecond))
	}
	return fmt.Sprintf("%s: %s, waiting %s before attempt %d", w.System, display.Safe(w.Reason), w.For.Round(100*time.Millisecond), w.Attempt)
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
