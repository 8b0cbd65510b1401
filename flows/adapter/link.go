package adapter

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// Linker adapters set, in their own system, links toward another system's
// records: Hudu's integration matchers, HaloPSA's IT Glue organization on
// a client. Liongard, whose mappings only its console makes, answers with
// checklist items instead.
type Linker interface {
	Links(ctx context.Context, c *Clients, req LinkRequest) (LinkPlan, error)
}

// LinkRequest asks a linker for the links toward one system.
type LinkRequest struct {
	Toward string // the system the links point to
	Source string // the source of truth
	// Rows are the source's records with their counterparts in the
	// linker's system and in Toward, as the review decided them.
	Rows []LinkRow
	// HolderPair and TowardPair are the review's pairs the rows come from
	// ("" for the source itself).
	HolderPair, TowardPair string
	Onboarding             store.Onboarding
	Records                map[string]map[string]store.InventoryRecord // system -> id -> record
}

// LinkRow is one source record and its counterparts.
type LinkRow struct {
	Source store.RecordRef
	Holder Ref // the record that keeps the link
	Toward Ref // the record it points to
}

// Ref is a counterpart as the review decided it: an existing record, or
// the one a create action makes (this plan's, while ID is empty).
type Ref struct {
	OK      bool // decided: accepted, re-mapped or to create
	ID      string
	From    change.Key // the create action that makes it, while it is not made
	Name    string
	Created bool // the review asked mspwire to create it
}

// LinkPlan is a linker's answer.
type LinkPlan struct {
	Actions []change.Draft
	Notes   []string
}

func (l *LinkPlan) note(format string, args ...any) {
	l.Notes = append(l.Notes, fmt.Sprintf(format, args...))
}

// Links (Hudu) links each matcher of Hudu's integration with Toward to
// the Hudu company the review chose for its record.
func (huduAdapter) Links(ctx context.Context, c *Clients, req LinkRequest) (LinkPlan, error) {
	var out LinkPlan
	if req.Toward != req.Source && !slices.ContainsFunc(req.Rows, func(r LinkRow) bool { return r.Holder.OK && r.Toward.OK }) {
		return out, nil // nothing decided on both sides: no need to read the matchers
	}
	integrator := InfoOf(req.Toward).Name
	integration := req.Onboarding.Settings.HuduHaloPSAIntegration
	if req.Toward == "liongard" {
		integration = req.Onboarding.Settings.HuduLiongardIntegration
	}
	matchers, integration, err := c.integrationMatchers(ctx, &out, integration, integrator)
	if err != nil || matchers == nil {
		return out, err
	}
	rows := req.Rows
	if req.Toward != req.Source {
		rows = append([]LinkRow(nil), rows...)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Source.ID < rows[j].Source.ID })
	}
	waiting, missing := 0, 0
	for _, r := range rows {
		if !r.Holder.OK || !r.Toward.OK {
			continue
		}
		if r.Toward.ID == "" {
			waiting++ // made by this plan: Hudu has no matcher for it until its next sync
			continue
		}
		m, found := matchers[r.Toward.ID]
		if !found {
			missing++
			continue
		}
		if d, ok := matcherLink(m, integration, integrator, r.Holder); ok {
			out.Actions = append(out.Actions, d)
		}
	}
	records := InfoOf(req.Toward).Records
	if waiting > 0 {
		out.note("%d %s this plan creates get their Hudu matchers at Hudu's next %s sync: plan again after it", waiting, records, integrator)
	}
	if missing > 0 {
		out.note("%d %s have no matcher in Hudu's %s integration yet: run Hudu's sync, then plan again", missing, records, integrator)
	}
	return out, nil
}

// integrationMatchers reads an integration's matchers, finding its id
// first when the settings do not say it. No matchers (nil) leaves a note.
func (c *Clients) integrationMatchers(ctx context.Context, out *LinkPlan, integration int, integrator string) (map[string]Matcher, int, error) {
	if c == nil {
		out.note("Hudu's %s matchers were not read: no vendor connection in this run", integrator)
		return nil, 0, nil
	}
	if integration <= 0 {
		id, err := c.FindIntegration(ctx, integrator)
		if errors.Is(err, ErrNoIntegration) {
			out.note("links in Hudu's %s integration are left out: %v", integrator, err)
			return nil, 0, nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("reading Hudu's integrations: %w", err)
		}
		integration = id
	}
	ms, err := c.Matchers(ctx, integration)
	if err != nil {
		return nil, 0, fmt.Errorf("reading Hudu's %s matchers: %w", integrator, err)
	}
	return ms, integration, nil
}

// matcherLink is the action that links a matcher to a company; none when
// it already holds it.
func matcherLink(m Matcher, integration int, integrator string, company Ref) (change.Draft, bool) {
	if company.ID != "" && m.CompanyID == company.ID {
		return change.Draft{}, false
	}
	ref := company.ID
	if company.From != "" {
		ref = string(company.From)
	}
	summary := fmt.Sprintf("link Hudu's %s matcher %q to Hudu company %q", integrator, m.Name, company.Name)
	if company.ID != "" {
		summary += " (" + company.ID + ")"
	} else {
		summary += " (created above)"
	}
	if m.CompanyID != "" {
		summary += ", replacing company " + m.CompanyID
	}
	var deps []change.Key
	if company.From != "" {
		deps = []change.Key{company.From}
	}
	return change.Draft{Kind: change.Link, System: "hudu", Target: "matcher/" + m.ID,
		Key:     change.NewKey(change.Link, "hudu", fmt.Sprintf("matcher/%d/%s=%s", integration, m.SyncID, ref)),
		Summary: summary, Depends: deps,
		Payload: change.LinkPayload{Field: LinkMatcher, Target: m.ID, Integration: integration, SyncID: m.SyncID,
			Value: company.ID, ValueFrom: company.From, ValueName: company.Name}}, true
}

// Links (HaloPSA) sets each client's IT Glue organization, the link
// HaloPSA's IT Glue integration keeps.
func (haloPSA) Links(_ context.Context, _ *Clients, req LinkRequest) (LinkPlan, error) {
	var out LinkPlan
	if req.Toward != "itglue" {
		return out, nil
	}
	for _, r := range req.Rows {
		client, org := r.Holder, r.Toward
		if !client.OK || !org.OK {
			continue
		}
		name := r.Source.Name
		if client.ID != "" {
			cur := req.Records["halopsa"][client.ID]
			if org.ID != "" && fmt.Sprint(cur.Extra["itglue_id"]) == org.ID {
				continue // already linked as decided
			}
			name = cur.Name
		}
		target, ref := client.ID, org.ID
		var deps []change.Key
		if client.From != "" {
			target = string(client.From)
			deps = append(deps, client.From)
		}
		if org.From != "" {
			ref = string(org.From)
			deps = append(deps, org.From)
		}
		out.Actions = append(out.Actions, change.Draft{Kind: change.Link, System: "halopsa", Target: "client/" + target,
			Key:     change.NewKey(change.Link, "halopsa", "client/"+target+":itglue_id="+ref),
			Summary: fmt.Sprintf("link HaloPSA client %q to IT Glue organization %q", name, org.Name), Depends: deps,
			Payload: change.LinkPayload{Field: LinkITGlue, Target: client.ID, TargetFrom: client.From,
				Value: org.ID, ValueFrom: org.From, ValueName: org.Name}})
	}
	return out, nil
}

// Links (Liongard) asks the operator to check the mappings only
// Liongard's console makes: Liongard has no API for them.
func (liongardAdapter) Links(_ context.Context, _ *Clients, req LinkRequest) (LinkPlan, error) {
	var out LinkPlan
	src := InfoOf(req.Source)
	var item, pair string
	if req.Toward == req.Source {
		linked, created := 0, 0
		for _, r := range req.Rows {
			switch {
			case r.Holder.OK && r.Holder.Created:
				created++
			case r.Holder.OK:
				linked++
			}
		}
		if linked+created == 0 {
			return out, nil
		}
		where := "HaloPSA > Import & Mapping"
		if req.Source == "itglue" {
			where = "IT Glue"
		}
		pair = req.HolderPair
		item = fmt.Sprintf("In Liongard, Admin > Integrations > %s, Map tab: check that %s mapped to the %s "+
			"the review chose (%d matched, %d created by mspwire; mspwire match list --pair %s), then Save",
			where, plural.N(linked+created, "environment is", "environments are"), src.Records, linked, created, pair)
	} else {
		n := 0
		for _, r := range req.Rows {
			if r.Toward.OK {
				n++
			}
		}
		if n == 0 {
			return out, nil
		}
		pair = req.TowardPair
		item = fmt.Sprintf("In Liongard, Admin > Integrations > %s, Map tab: check that %s mapped to the %s "+
			"of the same %s (mspwire match list --pair %s)", InfoOf(req.Toward).Name, plural.N(n, "environment is", "environments are"), InfoOf(req.Toward).Records, src.Record, pair)
	}
	sum := sha256.Sum256([]byte(item))
	out.Actions = append(out.Actions, change.Draft{Kind: change.Checklist, System: "liongard", Target: "console",
		Key:     change.NewKey(change.Checklist, "liongard", pair+":"+hex.EncodeToString(sum[:6])),
		Summary: "onto the checklist (no API for it): " + item,
		Payload: change.ChecklistPayload{System: "liongard", Reason: "plan", Items: []string{item}}})
	return out, nil
}
