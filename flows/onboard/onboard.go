// Package onboard is the onboarding of one tenant, as the wizard and its
// scriptable twins drive it: questionnaire, path, source of truth,
// inventories, and how far along the path's steps the tenant is. Every
// choice is written to SQLite before it is acted on.
package onboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/hudu"
	"github.com/mspwire/mspwire/clients/itglue"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
)

// Env is what every onboarding operation works on.
type Env struct {
	Store   *store.Store
	Keyring *store.Keyring
	Profile string
}

// Answer stores the questionnaire and the path it recommends. A path
// already chosen stays chosen: a new recommendation is advice.
func (e Env) Answer(ctx context.Context, a path.Answers) (path.ID, string, error) {
	rec, why := path.Recommend(a)
	answers, _ := json.Marshal(a)
	err := e.Store.UpdateOnboarding(ctx, e.Profile, func(o *store.Onboarding) error {
		o.Answers, o.Recommended, o.Reason = answers, string(rec), why
		if o.Path == "" {
			o.Path = string(rec)
		}
		return nil
	}, store.AuditEntry{Profile: e.Profile, Actor: who.Operator(), Event: "path.recommended", Detail: map[string]any{"recommended": string(rec)}})
	return rec, why, err
}

// Answers reads the stored questionnaire.
func (e Env) Answers(ctx context.Context) (path.Answers, error) {
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return path.Answers{}, err
	}
	var a path.Answers
	_ = json.Unmarshal(o.Answers, &a)
	return a, nil
}

// ChoosePath stores the operator's path, which may differ from the advice.
func (e Env) ChoosePath(ctx context.Context, p path.ID) error {
	detail := map[string]any{"path": string(p)}
	return e.Store.UpdateOnboarding(ctx, e.Profile, func(o *store.Onboarding) error {
		o.Path, detail["recommended"] = string(p), o.Recommended
		return nil
	}, store.AuditEntry{Profile: e.Profile, Actor: who.Operator(), Event: "path.chosen", Detail: detail})
}

// Plan is the profile's path with what it involves.
type Plan struct {
	Path        path.ID     `json:"path"`
	Recommended path.ID     `json:"recommended"`
	Reason      string      `json:"reason"`
	DocsTool    string      `json:"docs_tool"`
	Systems     []string    `json:"systems"`
	Source      string      `json:"source"`
	Steps       []StepState `json:"steps"`
}

// StepState is a step and whether it is done, and how.
type StepState struct {
	path.Step
	Done bool   `json:"done"`
	How  string `json:"how,omitempty"` // "ticked", "verified"
}

// Plan reads the profile's path and steps; an error if no path is chosen.
func (e Env) Plan(ctx context.Context) (Plan, error) {
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return Plan{}, err
	}
	if o.Path == "" {
		return Plan{}, errors.New("no integration path chosen yet: answer the questions in the wizard, or run mspwire path set A|B|C")
	}
	a, _ := e.Answers(ctx)
	docs := a.DocsTool
	if docs == "" {
		docs = "hudu"
	}
	p := Plan{Path: path.ID(o.Path), Recommended: path.ID(o.Recommended), Reason: o.Reason, DocsTool: docs, Source: o.Source}
	p.Systems = path.Systems(p.Path, docs)
	done, err := e.Store.DoneSteps(ctx, e.Profile)
	if err != nil {
		return Plan{}, err
	}
	connected, err := e.connected(ctx, p.Systems)
	if err != nil {
		return Plan{}, err
	}
	for _, s := range path.Steps(p.Path, docs) {
		st := StepState{Step: s}
		st.How, st.Done = done[s.ID]
		if s.ID == "credentials" && connected {
			st.Done, st.How = true, "verified"
		}
		p.Steps = append(p.Steps, st)
	}
	return p, nil
}

// connected says whether every system has a verified connection.
func (e Env) connected(ctx context.Context, systems []string) (bool, error) {
	conns, err := e.Store.Connections(ctx, e.Profile)
	if err != nil {
		return false, err
	}
	ok := map[string]bool{}
	for _, c := range conns {
		ok[c.System] = !c.VerifiedAt.IsZero()
	}
	for _, s := range systems {
		if !ok[s] {
			return false, nil
		}
	}
	return true, nil
}

// Tick marks a guided step done (or, with done false, not done).
func (e Env) Tick(ctx context.Context, stepID string, done bool) error {
	p, err := e.Plan(ctx)
	if err != nil {
		return err
	}
	for _, s := range p.Steps {
		if s.ID != stepID {
			continue
		}
		if s.Kind != path.Guided {
			return fmt.Errorf("step %q is done by mspwire itself, not ticked", stepID)
		}
		event := "step.ticked"
		err := e.Store.MarkStep(ctx, e.Profile, stepID, "ticked")
		if !done {
			event, err = "step.unticked", e.Store.UnmarkStep(ctx, e.Profile, stepID)
		}
		if err != nil {
			return err
		}
		return e.Store.Audit(ctx, store.AuditEntry{Profile: e.Profile, Actor: who.Operator(), Event: event, Detail: map[string]any{"step": stepID}})
	}
	var ids []string
	for _, s := range p.Steps {
		ids = append(ids, s.ID)
	}
	return fmt.Errorf("path %s has no step %q; its steps are %s", p.Path, stepID, strings.Join(ids, ", "))
}

// SetSource stores where the client list comes from. For IT Glue, statuses
// and types are names from the live lists; it returns how many
// organizations they select.
func (e Env) SetSource(ctx context.Context, source string, statuses, types []string) (int, error) {
	if source != "halopsa" && source != "itglue" {
		return 0, fmt.Errorf("source %q: choose halopsa or itglue", source)
	}
	selected := -1
	if len(statuses) > 0 || len(types) > 0 {
		c, err := e.ITGlue(ctx)
		if err != nil {
			return 0, err
		}
		f, err := e.itglueFilter(ctx, c, statuses, types)
		if err != nil {
			return 0, err
		}
		orgs, err := c.Organizations(ctx, f)
		if err != nil {
			return 0, err
		}
		selected = len(orgs)
	}
	return selected, e.Store.UpdateOnboarding(ctx, e.Profile, func(o *store.Onboarding) error {
		o.Source, o.ITGlueStatuses, o.ITGlueTypes = source, statuses, types
		return nil
	}, store.AuditEntry{Profile: e.Profile, Actor: who.Operator(), Event: "source.set",
		Detail: map[string]any{"source": source, "itglue_statuses": statuses, "itglue_types": types}})
}

// itglueFilter turns status and type names into ids, saying which names
// IT Glue does not have — Liongard's filter needs them exactly.
func (e Env) itglueFilter(ctx context.Context, c *itglue.Client, statuses, types []string) (itglue.OrganizationFilter, error) {
	var f itglue.OrganizationFilter
	for _, part := range []struct {
		names []string
		list  func(context.Context) ([]itglue.Named, error)
		ids   *[]int
		what  string
	}{{statuses, c.OrganizationStatuses, &f.StatusIDs, "status"}, {types, c.OrganizationTypes, &f.TypeIDs, "type"}} {
		if len(part.names) == 0 {
			continue
		}
		live, err := part.list(ctx)
		if err != nil {
			return f, err
		}
		byName := map[string]int{}
		var known []string
		for _, n := range live {
			byName[n.Name] = n.ID
			known = append(known, n.Name)
		}
		for _, name := range part.names {
			id, ok := byName[name]
			if !ok {
				return f, fmt.Errorf("IT Glue has no organization %s %q (it has: %s); Liongard's filter needs the exact name", part.what, name, strings.Join(known, ", "))
			}
			*part.ids = append(*part.ids, id)
		}
	}
	return f, nil
}

// Choice is a filter value with how many organizations it selects alone.
type Choice struct {
	Name  string
	Count int
}

// ITGlueChoices lists IT Glue's organization statuses and types with the
// number of organizations each selects, for the source screen.
func (e Env) ITGlueChoices(ctx context.Context) (statuses, types []Choice, err error) {
	c, err := e.ITGlue(ctx)
	if err != nil {
		return nil, nil, err
	}
	orgs, err := c.Organizations(ctx, itglue.OrganizationFilter{})
	if err != nil {
		return nil, nil, err
	}
	byStatus, byType := map[string]int{}, map[string]int{}
	for _, o := range orgs {
		byStatus[o.StatusName]++
		byType[o.TypeName]++
	}
	ls, err := c.OrganizationStatuses(ctx)
	if err != nil {
		return nil, nil, err
	}
	lt, err := c.OrganizationTypes(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range ls {
		statuses = append(statuses, Choice{s.Name, byStatus[s.Name]})
	}
	for _, t := range lt {
		types = append(types, Choice{t.Name, byType[t.Name]})
	}
	return statuses, types, nil
}

// Stage is where a tenant's onboarding stands: the first step not done.
type Stage string

// The stages, in order.
const (
	StageQuestions   Stage = "questions"
	StagePath        Stage = "path"
	StageCredentials Stage = "credentials"
	StageSource      Stage = "source"
	StageInventories Stage = "inventories"
	StageReview      Stage = "review"
	StageSteps       Stage = "steps"
)

// Stage says where the onboarding continues: the first unfinished step.
func (e Env) Stage(ctx context.Context) (Stage, error) {
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return "", err
	}
	switch {
	case len(o.Answers) == 0 || string(o.Answers) == "{}":
		return StageQuestions, nil
	case o.Path == "":
		return StagePath, nil
	}
	p, err := e.Plan(ctx)
	if err != nil {
		return "", err
	}
	if ok, err := e.connected(ctx, p.Systems); err != nil || !ok {
		return StageCredentials, err
	}
	if o.Source == "" {
		return StageSource, nil
	}
	counts, err := e.Store.RecordCounts(ctx, e.Profile)
	if err != nil {
		return "", err
	}
	for _, sys := range p.Systems {
		if counts[sys] == 0 {
			return StageInventories, nil
		}
	}
	rows, err := e.Store.Decisions(ctx, e.Profile, "")
	if err != nil {
		return "", err
	}
	if len(rows) == 0 {
		return StageReview, nil
	}
	for _, d := range rows {
		if !d.Decided() {
			return StageReview, nil
		}
	}
	return StageSteps, nil
}

// Fetched is one system's inventory fetch.
type Fetched struct {
	System string
	Count  int
	Err    error
}

// FetchInventories reads the company list of every system the path needs
// and stores it for the review. progress is told as each system starts and
// ends. A system that fails keeps its previous inventory.
// progress hears of each system before its fetch and after it (done), with
// the count or the error.
func (e Env) FetchInventories(ctx context.Context, progress func(f Fetched, done bool)) ([]Fetched, error) {
	p, err := e.Plan(ctx)
	if err != nil {
		return nil, err
	}
	var out []Fetched
	for _, sys := range p.Systems {
		if progress != nil {
			progress(Fetched{System: sys}, false)
		}
		n, err := e.FetchSystem(ctx, sys)
		f := Fetched{System: sys, Count: n, Err: err}
		out = append(out, f)
		if progress != nil {
			progress(f, true)
		}
	}
	return out, nil
}

// FetchSystem reads and stores one system's company list.
func (e Env) FetchSystem(ctx context.Context, sys string) (int, error) {
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return 0, err
	}
	recs, err := e.fetch(ctx, sys, o)
	if errors.Is(err, httpx.ErrUnauthorized) || errors.Is(err, httpx.ErrForbidden) {
		err = fmt.Errorf("%w: %w (check it with mspwire auth status; rotate it with mspwire auth rotate %s)", connect.ErrRejected, err, sys)
	}
	if err != nil {
		_ = e.Store.Audit(ctx, store.AuditEntry{Profile: e.Profile, Actor: who.Operator(), Event: "inventory.failed",
			Detail: map[string]any{"system": sys, "error": err.Error()}})
		return 0, err
	}
	if err := e.Store.ReplaceRecords(ctx, e.Profile, sys, recs); err != nil {
		return 0, err
	}
	return len(recs), e.Store.Audit(ctx, store.AuditEntry{Profile: e.Profile, Actor: who.Operator(), Event: "inventory.fetched",
		Detail: map[string]any{"system": sys, "records": len(recs)}})
}

// AlertMapping proposes which HaloPSA status and priority each of
// Liongard's should become in the alert template, from HaloPSA's live lists.
func (e Env) AlertMapping(ctx context.Context) ([]path.Mapping, error) {
	c, err := e.HaloPSA(ctx)
	if err != nil {
		return nil, err
	}
	statuses, err := c.ListStatuses(ctx)
	if err != nil {
		return nil, err
	}
	prios, err := c.ListPriorities(ctx)
	if err != nil {
		return nil, err
	}
	var sn, pn []string
	for _, s := range statuses {
		sn = append(sn, s.Name)
	}
	for _, p := range prios {
		pn = append(pn, p.Name)
	}
	return path.ProposeAlertMapping(sn, pn), nil
}

func (e Env) fetch(ctx context.Context, system string, o store.Onboarding) ([]store.InventoryRecord, error) {
	var out []store.InventoryRecord
	switch system {
	case "halopsa":
		c, err := e.HaloPSA(ctx)
		if err != nil {
			return nil, err
		}
		clients, err := c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true})
		if err != nil {
			return nil, err
		}
		for _, cl := range clients {
			out = append(out, store.InventoryRecord{ExternalID: strconv.Itoa(cl.ID), Name: cl.Name, Domain: cl.Website, Inactive: cl.Inactive})
		}
	case "liongard":
		c, err := e.Liongard(ctx)
		if err != nil {
			return nil, err
		}
		envs, err := c.Environments(ctx)
		if err != nil {
			return nil, err
		}
		for _, env := range envs {
			out = append(out, store.InventoryRecord{ExternalID: strconv.Itoa(env.ID), Name: env.Name, Inactive: env.Status != 1,
				Extra: map[string]any{"tier": string(env.Tier)}})
		}
	case "itglue":
		c, err := e.ITGlue(ctx)
		if err != nil {
			return nil, err
		}
		f, err := e.itglueFilter(ctx, c, o.ITGlueStatuses, o.ITGlueTypes)
		if err != nil {
			return nil, err
		}
		orgs, err := c.Organizations(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, org := range orgs {
			out = append(out, store.InventoryRecord{ExternalID: strconv.Itoa(org.ID), Name: org.Name,
				Extra: map[string]any{"status": org.StatusName, "type": org.TypeName}})
		}
	case "hudu":
		c, err := e.Hudu(ctx)
		if err != nil {
			return nil, err
		}
		companies, err := c.Companies(ctx, hudu.CompanyFilter{})
		if err != nil {
			return nil, err
		}
		for _, co := range companies {
			out = append(out, store.InventoryRecord{ExternalID: strconv.Itoa(co.ID), Name: co.Name, Domain: co.Website, Inactive: co.Archived})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// secretFor reads a connection and its secret.
func (e Env) secretFor(ctx context.Context, system string) (connect.Fields, string, error) {
	conn, err := e.Store.Connection(ctx, e.Profile, system)
	if err != nil {
		return connect.Fields{}, "", fmt.Errorf("%w; run mspwire auth login %s", err, system)
	}
	ref, err := connect.Ref(e.Profile, system)
	if err != nil {
		return connect.Fields{}, "", err
	}
	secret, err := e.Keyring.Get(ctx, ref)
	if err != nil {
		return connect.Fields{}, "", err
	}
	return connect.FieldsOf(conn), secret.Reveal(), nil
}

// HaloPSA opens the profile's HaloPSA connection.
func (e Env) HaloPSA(ctx context.Context) (*halopsa.Client, error) {
	f, secret, err := e.secretFor(ctx, "halopsa")
	if err != nil {
		return nil, err
	}
	return connect.HaloPSA(f, secret)
}

// Liongard opens the profile's Liongard connection.
func (e Env) Liongard(ctx context.Context) (*liongard.Client, error) {
	f, secret, err := e.secretFor(ctx, "liongard")
	if err != nil {
		return nil, err
	}
	return connect.Liongard(f, secret)
}

// ITGlue opens the profile's IT Glue connection. The stored base URL
// already says the region.
func (e Env) ITGlue(ctx context.Context) (*itglue.Client, error) {
	f, secret, err := e.secretFor(ctx, "itglue")
	if err != nil {
		return nil, err
	}
	f.Region = ""
	return connect.ITGlue(f, secret)
}

// Hudu opens the profile's Hudu connection.
func (e Env) Hudu(ctx context.Context) (*hudu.Client, error) {
	f, secret, err := e.secretFor(ctx, "hudu")
	if err != nil {
		return nil, err
	}
	return connect.Hudu(f, secret)
}
