package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/checks"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/prompt"
	"github.com/mspwire/mspwire/ui/tui"
)

// runAccessible is the wizard as line-by-line prompts: no redraws, no
// spinners, nothing said by colour alone. The same flows as the screens,
// from a menu; everything is said where the prompts are (the terminal,
// whatever stderr is sent to).
func runAccessible(ctx context.Context, g *globals, b flowsBackend) error {
	var p prompt.Prompter = prompt.Huh{In: prompt.Lines(g.io.In), Out: g.io.screen(), Accessible: true}
	if g.io.Prompter != nil {
		p = g.io.Prompter
	}
	out := g.io.screen()
	report, err := b.Status(ctx)
	if err != nil {
		return err
	}
	stage, err := b.Stage(ctx)
	if err != nil {
		return err
	}
	tui.WriteHomeText(out, report, stage)
	if pl := report.Plan; pl != nil && pl.ConfirmedAt != nil && pl.FinishedAt == nil {
		ok, err := p.Confirm(fmt.Sprintf("The apply of plan %d stopped before the end. Finish it now?", pl.ID), true)
		if err != nil {
			return cancelled(err)
		}
		if ok {
			if err := accessibleApply(ctx, out, b, pl.ID); err != nil {
				return err
			}
		}
	}
	def := "onboard"
	if stage == onboard.StageSteps {
		def = "billing"
	}
	for {
		choice, err := p.Select("What now?", "", []prompt.Option{
			{Label: "Onboard this tenant: the guide's questions, path, credentials, review, plan and apply", Value: "onboard"},
			{Label: "Billing: Liongard's licence counts against HaloPSA's billed seats", Value: "billing"},
			{Label: "Devices: each workstation's HaloPSA asset and last user", Value: "devices"},
			{Label: "Stale accounts: nobody signed in for 90 days", Value: "accounts"},
			{Label: "Pitfalls: check the tenant for the guide's pitfalls (doctor)", Value: "doctor"},
			{Label: "Rotate a credential", Value: "rotate"},
			{Label: "Quit", Value: "quit"},
		}, def)
		if err != nil {
			return cancelled(err)
		}
		switch choice {
		case "onboard":
			err = accessibleOnboard(ctx, p, g, out, b)
			def = "billing"
		case "billing":
			err = accessibleBilling(ctx, p, out, b)
		case "devices":
			err = accessibleDevices(ctx, p, out, b)
		case "accounts":
			err = accessibleAccounts(ctx, p, out, b)
		case "doctor":
			var rep checks.Report
			if rep, err = b.Doctor(ctx); err == nil {
				writeDoctor(out, rep)
			}
		case "rotate":
			err = accessibleRotate(ctx, p, out, b)
		default:
			return nil
		}
		var exit *exitError
		if errors.As(err, &exit) && exit.Code == ExitCancelled {
			return err
		}
		if err != nil {
			fmt.Fprintf(out, "Not done: %v\n", err)
		}
	}
}

// accessibleOnboard walks the guide: questions, path, credentials, source
// of truth, inventories, review, plan and apply, then the steps.
func accessibleOnboard(ctx context.Context, p prompt.Prompter, g *globals, out io.Writer, b flowsBackend) error {
	prev, err := b.Answers(ctx)
	if err != nil {
		return err
	}
	var a path.Answers
	for _, q := range path.Questions {
		if !q.Applies(a) {
			continue
		}
		var opts []prompt.Option
		for _, o := range q.Options {
			opts = append(opts, prompt.Option{Label: o.Label, Value: o.Value})
		}
		def := prev.Get(q.Key)
		if def == "" {
			def = q.Options[0].Value
		}
		v, err := p.Select(q.Title, q.Help, opts, def)
		if err != nil {
			return cancelled(err)
		}
		if err := a.Set(q.Key, v); err != nil {
			return err
		}
	}
	rec, why, err := b.Answer(ctx, a)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Recommended: path %s, %s. Why: %s.\n", rec, path.TradeOffOf(rec).Title, why)
	writeTradeOffs(out)
	choice, err := p.Select("Which path?", "", []prompt.Option{{Label: "A", Value: "A"}, {Label: "B", Value: "B"}, {Label: "C", Value: "C"}}, string(rec))
	if err != nil {
		return cancelled(err)
	}
	if err := b.ChoosePath(ctx, path.ID(choice)); err != nil {
		return err
	}
	plan, err := b.Plan(ctx)
	if err != nil {
		return err
	}

	for _, sys := range plan.Systems {
		if err := accessibleConnect(ctx, p, g, out, b, sys); err != nil {
			return err
		}
	}

	var sources []prompt.Option
	for _, sys := range plan.Sources() {
		sources = append(sources, prompt.Option{Label: adapter.InfoOf(sys).Name, Value: sys})
	}
	source, err := p.Select("Where does the client list come from?", "Import from one system only.", sources, path.Hub)
	if err != nil {
		return cancelled(err)
	}
	var statuses, types []string
	if plan.Path == path.B {
		st, ty, err := b.ITGlueChoices(ctx)
		if err != nil {
			return err
		}
		for _, part := range []struct {
			what   string
			offer  []string
			target *[]string
			def    string
		}{{"statuses", names(st), &statuses, "Active"}, {"types", names(ty), &types, "Customer"}} {
			v, err := p.Input("IT Glue organization "+part.what+" for Liongard's filter, comma-separated", "IT Glue has: "+strings.Join(part.offer, ", "), part.def, nil)
			if err != nil {
				return cancelled(err)
			}
			for _, x := range strings.Split(v, ",") {
				if x = strings.TrimSpace(x); x != "" {
					*part.target = append(*part.target, x)
				}
			}
		}
	}
	n, err := b.SetSource(ctx, source, statuses, types)
	if err != nil {
		return err
	}
	if n >= 0 {
		fmt.Fprintf(out, "The IT Glue filter selects %s.\n", plural.N(n, "organization", "organizations"))
	}
	var mu sync.Mutex
	say := func(format string, args ...any) { mu.Lock(); defer mu.Unlock(); fmt.Fprintf(out, format, args...) }
	if _, err := b.FetchInventories(ctx, onboard.FetchObserver{
		Start: func(sys string) { say("Fetching %s…\n", adapter.InfoOf(sys).Records) },
		Wait:  func(sys string, w apply.Wait) { say("%s\n", waitLine(w)) },
		End: func(f onboard.Fetched) {
			if f.Err != nil {
				say("%s: failed: %v\n", adapter.InfoOf(f.System).Name, f.Err)
			} else {
				say("%s: %s.\n", adapter.InfoOf(f.System).Name, plural.N(f.Count, "company", "companies"))
			}
		},
	}); err != nil {
		return err
	}
	if err := accessibleReview(ctx, p, out, b); err != nil {
		return err
	}
	if err := accessiblePlan(ctx, p, out, b); err != nil {
		return err
	}
	// The steps as the wizard's steps screen shows them: first checked
	// through the APIs that can see them.
	findings, err := b.VerifySteps(ctx)
	if err != nil {
		return err
	}
	plan, err = b.Plan(ctx)
	if err != nil {
		return err
	}
	writePlan(out, plan)
	for _, s := range plan.Steps {
		if f := findings[s.ID]; f != "" {
			fmt.Fprintf(out, "not yet %s: %s\n", s.ID, f)
		}
	}
	return nil
}

func accessibleConnect(ctx context.Context, p prompt.Prompter, g *globals, out io.Writer, b flowsBackend, sys string) error {
	info := adapter.InfoOf(sys)
	v, demo := b.Defaults(sys)
	where, kept := "stored in the OS keyring only once it works", "The secret is saved in the OS keyring."
	if r, err := b.Status(ctx); err == nil && r.SavesTo == store.SourceMemory {
		where, kept = "kept in memory for this run only (no OS keyring is available)", "The secret is kept in memory for this run only."
	}
	for {
		fmt.Fprintf(out, "Credentials for %s.\n", info.Name)
		var err error
		if v, err = askFields(p, info, v, loginFields, true, ""); err != nil {
			return cancelled(err)
		}
		secret := ""
		if demo != "" {
			keep, err := p.Confirm("Use the sandbox's demo secret?", true)
			if err != nil {
				return cancelled(err)
			}
			if keep {
				secret = demo
			}
		}
		if secret == "" {
			if secret, err = p.Secret(info.Name+" "+info.Secret().Noun, "not shown; "+where); err != nil {
				return cancelled(err)
			}
		}
		fmt.Fprintf(out, "Testing the %s connection.\n", info.Name)
		verified, err := b.Connect(ctx, sys, v, secret)
		if err == nil {
			fmt.Fprintf(out, "Connected: %s. %s\n", verified.ActsAs, kept)
			printWarnings(out, verified.Warnings)
			return nil
		}
		fmt.Fprintf(out, "Not connected: %v\nNothing was saved.\n", err)
		again, perr := p.Confirm("Try again?", true)
		if perr != nil || !again {
			return cancelled(errors.Join(perr, err))
		}
	}
}

func names(cs []onboard.Choice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s (%d)", c.Name, c.Count))
	}
	return out
}

// cancelled turns the operator backing out into exit code 2.
func cancelled(err error) error {
	if err == nil || errors.Is(err, prompt.ErrCancelled) {
		return &exitError{Code: ExitCancelled, Silent: err == nil, Err: errors.New("cancelled")}
	}
	return err
}

// accessiblePlan lists the plan the review's decisions make, asks for a
// typed yes (cancel is the default), and applies it as plain lines.
func accessiblePlan(ctx context.Context, p prompt.Prompter, out io.Writer, b flowsBackend) error {
	sp, err := b.MakePlan(ctx)
	if errors.Is(err, apply.ErrInterrupted) {
		fmt.Fprintln(out, "An earlier apply stopped before the end; it is finished first.")
		if sp, err = b.SyncPlan(ctx, 0); err == nil {
			return accessibleApply(ctx, out, b, sp.Plan.ID)
		}
	}
	if err != nil {
		return err
	}
	if sp.Plan.Path == string(path.C) && sp.HuduFeeds == "" && sp.Plan.ConfirmedAt == nil {
		// As the plan screen's f: what feeds Hudu decides its links.
		feeds, err := p.Select("What feeds Hudu?", "path C: Hudu pulls from Liongard; HaloPSA's Hudu integration would be a second feed into the same companies", []prompt.Option{
			{Label: "Liongard alone: leave Hudu's HaloPSA matchers as they are", Value: store.HuduFeedLiongard},
			{Label: "Liongard and HaloPSA (companies, contacts, tickets); assets kept apart by hand", Value: store.HuduFeedBoth},
		}, store.HuduFeedLiongard)
		if err != nil {
			return cancelled(err)
		}
		if err := b.SetHuduFeeds(ctx, feeds); err != nil {
			return err
		}
		if sp, err = b.MakePlan(ctx); err != nil {
			return err
		}
	}
	return confirmAndApply(ctx, p, out, b, sp)
}

// accessibleApply runs (or finishes) a confirmed plan, one line per action
// and per rate-limit wait, then a summary.
func accessibleApply(ctx context.Context, out io.Writer, b flowsBackend, id int64) error {
	started := time.Now()
	res, err := b.Apply(ctx, id, apply.Observer{
		Action: func(ev apply.Event) { fmt.Fprintln(out, progressLine(ev)) },
		Wait:   func(w apply.Wait) { fmt.Fprintln(out, waitLine(w)) },
		Lease:  func(h apply.Holder) { fmt.Fprintf(out, "Waiting: %s.\n", h) },
	})
	if err != nil {
		return err
	}
	c := res.Counts
	fmt.Fprintf(out, "Plan %d: %d of %s done, %d failed, %d not sent, in %s.\n", res.Plan.ID, c.Done, plural.N(c.Total, "action", "actions"), c.Failed, c.Skipped,
		time.Since(started).Round(100*time.Millisecond))
	if c.Failed+c.Skipped > 0 {
		fmt.Fprintln(out, "Fix the causes above, then run mspwire apply to retry what failed.")
	}
	if sp, err := b.SyncPlan(ctx, id); err == nil {
		if systems, _ := apply.BySystem(sp.Actions); path.TouchesHudu(systems) {
			fmt.Fprintln(out, path.VisualInsights+".")
		}
	}
	return nil
}
