package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// form is the wizard's form: selects, multi-selects and text inputs, one
// field after another. It handles every key at once, in the update that
// receives it — moving to the next field is not a command that arrives
// later — so keys typed ahead, pasted or sent by tmux land in the field
// they were typed for. (huh's forms move between fields through commands;
// they run the accessible mode, where each answer is a line.)
type form struct {
	fields []formField
	focus  int
}

// formField is one question of a form.
type formField interface {
	header() (title, help string)
	// key handles a key; next says the operator finished the field.
	key(k tea.KeyPressMsg) (next bool)
	paste(text string)
	view(width int, focused bool) string
	check() error // nil when the field may be left
	hidden() bool
}

var (
	formNext   = key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "next"))
	formPrev   = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous"))
	formUp     = key.NewBinding(key.WithKeys("up", "k", "left", "h"), key.WithHelp("↑", "up"))
	formDown   = key.NewBinding(key.WithKeys("down", "j", "right", "l"), key.WithHelp("↓", "down"))
	formToggle = key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "tick"))
)

func newForm(fields ...formField) *form {
	f := &form{fields: fields}
	f.focus = f.nextVisible(-1, 1)
	return f
}

// update applies one message; submitted says the last field was finished.
func (f *form) update(msg tea.Msg) (submitted bool) {
	if f.focus < 0 || f.focus >= len(f.fields) {
		return false
	}
	field := f.fields[f.focus]
	switch m := msg.(type) {
	case tea.PasteMsg:
		field.paste(m.Content)
	case tea.KeyPressMsg:
		if key.Matches(m, formPrev) {
			if p := f.nextVisible(f.focus, -1); p >= 0 {
				f.focus = p
			}
			return false
		}
		if !field.key(m) {
			return false
		}
		if field.check() != nil {
			return false
		}
		next := f.nextVisible(f.focus, 1)
		if next < 0 {
			return true
		}
		f.focus = next
	}
	return false
}

func (f *form) nextVisible(from, step int) int {
	for i := from + step; i >= 0 && i < len(f.fields); i += step {
		if !f.fields[i].hidden() {
			return i
		}
	}
	return -1
}

// view draws every visible field; first and last are the lines the
// focused field spans (title to its last option), for a scrolling view to
// keep the whole of it in sight.
func (f *form) view(width int) (out string, first, last int) {
	var b strings.Builder
	for i, field := range f.fields {
		if field.hidden() {
			continue
		}
		if i == f.focus {
			first = strings.Count(b.String(), "\n")
		}
		title, help := field.header()
		mark := "  "
		style := lipgloss.NewStyle()
		if i == f.focus {
			mark, style = "▍ ", style.Bold(true)
		}
		b.WriteString(mark + style.Render(title) + "\n")
		if help != "" {
			b.WriteString(indent(dimStyle.Render(wrap(help, width-2)), "  ") + "\n")
		}
		b.WriteString(indent(field.view(width-2, i == f.focus), "  ") + "\n")
		if err := field.check(); err != nil && i == f.focus {
			b.WriteString(indent(errStyle.Render(wrap("✗ "+err.Error(), width-2)), "  ") + "\n")
		}
		if i == f.focus {
			last = strings.Count(b.String(), "\n") - 1
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n"), first, last
}

func (f *form) keys() []key.Binding {
	if f.focus < 0 {
		return nil
	}
	switch f.fields[f.focus].(type) {
	case *selectField:
		return []key.Binding{formUp, formDown, formNext, formPrev}
	case *multiField:
		return []key.Binding{formUp, formDown, formToggle, formNext, formPrev}
	}
	return []key.Binding{formNext, formPrev}
}

func indent(s, pad string) string {
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// option is one choice of a select.
type option struct{ label, value string }

// selectField picks one option.
type selectField struct {
	title, help string
	options     []option
	cursor      int
	value       *string
	hide        func() bool
}

func newSelect(title, help string, options []option, value *string) *selectField {
	s := &selectField{title: title, help: help, options: options, value: value}
	for i, o := range options {
		if o.value == *value {
			s.cursor = i
		}
	}
	*value = options[s.cursor].value
	return s
}

func (s *selectField) header() (string, string) { return s.title, s.help }
func (s *selectField) hidden() bool             { return s.hide != nil && s.hide() }
func (s *selectField) check() error             { return nil }
func (s *selectField) paste(string)             {}

func (s *selectField) key(k tea.KeyPressMsg) bool {
	switch {
	case key.Matches(k, formUp):
		s.cursor = (s.cursor + len(s.options) - 1) % len(s.options)
	case key.Matches(k, formDown):
		s.cursor = (s.cursor + 1) % len(s.options)
	case key.Matches(k, formNext):
		*s.value = s.options[s.cursor].value
		return true
	}
	*s.value = s.options[s.cursor].value
	return false
}

func (s *selectField) view(width int, focused bool) string {
	var lines []string
	for i, o := range s.options {
		mark := "  "
		if i == s.cursor {
			mark = "> "
			if !focused {
				mark = "• "
			}
		}
		lines = append(lines, mark+wrap(o.label, width-2))
	}
	return strings.Join(lines, "\n")
}

// multiField ticks any number of options.
type multiField struct {
	title, help string
	options     []option
	cursor      int
	value       *[]string
}

func newMulti(title, help string, options []option, value *[]string) *multiField {
	return &multiField{title: title, help: help, options: options, value: value}
}

func (m *multiField) header() (string, string) { return m.title, m.help }
func (m *multiField) hidden() bool             { return false }
func (m *multiField) check() error             { return nil }
func (m *multiField) paste(string)             {}

func (m *multiField) ticked(v string) bool {
	for _, x := range *m.value {
		if x == v {
			return true
		}
	}
	return false
}

func (m *multiField) key(k tea.KeyPressMsg) bool {
	switch {
	case key.Matches(k, formUp):
		m.cursor = (m.cursor + len(m.options) - 1) % len(m.options)
	case key.Matches(k, formDown):
		m.cursor = (m.cursor + 1) % len(m.options)
	case key.Matches(k, formToggle):
		v := m.options[m.cursor].value
		if m.ticked(v) {
			var kept []string
			for _, x := range *m.value {
				if x != v {
					kept = append(kept, x)
				}
			}
			*m.value = kept
		} else {
			*m.value = append(*m.value, v)
		}
	case key.Matches(k, formNext):
		return true
	}
	return false
}

func (m *multiField) view(width int, focused bool) string {
	var lines []string
	for i, o := range m.options {
		box := "[ ]"
		if m.ticked(o.value) {
			box = "[x]"
		}
		cursor := "  "
		if focused && i == m.cursor {
			cursor = "> "
		}
		lines = append(lines, cursor+box+" "+wrap(o.label, width-6))
	}
	return strings.Join(lines, "\n")
}

// inputField is a line of text, optionally a secret shown as dots.
type inputField struct {
	title, help string
	input       textinput.Model
	value       *string
	validate    func(string) error
}

// newTextInput is a one-line text field holding value, focused, its cursor
// at the end and not blinking (a blinking cursor is a timer; no screen
// needs one).
func newTextInput(value string) textinput.Model {
	ti := textinput.New()
	st := ti.Styles()
	st.Cursor.Blink = false
	ti.SetStyles(st)
	ti.SetValue(value)
	ti.CursorEnd()
	ti.Focus()
	return ti
}

func newInput(title, help string, value *string, secret bool, validate func(string) error) *inputField {
	ti := textinput.New()
	st := ti.Styles()
	st.Cursor.Blink = false // a blinking cursor is a timer; the form needs none
	ti.SetStyles(st)
	ti.Prompt = "> "
	ti.CharLimit = 0
	if secret {
		ti.EchoMode = textinput.EchoPassword
		ti.EchoCharacter = '•'
	}
	ti.SetValue(*value)
	ti.Focus()
	return &inputField{title: title, help: help, input: ti, value: value, validate: validate}
}

func (i *inputField) header() (string, string) { return i.title, i.help }
func (i *inputField) hidden() bool             { return false }

func (i *inputField) check() error {
	if i.validate == nil {
		return nil
	}
	return i.validate(*i.value)
}

func (i *inputField) paste(text string) {
	i.input, _ = i.input.Update(tea.PasteMsg{Content: text})
	*i.value = i.input.Value()
}

func (i *inputField) key(k tea.KeyPressMsg) bool {
	if key.Matches(k, formNext) {
		*i.value = strings.TrimSpace(i.input.Value())
		return true
	}
	i.input, _ = i.input.Update(k)
	*i.value = i.input.Value()
	return false
}

func (i *inputField) view(width int, focused bool) string {
	i.input.SetWidth(max(10, width-3))
	if !focused {
		if i.input.EchoMode == textinput.EchoPassword {
			return "  " + strings.Repeat("•", min(len(*i.value), 12))
		}
		return "  " + truncate(*i.value, width-2)
	}
	return i.input.View()
}
