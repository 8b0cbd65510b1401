package billing

import (
	"context"

	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/store"
)

// specs count each product's users. Queries are the validated ones of
// Liongard's own library (api-facts-ops §B.1, §B.2). No Google Workspace
// count is in the library: active users are the validated user list
// without the suspended and archived accounts, which hold no paid seat
// (Liongard's own billable-identity rule).
var specs = []metrics.Spec{
	{Purpose: string(M365), Inspector: "Microsoft 365",
		Library: []string{"5e544b81-36c4-497e-af78-2c245160ac6f", "Office 365: Licensed User Count"},
		Name:    "mspwire: Microsoft 365 licensed users", Query: "Users[?Assigned_Products != ``] | length(@)"},
	{Purpose: string(GoogleWorkspace), Inspector: "Google Workspace",
		Name: "mspwire: Google Workspace active users", Query: "length(Users[?suspended != `true` && archived != `true`])"},
}

// Counting is the metric a product is counted by, and whether this run
// made it.
type Counting = metrics.Found

// EnsureMetrics finds or makes, once, the metric that counts each
// product's users.
func EnsureMetrics(ctx context.Context, st *store.Store, profile string, lg *liongard.Client) (map[Product]Counting, error) {
	found, err := metrics.Ensure(ctx, st, profile, lg, specs...)
	if err != nil {
		return nil, err
	}
	out := map[Product]Counting{}
	for _, p := range Products {
		out[p] = found[string(p)]
	}
	return out, nil
}
