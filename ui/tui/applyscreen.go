package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/plan"
	"github.com/mspwire/mspwire/store"
)

// applyScreen runs a confirmed plan (or finishes one a killed run left):
// a bar per system, a vendor's rate-limit wait shown as a wait with the
// time left, failures as they happen, and a summary at the end. Each
// action is in the journal before and after its call (flows/apply), so
// leaving — esc, ctrl+c, a kill — loses nothing: home offers to finish.
type applyScreen struct {
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

// clock is the apply screen's time; the golden views fix it.
var clock = time.Now

type applyState struct {
	total, done, failed, skipped int
	wait                         *httpx.Wait
	waitUntil                    time.Time
}

type (
	applyPlanMsg struct {
		sp  SyncPlan
		err error
	}
	applyEventMsg struct{ ev apply.Event }
	applyWaitMsg  struct{ wait httpx.Wait }
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
	if a.failedCount() > 0 {
		keys = append(keys, apRetry)
	}
	return keys
}

func (a *applyScreen) start() event {
	id := a.id
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		sp, err := backendOf(ctx).SyncPlan(ctx, id)
		return applyPlanMsg{sp, err}
	}}
}

// run applies the plan, sending what happens to events; the screen
// listens. Action events are never dropped (the bars count them); waits
// are, if the screen is behind.
func runApply(p store.Plan, events chan<- tea.Msg) func(ctx context.Context) tea.Msg {
	return func(ctx context.Context) tea.Msg {
		defer close(events)
		c := httpx.WithWaitReporter(ctx, func(w httpx.Wait) {
			select {
			case events <- applyWaitMsg{w}:
			default:
			}
		})
		res, err := backendOf(ctx).Apply(c, p, func(ev apply.Event) {
			select {
			case events <- applyEventMsg{ev}:
			case <-ctx.Done():
			}
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
				a.per[sys].wait, a.per[sys].waitUntil = &w, now.Add(w.For)
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
		switch {
		case key.Matches(m, apSteps):
			return swapEvent{newStepsScreen()}, nil
		case key.Matches(m, apCheck):
			return swapEvent{newDoctorScreen()}, nil
		case key.Matches(m, apRetry) && a.failedCount() > 0:
			return swapEvent{newApplyScreen(a.id)}, nil
		}
	}
	return nil, nil
}

// begin counts the plan's actions per system and starts the apply.
func (a *applyScreen) begin(sp SyncPlan, now time.Time) event {
	a.sp, a.started = &sp, now
	for _, x := range sp.Actions {
		a.actions[x.ID] = x
		st, ok := a.per[x.System]
		if !ok {
			st = &applyState{}
			a.per[x.System] = st
			a.systems = append(a.systems, x.System)
		}
		st.total++
		st.count(x.State, 1)
	}
	sortSystems(a.systems)
	a.events = make(chan tea.Msg, 256)
	return batchEvent{
		askEvent{label: fmt.Sprintf("Applying plan %d…", sp.Plan.ID), fn: runApply(sp.Plan, a.events)},
		a.listen(),
	}
}

func sortSystems(systems []string) {
	for i := 1; i < len(systems); i++ {
		for j := i; j > 0 && systemOrder[systems[j]] < systemOrder[systems[j-1]]; j-- {
			systems[j], systems[j-1] = systems[j-1], systems[j]
		}
	}
}

func (st *applyState) count(state string, n int) {
	switch state {
	case store.ActionDone:
		st.done += n
	case store.ActionFailed:
		st.failed += n
	case store.ActionSkipped:
		st.skipped += n
	}
}

// note takes one action's new state.
func (a *applyScreen) note(ev apply.Event) {
	x := ev.Action
	old, ok := a.actions[x.ID]
	st := a.per[x.System]
	if !ok || st == nil {
		return
	}
	st.count(old.State, -1)
	st.count(x.State, 1)
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
		n += st.failed + st.skipped
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
	case errors.Is(a.err, apply.ErrStale):
		return errorEvent{fmt.Errorf("%w. Go back and make a fresh plan (p on home)", a.err)}
	case a.err != nil:
		return errorEvent{a.err}
	case a.failedCount() > 0:
		return errorEvent{fmt.Errorf("%d of the plan's actions did not go through (the reasons are listed). Fix the cause, then press r to retry", a.failedCount())}
	}
	return infoEvent{"Applied. Press enter for the path's steps (what only a vendor's console can do), d to check for the guide's pitfalls."}
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
		total += st.total
		done += st.done
	}
	head := fmt.Sprintf("Plan %d · %d of %d done · %s", a.sp.Plan.ID, done, total, since(now.Sub(a.started)))
	if a.rechecks > 0 {
		head += fmt.Sprintf(" · %d found landed by an earlier run, not sent again", a.rechecks)
	}
	b.WriteString(wrap(head, width) + "\n\n")
	barWidth := max(10, min(40, width-52))
	bar := progress.New(progress.WithWidth(barWidth), progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))
	for _, sys := range a.systems {
		st := a.per[sys]
		frac := 0.0
		if st.total > 0 {
			frac = float64(st.done+st.failed+st.skipped) / float64(st.total)
		}
		line := fmt.Sprintf("%-9s %s %d/%d", systemName(sys), bar.ViewAs(frac), st.done, st.total)
		switch {
		case st.wait != nil:
			line += fmt.Sprintf(" waiting %s (%s)", max(0, st.waitUntil.Sub(now)).Round(time.Second), st.wait.Reason)
		case st.failed+st.skipped > 0:
			line += fmt.Sprintf(" %d failed, %d not sent", st.failed, st.skipped)
		case st.done == st.total:
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
			b.WriteString(wrap("✗ "+x.Summary+": "+x.Error, width) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// summary is the end of a run: what it did, by kind, and how long it took.
func (a *applyScreen) summary(now time.Time) string {
	per := map[string]int{}
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
	return fmt.Sprintf("Plan %d: %d created, %d grouped, %d linked, %d put on the checklist; %d not sent, %d failed. Took %s.",
		a.sp.Plan.ID, per[plan.KindCreate], per[plan.KindGroup], per[plan.KindLink], per[plan.KindChecklist], skipped, failed, since(now.Sub(a.started)))
}
