package checks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/itglue"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// unlinkedEnvironments: a Liongard environment no reviewed decision ties
// to a client gets no tickets routed to a customer, and is what a later
// import duplicates.
func unlinkedEnvironments(ctx context.Context, r *run) error {
	p, ok := r.pair("liongard")
	if !ok {
		return nil
	}
	envs, err := r.records(ctx, "liongard")
	if err != nil {
		return err
	}
	linked := map[string]bool{}
	for _, env := range r.links(p) {
		linked[env] = true
	}
	var recs []Record
	for id, e := range envs {
		if !linked[id] && !e.Inactive {
			recs = append(recs, Record{System: "liongard", ID: id, Name: e.Name})
		}
	}
	sortRecords(recs)
	if len(recs) > 0 {
		r.add(Warn, fmt.Sprintf("%s linked to no %s record by the review", plural.N(len(recs), "Liongard environment is", "Liongard environments are"), systemName(p.Left)),
			fmt.Sprintf("Decide them in the review (the wizard, or mspwire match list --pair %s --state todo), then mspwire plan and apply; "+
				"in Liongard check Admin > Integrations > HaloPSA > Import & Mapping, Map tab. An environment that is not a customer can be ignored (i in the review)", p.ID), recs)
	}
	return nil
}

// alertTemplates: Liongard's API lists alerts (v1 /tasks) but not which
// template an environment has, so the operator is asked.
func alertTemplates(_ context.Context, r *run) error {
	r.ask("alert-templates", "Is an alert template with HaloPSA as its destination assigned to every customer environment in Liongard?", Error,
		"Liongard > Admin > Actionable Alerts > Environments: assign the HaloPSA template to each customer environment (an Environment Group "+
			"makes this one step); then run an inspection by hand and check a ticket appears in HaloPSA")
	return nil
}

// itglueFilter (path B): Liongard takes IT Glue organizations through its
// status and type filter; an organization matched to a client but outside
// the filter never reaches Liongard.
func itglueFilter(ctx context.Context, r *run) error {
	p, ok := r.pair("itglue")
	if !ok {
		return nil
	}
	if len(r.ob.ITGlueStatuses) == 0 || len(r.ob.ITGlueTypes) == 0 {
		r.add(Warn, "Liongard's IT Glue status and type filter is not recorded in mspwire", "mspwire source set "+r.ob.Source+
			" --itglue-status NAME --itglue-type NAME with the values set in Liongard > Admin > Integrations > IT Glue", nil)
		return nil
	}
	orgs, err := r.itglueOrgs(ctx)
	if err != nil {
		return err
	}
	// Organizations outside the filter that are linked to a client, or
	// that carry the name of a client no organization in the filter is
	// linked to: the review never saw them, and an apply would make the
	// client a second organization.
	links := r.links(p)
	linked := map[string]bool{}
	for _, org := range links {
		linked[org] = true
	}
	clients, err := r.records(ctx, p.Left)
	if err != nil {
		return err
	}
	unserved := map[string]bool{}
	for id, c := range clients {
		if org, ok := links[id]; !ok || !r.inFilter(orgs, org) {
			unserved[adapter.NameKey(c.Name)] = true
		}
	}
	var recs []Record
	var missStatus, missType []string
	for id, o := range orgs {
		orgID := strconv.Itoa(id)
		if !linked[orgID] && !unserved[adapter.NameKey(o.Name)] {
			continue
		}
		var why []string
		if !containsFold(r.ob.ITGlueStatuses, o.StatusName) {
			why = append(why, "status "+quoteOr(o.StatusName))
			missStatus = appendNew(missStatus, o.StatusName)
		}
		if !containsFold(r.ob.ITGlueTypes, o.TypeName) {
			why = append(why, "type "+quoteOr(o.TypeName))
			missType = appendNew(missType, o.TypeName)
		}
		if len(why) > 0 {
			recs = append(recs, Record{System: "itglue", ID: orgID, Name: o.Name + " (" + strings.Join(why, ", ") + ")"})
		}
	}
	sortRecords(recs)
	if len(recs) > 0 {
		fix := "In IT Glue set these organizations to a status and type the filter takes, or in Liongard > Admin > Integrations > IT Glue add"
		if len(missStatus) > 0 {
			fix += " the statuses " + strings.Join(missStatus, ", ")
		}
		if len(missType) > 0 {
			fix += " the types " + strings.Join(missType, ", ")
		}
		fix += " to the filter (then mspwire source set to record it)"
		r.add(Error, fmt.Sprintf("%s of clients outside Liongard's filter (statuses %s; types %s): Liongard never sees them",
			plural.N(len(recs), "IT Glue organization is", "IT Glue organizations are"), strings.Join(r.ob.ITGlueStatuses, ", "), strings.Join(r.ob.ITGlueTypes, ", ")), fix, recs)
	}
	return nil
}

// proSyncCollisions (path B): Pro Sync updates an IT Glue configuration
// whose name matches a Liongard system's, overwriting what was there.
// Liongard names a system "<inspector> - <target>"; the target is what
// meets the configuration's name.
func proSyncCollisions(ctx context.Context, r *run) error {
	lc, err := r.env.Liongard(ctx)
	if err != nil {
		return err
	}
	systems, err := lc.Systems(ctx)
	if err != nil {
		return err
	}
	ic, err := r.env.ITGlue(ctx)
	if err != nil {
		return err
	}
	configs, err := ic.Configurations(ctx, 0, "")
	if err != nil {
		return err
	}
	byOrg := map[int]map[string][]itglue.Configuration{}
	for _, c := range configs {
		if c.Archived {
			continue
		}
		if byOrg[c.OrganizationID] == nil {
			byOrg[c.OrganizationID] = map[string][]itglue.Configuration{}
		}
		k := adapter.NameKey(c.Name)
		byOrg[c.OrganizationID][k] = append(byOrg[c.OrganizationID][k], c)
	}
	orgOf, err := r.orgOfEnvironment(ctx)
	if err != nil {
		return err
	}
	var recs []Record
	for _, s := range systems {
		org, ok := orgOf[strconv.Itoa(s.Environment.ID)]
		if !ok {
			continue
		}
		for _, c := range byOrg[org][adapter.NameKey(target(s))] {
			recs = append(recs, Record{System: "itglue", ID: strconv.Itoa(c.ID),
				Name: fmt.Sprintf("%s in %s ← Liongard %q", c.Name, s.Environment.Name, s.Name)})
		}
	}
	sortRecords(recs)
	if len(recs) > 0 {
		r.add(Warn, fmt.Sprintf("%s a name with a Liongard system: Pro Sync would overwrite them", plural.N(len(recs), "IT Glue configuration shares", "IT Glue configurations share")),
			"Before enabling Pro Sync (Liongard > Admin > Integrations > IT Glue), rename or archive these configurations in IT Glue, "+
				"or keep them and accept that Liongard's data replaces theirs", recs)
	}
	return nil
}

// target is the part of a Liongard system's name after "<inspector> - ".
func target(s liongard.System) string {
	if i := strings.LastIndex(s.Name, " - "); i >= 0 {
		return s.Name[i+3:]
	}
	return s.Name
}

// orgOfEnvironment ties Liongard environments to IT Glue organizations
// through the client both are linked to; without a review, by equal names.
func (r *run) orgOfEnvironment(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	lp, okL := r.pair("liongard")
	ip, okI := r.pair("itglue")
	if okL && okI {
		orgs := r.links(ip)
		for client, env := range r.links(lp) {
			if org, ok := orgs[client]; ok {
				out[env], _ = strconv.Atoi(org)
			}
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	envs, err := r.records(ctx, "liongard")
	if err != nil {
		return nil, err
	}
	orgs, err := r.records(ctx, "itglue")
	if err != nil {
		return nil, err
	}
	byName := map[string]string{}
	for id, o := range orgs {
		byName[adapter.NameKey(o.Name)] = id
	}
	for id, e := range envs {
		if org, ok := byName[adapter.NameKey(e.Name)]; ok {
			out[id], _ = strconv.Atoi(org)
		}
	}
	return out, nil
}

// inFilter says whether an organization passes Liongard's IT Glue filter.
func (r *run) inFilter(orgs map[int]itglue.Organization, orgID string) bool {
	id, _ := strconv.Atoi(orgID)
	o, ok := orgs[id]
	return ok && containsFold(r.ob.ITGlueStatuses, o.StatusName) && containsFold(r.ob.ITGlueTypes, o.TypeName)
}

func (r *run) itglueOrgs(ctx context.Context) (map[int]itglue.Organization, error) {
	return cached(r, "itglue:orgs", func() (map[int]itglue.Organization, error) {
		c, err := r.env.ITGlue(ctx)
		if err != nil {
			return nil, err
		}
		orgs, err := c.Organizations(ctx, itglue.OrganizationFilter{})
		if err != nil {
			return nil, err
		}
		out := make(map[int]itglue.Organization, len(orgs))
		for _, o := range orgs {
			out[o.ID] = o
		}
		return out, nil
	})
}

// The roles Hudu's HaloPSA integration files records under, and the
// layouts that usually play them (support.hudu.com, "Setting up the Halo
// PSA Integration").
var layoutRoles = []struct{ role, usual string }{{"contacts", "People"}, {"sites", "Locations"}, {"devices", "Computer Assets"}}

// LayoutRoles are the roles a Hudu layout can play for doctor.
func LayoutRoles() []string { return []string{"contacts", "sites", "devices"} }

// huduLayouts: HaloPSA's contacts, sites and devices need an active layout
// each before the first sync, or they land in one default layout.
func huduLayouts(ctx context.Context, r *run) error {
	c, err := r.env.Hudu(ctx)
	if err != nil {
		return err
	}
	layouts, err := c.AssetLayouts(ctx)
	if err != nil {
		return err
	}
	active := map[string]bool{}
	ids := map[string]int{}
	for _, l := range layouts {
		active[adapter.NameKey(l.Name)] = l.Active
		ids[adapter.NameKey(l.Name)] = l.ID
	}
	var recs []Record
	var missing []string
	for _, lr := range layoutRoles {
		name := lr.usual
		if chosen := r.ob.Settings.HuduLayouts[lr.role]; chosen != "" {
			name = chosen
		}
		on, exists := active[adapter.NameKey(name)]
		switch {
		case !exists:
			missing = append(missing, fmt.Sprintf("%q (%s)", name, lr.role))
			recs = append(recs, Record{System: "hudu", Name: fmt.Sprintf("%s: missing (the layout for %s)", name, lr.role)})
		case !on:
			missing = append(missing, fmt.Sprintf("%q (%s)", name, lr.role))
			recs = append(recs, Record{System: "hudu", ID: strconv.Itoa(ids[adapter.NameKey(name)]), Name: fmt.Sprintf("%s: inactive (the layout for %s)", name, lr.role)})
		}
	}
	if len(recs) > 0 {
		r.add(Error, "Hudu lacks an active asset layout for "+strings.Join(missing, ", ")+": HaloPSA's records would land in a default layout",
			"Hudu > Admin > Asset Layouts: create or activate the layouts, then set sort rules mapping HaloPSA asset types to them before the next sync. "+
				"If other layouts play these roles, say which: mspwire doctor --hudu-layout contacts=NAME (sites=, devices=). "+path.VisualInsights+".", recs)
	}
	return nil
}

// integration is Hudu's id of an integration: the setting, else found by
// looking. 0 when Hudu has none.
func (r *run) integration(ctx context.Context, integrator string, setting int) (int, error) {
	if setting > 0 {
		return setting, nil
	}
	return cached(r, "hudu:integration:"+integrator, func() (int, error) {
		id, err := r.env.Clients.FindIntegration(ctx, integrator)
		if errors.Is(err, adapter.ErrNoIntegration) {
			return 0, nil
		}
		return id, err
	})
}

func (r *run) matchers(ctx context.Context, integration int) (map[string]adapter.Matcher, error) {
	return cached(r, "hudu:matchers:"+strconv.Itoa(integration), func() (map[string]adapter.Matcher, error) {
		return r.env.Clients.Matchers(ctx, integration)
	})
}

// huduMatchers: each client the review linked to a Hudu company must have
// its matcher in Hudu's HaloPSA integration matched to that company.
func huduMatchers(ctx context.Context, r *run) error {
	p, ok := r.pair("hudu")
	if !ok || p.Left != "halopsa" {
		return nil
	}
	if r.plan.Path == path.C && r.ob.Settings.HuduFeeds != store.HuduFeedBoth {
		return nil // path C feeds Hudu from Liongard; HaloPSA's matchers are not mspwire's to set
	}
	integration, err := r.integration(ctx, "HaloPSA", r.ob.Settings.HuduHaloPSAIntegration)
	if err != nil || integration == 0 {
		return err
	}
	ms, err := r.matchers(ctx, integration)
	if err != nil {
		return err
	}
	companies, err := r.records(ctx, "hudu")
	if err != nil {
		return err
	}
	var unmatched, wrong []Record
	for client, company := range r.links(p) {
		m, ok := ms[client]
		switch {
		case !ok: // Hudu has not synced this client yet
		case m.CompanyID == "":
			unmatched = append(unmatched, Record{System: "hudu", ID: m.ID, Name: fmt.Sprintf("%s (matcher %s, for company %s)", m.Name, m.ID, company)})
		case m.CompanyID != company:
			wrong = append(wrong, Record{System: "hudu", ID: m.ID, Name: fmt.Sprintf("%s: matched to %s, the review chose %s",
				m.Name, nameOr(companies, m.CompanyID), nameOr(companies, company))})
		}
	}
	sortRecords(unmatched)
	sortRecords(wrong)
	if len(wrong) > 0 {
		r.add(Error, fmt.Sprintf("%s at another company than the review chose", plural.N(len(wrong), "of Hudu's HaloPSA matchers points", "of Hudu's HaloPSA matchers point")),
			"Hudu > Admin > Integrations > HaloPSA > Match Companies: match them to the reviewed company (or re-map the row in the review if Hudu is right)", wrong)
	}
	if len(unmatched) > 0 {
		r.add(Warn, fmt.Sprintf("%s not matched yet to the company the review chose", plural.N(len(unmatched), "of Hudu's HaloPSA matchers is", "of Hudu's HaloPSA matchers are")),
			"mspwire plan, then mspwire apply: it sets them", unmatched)
	}
	return nil
}

// twoFeeds: companies Hudu fills from both its HaloPSA and its Liongard
// integration get assets from two sources. Path C wants both, so there
// the operator is asked how they are kept apart; elsewhere the second feed
// is a finding.
func twoFeeds(ctx context.Context, r *run) error {
	halo, err := r.integration(ctx, "HaloPSA", r.ob.Settings.HuduHaloPSAIntegration)
	if err != nil || halo == 0 {
		return err
	}
	lg, err := r.integration(ctx, "Liongard", r.ob.Settings.HuduLiongardIntegration)
	if err != nil || lg == 0 {
		return err
	}
	hm, err := r.matchers(ctx, halo)
	if err != nil {
		return err
	}
	lm, err := r.matchers(ctx, lg)
	if err != nil {
		return err
	}
	fromHalo := map[string]bool{}
	for _, m := range hm {
		if m.CompanyID != "" {
			fromHalo[m.CompanyID] = true
		}
	}
	companies, err := r.records(ctx, "hudu")
	if err != nil {
		return err
	}
	var recs []Record
	seen := map[string]bool{}
	for _, m := range lm {
		if m.CompanyID != "" && fromHalo[m.CompanyID] && !seen[m.CompanyID] {
			seen[m.CompanyID] = true
			recs = append(recs, Record{System: "hudu", ID: m.CompanyID, Name: nameOr(companies, m.CompanyID)})
		}
	}
	sortRecords(recs)
	if len(recs) == 0 {
		return nil
	}
	if r.plan.Path == path.C && r.ob.Settings.HuduFeeds == store.HuduFeedLiongard {
		r.add(Warn, fmt.Sprintf("%s by both the HaloPSA and the Liongard integration, though Liongard alone was chosen to feed Hudu", plural.N(len(recs), "Hudu company is fed", "Hudu companies are fed")),
			"In Hudu > Admin > Integrations > HaloPSA unmatch these companies (or disable the integration); or, if HaloPSA should feed Hudu's companies, "+
				"contacts and tickets too, mspwire plan --hudu-feeds both and keep HaloPSA's assets apart from Liongard's layouts", recs)
		return nil
	}
	if r.plan.Path == path.C {
		r.ask("two-feeds", fmt.Sprintf("%s by both the HaloPSA and the Liongard integration. Is it decided which one is "+
			"authoritative for assets (HaloPSA's asset types sort-ruled away from the layouts Liongard fills, or its asset sync off)?", plural.N(len(recs), "Hudu company is fed", "Hudu companies are fed")), Warn,
			"Hudu > Admin > Integrations > HaloPSA: turn off asset sync, or set sort rules so HaloPSA's asset types do not land in Liongard's layouts")
		return nil
	}
	r.add(Warn, fmt.Sprintf("%s by both the HaloPSA and the Liongard integration: two data paths into Hudu", plural.N(len(recs), "Hudu company is fed", "Hudu companies are fed")),
		"Path "+string(r.plan.Path)+" feeds Hudu from HaloPSA only: in Hudu > Admin > Integrations > Liongard unmatch these companies "+
			"(or disable the integration), or choose path C if Hudu should pull from Liongard", recs)
	return nil
}

func nameOr(recs map[string]store.InventoryRecord, id string) string {
	if r, ok := recs[id]; ok {
		return fmt.Sprintf("%q (%s)", r.Name, id)
	}
	return id
}

func sortRecords(recs []Record) {
	sort.Slice(recs, func(i, j int) bool {
		if recs[i].Name != recs[j].Name {
			return recs[i].Name < recs[j].Name
		}
		return recs[i].ID < recs[j].ID
	})
}

func containsFold(list []string, v string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
}

func appendNew(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func quoteOr(s string) string {
	if s == "" {
		return "none"
	}
	return strconv.Quote(s)
}
