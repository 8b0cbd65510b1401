package adapter

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/store"
)

// Record is a company as a vendor holds it: a HaloPSA client, a Liongard
// environment, an IT Glue organization, a Hudu company.
type Record = change.Record

// NewRecord is a company to create.
type NewRecord = change.NewRecord

// Companies is what every vendor offers the flows: its company list, to
// match, and a way to make the companies the review asks for.
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

// fewNames is how many names FindByName asks for one by one; more, and
// it reads the whole list: fewer calls.
const fewNames = 3

// HasCompanies adapters list and create companies.
type HasCompanies interface {
	Companies(c *Clients) Companies
}

// Preparer companies fill in what a record to create needs beyond its
// name and website (Liongard's tier, IT Glue's status and type), saying
// what they chose for the plan's summary.
type Preparer interface {
	Prepare(o store.Onboarding, r NewRecord) (NewRecord, []string)
}

// Grouper companies keep groups of companies, and the new ones a plan
// makes go in the group the settings name (Liongard's Environment Group):
// its name, "" for none, and what the vendor calls a group.
type Grouper interface {
	Group(o store.Onboarding) (name, what string)
}

// Clients opens each of a profile's connections once and keeps the client
// for the run. A connection saved again (a login, a rotation) is reopened.
type Clients struct {
	Store   *store.Store
	Keyring *store.Keyring
	Profile string

	mu   sync.Mutex
	open map[string]opened
	memo map[string]any // what an adapter read once for the run (IT Glue's status ids)
}

type opened struct {
	stamp  string // what the client was made from; a change reopens it
	client any
}

// NewClients keeps the clients of one profile.
func NewClients(st *store.Store, kr *store.Keyring, profile string) *Clients {
	return &Clients{Store: st, Keyring: kr, Profile: profile, open: map[string]opened{}}
}

// Client returns the run's client of a system: made once from the stored
// connection and its secret, and made again when the connection changes.
func (c *Clients) Client(ctx context.Context, system string) (any, error) {
	a, err := Lookup(system)
	if err != nil {
		return nil, err
	}
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
	ref, err := SecretRef(c.Profile, system)
	if err != nil {
		return nil, err
	}
	secret, err := c.Keyring.Get(ctx, ref)
	if err != nil {
		return nil, err
	}
	cl, err := a.Open(Stored(a, conn), secret.Reveal())
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

// typed is the run's client of a system as the vendor's own type.
func typed[T any](ctx context.Context, c *Clients, system string) (T, error) {
	var zero T
	cl, err := c.Client(ctx, system)
	if err != nil {
		return zero, err
	}
	t, ok := cl.(T)
	if !ok {
		return zero, fmt.Errorf("%s: the adapter opened a %T, not a %T", system, cl, zero)
	}
	return t, nil
}

// Companies is the company capability of a system.
func (c *Clients) Companies(system string) (Companies, error) {
	a, err := Lookup(system)
	if err != nil {
		return nil, err
	}
	h, ok := a.(HasCompanies)
	if !ok {
		return nil, fmt.Errorf("%s keeps no companies mspwire can match", a.Info().Name)
	}
	return h.Companies(c), nil
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

// remember is what fn read, read once per run under key.
func remember[T any](c *Clients, key string, fn func() (T, error)) (T, error) {
	c.mu.Lock()
	v, ok := c.memo[key]
	c.mu.Unlock()
	if ok {
		return v.(T), nil
	}
	t, err := fn()
	if err != nil {
		return t, err
	}
	c.mu.Lock()
	if c.memo == nil {
		c.memo = map[string]any{}
	}
	c.memo[key] = t
	c.mu.Unlock()
	return t, nil
}
