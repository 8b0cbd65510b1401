package apply

import (
	"context"
	"fmt"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/store"
)

// Make has a producer make a plan of its kind and stores it. No plan is
// made while an apply of the profile runs, or over calls a killed apply
// left in flight: what they did is not known until they are looked up.
func Make(ctx context.Context, env Env, p change.Producer, actor string) (store.Plan, []store.Action, error) {
	if h, running, err := Running(ctx, env); err != nil {
		return store.Plan{}, nil, err
	} else if running {
		return store.Plan{}, nil, fmt.Errorf("%w: %s; make a new plan once it has finished", ErrRunning, h)
	}
	busy, err := env.Store.InFlight(ctx, env.Profile)
	if err != nil {
		return store.Plan{}, nil, err
	}
	if len(busy) > 0 {
		return store.Plan{}, nil, fmt.Errorf("%w: plan %d was interrupted with calls that may have landed; run mspwire apply first, it looks them up before a new plan is made",
			ErrInterrupted, busy[len(busy)-1])
	}
	prop, err := p.Produce(ctx)
	if err != nil {
		return store.Plan{}, nil, err
	}
	actions := make([]store.Action, 0, len(prop.Actions))
	for _, d := range prop.Actions {
		a, err := d.Action()
		if err != nil {
			return store.Plan{}, nil, err
		}
		actions = append(actions, a)
	}
	pl := store.Plan{Kind: p.Kind(), Profile: env.Profile, Path: prop.Path, Source: prop.Source, Inputs: prop.Inputs,
		Notes: prop.Notes, CreatedBy: actor}
	id, err := env.Store.SavePlan(ctx, pl, actions)
	if err != nil {
		return pl, nil, err
	}
	if pl, err = env.Store.PlanByID(ctx, env.Profile, id); err != nil {
		return pl, nil, err
	}
	stored, err := env.Store.Actions(ctx, id)
	return pl, stored, err
}
