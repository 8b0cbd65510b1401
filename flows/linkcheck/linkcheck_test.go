package linkcheck_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/sandbox"
	"github.com/mspwire/mspwire/store"
)

var ctx = context.Background()

// The demo world, reviewed as the README suggests (strong suggestions
// accepted in bulk): "Johnson & Sons Physical Therapy, LLP" gets Liongard's
// "Johnson & Sons Physical Therapy - Portland", another customer's. Its
// accounts use that customer's domain, so every workflow holds the link
// back, and no stale-accounts ticket lists the other customer's accounts.
func TestABulkAcceptedWrongLinkIsHeldBack(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Companies: sandbox.DefaultCompanies, Seed: 1})
	if err := tn.Review.SetPair("halopsa:liongard"); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.Review.AcceptSafe(ctx); err != nil {
		t.Fatal(err)
	}
	var johnson *store.Decision
	for _, d := range tn.Review.All("halopsa:liongard") {
		if d.Left.Name == "Johnson & Sons Physical Therapy, LLP" && d.State == store.StateAccepted {
			johnson = &d
		}
	}
	if johnson == nil || johnson.Right.Name != "Johnson & Sons Physical Therapy - Portland" {
		t.Skipf("the matcher no longer links Johnson & Sons to the Portland environment in bulk: %+v", johnson)
	}
	client, env := johnson.Left.ID, johnson.Right.ID

	rep, _, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, r := range rep.Rows {
		if r.Environment.ID != env {
			continue
		}
		if r.Status != accounts.CheckMapping || !strings.Contains(r.Why, "johnsonsonsphysicaltherapy.us") || !strings.Contains(r.Why, "johnsonsonsphysicaltherapy.com") {
			t.Errorf("%s: %s (%s)", r.Account, r.Status, r.Why)
		}
		held++
	}
	if held == 0 || rep.ByClient[client] != 0 || rep.CheckMapping < held {
		t.Fatalf("%d of the Portland accounts held back, %d counted for the client, %d check_mapping", held, rep.ByClient[client], rep.CheckMapping)
	}
	if err := tn.Env.Store.SaveTicketSettings(ctx, tn.Env.Profile, "operator:test", accounts.TicketPurpose, store.TicketSettings{TypeID: 2}); err != nil {
		t.Fatal(err)
	}
	prop, err := accounts.NewProducer(tn.Env, accounts.DefaultDays).Produce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range prop.Actions {
		if strings.Contains(a.Summary, "Johnson & Sons") {
			t.Errorf("a ticket for the doubted link: %s", a.Summary)
		}
	}
	if !strings.Contains(strings.Join(prop.Notes, "\n"), "in doubt") {
		t.Errorf("the plan does not say why accounts were left out: %q", prop.Notes)
	}

	bill, _, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	var openBefore float64
	rows := 0
	for _, r := range bill.Rows {
		if r.Client.ID == client {
			rows++
			if r.Status != billing.CheckMapping || billing.CanChoose(r, "quantity") == nil || billing.CanChoose(r, "ticket") == nil {
				t.Errorf("billing row %s: %s (%s)", r.ID, r.Status, r.Why)
			}
		}
	}
	openBefore = bill.Totals.NotBilledMonthly + bill.Totals.OverBilledMonthly
	if rows == 0 {
		t.Fatal("no billing row for the client")
	}

	// The operator says the link is right after all: the rows count again.
	link, doubt, err := linkcheck.Confirm(ctx, tn.Env, client, "operator:test", false)
	if err != nil || link.Environment.ID != env || len(doubt.Why) == 0 {
		t.Fatalf("confirm: %+v %+v %v", link, doubt, err)
	}
	rep, _, err = accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ByClient[client] != held {
		t.Errorf("after the confirmation %d accounts count for the client, want %d", rep.ByClient[client], held)
	}
	bill, _, err = billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range bill.Rows {
		if r.Client.ID == client && r.Status == billing.CheckMapping {
			t.Errorf("confirmed, still held: %s", r.Why)
		}
	}
	if bill.Totals.NotBilledMonthly+bill.Totals.OverBilledMonthly == openBefore {
		t.Errorf("the confirmed rows' money did not join the totals (%.2f)", openBefore)
	}
	log, err := tn.Env.Store.AuditLog(ctx, tn.Env.Profile)
	if err != nil || len(log) == 0 || log[len(log)-1].Event != "link.confirmed" {
		t.Fatalf("the confirmation is not audited: %v", err)
	}
}

// Each kind of evidence, planted in a small world decided as it is.
func TestEachKindOfEvidence(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := flowtest.Onboarded(t, 60, true)
	ds, err := tn.Env.Store.Decisions(ctx, tn.Env.Profile, "halopsa:liongard")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := linkcheck.Read(ctx, tn.Env, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res := linkcheck.Check(ev); res.Len() != 0 {
		t.Fatalf("a world decided as it is has %d doubted links", res.Len())
	}
	domains := map[string]bool{} // environments whose accounts use a domain
	for _, a := range ev.Accounts {
		domains[a.EnvironmentID] = true
	}
	var linked []store.Decision
	for _, d := range ds {
		if d.State == store.StateRemapped && domains[d.Right.ID] {
			linked = append(linked, d)
		}
	}
	if len(linked) < 3 {
		t.Fatalf("only %d linked clients with accounts", len(linked))
	}
	a, b, c := linked[0], linked[1], linked[2]

	// 1. Domains: a's environment given to b.
	// 2. One environment, two clients: c linked to a's environment too.
	// 3. A site: a HaloPSA client named for a site of a's environment.
	if _, err := tn.Env.Store.Decide(ctx, tn.Env.Profile, "operator:test", []store.Change{
		{ID: b.ID, State: store.StateRemapped, Right: a.Right}, {ID: c.ID, State: store.StateRemapped, Right: a.Right}}); err != nil {
		t.Fatal(err)
	}
	halo, err := tn.Env.HaloPSA(ctx)
	if err != nil {
		t.Fatal(err)
	}
	made, err := halo.CreateClients(ctx, []halopsa.NewClient{{Name: "Westbrook Dental"}, {Name: "Westbrook Dental (Eastgate)"}})
	if err != nil || len(made) != 2 {
		t.Fatal(made, err)
	}
	site := strconv.Itoa(made[0].ID)
	ev, err = linkcheck.Read(ctx, tn.Env, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev.Links = append(ev.Links, review.Link{Client: store.RecordRef{System: "halopsa", ID: site, Name: "Westbrook Dental"},
		Environment: store.RecordRef{System: "liongard", ID: "77001", Name: "Westbrook Dental - Eastgate"}})
	res := linkcheck.Check(ev)
	for _, want := range []struct{ client, env, says string }{
		{b.Left.ID, a.Right.ID, " use "},
		{b.Left.ID, a.Right.ID, "'" + a.Left.Name + "' too"},
		{c.Left.ID, a.Right.ID, "too"},
		{site, "77001", "names the site 'Eastgate'"},
	} {
		d, ok := res.Of(want.client, want.env)
		if !ok || !strings.Contains(d.String(), want.says) {
			t.Errorf("%s ↔ %s: %v %q, want it to say %q", want.client, want.env, ok, d.String(), want.says)
		}
	}
	if _, ok := res.Of(a.Left.ID, a.Right.ID); !ok {
		t.Error("the environment's own client, linked twice over, is not in doubt")
	}

	// Devices holds the doubted rows back too.
	rep, _, err := devices.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		if r.Environment.ID == a.Right.ID && r.Status != devices.CheckMapping {
			t.Errorf("%s in the doubted environment: %s", r.Device.Name, r.Status)
		}
	}
}

// A client renamed in HaloPSA after the review decided shows its name of
// today in every workflow and ticket, and the review marks the row for a
// look.
func TestARenamedClientShowsItsNameOfToday(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := flowtest.Onboarded(t, 40, false)
	if err := tn.Env.Store.SaveTicketSettings(ctx, tn.Env.Profile, "operator:test", accounts.TicketPurpose, store.TicketSettings{TypeID: 2}); err != nil {
		t.Fatal(err)
	}
	rep, _, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	var was store.RecordRef
	for _, r := range rep.Rows {
		if r.Client != nil && r.Status == accounts.Stale {
			was = *r.Client
		}
	}
	if was.ID == "" {
		t.Fatal("no stale account with a client")
	}
	id, _ := strconv.Atoi(was.ID)
	if !tn.Sandbox.HaloPSA.RenameClient(id, "Renamed Holdings") {
		t.Fatal("no such client", id)
	}
	if rep, _, err = accounts.Build(ctx, tn.Env, accounts.DefaultDays); err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		if r.Client != nil && r.Client.ID == was.ID && r.Client.Name != "Renamed Holdings" {
			t.Errorf("stale accounts show %q", r.Client.Name)
		}
	}
	prop, err := accounts.NewProducer(tn.Env, accounts.DefaultDays).Produce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range prop.Actions {
		found = found || strings.Contains(a.Summary, "Renamed Holdings")
		if strings.Contains(a.Summary, was.Name+",") {
			t.Errorf("a ticket by the old name: %s", a.Summary)
		}
	}
	if !found {
		t.Error("no ticket by the name of today")
	}
	bill, _, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range bill.Rows {
		if r.Client.ID == was.ID && r.Client.Name != "Renamed Holdings" {
			t.Errorf("billing shows %q", r.Client.Name)
		}
	}
	ds, err := tn.Env.Store.Decisions(ctx, tn.Env.Profile, "halopsa:liongard")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Left.ID == was.ID && !strings.Contains(d.Stale, "renamed from '"+was.Name+"' to 'Renamed Holdings' since you decided") {
			t.Errorf("the review's row is not marked for a look: %q", d.Stale)
		}
	}
}
