// Package backend is what the wizard runs on: the flows over a profile's
// store and keyring (Flows, the composition root of ui/tui), and the views
// its answers come in. ui/tui defines what it asks (tui.Backend); this
// package answers, and never imports ui/tui.
package backend

import (
	"context"
	"fmt"
	"strings"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/checks"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/flows/report"
	"github.com/mspwire/mspwire/flows/resume"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/rotate"
	"github.com/mspwire/mspwire/flows/signins"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/flows/verify"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/flows/workflow"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/display"
)

// Flows is the Backend the program uses: the onboarding flows over the
// profile's store and keyring.
type Flows struct {
	onboard.Env
	// Demo offers credentials as form defaults (the sandbox's, in the
	// demo); nil elsewhere.
	Demo func(system string) (connect.Values, string)
	// DemoRotate has the sandbox issue a new secret (the demo only).
	DemoRotate func(ctx context.Context, system string) (connect.Values, string, error)
}

// NewDemoSecret is a secret the demo's sandbox just issued, or none.
func (f Flows) NewDemoSecret(ctx context.Context, system string) (connect.Values, string) {
	if f.DemoRotate == nil {
		return connect.Values{}, ""
	}
	values, secret, err := f.DemoRotate(ctx, system)
	if err != nil {
		return connect.Values{}, ""
	}
	return values, secret
}

// Status is the profile's report for the home screen.
func (f Flows) Status(ctx context.Context) (status.Report, error) {
	return workflow.Status(ctx, f.Env)
}

// Answer stores the questionnaire and returns the recommendation.
func (f Flows) Answer(ctx context.Context, a path.Answers) (path.ID, string, error) {
	return f.Env.Answer(ctx, a)
}

// Defaults fill a credential form: demo credentials, or what is stored
// (never a stored secret).
func (f Flows) Defaults(system string) (connect.Values, string) {
	if f.Demo != nil {
		if values, secret := f.Demo(system); secret != "" {
			return values, secret
		}
	}
	if conn, err := f.Store.Connection(context.Background(), f.Profile, system); err == nil {
		return adapter.ValuesOf(conn), ""
	}
	return connect.Values{}, ""
}

// Connect verifies credentials and saves them only if they work.
func (f Flows) Connect(ctx context.Context, system string, values connect.Values, secret string) (connect.Verified, error) {
	v, err := connect.Verify(ctx, system, values, secret)
	if err != nil {
		return v, err
	}
	return v, connect.Save(ctx, f.Store, f.Keyring, f.Profile, system, values, secret, v, who.Operator())
}

// Review opens the match review, matching the inventories first if asked.
func (f Flows) Review(ctx context.Context, suggest bool) (*review.Model, error) {
	m, err := review.Open(ctx, f.Store, f.Profile, who.Operator())
	if err != nil || !suggest {
		return m, err
	}
	_, err = m.Suggest(ctx)
	return m, err
}

// Resume runs the start-up check.
func (f Flows) Resume(ctx context.Context) (resume.Report, error) {
	return resume.Start(ctx, f.Env, who.Operator())
}

// Rotate replaces a secret through flows/rotate.
func (f Flows) Rotate(ctx context.Context, system string, changes connect.Values, secret string) (rotate.Result, error) {
	return rotate.Rotate(ctx, f.Store, f.Keyring, f.Profile, system, changes, secret, who.Operator())
}

// MakePlan makes a new onboarding plan through the change engine.
func (f Flows) MakePlan(ctx context.Context) (SyncPlan, error) {
	p, _, err := apply.Make(ctx, workflow.Engine(f.Env), plan.New(f.Env), who.Operator())
	if err != nil {
		return SyncPlan{Plan: p}, err
	}
	return f.SyncPlan(ctx, p.ID)
}

// SyncPlan prepares an apply session of a plan (the latest for id 0).
func (f Flows) SyncPlan(ctx context.Context, id int64) (SyncPlan, error) {
	s, err := apply.Prepare(ctx, workflow.Engine(f.Env), id)
	if err != nil {
		return SyncPlan{}, err
	}
	sp := Snapshot(s)
	o, err := f.Store.Onboarding(ctx, f.Profile)
	sp.HuduFeeds = o.Settings.HuduFeeds
	return sp, err
}

// SetHuduFeeds keeps path C's choice of what feeds Hudu.
func (f Flows) SetHuduFeeds(ctx context.Context, feeds string) error {
	return f.SetPlanSettings(ctx, onboard.SettingsChange{HuduFeeds: &feeds})
}

// ConfirmPlan confirms a plan with what the operator typed.
func (f Flows) ConfirmPlan(ctx context.Context, id int64, typed string) error {
	s, err := apply.Prepare(ctx, workflow.Engine(f.Env), id)
	if err != nil {
		return err
	}
	return s.Confirm(ctx, typed, who.Operator())
}

// Apply runs a confirmed plan through the change engine.
func (f Flows) Apply(ctx context.Context, id int64, obs apply.Observer) (apply.Result, error) {
	s, err := apply.Prepare(ctx, workflow.Engine(f.Env), id)
	if err != nil {
		return apply.Result{}, err
	}
	return s.Run(ctx, apply.Options{Actor: who.Operator(), Observer: obs})
}

// Doctor runs every check that applies to the profile's path.
func (f Flows) Doctor(ctx context.Context) (checks.Report, error) {
	return checks.Run(ctx, f.Env, checks.Options{Actor: who.Operator()})
}

// AnswerQuestion stores an answer to a doctor question.
func (f Flows) AnswerQuestion(ctx context.Context, question string, yes bool) error {
	return checks.Answer(ctx, f.Env, question, yes, who.Operator())
}

// Billing reads and reconciles licence counts and billed seats.
func (f Flows) Billing(ctx context.Context) (BillingView, error) {
	rep, in, err := billing.Build(ctx, f.Env)
	if err != nil {
		return BillingView{}, err
	}
	v := BillingView{Report: rep, Items: in.Items}
	if v.Since, _, err = history.Record(ctx, f.Store, f.Profile, history.Billing, billing.HistoryRows(rep)); err != nil {
		return v, err
	}
	for _, p := range billing.Products {
		if m := in.Metrics[p]; m.Made {
			v.Made = append(v.Made, fmt.Sprintf("%q (id %d)", m.Name, m.ID))
		}
	}
	for _, s := range signins.Specs {
		if m := in.SignIns[s.Purpose]; m.Made {
			v.Made = append(v.Made, fmt.Sprintf("%q (id %d)", m.Name, m.ID))
		}
	}
	settings, err := f.Store.BillingSettingsOf(ctx, f.Profile)
	if err != nil {
		return v, err
	}
	v.TicketType, v.Tolerances, v.Team = settings.TicketTypeID, settings.Tolerances, settings.TicketTeam
	if v.TicketTypes, err = f.ticketTypes(ctx); err != nil {
		return v, err
	}
	v.Teams, err = f.teams(ctx)
	return v, err
}

// teams are HaloPSA's active teams, by name.
func (f Flows) teams(ctx context.Context) ([]string, error) {
	halo, err := f.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	teams, err := halo.ListTeams(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range teams {
		if !t.Inactive {
			out = append(out, t.Name)
		}
	}
	return out, nil
}

// SetTickets keeps the ticket type and team a workflow's tickets get,
// once HaloPSA's answer shows it can take them.
func (f Flows) SetTickets(ctx context.Context, kind store.PlanKind, s tickets.Setting) error {
	if kind == change.Billing {
		_, err := billing.SaveSettings(ctx, f.Env, who.Operator(), billing.SettingsChange{Tickets: s})
		return err
	}
	_, err := tickets.Save(ctx, f.Store, f.HaloPSA, f.Profile, who.Operator(), accounts.TicketPurpose, s)
	return err
}

// ticketTypes are HaloPSA's visible ticket types.
func (f Flows) ticketTypes(ctx context.Context) ([]TicketTypeChoice, error) {
	halo, err := f.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	types, err := halo.ListTicketTypes(ctx)
	if err != nil {
		return nil, err
	}
	var out []TicketTypeChoice
	for _, t := range types {
		// A type with mandatory fields mspwire cannot fill would be refused
		// by the plan: not offered.
		if t.Visible && !t.HasMandatoryTechFields && !t.HasMandatoryUserFields {
			out = append(out, TicketTypeChoice{ID: t.ID, Name: t.Name})
		}
	}
	return out, nil
}

// ConfirmItems keeps the item mappings as the operator confirmed them.
func (f Flows) ConfirmItems(ctx context.Context, items []billing.ItemMapping) error {
	return billing.ConfirmItems(ctx, f.Env, who.Operator(), items)
}

// ChooseBilling keeps a choice for rows, each checked it can take it.
func (f Flows) ChooseBilling(ctx context.Context, rows []billing.Row, choice, reason string) error {
	return billing.Choose(ctx, f.Env, who.Operator(), rows, choice, reason)
}

// MakeBillingPlan makes a billing plan through the change engine.
func (f Flows) MakeBillingPlan(ctx context.Context) (SyncPlan, error) {
	return f.makePlan(ctx, billing.NewProducer(f.Env))
}

// Devices maps workstations to assets and users.
func (f Flows) Devices(ctx context.Context) (devices.Report, error) {
	rep, _, err := devices.Build(ctx, f.Env)
	if err == nil {
		_, _, err = history.Record(ctx, f.Store, f.Profile, history.Devices, devices.HistoryRows(rep))
	}
	return rep, err
}

// MakeDevicesPlan makes a devices plan through the change engine.
func (f Flows) MakeDevicesPlan(ctx context.Context, replace bool) (SyncPlan, error) {
	return f.makePlan(ctx, devices.NewProducer(f.Env, replace))
}

// ClientPage is one client across the three reviews, with its links.
func (f Flows) ClientPage(ctx context.Context, name string) (string, error) {
	return report.ClientPage(ctx, f.Env, name)
}

// StaleAccounts lists the accounts idle over days.
func (f Flows) StaleAccounts(ctx context.Context, days int) (AccountsView, error) {
	rep, _, err := accounts.Build(ctx, f.Env, days)
	if err != nil {
		return AccountsView{}, err
	}
	v := AccountsView{Report: rep}
	if v.Since, _, err = history.Record(ctx, f.Store, f.Profile, history.AccountsKind(days), accounts.HistoryRows(rep)); err != nil {
		return v, err
	}
	t, err := f.Store.TicketSettingsOf(ctx, f.Profile, accounts.TicketPurpose)
	if err != nil {
		return v, err
	}
	v.TicketType, v.Team = t.TypeID, t.Team
	if v.TicketTypes, err = f.ticketTypes(ctx); err != nil {
		return v, err
	}
	v.Teams, err = f.teams(ctx)
	return v, err
}

// MakeAccountsPlan makes a stale accounts plan through the change engine.
func (f Flows) MakeAccountsPlan(ctx context.Context, days int) (SyncPlan, error) {
	return f.makePlan(ctx, accounts.NewProducer(f.Env, days))
}

// VerifyAlerts runs the guide's alert test on one linked client.
func (f Flows) VerifyAlerts(ctx context.Context) (string, error) {
	res, err := verify.Alerts(ctx, f.Env, verify.Options{})
	if err != nil {
		return "", err
	}
	if res.Passed {
		return "The alert test passed: " + display.Safe(res.Why) + ".", nil
	}
	return "The alert test broke at the " + res.Broken + ": " + display.Safe(res.Why) + ".", nil
}

// ConfirmLink vouches for a client's link against the evidence.
func (f Flows) ConfirmLink(ctx context.Context, clientID string) (string, error) {
	link, doubt, err := linkcheck.Confirm(ctx, f.Env, clientID, who.Operator(), false)
	if err != nil {
		return "", err
	}
	what := fmt.Sprintf("Confirmed %s ↔ Liongard's %s", display.Safe(link.Client.Name), display.Safe(link.Environment.Name))
	if len(doubt.Why) > 0 {
		what += ", against: " + display.Safe(strings.Join(doubt.Why, "; "))
	}
	return what + ". (mspwire match confirm " + link.Client.ID + " --undo takes it back.)", nil
}

func (f Flows) makePlan(ctx context.Context, p change.Producer) (SyncPlan, error) {
	pl, _, err := apply.Make(ctx, workflow.Engine(f.Env), p, who.Operator())
	if err != nil {
		return SyncPlan{Plan: pl}, err
	}
	return f.SyncPlan(ctx, pl.ID)
}

// SyncPlan is a stored plan with its actions and, while it is not
// finished, what changed since it was made (it is stale if anything did),
// and the process applying it now, if one is: a snapshot of an apply
// session (flows/apply) for a screen to show.
type SyncPlan struct {
	Plan    store.Plan
	Actions []store.Action
	Changed []string
	Running *apply.Holder
	// HuduFeeds is path C's choice of what feeds Hudu (store.HuduFeed…;
	// "" not chosen yet), for the plan screen's f.
	HuduFeeds string
}

// Snapshot is a session as a screen shows it.
func Snapshot(s *apply.Session) SyncPlan {
	return SyncPlan{Plan: s.Plan, Actions: s.Actions, Changed: s.Changed, Running: s.Running}
}

// AccountsView is a stale accounts report as its screen shows it.
type AccountsView struct {
	Report      accounts.Report
	Since       history.SinceLast // what moved since the last kept run of the same days
	TicketTypes []TicketTypeChoice
	TicketType  int
	Teams       []string // HaloPSA's active teams
	Team        string   // the team the tickets go to; "": the ticket type's default
}

// BillingView is a reconciliation as the Billing screen shows it.
type BillingView struct {
	Report billing.Report
	Items  []billing.ItemMapping
	// Made names the Liongard metrics this reading created.
	Made []string
	// TicketTypes are HaloPSA's ticket types; TicketType is the one
	// billing tickets get (0: none chosen yet).
	TicketTypes []TicketTypeChoice
	TicketType  int
	Teams       []string // HaloPSA's active teams
	Team        string   // the team billing tickets go to; "": the ticket type's default
	// Tolerances are the seats either way that still count as a match,
	// by product (billing plan --tolerance).
	Tolerances map[string]int
	// Since is what moved since the last kept run.
	Since history.SinceLast
}

// TicketTypeChoice is a HaloPSA ticket type a billing ticket can get.
type TicketTypeChoice struct {
	ID   int
	Name string
}
