package accounts_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/sandbox/world"
	"github.com/mspwire/mspwire/store"
)

var ctx = context.Background()

func tenant(t *testing.T, companies int, clean bool) *flowtest.Tenant {
	return flowtest.Onboarded(t, companies, clean)
}

// stale is what the world says is stale: active people, their account
// enabled, no sign-in for over 90 days.
func stale(w *world.World) map[string]bool {
	out := map[string]bool{}
	for i := range w.Customers {
		c := &w.Customers[i]
		l := w.Licences(c)
		if l.Product == "" || len(c.In[world.Liongard]) == 0 {
			continue
		}
		for j, p := range w.People(c) {
			disabled := p.Suspended || l.Product == world.M365 && j%17 == 5
			if !disabled && p.LastLoginDays > accounts.DefaultDays {
				out[strings.ToLower(p.Email)] = true
			}
		}
	}
	return out
}

// Every planted stale account is found, in both suites, and nothing else;
// a clean world has none.
func TestPlantedStaleAccountsAreFound(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 120, false)
	rep, _, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	want := stale(tn.Sandbox.World)
	sources := map[string]int{}
	for _, r := range rep.Rows {
		if !want[strings.ToLower(r.Account)] {
			t.Errorf("%s (%s, %d days) is not stale in the world", r.Account, r.Source, r.Days)
		}
		delete(want, strings.ToLower(r.Account))
		sources[r.Source]++
		if r.LastLogin == nil || r.Client == nil || r.Days <= 90 {
			t.Errorf("row %+v", r)
		}
	}
	if len(want) > 0 {
		t.Errorf("stale in the world, not found: %v", want)
	}
	if sources[accounts.GoogleWorkspace] == 0 || sources[accounts.M365] == 0 || len(rep.ByClient) < 3 {
		t.Fatalf("%d rows by source %v, %d clients", len(rep.Rows), sources, len(rep.ByClient))
	}
	clean := tenant(t, 60, true)
	if rep, _, err := accounts.Build(ctx, clean.Env, accounts.DefaultDays); err != nil || len(rep.Rows) != 0 {
		t.Fatalf("clean world: %d stale accounts, %v", len(rep.Rows), err)
	}
}

// One ticket per client listing its stale accounts, and the alert rules
// on the checklist; a second plan has nothing.
func TestStaleAccountsPlanOpensOneTicketPerClient(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 120, false)
	rep, _, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	var refused *remedy.Error // the remedy, each face says how: choose the ticket type
	if _, _, err := apply.Make(ctx, tn.Engine(), accounts.NewProducer(tn.Env, 0), "operator:test"); !errors.As(err, &refused) || refused.Do != remedy.ChooseTicketType || refused.Workflow != "stale_accounts" {
		t.Fatalf("no ticket type chosen: %v", err)
	}
	if err := tn.Env.Store.SaveTicketSettings(ctx, tn.Env.Profile, "operator:test", accounts.TicketPurpose, store.TicketSettings{TypeID: 2}); err != nil {
		t.Fatal(err)
	}
	p, actions, err := apply.Make(ctx, tn.Engine(), accounts.NewProducer(tn.Env, 0), "operator:test")
	if err != nil || len(actions) != len(rep.ByClient)+2 || p.Kind != "stale_accounts" {
		t.Fatalf("plan %s: %d actions for %d clients and 2 alert rules, %v", p.Kind, len(actions), len(rep.ByClient), err)
	}
	if res, err := tn.Apply(t, p.ID); err != nil || res.Counts.Done != len(actions) {
		t.Fatalf("apply: %+v %v", res.Counts, err)
	}
	halo, _ := tn.Env.HaloPSA(ctx)
	for id, n := range rep.ByClient {
		c, _ := strconv.Atoi(id)
		ts, err := halo.ListTickets(ctx, c, "[mspwire stale-accounts "+id+" ")
		if err != nil || len(ts) != 1 || !strings.Contains(ts[0].Details, "last sign-in") || strings.Count(ts[0].Details, "\n- ") != n {
			t.Fatalf("client %s: %d tickets (%v), want one listing %d", id, len(ts), err, n)
		}
	}
	checklist, err := tn.Env.Store.Checklist(ctx, tn.Env.Profile)
	if err != nil || !strings.Contains(fmtChecklist(checklist), "Actionable Alerts") {
		t.Fatalf("checklist %v, %v", checklist, err)
	}
	if _, again, err := apply.Make(ctx, tn.Engine(), accounts.NewProducer(tn.Env, 0), "operator:test"); err != nil || len(again) != 0 {
		t.Fatalf("a second plan: %d actions, %v", len(again), err)
	}
	// Each ticketed account is now in hand: the ticket is read back from HaloPSA.
	after, _, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, r := range after.Rows {
		if r.Client != nil && r.Status == accounts.Stale {
			if !r.InHand || r.Ticket == nil || !r.Ticket.Open {
				t.Fatalf("%s of %s: in hand %t, ticket %+v", r.Account, r.Client.Name, r.InHand, r.Ticket)
			}
			held++
		}
	}
	if held == 0 || after.InHand != held {
		t.Fatalf("%d accounts in hand, the report says %d", held, after.InHand)
	}
}

func fmtChecklist(items []store.ChecklistItem) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.Item + "\n")
	}
	return b.String()
}

// Every stale account's last sign-in is a date, Google Workspace's (an
// RFC 3339 time in Liongard's dataprint) as Microsoft 365's.
func TestLastSignInsAreDatesFromBothSuites(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	rep, _, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rep.Rows {
		if r.LastLogin == nil {
			continue
		}
		if _, err := time.Parse(time.DateOnly, *r.LastLogin); err != nil {
			t.Fatalf("%s (%s): last sign-in %q is not a date", r.Account, r.Source, *r.LastLogin)
		}
		seen[r.Source] = true
	}
	if !seen[accounts.GoogleWorkspace] || !seen[accounts.M365] {
		t.Fatalf("dates seen from %v", seen)
	}
}
