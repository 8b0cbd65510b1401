package billing

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/store"
)

// Read gathers a reconciliation's inputs: the review's HaloPSA ↔ Liongard
// decisions, the counting metrics (found or made once), their values,
// HaloPSA's recurring invoices and items, and the operator's mappings,
// choices and tolerances.
func Read(ctx context.Context, e onboard.Env) (Inputs, error) {
	in := Inputs{Now: time.Now()}
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return in, err
	}
	if in.Environments, in.Clients, err = environments(ctx, e.Store, e.Profile, o.Source); err != nil {
		return in, err
	}
	lg, err := e.Liongard(ctx)
	if err != nil {
		return in, err
	}
	halo, err := e.HaloPSA(ctx)
	if err != nil {
		return in, err
	}
	if in.Metrics, err = EnsureMetrics(ctx, e.Store, e.Profile, lg); err != nil {
		return in, err
	}
	var keys []string
	for _, p := range Products {
		if m, ok := in.Metrics[p]; ok {
			keys = append(keys, m.UUID)
		}
	}
	if in.Values, err = lg.EvaluateMetrics(ctx, keys); err != nil {
		return in, fmt.Errorf("reading Liongard's counts: %w", err)
	}
	if in.Invoices, err = halo.ListRecurringInvoices(ctx, 0); err != nil {
		return in, fmt.Errorf("reading HaloPSA's recurring invoices: %w", err)
	}
	items, err := halo.ListItems(ctx)
	if err != nil {
		return in, fmt.Errorf("reading HaloPSA's items: %w", err)
	}
	confirmed, err := e.Store.ItemProducts(ctx, e.Profile)
	if err != nil {
		return in, err
	}
	in.Items = MapItems(items, in.Invoices, confirmed)
	if in.Choices, err = e.Store.BillingChoices(ctx, e.Profile); err != nil {
		return in, err
	}
	settings, err := e.Store.BillingSettingsOf(ctx, e.Profile)
	if err != nil {
		return in, err
	}
	in.Tolerances = settings.Tolerances
	return in, nil
}

// environments joins the review's decisions into HaloPSA client →
// Liongard environment: directly when HaloPSA is the source of truth,
// through the source's record otherwise. Only what a person accepted or
// re-mapped counts.
func environments(ctx context.Context, st *store.Store, profile, source string) (map[int]Ref, map[int]string, error) {
	chosen := func(pair string) (map[string]store.RecordRef, map[string]string, error) {
		ds, err := st.Decisions(ctx, profile, pair)
		if err != nil {
			return nil, nil, err
		}
		out, lefts := map[string]store.RecordRef{}, map[string]string{}
		for _, d := range ds {
			lefts[d.Left.ID] = d.Left.Name
			if (d.State == store.StateAccepted || d.State == store.StateRemapped) && d.Right.ID != "" {
				out[d.Left.ID] = d.Right
			}
		}
		return out, lefts, nil
	}
	envs, names := map[int]Ref{}, map[int]string{}
	if source == "" || source == "halopsa" {
		lg, lefts, err := chosen("halopsa:liongard")
		if err != nil {
			return nil, nil, err
		}
		for id, name := range lefts {
			if n, err := strconv.Atoi(id); err == nil {
				names[n] = name
			}
		}
		for id, r := range lg {
			if n, err := strconv.Atoi(id); err == nil {
				envs[n] = Ref{System: "liongard", ID: r.ID, Name: r.Name}
			}
		}
		return envs, names, nil
	}
	halo, _, err := chosen(source + ":halopsa")
	if err != nil {
		return nil, nil, err
	}
	lg, _, err := chosen(source + ":liongard")
	if err != nil {
		return nil, nil, err
	}
	for left, h := range halo {
		n, err := strconv.Atoi(h.ID)
		if err != nil {
			continue
		}
		names[n] = h.Name
		if r, ok := lg[left]; ok {
			envs[n] = Ref{System: "liongard", ID: r.ID, Name: r.Name}
		}
	}
	return envs, names, nil
}

// Build reads and reconciles.
func Build(ctx context.Context, e onboard.Env) (Report, Inputs, error) {
	in, err := Read(ctx, e)
	if err != nil {
		return Report{}, in, err
	}
	return Reconcile(in), in, nil
}
