package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/store"
)

// Producer makes plans of kind stale_accounts: a HaloPSA ticket per client
// listing its stale accounts, and, once, the alert rules Liongard's
// console alone can build, on the checklist.
type Producer struct {
	e    onboard.Env
	days int
}

// NewProducer is the stale accounts producer for accounts idle over days.
func NewProducer(e onboard.Env, days int) Producer {
	if days <= 0 {
		days = DefaultDays
	}
	return Producer{e: e, days: days}
}

// Kind is stale_accounts.
func (Producer) Kind() change.PlanKind { return change.StaleAccounts }

// Remake is the command that makes a fresh plan.
func (p Producer) Remake() string { return "mspwire accounts plan --days " + strconv.Itoa(p.days) }

// TicketPurpose is the key of the ticket type and team these tickets get.
const TicketPurpose = "stale_accounts"

// clientPrefix marks a plan input: "client:<id>" -> the digest of its
// stale accounts.
const clientPrefix = "client:"

// Produce finds the stale accounts afresh and proposes the tickets.
func (p Producer) Produce(ctx context.Context) (change.Proposal, error) {
	rep, _, err := Build(ctx, p.e, p.days)
	if err != nil {
		return change.Proposal{}, err
	}
	done, err := p.e.Store.DoneKeys(ctx, p.e.Profile, change.StaleAccounts, 0)
	if err != nil {
		return change.Proposal{}, err
	}
	prop := change.Proposal{Inputs: map[string]string{"days": strconv.Itoa(p.days)}}
	byClient := map[string][]Row{}
	var ids []string
	for _, r := range rep.Rows {
		if r.Client == nil || r.Status == CheckMapping {
			continue
		}
		if byClient[r.Client.ID] == nil {
			ids = append(ids, r.Client.ID)
		}
		byClient[r.Client.ID] = append(byClient[r.Client.ID], r)
	}
	sort.Strings(ids)
	if len(ids) > 0 {
		halo, err := p.e.HaloPSA(ctx)
		if err != nil {
			return change.Proposal{}, err
		}
		settings, err := p.e.Store.TicketSettingsOf(ctx, p.e.Profile, TicketPurpose)
		if err != nil {
			return change.Proposal{}, err
		}
		tt, err := tickets.Type(ctx, halo, settings.TypeID, change.StaleAccounts)
		if err != nil {
			return change.Proposal{}, err
		}
		already := 0
		for _, id := range ids {
			rows := byClient[id]
			d := p.ticket(rows, tt.ID, tt.Name, settings.Team)
			prop.Inputs[clientPrefix+id] = digestOf(rows)
			if _, was := done[d.Key]; was {
				already++
				continue
			}
			prop.Actions = append(prop.Actions, d)
		}
		if already > 0 {
			prop.Notes = append(prop.Notes, fmt.Sprintf("%s already have a ticket an earlier plan opened for the same accounts", plural.N(already, "client", "clients")))
		}
	}
	lg, err := p.e.Liongard(ctx)
	if err != nil {
		return change.Proposal{}, err
	}
	alerts, err := metrics.Ensure(ctx, p.e.Store, p.e.Profile, lg, Alerts...)
	if err != nil {
		return change.Proposal{}, err
	}
	for _, s := range Alerts {
		m := alerts[s.Purpose]
		if m.Made {
			prop.Notes = append(prop.Notes, change.MadeNote(fmt.Sprintf("Liongard, once, the metric %q (id %d) for the alert rule to watch", m.Name, m.ID)))
		}
		item := fmt.Sprintf("In Liongard, Admin > Actionable Alerts: clone a rule, set its condition to the metric %q (id %d) greater than 0 "+
			"on the %s inspector, and route it to HaloPSA — Liongard has no API for alert rules, so mspwire cannot make it", m.Name, m.ID, s.Inspector)
		d := change.Draft{Kind: change.Checklist, System: "liongard", Target: "console",
			Key:     change.NewKey(change.Checklist, "liongard", "stale-alert-rule:"+m.UUID),
			Summary: "onto the checklist (no API for it): " + item,
			Payload: change.ChecklistPayload{System: "liongard", Reason: "stale accounts", Items: []string{item}}}
		if _, was := done[d.Key]; !was {
			prop.Actions = append(prop.Actions, d)
		}
	}
	if rep.CheckMapping > 0 {
		prop.Notes = append(prop.Notes, remedy.Note(fmt.Sprintf("%d stale accounts are in environments whose link to a HaloPSA client is in doubt: no ticket lists them until the link is confirmed or re-mapped", rep.CheckMapping),
			remedy.Remedy{Do: remedy.ConfirmLink, Workflow: string(change.StaleAccounts)}))
	}
	if rep.Unmapped > 0 {
		prop.Notes = append(prop.Notes, remedy.Note(fmt.Sprintf("%d stale accounts are in Liongard environments the review links to no HaloPSA client: no ticket for them", rep.Unmapped),
			remedy.Remedy{Do: remedy.DecideLinks, Workflow: string(change.StaleAccounts)}))
	}
	return prop, nil
}

func (p Producer) ticket(rows []Row, typeID int, typeName, team string) change.Draft {
	c := rows[0].Client
	id, _ := strconv.Atoi(c.ID)
	// The tag names the client and these accounts: HaloPSA is asked for it
	// before the ticket is opened, so it is opened once wherever mspwire runs.
	summary := fmt.Sprintf("Stale accounts: %s, %d with no sign-in for over %s [mspwire stale-accounts %s %s]", c.Name, len(rows), plural.N(p.days, "day", "days"), c.ID, digestOf(rows))
	var b strings.Builder
	fmt.Fprintf(&b, "mspwire found %s of %s nobody has signed in to for over %s, as Liongard's last inspections show.\n", plural.N(len(rows), "account", "accounts"), c.Name, plural.N(p.days, "day", "days"))
	b.WriteString("Suspend or remove those that are no longer needed (and free their licences); note why the others stay.\n\n")
	for _, r := range rows {
		last := "unknown"
		if r.LastLogin != nil {
			last = *r.LastLogin
		}
		fmt.Fprintf(&b, "- %s (%s): %s, last sign-in %s\n", r.Account, map[string]string{GoogleWorkspace: "Google Workspace", M365: "Microsoft 365"}[r.Source], plural.N(r.Days, "day", "days"), last)
	}
	return change.Draft{Kind: change.Ticket, System: "halopsa", Target: "client/" + c.ID,
		Key:     change.NewKey(change.Ticket, "halopsa", "stale-accounts/"+c.ID+"/"+digestOf(rows)),
		Summary: fmt.Sprintf("Open a HaloPSA ticket (%s) for %s listing %s", typeName, c.Name, plural.N(len(rows), "stale account", "stale accounts")),
		Payload: change.TicketPayload{ClientID: id, Client: c.Name, Summary: summary, Details: b.String(), TicketTypeID: typeID, Team: team}}
}

// Stale names the clients whose stale accounts changed since the plan.
func (p Producer) Stale(ctx context.Context, pl store.Plan) ([]string, error) {
	rep, _, err := Build(ctx, p.e, p.days)
	if err != nil {
		return nil, err
	}
	byClient := map[string][]Row{}
	names := map[string]string{}
	for _, r := range rep.Rows {
		if r.Client != nil {
			byClient[r.Client.ID] = append(byClient[r.Client.ID], r)
			names[r.Client.ID] = r.Client.Name
		}
	}
	var moved []string
	var keys []string
	for k := range pl.Inputs {
		if id, ok := strings.CutPrefix(k, clientPrefix); ok {
			keys = append(keys, id)
		}
	}
	sort.Strings(keys)
	for _, id := range keys {
		if digestOf(byClient[id]) != pl.Inputs[clientPrefix+id] {
			name := names[id]
			if name == "" {
				name = "client " + id
			}
			moved = append(moved, fmt.Sprintf("%s has %d stale accounts now", name, len(byClient[id])))
		}
	}
	if len(moved) == 0 {
		return nil, nil
	}
	out := fmt.Sprintf("the stale accounts of %s changed (%s", plural.N(len(moved), "client", "clients"), strings.Join(moved[:min(5, len(moved))], "; "))
	if len(moved) > 5 {
		out += fmt.Sprintf("; and %d more", len(moved)-5)
	}
	return []string{out + ")"}, nil
}

// digestOf fingerprints a client's stale accounts (not their days, which
// grow every day).
func digestOf(rows []Row) string {
	accounts := make([]string, len(rows))
	for i, r := range rows {
		accounts[i] = r.Source + "/" + strings.ToLower(r.Account)
	}
	sort.Strings(accounts)
	h := sha256.Sum256([]byte(strings.Join(accounts, "\n")))
	return hex.EncodeToString(h[:6])
}
