package tui

import (
	"context"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/resume"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/ui/backend"
)

// Stage is where the onboarding continues.
type Stage = onboard.Stage

// The answers the wizard's asks come back with are the backend's views.
type (
	SyncPlan         = backend.SyncPlan
	AccountsView     = backend.AccountsView
	BillingView      = backend.BillingView
	TicketTypeChoice = backend.TicketTypeChoice
)

// Backend is the work the wizard asks for: every screen's asks (asks.go),
// the home screen's Status and Stage, and Resume at start-up. The screens
// never call it on the update loop: their asks run off it and hand the
// answers back as messages. The command line wires it to the flows
// (ui/backend.Flows): the composition root is not here.
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
