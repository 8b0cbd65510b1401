package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrations are numbered SQL files, applied in order, each in its own
// transaction together with the bump of PRAGMA user_version. We use this
// small runner rather than goose because the one rule that matters here —
// refuse, without touching it, a file whose version is newer than ours — is
// a comparison of two integers, and user_version lives in the file header,
// so no bookkeeping table can drift from the schema.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations sorted by version, and fails if
// the numbering has a gap or a repeat.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", e.Name())
		}
		body, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		panic(err) // the embedded files are part of the build; a test covers them
	}
	return len(ms)
}

// migrate brings the file up to date. It first reads the version outside any
// write: a corrupt or newer file is refused before anything is written.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	current, err := s.firstRead(ctx)
	if err != nil {
		return s.describe(err)
	}
	if err := s.refuseNewer(current, len(ms)); err != nil {
		return err
	}
	for _, m := range ms[current:] {
		if err := s.apply(ctx, m, len(ms)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) refuseNewer(current, known int) error {
	if current > known {
		return fmt.Errorf("%w: %s has schema version %d, but this mspwire knows only up to %d. "+
			"The file was left untouched: upgrade mspwire, or use another --data-dir",
			ErrNewerSchema, s.path, current, known)
	}
	return nil
}

// firstRead reads the version on a new connection. SQLite answers BUSY at
// once, without waiting out busy_timeout, when another process is switching
// the same new file to WAL at that moment; so that one case is retried here.
func (s *Store) firstRead(ctx context.Context) (int, error) {
	deadline := time.Now().Add(busyTimeoutMS * time.Millisecond)
	for {
		v, err := s.userVersion(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func isBusy(err error) bool {
	return strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked")
}

func (s *Store) userVersion(ctx context.Context) (int, error) {
	var v int
	// Reading sqlite_master too makes SQLite parse the schema, so a damaged
	// file fails here rather than on some later query.
	err := s.db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM sqlite_master), user_version FROM pragma_user_version").
		Scan(new(int), &v)
	return v, err
}

// apply runs one migration. Another process may have applied it since we
// looked, so the version is read again under the write lock.
func (s *Store) apply(ctx context.Context, m migration, known int) error {
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE, see dsn
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return s.describe(err)
	}
	if err := s.refuseNewer(current, known); err != nil {
		return err
	}
	if current >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s on %s: %w", m.name, s.path, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return s.describe(err)
	}
	if err := tx.Commit(); err != nil {
		return s.describe(err)
	}
	return nil
}
