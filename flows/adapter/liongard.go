package adapter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// liongardAdapter is the Liongard adapter: environments, inspected, whose
// mappings to the other systems only its console can make.
type liongardAdapter struct{}

func (liongardAdapter) Info() Info {
	return Info{ID: "liongard", Name: "Liongard", Record: "Liongard environment", Records: "Liongard environments", Role: path.Inspection,
		Fields: []Field{
			{Key: "instance", Flag: "instance", Title: "Liongard instance or URL", Help: "us1, us2, ca1, … or the full URL",
				Hint: "us1, us2, ca1, …", Required: true, Or: "url"},
			{Key: "url", Flag: "url", Title: "Liongard URL", Help: "instead of --instance", FlagOnly: true, Validate: checkURL},
			{Key: "key_id", Flag: "key-id", Title: "Access key ID", Help: "Account Settings > Access Tokens", Required: true, Rotates: true},
			{Key: "key_secret", Title: "Access key secret", Noun: "access key secret", Secret: true,
				Help: "Pasted, never shown; stored in the OS keyring only once it works"},
			{Key: "expires", Flag: "expires", Title: "Key expiry date (YYYY-MM-DD)", Rotates: true,
				Help: "as chosen when the key was made; empty if it never expires", Validate: checkDate},
		}}
}

// Normalize takes a URL typed in the instance field for the URL.
func (liongardAdapter) Normalize(v Values) Values {
	if strings.Contains(v["instance"], "://") {
		v["url"], v["instance"] = v["instance"], ""
	}
	return v
}

func checkDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return errors.New("give the key's expiry date as YYYY-MM-DD")
	}
	return nil
}

// instance is what the client is made from: the instance name wins over
// a URL.
func liongardInstance(v Values) string {
	if v["instance"] != "" {
		return v["instance"]
	}
	return v["url"]
}

func (liongardAdapter) Open(v Values, secret string) (any, error) {
	return liongard.New(liongard.Config{Instance: liongardInstance(v), KeyID: v["key_id"], KeySecret: secret})
}

func (l liongardAdapter) Verify(ctx context.Context, v Values, secret string) (Verified, error) {
	cl, err := l.Open(v, secret)
	if err != nil {
		return Verified{}, err
	}
	r, err := cl.(*liongard.Client).TestConnection(ctx)
	if err != nil {
		return Verified{}, err
	}
	base, _ := liongard.ResolveInstance(liongardInstance(v))
	return Verified{BaseURL: base, ActsAs: fmt.Sprintf("instance %s, %s", r.Instance, plural.N(r.Environments, "environment", "environments"))}, nil
}

func (liongardAdapter) RotationChecklist(Values) []string {
	return []string{
		"Update the Liongard access key wherever else it is used (Hudu: Admin > Integrations > Liongard)",
		"Delete the old access key in Liongard: Account Settings > Access Tokens",
	}
}

func (liongardAdapter) Companies(c *Clients) Companies { return liongardCompanies{c} }

func (liongardAdapter) Executors(c *Clients) map[change.Kind]Executor {
	return map[change.Kind]Executor{change.Group: liongardGroups{c}}
}

// Liongard is the run's Liongard client.
func (c *Clients) Liongard(ctx context.Context) (*liongard.Client, error) {
	return typed[*liongard.Client](ctx, c, "liongard")
}

type liongardCompanies struct{ c *Clients }

// Group is the Environment Group new environments go in.
func (liongardCompanies) Group(o store.Onboarding) (string, string) {
	return o.Settings.LiongardGroup, "Environment Group"
}

// Prepare gives a new environment the tier the plan's settings choose.
func (liongardCompanies) Prepare(o store.Onboarding, r NewRecord) (NewRecord, []string) {
	r.Tier = o.Settings.LiongardTier
	if r.Tier == "" {
		r.Tier = "Core"
	}
	return r, []string{"tier " + r.Tier}
}

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

// liongardGroups puts the environments a plan made in the Environment
// Group its settings name. Safe to send again: environments already in the
// group stay, none is added twice.
type liongardGroups struct{ c *Clients }

func (liongardGroups) Batch() int { return 1 }

func (e liongardGroups) Send(ctx context.Context, run Run, actions []store.Action) []Outcome {
	out := make([]Outcome, len(actions))
	for i, a := range actions {
		p, err := change.Decode[change.GroupPayload](a)
		if err != nil {
			out[i].Err = err
			continue
		}
		var ids []string
		for _, key := range p.Creates {
			id, err := run.Made(key)
			if err != nil {
				out[i].Err = err
				break
			}
			ids = append(ids, id)
		}
		if out[i].Err == nil {
			out[i].ExternalID, out[i].Err = e.c.groupEnvironments(ctx, p.Group, ids)
		}
	}
	return out
}

// groupEnvironments puts environments in the Environment Group of that
// name, creating the group if it does not exist; environments already in
// it stay. It returns the group's id.
func (c *Clients) groupEnvironments(ctx context.Context, group string, envIDs []string) (string, error) {
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
