// Package tickets checks the HaloPSA ticket type a workflow's tickets get:
// chosen once, and refused when it has mandatory fields mspwire cannot
// fill — HaloPSA would refuse every ticket (the guide's first pitfall).
package tickets

import (
	"context"
	"fmt"
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/store"
)

// Type reads the chosen ticket type of a workflow's tickets. With none
// chosen it lists HaloPSA's types, with the remedy: choose one.
func Type(ctx context.Context, c *halopsa.Client, id int, workflow store.PlanKind) (halopsa.TicketType, error) {
	if id == 0 {
		types, err := c.ListTicketTypes(ctx)
		if err != nil {
			return halopsa.TicketType{}, err
		}
		var list []string
		for _, t := range types {
			list = append(list, fmt.Sprintf("%d %s", t.ID, t.Name))
		}
		return halopsa.TicketType{}, remedy.Refuse(fmt.Sprintf("no HaloPSA ticket type is chosen for these tickets yet (HaloPSA has: %s)", strings.Join(list, ", ")),
			remedy.Remedy{Do: remedy.ChooseTicketType, Workflow: string(workflow)})
	}
	t, err := c.TicketType(ctx, id)
	if err != nil {
		return t, fmt.Errorf("HaloPSA ticket type %d: %w", id, err)
	}
	var mandatory []string
	for _, f := range t.Fields {
		if f.TechNew == 2 && f.FieldName != "summary" && f.FieldName != "details" {
			mandatory = append(mandatory, f.FieldName)
		}
	}
	if len(mandatory) > 0 {
		return t, fmt.Errorf("HaloPSA's ticket type %q has mandatory fields mspwire cannot fill (%s): HaloPSA would refuse each ticket; "+
			"choose another, or make them optional for agents", t.Name, strings.Join(mandatory, ", "))
	}
	return t, nil
}

// Check refuses a ticket type or team HaloPSA would not take: an unknown
// type, one with mandatory fields mspwire cannot fill, a team HaloPSA does
// not have or has made inactive. A zero type or empty team is not checked
// (not chosen; the type's default team).
func Check(ctx context.Context, c *halopsa.Client, typeID int, team string) error {
	if typeID != 0 {
		if _, err := Type(ctx, c, typeID, ""); err != nil { // chosen: never the remedy
			return err
		}
	}
	if team == "" {
		return nil
	}
	teams, err := c.ListTeams(ctx)
	if err != nil {
		return fmt.Errorf("reading HaloPSA's teams to check %q: %w", team, err)
	}
	var names []string
	for _, t := range teams {
		if t.Inactive {
			continue
		}
		if t.Name == team {
			return nil
		}
		names = append(names, fmt.Sprintf("%q", t.Name))
	}
	return fmt.Errorf("HaloPSA has no active team %q: its tickets would go nowhere; choose one of %s, or none for the ticket type's default",
		team, strings.Join(names, ", "))
}

// Setting changes a workflow's ticket type or team; nil keeps it.
type Setting struct {
	TypeID *int
	Team   *string
}

// Apply is the settings with the change made.
func (s Setting) Apply(t store.TicketSettings) store.TicketSettings {
	if s.TypeID != nil {
		t.TypeID = *s.TypeID
	}
	if s.Team != nil {
		t.Team = strings.TrimSpace(*s.Team)
	}
	return t
}

// Changes says whether anything is set.
func (s Setting) Changes() bool { return s.TypeID != nil || s.Team != nil }

// Save checks a workflow's ticket type and team against HaloPSA and keeps
// them: refused, nothing is kept.
func Save(ctx context.Context, st *store.Store, halo func(context.Context) (*halopsa.Client, error), profile, actor, purpose string, s Setting) (store.TicketSettings, error) {
	t, err := st.TicketSettingsOf(ctx, profile, purpose)
	if err != nil || !s.Changes() {
		return t, err
	}
	t = s.Apply(t)
	c, err := halo(ctx)
	if err != nil {
		return t, err
	}
	if err := Check(ctx, c, t.TypeID, t.Team); err != nil {
		return t, err
	}
	return t, st.SaveTicketSettings(ctx, profile, actor, purpose, t)
}
