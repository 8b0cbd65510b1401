package tui

import (
	"context"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/checks"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/flows/resume"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/rotate"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
)

// Flows is the Backend the program uses: the onboarding flows over the
// profile's store and keyring.
type Flows struct {
	onboard.Env
	// Demo offers credentials as form defaults (the sandbox's, in the
	// demo); nil elsewhere.
	Demo func(system string) (connect.Fields, string)
	// DemoRotate has the sandbox issue a new secret (the demo only).
	DemoRotate func(ctx context.Context, system string) (connect.Fields, string, error)
}

// NewDemoSecret is a secret the demo's sandbox just issued, or none.
func (f Flows) NewDemoSecret(ctx context.Context, system string) (connect.Fields, string) {
	if f.DemoRotate == nil {
		return connect.Fields{}, ""
	}
	fields, secret, err := f.DemoRotate(ctx, system)
	if err != nil {
		return connect.Fields{}, ""
	}
	return fields, secret
}

// Status is the profile's report for the home screen.
func (f Flows) Status(ctx context.Context) (status.Report, error) {
	return status.Build(ctx, f.Store, f.Keyring, f.Profile)
}

// Answer stores the questionnaire and returns the recommendation.
func (f Flows) Answer(ctx context.Context, a path.Answers) (path.ID, string, error) {
	return f.Env.Answer(ctx, a)
}

// Defaults fills a credential form: demo credentials, or what is stored
// (never a stored secret).
func (f Flows) Defaults(system string) (connect.Fields, string) {
	if f.Demo != nil {
		if fields, secret := f.Demo(system); secret != "" {
			return fields, secret
		}
	}
	if conn, err := f.Store.Connection(context.Background(), f.Profile, system); err == nil {
		return connect.FieldsOf(conn), ""
	}
	return connect.Fields{}, ""
}

// Connect verifies credentials and saves them only if they work.
func (f Flows) Connect(ctx context.Context, system string, fields connect.Fields, secret string) (connect.Verified, error) {
	v, err := connect.Verify(ctx, system, fields, secret)
	if err != nil {
		return v, err
	}
	return v, connect.Save(ctx, f.Store, f.Keyring, f.Profile, system, fields, secret, v, who.Operator())
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
func (f Flows) Rotate(ctx context.Context, system string, fields connect.Fields, secret string) (rotate.Result, error) {
	return rotate.Rotate(ctx, f.Store, f.Keyring, f.Profile, system, fields, secret, who.Operator())
}

// MakePlan makes a new plan through flows/plan.
func (f Flows) MakePlan(ctx context.Context) (SyncPlan, error) {
	p, actions, err := plan.Make(ctx, plan.Env{Onboard: f.Env, Actor: who.Operator()})
	return SyncPlan{Plan: p, Actions: actions}, err
}

// SyncPlan reads a plan (the latest for id 0) and, unless it is finished,
// whether its inputs changed.
func (f Flows) SyncPlan(ctx context.Context, id int64) (SyncPlan, error) {
	var sp SyncPlan
	var err error
	if id == 0 {
		sp.Plan, err = f.Store.LatestPlan(ctx, f.Profile)
	} else {
		sp.Plan, err = f.Store.PlanByID(ctx, f.Profile, id)
	}
	if err != nil {
		return sp, err
	}
	if sp.Actions, err = f.Store.Actions(ctx, sp.Plan.ID); err != nil {
		return sp, err
	}
	if sp.Plan.FinishedAt == nil {
		sp.Changed, err = plan.Stale(ctx, f.Env, sp.Plan)
	}
	return sp, err
}

// ConfirmPlan records the operator's confirmation.
func (f Flows) ConfirmPlan(ctx context.Context, p store.Plan) error {
	return f.Store.ConfirmPlan(ctx, p, who.Operator())
}

// Apply runs a confirmed plan through flows/apply.
func (f Flows) Apply(ctx context.Context, p store.Plan, progress func(apply.Event)) (apply.Result, error) {
	return apply.Run(ctx, f.Env, p, apply.Options{Actor: who.Operator(), Progress: progress})
}

// Doctor runs every check that applies to the profile's path.
func (f Flows) Doctor(ctx context.Context) (checks.Report, error) {
	return checks.Run(ctx, f.Env, checks.Options{Actor: who.Operator()})
}

// AnswerQuestion stores an answer to a doctor question.
func (f Flows) AnswerQuestion(ctx context.Context, question string, yes bool) error {
	return checks.Answer(ctx, f.Env, question, yes, who.Operator())
}
