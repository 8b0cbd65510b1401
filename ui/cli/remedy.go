package cli

import "github.com/mspwire/mspwire/flows/remedy"

// sayCommand says a flow's remedy as the command that does it.
func sayCommand(r remedy.Remedy) string {
	switch r.Do {
	case remedy.ConfirmItems:
		return "check them with mspwire billing items, then confirm them with mspwire billing items set --proposed (or set ITEM_ID=PRODUCT)"
	case remedy.ChooseFix:
		return "choose with mspwire billing fix ID --by quantity|ticket, or mspwire billing ignore ID --reason TEXT"
	case remedy.OpenTicket:
		return "open a ticket instead (mspwire billing fix ID --by ticket), or mspwire billing ignore ID --reason TEXT"
	case remedy.ChooseTicketType:
		cmd := map[string]string{"billing": "mspwire billing plan", "stale_accounts": "mspwire accounts plan"}[r.Workflow]
		if cmd == "" {
			break
		}
		return "choose it once with " + cmd + " --ticket-type ID [--team NAME]"
	case remedy.ConfirmLink:
		id := r.Arg
		if id == "" {
			id = "CLIENT_ID"
		}
		return "confirm the link with mspwire match confirm " + id + ", or re-map it in the review (mspwire match remap)"
	case remedy.DecideLinks:
		pair := r.Arg
		if pair == "" {
			pair = "halopsa:liongard"
		}
		return "decide them with mspwire match suggest, then mspwire match list --pair " + pair + " --state todo"
	case remedy.ReplaceUsers:
		return "mspwire devices plan --replace sets them too"
	case remedy.Replan:
		if r.Arg != "" {
			return "run " + r.Arg + " for a fresh one"
		}
	case remedy.ChoosePath:
		return "run mspwire path set A|B|C, or answer the questions in the wizard (mspwire)"
	case remedy.FetchInventories:
		return "run mspwire inventory fetch first"
	case remedy.CheckCredentials:
		return "check it with mspwire auth status; rotate it with mspwire auth rotate " + r.Arg
	}
	return remedy.Words(r)
}
