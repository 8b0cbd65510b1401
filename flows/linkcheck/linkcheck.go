// Package linkcheck looks for evidence that a HaloPSA client and the
// Liongard environment the review links it to are two customers, before a
// workflow bills by the link or opens a ticket listing the environment's
// accounts. One wrong strong match is enough to put another customer's
// user names in this customer's PSA: a doubted link waits for the
// operator's word (a confirmation, or another link in the review).
package linkcheck

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/flows/match"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/signins"
	"github.com/mspwire/mspwire/store"
)

// Evidence is what the check reads.
type Evidence struct {
	Links     []review.Link
	Clients   []halopsa.ClientRecord // HaloPSA's clients now: current names, and sites other clients' names carry
	Users     []halopsa.User         // HaloPSA's users, with their email addresses
	Accounts  []signins.Account      // the accounts Liongard's inspections see
	Confirmed map[string]store.LinkConfirmation
}

// Read gathers the evidence; what a workflow has read already it passes
// in (nil: read it here).
func Read(ctx context.Context, e onboard.Env, users []halopsa.User, accounts []signins.Account) (Evidence, error) {
	var ev Evidence
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return ev, err
	}
	if ev.Links, err = review.Links(ctx, e.Store, e.Profile, o.Source); err != nil {
		return ev, err
	}
	if ev.Confirmed, err = e.Store.LinkConfirmations(ctx, e.Profile); err != nil {
		return ev, err
	}
	if len(ev.Links) == 0 {
		return ev, nil // nothing linked, nothing to doubt
	}
	halo, err := e.HaloPSA(ctx)
	if err != nil {
		return ev, err
	}
	if ev.Clients, err = halo.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true}); err != nil {
		return ev, fmt.Errorf("reading HaloPSA's clients: %w", err)
	}
	if err := markRenamed(ctx, e, ev); err != nil {
		return ev, err
	}
	if ev.Users = users; users == nil {
		if ev.Users, err = halo.ListUsers(ctx, 0); err != nil {
			return ev, fmt.Errorf("reading HaloPSA's users: %w", err)
		}
	}
	if ev.Accounts = accounts; accounts == nil {
		found, err := signins.Read(ctx, e)
		if err != nil {
			return ev, err
		}
		ev.Accounts = found.Accounts()
	}
	return ev, nil
}

// markRenamed marks for a look the review's rows of linked clients
// HaloPSA calls by another name now.
func markRenamed(ctx context.Context, e onboard.Env, ev Evidence) error {
	now := map[string]string{}
	for _, c := range ev.Clients {
		now[strconv.Itoa(c.ID)] = c.Name
	}
	for _, l := range ev.Links {
		if n, ok := now[l.Client.ID]; ok && n != "" && n != l.Client.Name {
			if err := e.Store.MarkRenamed(ctx, e.Profile, "halopsa", l.Client.ID, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// Doubt is the evidence against one link.
type Doubt struct {
	Why []string `json:"why"`
}

// String is the doubt as a row shows it.
func (d Doubt) String() string {
	return "check the mapping: " + strings.Join(d.Why, "; ")
}

// Result is the check of every link.
type Result struct {
	doubts    map[string]Doubt           // by store.LinkKey, unconfirmed links only
	names     map[string]string          // HaloPSA client id -> its name now
	domains   map[string]map[string]bool // HaloPSA client id -> its users' domains
	confirmed map[string]store.LinkConfirmation
}

// Check weighs the evidence against each link.
func Check(ev Evidence) Result {
	res := Result{doubts: map[string]Doubt{}, names: map[string]string{}, domains: map[string]map[string]bool{}, confirmed: ev.Confirmed}
	for _, c := range ev.Clients {
		res.names[strconv.Itoa(c.ID)] = c.Name
	}
	for _, u := range ev.Users {
		if d := domainOf(u.EmailAddress); d != "" && !u.Inactive {
			id := strconv.Itoa(u.ClientID)
			if res.domains[id] == nil {
				res.domains[id] = map[string]bool{}
			}
			res.domains[id][d] = true
		}
	}
	envDomains := map[string]map[string]int{}
	for _, a := range ev.Accounts {
		if d := domainOf(a.Account); d != "" {
			if envDomains[a.EnvironmentID] == nil {
				envDomains[a.EnvironmentID] = map[string]int{}
			}
			envDomains[a.EnvironmentID][d]++
		}
	}
	byEnv := map[string][]review.Link{}
	for _, l := range ev.Links {
		byEnv[l.Environment.ID] = append(byEnv[l.Environment.ID], l)
	}
	var pairs [][2]string
	clients := make([]match.Record, 0, len(ev.Clients))
	for _, c := range ev.Clients {
		clients = append(clients, match.Record{ID: strconv.Itoa(c.ID), Name: c.Name})
	}
	var envs []match.Record
	for _, l := range ev.Links {
		pairs = append(pairs, [2]string{l.Client.ID, l.Environment.ID})
		envs = append(envs, match.Record{ID: l.Environment.ID, Name: l.Environment.Name})
	}
	sites := match.SiteClashes(clients, envs, pairs)

	for _, l := range ev.Links {
		var why []string
		name := res.Name(l.Client)
		if others := byEnv[l.Environment.ID]; len(others) > 1 {
			var names []string
			for _, o := range others {
				if o.Client.ID != l.Client.ID {
					names = append(names, fmt.Sprintf("'%s'", res.Name(o.Client)))
				}
			}
			why = append(why, fmt.Sprintf("the review links Liongard's '%s' to %s too", l.Environment.Name, strings.Join(names, " and ")))
		}
		if mine, theirs := res.domains[l.Client.ID], envDomains[l.Environment.ID]; len(mine) > 0 && len(theirs) > 0 && !overlap(mine, theirs) {
			why = append(why, fmt.Sprintf("the %s Liongard sees in '%s' use %s; the HaloPSA users of '%s' use %s",
				accountsWord(theirs), l.Environment.Name, list(keys(theirs)), name, list(keys(mine))))
		}
		if s := sites[[2]string{l.Client.ID, l.Environment.ID}]; s != "" {
			why = append(why, s)
		}
		if len(why) == 0 {
			continue
		}
		if _, ok := ev.Confirmed[store.LinkKey(l.Client.ID, l.Environment.ID)]; ok {
			continue
		}
		res.doubts[store.LinkKey(l.Client.ID, l.Environment.ID)] = Doubt{Why: why}
	}
	return res
}

// Of is the doubt against a client's link to an environment, unless the
// operator confirmed the link.
func (r Result) Of(clientID, environmentID string) (Doubt, bool) {
	d, ok := r.doubts[store.LinkKey(clientID, environmentID)]
	return d, ok
}

// Confirmed says whether the operator vouched for a link.
func (r Result) Confirmed(clientID, environmentID string) bool {
	_, ok := r.confirmed[store.LinkKey(clientID, environmentID)]
	return ok
}

// Len is how many links are in doubt.
func (r Result) Len() int { return len(r.doubts) }

// Name is a client's name in HaloPSA now: a client renamed since the
// review decided is shown as it is called today.
func (r Result) Name(c store.RecordRef) string {
	if n, ok := r.names[c.ID]; ok && n != "" {
		return n
	}
	return c.Name
}

// Foreign says whether an account of the environment uses a domain none
// of the client's HaloPSA users use, while they use some: such an account
// goes into no ticket for the client unless the operator confirmed the
// link. A client with no known domain cannot be checked this way.
func (r Result) Foreign(clientID, environmentID, account string) bool {
	if _, ok := r.confirmed[store.LinkKey(clientID, environmentID)]; ok {
		return false
	}
	d := domainOf(account)
	mine := r.domains[clientID]
	return d != "" && len(mine) > 0 && !mine[d]
}

// domainOf is the registrable domain of an address, or "" for addresses
// that say nothing of whose an account is: free mail, and Microsoft's
// tenant domains every customer has.
func domainOf(address string) string {
	if !strings.Contains(address, "@") {
		return ""
	}
	d := match.Registrable(strings.ToLower(strings.TrimSpace(address)))
	if d == "" || freeMail[d] || strings.HasSuffix(d, "onmicrosoft.com") {
		return ""
	}
	return d
}

var freeMail = map[string]bool{"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"msn.com": true, "yahoo.com": true, "icloud.com": true, "me.com": true, "aol.com": true, "proton.me": true, "protonmail.com": true,
	"gmx.com": true, "gmx.de": true, "web.de": true, "mail.com": true, "zoho.com": true, "yandex.com": true}

func overlap(mine map[string]bool, theirs map[string]int) bool {
	for d := range theirs {
		if mine[d] {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// list names up to three domains.
func list(ds []string) string {
	if len(ds) > 3 {
		return strings.Join(ds[:3], ", ") + fmt.Sprintf(" and %d more", len(ds)-3)
	}
	return strings.Join(ds, ", ")
}

func accountsWord(ds map[string]int) string {
	n := 0
	for _, c := range ds {
		n += c
	}
	if n == 1 {
		return "1 account"
	}
	return strconv.Itoa(n) + " accounts"
}

// Confirm records the operator's word that a HaloPSA client and the
// Liongard environment the review links it to are one customer, with the
// evidence it overrides; undo takes the word back.
func Confirm(ctx context.Context, e onboard.Env, clientID, actor string, undo bool) (review.Link, Doubt, error) {
	ev, err := Read(ctx, e, nil, nil)
	if err != nil {
		return review.Link{}, Doubt{}, err
	}
	var link *review.Link
	for i := range ev.Links {
		if ev.Links[i].Client.ID == clientID {
			link = &ev.Links[i]
		}
	}
	if link == nil {
		return review.Link{}, Doubt{}, remedy.Refuse(fmt.Sprintf("the review links HaloPSA client %s to no Liongard environment", clientID), remedy.Remedy{Do: remedy.DecideLinks, Arg: "halopsa:liongard"})
	}
	res := Check(Evidence{Links: ev.Links, Clients: ev.Clients, Users: ev.Users, Accounts: ev.Accounts}) // as if nothing were confirmed
	doubt, _ := res.Of(link.Client.ID, link.Environment.ID)
	link.Client.Name = res.Name(link.Client)
	if undo {
		return *link, doubt, e.Store.UnconfirmLink(ctx, e.Profile, actor, link.Client.ID, link.Environment.ID)
	}
	return *link, doubt, e.Store.ConfirmLink(ctx, e.Profile, store.LinkConfirmation{ClientID: link.Client.ID, EnvironmentID: link.Environment.ID,
		Evidence: strings.Join(doubt.Why, "; "), ConfirmedBy: actor})
}
