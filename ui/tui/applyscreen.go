package tui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/display"
)

// applyScreen runs a confirmed plan (or finishes one a killed run left):
// a bar per system, a vendor's rate-limit wait shown as a wait with the
// time left, failures as they happen, and a summary at the end. Each
// action is in the journal before and after its call (flows/apply), so
// leaving — esc, ctrl+c, a kill — loses nothing: home offers to finish.
type applyScreen struct {
	asks applyAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	id       int64
	sp       *SyncPlan
	systems  []string
	per      map[string]*applyState
	actions  map[int64]store.Action // the latest state of each
	failures []int64                // in the order they failed
	rechecks int                    // found landed by looking, not sent again
	started  time.Time
	ended    time.Time
	events   chan tea.Msg
	asked    bool // the apply returned
	drained  bool // and everything it said is shown
	result   apply.Result
	err      error
}

// clock is the wizard's time (the apply's ETA, an inspection's age); the
// golden views fix it.
var clock = time.Now

// applyState is one system's bar: its counts as the apply tells them, and
// the wait it is in, if any.
type applyState struct {
	apply.Counts
	wait *apply.Wait
}

type (
	applyPlanMsg struct {
		sp  SyncPlan
		err error
	}
	applyEventMsg struct{ ev apply.Event }
	applyWaitMsg  struct{ wait apply.Wait }
	applyEndMsg   struct{} // no more events
	appliedMsg    struct {
		res apply.Result
		err error
	}
)

var (
	apSteps = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "the path's steps"))
	apRetry = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry the failed"))
	apCheck = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "check for pitfalls"))
	apBack  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "back: the list is read again"))
	apHome  = key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "home"))
)

func newApplyScreen(id int64) *applyScreen {
	return &applyScreen{id: id, per: map[string]*applyState{}, actions: map[int64]store.Action{}}
}

func (a *applyScreen) title() string { return fmt.Sprintf("Apply plan %d", a.id) }

func (a *applyScreen) finished() bool { return a.asked && a.drained }

func (a *applyScreen) keys() []key.Binding {
	if !a.finished() {
		return nil
	}
	keys := []key.Binding{apSteps, apCheck}
	if a.workflow() {
		keys = []key.Binding{apBack}
	}
	if a.failedCount() > 0 {
		keys = append(keys, apRetry)
	}
	return append(keys, apHome)
}

func (a *applyScreen) start() event {
	id := a.id
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		sp, err := a.asks.SyncPlan(ctx, id)
		return applyPlanMsg{sp, err}
	}}
}

// run applies the plan, sending what happens to events; the screen
// listens. Action events are never dropped (the bars count them); waits
// are, if the screen is behind.
func runApply(asks applyAsks, id int64, events chan<- tea.Msg) func(ctx context.Context) tea.Msg {
	return func(ctx context.Context) tea.Msg {
		defer close(events)
		res, err := asks.Apply(ctx, id, apply.Observer{
			Action: func(ev apply.Event) {
				select {
				case events <- applyEventMsg{ev}:
				case <-ctx.Done():
				}
			},
			Wait: func(w apply.Wait) {
				select {
				case events <- applyWaitMsg{w}:
				default:
				}
			},
		})
		return appliedMsg{res, err}
	}
}

func (a *applyScreen) listen() event {
	ch := a.events
	return askEvent{fn: func(context.Context) tea.Msg {
		if m, ok := <-ch; ok {
			return m
		}
		return applyEndMsg{}
	}}
}

func (a *applyScreen) update(msg tea.Msg) (event, tea.Cmd) {
	now := clock()
	switch m := msg.(type) {
	case applyPlanMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		return a.begin(m.sp, now), nil
	case applyEventMsg:
		a.note(m.ev)
		return a.listen(), nil
	case applyWaitMsg:
		for _, sys := range a.systems {
			if strings.EqualFold(systemName(sys), m.wait.System) || strings.EqualFold(sys, m.wait.System) {
				w := m.wait
				a.per[sys].wait = &w
			}
		}
		return a.listen(), nil
	case applyEndMsg:
		a.drained = true
		return a.finish(now), nil
	case appliedMsg:
		a.asked, a.result, a.err = true, m.res, m.err
		return a.finish(now), nil
	case tea.KeyPressMsg:
		if !a.finished() {
			return nil, nil
		}
		keys := a.keys()
		switch {
		case offered(m, keys, apBack):
			return popEvent{}, nil // the billing screen reads the numbers again
		case offered(m, keys, apSteps):
			return pushEvent{newStepsScreen()}, nil // esc comes back here
		case offered(m, keys, apCheck):
			return pushEvent{newDoctorScreen()}, nil
		case offered(m, keys, apHome):
			return homeEvent{}, nil // past the plan, review and every screen under them
		case key.Matches(m, apRetry) && a.failedCount() > 0:
			return swapEvent{newApplyScreen(a.id)}, nil
		}
	}
	return nil, nil
}

// begin shows the plan's actions per system and starts the apply.
func (a *applyScreen) begin(sp SyncPlan, now time.Time) event {
	a.sp, a.started = &sp, now
	systems, per := apply.BySystem(sp.Actions)
	for _, x := range sp.Actions {
		a.actions[x.ID] = x
	}
	for _, sys := range systems {
		a.per[sys] = &applyState{Counts: per[sys]}
	}
	a.systems = systems
	sort.SliceStable(a.systems, func(i, j int) bool { return adapter.Order(a.systems[i]) < adapter.Order(a.systems[j]) })
	a.events = make(chan tea.Msg, 256)
	return batchEvent{
		askEvent{label: fmt.Sprintf("Applying plan %d…", sp.Plan.ID), fn: runApply(a.asks, sp.Plan.ID, a.events)},
		a.listen(),
	}
}

// note takes one action's new state, and its system's counts as the
// apply keeps them.
func (a *applyScreen) note(ev apply.Event) {
	x := ev.Action
	old, ok := a.actions[x.ID]
	st := a.per[x.System]
	if !ok || st == nil {
		return
	}
	st.Counts = ev.System
	st.wait = nil // a call ended: the wait is over
	a.actions[x.ID] = x
	if x.State == store.ActionFailed && old.State != store.ActionFailed {
		a.failures = append(a.failures, x.ID)
	}
	if ev.Recheck {
		a.rechecks++
	}
}

func (a *applyScreen) failedCount() int {
	n := 0
	for _, st := range a.per {
		n += st.Failed + st.Skipped
	}
	return n
}

// finish says how the apply went, once it returned and all it said is
// shown.
func (a *applyScreen) finish(now time.Time) event {
	if !a.finished() {
		return nil
	}
	a.ended = now
	for _, st := range a.per {
		st.wait = nil
	}
	switch {
	case errors.Is(a.err, context.Canceled):
		return errorEvent{errors.New("the apply stopped; what was sent is in the journal. Home offers to finish it")}
	case a.err != nil: // a stale plan's remedy is said as the wizard's keys
		return errorEvent{a.err}
	case a.failedCount() > 0:
		return errorEvent{fmt.Errorf("%d of the plan's actions did not go through (the reasons are listed). Fix the cause, then press r to retry", a.failedCount())}
	}
	if a.workflow() {
		return infoEvent{"Applied. Press enter to go back: the list is read again."}
	}
	return infoEvent{"Applied. Press enter for the path's steps (what only a vendor's console can do), d to check for the guide's pitfalls."}
}

// workflow says the plan is not onboarding's (billing, devices, stale
// accounts): its apply leads back to the screen it came from, not to the
// path's steps.
func (a *applyScreen) workflow() bool {
	return a.sp != nil && a.sp.Plan.Kind != change.Onboarding && a.sp.Plan.Kind != ""
}

func (a *applyScreen) view(width, height int) string {
	if a.sp == nil {
		return "Reading the plan…"
	}
	now := clock()
	if !a.ended.IsZero() {
		now = a.ended
	}
	var b strings.Builder
	total, done := 0, 0
	for _, st := range a.per {
		total += st.Total
		done += st.Done
	}
	head := fmt.Sprintf("Plan %d · %d of %d done · %s", a.sp.Plan.ID, done, total, since(now.Sub(a.started)))
	if left := a.left(now, done, total); !a.finished() && left >= time.Second {
		head += " · about " + since(left) + " left"
	}
	if a.rechecks > 0 {
		head += fmt.Sprintf(" · %d found landed by an earlier run, not sent again", a.rechecks)
	}
	b.WriteString(wrap(head, width) + "\n\n")
	barWidth := max(10, min(40, width-52))
	bar := progress.New(progress.WithWidth(barWidth), progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))
	for _, sys := range a.systems {
		st := a.per[sys]
		frac := 0.0
		if st.Total > 0 {
			frac = float64(st.Done) / float64(st.Total)
		}
		line := fmt.Sprintf("%-9s %s %d/%d", systemName(sys), bar.ViewAs(frac), st.Done, st.Total)
		switch {
		case st.wait != nil:
			line += fmt.Sprintf(" waiting %s (%s)", max(0, st.wait.Until.Sub(now)).Round(time.Second), st.wait.Reason)
		case st.Failed+st.Skipped > 0:
			line += fmt.Sprintf(" %d failed, %d not sent", st.Failed, st.Skipped)
		case st.Done == st.Total:
			line += " ✓"
		}
		b.WriteString(truncate(line, width) + "\n")
	}
	if a.finished() && a.err == nil {
		b.WriteString("\n" + wrap(a.summary(now), width) + "\n")
	}
	if len(a.failures) > 0 {
		b.WriteString("\n" + headingStyle.Render("Failures") + "\n")
		for _, id := range a.failures {
			x := a.actions[id]
			if x.State != store.ActionFailed {
				continue // a retry got it through
			}
			b.WriteString(wrap("✗ "+display.Safe(x.Summary+": "+x.Error), width) + "\n")
		}
	}
	if a.finished() && a.err == nil && path.TouchesHudu(a.systems) {
		b.WriteString("\n" + dimStyle.Render(wrap(path.VisualInsights+".", width)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// left is the time the rest should take: the pace so far over the actions
// not done, and never less than the longest rate-limit wait under way
// (a vendor's limit, not mspwire, sets the pace then).
func (a *applyScreen) left(now time.Time, done, total int) time.Duration {
	var left time.Duration
	if elapsed := now.Sub(a.started); done > 0 && elapsed > 0 {
		left = elapsed * time.Duration(total-done) / time.Duration(done)
	}
	for _, st := range a.per {
		if st.wait != nil {
			left = max(left, st.wait.Until.Sub(now))
		}
	}
	return left
}

// summary is the end of a run: what it did, by kind, and how long it took.
func (a *applyScreen) summary(now time.Time) string {
	per := map[change.Kind]int{}
	skipped, failed := 0, 0
	for _, x := range a.actions {
		switch x.State {
		case store.ActionDone:
			per[x.Kind]++
		case store.ActionSkipped:
			skipped++
		case store.ActionFailed:
			failed++
		}
	}
	if a.result.AlreadyApplied && len(a.actions) == 0 {
		return "Nothing to send: the plan is recorded as applied."
	}
	planned := map[change.Kind]bool{}
	for _, x := range a.actions {
		planned[x.Kind] = true
	}
	var did []string
	for _, k := range change.Kinds() {
		if planned[k] {
			did = append(did, fmt.Sprintf("%d %s", per[k], change.Did(k)))
		}
	}
	return fmt.Sprintf("Plan %d: %s; %d not sent, %d failed. Took %s.", a.sp.Plan.ID, strings.Join(did, ", "), skipped, failed, since(now.Sub(a.started)))
}
