package adapter

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/store"
)

type liongardCompanies struct{ c *Clients }

func (l liongardCompanies) Batch() int { return liongard.MaxBulk }

func (l liongardCompanies) Inventory(ctx context.Context, _ store.Onboarding) ([]store.InventoryRecord, error) {
	c, err := l.c.Liongard(ctx)
	if err != nil {
		return nil, err
	}
	envs, err := c.Environments(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]store.InventoryRecord, 0, len(envs))
	for _, env := range envs {
		out = append(out, store.InventoryRecord{ExternalID: strconv.Itoa(env.ID), Name: env.Name, Inactive: env.Status != 1,
			Extra: map[string]any{"tier": string(env.Tier)}})
	}
	return out, nil
}

// FindByName reads the environment list (2,000 requests per 5 minutes
// leave room for it) and keeps the names asked for.
func (l liongardCompanies) FindByName(ctx context.Context, names []string) (map[string][]Record, error) {
	c, err := l.c.Liongard(ctx)
	if err != nil {
		return nil, err
	}
	envs, err := c.Environments(ctx)
	if err != nil {
		return nil, err
	}
	recs := make([]Record, len(envs))
	for i, e := range envs {
		recs[i] = Record{ID: strconv.Itoa(e.ID), Name: e.Name}
	}
	return byName(recs, names), nil
}

// Create makes environments in one v2 bulk call.
func (l liongardCompanies) Create(ctx context.Context, recs []NewRecord) ([]Record, error) {
	c, err := l.c.Liongard(ctx)
	if err != nil {
		return nil, err
	}
	in := make([]liongard.NewEnvironment, len(recs))
	for i, r := range recs {
		in[i] = liongard.NewEnvironment{Name: r.Name, Description: "Created by mspwire", Tier: liongard.Tier(r.Tier)}
	}
	made, err := c.CreateEnvironments(ctx, in)
	if err != nil {
		return nil, err
	}
	out := make([]Record, len(made))
	for i, e := range made {
		out[i] = Record{ID: strconv.Itoa(e.ID), Name: e.Name}
	}
	return out, nil
}

// GroupEnvironments puts environments in the Environment Group of that
// name, creating the group if it does not exist; environments already in
// it stay. It returns the group's id. Safe to repeat.
func (c *Clients) GroupEnvironments(ctx context.Context, group string, envIDs []string) (string, error) {
	lc, err := c.Liongard(ctx)
	if err != nil {
		return "", err
	}
	groups, err := lc.EnvironmentGroups(ctx)
	if err != nil {
		return "", err
	}
	var g *liongard.EnvironmentGroup
	for i := range groups {
		if NameKey(groups[i].Name) == NameKey(group) {
			g = &groups[i]
			break
		}
	}
	if g == nil {
		made, err := lc.CreateEnvironmentGroup(ctx, liongard.EnvironmentGroup{Name: group, Description: "Created by mspwire"})
		if err != nil {
			return "", err
		}
		g = &made
	}
	in := map[int]bool{}
	for _, id := range g.Environments {
		in[id] = true
	}
	changed := false
	for _, s := range envIDs {
		id, err := strconv.Atoi(s)
		if err != nil {
			return "", fmt.Errorf("Liongard environment id %q is not a number", s)
		}
		if !in[id] {
			in[id] = true
			g.Environments = append(g.Environments, id)
			changed = true
		}
	}
	if changed {
		if _, err := lc.UpdateEnvironmentGroup(ctx, *g); err != nil {
			return "", err
		}
	}
	return strconv.Itoa(g.ID), nil
}
