package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
)

// Screens' own messages to the root.
type (
	formDoneMsg       struct{}
	formCancelMsg     struct{}
	questionsDoneMsg  struct{ answers path.Answers }
	pathChosenMsg     struct{ path path.ID }
	testConnectionMsg struct {
		system string
		fields connect.Fields
		secret string
	}
	credsDoneMsg    struct{}
	sourceChosenMsg struct {
		source          string
		statuses, types []string
	}
	tickMsg struct {
		step string
		done bool
	}
)

// embed makes a huh form report completion to the root instead of quitting.
func embed(f *huh.Form) *huh.Form {
	f.SubmitCmd = func() tea.Msg { return formDoneMsg{} }
	f.CancelCmd = func() tea.Msg { return formCancelMsg{} }
	return f.WithShowHelp(true)
}

func updateForm(f *huh.Form, msg tea.Msg) (*huh.Form, tea.Cmd) {
	m, cmd := f.Update(msg)
	if next, ok := m.(*huh.Form); ok {
		return next, cmd
	}
	return f, cmd
}

// --- questions -------------------------------------------------------------

type questionsScreen struct {
	form   *huh.Form
	values map[string]*string
}

func newQuestionsScreen(prev path.Answers) *questionsScreen {
	q := &questionsScreen{values: map[string]*string{}}
	defaults := map[string]string{"techs_live_in": prev.TechsLiveIn, "docs_tool": prev.DocsTool}
	var fields []huh.Field
	for _, question := range path.Questions {
		v := defaults[question.Key]
		if v == "" {
			v = question.Options[0].Value
		}
		q.values[question.Key] = &v
		var opts []huh.Option[string]
		for _, o := range question.Options {
			opts = append(opts, huh.NewOption(o.Label, o.Value))
		}
		fields = append(fields, huh.NewSelect[string]().Key(question.Key).Title(question.Title).Description(question.Help).Options(opts...).Value(&v))
	}
	q.form = embed(huh.NewForm(huh.NewGroup(fields...)))
	return q
}

func (q *questionsScreen) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(formDoneMsg); ok {
		var a path.Answers
		for key, v := range q.values {
			_ = a.Set(key, *v)
		}
		return func() tea.Msg { return questionsDoneMsg{a} }
	}
	var cmd tea.Cmd
	q.form, cmd = updateForm(q.form, msg)
	return cmd
}

func (q *questionsScreen) view(width, height int) string {
	intro := wrap("The guide's questions decide the path. Answer for how your team works today.", width)
	return intro + "\n\n" + q.form.WithWidth(width).WithHeight(max(5, height-lipgloss.Height(intro)-1)).View()
}

// --- path ------------------------------------------------------------------

type pathScreen struct {
	recommended path.ID
	reason      string
	selected    path.ID
	choose      key.Binding
	accept      key.Binding
}

func newPathScreen(rec path.ID, reason string) pathScreen {
	return pathScreen{recommended: rec, reason: reason, selected: rec,
		choose: key.NewBinding(key.WithKeys("a", "b", "c", "left", "right"), key.WithHelp("a/b/c", "choose a path")),
		accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "take this path"))}
}

func (p *pathScreen) keys() []key.Binding { return []key.Binding{p.choose, p.accept} }

func (p *pathScreen) update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	ids := []path.ID{path.A, path.B, path.C}
	switch s := k.String(); {
	case s == "a" || s == "b" || s == "c":
		p.selected = path.ID(strings.ToUpper(s))
	case s == "left" || s == "right":
		i := strings.Index("ABC", string(p.selected))
		if s == "left" {
			i = (i + 2) % 3
		} else {
			i = (i + 1) % 3
		}
		p.selected = ids[i]
	case key.Matches(k, p.accept):
		chosen := p.selected
		return func() tea.Msg { return pathChosenMsg{chosen} }
	}
	return nil
}

var (
	selectedColumn = lipgloss.NewStyle().Border(lipgloss.ThickBorder()).Padding(0, 1)
	plainColumn    = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1)
)

func (p *pathScreen) view(width int, compact bool) string {
	head := fmt.Sprintf("Recommended: path %s — %s\nWhy: %s\n\n", p.recommended, path.TradeOffOf(p.recommended).Title, p.reason)
	if compact {
		t := path.TradeOffOf(p.selected)
		return head + fmt.Sprintf("Showing path %s (a/b/c to compare)\n\n", p.selected) + wrap(tradeOffText(t), width)
	}
	colWidth := (width - 6) / 3
	var cols []string
	for _, t := range path.TradeOffs {
		style := plainColumn
		if t.Path == p.selected {
			style = selectedColumn
		}
		cols = append(cols, style.Width(colWidth).Render(tradeOffText(t)))
	}
	return head + lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

func tradeOffText(t path.TradeOff) string {
	mark := func(prefix string, xs []string) string {
		var b strings.Builder
		for _, x := range xs {
			b.WriteString(prefix + x + "\n")
		}
		return b.String()
	}
	return fmt.Sprintf("%s. %s\n\nData: %s\nDepth: %s\nConsider: %s\n\nPros\n%s\nCons\n%sNeeds: %s",
		t.Path, t.Title, t.HowDataFlows, t.DataDepth, t.Consideration, mark("+ ", t.Pros), mark("- ", t.Cons), strings.Join(t.Requires, ", "))
}

// --- credentials -----------------------------------------------------------

type credsScreen struct {
	systems  []string
	index    int
	defaults func(string) (connect.Fields, string)
	form     *huh.Form
	fields   connect.Fields
	secret   string
	result   *connectedMsg
	loaded   bool // the defaults are in the form
	next     key.Binding
	retry    key.Binding
}

func newCredsScreen(systems []string, defaults func(string) (connect.Fields, string)) *credsScreen {
	return &credsScreen{systems: systems, defaults: defaults,
		next:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next system")),
		retry: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "edit and test again"))}
}

func (c *credsScreen) system() string { return c.systems[c.index] }

func (c *credsScreen) keys() []key.Binding {
	if c.result == nil {
		return nil
	}
	if c.result.err != nil {
		return []key.Binding{c.retry}
	}
	return []key.Binding{c.next, c.retry}
}

// init builds the form for the current system, with defaults or the values
// just tried.
func (c *credsScreen) init() tea.Cmd {
	c.result = nil
	if !c.loaded {
		c.fields, c.secret = c.defaults(c.system())
		c.loaded = true
	}
	f := &c.fields
	urlCheck := func(s string) error {
		if s == "" {
			return nil
		}
		_, err := connect.NormalizeURL(s)
		return err
	}
	secretField := huh.NewInput().Title("Secret").Description("Pasted, never shown; stored in the OS keyring only once it works").
		EchoMode(huh.EchoModePassword).CharLimit(0).Value(&c.secret)
	var fields []huh.Field
	switch c.system() {
	case "halopsa":
		fields = []huh.Field{
			huh.NewInput().Title("HaloPSA URL").Description("e.g. https://acme.halopsa.com — no trailing slash").Value(&f.URL).Validate(urlCheck),
			huh.NewInput().Title("Client ID").Description("Configuration > Integrations > HaloPSA API > your application").Value(&f.ClientID),
			secretField.Title("Client secret"),
			huh.NewInput().Title("Tenant (optional)").Value(&f.Tenant),
			huh.NewMultiSelect[string]().Title("Which integrations use this application?").
				Description("Each integration should have its own application and API agent").
				Options(huh.NewOption("Liongard", "liongard"), huh.NewOption("Hudu", "hudu"), huh.NewOption("IT Glue", "itglue")).
				Value(&f.UsedBy),
		}
	case "liongard":
		fields = []huh.Field{
			huh.NewInput().Title("Liongard instance or URL").Description("us1, us2, ca1, … or the full URL").Value(&f.URL),
			huh.NewInput().Title("Access key ID").Description("Account Settings > Access Tokens").Value(&f.KeyID),
			secretField.Title("Access key secret"),
		}
	case "itglue":
		if f.URL == "" && f.Region == "" {
			f.Region = "us"
		}
		fields = []huh.Field{
			huh.NewInput().Title("IT Glue region or API URL").Description("us, eu, au — or the API URL").Value(&f.URL),
			secretField.Title("API key"),
		}
	case "hudu":
		fields = []huh.Field{
			huh.NewInput().Title("Hudu URL").Description("e.g. https://docs.yourmsp.com").Value(&f.URL).Validate(urlCheck),
			secretField.Title("API key"),
		}
	}
	c.form = embed(huh.NewForm(huh.NewGroup(fields...)))
	return c.form.Init()
}

func (c *credsScreen) update(msg tea.Msg) tea.Cmd {
	if c.result != nil {
		k, ok := msg.(tea.KeyPressMsg)
		switch {
		case !ok:
			return nil
		case key.Matches(k, c.retry):
			return c.init()
		case key.Matches(k, c.next) && c.result.err == nil:
			if c.index+1 == len(c.systems) {
				return func() tea.Msg { return credsDoneMsg{} }
			}
			c.index++
			c.fields, c.secret, c.loaded = connect.Fields{}, "", false
			return c.init()
		}
		return nil
	}
	if _, ok := msg.(formDoneMsg); ok {
		f := c.fields
		if c.system() == "itglue" && len(f.URL) <= 3 { // a region typed in the URL field
			f.Region, f.URL = strings.ToLower(strings.TrimSpace(f.URL)), ""
		}
		if c.system() == "liongard" && !strings.Contains(f.URL, "://") {
			f.Instance, f.URL = f.URL, ""
		}
		sys, secret := c.system(), c.secret
		return func() tea.Msg { return testConnectionMsg{sys, f, secret} }
	}
	var cmd tea.Cmd
	c.form, cmd = updateForm(c.form, msg)
	return cmd
}

func (c *credsScreen) connected(m connectedMsg) tea.Cmd {
	c.result = &m
	return nil
}

func (c *credsScreen) view(width, height int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "System %d of %d: %s\n\n", c.index+1, len(c.systems), c.system())
	if c.result == nil {
		if c.fields.URL != "" && strings.HasSuffix(strings.TrimSpace(c.fields.URL), "/") {
			b.WriteString("note: the trailing slash will be removed; the vendors' own settings pages want none.\n")
		}
		b.WriteString(c.form.WithWidth(width).WithHeight(max(5, height-lipgloss.Height(b.String()))).View())
		return b.String()
	}
	if c.result.err != nil {
		b.WriteString(wrap("✗ "+c.result.err.Error(), width) + "\n\nNothing was saved. Press r to edit and test again.")
		return b.String()
	}
	fmt.Fprintf(&b, "✓ Connected: %s\nThe secret is saved.\n", c.result.verified.ActsAs)
	for _, w := range c.result.verified.Warnings {
		b.WriteString(wrap("! "+w, width) + "\n")
	}
	return b.String()
}

// --- source of truth -------------------------------------------------------

type sourceScreen struct {
	pathID          path.ID
	form            *huh.Form
	source          string
	statuses, types []string
	statusesOffered []onboard.Choice
	typesOffered    []onboard.Choice
}

func newSourceScreen(p path.ID) *sourceScreen { return &sourceScreen{pathID: p, source: "halopsa"} }

func (s *sourceScreen) withChoices(statuses, types []onboard.Choice) tea.Cmd {
	s.statusesOffered, s.typesOffered = statuses, types
	fields := []huh.Field{huh.NewSelect[string]().Title("Where does the client list come from?").
		Description("Import from one system only: mixing sources makes mismatched environments. HaloPSA is the usual source of truth.").
		Options(huh.NewOption("HaloPSA", "halopsa"), huh.NewOption("IT Glue", "itglue")).Value(&s.source)}
	if s.pathID == path.B && len(statuses) > 0 {
		opts := func(cs []onboard.Choice, preselect string) []huh.Option[string] {
			var out []huh.Option[string]
			for _, c := range cs {
				out = append(out, huh.NewOption(fmt.Sprintf("%s (%d organizations)", c.Name, c.Count), c.Name).Selected(c.Name == preselect))
			}
			return out
		}
		fields = append(fields,
			huh.NewMultiSelect[string]().Title("IT Glue statuses Liongard's filter takes in").Options(opts(statuses, "Active")...).Value(&s.statuses),
			huh.NewMultiSelect[string]().Title("IT Glue types Liongard's filter takes in").Options(opts(types, "Customer")...).Value(&s.types))
	}
	s.form = embed(huh.NewForm(huh.NewGroup(fields...)))
	return s.form.Init()
}

func (s *sourceScreen) update(msg tea.Msg) tea.Cmd {
	if s.form == nil {
		return nil
	}
	if _, ok := msg.(formDoneMsg); ok {
		m := sourceChosenMsg{source: s.source, statuses: s.statuses, types: s.types}
		return func() tea.Msg { return m }
	}
	var cmd tea.Cmd
	s.form, cmd = updateForm(s.form, msg)
	return cmd
}

func (s *sourceScreen) view(width, height int) string {
	if s.form == nil {
		return "Reading the lists…"
	}
	return s.form.WithWidth(width).WithHeight(max(5, height)).View()
}

// --- inventories -----------------------------------------------------------

type fetchScreen struct {
	systems []string
	counts  map[string]int
	errs    map[string]error
	current int
}

func newFetchScreen(systems []string) fetchScreen {
	return fetchScreen{systems: systems, counts: map[string]int{}, errs: map[string]error{}, current: -1}
}

func (f *fetchScreen) next() (string, bool) {
	if f.current+1 >= len(f.systems) {
		return "", false
	}
	f.current++
	return f.systems[f.current], true
}

func (f *fetchScreen) done(m fetchedMsg) {
	f.counts[m.system], f.errs[m.system] = m.n, m.err
}

func (f *fetchScreen) view(width int) string {
	var b strings.Builder
	b.WriteString("Fetching every company list the path needs, for the review.\n\n")
	barWidth := max(10, min(40, width-40))
	for i, sys := range f.systems {
		pct := 0.0
		state := "waiting"
		switch {
		case f.errs[sys] != nil:
			pct, state = 1, "failed: "+f.errs[sys].Error()
		case i < f.current || (i == f.current && f.counts[sys] > 0):
			pct, state = 1, fmt.Sprintf("%d companies", f.counts[sys])
		case i == f.current:
			pct, state = 0.5, "fetching…"
		}
		filled := int(pct * float64(barWidth))
		fmt.Fprintf(&b, "%-9s [%s%s] %s\n", sys, strings.Repeat("█", filled), strings.Repeat("·", barWidth-filled), state)
	}
	return b.String()
}

// --- steps -----------------------------------------------------------------

type stepsScreen struct {
	plan     onboard.Plan
	mapping  []path.Mapping
	findings map[string]string // what the APIs show a step still lacks
	cursor   int
	move     key.Binding
	tick     key.Binding
}

func (s *stepsScreen) keys() []key.Binding {
	if s.move.Keys() == nil {
		s.move = key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑/↓", "move"))
		s.tick = key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "tick a guided step"))
	}
	return []key.Binding{s.move, s.tick}
}

func (s *stepsScreen) update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || len(s.plan.Steps) == 0 {
		return nil
	}
	switch k.String() {
	case "up", "k":
		s.cursor = max(0, s.cursor-1)
	case "down", "j":
		s.cursor = min(len(s.plan.Steps)-1, s.cursor+1)
	case "space", "x":
		st := s.plan.Steps[s.cursor]
		if st.Kind == path.Guided {
			return func() tea.Msg { return tickMsg{st.ID, !st.Done} }
		}
	}
	return nil
}

func (s *stepsScreen) view(width, height int, compact bool) string {
	if len(s.plan.Steps) == 0 {
		return "Loading the steps…"
	}
	done := 0
	var list strings.Builder
	for i, st := range s.plan.Steps {
		box := "[ ]"
		if st.Done {
			box = "[x]"
			done++
		}
		cursor := "  "
		if i == s.cursor {
			cursor = "> "
		}
		by := ""
		if st.Kind == path.ByMspwire {
			by = " (mspwire)"
		}
		fmt.Fprintf(&list, "%s%s %s%s\n", cursor, box, st.Title, by)
	}
	head := wrap(fmt.Sprintf("Path %s — %d of %d steps done. Tick guided steps as you finish them in the consoles.", s.plan.Path, done, len(s.plan.Steps)), width) + "\n\n"
	st := s.plan.Steps[s.cursor]
	var detail strings.Builder
	fmt.Fprintf(&detail, "%s\n", st.Title)
	for i, c := range st.Clicks {
		fmt.Fprintf(&detail, "%d. %s\n", i+1, c)
	}
	if st.Advice != "" {
		fmt.Fprintf(&detail, "Advice: %s\n", st.Advice)
	}
	if st.Check != "" {
		fmt.Fprintf(&detail, "mspwire checks: %s\n", st.Check)
	}
	if f := s.findings[st.ID]; f != "" && !st.Done {
		fmt.Fprintf(&detail, "Not yet: %s\n", f)
	}
	if st.ID == "alerts" && len(s.mapping) > 0 {
		detail.WriteString("Proposed template mapping (Liongard → HaloPSA):\n")
		for _, m := range s.mapping {
			fmt.Fprintf(&detail, "  %s %s → %s\n", m.Kind, m.Liongard, m.HaloPSA)
		}
	}
	if compact {
		return head + list.String() + "\n" + wrap(detail.String(), width)
	}
	left := lipgloss.NewStyle().Width(width / 2).Render(list.String())
	right := lipgloss.NewStyle().Width(width - width/2 - 2).PaddingLeft(2).Render(detail.String())
	return head + lipgloss.JoinHorizontal(lipgloss.Top, left, right)
}
