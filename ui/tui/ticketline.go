package tui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/store"
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

// stepTicketType moves *id to the next ticket type, round, and keeps it
// for kind's tickets; whose names them ("Billing tickets"). reread reads
// the rows again once it is kept.
func stepTicketType(k ticketKeeper, kind store.PlanKind, whose string, types []TicketTypeChoice, id *int, reread bool) event {
	next := types[0]
	for i, t := range types {
		if t.ID == *id {
			next = types[(i+1)%len(types)]
		}
	}
	*id = next.ID
	info := fmt.Sprintf("%s get HaloPSA's ticket type %q (o for another).", whose, display.Safe(next.Name))
	return keepTickets(k, kind, tickets.Setting{TypeID: &next.ID}, info, reread)
}

// stepTeam moves *team to the next team, round: the type's default ("")
// first, then each of HaloPSA's; and keeps it as stepTicketType does.
func stepTeam(k ticketKeeper, kind store.PlanKind, whose string, teams []string, team *string, reread bool) event {
	all := append([]string{""}, teams...)
	next := ""
	for i, t := range all {
		if t == *team {
			next = all[(i+1)%len(all)]
		}
	}
	*team = next
	said := "the ticket type's default team"
	if next != "" {
		said = fmt.Sprintf("HaloPSA's team %q", display.Safe(next))
	}
	return keepTickets(k, kind, tickets.Setting{Team: &next}, fmt.Sprintf("%s go to %s (e for another).", whose, said), reread)
}

func keepTickets(k ticketKeeper, kind store.PlanKind, s tickets.Setting, info string, reread bool) event {
	return askEvent{fn: func(ctx context.Context) tea.Msg {
		return savedMsg{info: info, err: k.SetTickets(ctx, kind, s), reread: reread}
	}}
}
