package cli

import (
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/remedy"
)

// The command line says every remedy a workflow's flows give as a
// command, never as the wizard's keys.
func TestTheCommandLineSaysRemediesAsCommands(t *testing.T) {
	for _, do := range remedy.Actions {
		wf := map[remedy.Action]string{remedy.ChooseTicketType: "stale_accounts", remedy.ReplaceUsers: "devices", remedy.Replan: "billing"}[do]
		said := sayCommand(remedy.Remedy{Do: do, Workflow: wf, Arg: "mspwire billing plan"})
		if !strings.Contains(said, "mspwire ") || strings.Contains(said, "press ") || strings.Contains(said, " on home") {
			t.Errorf("%s: %q", do, said)
		}
	}
	if said := sayCommand(remedy.Remedy{Do: remedy.ChooseTicketType, Workflow: "stale_accounts"}); !strings.Contains(said, "mspwire accounts plan --ticket-type ID") {
		t.Errorf("stale accounts' ticket type: %q", said)
	}
}
