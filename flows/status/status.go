// Package status answers "what does mspwire know about this profile?":
// its data file and, per system, where the connection points, where the
// secret lives (never what it is) and when it last worked.
package status

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// SecretUnknown is reported when the keyring could not be asked.
const SecretUnknown store.Source = "unknown"

// Report is the state of one profile.
type Report struct {
	Profile  string   `json:"profile"`
	DataFile string   `json:"data_file"`
	Systems  []System `json:"systems"`
	Plan     *Plan    `json:"plan"` // the latest plan; nil before the first
	// SavesTo is where a secret saved now goes: keyring, or memory (the
	// demo without an OS keyring: this run only).
	SavesTo store.Source `json:"secrets_saved_to"`
}

// Plan is the latest plan and how far its apply got.
type Plan struct {
	ID          int64          `json:"plan_id"`
	Kind        string         `json:"kind"`
	Path        string         `json:"path"`
	CreatedAt   time.Time      `json:"created_at"`
	ConfirmedBy string         `json:"confirmed_by,omitempty"`
	ConfirmedAt *time.Time     `json:"confirmed_at,omitempty"`
	FinishedAt  *time.Time     `json:"finished_at,omitempty"`
	Total       int            `json:"total"`
	States      map[string]int `json:"states"` // pending, in_flight, done, failed, skipped
	// Running is the process applying it now; nil when none is.
	Running *apply.Holder `json:"running,omitempty"`
	// Stale says what changed since it was made, for an unfinished plan
	// (workflow.Status fills it: only a plan's producer knows).
	Stale []string `json:"stale,omitempty"`
}

// System is one system's state in the profile.
type System struct {
	ID         string       `json:"system"`
	Name       string       `json:"name"`
	Configured bool         `json:"configured"`
	BaseURL    string       `json:"base_url,omitempty"`
	Secret     store.Source `json:"secret"` // keyring, env, missing or unknown
	SecretEnv  string       `json:"secret_env"`
	VerifiedAt *time.Time   `json:"verified_at"`
	ActsAs     string       `json:"acts_as,omitempty"`
	Problem    string       `json:"problem,omitempty"` // e.g. the keyring could not be read
}

// Connected counts configured systems whose secret is available.
func (r Report) Connected() int {
	n := 0
	for _, s := range r.Systems {
		if s.Configured && s.Secret != store.SourceMissing && s.Problem == "" {
			n++
		}
	}
	return n
}

// Build gathers the report: Credentials, reduced to what status shows.
func Build(ctx context.Context, st *store.Store, kr *store.Keyring, profile string) (Report, error) {
	creds, err := Credentials(ctx, st, kr, profile, time.Now(), 0)
	if err != nil {
		return Report{}, err
	}
	r := Report{Profile: profile, DataFile: st.Path(), SavesTo: kr.Stores()}
	for _, c := range creds {
		r.Systems = append(r.Systems, System{ID: c.System, Name: c.Name, Configured: c.Configured, BaseURL: c.BaseURL,
			Secret: c.Secret, SecretEnv: c.SecretEnv, VerifiedAt: c.VerifiedAt, ActsAs: c.ActsAs, Problem: c.Problem})
	}
	p, err := st.LatestPlan(ctx, profile)
	if errors.Is(err, store.ErrNoPlan) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	actions, err := st.Actions(ctx, p.ID)
	if err != nil {
		return r, err
	}
	r.Plan = &Plan{ID: p.ID, Kind: string(p.Kind), Path: p.Path, CreatedAt: p.CreatedAt, ConfirmedBy: p.ConfirmedBy, ConfirmedAt: p.ConfirmedAt,
		FinishedAt: p.FinishedAt, Total: len(actions), States: map[string]int{}}
	for _, a := range actions {
		r.Plan.States[string(a.State)]++
	}
	if p.FinishedAt == nil {
		h, running, err := apply.Running(ctx, apply.EnvOf(st, profile, nil))
		if err != nil {
			return r, err
		}
		if running && h.Plan == p.ID {
			r.Plan.Running = &h
		}
	}
	return r, nil
}

// Progress says where the plan's apply stands, and what to run next.
func (p Plan) Progress() string {
	st := p.States
	switch {
	case p.Total == 0:
		return "nothing to do"
	case p.ConfirmedAt == nil && len(p.Stale) > 0:
		return fmt.Sprintf("%s, not applied, and stale: %s (mspwire plan makes a fresh one)", plural.N(p.Total, "action", "actions"), strings.Join(p.Stale, "; "))
	case p.ConfirmedAt == nil:
		return fmt.Sprintf("%s, not applied yet (mspwire apply)", plural.N(p.Total, "action", "actions"))
	case p.FinishedAt != nil && st["failed"]+st["skipped"] == 0:
		return fmt.Sprintf("applied, all %s done", plural.N(p.Total, "action", "actions"))
	case p.FinishedAt != nil:
		return fmt.Sprintf("%d of %d done, %d failed, %d not sent (mspwire apply retries them)", st["done"], p.Total, st["failed"], st["skipped"])
	}
	if p.Running != nil {
		return fmt.Sprintf("running: %s, %d of %d done", p.Running, st["done"], p.Total)
	}
	if len(p.Stale) > 0 {
		return fmt.Sprintf("stale: %s; make a fresh plan (mspwire plan): what is done stays done", strings.Join(p.Stale, "; "))
	}
	return fmt.Sprintf("interrupted: %d of %d done, %d left (mspwire apply finishes it)", st["done"], p.Total, st["pending"]+st["in_flight"])
}
