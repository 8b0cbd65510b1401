package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Lease is the mark of the process applying a profile's plan.
type Lease struct {
	Profile   string
	PlanID    int64
	PID       int
	Host      string
	Token     string // tells two holders with the same pid apart
	Started   time.Time
	Heartbeat time.Time
}

// TakeLease gives the profile's apply lease to want, in one transaction:
// free, or held by a holder alive says is gone. Otherwise it returns the
// live holder and false. alive is asked inside the transaction, so two
// processes can never both take it.
func (s *Store) TakeLease(ctx context.Context, want Lease, alive func(Lease) bool) (Lease, bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Lease{}, false, s.describe(err)
	}
	defer tx.Rollback()
	held, err := scanLease(tx.QueryRowContext(ctx, leaseQuery, want.Profile))
	switch {
	case err == nil && alive(held):
		return held, false, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return Lease{}, false, s.describe(err)
	}
	now := formatTime(time.Now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO apply_leases(profile, plan_id, pid, host, token, started_at, heartbeat_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(profile) DO UPDATE SET plan_id = excluded.plan_id, pid = excluded.pid,
		host = excluded.host, token = excluded.token, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
		want.Profile, want.PlanID, want.PID, want.Host, want.Token, now, now); err != nil {
		return Lease{}, false, s.describe(err)
	}
	if err := tx.Commit(); err != nil {
		return Lease{}, false, s.describe(err)
	}
	return held, true, nil
}

// HeldLease is the profile's lease as recorded, or false when nobody
// holds one. Whether its holder lives is the caller's to judge.
func (s *Store) HeldLease(ctx context.Context, profile string) (Lease, bool, error) {
	l, err := scanLease(s.db.QueryRowContext(ctx, leaseQuery, profile))
	if errors.Is(err, sql.ErrNoRows) {
		return Lease{}, false, nil
	}
	if err != nil {
		return Lease{}, false, s.describe(err)
	}
	return l, true, nil
}

// RenewLease writes the holder's heartbeat; false means the lease is no
// longer its own (another process took it over).
func (s *Store) RenewLease(ctx context.Context, l Lease) (bool, error) {
	res, err := s.db.ExecContext(ctx, "UPDATE apply_leases SET heartbeat_at = ? WHERE profile = ? AND token = ?",
		formatTime(time.Now()), l.Profile, l.Token)
	if err != nil {
		return false, s.describe(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReleaseLease gives the lease up, if it is still the holder's.
func (s *Store) ReleaseLease(ctx context.Context, l Lease) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM apply_leases WHERE profile = ? AND token = ?", l.Profile, l.Token); err != nil {
		return s.describe(err)
	}
	return nil
}

const leaseQuery = `SELECT profile, plan_id, pid, host, token, started_at, heartbeat_at FROM apply_leases WHERE profile = ?`

func scanLease(r scanner) (Lease, error) {
	var l Lease
	var started, beat string
	if err := r.Scan(&l.Profile, &l.PlanID, &l.PID, &l.Host, &l.Token, &started, &beat); err != nil {
		return l, err
	}
	l.Started, l.Heartbeat = parseTime(started), parseTime(beat)
	return l, nil
}
