// Package prompt asks the operator for values: through huh forms on a
// terminal, or line by line in accessible mode. Commands take a Prompter,
// so they never know which one they have.
package prompt

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"charm.land/huh/v2"
)

// ErrCancelled means the operator backed out (Ctrl+C, Esc).
var ErrCancelled = errors.New("cancelled")

// Prompter asks for one value at a time.
type Prompter interface {
	Input(title, description, value string, validate func(string) error) (string, error)
	Secret(title, description string) (string, error)
	Confirm(title string, value bool) (bool, error)
	Select(title, description string, options []Option, value string) (string, error)
}

// Option is a choice in Select.
type Option struct {
	Label string
	Value string
}

// Huh asks through huh v2 forms drawn on Out (stderr, so stdout stays data).
type Huh struct {
	In         io.Reader
	Out        io.Writer
	Accessible bool // line-by-line prompts, no redraws
}

func (h Huh) run(field huh.Field) error {
	if l, ok := h.In.(*lineReader); ok && l.ended {
		return fmt.Errorf("%w: the input ended", ErrCancelled)
	}
	form := huh.NewForm(huh.NewGroup(field)).WithInput(h.In).WithOutput(h.Out).WithAccessible(h.Accessible).WithShowHelp(true)
	err := form.Run()
	if errors.Is(err, huh.ErrUserAborted) {
		return ErrCancelled
	}
	if l, ok := h.In.(*lineReader); ok && l.ended && err == nil {
		// huh takes the end of the input for an empty answer, and asks
		// again forever: there is nobody to answer.
		return fmt.Errorf("%w: the input ended", ErrCancelled)
	}
	return err
}

// Input asks for a line of text.
func (h Huh) Input(title, description, value string, validate func(string) error) (string, error) {
	if h.Accessible && description != "" {
		title += " (" + description + ")" // the accessible mode prints the title alone
	}
	in := huh.NewInput().Title(title).Description(description).Value(&value)
	if validate != nil {
		in = in.Validate(validate)
	}
	return value, h.run(in)
}

// Secret asks for a secret without showing it; paste works, any length.
func (h Huh) Secret(title, description string) (string, error) {
	var value string
	in := huh.NewInput().Title(title).Description(description).Value(&value).EchoMode(huh.EchoModePassword).CharLimit(0).
		Validate(func(s string) error {
			if s == "" {
				return errors.New("the secret is empty")
			}
			return nil
		})
	return value, h.run(in)
}

// Confirm asks yes or no; the default is value.
func (h Huh) Confirm(title string, value bool) (bool, error) {
	return value, h.run(huh.NewConfirm().Title(title).Value(&value).Affirmative("Yes").Negative("No"))
}

// Select asks for one of the options; the default is value.
func (h Huh) Select(title, description string, options []Option, value string) (string, error) {
	var opts []huh.Option[string]
	for _, o := range options {
		opts = append(opts, huh.NewOption(o.Label, o.Value))
	}
	return value, h.run(huh.NewSelect[string]().Title(title).Description(description).Options(opts...).Value(&value))
}

// Lines hands r on one line per read. huh reads each answer through a
// scanner of its own, which would swallow the lines after the first when
// the answers are piped in all at once; a line per read leaves them for
// the next question.
func Lines(r io.Reader) io.Reader { return &lineReader{r: bufio.NewReader(r)} }

type lineReader struct {
	r     *bufio.Reader
	ended bool // the input ended: no more answers will come
}

func (l *lineReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			l.ended = true
			return 0, err
		}
		p[n] = b
		n++
		if b == '\n' {
			break
		}
	}
	return n, nil
}
