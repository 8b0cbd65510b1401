package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/path"
)

// questionsScreen asks the guide's questions; those that cannot apply
// (IT Glue's, for a Hudu shop) are skipped.
type questionsScreen struct {
	asks questionsAsks // what it asks of the backend, handed over as it is pushed
	screenBase
	form   *form
	values map[string]*string
}

type (
	answersMsg struct {
		answers path.Answers
		err     error
	}
	answeredMsg struct {
		rec    path.ID
		reason string
		err    error
	}
)

func newQuestionsScreen() *questionsScreen { return &questionsScreen{} }

func (q *questionsScreen) title() string { return "Questions" }

func (q *questionsScreen) keys() []key.Binding {
	if q.form == nil {
		return nil
	}
	return q.form.keys()
}

func (q *questionsScreen) start() event {
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		a, err := q.asks.Answers(ctx)
		return answersMsg{a, err}
	}}
}

// build makes the form with the stored answers as defaults.
func (q *questionsScreen) build(prev path.Answers) {
	q.values = map[string]*string{}
	var fields []formField
	for _, question := range path.Questions {
		v := prev.Get(question.Key)
		q.values[question.Key] = &v
		var opts []option
		for _, o := range question.Options {
			opts = append(opts, option{o.Label, o.Value})
		}
		s := newSelect(question.Title, question.Help, opts, &v)
		question := question
		s.hide = func() bool { return !question.Applies(q.answers()) }
		fields = append(fields, s)
	}
	q.form = newForm(fields...)
}

// answers are what the form holds so far.
func (q *questionsScreen) answers() path.Answers {
	var a path.Answers
	for key, v := range q.values {
		_ = a.Set(key, *v)
	}
	return a
}

func (q *questionsScreen) update(msg tea.Msg) (event, tea.Cmd) {
	switch m := msg.(type) {
	case answersMsg:
		q.build(m.answers)
	case answeredMsg:
		if m.err != nil {
			return errorEvent{m.err}, nil
		}
		return pushEvent{newPathScreen(true)}, nil
	case tea.KeyPressMsg, tea.PasteMsg:
		if q.form != nil && q.form.update(msg) {
			a := q.answers()
			return askEvent{label: "Saving your answers…", fn: func(ctx context.Context) tea.Msg {
				rec, why, err := q.asks.Answer(ctx, a)
				return answeredMsg{rec, why, err}
			}}, nil
		}
	}
	return nil, nil
}

func (q *questionsScreen) view(width, height int) string {
	if q.form == nil {
		return "Reading your earlier answers…"
	}
	body, _, _ := q.form.view(width)
	return q.intro(width) + body
}

func (q *questionsScreen) intro(width int) string {
	return wrap("The guide's questions decide the path. Answer for how your team works today.", width) + "\n\n"
}

// focus is the question being answered, title to last option.
func (q *questionsScreen) focus() (int, int) {
	if q.form == nil {
		return 0, 0
	}
	_, first, last := q.form.view(q.width)
	n := strings.Count(q.intro(q.width), "\n")
	return n + first, n + last
}
