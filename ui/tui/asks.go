package tui

import (
	"context"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/checks"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/rotate"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/store"
)

// Each screen asks the backend only what its interface here names. The
// wizard hands a screen the backend as it pushes it (use): nothing is
// fished out of a context, and a screen's test fakes only what it asks.

// user screens take what they ask of the backend when pushed.
type user interface{ use(b Backend) }

type planReader interface {
	Plan(ctx context.Context) (onboard.Plan, error)
}

type questionsAsks interface {
	Answers(ctx context.Context) (path.Answers, error)
	Answer(ctx context.Context, a path.Answers) (path.ID, string, error)
}

type pathAsks interface {
	planReader
	ChoosePath(ctx context.Context, p path.ID) error
}

type credsAsks interface {
	planReader
	Status(ctx context.Context) (status.Report, error)
	// Defaults are the fields offered in a credential form (the sandbox's
	// demo credentials in `mspwire demo`, otherwise what is stored).
	Defaults(system string) (connect.Values, string)
	// Connect verifies credentials and, only if the vendor accepts them,
	// saves them.
	Connect(ctx context.Context, system string, v connect.Values, secret string) (connect.Verified, error)
}

type sourceAsks interface {
	planReader
	ITGlueChoices(ctx context.Context) (statuses, types []onboard.Choice, err error)
	SetSource(ctx context.Context, source string, statuses, types []string) (int, error)
}

type fetchAsks interface {
	planReader
	// FetchInventories reads every company list the path needs, telling
	// the observer each system's pages and waits.
	FetchInventories(ctx context.Context, obs onboard.FetchObserver) ([]onboard.Fetched, error)
}

type reviewAsks interface {
	// Review opens the match review; with suggest, it first matches the
	// inventories again (keeping every decision).
	Review(ctx context.Context, suggest bool) (*review.Model, error)
}

type planAsks interface {
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
}

type applyAsks interface {
	SyncPlan(ctx context.Context, id int64) (SyncPlan, error)
	// Apply runs or resumes a confirmed plan (apply.Session.Run), telling
	// the observer each action's end and each wait.
	Apply(ctx context.Context, id int64, obs apply.Observer) (apply.Result, error)
}

type doctorAsks interface {
	// Doctor runs mspwire doctor's checks (flows/checks).
	Doctor(ctx context.Context) (checks.Report, error)
	// AnswerQuestion stores the answer to one of doctor's questions.
	AnswerQuestion(ctx context.Context, question string, yes bool) error
}

type stepsAsks interface {
	planReader
	// VerifySteps checks through the APIs the steps they can see, marking
	// those done and saying what the others still lack.
	VerifySteps(ctx context.Context) (map[string]string, error)
	AlertMapping(ctx context.Context) ([]path.Mapping, error)
	// VerifyAlerts runs the guide's alert test (flows/verify) and says how
	// it ended.
	VerifyAlerts(ctx context.Context) (string, error)
	Tick(ctx context.Context, step string, done bool) error
}

type rotateAsks interface {
	// NewDemoSecret has the demo's sandbox issue a new secret for a system,
	// as the vendor's console would; outside the demo it offers none.
	NewDemoSecret(ctx context.Context, system string) (connect.Values, string)
	// Rotate replaces a connection's secret (flows/rotate): verified before
	// it replaces the old one.
	Rotate(ctx context.Context, system string, changes connect.Values, secret string) (rotate.Result, error)
}

// linkConfirmer vouches for a client's link from a workflow's table (K).
type linkConfirmer interface {
	// ConfirmLink vouches for a HaloPSA client's link to its Liongard
	// environment against the evidence (flows/linkcheck); it says what.
	ConfirmLink(ctx context.Context, clientID string) (string, error)
}

// ticketKeeper keeps what a workflow's tickets get (o, e).
type ticketKeeper interface {
	// SetTickets keeps what a workflow's tickets get (change.Billing or
	// change.StaleAccounts): the ticket type, the team ("": the type's
	// default), or both, checked with HaloPSA first.
	SetTickets(ctx context.Context, kind store.PlanKind, s tickets.Setting) error
}

type billingAsks interface {
	linkConfirmer
	ticketKeeper
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
}

type devicesAsks interface {
	linkConfirmer
	// Devices maps Liongard's workstations to HaloPSA assets and users
	// (flows/devices).
	Devices(ctx context.Context) (devices.Report, error)
	// MakeDevicesPlan plans setting assets' users; with replace, also
	// where an asset has another user. Nothing is sent.
	MakeDevicesPlan(ctx context.Context, replace bool) (SyncPlan, error)
}

type accountsAsks interface {
	linkConfirmer
	ticketKeeper
	// StaleAccounts lists accounts idle over days (flows/accounts), with
	// the ticket types their tickets can get.
	StaleAccounts(ctx context.Context, days int) (AccountsView, error)
	// MakeAccountsPlan plans a ticket per client with stale accounts.
	MakeAccountsPlan(ctx context.Context, days int) (SyncPlan, error)
}

type clientAsks interface {
	// ClientPage is one client, found by name or id, across the three
	// reviews with its links (flows/report); nothing is kept.
	ClientPage(ctx context.Context, name string) (string, error)
}

func (s *questionsScreen) use(b Backend) { s.asks = b }
func (s *pathScreen) use(b Backend)      { s.asks = b }
func (s *credsScreen) use(b Backend)     { s.asks = b }
func (s *sourceScreen) use(b Backend)    { s.asks = b }
func (s *fetchScreen) use(b Backend)     { s.asks = b }
func (s *reviewScreen) use(b Backend)    { s.asks = b }
func (s *planScreen) use(b Backend)      { s.asks = b }
func (s *applyScreen) use(b Backend)     { s.asks = b }
func (s *doctorScreen) use(b Backend)    { s.asks = b }
func (s *stepsScreen) use(b Backend)     { s.asks = b }
func (s *rotateScreen) use(b Backend)    { s.asks = b }
func (s *billingScreen) use(b Backend)   { s.asks = b }
func (s *devicesScreen) use(b Backend)   { s.asks = b }
func (s *accountsScreen) use(b Backend)  { s.asks = b }
func (s *clientScreen) use(b Backend)    { s.asks = b }
