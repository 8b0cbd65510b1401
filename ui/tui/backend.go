package tui

import (
	"context"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/resume"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
)

// Stage is where the onboarding continues.
type Stage = onboard.Stage

// SyncPlan is a stored plan with its actions and, while it is not
// finished, what changed since it was made (it is stale if anything did),
// and the process applying it now, if one is: a snapshot of an apply
// session (flows/apply) for a screen to show.
type SyncPlan struct {
	Plan    store.Plan
	Actions []store.Action
	Changed []string
	Running *apply.Holder
	// HuduFeeds is path C's choice of what feeds Hudu (store.HuduFeed…;
	// "" not chosen yet), for the plan screen's f.
	HuduFeeds string
}

// snapshot is a session as a screen shows it.
func snapshot(s *apply.Session) SyncPlan {
	return SyncPlan{Plan: s.Plan, Actions: s.Actions, Changed: s.Changed, Running: s.Running}
}

// Backend is the work the wizard asks for: every screen's asks (asks.go),
// the home screen's Status and Stage, and Resume at start-up. The screens
// never call it on the update loop: their asks run off it and hand the
// answers back as messages. The command line wires it to the flows
// (Flows).
type Backend interface {
	Status(ctx context.Context) (status.Report, error)
	Stage(ctx context.Context) (Stage, error)
	// Resume is the start-up check (flows/resume): it finishes half-done
	// rotations and finds an interrupted apply.
	Resume(ctx context.Context) (resume.Report, error)
	questionsAsks
	pathAsks
	credsAsks
	sourceAsks
	fetchAsks
	reviewAsks
	planAsks
	applyAsks
	doctorAsks
	stepsAsks
	rotateAsks
	billingAsks
	devicesAsks
	accountsAsks
	clientAsks
}

// AccountsView is a stale accounts report as its screen shows it.
type AccountsView struct {
	Report      accounts.Report
	Since       history.SinceLast // what moved since the last kept run of the same days
	TicketTypes []TicketTypeChoice
	TicketType  int
	Teams       []string // HaloPSA's active teams
	Team        string   // the team the tickets go to; "": the ticket type's default
}

// BillingView is a reconciliation as the Billing screen shows it.
type BillingView struct {
	Report billing.Report
	Items  []billing.ItemMapping
	// Made names the Liongard metrics this reading created.
	Made []string
	// TicketTypes are HaloPSA's ticket types; TicketType is the one
	// billing tickets get (0: none chosen yet).
	TicketTypes []TicketTypeChoice
	TicketType  int
	Teams       []string // HaloPSA's active teams
	Team        string   // the team billing tickets go to; "": the ticket type's default
	// Tolerances are the seats either way that still count as a match,
	// by product (billing plan --tolerance).
	Tolerances map[string]int
	// Since is what moved since the last kept run.
	Since history.SinceLast
}

// TicketTypeChoice is a HaloPSA ticket type a billing ticket can get.
type TicketTypeChoice struct {
	ID   int
	Name string
}
