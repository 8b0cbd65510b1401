package billing

import (
	"context"
	"fmt"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/store"
)

// SettingsChange changes billing's settings; what is nil or absent is
// kept.
type SettingsChange struct {
	Tickets    tickets.Setting
	Tolerances map[Product]int // seats either way that still count as a match
}

// SaveSettings checks a change of billing's settings — the ticket type and
// team against HaloPSA, tolerances not below zero — and keeps it in one
// step: refused, nothing is kept. Both faces save through it.
func SaveSettings(ctx context.Context, e onboard.Env, actor string, ch SettingsChange) (store.BillingSettings, error) {
	s, err := e.Store.BillingSettingsOf(ctx, e.Profile)
	if err != nil {
		return s, err
	}
	for p, n := range ch.Tolerances {
		if p == None || n < 0 {
			return s, fmt.Errorf("a tolerance is a number of seats, 0 or more, for %s or %s", M365.Title(), GoogleWorkspace.Title())
		}
	}
	if ch.Tickets.Changes() {
		t := ch.Tickets.Apply(store.TicketSettings{TypeID: s.TicketTypeID, Team: s.TicketTeam})
		halo, err := e.HaloPSA(ctx)
		if err != nil {
			return s, err
		}
		if err := tickets.Check(ctx, halo, t.TypeID, t.Team); err != nil {
			return s, err
		}
		s.TicketTypeID, s.TicketTeam = t.TypeID, t.Team
	}
	for p, n := range ch.Tolerances {
		s.Tolerances[string(p)] = n
	}
	return s, e.Store.SaveBillingSettings(ctx, e.Profile, actor, s)
}

// Choose keeps a fix for rows — "quantity", "ticket", "ignore" with its
// reason, or "" to clear it — each checked it can take it first: one row
// refused, nothing is kept. Both faces choose through it.
func Choose(ctx context.Context, e onboard.Env, actor string, rows []Row, choice, reason string) error {
	cs := make([]store.BillingChoice, 0, len(rows))
	for _, r := range rows {
		if choice != "" {
			if err := CanChoose(r, choice); err != nil {
				return err
			}
		}
		c := store.BillingChoice{RowID: r.ID, DecidedBy: actor}
		if choice != "" { // cleared: the row's numbers are not kept with it
			c.Choice, c.Reason, c.Counted, c.Billed = choice, reason, r.Counted, &r.Billed
		}
		cs = append(cs, c)
	}
	return e.Store.SaveBillingChoices(ctx, e.Profile, cs)
}

// ConfirmItems keeps which product each item bills, as the operator said:
// from then on it is their word, not mspwire's proposal. Both faces
// confirm through it.
func ConfirmItems(ctx context.Context, e onboard.Env, actor string, items []ItemMapping) error {
	ms := make([]store.ItemProduct, len(items))
	for i, m := range items {
		ms[i] = store.ItemProduct{ItemID: m.ItemID, ItemName: m.Name, Product: string(m.Product), DecidedBy: actor}
	}
	return e.Store.SaveItemProducts(ctx, e.Profile, ms)
}
