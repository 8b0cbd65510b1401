package tui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/display"
)

// planScreen shows a sync plan grouped by system and kind, each group
// opening to its actions' summaries, and asks for a typed yes before
// anything is sent. Nothing on this screen writes to a vendor.
type planScreen struct {
	asks planAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	maker   *planMaker // makes a fresh plan of another kind than onboarding
	fresh   bool       // make a new plan on the way in
	id      int64      // else show this plan (0: the latest)
	sp      *SyncPlan
	groups  []planGroup
	cursor  int
	opened  map[int]bool
	confirm *textinput.Model // the typed confirmation, while open
}

// planGroup is a plan's actions of one kind in one system.
type planGroup struct {
	system  string
	kind    change.Kind
	actions []store.Action
}

// Expanded groups show at most this many summaries; `mspwire plan show`
// lists them all.
const maxShownActions = 200

var (
	plOpen    = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "open/close"))
	plApply   = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "apply (you type yes)"))
	plResume  = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "finish the apply"))
	plRetry   = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "retry the failed"))
	plFinish  = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "record it (nothing to send)"))
	plReplan  = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "make a fresh plan"))
	plFeeds   = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "what feeds Hudu (path C)"))
	plConfirm = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply if you typed yes"))
	plCancel  = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

type (
	syncPlanMsg struct {
		sp  SyncPlan
		err error
	}
	// recheckedMsg answers the staleness check made as the dialog opens.
	recheckedMsg struct {
		sp  SyncPlan
		err error
	}
	confirmedMsg struct{ err error }
)

func newPlanScreen(fresh bool, id int64) *planScreen {
	return &planScreen{fresh: fresh, id: id, opened: map[int]bool{}}
}

// planMaker makes a fresh plan of a workflow's kind: what the screen says
// while it works, and the backend call.
type planMaker struct {
	label string
	make  func(ctx context.Context) (SyncPlan, error)
}

// madeWhilePlanning says a producer's notes tell of a record it created
// while it made the plan (a Liongard metric, made once): then "nothing is
// sent until y" would not be true.
func madeWhilePlanning(notes []string) bool {
	for _, n := range notes {
		if change.IsMadeNote(n) {
			return true
		}
	}
	return false
}

// newMadePlanScreen shows a fresh plan a workflow's screen asked for.
func newMadePlanScreen(m planMaker) *planScreen {
	return &planScreen{maker: &m, fresh: true, opened: map[int]bool{}}
}

// again is a fresh plan of the same kind.
func (p *planScreen) again() *planScreen {
	if p.maker != nil {
		return newMadePlanScreen(*p.maker)
	}
	return newPlanScreen(true, 0)
}

func (p *planScreen) title() string {
	if p.sp == nil {
		return "Plan"
	}
	return fmt.Sprintf("Plan %d", p.sp.Plan.ID)
}

func (p *planScreen) typing() bool { return p.confirm != nil }
func (p *planScreen) modal() bool  { return p.confirm != nil }

func (p *planScreen) keys() []key.Binding {
	switch {
	case p.sp == nil:
		return nil
	case p.confirm != nil:
		return []key.Binding{plConfirm, plCancel}
	}
	keys := []key.Binding{keyUp, keyDown, plOpen}
	if k, ok := p.goKey(); ok {
		keys = append(keys, k)
	}
	keys = append(keys, plReplan)
	if p.choosesFeeds() {
		keys = append(keys, plFeeds)
	}
	return keys
}

// choosesFeeds: on path C, before the plan is confirmed, f chooses what
// feeds Hudu — Liongard alone, or HaloPSA's integration too.
func (p *planScreen) choosesFeeds() bool {
	return p.sp.Plan.Path == string(path.C) && p.sp.Plan.ConfirmedAt == nil
}

// feedsWords says what feeds Hudu as the plan screen shows it.
func feedsWords(feeds string) string {
	switch feeds {
	case store.HuduFeedLiongard:
		return "Hudu is fed by its Liongard integration alone; its HaloPSA matchers are left as they are. f: HaloPSA too."
	case store.HuduFeedBoth:
		return "Hudu is fed by Liongard and by HaloPSA (companies, contacts, tickets): each HaloPSA link is warned, keep the assets apart by hand. f: Liongard alone."
	}
	return "What feeds Hudu is not chosen yet: its HaloPSA matchers are left as they are. f: Liongard alone, then HaloPSA too."
}

// nextFeeds is what f chooses next.
func nextFeeds(feeds string) string {
	if feeds == store.HuduFeedLiongard {
		return store.HuduFeedBoth
	}
	return store.HuduFeedLiongard
}

// goKey is what y does for this plan, if anything.
func (p *planScreen) goKey() (key.Binding, bool) {
	pl, c := p.sp.Plan, countStates(p.sp.Actions)
	switch {
	case len(p.sp.Changed) > 0:
		return key.Binding{}, false
	case len(p.sp.Actions) == 0 && pl.FinishedAt == nil:
		return plFinish, true
	case pl.ConfirmedAt == nil:
		return plApply, true
	case pl.FinishedAt == nil:
		return plResume, true
	case c[store.ActionFailed]+c[store.ActionSkipped] > 0:
		return plRetry, true
	}
	return key.Binding{}, false
}

func (p *planScreen) start() event {
	fresh, id, maker := p.fresh, p.id, p.maker
	label := "Reading the plan…"
	switch {
	case fresh && maker != nil:
		label = maker.label
	case fresh:
		label = "Working out the plan from the review's decisions (nothing is sent)…"
	}
	return askEvent{label: label, fn: func(ctx context.Context) tea.Msg {
		b := p.asks
		if fresh && maker != nil {
			sp, err := maker.make(ctx)
			return syncPlanMsg{sp, err}
		}
		if fresh {
			sp, err := b.MakePlan(ctx)
			return syncPlanMsg{sp, err}
		}
		sp, err := b.SyncPlan(ctx, id)
		return syncPlanMsg{sp, err}
	}}
}

func (p *planScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case syncPlanMsg:
		if errors.Is(m.err, apply.ErrInterrupted) {
			// An apply stopped half-way: finish it before planning anew.
			p.fresh = false
			// The ask clears the status line: the note comes after it.
			return batchEvent{p.start(), infoEvent{"An apply was interrupted: here is its plan. Press y to finish it before planning anew."}}, nil
		}
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		p.sp = &m.sp
		p.groups = groupActions(m.sp.Actions)
		p.cursor = min(p.cursor, max(0, len(p.groups)-1))
	case recheckedMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		if len(m.sp.Changed) > 0 {
			p.sp.Changed = m.sp.Changed
			return errorEvent{fmt.Errorf("the plan is stale: %s. Press r for a fresh one", strings.Join(m.sp.Changed, "; "))}, nil
		}
		if h := m.sp.Running; h != nil {
			p.sp.Running = h
			return errorEvent{fmt.Errorf("%s: leave it to finish; this screen sends nothing meanwhile", h)}, nil
		}
		if p.sp.Plan.ConfirmedAt != nil || len(p.sp.Actions) == 0 {
			return swapEvent{newApplyScreen(p.sp.Plan.ID)}, nil
		}
		ti := newTextInput("") // no placeholder: a hint in the field reads as typed
		ti.CharLimit = 8
		p.confirm = &ti
		return nil, nil
	case confirmedMsg:
		if m.err != nil {
			return errorEvent(m), nil
		}
		return swapEvent{newApplyScreen(p.sp.Plan.ID)}, nil
	case tea.KeyPressMsg:
		if p.sp == nil {
			return nil, nil
		}
		if p.confirm != nil {
			return p.confirmKey(m)
		}
		return p.browseKey(m), nil
	case tea.PasteMsg:
		if p.confirm != nil {
			var cmd tea.Cmd
			*p.confirm, cmd = p.confirm.Update(m)
			return nil, cmd
		}
	}
	return nil, nil
}

func (p *planScreen) browseKey(k tea.KeyPressMsg) event {
	keys := p.keys()
	switch {
	case offered(k, keys, keyUp):
		p.cursor = max(0, p.cursor-1)
	case offered(k, keys, keyDown):
		p.cursor = min(max(0, len(p.groups)-1), p.cursor+1)
	case offered(k, keys, plOpen):
		if len(p.groups) > 0 {
			p.opened[p.cursor] = !p.opened[p.cursor]
		}
	case offered(k, keys, plReplan):
		return swapEvent{p.again()}
	case offered(k, keys, plFeeds):
		feeds := nextFeeds(p.sp.HuduFeeds)
		return askEvent{label: "Planning again with what feeds Hudu (nothing is sent)…", fn: func(ctx context.Context) tea.Msg {
			b := p.asks
			if err := b.SetHuduFeeds(ctx, feeds); err != nil {
				return syncPlanMsg{err: err}
			}
			sp, err := b.MakePlan(ctx)
			return syncPlanMsg{sp, err}
		}}
	case key.Matches(k, plApply):
		if _, ok := p.goKey(); !ok {
			if len(p.sp.Changed) > 0 {
				return errorEvent{errors.New("the plan is stale: press r for a fresh one")}
			}
			return infoEvent{"This plan is applied: there is nothing left to send."}
		}
		// Look again before asking: the plan must still fit the inputs.
		// Keys typed meanwhile are the dialog's when this y was pressed on
		// the plan as drawn; typed ahead of the plan itself, or for a
		// dialog that does not open (stale), they are dropped.
		pl := p.sp.Plan
		label := "Checking the plan still fits the inventories and decisions…"
		if pl.Kind != change.Onboarding && pl.Kind != "" {
			label = "Checking what the plan was made from has not moved since…"
		}
		return askEvent{fresh: true, label: label, fn: func(ctx context.Context) tea.Msg {
			sp, err := p.asks.SyncPlan(ctx, pl.ID)
			return recheckedMsg{sp, err}
		}}
	}
	return nil
}

// confirmKey is a key in the dialog: yes and enter apply; enter with
// anything else, or esc, cancels (the default).
func (p *planScreen) confirmKey(k tea.KeyPressMsg) (event, tea.Cmd) {
	keys := p.keys()
	switch {
	case offered(k, keys, plCancel):
		p.confirm = nil
		return infoEvent{"Not applied: nothing was sent."}, nil
	case offered(k, keys, plConfirm):
		typed := p.confirm.Value()
		p.confirm = nil
		if !apply.Confirms(typed) {
			return infoEvent{"Not applied: nothing was sent (type yes to apply)."}, nil
		}
		id := p.sp.Plan.ID
		return askEvent{fresh: true, fn: func(ctx context.Context) tea.Msg {
			return confirmedMsg{p.asks.ConfirmPlan(ctx, id, typed)}
		}}, nil
	}
	var cmd tea.Cmd
	*p.confirm, cmd = p.confirm.Update(k)
	return nil, cmd
}

// groupActions lays a plan out as the sync runs: by system in the
// wizard's order, then by kind in plan order.
func groupActions(actions []store.Action) []planGroup {
	type at struct {
		system string
		kind   change.Kind
	}
	index := map[at]int{}
	var groups []planGroup
	for _, a := range actions {
		k := at{a.System, a.Kind}
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, planGroup{system: a.System, kind: a.Kind})
		}
		groups[i].actions = append(groups[i].actions, a)
	}
	sort.SliceStable(groups, func(i, j int) bool {
		if a, b := adapter.Order(groups[i].system), adapter.Order(groups[j].system); a != b {
			return a < b
		}
		return change.Order(groups[i].kind) < change.Order(groups[j].kind)
	})
	return groups
}

func countStates(actions []store.Action) map[store.ActionState]int {
	c := map[store.ActionState]int{}
	for _, a := range actions {
		c[a.State]++
	}
	return c
}

// stateWords is "12 done, 2 failed" for the states other than pending.
func stateWords(c map[store.ActionState]int) string {
	var parts []string
	for _, s := range []store.ActionState{store.ActionDone, store.ActionInFlight, store.ActionFailed, store.ActionSkipped} {
		if c[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[s], strings.ReplaceAll(string(s), "_", " ")))
		}
	}
	return strings.Join(parts, ", ")
}

var stateMarks = map[store.ActionState]string{store.ActionDone: "✓", store.ActionFailed: "✗", store.ActionInFlight: "…", store.ActionSkipped: "–"}

func (p *planScreen) view(width, height int) string {
	if p.sp == nil {
		return "Working out the plan…"
	}
	pl := p.sp.Plan
	var b strings.Builder
	b.WriteString(wrap(planHead(pl), width) + "\n")
	c := countStates(p.sp.Actions)
	switch {
	case len(p.sp.Actions) == 0 && (pl.Kind == change.Onboarding || pl.Kind == ""):
		b.WriteString(wrap("Nothing to do: every decision is already in the systems. Press y to record that.", width) + "\n")
	case len(p.sp.Actions) == 0:
		b.WriteString(wrap("Nothing to do: nothing you chose is left to send. Press y to record that.", width) + "\n")
	case pl.FinishedAt != nil:
		b.WriteString(wrap(fmt.Sprintf("%s. Applied: %s.", actionCounts(p.groups), stateWords(c)), width) + "\n")
	case pl.ConfirmedAt != nil:
		b.WriteString(wrap(fmt.Sprintf("%s. Confirmed by %s; its apply stopped with %d of %d done. Press y to finish it: what may have landed is looked up before anything is sent again.",
			actionCounts(p.groups), pl.ConfirmedBy, c[store.ActionDone], len(p.sp.Actions)), width) + "\n")
	case madeWhilePlanning(pl.Notes):
		b.WriteString(wrap(actionCounts(p.groups)+". Making it created in Liongard what the notes below say; nothing more is sent until you press y and type yes.", width) + "\n")
	default:
		b.WriteString(wrap(actionCounts(p.groups)+". Nothing is sent until you press y and type yes.", width) + "\n")
	}
	if len(p.sp.Changed) > 0 {
		b.WriteString(errStyle.Render(wrap("Stale: since it was made, "+display.Safe(strings.Join(p.sp.Changed, "; "))+". Press r for a fresh plan.", width)) + "\n")
	}
	if p.choosesFeeds() {
		b.WriteString(wrap(feedsWords(p.sp.HuduFeeds), width) + "\n")
	}
	b.WriteString("\n")
	for i, g := range p.groups {
		cursor, arrow := "  ", "▸"
		if i == p.cursor {
			cursor = "> "
		}
		if p.opened[i] {
			arrow = "▾"
		}
		line := fmt.Sprintf("%s%s %-9s %-9s %6s", cursor, arrow, systemName(g.system), change.Noun(g.kind), thousands(len(g.actions)))
		if w := stateWords(countStates(g.actions)); w != "" {
			line += "  (" + w + ")"
		}
		b.WriteString(truncate(line, width) + "\n")
		if !p.opened[i] {
			continue
		}
		for j, a := range g.actions {
			if j == maxShownActions {
				b.WriteString(dimStyle.Render(truncate(fmt.Sprintf("      … and %d more: mspwire plan show lists them all", len(g.actions)-j), width)) + "\n")
				break
			}
			mark := stateMarks[a.State]
			if mark == "" {
				mark = " "
			}
			line := mark + " " + display.Safe(a.Summary)
			if a.Error != "" && a.State != store.ActionDone {
				line += ": " + display.Safe(a.Error)
			}
			// Whole at any width; warnings on lines of their own.
			b.WriteString(hanging(line, width, "    ", "      ") + "\n")
			for _, w := range a.Warnings {
				b.WriteString(indent(wrap("! "+w, width-6), "      ") + "\n")
			}
		}
	}
	if len(pl.Notes) > 0 {
		b.WriteString("\n" + headingStyle.Render("Notes") + "\n")
		for _, n := range pl.Notes {
			b.WriteString(wrap("• "+remedy.SayNote(n, sayKey), width) + "\n")
		}
	}
	if p.confirm != nil {
		b.WriteString("\n" + headingStyle.Render(fmt.Sprintf("Apply plan %d?", pl.ID)) + "\n")
		b.WriteString(wrap(fmt.Sprintf("mspwire will send the %s above to %s. Type yes and press enter to go ahead; enter with anything else, or esc, cancels.",
			plural.N(len(p.sp.Actions)-c[store.ActionDone], "action", "actions"), systemList(p.groups)), width) + "\n")
		if n := warned(p.sp.Actions); n > 0 {
			b.WriteString(errStyle.Render(wrap(fmt.Sprintf("! %d of them come with a warning, such as: %s", n, firstWarning(p.sp.Actions)), width)) + "\n")
		}
		b.WriteString(p.confirm.View() + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// focus keeps the group under the cursor, or the dialog, in sight.
func (p *planScreen) focus() (int, int) {
	if p.sp == nil {
		return 0, 0
	}
	if p.confirm != nil {
		return 1 << 20, 1 << 20 // the dialog is the last line
	}
	line := p.groupLine()
	return line, line
}

// groupLine is the line of the group under the cursor: the one drawn
// with the cursor's mark.
func (p *planScreen) groupLine() int {
	for n, l := range strings.Split(p.view(p.width, p.height), "\n") {
		if strings.HasPrefix(l, "> ") {
			return n
		}
	}
	return 0
}

// warned counts the actions that carry a warning.
func warned(actions []store.Action) int {
	n := 0
	for _, a := range actions {
		if len(a.Warnings) > 0 && a.State != store.ActionDone {
			n++
		}
	}
	return n
}

func firstWarning(actions []store.Action) string {
	for _, a := range actions {
		if len(a.Warnings) > 0 && a.State != store.ActionDone {
			return display.Safe(a.Summary + " — " + a.Warnings[0])
		}
	}
	return ""
}

// actionCounts is "46 actions: 14 create, 1 group, 31 link".
func actionCounts(groups []planGroup) string {
	per := map[change.Kind]int{}
	total := 0
	for _, g := range groups {
		per[g.kind] += len(g.actions)
		total += len(g.actions)
	}
	var parts []string
	for _, k := range change.Kinds() {
		if per[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", thousands(per[k]), change.Noun(k)))
		}
	}
	return fmt.Sprintf("%s actions: %s", thousands(total), strings.Join(parts, ", "))
}

// systemList is "Liongard and Hudu".
func systemList(groups []planGroup) string {
	var names []string
	seen := map[string]bool{}
	for _, g := range groups {
		if g.kind != change.Checklist && !seen[g.system] {
			seen[g.system] = true
			names = append(names, systemName(g.system))
		}
	}
	if len(names) == 0 {
		return "no system (checklist only)"
	}
	return plural.And(names)
}

// since is a short elapsed time: 400ms, 42s, 3m05s.
func since(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	d = d.Round(time.Second)
	if d < time.Minute {
		return d.String()
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// hanging wraps s to width: its first line after first, the others after
// rest.
func hanging(s string, width int, first, rest string) string {
	lines := strings.Split(wrap(s, width-len(rest)), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = rest + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// opens says the re-check opens the typed confirmation: the plan holds, is
// not running elsewhere, and has something to confirm.
func (m recheckedMsg) opens() bool {
	return m.err == nil && len(m.sp.Changed) == 0 && m.sp.Running == nil && m.sp.Plan.ConfirmedAt == nil && len(m.sp.Actions) > 0
}

// planHead names a plan: onboarding's path and source, or a workflow's
// kind and the flags it was made with ("Plan 4 · stale accounts · --days 60").
func planHead(pl store.Plan) string {
	if pl.Kind == change.Onboarding || pl.Kind == "" {
		return fmt.Sprintf("Plan %d · path %s · source of truth %s.", pl.ID, pl.Path, systemName(pl.Source))
	}
	head := fmt.Sprintf("Plan %d · %s", pl.ID, strings.ReplaceAll(string(pl.Kind), "_", " "))
	intent := change.IntentOf(pl.Inputs)
	var flags []string
	for k, v := range intent {
		switch {
		case !strings.HasPrefix(k, "--"), v == "false":
		case v == "true":
			flags = append(flags, k)
		default:
			flags = append(flags, k+" "+v)
		}
	}
	sort.Strings(flags)
	if len(flags) > 0 {
		head += " · " + strings.Join(flags, " ")
	}
	return head + "."
}
