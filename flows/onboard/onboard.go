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
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/hudu"
	"github.com/mspwire/mspwire/clients/itglue"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
)

// Env is what every onboarding operation works on.
type Env struct {
	Store   *store.Store
	Keyring *store.Keyring
	Profile string
	// Clients keeps one vendor client per connection for the run; nil
	// makes fresh ones per call (NewEnv sets it).
	Clients *adapter.Clients
}

// NewEnv is a profile's onboarding with one client per connection.
func NewEnv(st *store.Store, kr *store.Keyring, profile string) Env {
	return Env{Store: st, Keyring: kr, Profile: profile, Clients: adapter.NewClients(st, kr, profile)}
}

// clients is the run's vendor clients.
func (e Env) clients() *adapter.Clients {
	if e.Clients != nil {
		return e.Clients
	}
	return adapter.NewClients(e.Store, e.Keyring, e.Profile)
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

// Sources are the path's systems that can be the source of truth, the
// hub first.
func (p Plan) Sources() []string {
	out := []string{path.Hub}
	for _, sys := range p.Systems {
		if sys != path.Hub && adapter.InfoOf(sys).Source {
			out = append(out, sys)
		}
	}
	return out
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
		return Plan{}, remedy.Refuse("no integration path chosen yet", remedy.Remedy{Do: remedy.ChoosePath})
	}
	a, _ := e.Answers(ctx)
	docs := a.DocsTool
	if docs == "" {
		docs = path.DefaultDocsTool
	}
	p := Plan{Path: path.ID(o.Path), Recommended: path.ID(o.Recommended), Reason: o.Reason, DocsTool: docs, Source: o.Source}
	if p.Systems, err = adapter.SystemsOf(ctx, e.Store, e.Profile, p.Path, docs); err != nil {
		return Plan{}, err
	}
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
	if a, err := adapter.Lookup(source); err != nil || !a.Info().Source {
		var can []string
		for _, a := range adapter.All() {
			if a.Info().Source {
				can = append(can, a.Info().ID)
			}
		}
		return 0, fmt.Errorf("source %q: choose %s", source, strings.Join(can, " or "))
	}
	selected := -1
	if len(statuses) > 0 || len(types) > 0 {
		c, err := e.ITGlue(ctx)
		if err != nil {
			return 0, err
		}
		f, err := adapter.ITGlueFilter(ctx, c, statuses, types)
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
	StagePlan        Stage = "plan" // plan, confirm and apply the sync
	StageSteps       Stage = "steps"
)

// Stage says where the onboarding continues: the first unfinished step.
func (e Env) Stage(ctx context.Context) (Stage, error) {
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return "", err
	}
	// A path chosen without the questions (mspwire path set) is chosen: a
	// tenant onboarded with the CLI twins continues where it is.
	switch {
	case o.Path == "" && (len(o.Answers) == 0 || string(o.Answers) == "{}"):
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
	switch last, err := e.Store.LatestPlan(ctx, e.Profile); {
	case errors.Is(err, store.ErrNoPlan):
		return StagePlan, nil
	case err != nil:
		return "", err
	case last.FinishedAt == nil:
		return StagePlan, nil
	}
	return StageSteps, nil
}

// Fetched is one system's inventory fetch.
type Fetched struct {
	System string
	Count  int
	Err    error
}

// FetchObserver hears how a fetch goes, for a face to show; each func may
// be nil. Start and End come from the fetching goroutine; Page and Wait
// from the vendor's client, as each page arrives or a wait begins.
type FetchObserver struct {
	Start func(system string)
	Page  func(system string, pages, records int)
	Wait  func(system string, w apply.Wait)
	End   func(f Fetched)
}

// FetchInventories reads the company list of every system the path needs,
// one after another, and stores each for the review. A system that fails
// keeps its previous inventory.
func (e Env) FetchInventories(ctx context.Context, obs FetchObserver) ([]Fetched, error) {
	p, err := e.Plan(ctx)
	if err != nil {
		return nil, err
	}
	var out []Fetched
	for _, sys := range p.Systems {
		if obs.Start != nil {
			obs.Start(sys)
		}
		c := ctx
		if obs.Page != nil {
			c = httpx.WithPageReporter(c, func(pages, items int) { obs.Page(sys, pages, items) })
		}
		if obs.Wait != nil {
			c = apply.Observe(c, func(w apply.Wait) { obs.Wait(sys, w) })
		}
		n, err := e.FetchSystem(c, sys)
		f := Fetched{System: sys, Count: n, Err: err}
		out = append(out, f)
		if obs.End != nil {
			obs.End(f)
		}
		if ctx.Err() != nil {
			break
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
		err = fmt.Errorf("%w: %w", connect.ErrRejected, remedy.Wrap(err, remedy.Remedy{Do: remedy.CheckCredentials, Arg: sys}))
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
	companies, err := e.clients().Companies(system)
	if err != nil {
		return nil, err
	}
	out, err := companies.Inventory(ctx, o)
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// HaloPSA is the profile's HaloPSA client for the run.
func (e Env) HaloPSA(ctx context.Context) (*halopsa.Client, error) { return e.clients().HaloPSA(ctx) }

// Liongard is the profile's Liongard client for the run.
func (e Env) Liongard(ctx context.Context) (*liongard.Client, error) {
	return e.clients().Liongard(ctx)
}

// ITGlue is the profile's IT Glue client for the run.
func (e Env) ITGlue(ctx context.Context) (*itglue.Client, error) { return e.clients().ITGlue(ctx) }

// Hudu is the profile's Hudu client for the run.
func (e Env) Hudu(ctx context.Context) (*hudu.Client, error) { return e.clients().Hudu(ctx) }
