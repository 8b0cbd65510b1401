package prompt

import (
	"fmt"
	"strings"
)

// Script is the prompter tests use: it answers from a list, in order, and
// records every question, so a test reads like the operator's session.
// An empty answer takes the default; running out of answers cancels.
type Script struct {
	Answers []string
	Asked   []Asked
}

// Asked is one question a Script was asked.
type Asked struct {
	Kind, Title, Description, Default string
}

func (s *Script) next(a Asked) (string, error) {
	s.Asked = append(s.Asked, a)
	if len(s.Answers) == 0 {
		return "", fmt.Errorf("%w: the script has no answer for %q", ErrCancelled, a.Title)
	}
	answer := s.Answers[0]
	s.Answers = s.Answers[1:]
	return answer, nil
}

// Input answers with the next line, or the default for an empty one.
func (s *Script) Input(title, description, value string, validate func(string) error) (string, error) {
	answer, err := s.next(Asked{"input", title, description, value})
	if err != nil {
		return "", err
	}
	if answer == "" {
		answer = value
	}
	if validate != nil {
		if err := validate(answer); err != nil {
			return "", fmt.Errorf("%s: %w", title, err)
		}
	}
	return answer, nil
}

// Secret answers with the next line.
func (s *Script) Secret(title, description string) (string, error) {
	return s.next(Asked{Kind: "secret", Title: title, Description: description})
}

// Confirm takes "y" or "n"; empty keeps the default.
func (s *Script) Confirm(title string, value bool) (bool, error) {
	answer, err := s.next(Asked{Kind: "confirm", Title: title, Default: fmt.Sprint(value)})
	if err != nil || answer == "" {
		return value, err
	}
	return strings.HasPrefix(strings.ToLower(answer), "y"), nil
}

// Select takes an option's value or label; empty keeps the default.
func (s *Script) Select(title, description string, options []Option, value string) (string, error) {
	answer, err := s.next(Asked{"select", title, description, value})
	if err != nil || answer == "" {
		return value, err
	}
	for _, o := range options {
		if answer == o.Value || answer == o.Label {
			return o.Value, nil
		}
	}
	return "", fmt.Errorf("%s: %q is not an option", title, answer)
}
