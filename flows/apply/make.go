package apply

import (
	"context"
	"errors"
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
	intent, err := intentOf(ctx, p)
	if err != nil {
		return store.Plan{}, nil, err
	}
	if pl, actions, ok, err := reusable(ctx, env, p, intent); err != nil || ok {
		return pl, actions, err
	}
	prop, err := p.Produce(ctx)
	if err != nil {
		return store.Plan{}, nil, err
	}
	if prop.Inputs == nil && len(intent) > 0 {
		prop.Inputs = map[string]string{}
	}
	for k, v := range intent {
		prop.Inputs[change.IntentPrefix+k] = v
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

// intentOf is what the operator chose that shapes the producer's plans;
// none for a producer that reads no choices of its own.
func intentOf(ctx context.Context, p change.Producer) (map[string]string, error) {
	if i, ok := p.(change.Intender); ok {
		return i.Intent(ctx)
	}
	return nil, nil
}

// reusable is the latest plan when a new one would be the same: of this
// kind, never confirmed, nothing of it sent, made with the same intent
// (the operator's choices and flags), and its inputs unchanged. A screen
// visited twice shows one plan, not two; a changed choice or flag makes a
// new one.
func reusable(ctx context.Context, env Env, p change.Producer, intent map[string]string) (store.Plan, []store.Action, bool, error) {
	pl, err := env.Store.LatestPlan(ctx, env.Profile)
	if errors.Is(err, store.ErrNoPlan) {
		return pl, nil, false, nil
	}
	if err != nil || pl.Kind != p.Kind() || pl.ConfirmedAt != nil || pl.FinishedAt != nil {
		return pl, nil, false, err
	}
	if len(change.IntentChanges(change.IntentOf(pl.Inputs), intent)) > 0 {
		return pl, nil, false, nil
	}
	actions, err := env.Store.Actions(ctx, pl.ID)
	if err != nil || len(actions) == 0 || CountOf(actions).Pending != len(actions) {
		return pl, nil, false, err
	}
	changed, err := p.Stale(ctx, pl)
	if err != nil || len(changed) > 0 {
		return pl, nil, false, err
	}
	return pl, actions, true, nil
}
