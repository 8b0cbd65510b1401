package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// profileName keeps profile names usable inside a keyring account
// ("<profile>/<system>/<field>") and an environment-free file name.
var profileName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// ValidProfile says what is wrong with a profile name, if anything.
func ValidProfile(name string) error {
	if !profileName.MatchString(name) {
		return fmt.Errorf("profile %q: use 1–63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}

// Connection is how one profile reaches one system. It holds no secret.
type Connection struct {
	Profile     string
	System      string
	BaseURL     string
	Identifiers map[string]string // non-secret ids: client id, tenant, key id, region
	KeyringRef  string            // which keyring entry holds the secret
	ActsAs      string            // what the credentials were last verified as
	CreatedAt   time.Time
	VerifiedAt  time.Time // zero: never verified
	RotatedAt   time.Time // zero: never rotated
}

// ErrNoConnection means the profile has not configured that system.
var ErrNoConnection = errors.New("no connection configured")

// EnsureProfile creates the profile if it does not exist yet.
func (s *Store) EnsureProfile(ctx context.Context, name string) error {
	if err := ValidProfile(name); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx,
		"INSERT INTO profiles(name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING",
		name, formatTime(time.Now()))
	if err != nil {
		return s.describe(err)
	}
	return nil
}

// SaveConnection creates or replaces a profile's connection to a system,
// keeping its creation time. The profile is created if needed.
func (s *Store) SaveConnection(ctx context.Context, c Connection) error {
	if err := s.EnsureProfile(ctx, c.Profile); err != nil {
		return err
	}
	ids, err := json.Marshal(nonNil(c.Identifiers))
	if err != nil {
		return err
	}
	created := c.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	_, err = s.db.ExecContext(ctx, `
		INSERT INTO connections(profile, system, base_url, identifiers, keyring_ref, acts_as, created_at, verified_at, rotated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(profile, system) DO UPDATE SET
			base_url = excluded.base_url,
			identifiers = excluded.identifiers,
			keyring_ref = excluded.keyring_ref,
			acts_as = excluded.acts_as,
			verified_at = excluded.verified_at,
			rotated_at = excluded.rotated_at`,
		c.Profile, c.System, c.BaseURL, string(ids), c.KeyringRef, c.ActsAs,
		formatTime(created), nullTime(c.VerifiedAt), nullTime(c.RotatedAt))
	if err != nil {
		return s.describe(err)
	}
	return nil
}

// Connection reads one connection; ErrNoConnection if there is none.
func (s *Store) Connection(ctx context.Context, profile, system string) (Connection, error) {
	rows, err := s.queryConnections(ctx, "WHERE profile = ? AND system = ?", profile, system)
	if err != nil {
		return Connection{}, err
	}
	if len(rows) == 0 {
		return Connection{}, fmt.Errorf("%w for %s in profile %q", ErrNoConnection, system, profile)
	}
	return rows[0], nil
}

// Connections lists a profile's connections ordered by system.
func (s *Store) Connections(ctx context.Context, profile string) ([]Connection, error) {
	return s.queryConnections(ctx, "WHERE profile = ? ORDER BY system", profile)
}

// MarkVerified records that the connection's credentials just worked.
func (s *Store) MarkVerified(ctx context.Context, profile, system string, at time.Time) error {
	return s.touch(ctx, "verified_at", profile, system, at)
}

// MarkRotated records that the connection's secret was just replaced.
func (s *Store) MarkRotated(ctx context.Context, profile, system string, at time.Time) error {
	return s.touch(ctx, "rotated_at", profile, system, at)
}

// DeleteConnection forgets a connection. The keyring entry is the caller's.
func (s *Store) DeleteConnection(ctx context.Context, profile, system string) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM connections WHERE profile = ? AND system = ?", profile, system)
	if err != nil {
		return s.describe(err)
	}
	return nil
}

// touch sets one of the time columns; column is one of ours, never input.
func (s *Store) touch(ctx context.Context, column, profile, system string, at time.Time) error {
	res, err := s.db.ExecContext(ctx,
		"UPDATE connections SET "+column+" = ? WHERE profile = ? AND system = ?",
		formatTime(at), profile, system)
	if err != nil {
		return s.describe(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w for %s in profile %q", ErrNoConnection, system, profile)
	}
	return nil
}

func (s *Store) queryConnections(ctx context.Context, where string, args ...any) ([]Connection, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT profile, system, base_url, identifiers, keyring_ref, acts_as, created_at, verified_at, rotated_at
		FROM connections `+where, args...)
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []Connection
	for rows.Next() {
		var c Connection
		var ids, created string
		var verified, rotated sql.NullString
		if err := rows.Scan(&c.Profile, &c.System, &c.BaseURL, &ids, &c.KeyringRef, &c.ActsAs, &created, &verified, &rotated); err != nil {
			return nil, s.describe(err)
		}
		if err := json.Unmarshal([]byte(ids), &c.Identifiers); err != nil {
			return nil, fmt.Errorf("connection %s/%s in %s: identifiers: %w", c.Profile, c.System, s.path, err)
		}
		c.CreatedAt = parseTime(created)
		c.VerifiedAt = parseTime(verified.String)
		c.RotatedAt = parseTime(rotated.String)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.describe(err)
	}
	return out, nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// Times are stored as RFC 3339 text in UTC: readable in the sqlite3 shell,
// and they sort as strings.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
