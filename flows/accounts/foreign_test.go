package accounts_test

import (
	"strings"
	"testing"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/signins"
	"github.com/mspwire/mspwire/store"
)

// An account at a domain none of the client's HaloPSA users use goes into
// no ticket for the client, though the link as a whole is not in doubt;
// once the operator confirms the link, it does. Free mail and Microsoft's
// tenant domains say nothing either way.
func TestAnAccountAtAnotherDomainIsHeldBack(t *testing.T) {
	client := store.RecordRef{System: "halopsa", ID: "12", Name: "Acme Dental, Inc."}
	env := store.RecordRef{System: "liongard", ID: "33000", Name: "Acme Dental"}
	in := accounts.Inputs{Clients: map[string]accounts.Ref{env.ID: client},
		Metrics: map[string]metrics.Found{"m365_sign_ins": {LiongardMetric: store.LiongardMetric{ID: 90004}}},
		Values: []liongard.MetricValue{{MetricID: 90004, EnvironmentID: 33000, EnvironmentName: env.Name, Value: []any{
			map[string]any{"account": "old.reception@acmedental.com", "days": float64(211)},
			map[string]any{"account": "temp@acmedental.onmicrosoft.com", "days": float64(300)},
			map[string]any{"account": "contractor@otherco.com", "days": float64(150)},
			map[string]any{"account": "grace@acmedental.com", "days": float64(2)}}}}}
	ev := linkcheck.Evidence{Links: []review.Link{{Client: client, Environment: env}},
		Users:    []halopsa.User{{ID: 1, ClientID: 12, EmailAddress: "Grace@AcmeDental.com"}, {ID: 2, ClientID: 12, EmailAddress: "owner@gmail.com"}},
		Accounts: signins.Found{Values: in.Values, Metrics: in.Metrics}.Accounts()}
	in.Links = linkcheck.Check(ev)
	if in.Links.Len() != 0 {
		t.Fatal("the link is doubted as a whole")
	}
	status := func(rep accounts.Report) map[string]string {
		out := map[string]string{}
		for _, r := range rep.Rows {
			out[r.Account] = r.Status
			if r.Status == accounts.CheckMapping && !strings.Contains(r.Why, "uses this account's domain") {
				t.Errorf("%s: %q", r.Account, r.Why)
			}
		}
		return out
	}
	got := status(accounts.Find(in, accounts.DefaultDays))
	want := map[string]string{"old.reception@acmedental.com": accounts.Stale, "temp@acmedental.onmicrosoft.com": accounts.Stale,
		"contractor@otherco.com": accounts.CheckMapping}
	for a, s := range want {
		if got[a] != s {
			t.Errorf("%s: %q, want %q", a, got[a], s)
		}
	}
	ev.Confirmed = map[string]store.LinkConfirmation{store.LinkKey("12", "33000"): {ClientID: "12", EnvironmentID: "33000"}}
	in.Links = linkcheck.Check(ev)
	if got := status(accounts.Find(in, accounts.DefaultDays)); got["contractor@otherco.com"] != accounts.Stale {
		t.Errorf("confirmed, the account is still held back: %q", got["contractor@otherco.com"])
	}
}
