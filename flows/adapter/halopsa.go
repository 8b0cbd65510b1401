package adapter

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

// LinkITGlue links HaloPSA clients to IT Glue organizations (client id
// -> organization id), in one call: the link HaloPSA's IT Glue
// integration keeps on the client. Setting the same value again changes
// nothing, so it is safe to repeat.
func (c *Clients) LinkITGlue(ctx context.Context, links map[string]string) error {
	hc, err := c.HaloPSA(ctx)
	if err != nil {
		return err
	}
	var in []halopsa.ITGlueLink
	for client, org := range links {
		id, err := strconv.Atoi(client)
		if err != nil {
			return fmt.Errorf("HaloPSA client id %q is not a number", client)
		}
		in = append(in, halopsa.ITGlueLink{ClientID: id, OrgID: org})
	}
	got, err := hc.SetClientITGlueIDs(ctx, in)
	if err != nil {
		return err
	}
	for _, cl := range got {
		if want := links[strconv.Itoa(cl.ID)]; cl.ITGlueID != want {
			return fmt.Errorf("HaloPSA kept IT Glue id %q on client %d, not %q", cl.ITGlueID, cl.ID, want)
		}
	}
	return nil
}

// ITGlueBatch is how many links LinkITGlue takes at once.
const ITGlueBatch = haloBatch
