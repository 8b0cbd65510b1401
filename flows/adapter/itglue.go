package adapter

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/itglue"
	"github.com/mspwire/mspwire/store"
)

type itglueCompanies struct{ c *Clients }

// IT Glue creates one organization per call.
func (i itglueCompanies) Batch() int { return 1 }

func (i itglueCompanies) Inventory(ctx context.Context, o store.Onboarding) ([]store.InventoryRecord, error) {
	c, err := i.c.ITGlue(ctx)
	if err != nil {
		return nil, err
	}
	f, err := ITGlueFilter(ctx, c, o.ITGlueStatuses, o.ITGlueTypes)
	if err != nil {
		return nil, err
	}
	orgs, err := c.Organizations(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]store.InventoryRecord, 0, len(orgs))
	for _, org := range orgs {
		out = append(out, store.InventoryRecord{ExternalID: strconv.Itoa(org.ID), Name: org.Name,
			Extra: map[string]any{"status": org.StatusName, "type": org.TypeName}})
	}
	return out, nil
}

// FindByName asks IT Glue by exact name, one call per name.
func (i itglueCompanies) FindByName(ctx context.Context, names []string) (map[string][]Record, error) {
	c, err := i.c.ITGlue(ctx)
	if err != nil {
		return nil, err
	}
	var recs []Record
	for _, n := range names {
		orgs, err := c.Organizations(ctx, itglue.OrganizationFilter{Name: strings.TrimSpace(n)})
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			recs = append(recs, Record{ID: strconv.Itoa(o.ID), Name: o.Name})
		}
	}
	return byName(recs, names), nil
}

// Create makes an organization with the type and status named, which
// Liongard's IT Glue filter must select (path B).
func (i itglueCompanies) Create(ctx context.Context, recs []NewRecord) ([]Record, error) {
	c, err := i.c.ITGlue(ctx)
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, r := range recs {
		var statuses, types []string
		if r.Status != "" {
			statuses = []string{r.Status}
		}
		if r.Type != "" {
			types = []string{r.Type}
		}
		f, err := i.c.itglueIDs(ctx, c, statuses, types)
		if err != nil {
			return out, err
		}
		n := itglue.NewOrganization{Name: r.Name, Description: "Created by mspwire"}
		if len(f.TypeIDs) > 0 {
			n.TypeID = f.TypeIDs[0]
		}
		if len(f.StatusIDs) > 0 {
			n.StatusID = f.StatusIDs[0]
		}
		org, err := c.CreateOrganization(ctx, n)
		if err != nil {
			return out, err
		}
		out = append(out, Record{ID: strconv.Itoa(org.ID), Name: org.Name})
	}
	return out, nil
}

// itglueIDs is ITGlueFilter read once per run: every organization a plan
// creates asks for the same status and type.
func (c *Clients) itglueIDs(ctx context.Context, ic *itglue.Client, statuses, types []string) (itglue.OrganizationFilter, error) {
	key := strings.Join(statuses, "\x1f") + "\x1e" + strings.Join(types, "\x1f")
	c.mu.Lock()
	f, ok := c.itglueFilters[key]
	c.mu.Unlock()
	if ok {
		return f, nil
	}
	f, err := ITGlueFilter(ctx, ic, statuses, types)
	if err != nil {
		return f, err
	}
	c.mu.Lock()
	if c.itglueFilters == nil {
		c.itglueFilters = map[string]itglue.OrganizationFilter{}
	}
	c.itglueFilters[key] = f
	c.mu.Unlock()
	return f, nil
}

// ITGlueFilter turns status and type names into ids, saying which names
// IT Glue does not have — Liongard's filter needs them exactly.
func ITGlueFilter(ctx context.Context, c *itglue.Client, statuses, types []string) (itglue.OrganizationFilter, error) {
	var f itglue.OrganizationFilter
	for _, part := range []struct {
		names []string
		list  func(context.Context) ([]itglue.Named, error)
		ids   *[]int
		what  string
	}{{statuses, c.OrganizationStatuses, &f.StatusIDs, "status"}, {types, c.OrganizationTypes, &f.TypeIDs, "type"}} {
		if len(part.names) == 0 {
			continue
		}
		live, err := part.list(ctx)
		if err != nil {
			return f, err
		}
		byName := map[string]int{}
		var known []string
		for _, n := range live {
			byName[n.Name] = n.ID
			known = append(known, n.Name)
		}
		for _, name := range part.names {
			id, ok := byName[name]
			if !ok {
				return f, fmt.Errorf("IT Glue has no organization %s %q (it has: %s); Liongard's filter needs the exact name", part.what, name, strings.Join(known, ", "))
			}
			*part.ids = append(*part.ids, id)
		}
	}
	return f, nil
}
