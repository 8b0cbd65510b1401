// Package workflow wires the change engine for a profile: the engine's
// env with the producer of every plan kind mspwire makes. A new plan kind
// adds its producer here.
package workflow

import (
	"context"
	"fmt"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/flows/preflight"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
)

// Engine is the change engine over a profile's store and vendor clients.
func Engine(e onboard.Env) apply.Env {
	env := apply.EnvOf(e.Store, e.Profile, e.Clients)
	env.Producer = func(p store.Plan) (change.Producer, error) { return Producer(e, p) }
	env.Preflight = preflight.Gate(e.Store, e.Profile)
	return env
}

// Producer is the producer of a stored plan, with the parameters it was
// made with: its staleness and "run … again" advice name the same flags.
func Producer(e onboard.Env, p store.Plan) (change.Producer, error) {
	switch p.Kind {
	case change.Onboarding:
		return plan.New(e), nil
	case change.Billing:
		return billing.ProducerOf(e, p), nil
	case change.Devices:
		return devices.ProducerOf(e, p), nil
	case change.StaleAccounts:
		return accounts.ProducerOf(e, p), nil
	}
	return nil, fmt.Errorf("plans of kind %q are not made by this mspwire", p.Kind)
}

// Status is the profile's report, with whether its latest unfinished plan
// is stale: only the plan kind's producer can say.
func Status(ctx context.Context, e onboard.Env) (status.Report, error) {
	r, err := status.Build(ctx, e.Store, e.Keyring, e.Profile)
	if err != nil || r.Plan == nil || r.Plan.FinishedAt != nil {
		return r, err
	}
	s, err := apply.Prepare(ctx, Engine(e), r.Plan.ID)
	if err != nil {
		return r, nil // the report stands without it
	}
	r.Plan.Stale = s.Changed
	return r, nil
}
