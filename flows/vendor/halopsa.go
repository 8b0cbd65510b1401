package vendor

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/store"
)

type haloCompanies struct{ c *Clients }

// haloBatch is how many clients one POST /api/Client carries: Halo takes
// an array, and a lost answer leaves at most this many to look up.
const haloBatch = 50

func (h haloCompanies) Batch() int { return haloBatch }

func (h haloCompanies) Inventory(ctx context.Context, _ store.Onboarding) ([]store.InventoryRecord, error) {
	c, err := h.c.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	clients, err := c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true})
	if err != nil {
		return nil, err
	}
	out := make([]store.InventoryRecord, 0, len(clients))
	for _, cl := range clients {
		r := store.InventoryRecord{ExternalID: strconv.Itoa(cl.ID), Name: cl.Name, Domain: cl.Website, Inactive: cl.Inactive}
		if cl.ITGlueID != "" {
			r.Extra = map[string]any{"itglue_id": cl.ITGlueID}
		}
		out = append(out, r)
	}
	return out, nil
}

// FindByName searches by name when there are few to find, and reads the
// whole list when there are many (one call per 1,000 clients).
func (h haloCompanies) FindByName(ctx context.Context, names []string) (map[string][]Record, error) {
	c, err := h.c.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	var found []halopsa.ClientRecord
	if len(names) <= 3 {
		for _, n := range names {
			cs, err := c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true, Search: n})
			if err != nil {
				return nil, err
			}
			found = append(found, cs...)
		}
	} else if found, err = c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true}); err != nil {
		return nil, err
	}
	recs := make([]Record, len(found))
	for i, cl := range found {
		recs[i] = Record{ID: strconv.Itoa(cl.ID), Name: cl.Name}
	}
	return byName(recs, names), nil
}

func (h haloCompanies) Create(ctx context.Context, recs []NewRecord) ([]Record, error) {
	c, err := h.c.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	in := make([]halopsa.NewClient, len(recs))
	for i, r := range recs {
		in[i] = halopsa.NewClient{Name: r.Name, Website: r.Website}
	}
	made, err := c.CreateClients(ctx, in)
	if err != nil {
		return nil, err
	}
	if len(made) != len(recs) {
		return nil, fmt.Errorf("HaloPSA: sent %d clients, %d came back", len(recs), len(made))
	}
	out := make([]Record, len(made))
	for i, cl := range made {
		out[i] = Record{ID: strconv.Itoa(cl.ID), Name: cl.Name}
	}
	return out, nil
}

// ITGlueLinkOf reads which IT Glue organization a HaloPSA client is linked
// to ("" for none).
func (c *Clients) ITGlueLinkOf(ctx context.Context, clientID string) (string, error) {
	hc, err := c.HaloPSA(ctx)
	if err != nil {
		return "", err
	}
	id, err := strconv.Atoi(clientID)
	if err != nil {
		return "", fmt.Errorf("HaloPSA client id %q is not a number", clientID)
	}
	cl, err := hc.GetClient(ctx, id)
	return cl.ITGlueID, err
}

// LinkITGlue links a HaloPSA client to an IT Glue organization, the
// link HaloPSA's IT Glue integration keeps on the client.
func (c *Clients) LinkITGlue(ctx context.Context, clientID, orgID string) error {
	hc, err := c.HaloPSA(ctx)
	if err != nil {
		return err
	}
	id, err := strconv.Atoi(clientID)
	if err != nil {
		return fmt.Errorf("HaloPSA client id %q is not a number", clientID)
	}
	got, err := hc.SetClientITGlueID(ctx, id, orgID)
	if err != nil {
		return err
	}
	if got.ITGlueID != orgID {
		return fmt.Errorf("HaloPSA kept IT Glue id %q on client %d, not %q", got.ITGlueID, id, orgID)
	}
	return nil
}
