package flowtest

import (
	"context"
	"testing"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/store"
)

// Intended lists, per system, the names a plan's create actions make.
func Intended(t testing.TB, actions []store.Action) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, a := range actions {
		if a.Kind != change.Create {
			continue
		}
		p, err := change.Decode[change.CreatePayload](a)
		if err != nil {
			t.Fatal(err)
		}
		out[a.System] = append(out[a.System], p.Record.Name)
	}
	return out
}

// Census counts each connected system's records by name, read afresh from
// the vendor (IT Glue's without Liongard's filter).
func Census(t testing.TB, env onboard.Env) map[string]map[string]int {
	t.Helper()
	ctx := context.Background()
	out := map[string]map[string]int{}
	clients := adapter.NewClients(env.Store, env.Keyring, env.Profile)
	o, _ := env.Store.Onboarding(ctx, env.Profile)
	o.ITGlueStatuses, o.ITGlueTypes = nil, nil
	for _, sys := range adapter.IDs() {
		if _, err := env.Store.Connection(ctx, env.Profile, sys); err != nil {
			continue
		}
		companies, err := clients.Companies(sys)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := companies.Inventory(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		out[sys] = map[string]int{}
		for _, r := range recs {
			out[sys][adapter.NameKey(r.Name)]++
		}
	}
	return out
}

// HoldsOnce checks that every record a plan meant to create is in its
// vendor exactly once more than before.
func HoldsOnce(t testing.TB, before, after map[string]map[string]int, want map[string][]string) {
	t.Helper()
	for sys, names := range want {
		wanted := map[string]int{}
		for _, n := range names {
			wanted[adapter.NameKey(n)]++
		}
		for k, n := range wanted {
			if got := after[sys][k] - before[sys][k]; got != n {
				t.Errorf("%s %q: made %d times, want %d", sys, k, got, n)
			}
		}
	}
}
