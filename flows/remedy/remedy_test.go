package remedy

import (
	"errors"
	"fmt"
	"testing"
)

func key(r Remedy) string { return "press " + string(r.Do) + " on " + r.Workflow + " " + r.Arg }

// A refusal and a note each carry their remedy to the face that says it;
// wrapped, the wrapper's words stay; without a face, plain words.
func TestEachFaceSaysTheRemedy(t *testing.T) {
	err := Refuse("2 items are billed by proposal", Remedy{Do: ConfirmItems, Workflow: "billing"})
	if got := Say(err, key); got != "2 items are billed by proposal: press confirm-items on billing " {
		t.Errorf("said: %q", got)
	}
	if got := err.Error(); got != "2 items are billed by proposal: check and confirm which product each item bills" {
		t.Errorf("plain: %q", got)
	}
	wrapped := fmt.Errorf("making the plan: %w", Refuse("client 12's link is in doubt", Remedy{Do: ConfirmLink, Arg: "12"}))
	if got := Say(wrapped, key); got != "making the plan: client 12's link is in doubt: press confirm-link on  12" {
		t.Errorf("wrapped: %q", got)
	}
	if got := Say(fmt.Errorf("plain"), key); got != "plain" {
		t.Errorf("no remedy: %q", got)
	}
	n := Note("3 rows have no fix chosen", Remedy{Do: ChooseFix, Workflow: "billing"})
	if got := SayNote(n, key); got != "3 rows have no fix chosen: press choose-fix on billing " {
		t.Errorf("note: %q", got)
	}
	if got := SayNote("a plain note", key); got != "a plain note" {
		t.Errorf("plain note: %q", got)
	}
}

// A remedy added to an error keeps what it wraps for errors.Is.
func TestWrapKeepsTheChain(t *testing.T) {
	base := errors.New("401 Unauthorized")
	err := fmt.Errorf("fetching: %w", Wrap(base, Remedy{Do: CheckCredentials, Arg: "hudu"}))
	if !errors.Is(err, base) {
		t.Fatal("the wrapped error is lost")
	}
	if got := Say(err, key); got != "fetching: 401 Unauthorized: press check-credentials on  hudu" {
		t.Errorf("said: %q", got)
	}
}
