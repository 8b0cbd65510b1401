package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Secrets is the keyring as this data directory sees it (Keyring.Scoped).
// The first time, it also moves the secrets an earlier mspwire kept under
// unscoped accounts ("<profile>/<system>/<field>") to this directory's
// accounts: each is copied, read back and only then deleted. If the OS
// keyring cannot be reached, nothing is moved and the next run tries again.
func (s *Store) Secrets(ctx context.Context, kr *Keyring) (*Keyring, error) {
	scoped := kr.Scoped(s.id)
	var done string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'keyring_scoped'").Scan(&done)
	if err == nil {
		return scoped, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, s.describe(err)
	}
	refs, err := s.unscopedRefs(ctx)
	if err != nil {
		return nil, err
	}
	for _, ref := range refs {
		for _, r := range []SecretRef{ref, {Profile: ref.Profile, System: ref.System, Field: ref.Field + ".pending"}} {
			if err := moveSecret(ctx, kr, scoped, r); err != nil {
				if errors.Is(err, ErrNoDBus) || errors.Is(err, ErrNoProvider) || errors.Is(err, ErrKeyringLocked) || errors.Is(err, ErrKeyringTimeout) {
					return scoped, nil // no keyring now: nothing can be moved, or used; try again next run
				}
				return nil, err
			}
		}
		if _, err := s.db.ExecContext(ctx, "UPDATE connections SET keyring_ref = ? WHERE profile = ? AND system = ?",
			KeyringService+":"+scoped.Account(ref), ref.Profile, ref.System); err != nil {
			return nil, s.describe(err)
		}
	}
	if _, err := s.db.ExecContext(ctx, "INSERT OR IGNORE INTO meta(key, value) VALUES ('keyring_scoped', ?)", formatTime(time.Now())); err != nil {
		return nil, s.describe(err)
	}
	return scoped, nil
}

// unscopedRefs are the secrets the connections name in the old form,
// "mspwire:<profile>/<system>/<field>".
func (s *Store) unscopedRefs(ctx context.Context) ([]SecretRef, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT keyring_ref FROM connections ORDER BY profile, system")
	if err != nil {
		return nil, s.describe(err)
	}
	defer rows.Close()
	var out []SecretRef
	for rows.Next() {
		var ref string
		if err := rows.Scan(&ref); err != nil {
			return nil, s.describe(err)
		}
		parts := strings.Split(strings.TrimPrefix(ref, KeyringService+":"), "/")
		if len(parts) == 3 {
			out = append(out, SecretRef{Profile: parts[0], System: parts[1], Field: parts[2]})
		}
	}
	return out, rows.Err()
}

// moveSecret copies one secret from the unscoped account to the scoped
// one, unless the scoped one is already there, then deletes the old.
func moveSecret(ctx context.Context, from, to *Keyring, ref SecretRef) error {
	old, err := from.Stored(ctx, ref)
	if errors.Is(err, ErrSecretNotFound) {
		return nil // nothing under the old name (another data directory moved it, or never stored)
	}
	if err != nil {
		return err
	}
	if _, err := to.Stored(ctx, ref); errors.Is(err, ErrSecretNotFound) {
		if err := to.Set(ctx, ref, old.Reveal()); err != nil {
			return err
		}
		back, err := to.Stored(ctx, ref)
		if err != nil {
			return err
		}
		if back.Reveal() != old.Reveal() {
			return errors.New("keyring: a secret read back after moving it differs; the old entry was kept")
		}
	} else if err != nil {
		return err
	}
	return from.Delete(ctx, ref)
}
