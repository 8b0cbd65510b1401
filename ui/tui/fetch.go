package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/onboard"
)

// fetchScreen reads every company list the path needs, showing for each
// system the pages and records read so far, any wait the vendor imposes,
// and the counts when done.
type fetchScreen struct {
	asks fetchAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	systems  []string
	progress map[string]*fetchState
	events   chan tea.Msg
	asked    bool // the fetch returned
	drained  bool // every event of it was shown
	done     bool
	failed   bool
}

type fetchState struct {
	started, ended time.Time
	pages, records int
	wait           *apply.Wait
	err            error
}

type (
	fetchPlanMsg struct {
		plan onboard.Plan
		err  error
	}
	fetchPageMsg struct {
		system         string
		pages, records int
	}
	fetchWaitMsg struct {
		system string
		wait   apply.Wait
	}
	fetchStartMsg struct{ system string }
	fetchedMsg    struct {
		system string
		n      int
		err    error
	}
	fetchEndMsg  struct{}
	fetchDoneMsg struct{ err error }
)

var keyContinue = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "review the matches"))

func newFetchScreen() *fetchScreen { return &fetchScreen{progress: map[string]*fetchState{}} }

func (f *fetchScreen) title() string { return "Inventories" }

func (f *fetchScreen) keys() []key.Binding {
	if f.done {
		return []key.Binding{keyContinue}
	}
	return nil
}

func (f *fetchScreen) start() event {
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		plan, err := f.asks.Plan(ctx)
		return fetchPlanMsg{plan, err}
	}}
}

// fetchAll reads the systems one after another, sending what happens to
// events; the screen listens. Page and wait reports are dropped rather than
// slow the fetch if the screen is behind.
func fetchAll(asks fetchAsks, events chan<- tea.Msg) func(ctx context.Context) tea.Msg {
	return func(ctx context.Context) tea.Msg {
		defer close(events)
		send := func(m tea.Msg) {
			select {
			case events <- m:
			case <-ctx.Done(): // the screen left: nobody listens
			}
		}
		drop := func(m tea.Msg) {
			select {
			case events <- m:
			default:
			}
		}
		_, err := asks.FetchInventories(ctx, onboard.FetchObserver{
			Start: func(sys string) { send(fetchStartMsg{sys}) },
			Page:  func(sys string, pages, records int) { drop(fetchPageMsg{sys, pages, records}) },
			Wait:  func(sys string, w apply.Wait) { drop(fetchWaitMsg{sys, w}) },
			End:   func(f onboard.Fetched) { send(fetchedMsg{f.System, f.Count, f.Err}) },
		})
		return fetchDoneMsg{err}
	}
}

func (f *fetchScreen) listen() event {
	ch := f.events
	return askEvent{fn: func(context.Context) tea.Msg {
		if m, ok := <-ch; ok {
			return m
		}
		return fetchEndMsg{}
	}}
}

func (f *fetchScreen) update(msg tea.Msg) (event, tea.Cmd) {
	now := time.Now()
	switch m := msg.(type) {
	case fetchPlanMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		f.systems = m.plan.Systems
		for _, sys := range f.systems {
			f.progress[sys] = &fetchState{}
		}
		f.events = make(chan tea.Msg, 64)
		return batchEvent{askEvent{label: "Fetching the inventories…", fn: fetchAll(f.asks, f.events)}, f.listen()}, nil
	case fetchStartMsg:
		f.progress[m.system].started = now
		return f.listen(), nil
	case fetchPageMsg:
		p := f.progress[m.system]
		p.pages, p.records, p.wait = m.pages, m.records, nil
		return f.listen(), nil
	case fetchWaitMsg:
		p := f.progress[m.system]
		w := m.wait
		p.wait = &w
		return f.listen(), nil
	case fetchedMsg:
		p := f.progress[m.system]
		p.ended, p.wait, p.err = now, nil, m.err
		if m.err == nil {
			p.records = m.n
		} else {
			f.failed = true
		}
		return f.listen(), nil
	case fetchEndMsg:
		f.drained = true
		return f.finish(), nil
	case fetchDoneMsg:
		f.asked = true
		if m.err != nil {
			f.failed = true
		}
		return f.finish(), nil
	case tea.KeyPressMsg:
		if f.done && key.Matches(m, keyContinue) {
			return pushEvent{newReviewScreen(true)}, nil
		}
	}
	return nil, nil
}

// finish says how the fetch went once it returned and all it said is shown.
func (f *fetchScreen) finish() event {
	if !f.asked || !f.drained {
		return nil
	}
	f.done = true
	if f.failed {
		return errorEvent{fmt.Errorf("some inventories could not be fetched; their previous lists were kept. esc to go back and fix the credentials, enter to review what there is")}
	}
	return infoEvent{"Every inventory is in. Press enter to review the matches."}
}

func (f *fetchScreen) view(width, height int) string {
	if f.systems == nil {
		return "Reading the path…"
	}
	var b strings.Builder
	b.WriteString(wrap("Fetching every company list the path needs, for the review.", width) + "\n\n")
	now := time.Now()
	for _, sys := range f.systems {
		p := f.progress[sys]
		var state string
		switch {
		case p.err != nil:
			state = "✗ " + p.err.Error()
		case !p.ended.IsZero():
			state = fmt.Sprintf("✓ %s records in %s", thousands(p.records), p.ended.Sub(p.started).Round(100*time.Millisecond))
		case p.wait != nil:
			left := max(0, p.wait.Until.Sub(now))
			why := p.wait.Reason
			if p.wait.Attempt > 0 {
				why += fmt.Sprintf(", attempt %d", p.wait.Attempt)
			}
			state = fmt.Sprintf("waiting %s (%s) · %s elapsed", left.Round(time.Second), why, now.Sub(p.started).Round(time.Second))
		case !p.started.IsZero():
			state = fmt.Sprintf("page %d · %s records · %s", p.pages, thousands(p.records), now.Sub(p.started).Round(time.Second))
		default:
			state = "waiting its turn"
		}
		b.WriteString(wrap(fmt.Sprintf("%-9s %s", systemName(sys), state), width) + "\n")
	}
	return b.String()
}

// thousands writes 1204 as "1,204".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
