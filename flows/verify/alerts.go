// Package verify does the guide's test steps for the operator, through the
// APIs: "manually trigger a test inspection and verify that a ticket is
// created in HaloPSA for the expected customer", "start with one template
// and one customer". It runs the inspection, waits for the alert and the
// ticket, and says which link of the chain broke.
package verify

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
)

// Options shape an alert test.
type Options struct {
	// Client names the HaloPSA client to test with (its name, any case, or
	// its id); "": one linked client whose environment Liongard inspects,
	// one that has raised alerts before if there is one.
	Client string
	// Deadline is how long to wait for the alert and the ticket; 0: 5
	// minutes, an inspection's usual run on an agent.
	Deadline time.Duration
	// Poll is how often Liongard and HaloPSA are asked; 0: 10 seconds.
	Poll time.Duration
	// Now and Sleep are the clock; nil: the real one (tests pass theirs).
	Now   func() time.Time
	Sleep func(context.Context, time.Duration) error
	// Progress hears each step and each wait, in words.
	Progress func(string)
}

// The links of the chain, as Result.Broken names them.
const (
	BrokeAlert  = "alert"  // no alert raised
	BrokeTicket = "ticket" // an alert, but no ticket for it
	BrokeClient = "client" // a ticket, on another client
)

// Result is what the test found.
type Result struct {
	Client       store.RecordRef   `json:"client"`
	Environment  store.RecordRef   `json:"environment"`
	Inspections  []string          `json:"inspections"` // the launchpoints run
	Alert        *liongard.Alert   `json:"alert"`
	Ticket       *halopsa.Ticket   `json:"ticket"`
	TicketClient string            `json:"ticket_client,omitempty"` // the client the ticket went to, when not the expected one
	Passed       bool              `json:"passed"`
	Broken       string            `json:"broken,omitempty"` // BrokeAlert, BrokeTicket or BrokeClient
	Why          string            `json:"why"`
	Refused      map[string]string `json:"refused,omitempty"` // launchpoints Liongard would not run, by alias
}

// Alerts runs the guide's alert test once.
func Alerts(ctx context.Context, e onboard.Env, o Options) (Result, error) {
	o = o.defaults()
	var res Result
	lg, err := e.Liongard(ctx)
	if err != nil {
		return res, err
	}
	halo, err := e.HaloPSA(ctx)
	if err != nil {
		return res, err
	}
	ob, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return res, err
	}
	links, err := review.Links(ctx, e.Store, e.Profile, ob.Source)
	if err != nil {
		return res, err
	}
	if len(links) == 0 {
		return res, remedy.Refuse("the review links no HaloPSA client to a Liongard environment yet", remedy.Remedy{Do: remedy.DecideLinks, Arg: "halopsa:liongard"})
	}
	lps, err := lg.Launchpoints(ctx)
	if err != nil {
		return res, fmt.Errorf("reading Liongard's launchpoints: %w", err)
	}
	before, err := lg.Alerts(ctx)
	if err != nil {
		return res, fmt.Errorf("reading Liongard's alerts: %w", err)
	}
	link, inspections, err := pick(links, lps, before, o.Client)
	if err != nil {
		return res, err
	}
	res.Client, res.Environment = link.Client, link.Environment
	clientID, _ := strconv.Atoi(link.Client.ID)
	tickets, err := halo.ListTickets(ctx, clientID, "")
	if err != nil {
		return res, fmt.Errorf("reading HaloPSA's tickets of %s: %w", link.Client.Name, err)
	}
	seenAlert, lastTicket := map[int]bool{}, 0
	for _, a := range before {
		seenAlert[a.ID] = true
	}
	for _, t := range tickets {
		lastTicket = max(lastTicket, t.ID)
	}

	var ids []int
	for _, lp := range inspections {
		ids = append(ids, lp.ID)
		res.Inspections = append(res.Inspections, lp.Alias)
	}
	o.Progress(fmt.Sprintf("Running %s of %s in Liongard: %s", plural.N(len(ids), "inspection", "inspections"), link.Environment.Name, strings.Join(res.Inspections, ", ")))
	refused, err := lg.RunInspections(ctx, ids)
	if err != nil {
		return res, fmt.Errorf("running the inspections: %w", err)
	}
	for _, lp := range inspections {
		if why, ok := refused[lp.ID]; ok {
			if res.Refused == nil {
				res.Refused = map[string]string{}
			}
			res.Refused[lp.Alias] = why
		}
	}
	if len(res.Refused) == len(ids) {
		res.Broken, res.Why = BrokeAlert, "Liongard ran none of the inspections: "+joinRefused(res.Refused)
		return res, nil
	}

	start := o.Now()
	for {
		if res.Alert == nil {
			all, err := lg.Alerts(ctx)
			if err != nil {
				return res, fmt.Errorf("reading Liongard's alerts: %w", err)
			}
			for i := range all {
				if a := all[i]; !seenAlert[a.ID] && strconv.Itoa(a.Environment.ID) == link.Environment.ID {
					res.Alert = &a
					o.Progress(fmt.Sprintf("Liongard raised alert %s: %s", a.CommonID, a.Name))
					break
				}
			}
		}
		if res.Alert != nil {
			done, err := res.lookForTicket(ctx, halo, clientID, lastTicket)
			if err != nil {
				return res, err
			}
			if done {
				return res, nil
			}
		}
		waited := o.Now().Sub(start)
		if waited >= o.Deadline {
			break
		}
		what := "the alert"
		if res.Alert != nil {
			what = "the HaloPSA ticket"
		}
		o.Progress(fmt.Sprintf("Waiting for %s: %s of %s", what, waited.Round(time.Second), o.Deadline))
		if err := o.Sleep(ctx, min(o.Poll, o.Deadline-waited)); err != nil {
			return res, err
		}
	}
	if res.Alert == nil {
		res.Broken, res.Why = BrokeAlert, fmt.Sprintf("no alert in %s within %s of the inspection: no rule fired, or no alert template is assigned to the environment "+
			"(the guide's pitfall: Admin > Actionable Alerts > Templates; Liongard has no API for templates, so check it there)", link.Environment.Name, o.Deadline)
	} else {
		res.Broken, res.Why = BrokeTicket, fmt.Sprintf("alert %s was raised but no HaloPSA ticket came for %s within %s: the alert's template has no HaloPSA "+
			"destination, or its ticket type has a mandatory field Liongard cannot fill (mspwire doctor names such types)", res.Alert.CommonID, link.Client.Name, o.Deadline)
	}
	return res, nil
}

// lookForTicket finds the alert's ticket: the one its ExternalID names, or
// a new one for the client. It says whether the test is over.
func (res *Result) lookForTicket(ctx context.Context, halo *halopsa.Client, clientID, lastTicket int) (bool, error) {
	if id := res.Alert.ExternalID; id != nil {
		t, err := halo.Ticket(ctx, *id)
		switch {
		case errors.Is(err, httpx.ErrNotFound): // not there yet: look again
		case err != nil:
			return false, fmt.Errorf("reading HaloPSA's ticket %d: %w", *id, err)
		case t.ClientID == clientID:
			res.Ticket = &t
			res.Passed, res.Why = true, fmt.Sprintf("alert %s opened HaloPSA ticket %d for %s, as the review links them", res.Alert.CommonID, t.ID, res.Client.Name)
			return true, nil
		default:
			res.Ticket, res.TicketClient = &t, strconv.Itoa(t.ClientID)
			res.Broken, res.Why = BrokeClient, fmt.Sprintf("alert %s opened HaloPSA ticket %d on another client (id %d), not %s: Liongard's HaloPSA "+
				"mapping sends %s elsewhere (Admin > Integrations > HaloPSA, Map tab)", res.Alert.CommonID, t.ID, t.ClientID, res.Client.Name, res.Environment.Name)
			return true, nil
		}
	}
	mine, err := halo.ListTickets(ctx, clientID, "")
	if err != nil {
		return false, fmt.Errorf("reading HaloPSA's tickets of %s: %w", res.Client.Name, err)
	}
	for i := range mine {
		if t := mine[i]; t.ID > lastTicket {
			res.Ticket = &t
			res.Passed, res.Why = true, fmt.Sprintf("alert %s raised; HaloPSA ticket %d opened for %s since the inspection (Liongard did not record the ticket's id on the alert)",
				res.Alert.CommonID, t.ID, res.Client.Name)
			return true, nil
		}
	}
	return false, nil
}

// pick is the link to test and the launchpoints to run: the client named,
// or the first linked client, by name, whose environment Liongard inspects
// — one that raised alerts before first, as its rules are known to fire.
func pick(links []review.Link, lps []liongard.Launchpoint, alerts []liongard.Alert, named string) (review.Link, []liongard.Launchpoint, error) {
	byEnv := map[string][]liongard.Launchpoint{}
	for _, lp := range lps {
		if lp.Enabled {
			byEnv[strconv.Itoa(lp.EnvironmentID)] = append(byEnv[strconv.Itoa(lp.EnvironmentID)], lp)
		}
	}
	alerted := map[string]bool{}
	for _, a := range alerts {
		alerted[strconv.Itoa(a.Environment.ID)] = true
	}
	if named != "" {
		for _, l := range links {
			if strings.EqualFold(l.Client.Name, named) || l.Client.ID == named {
				if len(byEnv[l.Environment.ID]) == 0 {
					return l, nil, fmt.Errorf("Liongard inspects nothing in %s, the environment %s is linked to: add a launchpoint there first", l.Environment.Name, l.Client.Name)
				}
				return l, byEnv[l.Environment.ID], nil
			}
		}
		return review.Link{}, nil, fmt.Errorf("no HaloPSA client named %q is linked to a Liongard environment in the review", named)
	}
	sorted := append([]review.Link(nil), links...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := alerted[sorted[i].Environment.ID], alerted[sorted[j].Environment.ID]
		if a != b {
			return a
		}
		return strings.ToLower(sorted[i].Client.Name) < strings.ToLower(sorted[j].Client.Name)
	})
	for _, l := range sorted {
		if len(byEnv[l.Environment.ID]) > 0 {
			return l, byEnv[l.Environment.ID], nil
		}
	}
	return review.Link{}, nil, errors.New("Liongard inspects nothing in any linked environment: add a launchpoint first")
}

func joinRefused(m map[string]string) string {
	var out []string
	for alias, why := range m {
		out = append(out, alias+": "+why)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

func (o Options) defaults() Options {
	if o.Deadline <= 0 {
		o.Deadline = 5 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	return o
}
