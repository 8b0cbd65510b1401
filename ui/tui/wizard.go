package tui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/ui/display"
)

// screen is one level of the wizard, kept on the root's stack. It draws
// itself at a size, says its keys, and turns messages into an event for
// the root (navigation, a request for the backend, a status line) — it
// never changes what is on screen by itself.
type screen interface {
	title() string
	update(msg tea.Msg) (event, tea.Cmd)
	view(width, height int) string
	keys() []key.Binding
	base() *screenBase
}

// screenBase is what the root keeps for each screen on the stack.
type screenBase struct {
	id     int
	ctx    context.Context // ends when the screen leaves the stack
	cancel context.CancelFunc
	scroll int // first line shown when the view is taller than the room
	width  int // the size it was last drawn at
	height int
	// focused is the span last kept in sight: PgUp and PgDn scroll freely
	// until the focus moves.
	focused [2]int
}

func (b *screenBase) base() *screenBase { return b }

// typing screens take letters as text: "?" and "q" are theirs then.
type typing interface{ typing() bool }

// modal screens have a dialog open: esc is theirs, to close it.
type modal interface{ modal() bool }

// focuser screens say which lines of their view must stay in sight: the
// question being answered, title to last option.
type focuser interface{ focus() (first, last int) }

// Events a screen hands the root.
type (
	event      any
	pushEvent  struct{ s screen }
	swapEvent  struct{ s screen } // replaces the screen in front
	popEvent   struct{}
	homeEvent  struct{}
	quitEvent  struct{}
	infoEvent  struct{ text string }
	errorEvent struct{ err error }
	// askEvent runs fn off the update loop, for the screen that asked;
	// keys typed meanwhile wait, in order. label, if any, shows with the
	// spinner.
	askEvent struct {
		label string
		fn    func(ctx context.Context) tea.Msg
		// fresh drops the keys typed before its answer came, instead of
		// replaying them: a confirmation must not be answered by keys
		// typed before it was on screen.
		fresh bool
	}
	batchEvent []event
)

// reply is an answer to an askEvent, addressed to the screen that asked.
// A screen that has left the stack never sees its late answers.
type reply struct {
	to    int
	msg   tea.Msg
	fresh bool
	live  bool // asked by a key pressed then, not one typed ahead and replayed
}

// askWait is a vendor asking an ask to wait (a rate limit, a 503): the
// footer counts it down under the spinner, so a minute of Liongard's
// evaluate throttle is said, not silent.
type askWait struct {
	apply.Wait
	over *atomic.Bool // the ask answered: its waits are past
}

// waitMsg tells the wizard of a wait; listening goes on for the next one.
type waitMsg struct {
	wait askWait
	next tea.Cmd
}

// listenWaits hands the wizard each wait an ask reports, until it answers.
func listenWaits(waits <-chan askWait) tea.Cmd {
	return func() tea.Msg {
		x, ok := <-waits
		if !ok {
			return nil
		}
		return waitMsg{wait: x, next: listenWaits(waits)}
	}
}

// opener answers say they opened what the keys typed while they were out
// were typed for: a re-check that opens the typed confirmation keeps the
// "yes⏎" typed after y, when that y was pressed on the plan as drawn.
type opener interface{ opens() bool }

// Wizard is the root model: the stack of screens, the keys waiting their
// turn, the status line and the help.
type Wizard struct {
	ctx        context.Context
	b          Backend
	stack      []screen
	width      int
	height     int
	nextID     int
	waiting    int       // answers still to come; keys wait while any is out
	label      string    // what the wizard is waiting for, with the spinner
	vendorWait *askWait  // a vendor's rate limit the ask out waits on, if any
	held       []tea.Msg // keys and pastes typed while waiting, in order
	replaying  bool      // flush is replaying held keys
	status     string
	failed     bool // the status line is an error
	full       bool // the full key map is open
	helpScroll screenBase
	spin       spinner.Model
	help       help.Model
	report     status.Report
	// Interrupted says the operator pressed ctrl+c: the program exits 2.
	Interrupted bool
}

var (
	keyQuit = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))
	keyBack = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	keyHelp = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys"))
	// Scrolling a view taller than the room.
	keyPageUp   = key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up"))
	keyPageDown = key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down"))
	// The full key list, while it is open.
	keyHelpUp    = key.NewBinding(key.WithKeys("up", "pgup"), key.WithHelp("↑/pgup", "scroll up"))
	keyHelpDown  = key.NewBinding(key.WithKeys("down", "pgdown"), key.WithHelp("↓/pgdn", "scroll down"))
	keyHelpClose = key.NewBinding(key.WithKeys("esc", "?", "q"), key.WithHelp("esc/?/q", "close the key list"))
)

// NewWizard makes the wizard for a backend, on its home screen.
func NewWizard(ctx context.Context, b Backend) *Wizard {
	w := &Wizard{ctx: ctx, b: b, width: 80, height: 24, spin: spinner.New(spinner.WithSpinner(spinner.Dot)), help: help.New()}
	w.push(newHome())
	return w
}

// State names the screen in front, for tests.
func (w *Wizard) State() string { return w.top().title() }

func (w *Wizard) top() screen { return w.stack[len(w.stack)-1] }

func (w *Wizard) Init() tea.Cmd {
	return tea.Batch(w.spin.Tick, w.run(w.top(), askEvent{label: "Reading the profile…", fn: w.startUp}))
}

// startUp is the start-up check, then the home screen's data.
func (w *Wizard) startUp(ctx context.Context) tea.Msg {
	r, err := w.b.Resume(ctx)
	var notes []string
	for _, rot := range r.Rotations {
		if rot.Err != nil {
			notes = append(notes, rot.System+": "+rot.Err.Error())
		} else {
			notes = append(notes, fmt.Sprintf("%s: finished a rotation an earlier run left half-done", rot.System))
		}
	}
	if a := r.Apply; a != nil {
		notes = append(notes, fmt.Sprintf("The apply of plan %d was interrupted (%d of %d done): press a to finish it", a.Plan.ID, a.Done, a.Total))
	}
	if err != nil {
		notes = append(notes, "could not check for interrupted work: "+err.Error())
	}
	msg := w.loadStatus(ctx)
	if m, ok := msg.(statusMsg); ok {
		m.notes = notes
		return m
	}
	return msg
}

// loadStatus is the home screen's data.
func (w *Wizard) loadStatus(ctx context.Context) tea.Msg {
	r, err := w.b.Status(ctx)
	if err != nil {
		return errMsg{err}
	}
	stage, _ := w.b.Stage(ctx)
	return statusMsg{report: r, stage: stage}
}

func (w *Wizard) push(s screen) {
	b := s.base()
	w.nextID++
	b.id = w.nextID
	b.ctx, b.cancel = context.WithCancel(w.ctx)
	if u, ok := s.(user); ok {
		u.use(w.b) // what it asks of the backend, handed over, never fished out of a context
	}
	w.stack = append(w.stack, s)
}

func (w *Wizard) pop() {
	if len(w.stack) == 1 {
		return
	}
	w.top().base().cancel()
	w.stack = w.stack[:len(w.stack)-1]
}

func (w *Wizard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w.width, w.height = msg.Width, msg.Height
		return w, nil
	case spinner.TickMsg:
		var cmd tea.Cmd
		w.spin, cmd = w.spin.Update(msg)
		return w, cmd
	case tea.KeyPressMsg:
		if key.Matches(msg, keyQuit) {
			w.Interrupted = true
			return w, tea.Quit
		}
		if w.waiting > 0 {
			if key.Matches(msg, keyBack) && len(w.stack) > 1 && !w.full {
				// Leaving stops what this screen waits for; its late
				// answer is dropped, and keys typed for it with it.
				w.held = nil
				return w, w.handle(popEvent{})
			}
			w.held = append(w.held, msg)
			return w, nil
		}
		return w, w.flush(w.key(msg))
	case tea.PasteMsg:
		if w.waiting > 0 {
			w.held = append(w.held, msg)
			return w, nil
		}
		return w, w.flush(w.deliver(msg))
	case waitMsg:
		if !msg.wait.over.Load() {
			w.vendorWait = &msg.wait
		}
		return w, msg.next
	case reply:
		w.waiting--
		if w.waiting == 0 {
			w.label = ""
		}
		if m, ok := msg.msg.(statusMsg); ok {
			w.report = m.report
			if len(m.notes) > 0 {
				w.status, w.failed = strings.Join(m.notes, " · "), false
			}
		}
		if o, ok := msg.msg.(opener); msg.fresh && !(msg.live && ok && o.opens()) {
			w.held = nil
		}
		var cmd tea.Cmd
		if msg.to == w.top().base().id {
			cmd = w.deliver(msg.msg)
		}
		return w, w.flush(cmd)
	}
	return w, w.deliver(msg)
}

// deliver gives a message to the screen in front and acts on its event.
func (w *Wizard) deliver(msg tea.Msg) tea.Cmd {
	s := w.top()
	ev, cmd := s.update(msg)
	return tea.Batch(cmd, w.handle(ev))
}

// flush replays keys typed while the wizard waited, in order, until it
// waits again.
func (w *Wizard) flush(cmd tea.Cmd) tea.Cmd {
	cmds := []tea.Cmd{cmd}
	w.replaying = true
	for w.waiting == 0 && len(w.held) > 0 {
		m := w.held[0]
		w.held = w.held[1:]
		if k, ok := m.(tea.KeyPressMsg); ok {
			cmds = append(cmds, w.key(k))
		} else {
			cmds = append(cmds, w.deliver(m))
		}
	}
	w.replaying = false
	return tea.Batch(cmds...)
}

// key handles one key press when the wizard is not waiting.
func (w *Wizard) key(k tea.KeyPressMsg) tea.Cmd {
	typingNow := false
	if t, ok := w.top().(typing); ok {
		typingNow = t.typing()
	}
	switch {
	case w.full:
		switch {
		case key.Matches(k, keyHelpClose):
			w.full, w.helpScroll.scroll = false, 0
		case key.Matches(k, keyHelpUp):
			w.helpScroll.scroll = max(0, w.helpScroll.scroll-w.room()/2)
		case key.Matches(k, keyHelpDown):
			w.helpScroll.scroll += w.room() / 2
		}
		return nil
	case key.Matches(k, keyHelp) && !typingNow:
		w.full = true
		return nil
	case key.Matches(k, keyBack) && len(w.stack) > 1 && !isModal(w.top()):
		return w.handle(popEvent{})
	case key.Matches(k, keyPageUp) && w.scrolling():
		b := w.top().base()
		b.scroll = max(0, b.scroll-w.room()/2)
		return nil
	case key.Matches(k, keyPageDown) && w.scrolling():
		b := w.top().base()
		b.scroll += w.room() / 2
		return nil
	}
	w.status, w.failed = "", false
	return w.deliver(k)
}

func isModal(s screen) bool {
	m, ok := s.(modal)
	return ok && m.modal()
}

// handle acts on a screen's event.
func (w *Wizard) handle(ev event) tea.Cmd {
	switch e := ev.(type) {
	case nil:
		return nil
	case batchEvent:
		var cmds []tea.Cmd
		for _, x := range e {
			cmds = append(cmds, w.handle(x))
		}
		return tea.Batch(cmds...)
	case pushEvent:
		w.status, w.failed = "", false
		w.push(e.s)
		return w.start(e.s)
	case swapEvent:
		w.top().base().cancel()
		w.stack = w.stack[:len(w.stack)-1]
		w.push(e.s)
		return w.start(e.s)
	case popEvent:
		w.pop()
		w.status, w.failed = "", false
		return w.refresh()
	case homeEvent:
		for len(w.stack) > 1 {
			w.pop()
		}
		return w.refresh()
	case quitEvent:
		return tea.Quit
	case infoEvent:
		w.status, w.failed = e.text, false
	case errorEvent:
		w.status, w.failed = remedy.Say(e.err, sayKey), true
	case askEvent:
		return w.run(w.top(), e)
	default:
		panic(fmt.Sprintf("tui: unknown event %T", ev))
	}
	return nil
}

// starter screens have work to do when they come on screen.
type starter interface{ start() event }

func (w *Wizard) start(s screen) tea.Cmd {
	if st, ok := s.(starter); ok {
		return w.handle(st.start())
	}
	return nil
}

// refresh tells the screen now in front that it is back.
func (w *Wizard) refresh() tea.Cmd {
	if _, ok := w.top().(*homeScreen); ok {
		return w.run(w.top(), askEvent{fn: w.loadStatus})
	}
	return w.deliver(backMsg{})
}

// backMsg tells a screen it is in front again.
type backMsg struct{}

// run starts an ask for screen s; its answer comes back as a reply.
func (w *Wizard) run(s screen, a askEvent) tea.Cmd {
	w.waiting++
	if a.label != "" {
		w.label = a.label
	}
	w.status, w.failed = "", false
	b := s.base()
	live := !w.replaying
	over := new(atomic.Bool)
	waits := make(chan askWait, 1)
	ctx := apply.Observe(b.ctx, func(x apply.Wait) {
		select {
		case waits <- askWait{Wait: x, over: over}:
		default: // the wizard has not drawn the last one yet: it will see the next
		}
	})
	return tea.Batch(func() tea.Msg {
		defer close(waits)
		msg := a.fn(ctx)
		over.Store(true)
		return reply{to: b.id, msg: msg, fresh: a.fresh, live: live}
	}, listenWaits(waits))
}

// View lays out the whole screen from (width, height) alone.
func (w *Wizard) View() tea.View {
	v := tea.NewView(w.layout())
	v.AltScreen = true
	v.WindowTitle = "mspwire · " + w.report.Profile
	return v
}

// The frame takes two columns each side and one row above and below;
// the title two rows, the footer up to four.
func (w *Wizard) room() int { return roomFor(w.height, w.footer()) }

func roomFor(height int, footer string) int { return max(3, height-2-2-lipgloss.Height(footer)-1) }

func (w *Wizard) scrolling() bool {
	return lipgloss.Height(w.top().view(w.width-4, w.room())) > w.room()
}

func (w *Wizard) layout() string {
	if w.width < minWidth || w.height < minHeight {
		msg := fmt.Sprintf("terminal too small: need %d×%d, have %d×%d. Resize, or press ctrl+c to quit.", minWidth, minHeight, w.width, w.height)
		return lipgloss.NewStyle().Width(max(w.width, 1)).Render(msg)
	}
	inner := w.width - 4
	s := w.top()
	title := titleStyle.Render("mspwire") + "  " + s.title()
	if w.report.Profile != "" {
		title += dimStyle.Render("  · profile " + w.report.Profile)
	}
	footer := w.footer()
	room := roomFor(w.height, footer)
	var body string
	if w.full {
		body = w.window(&w.helpScroll, w.fullHelp(inner), room)
	} else {
		s.base().width, s.base().height = inner, room
		body = w.window(s, s.view(inner, room), room)
	}
	return frame(truncate(title, inner)+"\n\n"+body+"\n\n"+footer, w.width)
}

// frame pads every line to the width with a margin of two columns and a
// blank line above and below (by hand: a style over the whole screen costs
// more than drawing it).
func frame(s string, width int) string {
	blank := strings.Repeat(" ", width)
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s) + len(lines)*(width/2))
	b.WriteString(blank + "\n")
	for _, l := range lines {
		b.WriteString("  " + l)
		if pad := width - 2 - lipgloss.Width(l); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
		b.WriteString("\n")
	}
	b.WriteString(blank)
	return b.String()
}

// window cuts a view taller than the room to the lines in sight, and says
// there is more above or below.
func (w *Wizard) window(s interface{ base() *screenBase }, view string, room int) string {
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		lines[i] = truncate(l, w.width-4)
	}
	if len(lines) <= room {
		return strings.Join(lines, "\n") + strings.Repeat("\n", room-len(lines))
	}
	b := s.base()
	if f, ok := s.(focuser); ok {
		first, last := f.focus()
		if span := [2]int{first, last}; span != b.focused {
			b.focused = span
			// room-1 lines show; the last says what is above and below.
			last = min(last, first+room-2, len(lines)-1)
			if first < b.scroll {
				b.scroll = first
			} else if last > b.scroll+room-2 {
				b.scroll = last - room + 2
			}
		}
	}
	b.scroll = max(0, min(b.scroll, len(lines)-room+1))
	shown := lines[b.scroll : b.scroll+room-1]
	more := dimStyle.Render(fmt.Sprintf("  ↑ %d more above", b.scroll))
	if b.scroll == 0 {
		more = ""
	}
	if rest := len(lines) - b.scroll - len(shown); rest > 0 {
		more += dimStyle.Render(fmt.Sprintf("  ↓ %d more below (pgdn)", rest))
	}
	return strings.Join(shown, "\n") + "\n" + more
}

func (w *Wizard) footer() string {
	inner := w.width - 4
	var lines []string
	if w.label != "" {
		lines = append(lines, w.spin.View()+" "+w.label)
		if x := w.vendorWait; x != nil && !x.over.Load() {
			if left := x.Until.Sub(clock()); left > 0 {
				lines = append(lines, wrap(fmt.Sprintf("  %s asks mspwire to wait (%s): %s more, then it goes on by itself.",
					systemName(x.System), display.Safe(x.Reason), left.Round(time.Second)), inner))
			}
		}
	}
	if w.status != "" {
		text := display.Text(w.status) // an error may carry a vendor's words
		if w.failed {
			text = errStyle.Render(wrap("✗ "+text, inner))
		} else {
			text = wrap(text, inner)
		}
		lines = append(lines, text)
	}
	keys := w.top().keys()
	if t, ok := w.top().(typing); !ok || !t.typing() {
		keys = append(keys, keyHelp)
	}
	if len(w.stack) > 1 && !isModal(w.top()) {
		keys = append(keys, keyBack)
	}
	keys = append(keys, keyQuit)
	w.help.SetWidth(inner) // stops drawing keys that would not fit
	lines = append(lines, truncate(w.help.ShortHelpView(keys), inner))
	return strings.Join(lines, "\n")
}

// fullHelp is every key of the screen in front, with what it does.
func (w *Wizard) fullHelp(width int) string {
	var b strings.Builder
	b.WriteString(headingStyle.Render("Keys on this screen") + "\n\n")
	all := append(w.top().keys(), keyPageUp, keyPageDown, keyHelp, keyBack, keyQuit)
	for _, k := range all {
		h := k.Help()
		fmt.Fprintf(&b, "  %-14s %s\n", h.Key, h.Desc)
	}
	b.WriteString("\n" + wrap("Keys typed while mspwire is busy wait their turn and are applied in order. esc, ? or q closes this.", width))
	return b.String()
}

var errStyle = lipgloss.NewStyle().Bold(true)

func wrap(s string, width int) string {
	width = max(width, 10)
	out := lipgloss.NewStyle().Width(width).Render(s)
	if lipgloss.Width(out) <= width {
		return out
	}
	// lipgloss keeps the space a line was broken at: one cell too wide.
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if lipgloss.Width(l) > width {
			lines[i] = strings.TrimRight(l, " ")
		}
	}
	return strings.Join(lines, "\n")
}

// Messages the root and screens share.
type (
	errMsg    struct{ err error }
	statusMsg struct {
		report status.Report
		stage  Stage
		notes  []string // what the start-up check did or found
	}
)
