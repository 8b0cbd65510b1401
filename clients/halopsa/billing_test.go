package halopsa_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/httpx"
	simhalo "github.com/mspwire/mspwire/sandbox/halopsa"
)

// Setting a line's quantity keeps every other line as it was, and setting
// it twice leaves the same number.
func TestSetLineQuantityKeepsTheOtherLines(t *testing.T) {
	_, url := sandbox(t, 60)
	c := connect(t, url, simhalo.DemoApp, 0)
	invoices, err := c.ListRecurringInvoices(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var inv halopsa.RecurringInvoice
	for _, x := range invoices {
		if len(x.Lines) >= 2 {
			inv = x
		}
	}
	if inv.ID == 0 {
		t.Fatalf("no invoice with two lines in %d", len(invoices))
	}
	line := inv.Lines[1]
	for range 2 {
		got, err := c.SetLineQuantity(ctx, inv.ID, line.ID, line.Quantity+3)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Lines) != len(inv.Lines) {
			t.Fatalf("%d lines after, %d before", len(got.Lines), len(inv.Lines))
		}
	}
	after, err := c.RecurringInvoice(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range after.Lines {
		want := inv.Lines[i].Quantity
		if l.ID == line.ID {
			want += 3
		}
		if l.ID != inv.Lines[i].ID || l.Quantity != want || l.ItemID != inv.Lines[i].ItemID {
			t.Fatalf("line %d: %+v, want qty %v of %+v", i, l, want, inv.Lines[i])
		}
	}
	if _, err := c.SetLineQuantity(ctx, inv.ID, 1, 1); err == nil || !strings.Contains(err.Error(), "no line 1") {
		t.Fatalf("an unknown line: %v", err)
	}
}

// A ticket type with a mandatory field refuses a ticket without it, with
// Halo's own words; with it, the ticket is made and found by its summary.
func TestTicketsAndMandatoryFields(t *testing.T) {
	_, url := sandbox(t, 30)
	c := connect(t, url, simhalo.DemoApp, 0)
	clients, err := c.ListClients(ctx, halopsa.ListClientsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cl := clients[0].ID
	_, err = c.CreateTicket(ctx, halopsa.NewTicket{Summary: "Licence count differs", TicketTypeID: 5, ClientID: cl})
	if !errors.Is(err, httpx.ErrValidation) || !strings.Contains(err.Error(), "CAB members") {
		t.Fatalf("a Change Request without its CAB members: %v", err)
	}
	made, err := c.CreateTicket(ctx, halopsa.NewTicket{Summary: "Licence count differs", Details: "12 counted, 10 billed", TicketTypeID: 5,
		ClientID: cl, Fields: map[int]string{141: "Dana Reyes", 142: "Friday"}})
	if err != nil || made.ID == 0 {
		t.Fatalf("ticket %+v, %v", made, err)
	}
	found, err := c.ListTickets(ctx, cl, "licence count")
	if err != nil || len(found) != 1 || found[0].ID != made.ID {
		t.Fatalf("found %+v, %v", found, err)
	}
	items, err := c.ListItems(ctx)
	if err != nil || len(items) < 8 {
		t.Fatalf("items %+v, %v", items, err)
	}
}

// Setting an asset's users replaces them and setting it twice leaves the
// same; a user of another client is refused; users carry a double site_id.
func TestSetAssetUsersIsASet(t *testing.T) {
	_, url := sandbox(t, 60)
	c := connect(t, url, simhalo.DemoApp, 50)
	assets, err := c.ListAssets(ctx, 0)
	if err != nil || len(assets) < 5 {
		t.Fatalf("%d assets, %v", len(assets), err)
	}
	a := assets[0]
	users, err := c.ListUsers(ctx, a.ClientID)
	if err != nil || len(users) < 2 {
		t.Fatalf("%d users of client %d, %v", len(users), a.ClientID, err)
	}
	for range 2 {
		got, err := c.SetAssetUsers(ctx, a.ID, users[1].ID)
		if err != nil || len(got.Users) != 1 || got.Users[0].ID != users[1].ID {
			t.Fatalf("set: %+v, %v", got.Users, err)
		}
	}
	all, err := c.ListUsers(ctx, 0)
	if err != nil || len(all) <= 50 {
		t.Fatalf("%d users over pages of 50, %v", len(all), err)
	}
	for _, u := range all {
		if u.ClientID != a.ClientID {
			if _, err := c.SetAssetUsers(ctx, a.ID, u.ID); !errors.Is(err, httpx.ErrValidation) {
				t.Fatalf("a user of another client: %v", err)
			}
			break
		}
	}
}
