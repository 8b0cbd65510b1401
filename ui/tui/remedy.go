package tui

import "github.com/mspwire/mspwire/flows/remedy"

// sayKey says a flow's remedy as the key that does it on the screen the
// advice comes from.
func sayKey(r remedy.Remedy) string {
	screen := map[string]string{"billing": "the Billing screen", "devices": "the Devices screen", "stale_accounts": "the Stale accounts screen"}[r.Workflow]
	switch r.Do {
	case remedy.ConfirmItems: // billing's alone
		return "press i on the Billing screen to check and confirm them"
	case remedy.ChooseFix:
		return "choose on the Billing screen with s (set the quantity), t (a ticket) or x (ignore)"
	case remedy.OpenTicket:
		return "press t for a ticket instead, or x to ignore it"
	case remedy.ChooseTicketType:
		if screen != "" {
			return "press o on " + screen + " to choose it (e for the team)"
		}
	case remedy.ConfirmLink:
		return "press K on its row to confirm the link, or re-map it in the review (m on home)"
	case remedy.DecideLinks:
		return "decide them in the review (m on home)"
	case remedy.ReplaceUsers: // devices' alone
		return "P on the Devices screen sets them too"
	case remedy.ChoosePath:
		return "press enter on home to answer the questions and choose a path"
	case remedy.FetchInventories:
		return "press enter on home to go on with onboarding, which fetches them"
	case remedy.CheckCredentials:
		return "rotate it from home (r)"
	case remedy.Replan:
		if r.Workflow == "" || r.Workflow == "onboarding" {
			return "go back and make a fresh plan (p on home)"
		}
		return "go back and plan again (p)"
	}
	return remedy.Words(r)
}
