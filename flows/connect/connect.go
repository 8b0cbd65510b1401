// Package connect verifies and stores a system's credentials: checked
// against the vendor's API first, then the secret in the keyring and the
// non-secret values in SQLite — nothing saved unless the vendor accepted
// them. What each system asks for, and how it is verified, is its
// adapter's (flows/adapter).
package connect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/store"
)

// Values are a connection's non-secret settings by field key.
type Values = adapter.Values

// Verified is what a vendor said about working credentials.
type Verified = adapter.Verified

// ErrRejected means the vendor refused the credentials.
var ErrRejected = adapter.ErrRejected

// Check tidies values as typed and says what is missing or malformed,
// before anything is sent.
func Check(system string, v Values) (Values, error) {
	a, err := adapter.Lookup(system)
	if err != nil {
		return v, err
	}
	v = adapter.Normalize(a, v)
	return v, adapter.Check(a, v)
}

// Verify asks the vendor whether the credentials work. A refusal matches
// ErrRejected as well as the client's own error.
func Verify(ctx context.Context, system string, v Values, secret string) (Verified, error) {
	v, err := Check(system, v)
	if err != nil {
		return Verified{}, err
	}
	a, _ := adapter.Lookup(system)
	out, err := a.Verify(ctx, v, secret)
	if err != nil && !errors.Is(err, ErrRejected) && (errors.Is(err, httpx.ErrUnauthorized) || errors.Is(err, httpx.ErrForbidden)) {
		err = fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return out, err
}

// Ref is the keyring entry of a system's secret in a profile.
func Ref(profile, system string) (store.SecretRef, error) { return adapter.SecretRef(profile, system) }

// Save stores verified credentials: the secret in the keyring (read back to
// be sure), then the connection row, then an audit line. Nothing is saved
// unless the vendor accepted the credentials first.
func Save(ctx context.Context, st *store.Store, kr *store.Keyring, profile, system string, v Values, secret string, verified Verified, actor string) error {
	ref, err := Ref(profile, system)
	if err != nil {
		return err
	}
	if err := kr.Set(ctx, ref, secret); err != nil {
		return err
	}
	back, err := kr.Stored(ctx, ref)
	if err != nil {
		return err
	}
	if back.Reveal() != secret {
		return fmt.Errorf("keyring: the %s secret read back differs from the one written; nothing else was changed", system)
	}
	return record(ctx, st, profile, system, v, verified, store.KeyringService+":"+kr.Account(ref), actor)
}

// SaveFromEnv records verified credentials whose secret comes from the
// environment (MSPWIRE_<SYSTEM>_<FIELD>): the connection row names the
// variable, and no keyring is touched — for CI jobs and containers.
func SaveFromEnv(ctx context.Context, st *store.Store, profile, system string, v Values, verified Verified, actor string) error {
	ref, err := Ref(profile, system)
	if err != nil {
		return err
	}
	return record(ctx, st, profile, system, v, verified, "env:"+ref.EnvVar(), actor)
}

// record writes the connection row and its audit line.
func record(ctx context.Context, st *store.Store, profile, system string, v Values, verified Verified, where, actor string) error {
	v, _ = Check(system, v)
	now := time.Now()
	conn := store.Connection{Profile: profile, System: system, BaseURL: verified.BaseURL, Identifiers: adapter.Identifiers(v),
		KeyringRef: where, ActsAs: verified.ActsAs, VerifiedAt: now}
	if old, err := st.Connection(ctx, profile, system); err == nil {
		conn.CreatedAt, conn.RotatedAt = old.CreatedAt, old.RotatedAt
	}
	if err := st.SaveConnection(ctx, conn); err != nil {
		return err
	}
	return st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: "connection.saved",
		Detail: map[string]any{"system": system, "base_url": verified.BaseURL, "acts_as": verified.ActsAs, "secret": where}})
}

// PendingRef is the keyring entry a rotation parks the new secret in,
// beside the system's own.
func PendingRef(ref store.SecretRef) store.SecretRef {
	ref.Field += ".pending"
	return ref
}

// Logout removes a system's secret (and any rotation's parked one) from
// the keyring and forgets its connection, with an audit line. removed is
// false when there was nothing to remove.
func Logout(ctx context.Context, st *store.Store, kr *store.Keyring, profile, system, actor string) (removed bool, err error) {
	ref, err := Ref(profile, system)
	if err != nil {
		return false, err
	}
	_, connErr := st.Connection(ctx, profile, system)
	removed = connErr == nil
	for _, r := range []store.SecretRef{ref, PendingRef(ref)} {
		if _, err := kr.Stored(ctx, r); err == nil {
			removed = true
		} else if !errors.Is(err, store.ErrSecretNotFound) {
			return false, err
		}
		if err := kr.Delete(ctx, r); err != nil {
			return false, err
		}
	}
	if !removed {
		return false, nil
	}
	if err := st.DeleteConnection(ctx, profile, system); err != nil {
		return false, err
	}
	return true, st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: "connection.removed",
		Detail: map[string]any{"system": system}})
}
