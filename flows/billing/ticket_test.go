package billing

import (
	"strings"
	"testing"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/change"
)

// A client with two rows chosen for a ticket gets one ticket naming both;
// once opened (or opened one row a ticket, as plans did before), no row
// is ticketed again until its numbers move, and the read-back gives each
// row the numbers its ticket was opened for.
func TestOneBillingTicketPerClient(t *testing.T) {
	n := func(x int) *int { return &x }
	acme := Ref{System: "halopsa", ID: "7", Name: "Acme"}
	rows := []Row{
		{ID: "7:m365", Client: acme, Product: M365, Status: UnderBilled, Counted: n(10), Billed: 8, Why: "2 seats short"},
		{ID: "9:m365", Client: Ref{System: "halopsa", ID: "9", Name: "Bolt"}, Product: M365, Status: OverBilled, Counted: n(3), Billed: 5, Why: "2 seats over"},
		{ID: "7:google_workspace", Client: acme, Product: GoogleWorkspace, Status: NotBilled, Counted: n(4), Why: "no line bills it"},
	}
	groups, opened := ticketsToOpen(rows, map[string]bool{})
	if opened != 0 || len(groups) != 2 || len(groups[0]) != 2 || len(groups[1]) != 1 {
		t.Fatalf("%d opened, groups %v", opened, groups)
	}
	tt := halopsa.TicketType{ID: 2, Name: "Service Request"}
	both := ticketDraft(groups[0], tt, "")
	p := both.Payload.(change.TicketPayload)
	for _, want := range []string{"listing Microsoft 365 and Google Workspace"} {
		if !strings.Contains(both.Summary, want) {
			t.Errorf("plan line %q lacks %q", both.Summary, want)
		}
	}
	if !strings.HasPrefix(p.Summary, "Licence counts: Acme, Microsoft 365 and Google Workspace differ from billing [mspwire billing 7 ") || p.ClientID != 7 {
		t.Errorf("ticket summary %q for client %d", p.Summary, p.ClientID)
	}
	for _, want := range []string{"(mspwire row 7:m365): under-billed, 10 counted, 8 billed", "(mspwire row 7:google_workspace): not-billed, 4 counted, 0 billed"} {
		if !strings.Contains(p.Details, want) {
			t.Errorf("details lack %q:\n%s", want, p.Details)
		}
	}
	one := ticketDraft(groups[1], tt, "")
	if s := one.Payload.(change.TicketPayload).Summary; !strings.HasPrefix(s, "Licence count: Bolt Microsoft 365, 3 counted, 5 billed [mspwire billing 9 ") {
		t.Errorf("one row's ticket summary %q", s)
	}

	// Acme's ticket is done; Bolt's row was ticketed the way plans did
	// before: one row, its id as the key's subject.
	done := map[change.Key]string{both.Key: "101",
		change.NewKey(change.Ticket, "halopsa", "billing/9:m365/"+numbers(rows[1], rows[1].Billed)): "102"}
	if groups, opened := ticketsToOpen(rows, ticketedRows(done)); len(groups) != 0 || opened != 3 {
		t.Fatalf("after both tickets: %d opened, groups %v", opened, groups)
	}
	moved := append([]Row(nil), rows...)
	moved[2].Counted = n(6)
	if groups, opened := ticketsToOpen(moved, ticketedRows(done)); len(groups) != 1 || len(groups[0]) != 1 || groups[0][0].ID != "7:google_workspace" || opened != 2 {
		t.Fatalf("a row's count moved: %d opened, groups %v", opened, groups)
	}

	// Read back by the keys' subjects: each row gets its ticket and numbers.
	got := byRow(map[string][]TicketRef{
		"7":      {{ID: 101, Open: true, For: strings.SplitN(strings.TrimPrefix(string(both.Key), "ticket:halopsa:billing/"), "/", 2)[1]}},
		"9:m365": {{ID: 102, For: numbers(rows[1], rows[1].Billed)}},
	})
	for _, r := range rows {
		ts := got[r.ID]
		if len(ts) != 1 || ts[0].For != numbers(r, r.Billed) {
			t.Errorf("%s read back as %+v", r.ID, ts)
		}
	}
	if got["7:m365"][0].ID != 101 || got["7:google_workspace"][0].ID != 101 || got["9:m365"][0].ID != 102 {
		t.Errorf("tickets by row: %+v", got)
	}
}
