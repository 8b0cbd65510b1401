package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Answer is the operator's answer to one of doctor's guided questions.
type Answer struct {
	Question   string    `json:"question"`
	Answer     string    `json:"answer"` // yes or no
	AnsweredBy string    `json:"answered_by"`
	AnsweredAt time.Time `json:"answered_at"`
}

// Answers are a profile's answers, by question.
func (s *Store) Answers(ctx context.Context, profile string) (map[string]Answer, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT question, answer, answered_by, answered_at FROM doctor_answers WHERE profile = ?", profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	out := map[string]Answer{}
	for rows.Next() {
		var a Answer
		var at string
		if err := rows.Scan(&a.Question, &a.Answer, &a.AnsweredBy, &at); err != nil {
			return nil, s.describe(err)
		}
		a.AnsweredAt = parseTime(at)
		out[a.Question] = a
	}
	if err := rows.Err(); err != nil {
		return nil, s.describe(err)
	}
	return out, nil
}

// SaveAnswer records an answer, replacing an older one, with its audit
// line in the same transaction.
func (s *Store) SaveAnswer(ctx context.Context, profile string, a Answer) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	if a.AnsweredAt.IsZero() {
		a.AnsweredAt = time.Now()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO doctor_answers(profile, question, answer, answered_by, answered_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(profile, question) DO UPDATE SET answer = excluded.answer, answered_by = excluded.answered_by, answered_at = excluded.answered_at`,
		profile, a.Question, a.Answer, a.AnsweredBy, formatTime(a.AnsweredAt)); err != nil {
		return s.describe(err)
	}
	if err := s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: a.AnsweredBy, Event: "doctor.answered",
		Detail: map[string]any{"question": a.Question, "answer": a.Answer}}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.describe(err)
	}
	return nil
}

// SavePreflight keeps a profile's last preflight: when, and the routes
// that failed (JSON, the preflight package's findings).
func (s *Store) SavePreflight(ctx context.Context, profile string, at time.Time, failed string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO preflight(profile, at, failed) VALUES (?, ?, ?)
		ON CONFLICT(profile) DO UPDATE SET at = excluded.at, failed = excluded.failed`, profile, formatTime(at), failed)
	return s.describe(err)
}

// Preflight is a profile's last preflight; ok is false when none ran.
func (s *Store) Preflight(ctx context.Context, profile string) (at time.Time, failed string, ok bool, err error) {
	var when string
	err = s.db.QueryRowContext(ctx, "SELECT at, failed FROM preflight WHERE profile = ?", profile).Scan(&when, &failed)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, "", false, nil
	}
	if err != nil {
		return time.Time{}, "", false, s.describe(err)
	}
	return parseTime(when), failed, true, nil
}
