// Package apply is the change engine: it carries out a confirmed plan of
// any kind. Each action's state is written to SQLite before its call is
// sent (in_flight) and after (done, failed or skipped), so a run killed at
// any moment resumes where it stopped: what a killed run left in flight is
// first looked up by the action's executor — by name, or the value a link
// holds, one list read for all of them — and only sent again if it did not
// land. Actions of different systems run side by side, each under its
// vendor's rate limit; a failed action stops only the actions that depend
// on it. One apply at a time: a lease in SQLite (lease.go).
//
// apply knows no plan kind and no vendor: producers (flows/plan, …) make
// the actions, adapters' executors carry them out.
package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/crash"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// Env is what the engine works on: a profile's store, the run's vendor
// clients, and the producers of the plan kinds (for staleness).
type Env struct {
	Store   *store.Store
	Profile string
	Clients *adapter.Clients
	// LandWindow is how long after its in-flight time a call of a killed
	// run may still land; 0: the call timeout (httpx.CallTimeout).
	LandWindow time.Duration
	// Producer gives the producer of a stored plan, made with the
	// parameters the plan was made with; nil: plans are not checked for
	// staleness (Make needs none).
	Producer func(store.Plan) (change.Producer, error)
	// Preflight says why a plan kind may not be applied now (the routes
	// it stands on that the last read-only preflight found broken), or "";
	// nil: no gate.
	Preflight func(context.Context, change.PlanKind) (string, error)
}

// EnvOf is an engine env without producers.
func EnvOf(st *store.Store, profile string, clients *adapter.Clients) Env {
	return Env{Store: st, Profile: profile, Clients: clients}
}

// Event is one step of an apply, for a screen or --json.
type Event struct {
	Action   store.Action `json:"action"`
	Counts   Counts       `json:"counts"`        // the plan's
	System   Counts       `json:"system_counts"` // the action's system's
	Recheck  bool         `json:"recheck,omitempty"`
	Sequence int          `json:"sequence"`
}

// Counts are actions by state.
type Counts struct {
	Total    int `json:"total"`
	Pending  int `json:"pending"`
	InFlight int `json:"in_flight"`
	Done     int `json:"done"`
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
}

func (c *Counts) add(state store.ActionState, n int) {
	switch state {
	case store.ActionPending:
		c.Pending += n
	case store.ActionInFlight:
		c.InFlight += n
	case store.ActionDone:
		c.Done += n
	case store.ActionFailed:
		c.Failed += n
	case store.ActionSkipped:
		c.Skipped += n
	}
}

// Left is what a run still has to send or look up, failures included.
func (c Counts) Left() int { return c.Pending + c.InFlight + c.Failed }

// Ended is how many actions ended: done, failed or skipped.
func (c Counts) Ended() int { return c.Done + c.Failed + c.Skipped }

// CountOf counts actions by state.
func CountOf(actions []store.Action) Counts {
	c := Counts{Total: len(actions)}
	for _, a := range actions {
		c.add(a.State, 1)
	}
	return c
}

// Result is how a run ended.
type Result struct {
	Plan           store.Plan
	Counts         Counts
	AlreadyApplied bool // the plan had nothing left to do: nothing was sent
}

// Errors a run or a confirmation ends with.
var (
	ErrStale        = errors.New("the plan is stale")
	ErrNotConfirmed = errors.New("the plan is not confirmed")
	// ErrPreflight: the last preflight found a route the plan stands on broken.
	ErrPreflight = errors.New("a route the plan stands on failed the preflight")
	// ErrInterrupted means an earlier apply left calls that may have
	// landed: they are looked up before a new plan is made.
	ErrInterrupted = errors.New("an apply was interrupted")
)

// settings tune a run.
type settings struct {
	actor       string
	observe     Observer
	workers     int // calls in flight per system
	maxAttempts int // sends of one action
}

// node is an action with what it waits for.
type node struct {
	a          store.Action
	exec       adapter.Executor
	waiting    int // dependencies not done yet
	dependents []*node
}

// unit is what one worker does in one go: one action, or a batch of one
// kind in one system.
type unit []*node

// lane is where a unit's actions queue: their system and kind.
type lane struct {
	system string
	kind   change.Kind
}

// outcome is a unit's end: each action's new state.
type outcome struct {
	system  string
	updates []store.ActionUpdate
	err     error // a failure of the run itself (the journal could not be written)
}

type runner struct {
	env  Env
	plan store.Plan
	o    settings

	mu      sync.RWMutex     // the main loop writes states; workers read other actions' states
	nodes   map[string]*node // by key
	ids     map[int64]*node
	now     Counts
	systems map[string]*Counts
	seq     int
}

func newRunner(env Env, p store.Plan, o settings) *runner {
	return &runner{env: env, plan: p, o: o}
}

// The runner is the Run its executors see.
var _ adapter.Run = (*runner)(nil)

func (r *runner) Store() *store.Store { return r.env.Store }
func (r *runner) Profile() string     { return r.env.Profile }

// Made is the external id a done action of this plan made.
func (r *runner) Made(key change.Key) (string, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	n, ok := r.nodes[string(key)]
	switch {
	case !ok:
		return "", fmt.Errorf("%s is not part of this plan", key)
	case n.a.State != store.ActionDone || n.a.ExternalID == "":
		return "", fmt.Errorf("%s has not made its record", key)
	}
	return n.a.ExternalID, nil
}

// Claimed says a done action of this plan of that kind and system holds id.
func (r *runner) Claimed(system string, kind change.Kind, id string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, n := range r.nodes {
		if n.a.System == system && n.a.Kind == kind && n.a.State == store.ActionDone && n.a.ExternalID == id {
			return true
		}
	}
	return false
}

// set changes an action's state in memory (the journal has it already).
func (r *runner) set(n *node, u store.ActionUpdate) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sys := r.systems[n.a.System]
	r.now.add(n.a.State, -1)
	sys.add(n.a.State, -1)
	r.now.add(u.State, 1)
	sys.add(u.State, 1)
	n.a.State, n.a.Error = u.State, u.Error
	if u.ExternalID != "" {
		n.a.ExternalID = u.ExternalID
	}
	if u.Attempted {
		n.a.Attempts++
	}
}

func (r *runner) emit(n *node, recheck bool) {
	r.seq++
	if r.o.observe.Action != nil {
		r.o.observe.Action(Event{Action: n.a, Counts: r.now, System: *r.systems[n.a.System], Recheck: recheck, Sequence: r.seq})
	}
}

// load indexes a plan's actions and finds each one's executor.
func (r *runner) load(actions []store.Action) ([]*node, error) {
	r.nodes = make(map[string]*node, len(actions))
	r.ids = make(map[int64]*node, len(actions))
	r.systems = map[string]*Counts{}
	r.now = CountOf(actions)
	execs := map[lane]adapter.Executor{}
	order := make([]*node, 0, len(actions))
	for _, a := range actions {
		l := lane{a.System, a.Kind}
		ex, ok := execs[l]
		if !ok {
			var err error
			if ex, err = r.env.Clients.ExecutorFor(a.System, a.Kind); err != nil {
				return nil, fmt.Errorf("plan %d: %w", r.plan.ID, err)
			}
			execs[l] = ex
		}
		n := &node{a: a, exec: ex}
		r.nodes[string(a.Key)], r.ids[a.ID] = n, n
		if r.systems[a.System] == nil {
			r.systems[a.System] = &Counts{}
		}
		r.systems[a.System].Total++
		r.systems[a.System].add(a.State, 1)
		order = append(order, n)
	}
	return order, nil
}

// settle only looks up what a killed run left in flight; nothing is sent.
func (r *runner) settle(ctx context.Context, actions []store.Action) error {
	order, err := r.load(actions)
	if err != nil {
		return err
	}
	return r.reconcile(ctx, order)
}

func (r *runner) run(ctx context.Context, actions []store.Action) error {
	order, err := r.load(actions)
	if err != nil {
		return err
	}
	// A failed action is tried again; so are the ones it stopped.
	var retry []store.ActionUpdate
	for _, n := range order {
		if n.a.State == store.ActionFailed || n.a.State == store.ActionSkipped && strings.HasPrefix(n.a.Error, "not sent: ") {
			retry = append(retry, store.ActionUpdate{ID: n.a.ID, State: store.ActionPending})
		}
	}
	if err := r.env.Store.UpdateActions(ctx, r.plan, r.o.actor, retry); err != nil {
		return err
	}
	for _, u := range retry {
		r.set(r.ids[u.ID], u)
	}
	if err := r.reconcile(ctx, order); err != nil {
		return err
	}
	for _, n := range order {
		for _, dep := range n.a.Depends {
			d, ok := r.nodes[string(dep)]
			if !ok || d.a.State == store.ActionDone {
				continue
			}
			n.waiting++
			d.dependents = append(d.dependents, n)
		}
	}
	ready := map[string][]*node{} // system -> actions ready to send, in plan order
	var skip []*node
	for _, n := range order {
		if n.a.State != store.ActionPending {
			continue
		}
		if failedDep := r.failedDependency(n); failedDep != "" {
			skip = append(skip, n)
			continue
		}
		if n.waiting == 0 {
			ready[n.a.System] = append(ready[n.a.System], n)
		}
	}
	if err := r.skip(ctx, skip); err != nil {
		return err
	}

	work := map[string]chan unit{}
	results := make(chan outcome)
	idle := map[string]int{}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	workers := 0
	for _, n := range order {
		sys := n.a.System
		if _, ok := work[sys]; ok {
			continue
		}
		work[sys] = make(chan unit)
		idle[sys] = r.o.workers
		for i := 0; i < r.o.workers; i++ {
			workers++
			go func(ch chan unit) {
				defer func() { done <- struct{}{} }()
				for u := range ch {
					// Always answered, even once stopped: the loop below
					// waits for every unit it handed out (do returns at
					// once when ctx is cancelled, its journal written).
					results <- r.do(wctx, u)
				}
			}(work[sys])
		}
	}
	defer func() {
		for _, ch := range work {
			close(ch)
		}
		cancel()
		for i := 0; i < workers; i++ {
			<-done
		}
	}()

	busy := 0
	var runErr error
	for {
		if runErr == nil && ctx.Err() == nil {
			for sys, queue := range ready {
				for idle[sys] > 0 && len(queue) > 0 {
					var u unit
					u, queue = take(queue)
					for _, n := range u {
						r.set(n, store.ActionUpdate{ID: n.a.ID, State: store.ActionInFlight})
					}
					work[sys] <- u
					idle[sys]--
					busy++
				}
				ready[sys] = queue
			}
		}
		if busy == 0 {
			break
		}
		out := <-results
		busy--
		idle[out.system]++
		if out.err != nil && runErr == nil {
			runErr = out.err
		}
		for _, u := range out.updates {
			n := r.ids[u.ID]
			r.set(n, u)
			r.emit(n, false)
			switch u.State {
			case store.ActionPending: // not landed, and safe to send again
				ready[n.a.System] = append(ready[n.a.System], n)
			case store.ActionDone:
				for _, d := range n.dependents {
					d.waiting--
					if d.waiting == 0 && d.a.State == store.ActionPending {
						ready[d.a.System] = append(ready[d.a.System], d)
					}
				}
			case store.ActionFailed:
				var stopped []*node
				r.collectDependents(n, &stopped)
				if err := r.skip(ctx, stopped); err != nil && runErr == nil {
					runErr = err
				}
			}
		}
	}
	if runErr != nil {
		return runErr
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("apply interrupted: %w; what was sent is recorded, run mspwire apply again to finish", err)
	}
	if r.now.InFlight > 0 {
		return fmt.Errorf("%s may or may not have landed and could not be looked up; run mspwire apply again: it looks before it sends", plural.N(r.now.InFlight, "action", "actions"))
	}
	return nil
}

// take forms the next unit of a system's queue: as many actions of the
// first one's kind as its executor takes in one call.
func take(queue []*node) (unit, []*node) {
	first := queue[0]
	batch := first.exec.Batch()
	if batch <= 1 {
		return unit{first}, queue[1:]
	}
	u := unit{first}
	rest := queue[:0:0]
	for _, n := range queue[1:] {
		if len(u) < batch && n.a.Kind == first.a.Kind {
			u = append(u, n)
		} else {
			rest = append(rest, n)
		}
	}
	return u, rest
}

func (r *runner) failedDependency(n *node) change.Key {
	for _, dep := range n.a.Depends {
		if d, ok := r.nodes[string(dep)]; ok && (d.a.State == store.ActionFailed || d.a.State == store.ActionSkipped) {
			return dep
		}
	}
	return ""
}

func (r *runner) collectDependents(n *node, out *[]*node) {
	for _, d := range n.dependents {
		if d.a.State == store.ActionPending && !slices.Contains(*out, d) {
			*out = append(*out, d)
			r.collectDependents(d, out)
		}
	}
}

// skip marks actions that cannot run because one they need failed.
func (r *runner) skip(ctx context.Context, nodes []*node) error {
	if len(nodes) == 0 {
		return nil
	}
	var ups []store.ActionUpdate
	for _, n := range nodes {
		why := "not sent: it needs " + string(r.failedDependency(n))
		if r.failedDependency(n) == "" {
			why = "not sent: an action it needs failed"
		}
		ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionSkipped, Error: why})
	}
	if err := r.env.Store.UpdateActions(ctx, r.plan, r.o.actor, ups); err != nil {
		return err
	}
	for i, n := range nodes {
		r.set(n, ups[i])
		r.emit(n, false)
	}
	return nil
}

// journal writes state changes; a failure to write stops the run.
func (r *runner) journal(ctx context.Context, ups []store.ActionUpdate) error {
	// Written even when ctx is cancelled: the outcome of a sent call must
	// not be lost to a Ctrl+C.
	return r.env.Store.UpdateActions(context.WithoutCancel(ctx), r.plan, r.o.actor, ups)
}

// do carries out one unit and journals it.
func (r *runner) do(ctx context.Context, u unit) outcome {
	var ups []store.ActionUpdate
	actions := make([]store.Action, len(u))
	for i, n := range u {
		ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionInFlight, Attempted: true})
		actions[i] = n.a
	}
	sys := u[0].a.System
	if err := r.journal(ctx, ups); err != nil {
		return outcome{system: sys, err: err}
	}
	crash.Point("in_flight")
	outs := u[0].exec.Send(ctx, r, actions)
	crash.Point("reply")
	final := r.ended(ctx, u, outs)
	for i := range final {
		final[i].Attempted = true
	}
	if err := r.journal(ctx, final); err != nil {
		return outcome{system: sys, err: err}
	}
	crash.Point("done")
	return outcome{system: sys, updates: final}
}

// ended turns a unit's outcomes into new states. What may have landed is
// looked up first where the executor can look; a call that can be sent
// again safely goes back to pending while attempts remain.
func (r *runner) ended(ctx context.Context, u unit, outs []adapter.Outcome) []store.ActionUpdate {
	ups := make([]store.ActionUpdate, len(u))
	looker, canLook := u[0].exec.(adapter.Looker)
	if _, again := u[0].exec.(adapter.Repeatable); again {
		canLook = false // sending again costs less than looking
	}
	var doubt []int
	for i, n := range u {
		var o adapter.Outcome
		if i < len(outs) {
			o = outs[i]
		} else {
			o.Err = errors.New("the executor gave no outcome")
		}
		switch err := o.Err; {
		case err == nil:
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionDone, ExternalID: o.ExternalID}
		case errors.Is(err, httpx.ErrNotSent):
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionPending, Error: "interrupted before it was sent; the next apply sends it"}
		case answered(err) && !canLook:
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionDone, Error: err.Error() + "; the vendor answered 2xx, so it landed"}
		case canLook && mayHaveLanded(err):
			doubt = append(doubt, i)
			ups[i].Error = err.Error()
		case canLook:
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionFailed, Error: err.Error()}
		case errors.Is(err, context.Canceled):
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionPending, Error: "interrupted: " + err.Error() + "; the next apply sends it again"}
		case mayHaveLanded(err) && n.a.Attempts+1 < r.o.maxAttempts:
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionPending, Error: err.Error() + "; it is safe to send again, and will be"}
		default:
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionFailed, Error: err.Error()}
		}
	}
	if len(doubt) == 0 {
		return ups
	}
	// What this unit just made is claimed before looking for the rest.
	claimed := map[string]bool{}
	for i := range u {
		if ups[i].State == store.ActionDone {
			claimed[ups[i].ExternalID] = true
		}
	}
	var asked []store.Action
	for _, i := range doubt {
		asked = append(asked, u[i].a)
	}
	found, lookErr := looker.Look(ctx, claimedToo{r, u[0].a.System, u[0].a.Kind, claimed}, asked)
	for _, i := range doubt {
		n, why := u[i], ups[i].Error
		switch id, ok := found[n.a.ID]; {
		case lookErr != nil:
			// Not known whether it landed: it stays in flight, for the
			// next run to look again before sending.
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionInFlight, Error: fmt.Sprintf("%s; then looking for it failed: %v", why, lookErr)}
		case ok:
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionDone, ExternalID: id}
		case i < len(outs) && answered(outs[i].Err):
			// The vendor said it took the call; its record is not listed
			// yet. Sending again would make a second.
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionDone,
				Error: why + "; the vendor answered 2xx, so it landed, though a look did not find it yet"}
		case n.a.Attempts+1 >= r.o.maxAttempts:
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionFailed,
				Error: fmt.Sprintf("%s (after %s; looked for it and it is not there)", why, plural.N(n.a.Attempts+1, "attempt", "attempts"))}
		default:
			ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionPending,
				Error: fmt.Sprintf("%s; looked for it and it is not there, so it will be sent again", why)}
		}
	}
	return ups
}

// claimedToo is the run as a look sees it while a unit's outcomes are not
// journaled yet: the records the unit just made are claimed too.
type claimedToo struct {
	*runner
	system string
	kind   change.Kind
	ids    map[string]bool
}

func (c claimedToo) Claimed(system string, kind change.Kind, id string) bool {
	return system == c.system && kind == c.kind && c.ids[id] || c.runner.Claimed(system, kind, id)
}

// mayHaveLanded says whether a failed call could have been carried out
// anyway: its answer was lost or unreadable, or the vendor failed after
// acting.
func mayHaveLanded(err error) bool {
	var e *httpx.Error
	var kept *adapter.Inconsistent
	if errors.As(err, &kept) {
		return false // it landed, not as sent: a person looks, nothing is re-sent
	}
	if !errors.As(err, &e) {
		return true // cancelled mid-call, or an answer we could not read
	}
	return e.Kind == httpx.ErrNetwork || e.Status >= 500 || answered(err)
}

// answered says the vendor took the call (a 2xx) though its answer could
// not be read: it landed.
func answered(err error) bool {
	var e *httpx.Error
	return errors.As(err, &e) && e.Status >= 200 && e.Status < 300
}

// reconcile settles the actions a killed run left in flight before
// anything is sent: each executor that can look reads once what it needs
// for all of its actions; the others are safe to send again. Lanes are
// settled in plan order, so a link sees the record its create made.
func (r *runner) reconcile(ctx context.Context, order []*node) error {
	lanes := map[lane][]*node{}
	var lanesInOrder []lane
	var again []store.ActionUpdate
	for _, n := range order {
		if n.a.State != store.ActionInFlight {
			continue
		}
		if _, ok := n.exec.(adapter.Looker); !ok {
			again = append(again, store.ActionUpdate{ID: n.a.ID, State: store.ActionPending})
			continue
		}
		l := lane{n.a.System, n.a.Kind}
		if lanes[l] == nil {
			lanesInOrder = append(lanesInOrder, l)
		}
		lanes[l] = append(lanes[l], n)
	}
	if err := r.settled(ctx, again); err != nil {
		return err
	}
	for _, l := range lanesInOrder {
		nodes := lanes[l]
		actions := make([]store.Action, len(nodes))
		for i, n := range nodes {
			actions[i] = n.a
		}
		found, err := r.lookLanding(ctx, l, nodes)
		if err != nil {
			return err
		}
		ups := make([]store.ActionUpdate, len(nodes))
		for i, n := range nodes {
			if id, ok := found[n.a.ID]; ok {
				ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionDone, ExternalID: id}
			} else {
				ups[i] = store.ActionUpdate{ID: n.a.ID, State: store.ActionPending}
			}
		}
		if err := r.settled(ctx, ups); err != nil {
			return err
		}
	}
	return nil
}

// lookLanding looks up what a killed run left in flight in one lane. A
// create not found yet may still land: the dead run's request can be
// carried out until its deadline (its in-flight time and the call
// timeout), so it is looked for again until found or until then — never
// sent again while it could still land. Repeatable ones are just sent.
func (r *runner) lookLanding(ctx context.Context, l lane, nodes []*node) (map[int64]string, error) {
	looker := nodes[0].exec.(adapter.Looker)
	_, repeatable := nodes[0].exec.(adapter.Repeatable)
	window := r.env.LandWindow
	if window <= 0 {
		window = httpx.CallTimeout()
	}
	found := map[int64]string{}
	ask := nodes
	for {
		actions := make([]store.Action, len(ask))
		for i, n := range ask {
			actions[i] = n.a
		}
		got, err := looker.Look(ctx, r, actions)
		if err != nil {
			return nil, fmt.Errorf("looking up the %d %s actions in %s the last run left in flight: %w", len(ask), l.kind, adapter.InfoOf(l.system).Name, err)
		}
		for id, ext := range got {
			found[id] = ext
		}
		if repeatable {
			return found, nil
		}
		var landing []*node
		var until time.Time
		for _, n := range ask {
			if _, ok := found[n.a.ID]; ok {
				continue
			}
			if end := n.a.UpdatedAt.Add(window); time.Now().Before(end) {
				landing = append(landing, n)
				until = later(until, end)
			}
		}
		if len(landing) == 0 {
			return found, nil
		}
		if r.o.observe.Wait != nil {
			r.o.observe.Wait(Wait{System: l.system, For: time.Until(until), Until: until,
				Reason: fmt.Sprintf("%s the last run left in flight may still land", plural.N(len(landing), "call", "calls"))})
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("interrupted while waiting for calls the last run left in flight: %w", ctx.Err())
		case <-time.After(min(lookAgain, time.Until(until))):
		}
		ask = landing
	}
}

// lookAgain is how often a call that may still land is looked for.
const lookAgain = 250 * time.Millisecond

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// settled journals what a look decided, then takes it in memory.
func (r *runner) settled(ctx context.Context, ups []store.ActionUpdate) error {
	if err := r.env.Store.UpdateActions(ctx, r.plan, r.o.actor, ups); err != nil {
		return err
	}
	for _, u := range ups {
		n := r.ids[u.ID]
		r.set(n, u)
		if u.State == store.ActionDone {
			r.emit(n, true)
		}
	}
	return nil
}
