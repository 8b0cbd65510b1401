// Package accounts finds the accounts nobody has signed in to for a while
// — in Google Workspace and Microsoft 365, as Liongard's inspections see
// them — and proposes, as plans of kind stale_accounts, one HaloPSA ticket
// per client listing them, and the Actionable Alert rule only Liongard's
// console can build, as a checklist step.
package accounts

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/signins"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/store"
)

// Sources of accounts.
const (
	GoogleWorkspace = signins.GoogleWorkspace
	M365            = signins.M365
)

// DefaultDays is how long without a sign-in makes an account stale.
const DefaultDays = 90

// Specs list each suite's accounts with their days since the last sign-in.
var Specs = signins.Specs

// Alerts are the count metrics an Actionable Alert rule can watch (a rule
// cannot be made by API: it is a checklist step), each counting what the
// tickets list: accounts idle over 90 days. Google Workspace's is the
// validated stale-users query (§B.2); Microsoft 365's reads the same
// fields as its sign-ins (Liongard's library "Stale or Disused" count
// looks at 30 days, not 90). Both made once.
var Alerts = []metrics.Spec{
	{Purpose: "google_workspace_stale_count", Inspector: "Google Workspace", Name: "mspwire: Google Workspace stale accounts (90 days)",
		Query: "length(Users[?DaysSinceLastLogin_r > `90` && suspended != `true` && archived != `true`])"},
	{Purpose: "m365_stale_count_90", Inspector: "Microsoft 365", Name: "mspwire: Microsoft 365 stale accounts (90 days)",
		Query: "length(Users[?accountEnabled == `true` && Assigned_Products != `` && signInActivity.daysSinceLastSignIn > `90`])"},
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
	Status      string  `json:"status"`        // Stale or CheckMapping
	Why         string  `json:"why,omitempty"` // the evidence, for CheckMapping
	// Ticket is the HaloPSA ticket a plan opened for the client's stale
	// accounts as they are now, read back; InHand says it is still open:
	// the account waits on it, out of the accounts to act on.
	Ticket *tickets.Ref `json:"ticket,omitempty"`
	InHand bool         `json:"in_hand"`
}

// Report is the stale accounts of a tenant.
type Report struct {
	Days     int            `json:"days"`
	Rows     []Row          `json:"rows"`
	ByClient map[string]int `json:"by_client"` // client id -> stale accounts
	Unmapped int            `json:"unmapped"`  // stale accounts in environments the review links to no client
	// CheckMapping counts stale accounts no ticket lists until the operator
	// checks their environment's link (linkcheck).
	CheckMapping int `json:"check_mapping"`
	// InHand counts the stale accounts an open ticket holds.
	InHand  int `json:"in_hand"`
	Metrics []metrics.Found
}

// Inputs are what a report reads.
type Inputs struct {
	Clients map[string]Ref // Liongard environment id -> HaloPSA client
	Values  []liongard.MetricValue
	Metrics map[string]metrics.Found
	Links   linkcheck.Result         // the evidence against each link; the zero Result doubts none
	Tickets map[string][]tickets.Ref // the tickets plans opened, by client id, read back from HaloPSA
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
	found, err := signins.Read(ctx, e)
	if err != nil {
		return in, err
	}
	in.Values, in.Metrics = found.Values, found.Metrics
	ev, err := linkcheck.Read(ctx, e, nil, found.Accounts())
	if err != nil {
		return in, err
	}
	in.Links = linkcheck.Check(ev)
	if len(ev.Links) > 0 {
		halo, err := e.HaloPSA(ctx)
		if err != nil {
			return in, err
		}
		if in.Tickets, err = tickets.ReadBack(ctx, e.Store, e.Profile, halo, change.StaleAccounts, "stale-accounts/"); err != nil {
			return in, err
		}
	}
	return in, nil
}

// Statuses of a row.
const (
	Stale        = "stale"         // idle longer than the days asked
	CheckMapping = "check_mapping" // its environment's link to the client is in doubt: no ticket lists it
)

// Find lists the accounts with no sign-in for more than days.
func Find(in Inputs, days int) Report {
	rep := Report{Days: days, ByClient: map[string]int{}}
	for _, s := range Specs {
		rep.Metrics = append(rep.Metrics, in.Metrics[s.Purpose])
	}
	for _, a := range (signins.Found{Values: in.Values, Metrics: in.Metrics}).Accounts() {
		if !a.DaysKnown || a.Days <= days {
			continue // a count Liongard does not have is not taken for stale
		}
		env := Ref{System: "liongard", ID: a.EnvironmentID, Name: a.EnvironmentName}
		r := Row{ID: env.ID + ":" + strings.ToLower(a.Account), Environment: env, Source: a.Source, Account: a.Account, Days: a.Days, Status: Stale}
		if last := a.LastLogin; last != "" {
			if t, err := time.Parse(time.RFC3339, last); err == nil {
				last = t.UTC().Format(time.DateOnly) // a date, as Microsoft 365's are
			}
			r.LastLogin = &last
		} else if !a.InspectedAt.IsZero() {
			d := a.InspectedAt.AddDate(0, 0, -a.Days).UTC().Format(time.DateOnly)
			r.LastLogin = &d
		}
		c, ok := in.Clients[env.ID]
		switch {
		case !ok:
			rep.Unmapped++
		default:
			c.Name = in.Links.Name(c)
			r.Client = &c
			if d, doubted := in.Links.Of(c.ID, env.ID); doubted {
				r.Status, r.Why = CheckMapping, d.String()
			} else if in.Links.Foreign(c.ID, env.ID, a.Account) {
				r.Status, r.Why = CheckMapping, "check the mapping: no HaloPSA user of '"+c.Name+"' uses this account's domain"
			}
			if r.Status == CheckMapping {
				rep.CheckMapping++
			} else {
				rep.ByClient[c.ID]++
			}
		}
		rep.Rows = append(rep.Rows, r)
	}
	// A client's accounts are in hand while the ticket opened for exactly
	// them is open: another account, or one fewer, is news again.
	byClient := map[string][]int{}
	for i, r := range rep.Rows {
		if r.Client != nil && r.Status == Stale {
			byClient[r.Client.ID] = append(byClient[r.Client.ID], i)
		}
	}
	for client, idx := range byClient {
		rows := make([]Row, len(idx))
		for k, i := range idx {
			rows[k] = rep.Rows[i]
		}
		for _, t := range in.Tickets[client] {
			if t.For != digestOf(rows) {
				continue
			}
			for _, i := range idx {
				t := t
				rep.Rows[i].Ticket, rep.Rows[i].InHand = &t, t.Open
				if t.Open {
					rep.InHand++
				}
			}
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

// Build reads and finds.
func Build(ctx context.Context, e onboard.Env, days int) (Report, Inputs, error) {
	in, err := Read(ctx, e)
	if err != nil {
		return Report{}, in, err
	}
	return Find(in, days), in, nil
}

// HistoryRows are the report's rows as a kept run compares them: every
// stale account not held by an open ticket is open; its days grow every
// day and are not news.
func HistoryRows(rep Report) []history.Row {
	out := make([]history.Row, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		out = append(out, history.Row{ID: r.ID, Open: !r.InHand, Status: r.Status})
	}
	return out
}
