package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// Onboarding is a profile's choices so far.
type Onboarding struct {
	Profile        string
	Answers        json.RawMessage
	Recommended    string
	Reason         string
	Path           string
	Source         string
	ITGlueStatuses []string
	ITGlueTypes    []string
	Settings       PlanSettings
	UpdatedAt      time.Time
}

// PlanSettings are what the plan needs beyond the questionnaire.
type PlanSettings struct {
	LiongardTier  string `json:"liongard_tier,omitempty"`  // Core or Essentials, for environments mspwire creates
	LiongardGroup string `json:"liongard_group,omitempty"` // an Environment Group to put them in, or none
	// The ids of Hudu's integrations, the numbers in their pages' URLs.
	HuduHaloPSAIntegration  int `json:"hudu_halopsa_integration,omitempty"`
	HuduLiongardIntegration int `json:"hudu_liongard_integration,omitempty"`
	// HuduLayouts names the Hudu asset layouts that play each role for
	// HaloPSA's integration (contacts, sites, devices), when not the
	// usual People, Locations and Computer Assets.
	HuduLayouts map[string]string `json:"hudu_layouts,omitempty"`
	// HuduFeeds is path C's choice of what feeds Hudu: HuduFeedLiongard
	// (its Liongard integration alone; the default) or HuduFeedBoth (its
	// HaloPSA integration too, for companies, contacts and tickets, with
	// assets kept apart by hand).
	HuduFeeds string `json:"hudu_feeds,omitempty"`
}

// What feeds Hudu on path C.
const (
	HuduFeedLiongard = "liongard"
	HuduFeedBoth     = "both"
)

// Onboarding reads a profile's choices; a zero value if none yet.
func (s *Store) Onboarding(ctx context.Context, profile string) (Onboarding, error) {
	return s.readOnboarding(ctx, s.db, profile)
}

// querier is what a read needs: the database, or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *Store) readOnboarding(ctx context.Context, q querier, profile string) (Onboarding, error) {
	o := Onboarding{Profile: profile, Answers: json.RawMessage("{}")}
	var answers, statuses, types, settings, updated string
	err := q.QueryRowContext(ctx, `SELECT answers, recommended, reason, path, source, itglue_statuses, itglue_types, settings, updated_at
		FROM onboarding WHERE profile = ?`, profile).Scan(&answers, &o.Recommended, &o.Reason, &o.Path, &o.Source, &statuses, &types, &settings, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return o, nil
	}
	if err != nil {
		return o, s.describe(err)
	}
	o.Answers, o.UpdatedAt = json.RawMessage(answers), parseTime(updated)
	_ = json.Unmarshal([]byte(statuses), &o.ITGlueStatuses)
	_ = json.Unmarshal([]byte(types), &o.ITGlueTypes)
	_ = json.Unmarshal([]byte(settings), &o.Settings)
	return o, nil
}

// SaveOnboarding writes a profile's choices, before the screen moves on.
func (s *Store) SaveOnboarding(ctx context.Context, o Onboarding) error {
	return s.UpdateOnboarding(ctx, o.Profile, func(old *Onboarding) error {
		*old = o
		return nil
	})
}

// UpdateOnboarding reads a profile's choices, lets change change them and
// writes them back, all in one write transaction: two mspwire runs changing
// different choices at once both keep their change. audit, if not nil, is
// written in the same transaction.
func (s *Store) UpdateOnboarding(ctx context.Context, profile string, change func(*Onboarding) error, audit ...AuditEntry) error {
	if err := s.EnsureProfile(ctx, profile); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock is taken before the read
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	o, err := s.readOnboarding(ctx, tx, profile)
	if err != nil {
		return err
	}
	if err := change(&o); err != nil {
		return err
	}
	o.Profile = profile
	if len(o.Answers) == 0 {
		o.Answers = json.RawMessage("{}")
	}
	statuses, _ := json.Marshal(nonNilStrings(o.ITGlueStatuses))
	types, _ := json.Marshal(nonNilStrings(o.ITGlueTypes))
	settings, _ := json.Marshal(o.Settings)
	_, err = tx.ExecContext(ctx, `INSERT INTO onboarding(profile, answers, recommended, reason, path, source, itglue_statuses, itglue_types, settings, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(profile) DO UPDATE SET answers = excluded.answers, recommended = excluded.recommended, reason = excluded.reason,
			path = excluded.path, source = excluded.source, itglue_statuses = excluded.itglue_statuses,
			itglue_types = excluded.itglue_types, settings = excluded.settings, updated_at = excluded.updated_at`,
		o.Profile, string(o.Answers), o.Recommended, o.Reason, o.Path, o.Source, string(statuses), string(types), string(settings), formatTime(time.Now()))
	if err != nil {
		return s.describe(err)
	}
	for _, e := range audit {
		if err := s.audit(ctx, tx, e); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return s.describe(err)
	}
	return nil
}

func nonNilStrings(xs []string) []string { return nonNilSlice(xs) }

// nonNilSlice makes a nil slice an empty one, so it is stored as [] not null.
func nonNilSlice[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// InventoryRecord is one company as a system holds it.
type InventoryRecord struct {
	ExternalID string
	Name       string
	Domain     string
	Inactive   bool
	Extra      map[string]any
}

// ReplaceRecords swaps a system's whole inventory for a fresh one, in one
// transaction: a failed fetch leaves the previous inventory whole.
func (s *Store) ReplaceRecords(ctx context.Context, profile, system string, recs []InventoryRecord) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM records WHERE profile = ? AND system = ?", profile, system); err != nil {
		return s.describe(err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO records(profile, system, external_id, name, domain, inactive, extra, fetched_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return s.describe(err)
	}
	defer stmt.Close()
	now := formatTime(time.Now())
	for _, r := range recs {
		extra, _ := json.Marshal(r.Extra)
		if r.Extra == nil {
			extra = []byte("{}")
		}
		if _, err := stmt.ExecContext(ctx, profile, system, r.ExternalID, r.Name, r.Domain, r.Inactive, string(extra), now); err != nil {
			return s.describe(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.describe(err)
	}
	return nil
}

// Records reads a system's inventory, ordered by name.
func (s *Store) Records(ctx context.Context, profile, system string) ([]InventoryRecord, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT external_id, name, domain, inactive, extra FROM records WHERE profile = ? AND system = ? ORDER BY name, external_id", profile, system)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []InventoryRecord
	for rows.Next() {
		var r InventoryRecord
		var extra string
		if err := rows.Scan(&r.ExternalID, &r.Name, &r.Domain, &r.Inactive, &extra); err != nil {
			return nil, s.describe(err)
		}
		_ = json.Unmarshal([]byte(extra), &r.Extra)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordCounts says how many records each system's inventory holds.
func (s *Store) RecordCounts(ctx context.Context, profile string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT system, count(*) FROM records WHERE profile = ? GROUP BY system", profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var sys string
		var n int
		if err := rows.Scan(&sys, &n); err != nil {
			return nil, s.describe(err)
		}
		out[sys] = n
	}
	return out, rows.Err()
}

// MarkStep records a path step as done ("ticked" by the operator, or
// "verified" by mspwire through an API).
func (s *Store) MarkStep(ctx context.Context, profile, step, how string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO steps(profile, step, done_at, how) VALUES (?, ?, ?, ?)
		ON CONFLICT(profile, step) DO UPDATE SET done_at = excluded.done_at, how = excluded.how`, profile, step, formatTime(time.Now()), how)
	if err != nil {
		return s.describe(err)
	}
	return nil
}

// UnmarkStep takes a tick back.
func (s *Store) UnmarkStep(ctx context.Context, profile, step string) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM steps WHERE profile = ? AND step = ?", profile, step); err != nil {
		return s.describe(err)
	}
	return nil
}

// DoneSteps maps done step ids to how they were done.
func (s *Store) DoneSteps(ctx context.Context, profile string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT step, how FROM steps WHERE profile = ?", profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var step, how string
		if err := rows.Scan(&step, &how); err != nil {
			return nil, s.describe(err)
		}
		out[step] = how
	}
	return out, rows.Err()
}
