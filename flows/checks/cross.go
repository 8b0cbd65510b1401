package checks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// duplicates: two records of one name inside one system are what an
// import or a sync turns into two of everything downstream.
func duplicates(ctx context.Context, r *run) error {
	for _, sys := range r.plan.Systems {
		recs, err := r.records(ctx, sys)
		if err != nil {
			return err
		}
		byName := map[string][]Record{}
		for id, rec := range recs {
			if !rec.Inactive {
				k := adapter.NameKey(rec.Name)
				byName[k] = append(byName[k], Record{System: sys, ID: id, Name: rec.Name})
			}
		}
		var dup []Record
		groups := 0
		for _, g := range byName {
			if len(g) > 1 {
				dup = append(dup, g...)
				groups++
			}
		}
		sortRecords(dup)
		if groups > 0 {
			r.add(Warn, fmt.Sprintf("%s has %s used by more than one record (%s)", systemName(sys), plural.N(groups, "name", "names"), plural.N(len(dup), "record", "records")),
				fmt.Sprintf("In %s merge or archive the extra records (the review marks them ≈), then mspwire inventory fetch", systemName(sys)), dup)
		}
	}
	return nil
}

// linkedTwice: one record of a system linked to two records of the source
// means two clients share one environment, company or organization.
func linkedTwice(ctx context.Context, r *run) error {
	for _, p := range r.pairs {
		byRight := map[string][]string{}
		for left, right := range r.links(p) {
			byRight[right] = append(byRight[right], left)
		}
		var recs []Record
		for right, lefts := range byRight {
			if len(lefts) < 2 {
				continue
			}
			recs = append(recs, Record{System: p.Right, ID: right, Name: r.nameIn(ctx, p.Right, right)})
			for _, l := range lefts {
				recs = append(recs, Record{System: p.Left, ID: l, Name: r.nameIn(ctx, p.Left, l)})
			}
		}
		if len(recs) > 0 {
			r.add(Error, fmt.Sprintf("the review links one %s record to several %s records", systemName(p.Right), systemName(p.Left)),
				fmt.Sprintf("Re-map or reject all but one in the review (mspwire match list --pair %s), or create the missing records (n)", p.ID), recs)
		}
	}
	return nil
}

// nameIn is a record's name from the stored inventory; an unknown id is
// shown as is.
func (r *run) nameIn(ctx context.Context, system, id string) string {
	if recs, err := r.records(ctx, system); err == nil {
		if rec, ok := recs[id]; ok {
			return rec.Name
		}
	}
	return id
}

// drift: since the last applied plan, clients added, renamed or archived
// in the source of truth that the other systems do not reflect yet.
func drift(ctx context.Context, r *run) error {
	last, err := r.env.Store.LatestPlan(ctx, r.env.Profile)
	if errors.Is(err, store.ErrNoPlan) {
		return nil
	}
	if err != nil {
		return err
	}
	if last.FinishedAt == nil {
		return nil // the apply itself is unfinished: mspwire apply, not drift
	}
	live, err := r.liveSource(ctx)
	if err != nil {
		return err
	}
	stored, err := r.records(ctx, r.ob.Source)
	if err != nil {
		return err
	}
	elsewhere := map[string]bool{}
	for _, sys := range r.plan.Systems {
		if sys == r.ob.Source {
			continue
		}
		recs, err := r.records(ctx, sys)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			elsewhere[sys+"|"+adapter.NameKey(rec.Name)] = true
		}
	}
	missingSomewhere := func(name string) bool {
		for _, sys := range r.plan.Systems {
			if sys != r.ob.Source && !elsewhere[sys+"|"+adapter.NameKey(name)] {
				return true
			}
		}
		return false
	}
	var added, renamed, archived []Record
	for id, rec := range live {
		was, known := stored[id]
		switch {
		case !known && !rec.Inactive && missingSomewhere(rec.Name):
			added = append(added, Record{System: r.ob.Source, ID: id, Name: rec.Name + " (added)"})
		case known && adapter.NameKey(was.Name) != adapter.NameKey(rec.Name) && missingSomewhere(rec.Name):
			renamed = append(renamed, Record{System: r.ob.Source, ID: id, Name: fmt.Sprintf("%s (was %q)", rec.Name, was.Name)})
		case known && rec.Inactive && !was.Inactive:
			archived = append(archived, Record{System: r.ob.Source, ID: id, Name: rec.Name + " (archived)"})
		}
	}
	recs := append(append(added, renamed...), archived...)
	sortRecords(recs)
	if len(recs) == 0 {
		return nil
	}
	r.add(Warn, fmt.Sprintf("drift since plan %d was applied, in %s the other systems do not reflect: %d added, %d renamed, %d archived",
		last.ID, adapter.InfoOf(r.ob.Source).Records, len(added), len(renamed), len(archived)),
		"mspwire inventory fetch, then decide the new rows in the review (the wizard, or mspwire match suggest and mspwire match list --state todo); "+
			"mspwire plan then shows what it would create and link, and mspwire apply does it. Archived clients: archive their records elsewhere by hand", recs)
	return nil
}

// liveSource reads the source of truth's list as it is now.
func (r *run) liveSource(ctx context.Context) (map[string]store.InventoryRecord, error) {
	out := map[string]store.InventoryRecord{}
	switch r.ob.Source {
	case "itglue":
		orgs, err := r.itglueOrgs(ctx)
		if err != nil {
			return nil, err
		}
		// Like with like: the inventory was fetched through Liongard's
		// status and type filter, so the live list is read through it too.
		for id, o := range orgs {
			if inFilter(o.StatusName, r.ob.ITGlueStatuses) && inFilter(o.TypeName, r.ob.ITGlueTypes) {
				out[strconv.Itoa(id)] = store.InventoryRecord{ExternalID: strconv.Itoa(id), Name: o.Name}
			}
		}
	default:
		c, err := r.env.HaloPSA(ctx)
		if err != nil {
			return nil, err
		}
		clients, err := c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true})
		if err != nil {
			return nil, err
		}
		for _, cl := range clients {
			out[strconv.Itoa(cl.ID)] = store.InventoryRecord{ExternalID: strconv.Itoa(cl.ID), Name: cl.Name, Inactive: cl.Inactive}
		}
	}
	return out, nil
}

// inFilter says a status or type passes a filter (an empty one passes all).
func inFilter(name string, filter []string) bool {
	return len(filter) == 0 || slices.Contains(filter, name)
}

func systemName(id string) string { return adapter.InfoOf(id).Name }
