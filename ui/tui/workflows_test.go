package tui_test

import (
	"context"
	"strconv"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/ui/backend"
	"github.com/mspwire/mspwire/ui/tui"
)

// The Devices and Stale accounts screens against the sandbox: from home,
// planned, confirmed by typing yes and applied; afterwards no asset is to
// set and every client with stale accounts has its ticket.
func TestDevicesAndAccountsScreensApplyThroughThePlan(t *testing.T) {
	ctx := context.Background()
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Companies: 80})
	tn.DecideAsTheWorldIs(t, "halopsa:liongard")
	wizard := func() *teatest.TestModel {
		tm := teatest.NewTestModel(t, tui.NewWizard(ctx, backend.Flows{Env: tn.Env}),
			teatest.WithInitialTermSize(140, 45), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
		t.Cleanup(func() { _ = tm.Quit() })
		waitText(t, tm, "Home")
		return tm
	}
	confirm := func(tm *teatest.TestModel) {
		waitText(t, tm, "is sent until you press y") // "nothing more" when making it created a metric
		tm.Send(char('y'))
		waitText(t, tm, "Type yes and press enter")
		for _, c := range "yes" {
			tm.Send(char(c))
		}
		tm.Send(enter)
		waitText(t, tm, "Press enter to go back")
	}

	tm := wizard()
	tm.Send(char('w'))
	waitText(t, tm, "Showing open:")
	tm.Send(char('p'))
	confirm(tm)
	rep, _, err := devices.Build(ctx, tn.Env)
	if err != nil || rep.ByStatus[devices.ToSet] != 0 || rep.ByStatus[devices.OK] == 0 {
		t.Fatalf("after the devices apply: %v, %v", rep.ByStatus, err)
	}

	tm = wizard()
	tm.Send(char('u'))
	waitText(t, tm, "days without a sign-in")
	tm.Send(char('o')) // the first ticket type: Incident
	waitText(t, tm, `ticket type "Incident"`)
	tm.Send(char('p'))
	confirm(tm)
	stale, _, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil || len(stale.ByClient) == 0 {
		t.Fatalf("stale accounts: %v, %v", stale.ByClient, err)
	}
	halo, err := tn.Env.HaloPSA(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for id := range stale.ByClient {
		n, _ := strconv.Atoi(id)
		ts, err := halo.ListTickets(ctx, n, "[mspwire stale-accounts "+id+" ")
		if err != nil || len(ts) != 1 {
			t.Errorf("client %s: %d tickets, %v", id, len(ts), err)
		}
	}
}

// The team chosen on a screen goes through the flows as --team does: one
// HaloPSA has is kept for its own workflow and read back with the rows;
// one it lacks is refused and keeps nothing.
func TestTheTeamIsKeptThroughTheFlows(t *testing.T) {
	ctx := context.Background()
	tn := flowtest.New(t, flowtest.Options{Path: path.A, DocsTool: "hudu", Companies: 20})
	tn.DecideAsTheWorldIs(t, "halopsa:liongard")
	f := backend.Flows{Env: tn.Env}
	v, err := f.StaleAccounts(ctx, accounts.DefaultDays)
	if err != nil || len(v.Teams) == 0 {
		t.Fatalf("HaloPSA's teams: %v, %v", v.Teams, err)
	}
	team := v.Teams[len(v.Teams)-1]
	if err := f.SetTickets(ctx, change.StaleAccounts, tickets.Setting{Team: &team}); err != nil {
		t.Fatal(err)
	}
	bogus := "No Such Team"
	if err := f.SetTickets(ctx, change.Billing, tickets.Setting{Team: &bogus}); err == nil {
		t.Fatal("a team HaloPSA lacks was kept")
	}
	if v, err = f.StaleAccounts(ctx, accounts.DefaultDays); err != nil || v.Team != team {
		t.Fatalf("stale accounts' team: %q, %v (want %q)", v.Team, err, team)
	}
	if b, err := f.Billing(ctx); err != nil || b.Team != "" {
		t.Fatalf("billing's team: %q, %v (want none: each workflow keeps its own)", b.Team, err)
	}
}
