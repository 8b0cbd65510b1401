package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/remedy"
)

// The wizard says every remedy as keys, never as a command, for each
// workflow's screen; and a refusal reaches the status line that way.
func TestTheWizardSaysRemediesAsKeys(t *testing.T) {
	for _, do := range remedy.Actions {
		for _, wf := range []string{"billing", "devices", "stale_accounts", "onboarding"} {
			said := sayKey(remedy.Remedy{Do: do, Workflow: wf, Arg: "12"})
			if strings.Contains(said, "mspwire ") || strings.Contains(said, "--") {
				t.Errorf("%s on %s: %q", do, wf, said)
			}
		}
	}
	w := &Wizard{}
	w.handle(errorEvent{errors.Join(errors.New("making the plan"), remedy.Refuse("no HaloPSA ticket type is chosen for these tickets yet",
		remedy.Remedy{Do: remedy.ChooseTicketType, Workflow: "billing"}))})
	if !strings.Contains(w.status, "no HaloPSA ticket type is chosen for these tickets yet: press o on the Billing screen to choose it") || !w.failed {
		t.Fatalf("status %q", w.status)
	}
}
