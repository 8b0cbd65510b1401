package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"

	"github.com/mspwire/mspwire/ui/display"
)

// What a workflow's tickets get, said and chosen alike on the Billing and
// Stale accounts screens.

var keyTeam = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "the team tickets go to"))

// ticketLine says the ticket type and the team a workflow's tickets get.
func ticketLine(types []TicketTypeChoice, typeID int, team string, width int) string {
	kind := "no ticket type chosen yet"
	for _, t := range types {
		if t.ID == typeID {
			kind = display.Safe(t.Name)
		}
	}
	to := "the type's default team"
	if team != "" {
		to = "team " + display.Safe(team)
	}
	return dimStyle.Render(truncate(fmt.Sprintf("Tickets: %s (o), to %s (e)", kind, to), width))
}

// nextTicketType is the type after id, round; the first when id is none.
func nextTicketType(types []TicketTypeChoice, id int) TicketTypeChoice {
	next := types[0]
	for i, t := range types {
		if t.ID == id {
			next = types[(i+1)%len(types)]
		}
	}
	return next
}

// nextTeam is the team after team, round: the type's default ("") first,
// then each of HaloPSA's.
func nextTeam(teams []string, team string) string {
	all := append([]string{""}, teams...)
	for i, t := range all {
		if t == team {
			return all[(i+1)%len(all)]
		}
	}
	return ""
}

// teamSaid is a chosen team in a sentence.
func teamSaid(team string) string {
	if team == "" {
		return "the ticket type's default team"
	}
	return "HaloPSA's team " + fmt.Sprintf("%q", display.Safe(team))
}
