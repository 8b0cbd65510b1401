package store

import (
	"context"
	"database/sql"
	"time"
)

// LinkConfirmation is the operator's word that a HaloPSA client and a
// Liongard environment are one customer, whatever the evidence said.
type LinkConfirmation struct {
	ClientID      string    `json:"client_id"`
	EnvironmentID string    `json:"environment_id"`
	Evidence      string    `json:"evidence"` // what was doubted when it was confirmed
	ConfirmedBy   string    `json:"confirmed_by"`
	ConfirmedAt   time.Time `json:"confirmed_at"`
}

// LinkKey names a client–environment pair in LinkConfirmations' map.
func LinkKey(clientID, environmentID string) string { return clientID + "=" + environmentID }

// LinkConfirmations are a profile's confirmed links, by LinkKey.
func (s *Store) LinkConfirmations(ctx context.Context, profile string) (map[string]LinkConfirmation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT client_id, environment_id, evidence, confirmed_by, confirmed_at
		FROM link_confirmations WHERE profile = ?`, profile)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	out := map[string]LinkConfirmation{}
	for rows.Next() {
		var c LinkConfirmation
		var at string
		if err := rows.Scan(&c.ClientID, &c.EnvironmentID, &c.Evidence, &c.ConfirmedBy, &at); err != nil {
			return nil, s.describe(err)
		}
		c.ConfirmedAt = parseTime(at)
		out[LinkKey(c.ClientID, c.EnvironmentID)] = c
	}
	return out, s.describe(rows.Err())
}

// ConfirmLink records a confirmation, with one audit line.
func (s *Store) ConfirmLink(ctx context.Context, profile string, c LinkConfirmation) error {
	if c.ConfirmedAt.IsZero() {
		c.ConfirmedAt = time.Now()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO link_confirmations(profile, client_id, environment_id, evidence, confirmed_by, confirmed_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(profile, client_id, environment_id) DO UPDATE SET evidence = excluded.evidence,
			confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at`,
			profile, c.ClientID, c.EnvironmentID, c.Evidence, c.ConfirmedBy, formatTime(c.ConfirmedAt)); err != nil {
			return s.describe(err)
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: c.ConfirmedBy, Event: "link.confirmed",
			Detail: map[string]any{"client_id": c.ClientID, "environment_id": c.EnvironmentID, "evidence": c.Evidence}})
	})
}

// UnconfirmLink takes a confirmation back, with one audit line.
func (s *Store) UnconfirmLink(ctx context.Context, profile, actor, clientID, environmentID string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM link_confirmations WHERE profile = ? AND client_id = ? AND environment_id = ?",
			profile, clientID, environmentID); err != nil {
			return s.describe(err)
		}
		return s.audit(ctx, tx, AuditEntry{Profile: profile, Actor: actor, Event: "link.unconfirmed",
			Detail: map[string]any{"client_id": clientID, "environment_id": environmentID}})
	})
}
