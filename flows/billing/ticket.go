package billing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/plural"
)

// A billing ticket is one per client and plan: it lists every row of the
// client chosen for a ticket that no ticket names with these numbers yet.
// Its key's subject is "billing/<client id>/<row>=<numbers>;…", so the
// journal and the read-back know each row it was opened for. Plans before
// tickets were per client keyed one row: "billing/<row>/<numbers>".
const ticketSubject = "billing/"

// ticketKey is the key of the ticket for a client's rows.
func ticketKey(clientID string, rows []Row) change.Key {
	return change.NewKey(change.Ticket, "halopsa", ticketSubject+clientID+"/"+ticketFor(rows))
}

// ticketFor is "<row>=<numbers>;…" in row order.
func ticketFor(rows []Row) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = r.ID + "=" + numbers(r, r.Billed)
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

// ticketRows is each "<row>=<numbers>" a ticket's key names, from the
// subject and what follows it, in either key form.
func ticketRows(subject, about string) []string {
	if strings.Contains(subject, ":") { // one row: the subject is its id
		return []string{subject + "=" + about}
	}
	return strings.Split(about, ";")
}

// ticketedRows is each "<row>=<numbers>" the done keys' tickets name.
func ticketedRows(done map[change.Key]string) map[string]bool {
	out := map[string]bool{}
	for key := range done {
		rest, ok := strings.CutPrefix(string(key), string(change.NewKey(change.Ticket, "halopsa", ticketSubject)))
		subject, about, cut := strings.Cut(rest, "/")
		if !ok || !cut {
			continue
		}
		for _, r := range ticketRows(subject, about) {
			out[r] = true
		}
	}
	return out
}

// ticketsToOpen groups the rows chosen for a ticket by client, in the
// order the clients first come, leaving out each row a ticket already
// names with its numbers (counted as opened).
func ticketsToOpen(rows []Row, ticketed map[string]bool) (byClient [][]Row, opened int) {
	at := map[string]int{}
	for _, r := range rows {
		if ticketed[r.ID+"="+numbers(r, r.Billed)] {
			opened++
			continue
		}
		i, ok := at[r.Client.ID]
		if !ok {
			i = len(byClient)
			at[r.Client.ID] = i
			byClient = append(byClient, nil)
		}
		byClient[i] = append(byClient[i], r)
	}
	return byClient, opened
}

// byRow spreads the tickets read back (by their key's subject) over the
// rows they name, each with the numbers it was opened for.
func byRow(bySubject map[string][]TicketRef) map[string][]TicketRef {
	out := map[string][]TicketRef{}
	for subject, refs := range bySubject {
		for _, t := range refs {
			for _, r := range ticketRows(subject, t.For) {
				id, nums, _ := strings.Cut(r, "=")
				one := t
				one.For = nums
				out[id] = append(out[id], one)
			}
		}
	}
	return out
}

// ticketDraft opens one ticket for a client's rows. The summary's tag
// names the client and a digest of the rows and their numbers: HaloPSA is
// asked for it before the ticket is opened, so it is opened once wherever
// mspwire runs.
func ticketDraft(rows []Row, tt halopsa.TicketType, team string) change.Draft {
	c := rows[0].Client
	id, _ := strconv.Atoi(c.ID)
	h := sha256.Sum256([]byte(ticketFor(rows)))
	tag := fmt.Sprintf("[mspwire billing %s %s]", c.ID, hex.EncodeToString(h[:6]))
	products := make([]string, len(rows))
	var b strings.Builder
	fmt.Fprintf(&b, "mspwire's billing reconciliation found %s of %s where what Liongard counts and what HaloPSA bills differ.\n\n",
		plural.N(len(rows), "licence count", "licence counts"), c.Name)
	for i, r := range rows {
		products[i] = r.Product.Title()
		fmt.Fprintf(&b, "%s (mspwire row %s): %s, %s, %d billed — %s.\n", r.Product.Title(), r.ID, r.Status.Words(), counted(r), r.Billed, r.Why)
		if r.Environment != nil {
			fmt.Fprintf(&b, "  Liongard environment: %s (id %s); metric %q", r.Environment.Name, r.Environment.ID, r.Metric)
			if r.CountedAt != nil {
				fmt.Fprintf(&b, ", inspected %s", r.CountedAt.UTC().Format("2006-01-02"))
			}
			b.WriteString(".\n")
		}
		for _, l := range r.Lines {
			fmt.Fprintf(&b, "  Recurring invoice %d, line %d: %s × %s at %.2f.\n", l.InvoiceID, l.LineID, fmtQty(l.Quantity), l.Item, l.UnitPrice)
		}
		if r.MonthlyDifference != nil {
			fmt.Fprintf(&b, "  Monthly difference: %.2f.\n", *r.MonthlyDifference)
		}
	}
	summary := fmt.Sprintf("Licence counts: %s, %s differ from billing %s", c.Name, plural.And(products), tag)
	what := "listing " + plural.And(products)
	if len(rows) == 1 {
		r := rows[0]
		summary = fmt.Sprintf("Licence count: %s %s, %s, %d billed %s", c.Name, r.Product.Title(), counted(r), r.Billed, tag)
		what = fmt.Sprintf("%s %s, %s, %d billed", r.Product.Title(), r.Status.Words(), counted(r), r.Billed)
	}
	return change.Draft{Kind: change.Ticket, System: "halopsa", Target: "client/" + c.ID,
		Key:     ticketKey(c.ID, rows),
		Summary: fmt.Sprintf("Open a HaloPSA ticket (%s) for %s: %s", tt.Name, c.Name, what),
		Payload: change.TicketPayload{ClientID: id, Client: c.Name, Summary: summary, Details: b.String(), TicketTypeID: tt.ID, Team: team}}
}

func counted(r Row) string {
	if r.Counted == nil {
		return "no recent count"
	}
	return strconv.Itoa(*r.Counted) + " counted"
}
