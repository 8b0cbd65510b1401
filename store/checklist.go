package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ChecklistItem is one manual step, open until ticked.
type ChecklistItem struct {
	ID        int64     `json:"id"`
	Profile   string    `json:"profile"`
	System    string    `json:"system"`
	Reason    string    `json:"reason"`
	Item      string    `json:"item"`
	CreatedAt time.Time `json:"created_at"`
	DoneAt    time.Time `json:"done_at"` // zero: still to do
}

// AddChecklist records steps the operator must do elsewhere. key names
// the occasion (a rotation): adding the same occasion's steps again, as a
// recovery after a crash does, adds nothing.
func (s *Store) AddChecklist(ctx context.Context, profile, system, reason, key string, items []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	now := formatTime(time.Now())
	for i, item := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO checklist(profile, system, reason, item, created_at, item_key) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(profile, item_key) WHERE item_key IS NOT NULL DO NOTHING`,
			profile, system, reason, item, now, fmt.Sprintf("%s:%d", key, i)); err != nil {
			return s.describe(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.describe(err)
	}
	return nil
}

// Checklist lists a profile's steps, open ones first, oldest first.
func (s *Store) Checklist(ctx context.Context, profile string) ([]ChecklistItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, profile, system, reason, item, created_at, done_at FROM checklist
		WHERE profile = ? ORDER BY done_at IS NOT NULL, id`, profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []ChecklistItem
	for rows.Next() {
		var c ChecklistItem
		var created string
		var done sql.NullString
		if err := rows.Scan(&c.ID, &c.Profile, &c.System, &c.Reason, &c.Item, &created, &done); err != nil {
			return nil, s.describe(err)
		}
		c.CreatedAt, c.DoneAt = parseTime(created), parseTime(done.String)
		out = append(out, c)
	}
	return out, rows.Err()
}

// TickChecklist marks a step done.
func (s *Store) TickChecklist(ctx context.Context, profile string, id int64) error {
	res, err := s.db.ExecContext(ctx, "UPDATE checklist SET done_at = ? WHERE id = ? AND profile = ? AND done_at IS NULL",
		formatTime(time.Now()), id, profile)
	if err != nil {
		return s.describe(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("no open checklist item %d in profile %q", id, profile)
	}
	return nil
}
