package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Decision states.
const (
	StateSuggested = "suggested" // mspwire's suggestion, not yet looked at
	StateAccepted  = "accepted"  // the suggested record is the one
	StateRejected  = "rejected"  // the suggested record is not; still to decide
	StateRemapped  = "remapped"  // another record is the one
	StateCreate    = "create"    // no record yet: create one in the other system
	StateIgnore    = "ignore"    // leave this record out of the other system
)

// RecordRef names a record of a system.
type RecordRef struct {
	System string `json:"system"`
	ID     string `json:"id"`
	Name   string `json:"name"`
}

// CandidateRef is a record the reviewer may re-map to, with its score.
type CandidateRef struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	Score float64 `json:"score"`
	Band  string  `json:"band"`
}

// Decision is the review's row for one record of the source of truth in
// one system pair.
type Decision struct {
	ID         int64          `json:"id"`
	Pair       string         `json:"pair"`
	Left       RecordRef      `json:"left"`
	Right      RecordRef      `json:"right"` // ID "" when there is none
	State      string         `json:"state"`
	Score      float64        `json:"score"`
	Band       string         `json:"band"`
	Reason     string         `json:"reason"`
	Candidates []CandidateRef `json:"candidates"`
	Duplicate  string         `json:"duplicate,omitempty"` // why this record looks like another of its list
	Stale      string         `json:"stale,omitempty"`     // why the decision may no longer hold
	DecidedBy  string         `json:"decided_by,omitempty"`
	DecidedAt  *time.Time     `json:"decided_at,omitempty"`
}

// Decided says whether a person has decided the row.
func (d Decision) Decided() bool { return d.State != StateSuggested && d.State != StateRejected }

// Label is the row's state as a person reads it: a row with nothing
// suggested is "undecided", not "suggested".
func (d Decision) Label() string {
	if d.State == StateSuggested && d.Right.ID == "" {
		return "undecided"
	}
	return d.State
}

// Suggestion is a fresh suggestion for one record of the source of truth.
type Suggestion struct {
	Left       RecordRef
	Right      RecordRef // ID "" when nothing is suggested
	Score      float64
	Band       string
	Reason     string
	Candidates []CandidateRef
	Duplicate  string
}

// MergeCounts says what a merge of suggestions did.
type MergeCounts struct {
	Added, Updated, Kept, Stale, Removed int
}

const decisionColumns = `id, pair, left_system, left_id, left_name, right_system, right_id, right_name, state, score, band, reason,
	candidates, duplicate, stale, decided_by, decided_at`

// Decisions reads a profile's rows, of one pair or ("") all, ordered by
// pair and left name.
func (s *Store) Decisions(ctx context.Context, profile, pair string) ([]Decision, error) {
	q := "SELECT " + decisionColumns + " FROM match_decisions WHERE profile = ?"
	args := []any{profile}
	if pair != "" {
		q += " AND pair = ?"
		args = append(args, pair)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY pair, left_name COLLATE NOCASE, left_id", args...)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		d, err := s.scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func (s *Store) scanDecision(r scanner) (Decision, error) {
	var d Decision
	var candidates string
	var decided sql.NullString
	err := r.Scan(&d.ID, &d.Pair, &d.Left.System, &d.Left.ID, &d.Left.Name, &d.Right.System, &d.Right.ID, &d.Right.Name, &d.State,
		&d.Score, &d.Band, &d.Reason, &candidates, &d.Duplicate, &d.Stale, &d.DecidedBy, &decided)
	if err != nil {
		return d, s.describe(err)
	}
	_ = json.Unmarshal([]byte(candidates), &d.Candidates)
	if t := parseTime(decided.String); !t.IsZero() {
		d.DecidedAt = &t
	}
	return d, nil
}

// MergeSuggestions brings one pair's rows up to date with fresh suggestions
// for every record of the source of truth, in one transaction. A row no
// person has decided takes the new suggestion; a decided row is kept, and
// marked stale if a record it names vanished or was renamed (rightNames
// maps the other system's current ids to names). Undecided rows of
// records that left the source are removed; decided ones stay, stale.
func (s *Store) MergeSuggestions(ctx context.Context, profile, pair string, fresh []Suggestion, rightNames map[string]string) (MergeCounts, error) {
	var c MergeCounts
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return c, s.describe(err)
	}
	defer tx.Rollback()
	existing := map[string]Decision{}
	rows, err := tx.QueryContext(ctx, "SELECT "+decisionColumns+" FROM match_decisions WHERE profile = ? AND pair = ?", profile, pair)
	if err != nil {
		return c, s.describe(err)
	}
	for rows.Next() {
		d, err := s.scanDecision(rows)
		if err != nil {
			rows.Close()
			return c, err
		}
		existing[d.Left.ID] = d
	}
	rows.Close()
	now := formatTime(time.Now())
	seen := map[string]bool{}
	for _, f := range fresh {
		seen[f.Left.ID] = true
		cands, _ := json.Marshal(nonNilCandidates(f.Candidates))
		old, ok := existing[f.Left.ID]
		switch {
		case !ok:
			_, err = tx.ExecContext(ctx, `INSERT INTO match_decisions(profile, pair, left_system, left_id, left_name, right_system, right_id, right_name,
				state, score, band, reason, candidates, duplicate, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'suggested', ?, ?, ?, ?, ?, ?)`,
				profile, pair, f.Left.System, f.Left.ID, f.Left.Name, f.Right.System, f.Right.ID, f.Right.Name, f.Score, f.Band, f.Reason,
				string(cands), f.Duplicate, now)
			c.Added++
		case old.State == StateSuggested:
			_, err = tx.ExecContext(ctx, `UPDATE match_decisions SET left_name = ?, right_id = ?, right_name = ?, score = ?, band = ?, reason = ?,
				candidates = ?, duplicate = ?, stale = '', updated_at = ? WHERE id = ?`,
				f.Left.Name, f.Right.ID, f.Right.Name, f.Score, f.Band, f.Reason, string(cands), f.Duplicate, now, old.ID)
			c.Updated++
		default:
			stale := staleness(old, f.Left.Name, rightNames)
			if stale != "" {
				c.Stale++
			} else {
				c.Kept++
			}
			// A rejected row keeps its rejected record, and gets new candidates.
			_, err = tx.ExecContext(ctx, `UPDATE match_decisions SET candidates = ?, duplicate = ?, stale = ?, updated_at = ? WHERE id = ?`,
				string(cands), f.Duplicate, stale, now, old.ID)
		}
		if err != nil {
			return c, s.describe(err)
		}
	}
	for id, old := range existing {
		if seen[id] {
			continue
		}
		if old.State == StateSuggested {
			_, err = tx.ExecContext(ctx, "DELETE FROM match_decisions WHERE id = ?", old.ID)
			c.Removed++
		} else {
			_, err = tx.ExecContext(ctx, "UPDATE match_decisions SET stale = ?, updated_at = ? WHERE id = ?",
				fmt.Sprintf("%s %s '%s' is no longer in the list", old.Left.System, old.Left.ID, old.Left.Name), now, old.ID)
			c.Stale++
		}
		if err != nil {
			return c, s.describe(err)
		}
	}
	if err := s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: "mspwire", Event: "match.suggested",
		Detail: map[string]any{"pair": pair, "added": c.Added, "updated": c.Updated, "kept": c.Kept, "stale": c.Stale, "removed": c.Removed}}); err != nil {
		return c, err
	}
	if err := tx.Commit(); err != nil {
		return c, s.describe(err)
	}
	return c, nil
}

// staleness says why a decided row may no longer hold, or "".
func staleness(d Decision, leftName string, rightNames map[string]string) string {
	var why []string
	if leftName != d.Left.Name {
		why = append(why, fmt.Sprintf("%s %s was renamed from '%s' to '%s'", d.Left.System, d.Left.ID, d.Left.Name, leftName))
	}
	if d.Right.ID != "" && (d.State == StateAccepted || d.State == StateRemapped) {
		name, ok := rightNames[d.Right.ID]
		switch {
		case !ok:
			why = append(why, fmt.Sprintf("%s %s '%s' is no longer in the list", d.Right.System, d.Right.ID, d.Right.Name))
		case name != d.Right.Name:
			why = append(why, fmt.Sprintf("%s %s was renamed from '%s' to '%s'", d.Right.System, d.Right.ID, d.Right.Name, name))
		}
	}
	return strings.Join(why, "; ")
}

func nullTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

func nonNilCandidates(c []CandidateRef) []CandidateRef {
	if c == nil {
		return []CandidateRef{}
	}
	return c
}

// Change is one decision an operator makes on a row.
type Change struct {
	ID    int64
	State string    // accepted, rejected, remapped, create, ignore
	Right RecordRef // for remapped: the record chosen instead
}

// ErrNoDecision means a decision id that the profile does not have.
var ErrNoDecision = errors.New("no such match row")

// Decide applies one operator action — one change or many (a bulk
// accept) — in one transaction, with what it replaced kept for Undo and an
// audit line per row. It returns the rows as they now are.
func (s *Store) Decide(ctx context.Context, profile, actor string, changes []Change) ([]Decision, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.describe(err)
	}
	defer tx.Rollback()
	q := prepare(tx)
	defer q.close()
	var action int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(action), 0) + 1 FROM match_undo WHERE profile = ?", profile).Scan(&action); err != nil {
		return nil, s.describe(err)
	}
	now := time.Now()
	out := make([]Decision, 0, len(changes))
	for _, ch := range changes {
		before, err := s.scanDecision(q.QueryRowContext(ctx, "SELECT "+decisionColumns+" FROM match_decisions WHERE profile = ? AND id = ?", profile, ch.ID))
		if errors.Is(err, sql.ErrNoRows) || err != nil && strings.Contains(err.Error(), "no rows") {
			return nil, fmt.Errorf("%w %d in profile %q", ErrNoDecision, ch.ID, profile)
		}
		if err != nil {
			return nil, err
		}
		after := before
		after.State, after.DecidedBy, after.DecidedAt, after.Stale = ch.State, actor, &now, ""
		switch ch.State {
		case StateRemapped:
			after.Right = ch.Right
		case StateCreate, StateIgnore:
			after.Right.ID, after.Right.Name = "", ""
		case StateAccepted, StateRejected:
			if before.Right.ID == "" {
				return nil, fmt.Errorf("row %d (%s) has no suggested record to %s; re-map it, create it or ignore it", ch.ID, before.Left.Name, strings.TrimSuffix(ch.State, "ed"))
			}
		default:
			return nil, fmt.Errorf("row %d: unknown decision %q", ch.ID, ch.State)
		}
		snapshot, _ := json.Marshal(before)
		if _, err := q.ExecContext(ctx, "INSERT INTO match_undo(profile, action, decision_id, before) VALUES (?, ?, ?, ?)",
			profile, action, before.ID, string(snapshot)); err != nil {
			return nil, s.describe(err)
		}
		if err := s.writeDecision(ctx, q, after); err != nil {
			return nil, err
		}
		if err := s.audit(ctx, q, AuditEntry{Profile: profile, Actor: actor, Event: "match." + ch.State, At: now,
			Detail: map[string]any{"row": after.ID, "pair": after.Pair, "left": after.Left.ID, "left_name": after.Left.Name,
				"right": after.Right.ID, "right_name": after.Right.Name, "was": before.State}}); err != nil {
			return nil, err
		}
		out = append(out, after)
	}
	if err := tx.Commit(); err != nil {
		return nil, s.describe(err)
	}
	return out, nil
}

func (s *Store) writeDecision(ctx context.Context, q querier, d Decision) error {
	_, err := q.ExecContext(ctx, `UPDATE match_decisions SET right_system = ?, right_id = ?, right_name = ?, state = ?, stale = ?,
		decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ?`,
		d.Right.System, d.Right.ID, d.Right.Name, d.State, d.Stale, d.DecidedBy, nullTimePtr(d.DecidedAt), formatTime(time.Now()), d.ID)
	if err != nil {
		return s.describe(err)
	}
	return nil
}

// Undo takes back the profile's last review action, whichever run made it,
// and returns the rows as they are again. Nothing to undo is no error: the
// result is empty.
func (s *Store) Undo(ctx context.Context, profile, actor string) ([]Decision, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.describe(err)
	}
	defer tx.Rollback()
	var action sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT max(action) FROM match_undo WHERE profile = ?", profile).Scan(&action); err != nil {
		return nil, s.describe(err)
	}
	if !action.Valid {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT before FROM match_undo WHERE profile = ? AND action = ? ORDER BY id DESC", profile, action.Int64)
	if err != nil {
		return nil, s.describe(err)
	}
	var restored []Decision
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return nil, s.describe(err)
		}
		var d Decision
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			rows.Close()
			return nil, fmt.Errorf("undo record in %s: %w", s.path, err)
		}
		restored = append(restored, d)
	}
	rows.Close()
	for _, d := range restored {
		if err := s.writeDecision(ctx, tx, d); err != nil {
			return nil, err
		}
		if err := s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: actor, Event: "match.undone",
			Detail: map[string]any{"row": d.ID, "pair": d.Pair, "left": d.Left.ID, "back_to": d.State}}); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM match_undo WHERE profile = ? AND action = ?", profile, action.Int64); err != nil {
		return nil, s.describe(err)
	}
	if err := tx.Commit(); err != nil {
		return nil, s.describe(err)
	}
	return restored, nil
}

// MarkRenamed marks the decided rows that name a record by an older name
// for a look, as a fresh suggestion run would: a workflow that read the
// record's name now says so without waiting for the inventories.
func (s *Store) MarkRenamed(ctx context.Context, profile, system, id, name string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, left_system, left_id, left_name, right_name FROM match_decisions
			WHERE profile = ? AND stale = '' AND state IN ('accepted', 'remapped', 'create', 'ignore')
			AND ((left_system = ? AND left_id = ? AND left_name <> ?) OR (right_system = ? AND right_id = ? AND right_name <> ?))`,
			profile, system, id, name, system, id, name)
		if err != nil {
			return s.describe(err)
		}
		why := map[int64]string{}
		for rows.Next() {
			var row int64
			var ls, lid, lname, rname string
			if err := rows.Scan(&row, &ls, &lid, &lname, &rname); err != nil {
				rows.Close()
				return s.describe(err)
			}
			old := rname
			if ls == system && lid == id {
				old = lname
			}
			why[row] = fmt.Sprintf("%s %s was renamed from '%s' to '%s' since you decided", system, id, old, name)
		}
		rows.Close()
		for row, w := range why {
			if _, err := tx.ExecContext(ctx, "UPDATE match_decisions SET stale = ?, updated_at = ? WHERE id = ?", w, formatTime(time.Now()), row); err != nil {
				return s.describe(err)
			}
		}
		return nil
	})
}
