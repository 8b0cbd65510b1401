package adapter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// haloPSA is the HaloPSA adapter: the hub of every path, holding the
// clients the other systems map to.
type haloPSA struct{}

func (haloPSA) Info() Info {
	return Info{ID: "halopsa", Name: "HaloPSA", Record: "HaloPSA client", Records: "HaloPSA clients", Role: path.PSA, Source: true,
		Fields: []Field{
			{Key: "url", Flag: "url", Title: "HaloPSA URL", Help: "e.g. https://acme.halopsa.com — a trailing slash is removed",
				Required: true, Validate: checkURL},
			{Key: "client_id", Flag: "client-id", Title: "Client ID", Help: "Configuration > Integrations > HaloPSA API > your application",
				Required: true},
			{Key: "client_secret", Title: "Client secret", Noun: "client secret", Secret: true,
				Help: "Pasted, never shown; stored in the OS keyring only once it works"},
			{Key: "tenant", Flag: "tenant", Title: "Tenant (optional)", Help: "only if your HaloPSA instance needs one"},
			{Key: "used_by", Flag: "used-by", Title: "Which integrations use this application?",
				Help:    "Each integration should have its own application and API agent",
				Options: []Option{{"Liongard", "liongard"}, {"Hudu", "hudu"}, {"IT Glue", "itglue"}}},
		}}
}

func (haloPSA) Open(v Values, secret string) (any, error) {
	return halopsa.New(halopsa.Config{BaseURL: v["url"], ClientID: v["client_id"], ClientSecret: secret, Tenant: v["tenant"]})
}

func (h haloPSA) Verify(ctx context.Context, v Values, secret string) (Verified, error) {
	cl, err := h.Open(v, secret)
	if err != nil {
		return Verified{}, err
	}
	c := cl.(*halopsa.Client)
	r, err := c.TestConnection(ctx)
	if errors.Is(err, httpx.ErrValidation) {
		// HaloPSA answers a wrong client ID or secret with 400 invalid_client.
		return Verified{}, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if err != nil {
		return Verified{}, err
	}
	out := Verified{BaseURL: c.BaseURL(), ActsAs: fmt.Sprintf("API agent %q (id %d)", r.Agent.Name, r.Agent.ID), Warnings: r.Notes}
	if len(r.Missing) > 0 {
		out.Warnings = append(out.Warnings, "the application lacks what Liongard needs: "+strings.Join(r.Missing, ", ")+
			" (HaloPSA: Configuration > Integrations > HaloPSA API > the application > Permissions)")
	}
	if used := v.List("used_by"); len(used) > 1 {
		out.Warnings = append(out.Warnings, fmt.Sprintf("one HaloPSA application is shared by %s; create one application and API agent per integration, so rotating one secret does not break the others",
			strings.Join(used, " and ")))
	}
	return out, nil
}

// RotationChecklist: HaloPSA's secret is pasted into every integration
// that uses the application.
func (haloPSA) RotationChecklist(v Values) []string {
	users := v.List("used_by")
	if len(users) == 0 {
		users = []string{"liongard", "hudu"}
	}
	var steps []string
	for _, u := range users {
		switch u {
		case "liongard":
			steps = append(steps, "Paste the new HaloPSA client secret into Liongard: Admin > Integrations > HaloPSA, then save and test")
		case "hudu":
			steps = append(steps, "Paste the new HaloPSA client secret into Hudu: Admin > Integrations > HaloPSA, then run a sync")
		default:
			steps = append(steps, "Paste the new HaloPSA client secret into "+InfoOf(u).Name)
		}
	}
	return steps
}

func (haloPSA) Companies(c *Clients) Companies { return haloCompanies{c} }

func (haloPSA) Executors(c *Clients) map[change.Kind]Executor {
	return map[change.Kind]Executor{change.Link: haloITGlueLinks{c}, change.Quantity: haloQuantities{c}, change.Ticket: haloTickets{c}, change.AssetUser: haloAssetUsers{c}}
}

// HaloPSA is the run's HaloPSA client.
func (c *Clients) HaloPSA(ctx context.Context) (*halopsa.Client, error) {
	return typed[*halopsa.Client](ctx, c, "halopsa")
}

type haloCompanies struct{ c *Clients }

// haloBatch is how many clients one POST /api/Client carries: Halo takes
// an array, and a lost answer leaves at most this many to look up.
const haloBatch = 50

func (h haloCompanies) Batch() int { return haloBatch }

func (h haloCompanies) Inventory(ctx context.Context, _ store.Onboarding) ([]store.InventoryRecord, error) {
	c, err := h.c.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	clients, err := c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true})
	if err != nil {
		return nil, err
	}
	out := make([]store.InventoryRecord, 0, len(clients))
	for _, cl := range clients {
		r := store.InventoryRecord{ExternalID: strconv.Itoa(cl.ID), Name: cl.Name, Domain: cl.Website, Inactive: cl.Inactive}
		if cl.ITGlueID != "" {
			r.Extra = map[string]any{"itglue_id": cl.ITGlueID}
		}
		out = append(out, r)
	}
	return out, nil
}

// FindByName searches by name when there are few to find, and reads the
// whole list when there are many (one call per 1,000 clients).
func (h haloCompanies) FindByName(ctx context.Context, names []string) (map[string][]Record, error) {
	c, err := h.c.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	var found []halopsa.ClientRecord
	if len(names) <= fewNames {
		for _, n := range names {
			cs, err := c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true, Search: n})
			if err != nil {
				return nil, err
			}
			found = append(found, cs...)
		}
	} else if found, err = c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true}); err != nil {
		return nil, err
	}
	recs := make([]Record, len(found))
	for i, cl := range found {
		recs[i] = Record{ID: strconv.Itoa(cl.ID), Name: cl.Name}
	}
	return byName(recs, names), nil
}

func (h haloCompanies) Create(ctx context.Context, recs []NewRecord) ([]Record, error) {
	c, err := h.c.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	in := make([]halopsa.NewClient, len(recs))
	for i, r := range recs {
		in[i] = halopsa.NewClient{Name: r.Name, Website: r.Website}
	}
	made, err := c.CreateClients(ctx, in)
	if err != nil {
		return nil, err
	}
	if len(made) != len(recs) {
		return nil, fmt.Errorf("HaloPSA: sent %s, %d came back", plural.N(len(recs), "client", "clients"), len(made))
	}
	out := make([]Record, len(made))
	for i, cl := range made {
		out[i] = Record{ID: strconv.Itoa(cl.ID), Name: cl.Name}
	}
	return out, nil
}

// LinkITGlue is the link HaloPSA's IT Glue integration keeps on a
// client: the IT Glue organization it documents.
const LinkITGlue = "itglue_id"

// haloITGlueLinks sets HaloPSA clients' IT Glue organizations, fifty to a
// call. Setting the same value again changes nothing, so a link left in
// flight is simply sent again (looking would cost a call per client).
type haloITGlueLinks struct{ c *Clients }

func (haloITGlueLinks) Batch() int { return haloBatch }

func (e haloITGlueLinks) Send(ctx context.Context, run Run, actions []store.Action) []Outcome {
	out := make([]Outcome, len(actions))
	var in []halopsa.ITGlueLink
	var sent []int
	for i, a := range actions {
		client, org, err := e.link(run, a)
		if err != nil {
			out[i].Err = err
			continue
		}
		in = append(in, halopsa.ITGlueLink{ClientID: client, OrgID: org})
		out[i].ExternalID = org
		sent = append(sent, i)
	}
	if len(in) == 0 {
		return out
	}
	err := e.set(ctx, in)
	for _, i := range sent {
		if err != nil {
			out[i] = Outcome{Err: err}
		}
	}
	return out
}

func (e haloITGlueLinks) link(run Run, a store.Action) (int, string, error) {
	p, err := change.Decode[change.LinkPayload](a)
	if err != nil {
		return 0, "", err
	}
	if p.Field != LinkITGlue {
		return 0, "", fmt.Errorf("HaloPSA cannot set link %q", p.Field)
	}
	target, err := resolve(run, p.Target, p.TargetFrom)
	if err != nil {
		return 0, "", err
	}
	value, err := resolve(run, p.Value, p.ValueFrom)
	if err != nil {
		return 0, "", err
	}
	id, err := strconv.Atoi(target)
	if err != nil {
		return 0, "", fmt.Errorf("HaloPSA client id %q is not a number", target)
	}
	return id, value, nil
}

func (e haloITGlueLinks) set(ctx context.Context, in []halopsa.ITGlueLink) error {
	hc, err := e.c.HaloPSA(ctx)
	if err != nil {
		return err
	}
	got, err := hc.SetClientITGlueIDs(ctx, in)
	if err != nil {
		return err
	}
	want := map[int]string{}
	for _, l := range in {
		want[l.ClientID] = l.OrgID
	}
	for _, cl := range got {
		if cl.ITGlueID != want[cl.ID] {
			return fmt.Errorf("HaloPSA kept IT Glue id %q on client %d, not %q", cl.ITGlueID, cl.ID, want[cl.ID])
		}
	}
	return nil
}

// haloQuantities sets recurring invoice lines' quantities, one line a
// call (each is a read and a write of its invoice). Setting a number is
// safe to repeat.
type haloQuantities struct{ c *Clients }

func (haloQuantities) Batch() int  { return 1 }
func (haloQuantities) Repeatable() {}

func (h haloQuantities) Send(ctx context.Context, _ Run, actions []store.Action) []Outcome {
	return haloEach(ctx, h.c, actions, func(c *halopsa.Client, p change.QuantityPayload) (string, error) {
		inv, err := c.SetLineQuantity(ctx, p.InvoiceID, p.LineID, p.Quantity)
		if err != nil {
			return "", err
		}
		// What HaloPSA kept, from its answer: never "done" on a 200 alone.
		kept := "no such line"
		for _, l := range inv.Lines {
			if l.ID == p.LineID {
				if l.Quantity == p.Quantity {
					return strconv.Itoa(p.LineID), nil
				}
				kept = strconv.FormatFloat(l.Quantity, 'f', -1, 64)
			}
		}
		return "", &Inconsistent{System: "HaloPSA", What: fmt.Sprintf("recurring invoice %d's line %d", p.InvoiceID, p.LineID),
			Sent: strconv.FormatFloat(p.Quantity, 'f', -1, 64), Kept: kept}
	})
}

// haloEach carries out actions one call each, with the run's HaloPSA
// client and each action's payload: one outcome per action.
func haloEach[P any](ctx context.Context, cs *Clients, actions []store.Action, do func(*halopsa.Client, P) (string, error)) []Outcome {
	out := make([]Outcome, len(actions))
	c, err := cs.HaloPSA(ctx)
	for i, a := range actions {
		if err != nil {
			out[i].Err = err
			continue
		}
		p, derr := change.Decode[P](a)
		if derr != nil {
			out[i].Err = derr
			continue
		}
		id, serr := do(c, p)
		if serr != nil {
			out[i].Err = serr
			continue
		}
		out[i].ExternalID = id
	}
	return out
}

// haloTickets opens tickets. A ticket's summary ends with mspwire's tag
// ("[mspwire stale-accounts 120 3fa9…]"), its correlation key: before a
// ticket is opened, and before one whose answer was lost is sent again,
// HaloPSA is asked for a ticket of that client with that summary. So a
// second data directory, a reinstall or a colleague never opens it twice,
// whatever the local journal says.
type haloTickets struct{ c *Clients }

func (haloTickets) Batch() int { return 1 }

func (h haloTickets) Send(ctx context.Context, run Run, actions []store.Action) []Outcome {
	found, lookErr := h.Look(ctx, run, actions)
	out := make([]Outcome, len(actions))
	var open []store.Action
	var at []int
	for i, a := range actions {
		switch id, ok := found[a.ID]; {
		case lookErr != nil:
			out[i].Err = fmt.Errorf("looking in HaloPSA for the ticket before opening it: %w", lookErr)
		case ok:
			out[i].ExternalID = id // already in HaloPSA: opened before, here or elsewhere
		default:
			open, at = append(open, a), append(at, i)
		}
	}
	made := haloEach(ctx, h.c, open, func(c *halopsa.Client, p change.TicketPayload) (string, error) {
		t, err := c.CreateTicket(ctx, halopsa.NewTicket{Summary: p.Summary, Details: p.Details, TicketTypeID: p.TicketTypeID,
			ClientID: p.ClientID, Team: p.Team, Fields: p.Fields})
		return strconv.Itoa(t.ID), err
	})
	for j, o := range made {
		out[at[j]] = o
	}
	return out
}

// Look finds the tickets of a client with the action's exact summary.
func (h haloTickets) Look(ctx context.Context, _ Run, actions []store.Action) (map[int64]string, error) {
	c, err := h.c.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	found := map[int64]string{}
	for _, a := range actions {
		p, err := change.Decode[change.TicketPayload](a)
		if err != nil {
			return nil, err
		}
		ts, err := c.ListTickets(ctx, p.ClientID, p.Summary)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.Summary == p.Summary {
				found[a.ID] = strconv.Itoa(t.ID)
			}
		}
	}
	return found, nil
}

// haloAssetUsers sets assets' users, up to 50 assets a call (POST
// /api/Asset takes an array). Setting is safe to repeat. What HaloPSA
// answers is compared with what was sent.
type haloAssetUsers struct{ c *Clients }

func (haloAssetUsers) Batch() int  { return 50 }
func (haloAssetUsers) Repeatable() {}

func (h haloAssetUsers) Send(ctx context.Context, _ Run, actions []store.Action) []Outcome {
	out := make([]Outcome, len(actions))
	c, err := h.c.HaloPSA(ctx)
	sets := make([]halopsa.AssetUsers, len(actions))
	for i, a := range actions {
		p, derr := change.Decode[change.AssetUserPayload](a)
		if err == nil {
			err = derr
		}
		sets[i] = halopsa.AssetUsers{AssetID: p.AssetID, UserIDs: p.UserIDs}
	}
	if err != nil {
		for i := range out {
			out[i].Err = err
		}
		return out
	}
	got, err := c.SetUsersOfAssets(ctx, sets)
	if errors.Is(err, httpx.ErrValidation) && len(actions) > 1 {
		// HaloPSA refuses the whole array for one asset: each alone, so
		// the refusal is the one asset's.
		for i := range actions {
			out[i] = h.Send(ctx, nil, actions[i:i+1])[0]
		}
		return out
	}
	answered := map[int]halopsa.Asset{}
	for _, a := range got {
		answered[a.ID] = a
	}
	for i, s := range sets {
		switch {
		case err != nil:
			out[i].Err = err
		default:
			out[i] = keptUsers(s, answered[s.AssetID])
		}
	}
	return out
}

// keptUsers compares the users HaloPSA answered for an asset with those
// sent.
func keptUsers(sent halopsa.AssetUsers, got halopsa.Asset) Outcome {
	want, kept := idSet(sent.UserIDs), []int{}
	for _, u := range got.Users {
		kept = append(kept, u.ID)
	}
	if got.ID != sent.AssetID || idSet(kept) != want {
		return Outcome{Err: &Inconsistent{System: "HaloPSA", What: fmt.Sprintf("asset %d's users", sent.AssetID), Sent: "[" + want + "]", Kept: "[" + idSet(kept) + "]"}}
	}
	return Outcome{ExternalID: strconv.Itoa(sent.AssetID)}
}

func idSet(ids []int) string {
	s := slices.Clone(ids)
	slices.Sort(s)
	s = slices.Compact(s)
	parts := make([]string, len(s))
	for i, id := range s {
		parts[i] = strconv.Itoa(id)
	}
	return strings.Join(parts, ",")
}
