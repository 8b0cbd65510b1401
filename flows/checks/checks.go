// Package checks is mspwire doctor: one check per pitfall of the
// integration guide, and drift since the last applied plan. A check that a
// vendor's API can decide, decides, naming the records involved and the
// fix. One that no API can see becomes a guided question; its answer is
// stored with its date and asked again after 90 days.
package checks

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
)

// Severities, worst first.
const (
	Error = "error" // the integration fails or overwrites data
	Warn  = "warn"  // duplicates, drift, or a risk the guide names
)

// Record is a record a finding involves.
type Record struct {
	System string `json:"system"`
	ID     string `json:"id"`
	Name   string `json:"name"`
}

// Finding is one problem, with its records and the fix.
type Finding struct {
	Check    string   `json:"check"`
	Severity string   `json:"severity"`
	System   string   `json:"system"`
	Summary  string   `json:"summary"`
	Records  []Record `json:"records"`
	Fix      string   `json:"fix"`
}

// Question is a guided question: a setting no API shows.
type Question struct {
	ID       string     `json:"id"`
	Check    string     `json:"check"`
	System   string     `json:"system"`
	Text     string     `json:"text"`
	Why      string     `json:"why"` // why mspwire cannot see it
	Fix      string     `json:"fix"` // what to do when the answer is no
	Answer   string     `json:"answer,omitempty"`
	Answered *time.Time `json:"answered_at,omitempty"`
}

// Report is what a run found.
type Report struct {
	Findings  []Finding  `json:"findings"`
	Questions []Question `json:"questions"` // unanswered, or answered too long ago
	Ran       []string   `json:"ran"`       // the checks that ran
	Skipped   []string   `json:"skipped"`   // "id: why"
}

// AskAgainAfter is how long an answer holds.
const AskAgainAfter = 90 * 24 * time.Hour

// Check is one pitfall.
type Check struct {
	ID       string
	System   string // the system it looks at; "" for across systems
	Severity string
	Looks    string // what it looks at, for --list and the screen
	applies  func(*run) string
	run      func(context.Context, *run) error
}

// Options choose the checks.
type Options struct {
	Only  string // a system id
	Check string // a check id
	Actor string
	Now   time.Time
}

// ErrUnknownCheck means --check named no check.
var ErrUnknownCheck = errors.New("no such check")

// All lists every check, in the order they run.
func All() []Check { return all }

// Run runs the checks that apply to the profile's path.
func Run(ctx context.Context, env onboard.Env, o Options) (Report, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	rep := Report{Findings: []Finding{}, Questions: []Question{}, Ran: []string{}, Skipped: []string{}}
	if o.Check != "" && find(o.Check) == nil {
		return rep, fmt.Errorf("%w %q: mspwire doctor --list names them", ErrUnknownCheck, o.Check)
	}
	if o.Only != "" {
		if _, err := adapter.Lookup(o.Only); err != nil {
			return rep, fmt.Errorf("--only: %w", err)
		}
	}
	r, err := newRun(ctx, env, o)
	if err != nil {
		return rep, err
	}
	for _, c := range all {
		if o.Check != "" && c.ID != o.Check || o.Only != "" && c.System != o.Only {
			continue
		}
		if why := c.applies(r); why != "" {
			rep.Skipped = append(rep.Skipped, c.ID+": "+why)
			continue
		}
		r.check = c
		if err := c.run(ctx, r); err != nil {
			if errors.Is(err, httpx.ErrUnauthorized) || errors.Is(err, httpx.ErrForbidden) {
				// The vendor refused the credentials: say so as a login does.
				err = fmt.Errorf("%w: %w", adapter.ErrRejected, remedy.Wrap(err, remedy.Remedy{Do: remedy.CheckCredentials, Arg: c.System}))
			}
			return rep, fmt.Errorf("check %s: %w", c.ID, err)
		}
		rep.Ran = append(rep.Ran, c.ID)
	}
	rep.Findings = append(rep.Findings, r.findings...)
	rep.Questions = append(rep.Questions, r.questions...)
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		return rep.Findings[i].Severity == Error && rep.Findings[j].Severity != Error
	})
	return rep, nil
}

func find(id string) *Check {
	for i := range all {
		if all[i].ID == id {
			return &all[i]
		}
	}
	return nil
}

// Answer stores the operator's answer to a guided question.
func Answer(ctx context.Context, env onboard.Env, question string, yes bool, actor string) error {
	if questions[question] == "" {
		var ids []string
		for id := range questions {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		return fmt.Errorf("no question %q: the questions are %s", question, strings.Join(ids, ", "))
	}
	a := store.Answer{Question: question, Answer: "no", AnsweredBy: actor}
	if yes {
		a.Answer = "yes"
	}
	return env.Store.SaveAnswer(ctx, env.Profile, a)
}

// run is one doctor run: what the profile chose, and each vendor's lists,
// read once and shared by the checks that need them.
type run struct {
	env       onboard.Env
	o         Options
	plan      onboard.Plan
	ob        store.Onboarding
	pairs     []review.Pair
	decisions map[string][]store.Decision // by pair
	done      map[change.Key]string       // done actions' keys -> the id they made
	answers   map[string]store.Answer
	check     Check
	findings  []Finding
	questions []Question
	cache     map[string]any
}

func newRun(ctx context.Context, env onboard.Env, o Options) (*run, error) {
	r := &run{env: env, o: o, decisions: map[string][]store.Decision{}, cache: map[string]any{}}
	var err error
	if r.ob, err = env.Store.Onboarding(ctx, env.Profile); err != nil {
		return nil, err
	}
	if r.ob.Path == "" {
		return nil, review.ErrNoPath
	}
	if r.plan, err = env.Plan(ctx); err != nil {
		return nil, err
	}
	r.pairs = review.PairsFor(r.plan.Systems, r.ob.Source)
	all, err := env.Store.Decisions(ctx, env.Profile, "")
	if err != nil {
		return nil, err
	}
	for _, d := range all {
		r.decisions[d.Pair] = append(r.decisions[d.Pair], d)
	}
	if r.done, err = env.Store.DoneKeys(ctx, env.Profile, change.Onboarding, 0); err != nil {
		return nil, err
	}
	if r.answers, err = env.Store.Answers(ctx, env.Profile); err != nil {
		return nil, err
	}
	return r, nil
}

// has says whether the path uses a system.
func (r *run) has(system string) bool {
	for _, s := range r.plan.Systems {
		if s == system {
			return true
		}
	}
	return false
}

func (r *run) add(severity, summary, fix string, records []Record) {
	if records == nil {
		records = []Record{}
	}
	r.findings = append(r.findings, Finding{Check: r.check.ID, Severity: severity, System: r.check.System, Summary: summary, Records: records, Fix: fix})
}

// ask adds a guided question, unless it was answered yes less than 90
// days ago; an answer of no is a finding.
func (r *run) ask(id, text, severity, fix string) {
	q := Question{ID: id, Check: r.check.ID, System: r.check.System, Text: text, Why: questions[id], Fix: fix}
	a, ok := r.answers[id]
	fresh := ok && r.o.Now.Sub(a.AnsweredAt) < AskAgainAfter
	if ok {
		at := a.AnsweredAt
		q.Answer, q.Answered = a.Answer, &at
	}
	switch {
	case fresh && a.Answer == "yes":
	case fresh:
		r.add(severity, fmt.Sprintf("You answered no on %s: %s", a.AnsweredAt.Format("2006-01-02"), q.Text), fix, nil)
	default:
		r.questions = append(r.questions, q)
	}
}

// links are a pair's reviewed links, left id -> right id: accepted and
// re-mapped rows, and rows to create once an apply made the record.
func (r *run) links(pair review.Pair) map[string]string {
	out := map[string]string{}
	for _, d := range r.decisions[pair.ID] {
		switch d.State {
		case store.StateAccepted, store.StateRemapped:
			if d.Right.ID != "" {
				out[d.Left.ID] = d.Right.ID
			}
		case store.StateCreate:
			if id := r.done[change.CreateKey(pair.Right, d.Left)]; id != "" {
				out[d.Left.ID] = id
			}
		}
	}
	return out
}

// pair is the review pair of the source and a system, if the path has it.
func (r *run) pair(right string) (review.Pair, bool) {
	for _, p := range r.pairs {
		if p.Right == right {
			return p, true
		}
	}
	return review.Pair{}, false
}

// records is a system's stored inventory by id, with the records applies
// made since it was fetched: doctor right after an apply sees them.
func (r *run) records(ctx context.Context, system string) (map[string]store.InventoryRecord, error) {
	key := "records:" + system
	if v, ok := r.cache[key]; ok {
		return v.(map[string]store.InventoryRecord), nil
	}
	recs, err := r.env.Store.Records(ctx, r.env.Profile, system)
	if err != nil {
		return nil, err
	}
	out := make(map[string]store.InventoryRecord, len(recs))
	for _, rec := range recs {
		out[rec.ExternalID] = rec
	}
	made, err := r.env.Store.MadeSinceFetch(ctx, r.env.Profile, system, change.Create)
	if err != nil {
		return nil, err
	}
	for _, a := range made {
		p, err := change.Decode[change.CreatePayload](a)
		if _, known := out[a.ExternalID]; err != nil || known {
			continue
		}
		out[a.ExternalID] = store.InventoryRecord{ExternalID: a.ExternalID, Name: p.Record.Name, Domain: p.Record.Website,
			Extra: map[string]any{"made_by_plan": a.PlanID}}
	}
	r.cache[key] = out
	return out, nil
}

// cached runs load once per run.
func cached[T any](r *run, key string, load func() (T, error)) (T, error) {
	if v, ok := r.cache[key]; ok {
		return v.(T), nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	r.cache[key] = v
	return v, nil
}

// needs is an applies func: the path must use the system.
func needs(system string) func(*run) string {
	return func(r *run) string {
		if !r.has(system) {
			return fmt.Sprintf("path %s does not use %s", r.plan.Path, system)
		}
		return ""
	}
}

func onPath(ids ...path.ID) func(*run) string {
	return func(r *run) string {
		for _, id := range ids {
			if r.plan.Path == id {
				return ""
			}
		}
		return fmt.Sprintf("not a pitfall of path %s", r.plan.Path)
	}
}

func always(*run) string { return "" }
