// Package remedy names what a person can do about what a flow refuses or
// leaves out. A flow says the problem and the remedy as data; each face
// says the remedy its own way — the command line as the command to run,
// the wizard as the key on the screen at hand — so neither shows the
// other's advice.
package remedy

import (
	"errors"
	"strings"
)

// Action is a remedy's verb.
type Action string

// The remedies the flows offer.
const (
	ConfirmItems     Action = "confirm-items"      // billing: confirm which product each item bills
	ChooseFix        Action = "choose-fix"         // billing: choose a fix for each open row
	OpenTicket       Action = "open-ticket"        // billing: a ticket (or ignoring it) instead of a quantity
	ChooseTicketType Action = "choose-ticket-type" // the HaloPSA ticket type (and team) a workflow's tickets get
	ConfirmLink      Action = "confirm-link"       // vouch for a client's link against the evidence, or re-map it
	DecideLinks      Action = "decide-links"       // decide the review's HaloPSA ↔ Liongard rows
	ReplaceUsers     Action = "replace-users"      // devices: also set assets that hold another user
	Replan           Action = "replan"             // make a fresh plan of the same kind
	ChoosePath       Action = "choose-path"        // answer the guide's questions and choose a path
	FetchInventories Action = "fetch-inventories"  // read the systems' company lists
	CheckCredentials Action = "check-credentials"  // a vendor refused a stored secret: check or rotate it
)

// Actions are every remedy, for the faces' tests: each must say them all.
var Actions = []Action{ConfirmItems, ChooseFix, OpenTicket, ChooseTicketType, ConfirmLink, DecideLinks, ReplaceUsers, Replan,
	ChoosePath, FetchInventories, CheckCredentials}

// Remedy is an action and what it is about.
type Remedy struct {
	Do Action
	// Workflow is the plan kind whose screen or command it is done on:
	// "billing", "devices", "stale_accounts", "onboarding".
	Workflow string
	// Arg is what the action is about: a HaloPSA client's id for
	// ConfirmLink; the review's pair for DecideLinks; a plan's fresh-plan
	// command for Replan; the system for CheckCredentials.
	Arg string
}

// A Sayer is one face's way of saying a remedy.
type Sayer func(Remedy) string

// Words says a remedy where no face does (an audit line, a log): plain
// words, no command and no key.
func Words(r Remedy) string {
	switch r.Do {
	case ConfirmItems:
		return "check and confirm which product each item bills"
	case ChooseFix:
		return "choose a fix for each, or ignore it"
	case OpenTicket:
		return "open a ticket instead, or ignore the row"
	case ChooseTicketType:
		return "choose the HaloPSA ticket type these tickets get"
	case ConfirmLink:
		return "confirm the link to client " + r.Arg + ", or re-map it in the review"
	case DecideLinks:
		return "decide them in the review"
	case ReplaceUsers:
		return "plan again replacing other users to set them too"
	case Replan:
		return "make a fresh plan"
	case ChoosePath:
		return "answer the questions and choose a path first"
	case FetchInventories:
		return "fetch the inventories first"
	case CheckCredentials:
		return "check the stored credentials of " + r.Arg + ", or rotate them"
	}
	return string(r.Do)
}

// Error is a refusal and its remedy.
type Error struct {
	Problem string
	Remedy
	err error // what it wraps, for errors.Is; its text is Problem
}

func (e *Error) Error() string { return e.Problem + ": " + Words(e.Remedy) }

// Unwrap is the error the remedy was added to, if any.
func (e *Error) Unwrap() error { return e.err }

// Refuse is an error saying the problem and what to do about it.
func Refuse(problem string, r Remedy) error { return &Error{Problem: problem, Remedy: r} }

// Wrap adds a remedy to err, which errors.Is and As still find.
func Wrap(err error, r Remedy) error { return &Error{Problem: err.Error(), Remedy: r, err: err} }

// Say is err's text with its remedy, if it has one, said by say.
func Say(err error, say Sayer) string {
	var e *Error
	if err == nil || !errors.As(err, &e) {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	// Whatever wraps the refusal keeps its words; only the remedy's change.
	return strings.Replace(err.Error(), e.Error(), e.Problem+": "+say(e.Remedy), 1)
}

// A plan's notes are kept as text. A note with a remedy carries it after
// a separator no one types, so each face can say it its own way.
const sep = "\x1f"

// Note is a note that says the problem and carries the remedy.
func Note(problem string, r Remedy) string {
	return problem + sep + string(r.Do) + sep + r.Workflow + sep + r.Arg
}

// SayNote is a note as a face says it: its remedy said by say; a note
// without one as it is.
func SayNote(n string, say Sayer) string {
	problem, rest, ok := strings.Cut(n, sep)
	if !ok {
		return n
	}
	parts := strings.SplitN(rest, sep, 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return problem + ": " + say(Remedy{Do: Action(parts[0]), Workflow: parts[1], Arg: parts[2]})
}
