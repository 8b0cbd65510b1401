// Package tickets checks the HaloPSA ticket type a workflow's tickets get:
// chosen once, and refused when it has mandatory fields mspwire cannot
// fill — HaloPSA would refuse every ticket (the guide's first pitfall).
package tickets

import (
	"context"
	"fmt"
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
)

// Type reads the chosen ticket type. With none chosen it says how to
// choose (the command) and lists HaloPSA's types.
func Type(ctx context.Context, c *halopsa.Client, id int, choose string) (halopsa.TicketType, error) {
	if id == 0 {
		types, err := c.ListTicketTypes(ctx)
		if err != nil {
			return halopsa.TicketType{}, err
		}
		var list []string
		for _, t := range types {
			list = append(list, fmt.Sprintf("%d %s", t.ID, t.Name))
		}
		return halopsa.TicketType{}, fmt.Errorf("choose once which HaloPSA ticket type these tickets get: %s (HaloPSA has: %s)", choose, strings.Join(list, ", "))
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
