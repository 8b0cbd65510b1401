package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/verify"
)

var ctx = context.Background()

// fakeClock advances only when the test waits: no test sleeps.
func fakeClock() (func() time.Time, func(context.Context, time.Duration) error) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	return func() time.Time { return now }, func(_ context.Context, d time.Duration) error { now = now.Add(d); return nil }
}

// setTemplate sets an environment's alert template through the sandbox's
// admin API, as Liongard's console would.
func setTemplate(t *testing.T, tn *flowtest.Tenant, env string, body map[string]any) {
	t.Helper()
	id, _ := strconv.Atoi(env)
	body["environment"] = id
	b, _ := json.Marshal(body)
	resp, err := http.Post(tn.Sandbox.Creds["liongard"].URL+"/_sandbox/templates", "application/json", bytes.NewReader(b))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("setting the template: %v %v", resp, err)
	}
	resp.Body.Close()
}

// The guide's alert test against the sandbox: a well-set client passes,
// and each broken link of the chain is named — no template, a template
// whose ticket type Halo refuses, a mapping to another client.
func TestAlertTestNamesTheBrokenLink(t *testing.T) {
	tn := flowtest.Onboarded(t, 60, false)
	firing := tn.Sandbox.Liongard.Firing()
	planted := 0
	for _, has := range firing {
		if !has {
			planted++
		}
	}
	refusing := 0
	for _, tpl := range tn.Sandbox.Liongard.Templates() {
		if tpl == 5 {
			refusing++
		}
	}
	if planted == 0 || refusing == 0 {
		t.Fatalf("the world plants %d environments without a template and %d templates Halo refuses", planted, refusing)
	}
	o, err := tn.Env.Store.Onboarding(ctx, tn.Env.Profile)
	if err != nil {
		t.Fatal(err)
	}
	links, err := review.Links(ctx, tn.Env.Store, tn.Env.Profile, o.Source)
	if err != nil {
		t.Fatal(err)
	}
	var usable []review.Link
	for _, l := range links {
		id, _ := strconv.Atoi(l.Environment.ID)
		if _, ok := firing[id]; ok {
			usable = append(usable, l)
		}
	}
	sort.Slice(usable, func(i, j int) bool { return usable[i].Client.Name < usable[j].Client.Name })
	if len(usable) < 4 {
		t.Fatalf("only %d linked clients whose rules fire", len(usable))
	}
	good, none, refused, elsewhere := usable[0], usable[1], usable[2], usable[3]
	setTemplate(t, tn, good.Environment.ID, map[string]any{"template": true, "ticket_type": 7})
	setTemplate(t, tn, none.Environment.ID, map[string]any{"template": false})
	setTemplate(t, tn, refused.Environment.ID, map[string]any{"template": true, "ticket_type": 5})
	other := 0
	for _, c := range tn.Sandbox.World.Customers {
		if c.Name != elsewhere.Client.Name && len(c.In["halopsa"]) > 0 && other == 0 {
			other = c.ID
		}
	}
	setTemplate(t, tn, elsewhere.Environment.ID, map[string]any{"template": true, "ticket_type": 7, "customer": other})

	for _, c := range []struct {
		link   review.Link
		broken string
		says   string
	}{
		{good, "", "opened HaloPSA ticket"},
		{none, verify.BrokeAlert, "no alert template is assigned"},
		{refused, verify.BrokeTicket, "mandatory field"},
		{elsewhere, verify.BrokeClient, "on another client"},
	} {
		now, sleep := fakeClock()
		var steps []string
		res, err := verify.Alerts(ctx, tn.Env, verify.Options{Client: c.link.Client.Name, Deadline: time.Minute, Poll: 10 * time.Second,
			Now: now, Sleep: sleep, Progress: func(s string) { steps = append(steps, s) }})
		if err != nil {
			t.Fatalf("%s: %v", c.link.Client.Name, err)
		}
		if res.Passed != (c.broken == "") || res.Broken != c.broken || !strings.Contains(res.Why, c.says) {
			t.Errorf("%s: passed %t, broken %q: %s", c.link.Client.Name, res.Passed, res.Broken, res.Why)
		}
		if c.broken == "" && (res.Ticket == nil || strconv.Itoa(res.Ticket.ClientID) != c.link.Client.ID || res.Alert == nil || res.Alert.ExternalID == nil) {
			t.Errorf("%s: ticket %+v, alert %+v", c.link.Client.Name, res.Ticket, res.Alert)
		}
		if c.broken == verify.BrokeAlert && !strings.Contains(strings.Join(steps, "\n"), "Waiting for the alert: 50s of 1m0s") {
			t.Errorf("%s: the wait is not said: %q", c.link.Client.Name, steps)
		}
	}

	if _, err := verify.Alerts(ctx, tn.Env, verify.Options{Client: "No Such Client"}); err == nil || !strings.Contains(err.Error(), `no HaloPSA client named "No Such Client"`) {
		t.Errorf("an unknown client: %v", err)
	}
}

// The path B test: an inspection refreshes the "(auto)" flexible asset in
// the linked IT Glue organization; with Flexible Asset Auto-Updating off
// in Liongard, nothing appears and the test says where to look.
func TestFlexibleAssetTestOnPathB(t *testing.T) {
	tn := flowtest.New(t, flowtest.Options{Path: "B", Companies: 40, Clean: true})
	for _, p := range tn.Review.Pairs() {
		tn.DecideAsTheWorldIs(t, p.ID)
	}
	now, sleep := fakeClock()
	res, err := verify.FlexibleAssets(ctx, tn.Env, verify.Options{Deadline: time.Minute, Now: now, Sleep: sleep})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed || len(res.Assets) == 0 || !strings.HasSuffix(res.Assets[0], "(auto)") {
		t.Fatalf("%+v", res)
	}

	body := strings.NewReader(`{"inspector": "Active Directory", "auto": false}`)
	resp, err := http.Post(tn.Sandbox.Creds["liongard"].URL+"/_sandbox/flexible-assets", "application/json", body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
	res, err = verify.FlexibleAssets(ctx, tn.Env, verify.Options{Client: res.Environment, Deadline: time.Minute, Now: now, Sleep: sleep})
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed || !strings.Contains(res.Why, "Auto-Updating is off") {
		t.Fatalf("with auto-updating off: %+v", res)
	}
}
