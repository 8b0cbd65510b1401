package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
)

// counter is how a product's users are counted in Liongard: its
// inspector (found by alias at run time, never by id), the library metric
// to use when the instance has it, and the metric mspwire makes when it
// does not. Queries are the validated ones of Liongard's own library
// (api-facts-ops §B.1, §B.2).
type counter struct {
	product   Product
	inspector string // alias
	library   []string
	ownName   string
	ownQuery  string
}

var counters = []counter{
	{product: M365, inspector: "Microsoft 365",
		library: []string{"5e544b81-36c4-497e-af78-2c245160ac6f", "Office 365: Licensed User Count"},
		ownName: "mspwire: Microsoft 365 licensed users", ownQuery: "Users[?Assigned_Products != ``] | length(@)"},
	// No Google Workspace count is in the library. Active users are the
	// validated user list without the suspended and archived accounts,
	// which hold no paid seat (Liongard's own billable-identity rule).
	{product: GoogleWorkspace, inspector: "Google Workspace",
		ownName: "mspwire: Google Workspace active users", ownQuery: "length(Users[?suspended != `true` && archived != `true`])"},
}

// Counting is the metric a product is counted by, and what finding it did.
type Counting struct {
	store.CountingMetric
	Made bool // this run created it in Liongard
}

// EnsureMetrics finds, per product, the Liongard metric that counts its
// users: the one recorded before if Liongard still has it, else the
// library's, else mspwire's own of an earlier run, else it creates
// mspwire's own — once: a second run creates nothing. A create whose
// answer was lost is looked up by name before it is tried again.
func EnsureMetrics(ctx context.Context, st *store.Store, profile string, lg *liongard.Client) (map[Product]Counting, error) {
	known, err := st.CountingMetrics(ctx, profile)
	if err != nil {
		return nil, err
	}
	metrics, err := lg.Metrics(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading Liongard's metrics: %w", err)
	}
	var inspectors []liongard.Inspector
	out := map[Product]Counting{}
	for _, c := range counters {
		if m, ok := find(metrics, known[string(c.product)].UUID); ok && known[string(c.product)].UUID != "" {
			out[c.product] = Counting{CountingMetric: record(c.product, m, known[string(c.product)].Created)}
			continue
		}
		if m, ok := find(metrics, c.library...); ok {
			if err := save(ctx, st, profile, record(c.product, m, false)); err != nil {
				return nil, err
			}
			out[c.product] = Counting{CountingMetric: record(c.product, m, false)}
			continue
		}
		if m, ok := find(metrics, c.ownName); ok {
			if err := save(ctx, st, profile, record(c.product, m, true)); err != nil {
				return nil, err
			}
			out[c.product] = Counting{CountingMetric: record(c.product, m, true)}
			continue
		}
		if inspectors == nil {
			if inspectors, err = lg.Inspectors(ctx); err != nil {
				return nil, fmt.Errorf("reading Liongard's inspectors: %w", err)
			}
		}
		m, err := create(ctx, lg, c, inspectors)
		if err != nil {
			return nil, err
		}
		if err := save(ctx, st, profile, record(c.product, m, true)); err != nil {
			return nil, err
		}
		out[c.product] = Counting{CountingMetric: record(c.product, m, true), Made: true}
	}
	return out, nil
}

func create(ctx context.Context, lg *liongard.Client, c counter, inspectors []liongard.Inspector) (liongard.Metric, error) {
	ins := 0
	for _, i := range inspectors {
		if strings.EqualFold(i.Alias, c.inspector) {
			ins = i.ID
		}
	}
	if ins == 0 {
		return liongard.Metric{}, fmt.Errorf("Liongard has no %s inspector, so %s users cannot be counted: "+
			"check the instance's inspectors (Admin > Inspectors)", c.inspector, c.product.Title())
	}
	v, err := lg.LatestInspectorVersion(ctx, ins)
	if err != nil {
		return liongard.Metric{}, err
	}
	m, err := lg.CreateMetric(ctx, liongard.NewMetric{Name: c.ownName, InspectorID: ins, InspectorVersionID: v.ID, Query: c.ownQuery, Display: true})
	if err == nil {
		return m, nil
	}
	if errors.Is(err, httpx.ErrUnauthorized) || errors.Is(err, httpx.ErrValidation) {
		return liongard.Metric{}, fmt.Errorf("creating the Liongard metric %q: %w", c.ownName, err)
	}
	// The answer may have been lost after Liongard made it: look first.
	if again, lerr := lg.Metrics(ctx); lerr == nil {
		if found, ok := find(again, c.ownName); ok {
			return found, nil
		}
	}
	return liongard.Metric{}, fmt.Errorf("creating the Liongard metric %q: %w (nothing was made; run it again)", c.ownName, err)
}

// find is the first metric whose UUID or name is one of keys.
func find(metrics []liongard.Metric, keys ...string) (liongard.Metric, bool) {
	for _, k := range keys {
		for _, m := range metrics {
			if k != "" && (strings.EqualFold(m.Key(), k) || strings.EqualFold(m.Name, k)) {
				return m, true
			}
		}
	}
	return liongard.Metric{}, false
}

func record(p Product, m liongard.Metric, created bool) store.CountingMetric {
	return store.CountingMetric{Product: string(p), ID: m.ID, UUID: m.Key(), Name: m.Name, Created: created}
}

func save(ctx context.Context, st *store.Store, profile string, m store.CountingMetric) error {
	return st.SaveCountingMetric(ctx, profile, who.Operator(), m)
}
