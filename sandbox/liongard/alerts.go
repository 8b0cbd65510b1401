package liongard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/mspwire/mspwire/sandbox/simkit"
)

// The guide's alert test, simulated. An alert template — set in Liongard's
// console only, here through /_sandbox/templates — assigns alert rules to
// an environment and routes their alerts to the PSA: running an inspection
// raises an alert when one of the template's rules fires, and the template
// opens the ticket in the PSA for the company the environment is mapped to
// and records its id as the alert's ExternalID. Planted (a world that is
// not clean): one environment whose rules would fire has no template, and
// one's template uses a ticket type with mandatory fields, which Halo
// refuses.

// template is an environment's alert template.
type template struct {
	TicketType int // the PSA ticket type its alerts open; 0: no PSA destination
	Customer   int // the world customer the PSA mapping points to; 0: the environment's own
}

// Ticketer opens the PSA ticket a template routes an alert to, for the
// world customer the environment belongs to; the sandbox wires it to the
// HaloPSA simulator.
type Ticketer func(customerID int, summary, details string, ticketTypeID int) (ticketID int, err error)

// FlexPusher refreshes, in IT Glue, the "(auto)" flexible asset of an
// inspector for a world customer; the sandbox wires it to the IT Glue
// simulator.
type FlexPusher func(customerID int, inspectorAlias, system string) error

// SetFlexPusher connects Liongard's Flexible Assets integration to IT Glue.
func (s *Sim) SetFlexPusher(p FlexPusher) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flexPusher = p
}

// adminFlexibleAssets is POST /_sandbox/flexible-assets {"inspector":
// "Active Directory", "auto": false}: the Flexible Asset Auto-Updating
// switch of Liongard's IT Glue integration, per inspector.
func (s *Sim) adminFlexibleAssets(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Inspector string `json:"inspector"`
		Auto      bool   `json:"auto"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Inspector == "" {
		simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": `want {"inspector": "Active Directory", "auto": true}`})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.flexAuto[body.Inspector] = body.Auto
	simkit.WriteJSON(w, http.StatusOK, body)
}

// AlertTicketType is the HaloPSA ticket type ("Alert") templates use.
const AlertTicketType = 7

// SetTicketer connects the alert templates to a PSA.
func (s *Sim) SetTicketer(t Ticketer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ticketer = t
}

// fires says whether an inspection of a launchpoint raises an alert: the
// seeded alerts came from the same rules.
func fires(alias string) bool { return h(alias)%9 == 0 }

// seedTemplates gives each environment whose rules fire a template to the
// PSA, but for the planted faults.
func seedTemplates(d *data, clean bool) {
	d.flexAuto = map[string]bool{"Active Directory": true, "Microsoft 365": true}
	d.templates = map[int]template{}
	var firing []int
	seen := map[int]bool{}
	for _, lp := range d.lps {
		if fires(lp.Alias) && !seen[lp.Environment] {
			seen[lp.Environment] = true
			firing = append(firing, lp.Environment)
		}
	}
	sort.Ints(firing)
	for i, env := range firing {
		switch {
		case !clean && i == 0: // no template: the guide's pitfall
		case !clean && i == 1:
			d.templates[env] = template{TicketType: 5} // Halo's "Change Request": mandatory fields Liongard cannot fill
		default:
			d.templates[env] = template{TicketType: AlertTicketType}
		}
	}
}

// v1RunLaunchpoint is GET /api/v1/launchpoints/{id}/run: the inspection's
// job id.
func (s *Sim) v1RunLaunchpoint(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		failure(w, http.StatusBadRequest, "LaunchpointID must be an integer")
		return
	}
	job, ok := s.run(id)
	if !ok {
		failure(w, http.StatusNotFound, fmt.Sprintf("Launchpoint %d not found", id))
		return
	}
	simkit.WriteJSON(w, http.StatusOK, job)
}

// v1BulkRun is POST /api/v1/launchpoints/run {"LaunchPoints": [ids]}.
func (s *Sim) v1BulkRun(w http.ResponseWriter, r *http.Request) {
	var body struct {
		LaunchPoints []int `json:"LaunchPoints"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.LaunchPoints == nil {
		failure(w, http.StatusBadRequest, "LaunchPoints is required")
		return
	}
	type result struct {
		ID int `json:"ID"`
	}
	type failed struct {
		ID      int    `json:"ID"`
		Message string `json:"Message"`
	}
	out := struct {
		Results []result `json:"results"`
		Errors  []failed `json:"errors"`
	}{Results: []result{}, Errors: []failed{}}
	for _, id := range body.LaunchPoints {
		if _, ok := s.run(id); ok {
			out.Results = append(out.Results, result{id})
		} else {
			out.Errors = append(out.Errors, failed{id, fmt.Sprintf("Launchpoint %d not found", id)})
		}
	}
	simkit.WriteJSON(w, http.StatusOK, out)
}

// run inspects a launchpoint now: an alert if its rules fire, and the
// template's ticket if the environment has one that works.
func (s *Sim) run(lpID int) (int, bool) {
	s.mu.Lock()
	var lp *launchpoint
	for i := range s.data.lps {
		if s.data.lps[i].ID == lpID {
			lp = &s.data.lps[i]
		}
	}
	if lp == nil {
		s.mu.Unlock()
		return 0, false
	}
	s.data.jobs++
	job := 14800 + s.data.jobs
	customer, system := 0, lp.Alias
	for _, sys := range s.data.systems {
		if sys.Launchpoint == lp.ID {
			customer, system = sys.cust, sys.Name
		}
	}
	if push := s.flexPusher; push != nil && s.data.flexAuto[lp.Inspector.Alias] {
		s.mu.Unlock()
		_ = push(customer, lp.Inspector.Alias, system) // IT Glue is another simulator: outside the lock
		s.mu.Lock()
	}
	tpl, assigned := s.data.templates[lp.Environment]
	if !fires(lp.Alias) || !assigned { // no template: no rule applies to the environment
		s.mu.Unlock()
		return job, true
	}
	now := time.Now().UTC()
	id := 7500 + len(s.data.tasks)
	for _, t := range s.data.tasks {
		id = max(id, t.ID+1)
	}
	t := task{ID: id, Environment: lp.Environment, CommonID: fmt.Sprintf("T%s.%05d", now.Format("20060102"), id), Name: alertFor(lp.Inspector),
		Description: alertFor(lp.Inspector) + " on " + lp.Alias, Priority: "High", Status: "New", Rule: alertFor(lp.Inspector), Launchpoint: lp.ID, CreatedOn: now}
	ticketer := s.ticketer
	if tpl.Customer != 0 {
		customer = tpl.Customer
	}
	s.mu.Unlock()
	if tpl.TicketType != 0 && ticketer != nil {
		// Outside the lock: the PSA is another simulator.
		if ticket, err := ticketer(customer, "Liongard: "+t.Name, t.Description+" ("+t.CommonID+")", tpl.TicketType); err == nil {
			t.ExternalID = &ticket
		}
	}
	s.mu.Lock()
	s.data.tasks = append(s.data.tasks, t)
	s.mu.Unlock()
	return job, true
}

// adminTemplates is POST /_sandbox/templates {"environment": ID,
// "template": bool, "ticket_type": N, "customer": C}: the alert template an
// environment has, as Liongard's console sets it — none, one without a PSA
// destination (ticket_type 0), or one whose PSA mapping points at another
// world customer.
func (s *Sim) adminTemplates(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Environment int  `json:"environment"`
		Template    bool `json:"template"`
		TicketType  int  `json:"ticket_type"`
		Customer    int  `json:"customer"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Environment == 0 {
		simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": `want {"environment": ID, "template": true, "ticket_type": N, "customer": C}`})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if body.Template {
		s.data.templates[body.Environment] = template{TicketType: body.TicketType, Customer: body.Customer}
	} else {
		delete(s.data.templates, body.Environment)
	}
	simkit.WriteJSON(w, http.StatusOK, body)
}

// Firing lists the environments an inspection raises an alert in (their
// rules fire), with whether each has a template: for tests and the demo.
func (s *Sim) Firing() map[int]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]bool{}
	for _, lp := range s.data.lps {
		if fires(lp.Alias) {
			_, has := s.data.templates[lp.Environment]
			out[lp.Environment] = has
		}
	}
	return out
}

// Templates are the environments' alert templates: environment id -> the
// PSA ticket type their alerts open (0: no PSA destination).
func (s *Sim) Templates() map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]int{}
	for env, t := range s.data.templates {
		out[env] = t.TicketType
	}
	return out
}
