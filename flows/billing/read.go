package billing

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/signins"
	"github.com/mspwire/mspwire/flows/tickets"
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
	if in.Created, err = review.Created(ctx, e.Store, e.Profile, "liongard"); err != nil {
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
	// The accounts' sign-ins are the evidence for the link check: read in
	// the same evaluation as the counts.
	if in.SignIns, err = signins.Ensure(ctx, e, lg); err != nil {
		return in, err
	}
	var keys []string
	for _, p := range Products {
		if m, ok := in.Metrics[p]; ok {
			keys = append(keys, m.UUID)
		}
	}
	if in.Values, err = lg.EvaluateMetrics(ctx, append(keys, signins.Keys(in.SignIns)...)); err != nil {
		return in, fmt.Errorf("reading Liongard's counts: %w", err)
	}
	if in.Invoices, err = halo.ListRecurringInvoices(ctx, 0); err != nil {
		return in, fmt.Errorf("reading HaloPSA's recurring invoices: %w", err)
	}
	if in.Items, err = itemsOf(ctx, e, halo, in.Invoices); err != nil {
		return in, err
	}
	if in.Choices, err = e.Store.BillingChoices(ctx, e.Profile); err != nil {
		return in, err
	}
	settings, err := e.Store.BillingSettingsOf(ctx, e.Profile)
	if err != nil {
		return in, err
	}
	in.Tolerances = settings.Tolerances
	refs, err := tickets.ReadBack(ctx, e.Store, e.Profile, halo, change.Billing, ticketSubject)
	if err != nil {
		return in, err
	}
	in.Tickets = byRow(refs)
	if in.Matched, err = history.LastSeen(ctx, e.Store, e.Profile, history.Billing, string(Match)); err != nil {
		return in, err
	}
	ev, err := linkcheck.Read(ctx, e, nil, signins.Found{Values: in.Values, Metrics: in.SignIns}.Accounts())
	if err != nil {
		return in, err
	}
	in.Links = linkcheck.Check(ev)
	for id, name := range in.Clients {
		in.Clients[id] = in.Links.Name(store.RecordRef{ID: strconv.Itoa(id), Name: name})
	}
	return in, nil
}

// environments is the review's HaloPSA client → Liongard environment.
func environments(ctx context.Context, st *store.Store, profile, source string) (map[int]Ref, map[int]string, error) {
	links, names, err := review.Joined(ctx, st, profile, source, "halopsa", "liongard")
	if err != nil {
		return nil, nil, err
	}
	envs, clients := map[int]Ref{}, map[int]string{}
	for id, name := range names {
		if n, err := strconv.Atoi(id); err == nil {
			clients[n] = name
		}
	}
	for id, r := range links {
		if n, err := strconv.Atoi(id); err == nil {
			envs[n] = Ref{System: "liongard", ID: r.ID, Name: r.Name}
		}
	}
	return envs, clients, nil
}

// Items is the item mapping alone: HaloPSA's items and recurring lines,
// the operator's confirmations, mspwire's proposals. It reads nothing of
// Liongard's.
func Items(ctx context.Context, e onboard.Env) ([]ItemMapping, error) {
	halo, err := e.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	invoices, err := halo.ListRecurringInvoices(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("reading HaloPSA's recurring invoices: %w", err)
	}
	return itemsOf(ctx, e, halo, invoices)
}

func itemsOf(ctx context.Context, e onboard.Env, halo *halopsa.Client, invoices []halopsa.RecurringInvoice) ([]ItemMapping, error) {
	items, err := halo.ListItems(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading HaloPSA's items: %w", err)
	}
	confirmed, err := e.Store.ItemProducts(ctx, e.Profile)
	if err != nil {
		return nil, err
	}
	return MapItems(items, invoices, confirmed), nil
}

// Build reads and reconciles.
func Build(ctx context.Context, e onboard.Env) (Report, Inputs, error) {
	in, err := Read(ctx, e)
	if err != nil {
		return Report{}, in, err
	}
	return Reconcile(in), in, nil
}
