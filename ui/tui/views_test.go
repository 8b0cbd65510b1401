package tui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/checks"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/resume"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/rotate"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
)

// fixed answers every question with the same data, so the views can be
// compared with golden files. It is for drawing only: the flows behind the
// real backend are tested against the sandbox.
type fixed struct {
	stage  Stage
	review *review.Model
}

var verifiedAt = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

func (f fixed) Status(context.Context) (status.Report, error) {
	return status.Report{Profile: "acme-msp", DataFile: "/home/tech/.local/share/mspwire/mspwire.db", Systems: []status.System{
		{ID: "halopsa", Name: "HaloPSA", Configured: true, BaseURL: "https://acme.halopsa.com", Secret: store.SourceKeyring, VerifiedAt: &verifiedAt, ActsAs: `API agent "Liongard API" (id 2)`},
		{ID: "liongard", Name: "Liongard", Configured: true, BaseURL: "https://us1.app.liongard.com", Secret: store.SourceEnv, SecretEnv: "MSPWIRE_LIONGARD_KEY_SECRET"},
		{ID: "itglue", Name: "IT Glue", Secret: store.SourceMissing},
		{ID: "hudu", Name: "Hudu", Secret: store.SourceEnv, SecretEnv: "MSPWIRE_HUDU_API_KEY"}}}, nil
}
func (f fixed) Stage(context.Context) (Stage, error) { return f.stage, nil }
func (f fixed) Answers(context.Context) (path.Answers, error) {
	return path.Answers{DocsTool: "hudu"}, nil
}
func (f fixed) Answer(context.Context, path.Answers) (path.ID, string, error) {
	return path.A, "a summary in the docs tool is enough", nil
}
func (f fixed) ChoosePath(context.Context, path.ID) error { return nil }
func (f fixed) Plan(context.Context) (onboard.Plan, error) {
	p := onboard.Plan{Path: path.A, Recommended: path.A, Reason: "a summary in the docs tool is enough, so the simplest chain with HaloPSA as the single source fits",
		DocsTool: "hudu", Systems: adapter.Systems(path.A, "hudu", nil), Source: "halopsa"}
	for i, s := range path.Steps(path.A, "hudu") {
		p.Steps = append(p.Steps, onboard.StepState{Step: s, Done: i < 3, How: "verified"})
	}
	return p, nil
}
func (f fixed) Defaults(string) (connect.Values, string) {
	return connect.Values{"url": "https://acme.halopsa.com", "client_id": "3c0f4e7a-demo"}, "a-secret-never-shown"
}
func (f fixed) Connect(context.Context, string, connect.Values, string) (connect.Verified, error) {
	return connect.Verified{ActsAs: "instance us1, 212 environments"}, nil
}
func (f fixed) ITGlueChoices(context.Context) ([]onboard.Choice, []onboard.Choice, error) {
	return []onboard.Choice{{Name: "Active", Count: 180}, {Name: "Inactive", Count: 14}}, []onboard.Choice{{Name: "Customer", Count: 190}}, nil
}
func (f fixed) SetSource(context.Context, string, []string, []string) (int, error) { return -1, nil }
func (f fixed) FetchInventories(context.Context, onboard.FetchObserver) ([]onboard.Fetched, error) {
	return nil, errors.New("not in the golden views")
}
func (f fixed) AlertMapping(context.Context) ([]path.Mapping, error) {
	return path.ProposeAlertMapping([]string{"New", "In Progress", "Resolved", "Closed"}, []string{"Critical", "High", "Medium", "Low"}), nil
}
func (f fixed) Tick(context.Context, string, bool) error { return nil }
func (f fixed) VerifySteps(context.Context) (map[string]string, error) {
	return map[string]string{"hudu-halopsa": `asset layout "Locations" is inactive`}, nil
}
func (f fixed) Rotate(context.Context, string, connect.Values, string) (rotate.Result, error) {
	return rotate.Result{}, nil
}
func (f fixed) Resume(context.Context) (resume.Report, error) { return resume.Report{}, nil }

func (f fixed) NewDemoSecret(context.Context, string) (connect.Values, string) {
	return connect.Values{}, ""
}
func (f fixed) Review(context.Context, bool) (*review.Model, error) { return f.review, nil }

// fixedPlan is plan 7 of a small tenant on path A.
func fixedPlan() SyncPlan {
	p := store.Plan{ID: 7, Path: "A", Source: "halopsa", CreatedAt: verifiedAt,
		Notes: []string{remedy.Note("2 HaloPSA clients are not decided yet and are left out", remedy.Remedy{Do: remedy.DecideLinks, Workflow: "onboarding", Arg: "halopsa:liongard"})}}
	var actions []store.Action
	add := func(kind store.ActionKind, system, summary string) {
		actions = append(actions, store.Action{ID: int64(len(actions) + 1), Kind: kind, System: system, Summary: summary, State: store.ActionPending})
	}
	for _, n := range []string{"Zephyr Labs", "Cedar Accounting", "Summit Roofing LLC"} {
		add("create", "liongard", fmt.Sprintf("Create Liongard environment %q (Core) for HaloPSA client %q", n, n))
	}
	add("group", "liongard", `Put 3 environments in Liongard's Environment Group "Managed"`)
	for _, n := range []string{"Zephyr Labs", "Cedar Accounting", "Bayside Veterinary Clinic", "Acme Dental, Inc."} {
		add("create", "hudu", fmt.Sprintf("Create Hudu company %q for HaloPSA client %q", n, n))
	}
	for _, n := range []string{"Acme Dental", "Bayside Vet Clinic", "Summit Roofing"} {
		add("link", "hudu", fmt.Sprintf("Set Hudu's HaloPSA matcher %q to company %q", n, n))
	}
	add("checklist", "liongard", "Map each Liongard environment to its HaloPSA client in Liongard's HaloPSA integration")
	return SyncPlan{Plan: p, Actions: actions}
}

func (f fixed) Doctor(context.Context) (checks.Report, error) {
	return checks.Report{Ran: []string{"halopsa-mandatory-fields", "halopsa-api-agents", "hudu-layouts", "drift"},
		Findings: []checks.Finding{
			{Check: "hudu-layouts", Severity: checks.Error, System: "hudu", Summary: `Hudu lacks an active asset layout for "Locations" (sites)`,
				Records: []checks.Record{{System: "hudu", ID: "11", Name: "Locations: inactive (the layout for sites)"}},
				Fix:     "Hudu > Admin > Asset Layouts: create or activate the layouts, then set sort rules before the next sync"},
			{Check: "drift", Severity: checks.Warn, Summary: "drift since plan 7 was applied, in HaloPSA clients the other systems do not reflect: 1 added, 1 renamed, 0 archived",
				Records: []checks.Record{{System: "halopsa", ID: "61", Name: "Quillfeather Vets (added)"}, {System: "halopsa", ID: "17", Name: `Zanzibar Group (was "Cedar Accounting")`}},
				Fix:     "mspwire inventory fetch, decide the new rows in the review, then mspwire plan and mspwire apply"},
		},
		Questions: []checks.Question{{ID: "alert-templates", Check: "liongard-alert-templates", System: "liongard",
			Text: "Is an alert template with HaloPSA as its destination assigned to every customer environment in Liongard?",
			Why:  "Liongard's APIs list alerts but not which template an environment has", Fix: "Liongard > Admin > Actionable Alerts > Environments"}},
	}, nil
}
func (f fixed) AnswerQuestion(context.Context, string, bool) error { return nil }

func (f fixed) MakePlan(context.Context) (SyncPlan, error) { return fixedPlan(), nil }
func (f fixed) SyncPlan(_ context.Context, id int64) (SyncPlan, error) {
	sp := fixedPlan()
	if f.stage == onboard.StageSteps { // confirmed, and its apply stopped
		sp.Plan.ConfirmedAt, sp.Plan.ConfirmedBy = &verifiedAt, "operator:tech"
	}
	return sp, nil
}
func (f fixed) ConfirmPlan(context.Context, int64, string) error { return nil }
func (f fixed) SetHuduFeeds(context.Context, string) error       { return nil }

// Apply does every action, but one Hudu link fails.
func (f fixed) Apply(ctx context.Context, id int64, obs apply.Observer) (apply.Result, error) {
	sp := fixedPlan()
	ended := events(sp.Actions)
	var c apply.Counts
	for _, a := range sp.Actions {
		if a.Kind == "link" && strings.Contains(a.Summary, "Summit") {
			a.State, a.Error = store.ActionFailed, `Hudu: PUT /api/v1/integrations/matchers/14: 422 Unprocessable Entity: "company_id is already matched"`
		} else {
			a.State = store.ActionDone
		}
		ev := ended(a)
		obs.Action(ev)
		c = ev.Counts
	}
	return apply.Result{Plan: sp.Plan, Counts: c}, nil
}

// events makes the events an apply of actions tells, counting as it does.
func events(actions []store.Action) func(a store.Action) apply.Event {
	now := apply.CountOf(actions)
	_, per := apply.BySystem(actions)
	was := map[int64]store.ActionState{}
	for _, a := range actions {
		was[a.ID] = a.State
	}
	return func(a store.Action) apply.Event {
		sys := per[a.System]
		for _, c := range []*apply.Counts{&now, &sys} {
			moveState(c, was[a.ID], a.State)
		}
		per[a.System], was[a.ID] = sys, a.State
		return apply.Event{Action: a, Counts: now, System: sys}
	}
}

func moveState(c *apply.Counts, from, to store.ActionState) {
	for state, n := range map[store.ActionState]int{from: -1, to: 1} {
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
}

// drive runs a wizard as the program would, but synchronously: each
// command's message goes back into Update, batches are opened, the
// spinner's ticks are left out (they only redraw).
func drive(w *Wizard, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch m := cmd().(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range m {
			drive(w, c)
		}
	default:
		_, next := w.Update(m)
		drive(w, next)
	}
}

func send(w *Wizard, msgs ...tea.Msg) {
	for _, m := range msgs {
		_, cmd := w.Update(m)
		drive(w, cmd)
	}
}

func press(keys ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range keys {
		switch k {
		case "enter":
			out = append(out, tea.KeyPressMsg{Code: tea.KeyEnter})
		case "down":
			out = append(out, tea.KeyPressMsg{Code: tea.KeyDown})
		case "esc":
			out = append(out, tea.KeyPressMsg{Code: tea.KeyEscape})
		default:
			out = append(out, tea.KeyPressMsg{Code: rune(k[0]), Text: k})
		}
	}
	return out
}

// reviewModel is a small review in a real store.
func reviewModel(t *testing.T) *review.Model {
	t.Helper()
	st := storetest.Open(t)
	ctx := context.Background()
	st.SaveOnboarding(ctx, store.Onboarding{Profile: "acme-msp", Path: "A", Source: "halopsa", Answers: []byte(`{"docs_tool":"hudu"}`)})
	inv := map[string][]string{
		"halopsa":  {"Acme Dental, Inc.", "Bayside Veterinary Clinic", "Cedar Accounting", "Summit Roofing", "Summit Roofing LLC", "Zephyr Labs", "Northwind Traders (Denver)"},
		"liongard": {"ACME DENTAL", "Bayside Veterinary", "Cedar Accountants Group", "Summit Roofing", "Northwind Traders"},
		"hudu":     {"Acme Dental", "Bayside Vet Clinic", "Summit Roofing"},
	}
	for sys, names := range inv {
		var recs []store.InventoryRecord
		for i, n := range names {
			recs = append(recs, store.InventoryRecord{ExternalID: fmt.Sprint(100*len(sys) + i), Name: n})
		}
		st.ReplaceRecords(ctx, "acme-msp", sys, recs)
	}
	m, err := review.Open(ctx, st, "acme-msp", "operator:tech")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Suggest(ctx); err != nil {
		t.Fatal(err)
	}
	return m
}

// scenes put the wizard on each screen, as an operator's keys would.
func scenes(t *testing.T) map[string]func() *Wizard {
	model := reviewModel(t)
	at := func(stage Stage, keys ...tea.Msg) func() *Wizard {
		return func() *Wizard {
			w := NewWizard(context.Background(), fixed{stage: stage, review: model})
			send(w, tea.WindowSizeMsg{Width: 80, Height: 24})
			drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
			send(w, keys...)
			return w
		}
	}
	return map[string]func() *Wizard{
		"home":           at(onboard.StageQuestions),
		"questions":      at(onboard.StageQuestions, press("enter", "down")...),
		"path":           at(onboard.StagePath, press("enter")...),
		"credentials":    at(onboard.StageCredentials, press("enter", "r")...),
		"kept":           at(onboard.StageCredentials, press("enter")...),
		"connected":      at(onboard.StageCredentials, press("enter", "enter", "enter", "enter")...),
		"source":         at(onboard.StageSource, press("enter")...),
		"review":         at(onboard.StageReview, press("enter", "down")...),
		"remap":          at(onboard.StageReview, press("enter", "m", "s", "u")...),
		"steps":          at(onboard.StageSteps, press("enter", "down", "down", "down", "down", "down")...),
		"rotate":         at(onboard.StageSteps, press("r")...),
		"help":           at(onboard.StageReview, press("enter", "?")...),
		"plan":           at(onboard.StagePlan, press("enter", "down", "down", "down", "enter")...),
		"confirm":        at(onboard.StagePlan, press("enter", "y", "y", "e")...),
		"applied":        at(onboard.StagePlan, press("enter", "y", "y", "e", "s", "enter")...),
		"doctor":         at(onboard.StageSteps, press("d", "down", "enter")...),
		"billing":        at(onboard.StageReview, press("b")...),
		"billing-detail": at(onboard.StageReview, press("b", "down", "enter")...),
		"billing-items":  at(onboard.StageReview, press("b", "i", "down", "down", "enter")...),
		"devices":        at(onboard.StageReview, press("w", "f", "f", "down", "enter")...), // f twice: past "check mapping", to "to set"
		"accounts":       at(onboard.StageReview, press("u", "down", "enter")...),
		"client":         at(onboard.StageReview, press("c", "c", "e", "d", "a", "r", "enter")...),
		"applying": func() *Wizard {
			w := at(onboard.StagePlan)()
			w.handle(pushEvent{newApplyScreen(7)}) // its answers are handed in below, mid-run
			w.deliver(applyPlanMsg{sp: fixedPlan()})
			ended := events(fixedPlan().Actions)
			for _, a := range fixedPlan().Actions[:6] {
				a.State = store.ActionDone
				w.deliver(applyEventMsg{ended(a)})
			}
			w.deliver(applyWaitMsg{apply.Wait{System: "Hudu", For: 9 * time.Second, Until: verifiedAt.Add(9 * time.Second), Attempt: 2, Reason: "rate limited"}})
			return w
		},
	}
}

var sizes = [][2]int{{60, 20}, {80, 24}, {120, 40}}

func TestWizardGoldenViews(t *testing.T) {
	clock = func() time.Time { return verifiedAt }
	t.Cleanup(func() { clock = time.Now })
	for name, build := range scenes(t) {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", name, size[0], size[1]), func(t *testing.T) {
				w := build()
				send(w, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				view := w.View().Content
				if strings.Contains(view, "a-secret-never-shown") {
					t.Fatal("a secret is on screen")
				}
				lines := strings.Split(view, "\n")
				if len(lines) > size[1] {
					t.Fatalf("%d lines on a %d-line terminal", len(lines), size[1])
				}
				for i, line := range lines {
					if lipgloss.Width(line) > size[0] {
						t.Fatalf("line %d is %d wide: %q", i, lipgloss.Width(line), line)
					}
				}
				golden.RequireEqual(t, view)
			})
		}
	}
}

// The fetch screen shows what the vendors do: pages read, a wait a 429
// imposed, and the counts when done.
func TestFetchShowsRealProgress(t *testing.T) {
	f := newFetchScreen()
	f.update(fetchPlanMsg{plan: onboard.Plan{Systems: adapter.Systems(path.A, "hudu", nil)}})
	f.update(fetchStartMsg{"halopsa"})
	f.update(fetchPageMsg{"halopsa", 3, 2000})
	view := f.view(100, 20)
	if !strings.Contains(view, "page 3 · 2,000 records") {
		t.Fatalf("no page progress:\n%s", view)
	}
	f.update(fetchedMsg{"halopsa", 2412, nil})
	f.update(fetchStartMsg{"liongard"})
	f.update(fetchWaitMsg{"liongard", apply.Wait{System: "Liongard", For: 30 * time.Second, Until: time.Now().Add(30 * time.Second), Attempt: 2, Reason: "rate limited"}})
	view = f.view(100, 20)
	for _, want := range []string{"✓ 2,412 records", "waiting 30s (rate limited, attempt 2)", "waiting its turn"} {
		if !strings.Contains(view, want) {
			t.Errorf("missing %q:\n%s", want, view)
		}
	}
}

func TestTooSmallRecovers(t *testing.T) {
	w := scenes(t)["steps"]()
	send(w, tea.WindowSizeMsg{Width: 50, Height: 15})
	if !strings.Contains(strings.Join(strings.Fields(w.View().Content), " "), "terminal too small: need 60×20") {
		t.Fatal(w.View().Content)
	}
	send(w, tea.WindowSizeMsg{Width: 100, Height: 30})
	if !strings.Contains(w.View().Content, "steps done") {
		t.Fatal("did not recover on resize")
	}
}

// No size from tiny to huge may draw a line wider or a view taller than
// the terminal.
func TestEveryScreenFitsEverySize(t *testing.T) {
	for name, build := range scenes(t) {
		w := build()
		for width := 20; width <= 200; width += 9 {
			for height := 5; height <= 60; height += 7 {
				send(w, tea.WindowSizeMsg{Width: width, Height: height})
				lines := strings.Split(w.View().Content, "\n")
				if len(lines) > height {
					t.Fatalf("%s at %dx%d: %d lines", name, width, height, len(lines))
				}
				for _, l := range lines {
					if lipgloss.Width(l) > width {
						t.Fatalf("%s at %dx%d: line %q is %d wide", name, width, height, l, lipgloss.Width(l))
					}
				}
			}
		}
	}
}

// blockedFetch answers a fetch only when released, whatever the context
// says: a vendor that is slow and a client that does not stop.
type blockedFetch struct {
	fixed
	release chan struct{}
}

func (b blockedFetch) FetchInventories(context.Context, onboard.FetchObserver) ([]onboard.Fetched, error) {
	<-b.release
	return nil, nil
}

// loop runs a wizard as the program does: commands off the update loop,
// their messages back into Update, one at a time, on the test's goroutine.
type loop struct {
	w       *Wizard
	out     chan tea.Msg
	pending int
}

func newLoop(w *Wizard) *loop { return &loop{w: w, out: make(chan tea.Msg, 64)} }

func (l *loop) start(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	l.pending++
	go func() { l.out <- cmd() }()
}

func (l *loop) send(m tea.Msg) {
	switch m := m.(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range m {
			l.start(c)
		}
	default:
		_, cmd := l.w.Update(m)
		l.start(cmd)
	}
}

// step handles the next answer.
func (l *loop) step() {
	m := <-l.out
	l.pending--
	l.send(m)
}

func (l *loop) drain() {
	for l.pending > 0 {
		l.step()
	}
}

// Esc during the inventory fetch goes back; the fetch's late answer is for
// a screen that left, and is dropped: it must not jump to another screen.
func TestLateAnswersOfAScreenThatLeftAreDropped(t *testing.T) {
	b := blockedFetch{fixed: fixed{stage: onboard.StageInventories}, release: make(chan struct{})}
	w := NewWizard(context.Background(), b)
	send(w, tea.WindowSizeMsg{Width: 100, Height: 30})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	l := newLoop(w)
	l.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	if w.State() != "Inventories" {
		t.Fatalf("enter led to %s", w.State())
	}
	l.step() // the plan: the fetch starts, and hangs
	l.send(tea.KeyPressMsg{Code: tea.KeyEscape})
	close(b.release)
	l.drain()
	if w.State() != "Home" || w.waiting != 0 {
		t.Fatalf("after the late answer the wizard shows %s (%d answers outstanding)", w.State(), w.waiting)
	}
}

// Down Enter Down Enter Down Enter, sent at once: each key lands on the
// question it was typed for.
func TestKeysTypedAheadLandWhereTheyWereMeant(t *testing.T) {
	var got path.Answers
	b := answerSpy{fixed: fixed{stage: onboard.StageQuestions}, got: &got}
	w := NewWizard(context.Background(), b)
	l := newLoop(w)
	l.start(w.run(w.top(), askEvent{fn: w.loadStatus}))
	for _, k := range press("enter", "down", "enter", "down", "enter", "down", "enter", "enter", "enter") {
		l.send(k) // before any answer came back: all wait their turn
	}
	l.drain()
	if got.TechsLiveIn != "docs" || got.DocsTool != "hudu" || !got.DeepData || got.LiveDocs || got.DedicatedOwner {
		t.Fatalf("answers %+v", got)
	}
}

type answerSpy struct {
	fixed
	got *path.Answers
}

func (a answerSpy) Answer(_ context.Context, x path.Answers) (path.ID, string, error) {
	*a.got = x
	return path.C, "", nil
}

func (a answerSpy) Answers(context.Context) (path.Answers, error) { return path.Answers{}, nil }

// interrupted is a profile whose last run died: a rotation half-done and
// an apply stopped part-way.
type interrupted struct{ fixed }

func (interrupted) Resume(context.Context) (resume.Report, error) {
	return resume.Report{Rotations: []resume.Rotation{{System: "hudu"}},
		Apply: &resume.Apply{Plan: store.Plan{ID: 7}, Total: 61, Done: 40, Left: 21}}, nil
}

// At start-up the wizard runs the same check as the commands, and says on
// its status line what it finished and what waits.
func TestStartUpSaysWhatWasInterrupted(t *testing.T) {
	w := NewWizard(context.Background(), interrupted{fixed{stage: onboard.StageSteps}})
	send(w, tea.WindowSizeMsg{Width: 140, Height: 45})
	drive(w, w.Init())
	view := strings.Join(strings.Fields(xansi.Strip(w.View().Content)), " ")
	for _, want := range []string{"hudu: finished a rotation", "apply of plan 7 was interrupted (40 of 61 done)", "press a to finish it"} {
		if !strings.Contains(view, want) {
			t.Fatalf("the start-up check's %q is not shown:\n%s", want, view)
		}
	}
}

type confirmSpy struct {
	fixed
	confirmed *int
	changed   []string
}

func (c confirmSpy) ConfirmPlan(_ context.Context, _ int64, typed string) error {
	if apply.Confirms(typed) {
		*c.confirmed++
	}
	return nil
}

func (c confirmSpy) SyncPlan(ctx context.Context, id int64) (SyncPlan, error) {
	sp, err := c.fixed.SyncPlan(ctx, id)
	sp.Changed = c.changed
	return sp, err
}

// "y", "yes", enter typed before the confirmation is on screen do not
// confirm it: only what is typed into the dialog does.
func TestConfirmIgnoresKeysTypedBeforeTheDialog(t *testing.T) {
	n := 0
	w := NewWizard(context.Background(), confirmSpy{fixed: fixed{stage: onboard.StagePlan}, confirmed: &n})
	l := newLoop(w)
	l.start(w.run(w.top(), askEvent{fn: w.loadStatus}))
	for _, k := range press("enter", "y", "y", "e", "s", "enter") {
		l.send(k) // all before the plan, let alone the dialog, is drawn
	}
	l.drain()
	p, ok := w.top().(*planScreen)
	if !ok || p.confirm == nil || n != 0 {
		t.Fatalf("after keys typed ahead: screen %s, dialog open %v, confirmed %d times", w.State(), ok && p.confirm != nil, n)
	}
	for _, k := range press("y", "e", "s", "enter") {
		l.send(k)
	}
	l.drain()
	if n != 1 || w.State() != "Apply plan 7" {
		t.Fatalf("typed yes: confirmed %d times, screen %s", n, w.State())
	}
}

// Enter with anything but yes cancels; a stale plan is refused, saying
// what changed, and the dialog never opens.
func TestConfirmCancelsByDefaultAndStalePlansAreRefused(t *testing.T) {
	n := 0
	w := NewWizard(context.Background(), confirmSpy{fixed: fixed{stage: onboard.StagePlan}, confirmed: &n})
	send(w, tea.WindowSizeMsg{Width: 100, Height: 30})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("enter", "y", "n", "o", "enter")...)
	if n != 0 || !strings.Contains(w.status, "Not applied") {
		t.Fatalf("enter after %q: confirmed %d times, status %q", "no", n, w.status)
	}

	stale := NewWizard(context.Background(), confirmSpy{fixed: fixed{stage: onboard.StagePlan}, confirmed: &n,
		changed: []string{"the HaloPSA inventory changed (2 clients added)"}})
	send(stale, tea.WindowSizeMsg{Width: 100, Height: 30})
	drive(stale, stale.run(stale.top(), askEvent{fn: stale.loadStatus}))
	send(stale, press("enter", "y", "y", "e", "s", "enter")...)
	view := strings.Join(strings.Fields(xansi.Strip(stale.View().Content)), " ")
	if n != 0 || !strings.Contains(view, "2 clients added") || !strings.Contains(view, "Press r for a fresh plan") {
		t.Fatalf("a stale plan: confirmed %d times; screen:\n%s", n, view)
	}
}

// interruptedPlan is a profile whose last apply stopped: planning anew is
// refused until it is finished.
type interruptedPlan struct{ fixed }

func (interruptedPlan) MakePlan(context.Context) (SyncPlan, error) {
	return SyncPlan{}, apply.ErrInterrupted
}
func (i interruptedPlan) SyncPlan(ctx context.Context, id int64) (SyncPlan, error) {
	sp := fixedPlan()
	sp.Plan.ConfirmedAt, sp.Plan.ConfirmedBy = &verifiedAt, "operator:tech"
	return sp, nil
}

// Asked for a fresh plan while an apply is unfinished, the plan screen
// shows the unfinished plan, says why, and y finishes it (no typed yes).
func TestPlanScreenOffersTheInterruptedApply(t *testing.T) {
	w := NewWizard(context.Background(), interruptedPlan{fixed{stage: onboard.StagePlan}})
	send(w, tea.WindowSizeMsg{Width: 120, Height: 40})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("enter")...)
	view := strings.Join(strings.Fields(xansi.Strip(w.View().Content)), " ")
	for _, want := range []string{"An apply was interrupted", "finish the apply", "Confirmed by operator:tech"} {
		if !strings.Contains(view, want) {
			t.Fatalf("missing %q:\n%s", want, view)
		}
	}
	send(w, press("y")...)
	if w.State() != "Apply plan 7" {
		t.Fatalf("y led to %s", w.State())
	}
}

// y pressed on the plan as drawn, then "yes" and enter typed at once,
// while the plan is re-checked: the typed yes lands in the confirmation
// and confirms, as the README promises keys typed while it works do.
func TestAYesTypedWhileThePlanIsRecheckedConfirms(t *testing.T) {
	n := 0
	w := NewWizard(context.Background(), confirmSpy{fixed: fixed{stage: onboard.StagePlan}, confirmed: &n})
	l := newLoop(w)
	l.start(w.run(w.top(), askEvent{fn: w.loadStatus}))
	l.send(press("enter")[0])
	l.drain() // the plan is on screen
	for _, k := range press("y", "y", "e", "s", "enter") {
		l.send(k) // y, then yes⏎ typed before the re-check answers
	}
	l.drain()
	if n != 1 || w.State() != "Apply plan 7" {
		t.Fatalf("typed ahead while re-checking: confirmed %d times, screen %s", n, w.State())
	}
}

// A workflow's plan is headed by its kind and the flags it was made with,
// not by onboarding's empty path and source.
func TestAWorkflowPlanSaysItsKindAndFlags(t *testing.T) {
	pl := store.Plan{ID: 4, Kind: "stale_accounts", Inputs: map[string]string{"intent:--days": "60", "intent:team": "Service Desk", "client:12": "ab"}}
	if got := planHead(pl); got != "Plan 4 · stale accounts · --days 60." {
		t.Fatalf("head %q", got)
	}
	pl = store.Plan{ID: 5, Kind: "devices", Inputs: map[string]string{"intent:--replace": "true"}}
	if got := planHead(pl); got != "Plan 5 · devices · --replace." {
		t.Fatalf("head %q", got)
	}
}

// After an apply, h goes home in one key, however deep the apply was.
func TestHomeInOneKeyAfterAnApply(t *testing.T) {
	w := scenes(t)["applied"]()
	if depth := len(w.stack); depth < 2 || !strings.HasPrefix(w.State(), "Apply plan") {
		t.Fatalf("the scene is not an apply on top of %d screens: %s", depth, w.State())
	}
	send(w, press("h")...)
	if len(w.stack) != 1 || w.State() != "Home" {
		t.Fatalf("h after the apply: %d screens, %s", len(w.stack), w.State())
	}
}

// The time left is the pace so far over what is not done, and never less
// than a rate-limit wait under way.
func TestApplySaysTheTimeLeft(t *testing.T) {
	a := newApplyScreen(7)
	a.started = verifiedAt
	a.per = map[string]*applyState{"hudu": {}}
	now := verifiedAt.Add(time.Minute)
	if got := a.left(now, 6, 12); got != time.Minute {
		t.Errorf("6 of 12 done in a minute: %s left", got)
	}
	a.per["hudu"].wait = &apply.Wait{Until: now.Add(90 * time.Second)}
	if got := a.left(now, 6, 12); got != 90*time.Second {
		t.Errorf("waiting 90s on a rate limit: %s left", got)
	}
	a.per["hudu"].wait = nil
	if got := a.left(verifiedAt, 0, 12); got != 0 {
		t.Errorf("nothing done yet and no wait: %s left", got)
	}
}

// A vendor's rate limit met while the wizard works (Liongard's evaluate
// throttle while a plan is made) is said under the spinner, with the time
// left, and goes when the answer comes.
func TestAVendorsWaitIsSaidWhileTheWizardWorks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Retry-After", "30")
		rw.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := httpx.New(httpx.Config{System: "liongard", BaseURL: srv.URL})
	w := NewWizard(context.Background(), fixed{stage: onboard.StageReview})
	send(w, tea.WindowSizeMsg{Width: 100, Height: 30})
	batch, ok := w.run(w.top(), askEvent{label: "Working out the plan…", fn: func(ctx context.Context) tea.Msg {
		c.Get(ctx, "/api/v1/metrics/evaluate", nil) //nolint:errcheck // its end is the cancel below
		return nil
	}})().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("the ask is not the call and a listener: %T", batch)
	}
	answer := make(chan tea.Msg, 1)
	go func() { answer <- batch[0]() }()
	w.Update(batch[1]()) // blocks until the client reports its wait; the next listen is left alone
	if got := xansi.Strip(w.View().Content); !strings.Contains(got, "Liongard asks mspwire to wait (rate limited):") {
		t.Fatalf("the wait is not said:\n%s", got)
	}
	w.top().base().cancel() // the operator leaves: the call stops waiting
	send(w, <-answer)
	if got := xansi.Strip(w.View().Content); strings.Contains(got, "asks mspwire to wait") {
		t.Fatalf("the wait outlives its ask:\n%s", got)
	}
}

// c on home asks for a client; words that name no client, or two, say so
// and keep the words to correct; n asks for another once a page is shown.
func TestClientPageAsksAgainUntilOneClientIsNamed(t *testing.T) {
	w := NewWizard(context.Background(), fixed{stage: onboard.StageReview})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("c", "z", "z", "z", "enter")...)
	if got := xansi.Strip(w.View().Content); !strings.Contains(got, `"zzz" names 0 clients`) || !strings.Contains(got, "Client: zzz") {
		t.Fatalf("no client named: the error and the words kept are not shown:\n%s", got)
	}
	send(w, tea.KeyPressMsg{Code: tea.KeyBackspace}, tea.KeyPressMsg{Code: tea.KeyBackspace}, tea.KeyPressMsg{Code: tea.KeyBackspace})
	send(w, press("b", "a", "y", "enter")...)
	got := xansi.Strip(w.View().Content)
	if !strings.Contains(got, "## Bayside Veterinary Clinic") || !strings.Contains(got, "n another client") {
		t.Fatalf("the page of the one client named is not shown:\n%s", got)
	}
	send(w, press("n")...)
	if got := xansi.Strip(w.View().Content); !strings.Contains(got, "Client: bay") {
		t.Fatalf("n does not ask again with the last words:\n%s", got)
	}
}

// A plan whose making created a Liongard metric does not say nothing was
// sent yet.
func TestAPlanThatMadeAMetricSaysSo(t *testing.T) {
	sp := fixedPlan()
	sp.Plan.Kind, sp.Plan.ConfirmedAt, sp.Plan.FinishedAt = "stale_accounts", nil, nil
	sp.Plan.Notes = []string{change.MadeNote(`Liongard, once, the metric "mspwire: Microsoft 365 sign-ins" (id 90004) for the alert rule to watch`)}
	p := newPlanScreen(false, sp.Plan.ID)
	p.update(syncPlanMsg{sp: sp})
	got := xansi.Strip(p.view(100, 40))
	if strings.Contains(got, "Nothing is sent until") || !strings.Contains(got, "Making it created in Liongard") {
		t.Fatalf("the plan does not say its making sent something:\n%s", got)
	}
}
