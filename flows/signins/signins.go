// Package signins reads the accounts Liongard's inspections see in Google
// Workspace and Microsoft 365, each with its days since the last sign-in:
// stale accounts lists the idle ones, the link check reads the domains
// every account uses.
package signins

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/onboard"
)

// Sources of accounts.
const (
	GoogleWorkspace = "google_workspace"
	M365            = "m365"
)

// Specs list each suite's accounts with their days since the last sign-in;
// suspended, archived and disabled accounts are left out (no seat, no
// risk of use). Built from the fields Liongard's library queries use
// (api-facts-ops §B.1, §B.2); the days are filtered by the reader, so one
// metric serves any --days.
var Specs = []metrics.Spec{
	{Purpose: "google_workspace_sign_ins", Inspector: "Google Workspace", Name: "mspwire: Google Workspace sign-ins",
		Query: "Users[?suspended != `true` && archived != `true`].{account: primaryEmail, days: DaysSinceLastLogin_r, last_login: lastLoginTime}"},
	{Purpose: "m365_sign_ins", Inspector: "Microsoft 365", Name: "mspwire: Microsoft 365 sign-ins",
		Query: "Users[?accountEnabled == `true` && Assigned_Products != ``].{account: userPrincipalName, days: signInActivity.daysSinceLastSignIn}"},
}

// Found is what one read of the sign-ins returned.
type Found struct {
	Values  []liongard.MetricValue
	Metrics map[string]metrics.Found // by Spec.Purpose
}

// Ensure finds (or makes, once) the metrics.
func Ensure(ctx context.Context, e onboard.Env, lg *liongard.Client) (map[string]metrics.Found, error) {
	return metrics.Ensure(ctx, e.Store, e.Profile, lg, Specs...)
}

// Keys are the metrics' keys for an evaluation: a workflow evaluates them
// with its own metrics in one call.
func Keys(found map[string]metrics.Found) []string {
	var keys []string
	for _, s := range Specs {
		keys = append(keys, found[s.Purpose].UUID)
	}
	return keys
}

// Read finds (or makes, once) the metrics and evaluates them.
func Read(ctx context.Context, e onboard.Env) (Found, error) {
	var f Found
	lg, err := e.Liongard(ctx)
	if err != nil {
		return f, err
	}
	if f.Metrics, err = Ensure(ctx, e, lg); err != nil {
		return f, err
	}
	if f.Values, err = lg.EvaluateMetrics(ctx, Keys(f.Metrics)); err != nil {
		return f, fmt.Errorf("reading Liongard's sign-ins: %w", err)
	}
	return f, nil
}

// Account is one account an inspection saw.
type Account struct {
	EnvironmentID   string
	EnvironmentName string
	Source          string // GoogleWorkspace or M365
	Account         string // the address it signs in with
	Days            int    // since the last sign-in, when DaysKnown
	DaysKnown       bool
	LastLogin       string // as the suite wrote it, if it did
	InspectedAt     time.Time
}

// Accounts lists every account of f, in the order Liongard returned them;
// values of other metrics are passed over.
func (f Found) Accounts() []Account {
	purpose := map[int]string{}
	for p, m := range f.Metrics {
		purpose[m.ID] = p
	}
	var out []Account
	for _, v := range f.Values {
		p, ok := purpose[v.MetricID]
		if !ok {
			continue
		}
		list, _ := v.Value.([]any)
		for _, x := range list {
			m, _ := x.(map[string]any)
			account, _ := m["account"].(string)
			if account == "" {
				continue
			}
			a := Account{EnvironmentID: strconv.Itoa(v.EnvironmentID), EnvironmentName: v.EnvironmentName, Source: source(p),
				Account: account, InspectedAt: v.InspectedAt()}
			a.Days, a.DaysKnown = number(m["days"])
			a.LastLogin, _ = m["last_login"].(string)
			out = append(out, a)
		}
	}
	return out
}

func source(purpose string) string {
	if strings.HasPrefix(purpose, "google") {
		return GoogleWorkspace
	}
	return M365
}

// number reads a count Liongard returns as a number or a numeric string.
func number(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		return int(x), x >= 0
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil && n >= 0
	}
	return 0, false
}
