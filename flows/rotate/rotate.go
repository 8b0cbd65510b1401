// Package rotate replaces a connection's secret so that, whatever happens —
// a wrong new secret, a killed process, a keyring that fails half-way — the
// secret mspwire ends up with is one that works.
//
// The new secret is first parked in a second keyring entry ("pending"),
// verified against the vendor while the old one stays in place, then
// swapped in and read back. A run that dies part-way leaves the pending
// entry behind; Recover finishes or abandons it on the next run.
package rotate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/crash"
	"github.com/mspwire/mspwire/store"
)

// ErrUnavailable means the vendor could not be asked: the rotation waits,
// its new secret kept, for --resume.
var ErrUnavailable = errors.New("the vendor is unavailable")

// Result is a finished rotation.
type Result struct {
	Verified  connect.Verified
	Checklist []string // steps the operator must still do elsewhere
	Recovered bool     // finished a rotation an earlier run left half-done
}

// pending is what waits in the keyring while a rotation is under way: the
// new secret and the non-secret values that go with it (a new Liongard key
// has a new ID).
type pending struct {
	Secret string         `json:"secret"`
	Values connect.Values `json:"values"`
	// Fields is how mspwire before adapters wrote the values ("URL",
	// "KeyID", …); read so a rotation it left half-done is finished.
	Fields map[string]any `json:"fields,omitempty"`
}

// values are the pending rotation's values, in either form.
func (p pending) values() connect.Values {
	if p.Values != nil {
		return p.Values
	}
	v := connect.Values{}
	for old, key := range map[string]string{"URL": "url", "ClientID": "client_id", "Tenant": "tenant", "Instance": "instance",
		"KeyID": "key_id", "Expires": "expires", "Region": "region"} {
		if s, ok := p.Fields[old].(string); ok && s != "" {
			v[key] = s
		}
	}
	if used, ok := p.Fields["UsedBy"].([]any); ok {
		var names []string
		for _, u := range used {
			names = append(names, fmt.Sprint(u))
		}
		v["used_by"] = strings.Join(names, ",")
	}
	return v
}

// stored is the values a saved connection is verified with again.
func stored(system string, conn store.Connection) connect.Values {
	a, err := adapter.Lookup(system)
	if err != nil {
		return adapter.ValuesOf(conn)
	}
	return adapter.Stored(a, conn)
}

// PendingRef is the keyring entry a rotation parks the new secret in.
func PendingRef(ref store.SecretRef) store.SecretRef { return connect.PendingRef(ref) }

// Rotate replaces the secret of a profile's connection. changes carries any
// non-secret changes (a Liongard key's new ID and expiry); empty ones keep
// their stored value.
func Rotate(ctx context.Context, st *store.Store, kr *store.Keyring, profile, system string, changes connect.Values, secret, actor string) (Result, error) {
	conn, err := st.Connection(ctx, profile, system)
	if err != nil {
		return Result{}, fmt.Errorf("%w; run mspwire auth login %s first", err, system)
	}
	ref, err := connect.Ref(profile, system)
	if err != nil {
		return Result{}, err
	}
	if secret == "" {
		return Result{}, errors.New("the new secret is empty")
	}
	f := stored(system, conn).Merge(changes)

	parked, _ := json.Marshal(pending{Secret: secret, Values: f})
	if err := kr.Set(ctx, PendingRef(ref), string(parked)); err != nil {
		return Result{}, fmt.Errorf("rotation not started, the old secret is untouched: %w", err)
	}
	crash.Point("pending-saved")

	v, err := connect.Verify(ctx, system, f, secret)
	switch {
	case errors.Is(err, connect.ErrRejected):
		_ = kr.Delete(ctx, PendingRef(ref))
		_ = st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: "rotation.rejected",
			Detail: map[string]any{"system": system, "error": err.Error()}})
		return Result{}, fmt.Errorf("the new secret did not work, so the old one stays in place: %w", err)
	case err != nil:
		// Unavailable is not refused: the vendor may already have revoked
		// the old secret, so the new one is kept, not dropped.
		_ = st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: "rotation.deferred",
			Detail: map[string]any{"system": system, "error": err.Error()}})
		return Result{}, fmt.Errorf("%w: %w. The new secret could not be checked, so it is kept aside in the keyring, not lost; "+
			"the stored one is unchanged. When the vendor answers again, run: mspwire auth rotate %s --resume", ErrUnavailable, err, system)
	}
	crash.Point("verified")

	if err := st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: "rotation.started",
		Detail: map[string]any{"system": system}}); err != nil {
		return Result{}, err
	}
	crash.Point("audited")
	return finish(ctx, st, kr, profile, system, ref, f, secret, v, actor, false)
}

// finish swaps the verified secret in, reads it back, clears the pending
// entry and records the rotation. Every step may be repeated.
func finish(ctx context.Context, st *store.Store, kr *store.Keyring, profile, system string, ref store.SecretRef,
	f connect.Values, secret string, v connect.Verified, actor string, recovered bool) (Result, error) {
	if err := kr.Set(ctx, ref, secret); err != nil {
		return Result{}, fmt.Errorf("the new secret works but could not be stored; it is kept aside and the next mspwire auth command finishes the rotation: %w", err)
	}
	crash.Point("swapped")
	back, err := kr.Stored(ctx, ref)
	if err != nil || back.Reveal() != secret {
		return Result{}, fmt.Errorf("the keyring did not give back the secret just written (%v); the new secret is kept aside and the next mspwire auth command finishes the rotation", err)
	}
	crash.Point("read-back")
	if err := kr.Delete(ctx, PendingRef(ref)); err != nil {
		return Result{}, err
	}
	crash.Point("pending-cleared")

	conn, err := st.Connection(ctx, profile, system)
	if err != nil {
		return Result{}, err
	}
	now := time.Now()
	if f, err = connect.Check(system, f); err != nil {
		return Result{}, err
	}
	conn.Identifiers = adapter.Identifiers(f)
	conn.ActsAs, conn.VerifiedAt, conn.RotatedAt = v.ActsAs, now, now
	if err := st.SaveConnection(ctx, conn); err != nil {
		return Result{}, err
	}
	steps := Checklist(system, f)
	if err := addChecklist(ctx, st, profile, system, actor, now, steps); err != nil {
		return Result{}, err
	}
	crash.Point("checklisted")
	event := "rotation.done"
	if recovered {
		event = "rotation.recovered"
	}
	if err := st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: event,
		Detail: map[string]any{"system": system, "acts_as": v.ActsAs}}); err != nil {
		return Result{}, err
	}
	return Result{Verified: v, Checklist: steps, Recovered: recovered}, nil
}

// Recover finishes a rotation an earlier run left half-done: a pending
// secret that works is swapped in; one that does not is dropped. A run
// that died after the swap but before the bookkeeping is completed too.
// It reports whether there was anything to do.
func Recover(ctx context.Context, st *store.Store, kr *store.Keyring, profile, system, actor string) (Result, bool, error) {
	ref, err := connect.Ref(profile, system)
	if err != nil {
		return Result{}, false, err
	}
	parked, err := kr.Stored(ctx, PendingRef(ref))
	switch {
	case errors.Is(err, store.ErrSecretNotFound):
		return finishBookkeeping(ctx, st, kr, profile, system, ref, actor)
	case err != nil:
		return Result{}, false, err
	}
	var p pending
	if err := json.Unmarshal([]byte(parked.Reveal()), &p); err != nil || p.Secret == "" {
		_ = kr.Delete(ctx, PendingRef(ref))
		return Result{}, true, errors.New("a half-finished rotation left an unreadable entry; it was removed and the current secret kept")
	}
	v, err := connect.Verify(ctx, system, p.values(), p.Secret)
	if errors.Is(err, connect.ErrRejected) {
		_ = kr.Delete(ctx, PendingRef(ref))
		_ = st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: "rotation.abandoned",
			Detail: map[string]any{"system": system, "error": err.Error()}})
		return Result{}, true, fmt.Errorf("a half-finished rotation's new secret does not work, so it was dropped and the current secret kept: %w", err)
	}
	if err != nil {
		return Result{}, true, fmt.Errorf("a half-finished rotation could not be checked now (%w); it is kept for the next run", err)
	}
	res, err := finish(ctx, st, kr, profile, system, ref, p.values(), p.Secret, v, actor, true)
	return res, true, err
}

// finishBookkeeping handles a run killed after the pending entry was
// cleared but before the rotation was recorded: the audit log's last word
// on the system is "rotation.started".
func finishBookkeeping(ctx context.Context, st *store.Store, kr *store.Keyring, profile, system string, ref store.SecretRef, actor string) (Result, bool, error) {
	last, _, err := st.LastEvent(ctx, profile, "rotation.", system)
	if err != nil {
		return Result{}, false, err
	}
	if last != "rotation.started" {
		return Result{}, false, nil
	}
	secret, err := kr.Stored(ctx, ref)
	if err != nil {
		return Result{}, true, err
	}
	conn, err := st.Connection(ctx, profile, system)
	if err != nil {
		return Result{}, true, err
	}
	f := stored(system, conn)
	v, err := connect.Verify(ctx, system, f, secret.Reveal())
	if err != nil {
		return Result{}, true, err
	}
	// The secret is in place: only the record is missing.
	now := time.Now()
	conn.ActsAs, conn.VerifiedAt, conn.RotatedAt = v.ActsAs, now, now
	if err := st.SaveConnection(ctx, conn); err != nil {
		return Result{}, true, err
	}
	steps := Checklist(system, f)
	if err := addChecklist(ctx, st, profile, system, actor, now, steps); err != nil {
		return Result{}, true, err
	}
	err = st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: "rotation.recovered", Detail: map[string]any{"system": system}})
	return Result{Verified: v, Checklist: steps, Recovered: true}, true, err
}

// addChecklist records a rotation's by-hand steps under the rotation's own
// key — the id of its "rotation.started" line — so a recovery that repeats
// this adds nothing. A rotation recovered before it was audited as started
// is given its start line now.
func addChecklist(ctx context.Context, st *store.Store, profile, system, actor string, now time.Time, steps []string) error {
	last, id, err := st.LastEvent(ctx, profile, "rotation.", system)
	if err != nil {
		return err
	}
	if last != "rotation.started" {
		if err := st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: "rotation.started",
			Detail: map[string]any{"system": system}}); err != nil {
			return err
		}
		if _, id, err = st.LastEvent(ctx, profile, "rotation.", system); err != nil {
			return err
		}
	}
	return st.AddChecklist(ctx, profile, system, "rotation "+now.UTC().Format(time.RFC3339), fmt.Sprintf("rotation:%d", id), steps)
}

// Checklist is what the operator must do elsewhere after a rotation: the
// vendors give no API for these.
func Checklist(system string, v connect.Values) []string {
	a, err := adapter.Lookup(system)
	if err != nil {
		return nil
	}
	if r, ok := a.(adapter.Rotator); ok {
		return r.RotationChecklist(v)
	}
	return nil
}
