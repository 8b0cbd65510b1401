package accounts_test

import (
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/workflow"
	"github.com/mspwire/mspwire/store"
)

// --days, the ticket type and the team are part of a stale accounts plan:
// each changed makes a new plan and the old one stale; a stored plan is
// remade with the days it was made with.
func TestStaleAccountsPlanIsItsDaysTypeAndTeam(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	st, profile := tn.Env.Store, tn.Env.Profile
	if err := st.SaveTicketSettings(ctx, profile, "operator:test", accounts.TicketPurpose, store.TicketSettings{TypeID: 2}); err != nil {
		t.Fatal(err)
	}
	make := func(days int) store.Plan {
		t.Helper()
		p, _, err := apply.Make(ctx, tn.Engine(), accounts.NewProducer(tn.Env, days), "operator:test")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p90 := make(90)
	if again := make(90); again.ID != p90.ID {
		t.Fatalf("asked again unchanged: plan %d, then %d", p90.ID, again.ID)
	}
	p60 := make(60)
	if p60.ID == p90.ID {
		t.Fatal("--days 60 after --days 90 is the old plan")
	}
	p, err := workflow.Producer(tn.Env, p60)
	if r, ok := p.(apply.Remaker); err != nil || !ok || r.Remake() != "mspwire accounts plan --days 60" {
		t.Fatalf("the stored --days 60 plan is remade by %v (%v)", p, err)
	}
	last := p60
	for _, change := range []store.TicketSettings{{TypeID: 1}, {TypeID: 1, Team: "Service Desk"}} {
		if err := st.SaveTicketSettings(ctx, profile, "operator:test", accounts.TicketPurpose, change); err != nil {
			t.Fatal(err)
		}
		s, err := apply.Prepare(ctx, tn.Engine(), last.ID)
		if err != nil || len(s.Changed) == 0 || !strings.Contains(s.Changed[0], "you changed") {
			t.Fatalf("after %+v: plan %d changed %v, %v", change, last.ID, s.Changed, err)
		}
		next := make(60)
		if next.ID == last.ID {
			t.Fatalf("after %+v, the old plan %d", change, last.ID)
		}
		last = next
	}
}
