// Package apply carries out a confirmed plan. Each action's state is
// written to SQLite before its call is sent (in_flight) and after
// (done, failed or skipped), so a run killed at any moment resumes where
// it stopped: an action left in_flight is first looked up — by name, id
// or matcher state — and only sent again if it did not land. A create
// whose answer was lost is never retried blindly. Actions of different
// systems run side by side, each system under its vendor's rate limit;
// a failed action stops only the actions that depend on it.
package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/crash"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/store"
)

// Event is one step of an apply, for a screen or --json.
type Event struct {
	Action   store.Action `json:"action"`
	Counts   Counts       `json:"counts"`
	Recheck  bool         `json:"recheck,omitempty"` // found by looking, not sent
	Sequence int          `json:"sequence"`
}

// Counts are a plan's actions by state.
type Counts struct {
	Total    int `json:"total"`
	Pending  int `json:"pending"`
	InFlight int `json:"in_flight"`
	Done     int `json:"done"`
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
}

func (c *Counts) add(state string, n int) {
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

// Options tune a run.
type Options struct {
	Actor    string
	Progress func(Event) // called from one goroutine at a time
	Workers  int         // calls in flight per system; 0: 4
	// MaxAttempts bounds the sends of one action; 0: 3.
	MaxAttempts int
}

// Result is how a run ended.
type Result struct {
	Plan           store.Plan
	Counts         Counts
	AlreadyApplied bool // the plan had nothing left to do: nothing was sent
}

// ErrStale means the plan's inputs changed since it was made.
var ErrStale = errors.New("the plan is stale")

// ErrNotConfirmed means nobody confirmed the plan.
var ErrNotConfirmed = errors.New("the plan is not confirmed")

// Run applies a confirmed plan, or resumes one a killed run left.
func Run(ctx context.Context, env onboard.Env, p store.Plan, o Options) (Result, error) {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if env.Clients == nil {
		env.Clients = adapter.NewClients(env.Store, env.Keyring, env.Profile)
	}
	actions, err := env.Store.Actions(ctx, p.ID)
	if err != nil {
		return Result{Plan: p}, err
	}
	res := Result{Plan: p, Counts: countOf(actions)}
	if res.Counts.Pending+res.Counts.InFlight+res.Counts.Failed == 0 {
		res.AlreadyApplied = true
		if p.FinishedAt == nil {
			err = env.Store.FinishPlan(ctx, p, o.Actor, countMap(res.Counts))
		}
		return res, err
	}
	if p.ConfirmedAt == nil {
		return res, fmt.Errorf("%w: plan %d must be confirmed before it is applied (mspwire apply asks)", ErrNotConfirmed, p.ID)
	}
	changed, err := plan.Stale(ctx, env, p)
	if err != nil {
		return res, err
	}
	if len(changed) > 0 {
		// Calls a killed run left in flight are looked up all the same, so
		// that a fresh plan knows what landed.
		settled := ""
		if before := res.Counts; before.InFlight > 0 {
			r := &runner{env: env, plan: p, o: o, clients: env.Clients}
			if err := r.settle(ctx, actions); err != nil {
				return res, err
			}
			res.Counts = r.counts()
			settled = fmt.Sprintf(" The %d calls the last run left in flight were looked up: %d had landed.", before.InFlight, res.Counts.Done-before.Done)
		}
		return res, fmt.Errorf("%w: since plan %d was made, %s. Nothing was sent.%s Run mspwire plan for a fresh one (what is done stays done)",
			ErrStale, p.ID, strings.Join(changed, "; "), settled)
	}
	if p.FinishedAt != nil {
		if err := env.Store.ReopenPlan(ctx, p); err != nil {
			return res, err
		}
	}
	r := &runner{env: env, plan: p, o: o, clients: env.Clients}
	if err := r.run(ctx, actions); err != nil {
		res.Counts = r.counts()
		return res, err
	}
	res.Counts = r.counts()
	if res.Counts.Pending+res.Counts.InFlight == 0 {
		if err := env.Store.FinishPlan(ctx, p, o.Actor, countMap(res.Counts)); err != nil {
			return res, err
		}
	}
	return res, nil
}

func countOf(actions []store.Action) Counts {
	c := Counts{Total: len(actions)}
	for _, a := range actions {
		c.add(a.State, 1)
	}
	return c
}

func countMap(c Counts) map[string]int {
	return map[string]int{"total": c.Total, "done": c.Done, "failed": c.Failed, "skipped": c.Skipped}
}

// node is an action with what it waits for.
type node struct {
	a          store.Action
	waiting    int // dependencies not done yet
	dependents []*node
}

// unit is what one worker does in one go: one action, or a batch of
// creates in one system.
type unit []*node

// outcome is a unit's end: each action's new state.
type outcome struct {
	system  string
	updates []store.ActionUpdate
	err     error // a failure of the run itself (the journal could not be written)
}

type runner struct {
	env     onboard.Env
	plan    store.Plan
	o       Options
	clients *adapter.Clients

	mu    sync.RWMutex     // the main loop writes states; workers read other actions' states
	nodes map[string]*node // by key
	ids   map[int64]*node
	now   Counts
	seq   int
}

func (r *runner) counts() Counts { return r.now }

// set changes an action's state in memory (the journal has it already).
func (r *runner) set(n *node, u store.ActionUpdate) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now.add(n.a.State, -1)
	r.now.add(u.State, 1)
	n.a.State, n.a.Error = u.State, u.Error
	if u.ExternalID != "" {
		n.a.ExternalID = u.ExternalID
	}
	if u.Attempted {
		n.a.Attempts++
	}
}

func (r *runner) emit(a store.Action, recheck bool) {
	r.seq++
	if r.o.Progress != nil {
		r.o.Progress(Event{Action: a, Counts: r.counts(), Recheck: recheck, Sequence: r.seq})
	}
}

// load indexes a plan's actions.
func (r *runner) load(actions []store.Action) []*node {
	r.nodes = make(map[string]*node, len(actions))
	r.ids = make(map[int64]*node, len(actions))
	r.now = countOf(actions)
	order := make([]*node, 0, len(actions))
	for _, a := range actions {
		n := &node{a: a}
		r.nodes[a.Key], r.ids[a.ID] = n, n
		order = append(order, n)
	}
	return order
}

// settle only looks up what a killed run left in flight; nothing is sent.
func (r *runner) settle(ctx context.Context, actions []store.Action) error {
	return r.reconcile(ctx, r.load(actions))
}

func (r *runner) run(ctx context.Context, actions []store.Action) error {
	order := r.load(actions)
	// A failed action is tried again; so are the ones it stopped.
	var retry []store.ActionUpdate
	for _, n := range order {
		if n.a.State == store.ActionFailed || n.a.State == store.ActionSkipped && strings.HasPrefix(n.a.Error, "not sent: ") {
			retry = append(retry, store.ActionUpdate{ID: n.a.ID, State: store.ActionPending})
		}
	}
	if err := r.env.Store.UpdateActions(ctx, r.plan, r.o.Actor, retry); err != nil {
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
			d, ok := r.nodes[dep]
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
		idle[sys] = r.o.Workers
		for i := 0; i < r.o.Workers; i++ {
			workers++
			go func(ch chan unit) {
				defer func() { done <- struct{}{} }()
				for u := range ch {
					select {
					case results <- r.do(wctx, u):
					case <-wctx.Done():
						return
					}
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
					u, queue = r.take(sys, queue)
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
			r.emit(n.a, false)
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
		return fmt.Errorf("%d actions may or may not have landed and could not be looked up; run mspwire apply again: it looks before it sends", r.now.InFlight)
	}
	return nil
}

// take forms the next unit of a system's queue: a batch of creates when
// the vendor takes several in one call, else one action.
func (r *runner) take(system string, queue []*node) (unit, []*node) {
	first := queue[0]
	batch := 1
	switch {
	case first.a.Kind == plan.KindCreate:
		if c, err := r.clients.Companies(system); err == nil {
			batch = c.Batch()
		}
	case isITGlueLink(first):
		batch = adapter.ITGlueBatch
	}
	if batch == 1 {
		return unit{first}, queue[1:]
	}
	u := unit{first}
	rest := queue[:0:0]
	for _, n := range queue[1:] {
		if len(u) < batch && n.a.Kind == first.a.Kind && (n.a.Kind == plan.KindCreate || isITGlueLink(n)) {
			u = append(u, n)
		} else {
			rest = append(rest, n)
		}
	}
	return u, rest
}

// isITGlueLink says whether an action sets a HaloPSA client's IT Glue
// organization: those go fifty to a call.
func isITGlueLink(n *node) bool {
	return n.a.Kind == plan.KindLink && n.a.System == "halopsa" && strings.Contains(n.a.Key, ":itglue_id=")
}

func (r *runner) failedDependency(n *node) string {
	for _, dep := range n.a.Depends {
		if d, ok := r.nodes[dep]; ok && (d.a.State == store.ActionFailed || d.a.State == store.ActionSkipped) {
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
		why := "not sent: it needs " + r.failedDependency(n)
		if r.failedDependency(n) == "" {
			why = "not sent: an action it needs failed"
		}
		ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionSkipped, Error: why})
	}
	if err := r.env.Store.UpdateActions(ctx, r.plan, r.o.Actor, ups); err != nil {
		return err
	}
	for i, n := range nodes {
		r.set(n, ups[i])
		r.emit(n.a, false)
	}
	return nil
}

// value resolves a value that may come from a create action.
func (r *runner) value(v, from string) (string, error) {
	if from == "" {
		return v, nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if n, ok := r.nodes[from]; ok {
		if n.a.State != store.ActionDone || n.a.ExternalID == "" {
			return "", fmt.Errorf("%s has not made its record", from)
		}
		return n.a.ExternalID, nil
	}
	return "", fmt.Errorf("%s is not part of this plan", from)
}

// journal writes state changes; a failure to write stops the run.
func (r *runner) journal(ctx context.Context, ups []store.ActionUpdate) error {
	// Written even when ctx is cancelled: the outcome of a sent call must
	// not be lost to a Ctrl+C.
	return r.env.Store.UpdateActions(context.WithoutCancel(ctx), r.plan, r.o.Actor, ups)
}

// do carries out one unit and journals it.
func (r *runner) do(ctx context.Context, u unit) outcome {
	var ups []store.ActionUpdate
	for _, n := range u {
		ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionInFlight, Attempted: true})
	}
	sys := u[0].a.System
	if err := r.journal(ctx, ups); err != nil {
		return outcome{system: sys, err: err}
	}
	crash.Point("in_flight")
	var final []store.ActionUpdate
	switch {
	case u[0].a.Kind == plan.KindCreate:
		final = r.create(ctx, u)
	case isITGlueLink(u[0]):
		final = r.linkITGlue(ctx, u)
	default:
		n := u[0]
		ext, err := r.send(ctx, n)
		crash.Point("reply")
		final = []store.ActionUpdate{r.ended(n, ext, err)}
	}
	for i := range final {
		final[i].Attempted = true
	}
	if err := r.journal(ctx, final); err != nil {
		return outcome{system: sys, err: err}
	}
	crash.Point("done")
	return outcome{system: sys, updates: final}
}

// ended turns a call's result into the action's new state: a call that
// can be sent again safely goes back to pending while attempts remain.
func (r *runner) ended(n *node, ext string, err error) store.ActionUpdate {
	switch {
	case err == nil:
		return store.ActionUpdate{ID: n.a.ID, State: store.ActionDone, ExternalID: ext}
	case errors.Is(err, context.Canceled):
		return store.ActionUpdate{ID: n.a.ID, State: store.ActionPending, Error: "interrupted: " + err.Error()}
	case mayHaveLanded(err) && n.a.Attempts+1 < r.o.MaxAttempts:
		return store.ActionUpdate{ID: n.a.ID, State: store.ActionPending, Error: err.Error() + "; it is safe to send again, and will be"}
	}
	return store.ActionUpdate{ID: n.a.ID, State: store.ActionFailed, Error: err.Error()}
}

// send carries out one action that is not a create. Each is safe to send
// again: it sets a value, or adds what is missing.
func (r *runner) send(ctx context.Context, n *node) (string, error) {
	switch n.a.Kind {
	case plan.KindLink:
		var p plan.LinkPayload
		if err := json.Unmarshal(n.a.Payload, &p); err != nil {
			return "", err
		}
		target, err := r.value(p.Target, p.TargetFrom)
		if err != nil {
			return "", err
		}
		value, err := r.value(p.Value, p.ValueFrom)
		if err != nil {
			return "", err
		}
		if p.Field == plan.LinkMatcher {
			return value, r.clients.LinkMatcher(ctx, target, value)
		}
		return "", fmt.Errorf("unknown link %q", p.Field)
	case plan.KindGroup:
		var p plan.GroupPayload
		if err := json.Unmarshal(n.a.Payload, &p); err != nil {
			return "", err
		}
		var ids []string
		for _, key := range p.Creates {
			id, err := r.value("", key)
			if err != nil {
				return "", err
			}
			ids = append(ids, id)
		}
		return r.clients.GroupEnvironments(ctx, p.Group, ids)
	case plan.KindChecklist:
		var p plan.ChecklistPayload
		if err := json.Unmarshal(n.a.Payload, &p); err != nil {
			return "", err
		}
		return "", r.env.Store.AddChecklist(ctx, r.env.Profile, p.System, p.Reason, n.a.Key, p.Items)
	}
	return "", fmt.Errorf("unknown action kind %q", n.a.Kind)
}

// linkITGlue sets the IT Glue organization of up to fifty HaloPSA
// clients in one call; safe to send again.
func (r *runner) linkITGlue(ctx context.Context, u unit) []store.ActionUpdate {
	links := map[string]string{}
	values := make([]string, len(u))
	var ups []store.ActionUpdate
	var send []*node
	for i, n := range u {
		var p plan.LinkPayload
		err := json.Unmarshal(n.a.Payload, &p)
		var target, value string
		if err == nil {
			target, err = r.value(p.Target, p.TargetFrom)
		}
		if err == nil {
			value, err = r.value(p.Value, p.ValueFrom)
		}
		if err != nil {
			ups = append(ups, r.ended(n, "", err))
			continue
		}
		links[target], values[i] = value, value
		send = append(send, n)
	}
	if len(send) == 0 {
		return ups
	}
	err := r.clients.LinkITGlue(ctx, links)
	crash.Point("reply")
	for i, n := range u {
		if slices.Contains(send, n) {
			ups = append(ups, r.ended(n, values[i], err))
		}
	}
	return ups
}

// create sends a batch of creates. When the answer may have been lost
// (a timeout, a dropped connection, a 5xx), it looks before anything is
// sent again: a record found by name is taken as made; the rest go back
// to pending while attempts remain.
func (r *runner) create(ctx context.Context, u unit) []store.ActionUpdate {
	sys := u[0].a.System
	companies, err := r.clients.Companies(sys)
	if err != nil {
		return r.failAll(u, err)
	}
	recs := make([]adapter.NewRecord, len(u))
	for i, n := range u {
		var p plan.CreatePayload
		if err := json.Unmarshal(n.a.Payload, &p); err != nil {
			return r.failAll(u, err)
		}
		recs[i] = p.Record
	}
	made, err := companies.Create(ctx, recs)
	crash.Point("reply")
	var ups []store.ActionUpdate
	for i, m := range made {
		if i < len(u) {
			ups = append(ups, store.ActionUpdate{ID: u[i].a.ID, State: store.ActionDone, ExternalID: m.ID})
		}
	}
	if err == nil && len(made) >= len(u) {
		return ups
	}
	rest := u[len(ups):]
	if err != nil && !mayHaveLanded(err) {
		return append(ups, r.failAll(rest, err)...)
	}
	found, lookErr := r.lookup(ctx, companies, rest)
	if lookErr != nil {
		// Not known whether they landed: they stay in flight, for the next
		// run to look again before sending.
		for _, n := range rest {
			ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionInFlight,
				Error: fmt.Sprintf("%v; then looking for it failed: %v", errOr(err), lookErr)})
		}
		return ups
	}
	for _, n := range rest {
		switch id, ok := found[n.a.Key]; {
		case ok:
			ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionDone, ExternalID: id})
		case n.a.Attempts+1 >= r.o.MaxAttempts:
			ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionFailed,
				Error: fmt.Sprintf("%v (after %d attempts; looked for it and it is not there)", errOr(err), n.a.Attempts+1)})
		default:
			ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionPending,
				Error: fmt.Sprintf("%v; looked for it and it is not there, so it will be sent again", errOr(err))})
		}
	}
	return ups
}

func errOr(err error) error {
	if err == nil {
		return errors.New("fewer records came back than were sent")
	}
	return err
}

func (r *runner) failAll(u []*node, err error) []store.ActionUpdate {
	var ups []store.ActionUpdate
	for _, n := range u {
		ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionFailed, Error: err.Error()})
	}
	return ups
}

// mayHaveLanded says whether a failed create could have been carried out
// anyway: its answer was lost, or the vendor failed after acting.
func mayHaveLanded(err error) bool {
	var e *httpx.Error
	if !errors.As(err, &e) {
		return true // cancelled mid-call, or an answer we could not read
	}
	switch {
	case e.Kind == httpx.ErrNetwork, e.Status >= 500:
		return true
	case e.Kind == httpx.ErrRateLimited:
		return false // refused unprocessed
	}
	return false
}

// lookup finds, by name, records that creates may have made: a record is
// taken when exactly one of that name is there besides those the system
// had when the plan was made.
func (r *runner) lookup(ctx context.Context, companies adapter.Companies, nodes []*node) (map[string]string, error) {
	names := make([]string, 0, len(nodes))
	payloads := make([]plan.CreatePayload, len(nodes))
	for i, n := range nodes {
		if err := json.Unmarshal(n.a.Payload, &payloads[i]); err != nil {
			return nil, err
		}
		names = append(names, payloads[i].Record.Name)
	}
	var byName map[string][]adapter.Record
	var err error
	for try := 0; try < 3; try++ { // a look is safe to repeat; a flaky one should not strand the action
		if byName, err = companies.FindByName(ctx, names); err == nil || !mayHaveLanded(err) || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	taken := r.takenIDs()
	out := map[string]string{}
	for i, n := range nodes {
		var fresh []string
		for _, rec := range byName[adapter.NameKey(payloads[i].Record.Name)] {
			if !slices.Contains(payloads[i].Existing, rec.ID) && !taken[n.a.System+"/"+rec.ID] {
				fresh = append(fresh, rec.ID)
			}
		}
		if len(fresh) >= 1 {
			out[n.a.Key] = fresh[0]
			taken[n.a.System+"/"+fresh[0]] = true
		}
	}
	return out, nil
}

// takenIDs are the records this plan's done creates made.
func (r *runner) takenIDs() map[string]bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := map[string]bool{}
	for _, n := range r.nodes {
		if n.a.Kind == plan.KindCreate && n.a.State == store.ActionDone && n.a.ExternalID != "" {
			out[n.a.System+"/"+n.a.ExternalID] = true
		}
	}
	return out
}

// reconcile settles the actions a killed run left in flight before
// anything is sent: creates are looked up by name, links by their current
// value; the rest are safe to send again.
func (r *runner) reconcile(ctx context.Context, order []*node) error {
	creates := map[string][]*node{}
	var ups []store.ActionUpdate
	for _, n := range order {
		if n.a.State != store.ActionInFlight {
			continue
		}
		switch n.a.Kind {
		case plan.KindCreate:
			creates[n.a.System] = append(creates[n.a.System], n)
		case plan.KindLink:
			if isITGlueLink(n) {
				// Looking costs a call per client; sending the batch again,
				// which sets the same values, costs one.
				ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionPending})
				continue
			}
			linked, err := r.linked(ctx, n)
			if err != nil {
				return fmt.Errorf("looking at %s, left in flight by the last run: %w", n.a.Key, err)
			}
			if linked {
				ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionDone})
			} else {
				ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionPending})
			}
		default:
			ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionPending})
		}
	}
	for sys, nodes := range creates {
		companies, err := r.clients.Companies(sys)
		if err != nil {
			return err
		}
		found, err := r.lookup(ctx, companies, nodes)
		if err != nil {
			return fmt.Errorf("looking for the %d records the last run may have made in %s: %w", len(nodes), sys, err)
		}
		for _, n := range nodes {
			if id, ok := found[n.a.Key]; ok {
				ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionDone, ExternalID: id})
			} else {
				ups = append(ups, store.ActionUpdate{ID: n.a.ID, State: store.ActionPending})
			}
		}
	}
	if err := r.env.Store.UpdateActions(ctx, r.plan, r.o.Actor, ups); err != nil {
		return err
	}
	for _, u := range ups {
		n := r.ids[u.ID]
		r.set(n, u)
		if u.State == store.ActionDone {
			r.emit(n.a, true)
		}
	}
	return nil
}

// linked says whether a Hudu matcher already holds the company the link
// would set; a value not known yet (its create not done) means no.
func (r *runner) linked(ctx context.Context, n *node) (bool, error) {
	var p plan.LinkPayload
	if err := json.Unmarshal(n.a.Payload, &p); err != nil {
		return false, err
	}
	value, err := r.value(p.Value, p.ValueFrom)
	if err != nil || p.Field != plan.LinkMatcher {
		return false, nil // not linked yet: it will be sent
	}
	m, ok, err := r.clients.MatcherOf(ctx, p.Integration, p.SyncID)
	return ok && m.CompanyID == value, err
}
