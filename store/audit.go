package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID      int64
	At      time.Time
	Profile string
	Actor   string // who acted: "operator", "mspwire", a script's name
	Event   string // e.g. "connection.verified", "secret.rotated"
	Detail  map[string]any
}

// Audit appends an entry. Detail must not carry a secret: it is stored as
// JSON in plain SQLite.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	return s.audit(ctx, s.db, e)
}

// audit appends an entry through q: the database, or a transaction that
// makes the change the entry records.
func (s *Store) audit(ctx context.Context, q querier, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return err
	}
	if e.Detail == nil {
		detail = []byte("{}")
	}
	_, err = q.ExecContext(ctx,
		"INSERT INTO audit(at, profile, actor, event, detail) VALUES (?, ?, ?, ?, ?)",
		formatTime(e.At), e.Profile, e.Actor, e.Event, string(detail))
	if err != nil {
		return s.describe(err)
	}
	return nil
}

// AuditLog returns a profile's entries, oldest first.
func (s *Store) AuditLog(ctx context.Context, profile string) ([]AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT id, at, profile, actor, event, detail FROM audit WHERE profile = ? ORDER BY id", profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at, detail string
		if err := rows.Scan(&e.ID, &at, &e.Profile, &e.Actor, &e.Event, &detail); err != nil {
			return nil, s.describe(err)
		}
		e.At = parseTime(at)
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastEvent is the newest event of a profile whose name starts with prefix
// and whose detail names the system, with its id; "" and 0 if there is
// none. One indexed lookup, however long the log.
func (s *Store) LastEvent(ctx context.Context, profile, prefix, system string) (string, int64, error) {
	var event string
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT event, id FROM audit
		WHERE profile = ? AND event LIKE ? ESCAPE '\' AND json_extract(detail, '$.system') = ?
		ORDER BY id DESC LIMIT 1`, profile, likePrefix(prefix), system).Scan(&event, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, s.describe(err)
	}
	return event, id, nil
}

func likePrefix(p string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(p) + "%"
}
