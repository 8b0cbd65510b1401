package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Run is one kept run of a recurring review: its rows as JSON (the
// history package's snapshot).
type Run struct {
	ID   int64     `json:"id"`
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
	Rows string    `json:"-"`
}

// SaveRun keeps a run and gives its id.
func (s *Store) SaveRun(ctx context.Context, profile, kind string, at time.Time, rows string) (int64, error) {
	res, err := s.db.ExecContext(ctx, "INSERT INTO workflow_runs(profile, kind, at, rows) VALUES (?, ?, ?, ?)", profile, kind, formatTime(at), rows)
	if err != nil {
		return 0, s.describe(err)
	}
	return res.LastInsertId()
}

// LastRun is the latest run of a kind before the run before (0: the
// latest of all); ok is false when there is none.
func (s *Store) LastRun(ctx context.Context, profile, kind string, before int64) (Run, bool, error) {
	q := "SELECT id, kind, at, rows FROM workflow_runs WHERE profile = ? AND kind = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT 1"
	var r Run
	var at string
	err := s.db.QueryRowContext(ctx, q, profile, kind, before, before).Scan(&r.ID, &r.Kind, &at, &r.Rows)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, s.describe(err)
	}
	r.At = parseTime(at)
	return r, true, nil
}

// Runs lists a kind's runs, newest first, with their rows.
func (s *Store) Runs(ctx context.Context, profile, kind string) ([]Run, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, kind, at, rows FROM workflow_runs WHERE profile = ? AND kind = ? ORDER BY id DESC", profile, kind)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var at string
		if err := rows.Scan(&r.ID, &r.Kind, &at, &r.Rows); err != nil {
			return nil, s.describe(err)
		}
		r.At = parseTime(at)
		out = append(out, r)
	}
	return out, s.describe(rows.Err())
}

// PruneRuns removes the profile's runs older than a time, keeping the
// latest of each kind (the next run compares with it); it says how many
// went.
func (s *Store) PruneRuns(ctx context.Context, profile string, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM workflow_runs WHERE profile = ? AND at < ?
		AND id NOT IN (SELECT MAX(id) FROM workflow_runs WHERE profile = ? GROUP BY kind)`, profile, formatTime(before), profile)
	if err != nil {
		return 0, s.describe(err)
	}
	return res.RowsAffected()
}
