package billing

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/store"
)

// Producer makes plans of kind billing: for each open row the operator
// chose a fix for, set its line's quantity to the counted number or open
// a HaloPSA ticket that describes it.
type Producer struct {
	e onboard.Env
	// TicketsOnly leaves the rows chosen to have their line set out of the
	// plan: an unattended run opens tickets, and quantities wait for a
	// person.
	TicketsOnly bool
}

// NewProducer is the billing plan kind's producer over a profile.
func NewProducer(e onboard.Env) Producer { return Producer{e: e} }

// Kind is billing.
func (Producer) Kind() change.PlanKind { return change.Billing }

// Remake is the command that makes a fresh billing plan.
func (p Producer) Remake() string {
	if p.TicketsOnly {
		return "mspwire billing plan " + ticketsOnlyFlag
	}
	return "mspwire billing plan"
}

// rowPrefix marks a plan input that is one row's numbers: "row:<id>" ->
// "counted/billed/target", so a stale plan names the clients whose
// numbers moved, and a line this plan set is not taken for a change.
const rowPrefix = "row:"

// Produce reads the numbers afresh and proposes the chosen fixes.
func (p Producer) Produce(ctx context.Context) (change.Proposal, error) {
	rep, _, err := Build(ctx, p.e)
	if err != nil {
		return change.Proposal{}, err
	}
	if len(rep.Unconfirmed) > 0 {
		return change.Proposal{}, remedy.Refuse(fmt.Sprintf("which product %s is mspwire's proposal, not yet your word", names(rep.Unconfirmed)),
			remedy.Remedy{Do: remedy.ConfirmItems, Workflow: string(change.Billing)})
	}
	settings, err := p.e.Store.BillingSettingsOf(ctx, p.e.Profile)
	if err != nil {
		return change.Proposal{}, err
	}
	// A row a ticket of an earlier plan names with the same numbers gets
	// no other. A quantity is planned whenever the row is open: a line set
	// before and changed since needs setting again.
	done, err := p.e.Store.DoneKeys(ctx, p.e.Profile, change.Billing, 0)
	if err != nil {
		return change.Proposal{}, err
	}
	prop := change.Proposal{Inputs: map[string]string{}}
	undecided, waiting := 0, 0
	var forTicket []Row
	for _, r := range rep.Rows {
		if r.Status.Settled() {
			continue
		}
		if r.Choice == "" {
			undecided++
			continue
		}
		if err := CanChoose(r, r.Choice); err != nil {
			prop.Notes = append(prop.Notes, "left out: "+err.Error())
			continue
		}
		switch r.Choice {
		case "quantity":
			if p.TicketsOnly {
				waiting++
				continue
			}
			d := quantityDraft(r)
			prop.Actions = append(prop.Actions, d)
			prop.Inputs[rowPrefix+r.ID] = numbers(r, *r.Counted) // once set, the lines bill what is counted
			p := d.Payload.(change.QuantityPayload)
			prop.Inputs[linesPrefix+r.ID] = lineKey(p.InvoiceID, p.LineID) + "=" + fmtQty(p.Quantity) + "|" + lines(r)
		case "ticket":
			forTicket = append(forTicket, r)
		}
	}
	byClient, opened := ticketsToOpen(forTicket, ticketedRows(done))
	if len(byClient) > 0 {
		tt, err := p.ticketType(ctx, settings)
		if err != nil {
			return change.Proposal{}, err
		}
		for _, rows := range byClient {
			prop.Actions = append(prop.Actions, ticketDraft(rows, *tt, settings.TicketTeam))
			for _, r := range rows {
				prop.Inputs[rowPrefix+r.ID] = numbers(r, r.Billed)
			}
		}
	}
	if waiting > 0 {
		prop.Notes = append(prop.Notes, plural.N(waiting, "row chosen to have its line set waits", "rows chosen to have their line set wait")+" for a person: this plan opens tickets only")
	}
	if opened > 0 {
		prop.Notes = append(prop.Notes, fmt.Sprintf("%s already have a ticket an earlier plan opened for the same numbers", plural.N(opened, "row", "rows")))
	}
	if undecided > 0 {
		prop.Notes = append(prop.Notes, remedy.Note(fmt.Sprintf("%s no fix chosen and %s not in this plan", plural.N(undecided, "open row has", "open rows have"), map[bool]string{true: "is", false: "are"}[undecided == 1]),
			remedy.Remedy{Do: remedy.ChooseFix, Workflow: string(change.Billing)}))
	}
	return prop, nil
}

// linesPrefix marks a plan input that is each line of a row a quantity
// fix sets: "lines:<id>" -> "<line set>=<target>|<line>=<qty>;…". A total
// alone could hide a line moved by another hand: 13 + 2 planned to 19 + 2,
// then the second raised to 8 totals what the plan sets, and the plan
// would bill 27 for 21 users.
const linesPrefix = "lines:"

func lineKey(invoice, line int) string { return strconv.Itoa(invoice) + "/" + strconv.Itoa(line) }

// lines is each line of a row and its quantity, in order.
func lines(r Row) string {
	parts := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		parts[i] = lineKey(l.InvoiceID, l.LineID) + "=" + fmtQty(l.Quantity)
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

// linesMoved says which lines of a row moved since the plan, other than
// the one it sets to its target; "" when none did.
func linesMoved(was string, r Row) string {
	set, before, _ := strings.Cut(was, "|")
	setLine, target, _ := strings.Cut(set, "=")
	now := map[string]string{}
	for _, part := range strings.Split(lines(r), ";") {
		if k, q, ok := strings.Cut(part, "="); ok {
			now[k] = q
		}
	}
	var moved []string
	for _, part := range strings.Split(before, ";") {
		k, q, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		n, there := now[k]
		delete(now, k)
		switch {
		case !there:
			moved = append(moved, "line "+k+" is gone")
		case n != q && !(k == setLine && n == target):
			moved = append(moved, fmt.Sprintf("line %s %s → %s", k, q, n))
		}
	}
	for k, q := range now {
		moved = append(moved, fmt.Sprintf("line %s is new (%s)", k, q))
	}
	sort.Strings(moved)
	return strings.Join(moved, ", ")
}

// numbers is a row's snapshot: counted/billed/billed-once-fixed.
func numbers(r Row, target int) string {
	c := "-"
	if r.Counted != nil {
		c = strconv.Itoa(*r.Counted)
	}
	return c + "/" + strconv.Itoa(r.Billed) + "/" + strconv.Itoa(target)
}

func quantityDraft(r Row) change.Draft {
	l := *r.Line
	qty := l.Quantity + float64(*r.Difference) // the other lines keep theirs; together they bill what is counted
	p := change.QuantityPayload{InvoiceID: l.InvoiceID, LineID: l.LineID, Item: l.Item, Quantity: qty, Was: l.Quantity, Client: r.Client.Name}
	d := change.Draft{Kind: change.Quantity, System: "halopsa", Target: fmt.Sprintf("invoice/%d/line/%d", l.InvoiceID, l.LineID),
		Key:     change.NewKey(change.Quantity, "halopsa", fmt.Sprintf("line/%d/%d=%s", l.InvoiceID, l.LineID, strconv.FormatFloat(qty, 'f', -1, 64))),
		Summary: fmt.Sprintf("Set %s's %q line (invoice %d) from %s to %s: %d %s users counted", r.Client.Name, l.Item, l.InvoiceID, fmtQty(l.Quantity), fmtQty(qty), *r.Counted, r.Product.Title()),
		Payload: p}
	if qty < l.Quantity {
		d.Warnings = append(d.Warnings, fmt.Sprintf("lowers what %s is billed by %s seats (%.2f a month)", r.Client.Name, fmtQty(l.Quantity-qty), -*r.MonthlyDifference))
	}
	return d
}

// ticketType is the chosen ticket type, checked.
func (p Producer) ticketType(ctx context.Context, s store.BillingSettings) (*halopsa.TicketType, error) {
	c, err := p.e.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	t, err := tickets.Type(ctx, c, s.TicketTypeID, change.Billing)
	return &t, err
}

// Stale says which clients' numbers moved since the plan was made. A row
// whose line now bills what the plan sets it to has not moved: the plan
// itself did that.
func (p Producer) Stale(ctx context.Context, pl store.Plan) ([]string, error) {
	rep, _, err := Build(ctx, p.e)
	if err != nil {
		return nil, err
	}
	var ids []string
	for k := range pl.Inputs {
		if id, ok := strings.CutPrefix(k, rowPrefix); ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var moved []string
	for _, id := range ids {
		was := strings.Split(pl.Inputs[rowPrefix+id], "/")
		r, ok := rep.Row(id)
		if !ok {
			moved = append(moved, fmt.Sprintf("row %s is gone", id))
			continue
		}
		now := strings.Split(numbers(r, r.Billed), "/")
		if l, snap := pl.Inputs[linesPrefix+id]; snap && was[0] == now[0] {
			if m := linesMoved(l, r); m != "" {
				moved = append(moved, fmt.Sprintf("%s %s: %s", r.Client.Name, r.Product.Title(), m))
			}
			continue
		}
		if len(was) == 3 && was[0] == now[0] && (was[1] == now[1] || was[2] == now[1]) {
			continue
		}
		moved = append(moved, fmt.Sprintf("%s %s: counted %s → %s, billed %s → %s", r.Client.Name, r.Product.Title(), at(was, 0), now[0], at(was, 1), now[1]))
	}
	if len(moved) == 0 {
		return nil, nil
	}
	out := fmt.Sprintf("the numbers of %s moved (%s", plural.N(len(moved), "client", "clients"), strings.Join(moved[:min(5, len(moved))], "; "))
	if len(moved) > 5 {
		out += fmt.Sprintf("; and %d more", len(moved)-5)
	}
	return []string{out + ")"}, nil
}

func at(xs []string, i int) string {
	if i < len(xs) {
		return xs[i]
	}
	return "?"
}

func fmtQty(q float64) string { return strconv.FormatFloat(q, 'f', -1, 64) }

func names(items []ItemMapping) string {
	var n []string
	for _, m := range items {
		n = append(n, fmt.Sprintf("%q", m.Name))
	}
	if len(n) == 1 {
		return "the item " + n[0] + " bills"
	}
	return "the items " + strings.Join(n, ", ") + " bill"
}
