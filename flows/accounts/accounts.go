// Package accounts finds the accounts nobody has signed in to for a while
// — in Google Workspace and Microsoft 365, as Liongard's inspections see
// them — and proposes, as plans of kind stale_accounts, one HaloPSA ticket
// per client listing them, and the Actionable Alert rule only Liongard's
// console can build, as a checklist step.
package accounts

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
)

// Sources of accounts.
const (
	GoogleWorkspace = "google_workspace"
	M365            = "m365"
)

// DefaultDays is how long without a sign-in makes an account stale.
const DefaultDays = 90

// Specs list each suite's accounts with their days since the last sign-in;
// suspended, archived and disabled accounts are left out (no seat, no
// risk of use). Built from the fields Liongard's library queries use
// (api-facts-ops §B.1, §B.2); the days are filtered here, so one metric
// serves any --days.
var Specs = []metrics.Spec{
	{Purpose: "google_workspace_sign_ins", Inspector: "Google Workspace", Name: "mspwire: Google Workspace sign-ins",
		Query: "Users[?suspended != `true` && archived != `true`].{account: primaryEmail, days: DaysSinceLastLogin_r, last_login: lastLoginTime}"},
	{Purpose: "m365_sign_ins", Inspector: "Microsoft 365", Name: "mspwire: Microsoft 365 sign-ins",
		Query: "Users[?accountEnabled == `true` && Assigned_Products != ``].{account: userPrincipalName, days: signInActivity.daysSinceLastSignIn}"},
}

// Alerts are the count metrics an Actionable Alert rule can watch (a rule
// cannot be made by API: it is a checklist step). Microsoft 365's is
// Liongard's library "Stale or Disused" count; Google Workspace's is the
// validated stale-users query (§B.2), made once.
var Alerts = []metrics.Spec{
	{Purpose: "google_workspace_stale_count", Inspector: "Google Workspace", Name: "mspwire: Google Workspace stale accounts (90 days)",
		Query: "length(Users[?DaysSinceLastLogin_r > `90` && suspended != `true` && archived != `true`])"},
	{Purpose: "m365_stale_count", Inspector: "Microsoft 365", Library: []string{"caf567e8-0705-4b0c-9746-74bd84fce054", "Office 365: Stale or Disused User Accounts Count"},
		Name: "mspwire: Microsoft 365 stale accounts", Query: "length(Users[?activeLast30Days==`false` && accountEnabled == `true` ])"},
}

// source is the suite a spec reads.
func source(purpose string) string {
	if strings.HasPrefix(purpose, "google") {
		return GoogleWorkspace
	}
	return M365
}

// Ref names a record of a system.
type Ref = store.RecordRef

// Row is one stale account.
type Row struct {
	ID          string  `json:"id"` // "<environment id>:<account>", stable
	Client      *Ref    `json:"client"`
	Environment Ref     `json:"environment"`
	Source      string  `json:"source"`
	Account     string  `json:"account"`
	LastLogin   *string `json:"last_login"` // when the suite says; Microsoft's count of days otherwise
	Days        int     `json:"days"`
}

// Report is the stale accounts of a tenant.
type Report struct {
	Days     int            `json:"days"`
	Rows     []Row          `json:"rows"`
	ByClient map[string]int `json:"by_client"` // client id -> stale accounts
	Unmapped int            `json:"unmapped"`  // stale accounts in environments the review links to no client
	Metrics  []metrics.Found
}

// Inputs are what a report reads.
type Inputs struct {
	Clients map[string]Ref // Liongard environment id -> HaloPSA client
	Values  []liongard.MetricValue
	Metrics map[string]metrics.Found
}

// Read gathers the inputs.
func Read(ctx context.Context, e onboard.Env) (Inputs, error) {
	var in Inputs
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return in, err
	}
	if in.Clients, err = review.ClientsOf(ctx, e.Store, e.Profile, o.Source); err != nil {
		return in, err
	}
	lg, err := e.Liongard(ctx)
	if err != nil {
		return in, err
	}
	if in.Metrics, err = metrics.Ensure(ctx, e.Store, e.Profile, lg, Specs...); err != nil {
		return in, err
	}
	var keys []string
	for _, s := range Specs {
		keys = append(keys, in.Metrics[s.Purpose].UUID)
	}
	if in.Values, err = lg.EvaluateMetrics(ctx, keys); err != nil {
		return in, fmt.Errorf("reading Liongard's sign-ins: %w", err)
	}
	return in, nil
}

// Find lists the accounts with no sign-in for more than days.
func Find(in Inputs, days int) Report {
	purpose := map[int]string{}
	for p, m := range in.Metrics {
		purpose[m.ID] = p
	}
	rep := Report{Days: days, ByClient: map[string]int{}}
	for _, s := range Specs {
		rep.Metrics = append(rep.Metrics, in.Metrics[s.Purpose])
	}
	for _, v := range in.Values {
		p, ok := purpose[v.MetricID]
		if !ok {
			continue
		}
		list, _ := v.Value.([]any)
		for _, x := range list {
			m, _ := x.(map[string]any)
			account, _ := m["account"].(string)
			n, known := number(m["days"])
			if account == "" || !known || n <= days {
				continue // a count Liongard does not have is not taken for stale
			}
			env := Ref{System: "liongard", ID: strconv.Itoa(v.EnvironmentID), Name: v.EnvironmentName}
			r := Row{ID: env.ID + ":" + strings.ToLower(account), Environment: env, Source: source(p), Account: account, Days: n}
			if last, ok := m["last_login"].(string); ok && last != "" {
				if t, err := time.Parse(time.RFC3339, last); err == nil {
					last = t.UTC().Format(time.DateOnly) // a date, as Microsoft 365's are
				}
				r.LastLogin = &last
			} else if at := v.InspectedAt(); !at.IsZero() {
				d := at.AddDate(0, 0, -n).UTC().Format(time.DateOnly)
				r.LastLogin = &d
			}
			if c, ok := in.Clients[env.ID]; ok {
				r.Client = &c
				rep.ByClient[c.ID]++
			} else {
				rep.Unmapped++
			}
			rep.Rows = append(rep.Rows, r)
		}
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if a.Environment.Name != b.Environment.Name {
			return a.Environment.Name < b.Environment.Name
		}
		if a.Days != b.Days {
			return a.Days > b.Days
		}
		return a.Account < b.Account
	})
	return rep
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

// Build reads and finds.
func Build(ctx context.Context, e onboard.Env, days int) (Report, Inputs, error) {
	in, err := Read(ctx, e)
	if err != nil {
		return Report{}, in, err
	}
	return Find(in, days), in, nil
}
