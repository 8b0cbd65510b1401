package tui

import (
	"context"

	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/rotate"
	"github.com/mspwire/mspwire/flows/status"
)

// Backend is the work the wizard asks for. The screens never call it: the
// root runs it in commands and hands the answers to the screens as
// messages. The command line wires it to the flows.
type Backend interface {
	Status(ctx context.Context) (status.Report, error)
	Answer(ctx context.Context, a path.Answers) (path.ID, string, error)
	ChoosePath(ctx context.Context, p path.ID) error
	Plan(ctx context.Context) (onboard.Plan, error)
	// Defaults are the fields offered in a credential form (the sandbox's
	// demo credentials in `mspwire demo`, otherwise what is stored).
	Defaults(system string) (connect.Fields, string)
	// Connect verifies credentials and, only if the vendor accepts them,
	// saves them.
	Connect(ctx context.Context, system string, f connect.Fields, secret string) (connect.Verified, error)
	ITGlueChoices(ctx context.Context) (statuses, types []onboard.Choice, err error)
	SetSource(ctx context.Context, source string, statuses, types []string) (int, error)
	FetchSystem(ctx context.Context, system string) (int, error)
	AlertMapping(ctx context.Context) ([]path.Mapping, error)
	Tick(ctx context.Context, step string, done bool) error
	// VerifySteps checks through the APIs the steps they can see, marking
	// those done and saying what the others still lack.
	VerifySteps(ctx context.Context) (map[string]string, error)
	// Rotate replaces a connection's secret (flows/rotate): verified before
	// it replaces the old one.
	Rotate(ctx context.Context, system string, f connect.Fields, secret string) (rotate.Result, error)
}

// Messages the root receives from its commands.
type (
	errMsg    struct{ err error }
	statusMsg struct {
		report status.Report
		plan   *onboard.Plan // nil before a path is chosen
	}
	answeredMsg struct {
		rec    path.ID
		reason string
	}
	planMsg      struct{ plan onboard.Plan }
	connectedMsg struct {
		system   string
		verified connect.Verified
		err      error
	}
	choicesMsg struct {
		statuses, types []onboard.Choice
		err             error
	}
	sourceSetMsg struct{ selected int }
	fetchedMsg   struct {
		system string
		n      int
		err    error
	}
	mappingMsg  struct{ mapping []path.Mapping }
	findingsMsg struct{ findings map[string]string }
	rotatedMsg  struct {
		result rotate.Result
		err    error
	}
)
