package adapter

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/store"
)

// Executor carries out one kind of action in one system.
type Executor interface {
	// Batch is how many actions one Send takes: more than one where the
	// vendor takes several records in one call.
	Batch() int
	// Send carries out up to Batch() actions of one plan, all of this
	// executor's kind and system: one Outcome per action, in order.
	Send(ctx context.Context, run Run, actions []store.Action) []Outcome
}

// Outcome is one action's end in a Send.
type Outcome struct {
	ExternalID string // the record it made or the value it set
	Err        error  // nil: done; apply decides from the error what next
}

// Looker executors can tell, without sending, whether actions left in
// doubt (by a kill, or an answer lost on the way) landed. Apply looks
// before it sends any of them again. An executor that is no Looker sets
// values: sending again is safe.
type Looker interface {
	// Look reads what it needs once for all the actions — one walk of a
	// list, not one per action — and returns the external id of each that
	// landed.
	Look(ctx context.Context, run Run, actions []store.Action) (map[int64]string, error)
}

// Repeatable executors set values: a call whose answer was lost is sent
// again rather than looked up. Their Look, if they have one, serves only
// the resume, where one read settles every action a killed run left.
type Repeatable interface{ Repeatable() }

// Inconsistent is a write the vendor answered as done while what it kept
// is not what was sent (terraform's "provider produced an inconsistent
// result after apply"): the action fails with both values, never done,
// and is not sent again blindly — a vendor that behaves unlike its
// documentation is for a person to look at.
type Inconsistent struct {
	System string // "HaloPSA"
	What   string // "invoice 12's line 40", "asset 7's users"
	Sent   string
	Kept   string
}

func (e *Inconsistent) Error() string {
	return fmt.Sprintf("%s answered as done, but %s holds %s, not %s", e.System, e.What, e.Kept, e.Sent)
}

// Run is what an executor may ask of the apply it works for.
type Run interface {
	// Made is the external id a done action of this plan made.
	Made(key change.Key) (string, error)
	// Claimed says a done action of this plan, of that kind in that
	// system, already made or holds the record: never take it for another.
	Claimed(system string, kind change.Kind, id string) bool
	Store() *store.Store
	Profile() string
}

// Executing adapters carry out action kinds in their system.
type Executing interface {
	Executors(c *Clients) map[change.Kind]Executor
}

// everywhere are the executors that need no vendor: the checklist is kept
// in mspwire's own store, whichever console it is about.
var everywhere = map[change.Kind]func(*Clients) Executor{
	change.Checklist: func(*Clients) Executor { return checklistExecutor{} },
}

// ExecutorFor finds the executor of an action kind in a system: its
// adapter's own; for a create, one over the adapter's Companies; or one
// that needs no vendor.
func (c *Clients) ExecutorFor(system string, kind change.Kind) (Executor, error) {
	a, err := Lookup(system)
	if err != nil {
		return nil, err
	}
	if ex, ok := a.(Executing); ok {
		if e, ok := ex.Executors(c)[kind]; ok {
			return e, nil
		}
	}
	if hc, ok := a.(HasCompanies); ok && kind == change.Create {
		return createExecutor{system: system, companies: hc.Companies(c)}, nil // any adapter that creates companies
	}
	if mk, ok := everywhere[kind]; ok {
		return mk(c), nil
	}
	return nil, fmt.Errorf("%s has no way to carry out a %q action", a.Info().Name, kind)
}

// resolve is a value an action carries, or the id the create action from
// made.
func resolve(run Run, v string, from change.Key) (string, error) {
	if from == "" {
		return v, nil
	}
	return run.Made(from)
}

// errFewer is a create call whose answer listed fewer records than it was
// sent: the others may have been made.
var errFewer = errors.New("fewer records came back than were sent")

// createExecutor makes records through a system's Companies. A create is
// never sent again blindly: what may have landed is looked up by name.
type createExecutor struct {
	system    string
	companies Companies
}

func (e createExecutor) Batch() int { return e.companies.Batch() }

func (e createExecutor) Send(ctx context.Context, _ Run, actions []store.Action) []Outcome {
	out := make([]Outcome, len(actions))
	recs := make([]NewRecord, len(actions))
	for i, a := range actions {
		p, err := change.Decode[change.CreatePayload](a)
		if err != nil {
			for j := range out {
				out[j].Err = err
			}
			return out
		}
		recs[i] = p.Record
	}
	made, err := e.companies.Create(ctx, recs)
	if err == nil {
		err = errFewer
	}
	for i := range out {
		if i < len(made) {
			out[i].ExternalID = made[i].ID
		} else {
			out[i].Err = err
		}
	}
	return out
}

// Look finds, by name, records the creates may have made: a record is
// taken when one of that name is there besides those the system had when
// the plan was made and those this plan's other creates made.
func (e createExecutor) Look(ctx context.Context, run Run, actions []store.Action) (map[int64]string, error) {
	names := make([]string, len(actions))
	payloads := make([]change.CreatePayload, len(actions))
	for i, a := range actions {
		p, err := change.Decode[change.CreatePayload](a)
		if err != nil {
			return nil, err
		}
		payloads[i], names[i] = p, p.Record.Name
	}
	var byName map[string][]Record
	var err error
	for try := 0; try < 3; try++ { // a look is safe to repeat; a flaky one should not strand the actions
		if byName, err = e.companies.FindByName(ctx, names); err == nil || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	out := map[int64]string{}
	for i, a := range actions {
		for _, rec := range byName[NameKey(payloads[i].Record.Name)] {
			if !slices.Contains(payloads[i].Existing, rec.ID) && !taken[rec.ID] && !run.Claimed(e.system, change.Create, rec.ID) {
				out[a.ID], taken[rec.ID] = rec.ID, true
				break
			}
		}
	}
	return out, nil
}

// checklistExecutor puts what only a vendor's console can do on the
// profile's checklist. Adding the same item again changes nothing.
type checklistExecutor struct{}

func (checklistExecutor) Batch() int { return 1 }

func (checklistExecutor) Send(ctx context.Context, run Run, actions []store.Action) []Outcome {
	out := make([]Outcome, len(actions))
	for i, a := range actions {
		p, err := change.Decode[change.ChecklistPayload](a)
		if err == nil {
			err = run.Store().AddChecklist(ctx, run.Profile(), p.System, p.Reason, string(a.Key), p.Items)
		}
		out[i].Err = err
	}
	return out
}
