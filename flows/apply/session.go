package apply

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/store"
)

// Session is one apply of one plan as every face drives it: Prepare loads
// the plan and checks it still fits its inputs, Confirm takes the
// operator's typed word, Run sends it with an observer. The CLI, the
// accessible wizard and the TUI only render it.
type Session struct {
	env     Env
	Plan    store.Plan
	Actions []store.Action
	// Changed says what made the plan stale; empty while it holds.
	Changed []string
	// Running is the process applying the profile's plan now, if any.
	Running *Holder
}

// Prepare loads a plan (the latest for id 0) and, unless it is finished,
// checks it against its inputs.
func Prepare(ctx context.Context, env Env, id int64) (*Session, error) {
	s := &Session{env: env}
	var err error
	if id == 0 {
		s.Plan, err = env.Store.LatestPlan(ctx, env.Profile)
	} else {
		s.Plan, err = env.Store.PlanByID(ctx, env.Profile, id)
	}
	if err != nil {
		return nil, err
	}
	if s.Actions, err = env.Store.Actions(ctx, s.Plan.ID); err != nil {
		return nil, err
	}
	// A plan with nothing left to send cannot be stale: asking would read
	// the vendors for nothing (a kill between its last action and its end
	// leaves one so).
	if s.Plan.FinishedAt == nil && (len(s.Actions) == 0 || CountOf(s.Actions).Left() > 0) {
		if s.Changed, err = stale(ctx, env, s.Plan); err != nil {
			return nil, err
		}
	}
	if h, running, err := Running(ctx, env); err != nil {
		return nil, err
	} else if running {
		s.Running = &h
	}
	return s, nil
}

// checked remembers for a short while what producers said of plans'
// staleness: one apply session — prepare, confirm, run, on any face —
// reads the vendors once, not once a step. The operator's own choices are
// asked again every time (they are local).
var checked = struct {
	sync.Mutex
	m map[checkKey]checkedAt
}{m: map[checkKey]checkedAt{}}

// checkKey is a plan of a profile in one open store: the store a wizard or
// a command holds for its life. An entry holds its store, so no store
// opened later can take its address while the entry lives.
type checkKey struct {
	st      *store.Store
	profile string
	plan    int64
}

type checkedAt struct {
	at      time.Time
	changed []string
}

// checkFor is how long a staleness read serves a session.
const checkFor = 30 * time.Second

// stale asks the plan's producer, rebuilt with the plan's own parameters,
// what changed since it was made. The operator's own choices are asked
// first: they are local, and a plan they no longer match is stale whatever
// the vendors hold.
func stale(ctx context.Context, env Env, p store.Plan) ([]string, error) {
	if env.Producer == nil {
		return nil, nil
	}
	prod, err := env.Producer(p)
	if err != nil {
		return nil, fmt.Errorf("plan %d: %w", p.ID, err)
	}
	if i, ok := prod.(change.Intender); ok {
		now, err := i.Intent(ctx)
		if err != nil {
			return nil, err
		}
		if changed := change.IntentChanges(change.IntentOf(p.Inputs), now); len(changed) > 0 {
			return []string{"you changed " + strings.Join(changed, ", ")}, nil
		}
	}
	key := checkKey{env.Store, env.Profile, p.ID}
	checked.Lock()
	c, ok := checked.m[key]
	checked.Unlock()
	if ok && time.Since(c.at) < checkFor {
		return c.changed, nil
	}
	changed, err := prod.Stale(ctx, p)
	if err == nil {
		checked.Lock()
		for k, c := range checked.m {
			if time.Since(c.at) >= checkFor {
				delete(checked.m, k)
			}
		}
		checked.m[key] = checkedAt{time.Now(), changed}
		checked.Unlock()
	}
	return changed, err
}

// Counts are the plan's actions by state.
func (s *Session) Counts() Counts { return CountOf(s.Actions) }

// BySystem counts actions by state in each system, the systems in the
// order the actions first name them.
func BySystem(actions []store.Action) ([]string, map[string]Counts) {
	var order []string
	per := map[string]Counts{}
	for _, a := range actions {
		c, ok := per[a.System]
		if !ok {
			order = append(order, a.System)
		}
		c.Total++
		c.add(a.State, 1)
		per[a.System] = c
	}
	return order, per
}

// NeedsConfirmation says the operator has yet to type yes: the plan has
// something to send and nobody confirmed it.
func (s *Session) NeedsConfirmation() bool {
	return s.Plan.ConfirmedAt == nil && s.Counts().Left() > 0
}

// ConfirmWord is what the operator types to apply a plan.
const ConfirmWord = "yes"

// Confirms says whether what was typed confirms: "yes" in any case, with
// spaces around it; anything else cancels. The same rule on every face.
func Confirms(typed string) bool { return strings.EqualFold(strings.TrimSpace(typed), ConfirmWord) }

// Confirm records the operator's yes. Anything else, or a stale plan, is
// refused and nothing is recorded.
func (s *Session) Confirm(ctx context.Context, typed, actor string) error {
	if !Confirms(typed) {
		return fmt.Errorf("%w: not applied, nothing was sent (type %s to apply)", ErrNotConfirmed, ConfirmWord)
	}
	if len(s.Changed) > 0 {
		return s.staleError(nil)
	}
	if s.env.Preflight != nil {
		why, err := s.env.Preflight(ctx, s.Plan.Kind)
		if err != nil {
			return err
		}
		if why != "" {
			return fmt.Errorf("%w: plan %d (%s) is not applied, nothing was sent: %s", ErrPreflight, s.Plan.ID, s.Plan.Kind, why)
		}
	}
	if err := s.env.Store.ConfirmPlan(ctx, s.Plan, actor); err != nil {
		return err
	}
	p, err := s.env.Store.PlanByID(ctx, s.env.Profile, s.Plan.ID)
	if err == nil {
		s.Plan = p
	}
	return err
}

// staleError says what moved, and the remedy: a fresh plan of the kind
// (Arg is the command that makes one).
func (s *Session) staleError(settled []string) error {
	return fmt.Errorf("%w: %w", ErrStale, remedy.Refuse(fmt.Sprintf("since plan %d was made, %s. Nothing was sent.%s What is done stays done",
		s.Plan.ID, strings.Join(s.Changed, "; "), strings.Join(settled, "")), remedy.Remedy{Do: remedy.Replan, Workflow: string(s.Plan.Kind), Arg: s.Remake()}))
}

// Remaker producers say which command makes a fresh plan of their kind.
type Remaker interface{ Remake() string }

// Remake is the command that makes a fresh plan of this plan's kind.
func (s *Session) Remake() string {
	if s.env.Producer != nil {
		if p, err := s.env.Producer(s.Plan); err == nil {
			if r, ok := p.(Remaker); ok {
				return r.Remake()
			}
		}
	}
	return "mspwire plan"
}

// Observer hears what a run does, for a face to show. Each func may be
// nil; calls come from one goroutine at a time.
type Observer struct {
	Action func(Event) // an action ended, or was found landed
	Wait   func(Wait)  // a call waits before its next attempt
	Lease  func(Holder)
}

// Wait is a call waiting before its next attempt: a vendor's rate limit,
// an outage, a network error.
type Wait struct {
	System  string        `json:"system"`
	For     time.Duration `json:"for"`
	Until   time.Time     `json:"until"`
	Attempt int           `json:"attempt"`
	Reason  string        `json:"reason"` // "rate limited", "503 Service Unavailable", …
}

// Observe has every vendor call under ctx tell w of its waits.
func Observe(ctx context.Context, w func(Wait)) context.Context {
	if w == nil {
		return ctx
	}
	return httpx.WithWaitReporter(ctx, func(x httpx.Wait) {
		w(Wait{System: x.System, For: x.For, Until: time.Now().Add(x.For), Attempt: x.Attempt, Reason: x.Reason})
	})
}

// Options tune a run.
type Options struct {
	Actor    string
	Observer Observer
	Workers  int // calls in flight per system; 0: 4
	// MaxAttempts bounds the sends of one action; 0: 3.
	MaxAttempts int
	// Wait waits for another apply of the profile to finish instead of
	// refusing.
	Wait bool
}

// Run applies the confirmed plan, or finishes one a killed run left. It
// holds the profile's lease while it runs: one apply at a time.
func (s *Session) Run(ctx context.Context, o Options) (Result, error) {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	var mu sync.Mutex // the observer hears one call at a time
	obs := o.Observer
	serial := func(f func()) { mu.Lock(); defer mu.Unlock(); f() }
	set := settings{actor: o.Actor, workers: o.Workers, maxAttempts: o.MaxAttempts}
	if obs.Action != nil {
		set.observe.Action = func(e Event) { serial(func() { obs.Action(e) }) }
	}
	if obs.Wait != nil {
		set.observe.Wait = func(w Wait) { serial(func() { obs.Wait(w) }) }
		ctx = Observe(ctx, set.observe.Wait)
	}
	res := Result{Plan: s.Plan, Counts: s.Counts()}
	l, ctx, err := acquire(ctx, s.env, s.Plan.ID, o.Wait, obs.Lease)
	if err != nil {
		return res, err
	}
	defer l.release(ctx)
	// Under the lease, read again what another process may have done.
	if s.Plan, err = s.env.Store.PlanByID(ctx, s.env.Profile, s.Plan.ID); err != nil {
		return res, err
	}
	if s.Actions, err = s.env.Store.Actions(ctx, s.Plan.ID); err != nil {
		return res, err
	}
	res = Result{Plan: s.Plan, Counts: s.Counts()}
	if res.Counts.Left() == 0 {
		res.AlreadyApplied = true
		if s.Plan.FinishedAt == nil {
			err = s.env.Store.FinishPlan(ctx, s.Plan, o.Actor, countMap(res.Counts))
		}
		return res, err
	}
	if s.Plan.ConfirmedAt == nil {
		return res, fmt.Errorf("%w: plan %d must be confirmed before it is applied (mspwire apply asks)", ErrNotConfirmed, s.Plan.ID)
	}
	if s.Changed, err = stale(ctx, s.env, s.Plan); err != nil {
		return res, err
	}
	if len(s.Changed) > 0 {
		// Calls a killed run left in flight are looked up all the same, so
		// that a fresh plan knows what landed.
		var settled []string
		if before := res.Counts; before.InFlight > 0 {
			r := newRunner(s.env, s.Plan, set)
			if err := r.settle(ctx, s.Actions); err != nil {
				return res, err
			}
			res.Counts = r.now
			settled = append(settled, fmt.Sprintf(" The %s the last run left in flight were looked up: %d had landed.", plural.N(before.InFlight, "call", "calls"), res.Counts.Done-before.Done))
		}
		return res, s.staleError(settled)
	}
	if s.Plan.FinishedAt != nil {
		if err := s.env.Store.ReopenPlan(ctx, s.Plan); err != nil {
			return res, err
		}
	}
	r := newRunner(s.env, s.Plan, set)
	err = r.run(ctx, s.Actions)
	res.Counts = r.now
	if err != nil {
		return res, err
	}
	if res.Counts.Pending+res.Counts.InFlight == 0 {
		if err := s.env.Store.FinishPlan(ctx, s.Plan, o.Actor, countMap(res.Counts)); err != nil {
			return res, err
		}
	}
	return res, nil
}

func countMap(c Counts) map[string]int {
	return map[string]int{"total": c.Total, "done": c.Done, "failed": c.Failed, "skipped": c.Skipped}
}

// RunPlan prepares a confirmed plan and runs it: for scripts and tests
// that confirm elsewhere.
func RunPlan(ctx context.Context, env Env, id int64, o Options) (Result, error) {
	s, err := Prepare(ctx, env, id)
	if err != nil {
		return Result{}, err
	}
	return s.Run(ctx, o)
}
