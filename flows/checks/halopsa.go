package checks

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/plural"
)

// mandatoryFields: a ticket type with fields an agent must fill at
// creation refuses Liongard's tickets (HaloPSA answers 400, e.g. "Please
// select the CAB members to approve"). The list says which types have
// such fields; their detail names them.
func mandatoryFields(ctx context.Context, r *run) error {
	c, err := r.env.HaloPSA(ctx)
	if err != nil {
		return err
	}
	types, err := c.ListTicketTypes(ctx)
	if err != nil {
		return err
	}
	var recs []Record
	for _, t := range types {
		if !t.Visible || !t.HasMandatoryTechFields {
			continue
		}
		detail, err := c.TicketType(ctx, t.ID)
		if err != nil {
			return err
		}
		var fields []string
		for _, f := range detail.Fields {
			// 2: mandatory when an agent creates the ticket. Liongard
			// fills the summary and the details itself.
			if f.TechNew == 2 && !liongardFills[strings.ToLower(f.FieldName)] {
				fields = append(fields, f.FieldName)
			}
		}
		if len(fields) == 0 {
			continue
		}
		recs = append(recs, Record{System: "halopsa", ID: strconv.Itoa(t.ID), Name: t.Name + " (must fill: " + strings.Join(fields, ", ") + ")"})
	}
	if len(recs) > 0 {
		r.add(Warn, fmt.Sprintf("%s mandatory fields Liongard cannot fill: a Liongard template that uses one creates no tickets", plural.N(len(recs), "HaloPSA ticket type has", "HaloPSA ticket types have")),
			"Keep Liongard's HaloPSA template on a ticket type without mandatory fields (Incident, Alert), or in HaloPSA > Configuration > Tickets > "+
				"Ticket Types > (the type) > Field List make those fields optional for new tickets. Then run an inspection by hand and check a ticket appears.", recs)
	}
	return nil
}

// liongardFills are the ticket fields Liongard's HaloPSA tickets carry.
var liongardFills = map[string]bool{"summary": true, "details": true}

// apiAgents: the application's agent must be API-only, in a team, and
// allowed what Liongard needs; every other API agent needs a team too, or
// the tickets it creates land nowhere.
func apiAgents(ctx context.Context, r *run) error {
	c, err := r.env.HaloPSA(ctx)
	if err != nil {
		return err
	}
	rep, err := c.TestConnection(ctx)
	if err != nil {
		return err
	}
	if len(rep.Missing) > 0 {
		r.add(Error, fmt.Sprintf("mspwire's HaloPSA application lacks the permissions Liongard needs: %s", strings.Join(rep.Missing, ", ")),
			"HaloPSA > Configuration > Integrations > HaloPSA API > View Applications > (the application) > Permissions: allow "+
				strings.Join(rep.Missing, ", ")+"; then mspwire auth login halopsa to verify again",
			[]Record{{System: "halopsa", ID: strconv.Itoa(rep.Agent.ID), Name: rep.Agent.Name}})
	}
	agents, err := c.ListAgents(ctx)
	if err != nil {
		return err
	}
	var lonely []Record
	for _, a := range agents {
		if a.IsAPIAgent && !a.IsDisabled && a.Team == "" && len(a.Teams) == 0 {
			lonely = append(lonely, Record{System: "halopsa", ID: strconv.Itoa(a.ID), Name: a.Name})
		}
	}
	if !rep.Agent.IsAPIAgent {
		r.add(Warn, fmt.Sprintf("mspwire's HaloPSA application acts as %q, a regular agent", rep.Agent.Name),
			"HaloPSA > Configuration > Teams & Agents > Agents > New: an API-only agent for each integration; log the application in as it",
			[]Record{{System: "halopsa", ID: strconv.Itoa(rep.Agent.ID), Name: rep.Agent.Name}})
	}
	if len(lonely) > 0 {
		r.add(Error, fmt.Sprintf("%s in no team: tickets they create are assigned nowhere", plural.N(len(lonely), "HaloPSA API agent is", "HaloPSA API agents are")),
			"HaloPSA > Configuration > Teams & Agents > Agents > (the agent) > Departments & Teams: add the team its integration's tickets belong to", lonely)
	}
	return nil
}

// sharedApplication: one HaloPSA application used by several integrations
// means one secret rotation breaks them all, and the audit trail cannot
// tell them apart.
func sharedApplication(ctx context.Context, r *run) error {
	conn, err := r.env.Store.Connection(ctx, r.env.Profile, "halopsa")
	if err != nil {
		return nil // not connected: the credential checks say so
	}
	users := adapter.ValuesOf(conn).List("used_by")
	if len(users) > 1 {
		r.add(Warn, fmt.Sprintf("one HaloPSA application is used by %s", strings.Join(users, " and ")),
			"HaloPSA > Configuration > Integrations > HaloPSA API > View Applications > New: one application (and API agent) per integration; "+
				"enter each one's client ID and secret in that integration, then mspwire auth login halopsa --used-by with the one mspwire keeps",
			[]Record{{System: "halopsa", ID: conn.Identifiers["client_id"], Name: "application " + conn.Identifiers["client_id"]}})
	}
	return nil
}

// alertMapping: Liongard's template maps its statuses and priorities to
// HaloPSA's; Liongard's API does not show the template, so the operator
// compares it with HaloPSA's live lists.
func alertMapping(ctx context.Context, r *run) error {
	c, err := r.env.HaloPSA(ctx)
	if err != nil {
		return err
	}
	statuses, err := c.ListStatuses(ctx)
	if err != nil {
		return err
	}
	slas, err := c.ListSLAs(ctx)
	if err != nil {
		return err
	}
	var st, pr []string
	for _, s := range statuses {
		st = append(st, s.Name)
	}
	seen := map[string]bool{}
	for _, sla := range slas {
		for _, p := range sla.Priorities {
			if !seen[p.Name] {
				seen[p.Name] = true
				pr = append(pr, p.Name)
			}
		}
	}
	text := fmt.Sprintf("Does Liongard's HaloPSA template map only to statuses HaloPSA has (%s) and priorities it has (%s)?",
		strings.Join(st, ", "), strings.Join(pr, ", "))
	r.ask("alert-mapping", text, Error, "Liongard > Admin > Actionable Alerts > Templates > (the HaloPSA template): map each Liongard status and priority "+
		"to one HaloPSA has (mspwire's steps screen proposes a mapping); a status HaloPSA lacks makes the ticket fail")
	return nil
}
