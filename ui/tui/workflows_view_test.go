package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/report"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/store"
)

// fixedDevices is a small tenant's workstations, mapped by the real Map:
// one of each status.
func fixedDevices() devices.Report {
	ws := func(sys, env int, envName, host, user string) liongard.MetricValue {
		return liongard.MetricValue{SystemID: sys, EnvironmentID: env, EnvironmentName: envName, FriendlyName: "Windows Workstation - " + host,
			Value: map[string]any{"host": host, "user": user}}
	}
	in := devices.Inputs{
		Clients: map[string]devices.Ref{"33000": {System: "halopsa", ID: "12", Name: "Acme Dental, Inc."}, "33001": {System: "halopsa", ID: "13", Name: "Bayside Veterinary Clinic"}},
		Values: []liongard.MetricValue{
			ws(21001, 33000, "Acme Dental", "ACMEDENT-WS01", `ACMEDENT\gwebb`), ws(21002, 33000, "Acme Dental", "ACMEDENT-WS02", "nora.patel@acmedental.com"),
			ws(21003, 33001, "Bayside Vet Clinic", "BAYSIDEV-WS01", `BAYSIDEV\KHill`), ws(21004, 33001, "Bayside Vet Clinic", "BAYSIDEV-WS02", `BAYSIDEV\tess`),
			ws(21005, 33001, "Bayside Vet Clinic", "BAYSIDEV-WS03", `BAYSIDEV\uma`), ws(21006, 33009, "Quillfeather Vets", "QUILLFEA-WS01", `QUILLFEA\frontdesk`),
		},
		Assets: []halopsa.Asset{
			{ID: 3001, InventoryNumber: "ACMEDENT-WS01", ClientID: 12, Users: []halopsa.UserRef{}},
			{ID: 3002, InventoryNumber: "acmedent-ws02", ClientID: 12, Users: []halopsa.UserRef{{ID: 7002, Name: "Nora Patel"}}},
			{ID: 3003, KeyField: "BAYSIDEV-WS01", ClientID: 13, Users: []halopsa.UserRef{{ID: 7004, Name: "Uma Reed"}}},
			{ID: 3005, InventoryNumber: "BAYSIDEV-WS03", ClientID: 13, Users: []halopsa.UserRef{}},
		},
		Users: []halopsa.User{
			{ID: 7001, Name: "Grace Webb", EmailAddress: "grace.webb@acmedental.com", Login: "GWEBB", ClientID: 12},
			{ID: 7002, Name: "Nora Patel", EmailAddress: "Nora.Patel@acmedental.com", ClientID: 12},
			{ID: 7003, Name: "Kai Hill", EmailAddress: "kai.hill@baysidevet.com", Login: "khill", ClientID: 13},
			{ID: 7004, Name: "Uma Reed", EmailAddress: "uma.reed@baysidevet.com", Login: "ureed", ClientID: 13},
		},
		Metric: metrics.Found{LiongardMetric: store.LiongardMetric{Name: "mspwire: Windows Workstation last user"}},
	}
	return devices.Map(in)
}

// fixedAccounts is a small tenant's stale accounts, found by the real Find.
func fixedAccounts() AccountsView {
	in := accounts.Inputs{
		Clients: map[string]accounts.Ref{"33000": {System: "halopsa", ID: "12", Name: "Acme Dental, Inc."}, "33002": {System: "halopsa", ID: "14", Name: "Cedar School District"}},
		Metrics: map[string]metrics.Found{
			"google_workspace_sign_ins": {LiongardMetric: store.LiongardMetric{ID: 90003, Name: "mspwire: Google Workspace sign-ins"}},
			"m365_sign_ins":             {LiongardMetric: store.LiongardMetric{ID: 90004, Name: "mspwire: Microsoft 365 sign-ins"}},
		},
		Values: []liongard.MetricValue{
			{MetricID: 90004, EnvironmentID: 33000, EnvironmentName: "Acme Dental", TimelineDate: verifiedAt.Format(time.RFC3339),
				Value: []any{map[string]any{"account": "grace.webb@acmedental.com", "days": float64(3)}, map[string]any{"account": "old.reception@acmedental.com", "days": float64(211)}}},
			{MetricID: 90003, EnvironmentID: 33002, EnvironmentName: "Cedar School District", TimelineDate: verifiedAt.Format(time.RFC3339),
				Value: []any{map[string]any{"account": "student.2019@cedarsd.org", "days": float64(402), "last_login": "2025-10-14T08:12:00Z"},
					map[string]any{"account": "sub.teacher@cedarsd.org", "days": "130", "last_login": "2026-07-13T07:55:00Z"},
					map[string]any{"account": "principal@cedarsd.org", "days": float64(1), "last_login": "2026-11-19T07:30:00Z"}}},
		},
	}
	return AccountsView{Report: accounts.Find(in, accounts.DefaultDays), TicketType: 2,
		TicketTypes: []TicketTypeChoice{{ID: 1, Name: "Incident"}, {ID: 2, Name: "Service Request"}, {ID: 5, Name: "Change Request"}, {ID: 7, Name: "Alert"}},
		Teams:       []string{"Service Desk", "Accounts"}, Team: "Service Desk"}
}

func (f fixed) Devices(context.Context) (devices.Report, error) { return fixedDevices(), nil }
func (f fixed) MakeDevicesPlan(context.Context, bool) (SyncPlan, error) {
	return SyncPlan{Plan: store.Plan{ID: 9, Kind: "devices", CreatedAt: verifiedAt}}, nil
}
func (f fixed) StaleAccounts(context.Context, int) (AccountsView, error) { return fixedAccounts(), nil }
func (f fixed) VerifyAlerts(context.Context) (string, error) {
	return "The alert test passed.", nil
}
func (f fixed) ConfirmLink(_ context.Context, id string) (string, error) {
	return "Confirmed client " + id + ".", nil
}
func (f fixed) SetTickets(context.Context, store.PlanKind, tickets.Setting) error { return nil }
func (f fixed) MakeAccountsPlan(context.Context, int) (SyncPlan, error) {
	return SyncPlan{Plan: store.Plan{ID: 10, Kind: "stale_accounts", CreatedAt: verifiedAt}}, nil
}

// n asks for a number of days; enter reads the accounts again with it,
// a number that is not one is refused, esc keeps the days.
func TestNAsksForANumberOfDays(t *testing.T) {
	a := newAccountsScreen()
	v := fixedAccounts()
	a.v = &v
	a.update(tea.KeyPressMsg{Code: 'n', Text: "n"})
	if !a.typing() {
		t.Fatal("n does not ask")
	}
	for range 2 {
		a.update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	for _, r := range "45" {
		a.update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	ev, _ := a.update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if _, ok := ev.(askEvent); !ok || a.days != 45 || a.typing() {
		t.Fatalf("enter: %#v, days %d", ev, a.days)
	}
	a.update(tea.KeyPressMsg{Code: 'n', Text: "n"})
	a.update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if ev, _ := a.update(tea.KeyPressMsg{Code: tea.KeyEnter}); ev == nil || a.days != 45 {
		t.Fatalf("a number that is not one: %#v, days %d", ev, a.days)
	}
	a.update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if a.typing() || a.days != 45 {
		t.Fatalf("esc: typing %t, days %d", a.typing(), a.days)
	}
}

// ClientPage finds the client in the three fixed reviews, by the real
// report's rules.
func (f fixed) ClientPage(_ context.Context, name string) (string, error) {
	in := report.Inputs{At: verifiedAt, Profile: "acme-msp", Billing: fixedBilling().Report, Devices: fixedDevices(), Accounts: fixedAccounts().Report}
	c, ok, others := report.FindClient(report.Build(in), nil, name)
	if !ok {
		return "", fmt.Errorf("%q names %d clients", name, len(others))
	}
	return report.Page(c, nil), nil
}

// teamSpy keeps each team a screen asked to keep, with its workflow.
type teamSpy struct {
	fixed
	kept *[]string
}

func (s teamSpy) SetTickets(_ context.Context, kind store.PlanKind, t tickets.Setting) error {
	if t.Team != nil {
		*s.kept = append(*s.kept, string(kind)+"="+*t.Team)
	}
	return nil
}

// last is the team last kept for a workflow, as the store would read it.
func (s teamSpy) last(kind string, was string) string {
	for _, k := range *s.kept {
		if name, team, _ := strings.Cut(k, "="); name == kind {
			was = team
		}
	}
	return was
}

func (s teamSpy) Billing(ctx context.Context) (BillingView, error) {
	v, err := s.fixed.Billing(ctx)
	v.Team = s.last("billing", v.Team)
	return v, err
}

func (s teamSpy) StaleAccounts(ctx context.Context, days int) (AccountsView, error) {
	v, err := s.fixed.StaleAccounts(ctx, days)
	v.Team = s.last("stale_accounts", v.Team)
	return v, err
}

// e on Billing and Stale accounts steps through the type's default and
// HaloPSA's teams, keeps each for its own workflow, and says it on screen.
func TestETakesTheTeamTicketsGoTo(t *testing.T) {
	var kept []string
	for key, want := range map[string][]string{"b": {"billing=Service Desk", "billing=Accounts", "billing="}, "u": {"stale_accounts=Accounts", "stale_accounts="}} {
		kept = nil
		w := NewWizard(context.Background(), teamSpy{fixed: fixed{stage: onboard.StageReview}, kept: &kept})
		drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
		send(w, press(key)...)
		for range want {
			send(w, press("e")...)
		}
		if strings.Join(kept, ",") != strings.Join(want, ",") {
			t.Errorf("%s then e ×%d kept %v, want %v", key, len(want), kept, want)
		}
	}
	w := NewWizard(context.Background(), teamSpy{fixed: fixed{stage: onboard.StageReview}, kept: &kept})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("b", "e")...)
	if got := xansi.Strip(w.View().Content); !strings.Contains(got, `Billing tickets go to HaloPSA's team "Service Desk"`) {
		t.Errorf("the team kept is not said:\n%s", got)
	}
}
