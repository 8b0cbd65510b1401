package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/status"
)

type state int

const (
	stateHome state = iota
	stateQuestions
	statePath
	stateCreds
	stateSource
	stateFetch
	stateSteps
	stateRotate
)

var stateNames = map[state]string{stateHome: "Home", stateQuestions: "Questions", statePath: "Integration path",
	stateCreds: "Credentials", stateSource: "Source of truth", stateFetch: "Inventories", stateSteps: "Steps", stateRotate: "Rotate a credential"}

// Wizard is the root model: it alone changes state; the screens report
// what the operator decided as messages.
type Wizard struct {
	ctx     context.Context
	b       Backend
	state   state
	width   int
	height  int
	report  status.Report
	plan    onboard.Plan
	err     error
	busy    string // what the wizard is waiting for, shown with the spinner
	spin    spinner.Model
	help    help.Model
	keys    wizardKeys
	home    Home
	quest   *questionsScreen
	path    pathScreen
	creds   *credsScreen
	source  *sourceScreen
	fetch   fetchScreen
	steps   stepsScreen
	rotate  *rotateScreen
	answers path.Answers
}

type wizardKeys struct {
	Quit key.Binding
	Home key.Binding
}

// NewWizard makes the wizard for a backend.
func NewWizard(ctx context.Context, b Backend) *Wizard {
	return &Wizard{ctx: ctx, b: b, width: 80, height: 24, spin: spinner.New(spinner.WithSpinner(spinner.Dot)), help: help.New(),
		keys: wizardKeys{
			Quit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
			Home: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "home")),
		}}
}

// State names the screen shown, for tests.
func (w *Wizard) State() string { return stateNames[w.state] }

func (w *Wizard) Init() tea.Cmd { return tea.Batch(w.loadStatus(), w.spin.Tick) }

func (w *Wizard) loadStatus() tea.Cmd {
	return func() tea.Msg {
		r, err := w.b.Status(w.ctx)
		if err != nil {
			return errMsg{err}
		}
		if p, err := w.b.Plan(w.ctx); err == nil {
			return statusMsg{r, &p}
		}
		return statusMsg{r, nil}
	}
}

func (w *Wizard) loadPlan() tea.Cmd {
	return func() tea.Msg {
		p, err := w.b.Plan(w.ctx)
		if err != nil {
			return errMsg{err}
		}
		return planMsg{p}
	}
}

func (w *Wizard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w.width, w.height = msg.Width, msg.Height
		w.home.width, w.home.height = msg.Width, msg.Height
	case tea.KeyPressMsg:
		if key.Matches(msg, w.keys.Quit) {
			return w, tea.Quit
		}
		if key.Matches(msg, w.keys.Home) && w.state != stateHome && w.busy == "" {
			w.state, w.err = stateHome, nil
			return w, w.loadStatus()
		}
	case spinner.TickMsg:
		var cmd tea.Cmd
		w.spin, cmd = w.spin.Update(msg)
		return w, cmd
	case errMsg:
		w.err, w.busy = msg.err, ""
		return w, nil
	case statusMsg:
		w.report = msg.report
		w.home = NewHome(msg.report)
		w.home.width, w.home.height = w.width, w.height
		if msg.plan != nil {
			w.plan = *msg.plan
			w.home.progress = progressLine(w.plan)
		}
		return w, nil
	case answeredMsg:
		w.busy = ""
		w.path = newPathScreen(msg.rec, msg.reason)
		w.state = statePath
		return w, nil
	case planMsg:
		w.busy, w.plan = "", msg.plan
		return w, w.afterPlan()
	case connectedMsg:
		w.busy = ""
		return w, w.creds.connected(msg)
	case choicesMsg:
		w.busy = ""
		if msg.err != nil {
			w.err = msg.err
		}
		return w, w.source.withChoices(msg.statuses, msg.types)
	case sourceSetMsg:
		w.busy = ""
		w.fetch = newFetchScreen(w.plan.Systems)
		w.state = stateFetch
		return w, w.fetchNext()
	case fetchedMsg:
		w.fetch.done(msg)
		if next := w.fetchNext(); next != nil {
			return w, next
		}
		w.state = stateSteps
		return w, tea.Batch(w.verifySteps(), w.loadMapping())
	case mappingMsg:
		w.steps.mapping = msg.mapping
		return w, nil
	case findingsMsg:
		w.steps.findings = msg.findings
		return w, w.loadPlan()
	case startRotationMsg:
		w.err = nil
		w.rotate = newRotateScreen(w.report)
		w.state = stateRotate
		return w, w.rotate.init()
	case rotateMsg:
		w.busy = "Checking the new " + msg.system + " secret…"
		return w, func() tea.Msg {
			res, err := w.b.Rotate(w.ctx, msg.system, msg.fields, msg.secret)
			return rotatedMsg{res, err}
		}
	case rotatedMsg:
		w.busy = ""
		w.rotate.result = &msg
		return w, nil
	case startOnboardingMsg:
		w.err = nil
		w.quest = newQuestionsScreen(w.answers)
		w.state = stateQuestions
		return w, w.quest.form.Init()
	case questionsDoneMsg:
		w.answers = msg.answers
		w.busy = "Saving your answers…"
		return w, func() tea.Msg {
			rec, why, err := w.b.Answer(w.ctx, msg.answers)
			if err != nil {
				return errMsg{err}
			}
			return answeredMsg{rec, why}
		}
	case pathChosenMsg:
		w.busy = "Saving the path…"
		return w, func() tea.Msg {
			if err := w.b.ChoosePath(w.ctx, msg.path); err != nil {
				return errMsg{err}
			}
			p, err := w.b.Plan(w.ctx)
			if err != nil {
				return errMsg{err}
			}
			return planMsg{p}
		}
	case testConnectionMsg:
		w.busy = "Testing the " + msg.system + " connection…"
		return w, func() tea.Msg {
			v, err := w.b.Connect(w.ctx, msg.system, msg.fields, msg.secret)
			return connectedMsg{msg.system, v, err}
		}
	case credsDoneMsg:
		w.source = newSourceScreen(w.plan.Path)
		w.state = stateSource
		if w.plan.Path == path.B {
			w.busy = "Reading IT Glue's statuses and types…"
			return w, func() tea.Msg {
				s, t, err := w.b.ITGlueChoices(w.ctx)
				return choicesMsg{s, t, err}
			}
		}
		return w, w.source.withChoices(nil, nil)
	case sourceChosenMsg:
		w.busy = "Saving the source of truth…"
		return w, func() tea.Msg {
			n, err := w.b.SetSource(w.ctx, msg.source, msg.statuses, msg.types)
			if err != nil {
				return errMsg{err}
			}
			return sourceSetMsg{n}
		}
	case tickMsg:
		return w, func() tea.Msg {
			if err := w.b.Tick(w.ctx, msg.step, msg.done); err != nil {
				return errMsg{err}
			}
			p, err := w.b.Plan(w.ctx)
			if err != nil {
				return errMsg{err}
			}
			return planMsg{p}
		}
	}
	return w, w.updateScreen(msg)
}

// afterPlan moves on once a plan has been (re)loaded.
func (w *Wizard) afterPlan() tea.Cmd {
	switch w.state {
	case statePath:
		w.creds = newCredsScreen(w.plan.Systems, w.b.Defaults)
		w.state = stateCreds
		return w.creds.init()
	case stateSteps:
		w.steps.plan = w.plan
	}
	return nil
}

func (w *Wizard) fetchNext() tea.Cmd {
	sys, ok := w.fetch.next()
	if !ok {
		return nil
	}
	return func() tea.Msg {
		n, err := w.b.FetchSystem(w.ctx, sys)
		return fetchedMsg{sys, n, err}
	}
}

// verifySteps checks what the APIs can see, then the plan is reloaded.
func (w *Wizard) verifySteps() tea.Cmd {
	return func() tea.Msg {
		f, err := w.b.VerifySteps(w.ctx)
		if err != nil {
			return errMsg{err}
		}
		return findingsMsg{f}
	}
}

func (w *Wizard) loadMapping() tea.Cmd {
	return func() tea.Msg {
		m, err := w.b.AlertMapping(w.ctx)
		if err != nil {
			return nil // the steps show without a proposal
		}
		return mappingMsg{m}
	}
}

// updateScreen gives the message to the screen in front.
func (w *Wizard) updateScreen(msg tea.Msg) tea.Cmd {
	if w.busy != "" {
		return nil
	}
	switch w.state {
	case stateHome:
		return w.home.update(msg)
	case stateQuestions:
		return w.quest.update(msg)
	case statePath:
		return w.path.update(msg)
	case stateCreds:
		return w.creds.update(msg)
	case stateSource:
		return w.source.update(msg)
	case stateSteps:
		return w.steps.update(msg)
	case stateRotate:
		return w.rotate.update(msg)
	}
	return nil
}

// View lays out the whole screen from (width, height) alone.
func (w *Wizard) View() tea.View {
	v := tea.NewView(w.layout())
	v.AltScreen = true
	v.WindowTitle = "mspwire · " + w.report.Profile
	return v
}

func (w *Wizard) layout() string {
	if w.width < minWidth || w.height < minHeight {
		msg := fmt.Sprintf("terminal too small: need %d×%d, have %d×%d. Resize, or press ctrl+c to quit.", minWidth, minHeight, w.width, w.height)
		return lipgloss.NewStyle().Width(max(w.width, 1)).Render(msg)
	}
	if w.state == stateHome {
		return w.home.render()
	}
	compact := w.width < 120 || w.height < 30
	inner := w.width - 4
	// Title, blank lines, help and frame take eight rows; forms scroll
	// inside what is left.
	room := w.height - 8
	var body string
	switch w.state {
	case stateQuestions:
		body = w.quest.view(inner, room)
	case statePath:
		body = w.path.view(inner, compact)
	case stateCreds:
		body = w.creds.view(inner, room)
	case stateSource:
		body = w.source.view(inner, room)
	case stateFetch:
		body = w.fetch.view(inner)
	case stateSteps:
		body = w.steps.view(inner, w.height-8, compact)
	case stateRotate:
		body = w.rotate.view(inner, room)
	}
	title := titleStyle.Render("mspwire") + "  " + stateNames[w.state]
	if w.report.Profile != "" {
		title += dimStyle.Render("  · profile " + w.report.Profile)
	}
	var footer []string
	if w.busy != "" {
		footer = append(footer, w.spin.View()+" "+w.busy)
	}
	if w.err != nil {
		footer = append(footer, errStyle.Render(wrap("error: "+w.err.Error(), inner)))
	}
	footer = append(footer, w.help.ShortHelpView(append(w.screenKeys(), w.keys.Home, w.keys.Quit)))
	out := title + "\n\n" + body + "\n\n" + strings.Join(footer, "\n")
	return frameStyle.Render(clip(out, w.height-2, inner))
}

func (w *Wizard) screenKeys() []key.Binding {
	switch w.state {
	case statePath:
		return w.path.keys()
	case stateCreds:
		return w.creds.keys()
	case stateSteps:
		return w.steps.keys()
	}
	return nil
}

var errStyle = lipgloss.NewStyle().Bold(true)

// clip keeps a view inside the terminal: lines cut to width, the middle
// dropped when too tall (the title and footer stay).
func clip(s string, height, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = truncate(l, width)
	}
	if len(lines) > height && height > 4 {
		keep := height - 3
		lines = append(append(lines[:keep:keep], "…"), lines[len(lines)-2:]...)
	}
	return strings.Join(lines, "\n")
}

func wrap(s string, width int) string {
	return lipgloss.NewStyle().Width(max(width, 10)).Render(s)
}

// progressLine says how far the tenant's onboarding is.
func progressLine(p onboard.Plan) string {
	done := 0
	for _, s := range p.Steps {
		if s.Done {
			done++
		}
	}
	return fmt.Sprintf("path %s: %d of %d steps done", p.Path, done, len(p.Steps))
}
