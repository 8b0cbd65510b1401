// Package resume is the one start-up check the CLI and the wizard share:
// it finishes rotations a killed run left half-done, and finds an apply
// that was interrupted, for the caller to offer to finish (an apply sends
// writes, so it waits for the operator's word).
package resume

import (
	"context"
	"errors"
	"fmt"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/rotate"
	"github.com/mspwire/mspwire/store"
)

// Rotation is a half-done rotation the check finished or could not.
type Rotation struct {
	System string
	Result rotate.Result
	Err    error
}

// Apply is a confirmed plan whose apply has not reached the end: stopped
// (interrupted), or being applied by another process now (Running).
type Apply struct {
	Plan    store.Plan
	Total   int
	Done    int
	Left    int           // pending or in flight
	Running *apply.Holder // the live process applying it; nil: interrupted
}

// Interrupted says the apply stopped and nobody is finishing it.
func (a *Apply) Interrupted() bool { return a != nil && a.Running == nil }

// Say is the apply's state in a sentence, with what to do.
func (a *Apply) Say() string {
	if a.Running != nil {
		return fmt.Sprintf("%s (%d of %d done): it is running, leave it to finish", a.Running, a.Done, a.Total)
	}
	return fmt.Sprintf("The apply of plan %d was interrupted (%d of %d done)", a.Plan.ID, a.Done, a.Total)
}

// Report is what the check did and found.
type Report struct {
	Rotations []Rotation
	Apply     *Apply
}

// Start finishes half-done rotations and looks for an interrupted apply.
func Start(ctx context.Context, env onboard.Env, actor string) (Report, error) {
	var r Report
	conns, err := env.Store.Connections(ctx, env.Profile)
	if err != nil {
		return r, err
	}
	for _, c := range conns {
		res, did, err := rotate.Recover(ctx, env.Store, env.Keyring, env.Profile, c.System, actor)
		if did {
			r.Rotations = append(r.Rotations, Rotation{System: c.System, Result: res, Err: err})
		}
	}
	a, err := Interrupted(ctx, apply.EnvOf(env.Store, env.Profile, env.Clients))
	if err != nil {
		return r, err
	}
	r.Apply = a
	return r, nil
}

// Interrupted finds the latest plan if it was confirmed and its apply
// has actions left to send or to look up, and says whether a live process
// is applying it.
func Interrupted(ctx context.Context, env apply.Env) (*Apply, error) {
	st := env.Store
	p, err := st.LatestPlan(ctx, env.Profile)
	if errors.Is(err, store.ErrNoPlan) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if p.ConfirmedAt == nil || p.FinishedAt != nil {
		return nil, nil
	}
	actions, err := st.Actions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	a := &Apply{Plan: p, Total: len(actions)}
	for _, x := range actions {
		switch x.State {
		case store.ActionDone:
			a.Done++
		case store.ActionPending, store.ActionInFlight:
			a.Left++
		}
	}
	if a.Left == 0 {
		return nil, nil
	}
	if h, running, err := apply.Running(ctx, env); err != nil {
		return nil, err
	} else if running {
		a.Running = &h
	}
	return a, nil
}
