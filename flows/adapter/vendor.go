// Package adapter is the one place flows meet the four vendors: an adapter
// per system behind small interfaces (list the companies, find them by
// name, create them, link them), and one client per connection for a
// whole run, so a run shares one rate limiter and one HaloPSA token.
package adapter

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/hudu"
	"github.com/mspwire/mspwire/clients/itglue"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/systems"
	"github.com/mspwire/mspwire/store"
)

// Record is a company as a vendor holds it: a HaloPSA client, a Liongard
// environment, an IT Glue organization, a Hudu company.
type Record struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// NewRecord is a company to create.
type NewRecord struct {
	Name    string `json:"name"`
	Website string `json:"website,omitempty"`
	Tier    string `json:"tier,omitempty"`   // Liongard: Core or Essentials
	Type    string `json:"type,omitempty"`   // IT Glue organization type, by name
	Status  string `json:"status,omitempty"` // IT Glue organization status, by name
}

// Companies is what every vendor offers the flows.
type Companies interface {
	// Inventory lists every company, for matching. IT Glue's is narrowed
	// by the onboarding's status and type filter.
	Inventory(ctx context.Context, o store.Onboarding) ([]store.InventoryRecord, error)
	// FindByName finds companies whose name is exactly one of names
	// (ignoring case and outer spaces), to learn whether a create whose
	// answer was lost landed.
	FindByName(ctx context.Context, names []string) (map[string][]Record, error)
	// Create makes up to Batch() companies in as few calls as the vendor
	// allows, answered in order. It is never retried blindly.
	Create(ctx context.Context, recs []NewRecord) ([]Record, error)
	// Batch is how many companies one Create call takes.
	Batch() int
}

// NameKey is how names are compared when looking for a created record.
func NameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Clients opens each of a profile's connections once and keeps the client
// for the run. A connection saved again (a login, a rotation) is reopened.
type Clients struct {
	Store   *store.Store
	Keyring *store.Keyring
	Profile string

	mu            sync.Mutex
	open          map[string]opened
	itglueFilters map[string]itglue.OrganizationFilter // status and type names -> ids, for the run
}

type opened struct {
	stamp  string // what the client was made from; a change reopens it
	client any
}

// NewClients keeps the clients of one profile.
func NewClients(st *store.Store, kr *store.Keyring, profile string) *Clients {
	return &Clients{Store: st, Keyring: kr, Profile: profile, open: map[string]opened{}}
}

// client returns the cached client of a system, or makes one with mk from
// the stored fields and the secret.
func (c *Clients) client(ctx context.Context, system string, mk func(connect.Fields, string) (any, error)) (any, error) {
	conn, err := c.Store.Connection(ctx, c.Profile, system)
	if err != nil {
		return nil, fmt.Errorf("%w; run mspwire auth login %s", err, system)
	}
	stamp := fmt.Sprint(conn.BaseURL, conn.Identifiers, conn.KeyringRef, conn.VerifiedAt.UnixNano(), conn.RotatedAt.UnixNano())
	c.mu.Lock()
	if o, ok := c.open[system]; ok && o.stamp == stamp {
		c.mu.Unlock()
		return o.client, nil
	}
	c.mu.Unlock()
	ref, err := connect.Ref(c.Profile, system)
	if err != nil {
		return nil, err
	}
	secret, err := c.Keyring.Get(ctx, ref)
	if err != nil {
		return nil, err
	}
	fields := connect.FieldsOf(conn)
	if system == "itglue" {
		fields.Region = "" // the stored base URL already says the region
	}
	cl, err := mk(fields, secret.Reveal())
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if o, ok := c.open[system]; ok && o.stamp == stamp {
		return o.client, nil // another goroutine opened it meanwhile: share one
	}
	if c.open == nil {
		c.open = map[string]opened{}
	}
	c.open[system] = opened{stamp: stamp, client: cl}
	return cl, nil
}

// HaloPSA is the run's HaloPSA client.
func (c *Clients) HaloPSA(ctx context.Context) (*halopsa.Client, error) {
	cl, err := c.client(ctx, "halopsa", func(f connect.Fields, s string) (any, error) { return connect.HaloPSA(f, s) })
	if err != nil {
		return nil, err
	}
	return cl.(*halopsa.Client), nil
}

// Liongard is the run's Liongard client.
func (c *Clients) Liongard(ctx context.Context) (*liongard.Client, error) {
	cl, err := c.client(ctx, "liongard", func(f connect.Fields, s string) (any, error) { return connect.Liongard(f, s) })
	if err != nil {
		return nil, err
	}
	return cl.(*liongard.Client), nil
}

// ITGlue is the run's IT Glue client.
func (c *Clients) ITGlue(ctx context.Context) (*itglue.Client, error) {
	cl, err := c.client(ctx, "itglue", func(f connect.Fields, s string) (any, error) { return connect.ITGlue(f, s) })
	if err != nil {
		return nil, err
	}
	return cl.(*itglue.Client), nil
}

// Hudu is the run's Hudu client.
func (c *Clients) Hudu(ctx context.Context) (*hudu.Client, error) {
	cl, err := c.client(ctx, "hudu", func(f connect.Fields, s string) (any, error) { return connect.Hudu(f, s) })
	if err != nil {
		return nil, err
	}
	return cl.(*hudu.Client), nil
}

// Companies is the adapter of a system.
func (c *Clients) Companies(system string) (Companies, error) {
	switch system {
	case "halopsa":
		return haloCompanies{c}, nil
	case "liongard":
		return liongardCompanies{c}, nil
	case "itglue":
		return itglueCompanies{c}, nil
	case "hudu":
		return huduCompanies{c}, nil
	}
	_, err := systems.Lookup(system)
	return nil, err
}

// byName groups records by NameKey, keeping only the wanted names.
func byName(recs []Record, names []string) map[string][]Record {
	want := map[string]bool{}
	for _, n := range names {
		want[NameKey(n)] = true
	}
	out := map[string][]Record{}
	for _, r := range recs {
		if k := NameKey(r.Name); want[k] {
			out[k] = append(out[k], r)
		}
	}
	for _, rs := range out {
		sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	}
	return out
}
