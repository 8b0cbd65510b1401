// Package metrics finds the Liongard metrics mspwire reads — Liongard's
// own library metric where the instance has one, else one mspwire creates
// once — and records which, so a second run creates nothing.
package metrics

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

// Spec is a metric mspwire needs: what it is for, the inspector it reads
// (found by alias at run time, never by id), the library metrics that do
// the job (by UUID or name), and the one mspwire makes when none is there.
type Spec struct {
	Purpose   string
	Inspector string // alias: "Microsoft 365"
	Library   []string
	Name      string // "mspwire: …"
	Query     string // JMESPath
}

// Found is the metric a spec is read by, and whether this run made it.
type Found struct {
	store.LiongardMetric
	Made bool
}

// Ensure finds each spec's metric: the one recorded before if Liongard
// still has it, else the library's, else mspwire's own of an earlier run,
// else it creates mspwire's own — once. A create whose answer was lost is
// looked up by name before it is tried again.
func Ensure(ctx context.Context, st *store.Store, profile string, lg *liongard.Client, specs ...Spec) (map[string]Found, error) {
	known, err := st.LiongardMetrics(ctx, profile)
	if err != nil {
		return nil, err
	}
	all, err := lg.Metrics(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading Liongard's metrics: %w", err)
	}
	var inspectors []liongard.Inspector
	out := map[string]Found{}
	for _, s := range specs {
		k := known[s.Purpose]
		if m, ok := find(all, k.UUID); ok && k.UUID != "" {
			out[s.Purpose] = Found{LiongardMetric: record(s.Purpose, m, k.Created)}
			continue
		}
		var m liongard.Metric
		var ok, created, made bool
		if m, ok = find(all, s.Library...); !ok {
			if m, ok = find(all, s.Name); ok {
				created = true
			}
		}
		if !ok {
			if inspectors == nil {
				if inspectors, err = lg.Inspectors(ctx); err != nil {
					return nil, fmt.Errorf("reading Liongard's inspectors: %w", err)
				}
			}
			if m, err = create(ctx, lg, s, inspectors); err != nil {
				return nil, err
			}
			created, made = true, true
		}
		rec := record(s.Purpose, m, created)
		if err := st.SaveLiongardMetric(ctx, profile, who.Operator(), rec); err != nil {
			return nil, err
		}
		out[s.Purpose] = Found{LiongardMetric: rec, Made: made}
	}
	return out, nil
}

func create(ctx context.Context, lg *liongard.Client, s Spec, inspectors []liongard.Inspector) (liongard.Metric, error) {
	ins := 0
	for _, i := range inspectors {
		if strings.EqualFold(i.Alias, s.Inspector) {
			ins = i.ID
		}
	}
	if ins == 0 {
		return liongard.Metric{}, fmt.Errorf("Liongard has no %s inspector, so mspwire cannot read %q: "+
			"check the instance's inspectors (Admin > Inspectors)", s.Inspector, s.Name)
	}
	v, err := lg.LatestInspectorVersion(ctx, ins)
	if err != nil {
		return liongard.Metric{}, err
	}
	m, err := lg.CreateMetric(ctx, liongard.NewMetric{Name: s.Name, InspectorID: ins, InspectorVersionID: v.ID, Query: s.Query, Display: true})
	if err == nil {
		return m, nil
	}
	if errors.Is(err, httpx.ErrUnauthorized) || errors.Is(err, httpx.ErrValidation) {
		return liongard.Metric{}, fmt.Errorf("creating the Liongard metric %q: %w", s.Name, err)
	}
	// The answer may have been lost after Liongard made it: look first.
	if again, lerr := lg.Metrics(ctx); lerr == nil {
		if found, ok := find(again, s.Name); ok {
			return found, nil
		}
	}
	return liongard.Metric{}, fmt.Errorf("creating the Liongard metric %q: %w (nothing was made; run it again)", s.Name, err)
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

func record(purpose string, m liongard.Metric, created bool) store.LiongardMetric {
	return store.LiongardMetric{Purpose: purpose, ID: m.ID, UUID: m.Key(), Name: m.Name, Created: created}
}
