package tui

import (
	"context"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/checks"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/resume"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/rotate"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/flows/tickets"
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

// Backend is the work the wizard asks for. The screens never call it: the
// root runs it off the update loop and hands the answers back as messages.
// The command line wires it to the flows.
type Backend interface {
	Status(ctx context.Context) (status.Report, error)
	Stage(ctx context.Context) (Stage, error)
	Answers(ctx context.Context) (path.Answers, error)
	Answer(ctx context.Context, a path.Answers) (path.ID, string, error)
	ChoosePath(ctx context.Context, p path.ID) error
	Plan(ctx context.Context) (onboard.Plan, error)
	// Defaults are the fields offered in a credential form (the sandbox's
	// demo credentials in `mspwire demo`, otherwise what is stored).
	Defaults(system string) (connect.Values, string)
	// Connect verifies credentials and, only if the vendor accepts them,
	// saves them.
	Connect(ctx context.Context, system string, v connect.Values, secret string) (connect.Verified, error)
	ITGlueChoices(ctx context.Context) (statuses, types []onboard.Choice, err error)
	SetSource(ctx context.Context, source string, statuses, types []string) (int, error)
	// FetchInventories reads every company list the path needs, telling
	// the observer each system's pages and waits.
	FetchInventories(ctx context.Context, obs onboard.FetchObserver) ([]onboard.Fetched, error)
	AlertMapping(ctx context.Context) ([]path.Mapping, error)
	Tick(ctx context.Context, step string, done bool) error
	// VerifySteps checks through the APIs the steps they can see, marking
	// those done and saying what the others still lack.
	VerifySteps(ctx context.Context) (map[string]string, error)
	// Rotate replaces a connection's secret (flows/rotate): verified before
	// it replaces the old one.
	Rotate(ctx context.Context, system string, changes connect.Values, secret string) (rotate.Result, error)
	// NewDemoSecret has the demo's sandbox issue a new secret for a system,
	// as the vendor's console would; outside the demo it offers none.
	NewDemoSecret(ctx context.Context, system string) (connect.Values, string)
	// Review opens the match review; with suggest, it first matches the
	// inventories again (keeping every decision).
	Review(ctx context.Context, suggest bool) (*review.Model, error)
	// MakePlan works out a new sync plan from the review's decisions
	// (flows/plan); nothing is sent.
	MakePlan(ctx context.Context) (SyncPlan, error)
	// SetHuduFeeds keeps path C's choice of what feeds Hudu for later
	// plans (store.HuduFeedLiongard or store.HuduFeedBoth).
	SetHuduFeeds(ctx context.Context, feeds string) error
	// SyncPlan reads a stored plan, the latest when id is 0, with what
	// changed since it was made if it is not finished (store.ErrNoPlan:
	// none yet).
	SyncPlan(ctx context.Context, id int64) (SyncPlan, error)
	// ConfirmPlan records the operator's typed word for a plan, if it is
	// yes and the plan still holds (apply.Session.Confirm).
	ConfirmPlan(ctx context.Context, id int64, typed string) error
	// Apply runs or resumes a confirmed plan (apply.Session.Run), telling
	// the observer each action's end and each wait.
	Apply(ctx context.Context, id int64, obs apply.Observer) (apply.Result, error)
	// Doctor runs mspwire doctor's checks (flows/checks).
	Doctor(ctx context.Context) (checks.Report, error)
	// AnswerQuestion stores the answer to one of doctor's questions.
	AnswerQuestion(ctx context.Context, question string, yes bool) error
	// Resume is the start-up check (flows/resume): it finishes half-done
	// rotations and finds an interrupted apply.
	Resume(ctx context.Context) (resume.Report, error)
	// Billing reconciles licence counts with billed seats (flows/billing);
	// it may create mspwire's counting metric in Liongard, once.
	Billing(ctx context.Context) (BillingView, error)
	// ConfirmItems keeps which product each item bills, as the operator
	// says.
	ConfirmItems(ctx context.Context, items []billing.ItemMapping) error
	// ChooseBilling keeps a choice for rows: "quantity", "ticket", or
	// "ignore" with a reason.
	ChooseBilling(ctx context.Context, rows []billing.Row, choice, reason string) error
	// MakeBillingPlan plans the chosen billing fixes; nothing is sent.
	MakeBillingPlan(ctx context.Context) (SyncPlan, error)
	// Devices maps Liongard's workstations to HaloPSA assets and users
	// (flows/devices).
	Devices(ctx context.Context) (devices.Report, error)
	// MakeDevicesPlan plans setting assets' users; with replace, also
	// where an asset has another user. Nothing is sent.
	MakeDevicesPlan(ctx context.Context, replace bool) (SyncPlan, error)
	// StaleAccounts lists accounts idle over days (flows/accounts), with
	// the ticket types their tickets can get.
	StaleAccounts(ctx context.Context, days int) (AccountsView, error)
	// SetTickets keeps what a workflow's tickets get (change.Billing or
	// change.StaleAccounts): the ticket type, the team ("": the type's
	// default), or both, checked with HaloPSA first.
	SetTickets(ctx context.Context, kind store.PlanKind, s tickets.Setting) error
	// ClientPage is one client, found by name or id, across the three
	// reviews with its links (flows/report); nothing is kept.
	ClientPage(ctx context.Context, name string) (string, error)
	// MakeAccountsPlan plans a ticket per client with stale accounts.
	MakeAccountsPlan(ctx context.Context, days int) (SyncPlan, error)
	// VerifyAlerts runs the guide's alert test (flows/verify) and says how
	// it ended.
	VerifyAlerts(ctx context.Context) (string, error)
	// ConfirmLink vouches for a HaloPSA client's link to its Liongard
	// environment against the evidence (flows/linkcheck); it says what.
	ConfirmLink(ctx context.Context, clientID string) (string, error)
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
