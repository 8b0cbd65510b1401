// Package store keeps mspwire's local state in one SQLite file per data
// directory, and (in keyring.go) its secrets in the OS keyring. SQLite never
// holds a secret: a connection row names the keyring entry instead.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// FileName is the database file inside a data directory.
const FileName = "mspwire.db"

// busyTimeoutMS is how long a writer waits for another process's write
// transaction before giving up with "database is locked".
const busyTimeoutMS = 10000

// ErrNewerSchema means the file was written by a newer mspwire.
var ErrNewerSchema = errors.New("database written by a newer mspwire")

// ErrCorrupt means the file is not a readable SQLite database.
var ErrCorrupt = errors.New("database file is not readable")

// ErrForeign means the file is another program's SQLite database.
var ErrForeign = errors.New("not an mspwire database")

// applicationID marks mspwire's files in the SQLite header ("mspw"), so
// another program's database is never taken for ours and migrated.
const applicationID = 0x6d737077

// Store is an open mspwire database.
type Store struct {
	db         *sql.DB
	path       string
	id         string // this data directory's id; part of every keyring account
	copiedFrom string // set when this directory turned out to be a copy of that one
}

// Open opens (creating if needed) the database in dir and brings its schema
// up to date. A file from a newer mspwire, another program's database, a
// damaged file or a symbolic link is refused and left exactly as it was:
// it is looked at read-only, as immutable, before anything opens it for
// writing.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName)
	created, err := ensureFile(path)
	if err != nil {
		return nil, err
	}
	if !created {
		if err := inspect(ctx, path); err != nil {
			return nil, err
		}
		if err := tighten(path); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.claimHome(ctx, dir); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'data_dir_id'").Scan(&s.id); err != nil {
		db.Close()
		return nil, s.describe(err)
	}
	return s, nil
}

// CopiedFrom is the data directory this one was found to be a copy of
// when it was opened ("" if it is none): it was given its own id, so its
// logins never touch the original's secrets, and its own are yet to come.
func (s *Store) CopiedFrom() string { return s.copiedFrom }

// claimHome records where the data directory lives beside its id and its
// database file's identity (device and inode). A directory found elsewhere
// is a copy (cp -a) when its recorded home still holds a database of the
// same id, or when its file is another file than the one recorded (the
// original renamed before either ran): the copy gets an id of its own
// before anything writes to the keyring. Otherwise it was moved, and keeps
// its id. Two live directories never share keyring entries; a move to
// another disk looks like a copy, and asks for a login again.
func (s *Store) claimHome(ctx context.Context, dir string) error {
	here, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(here); err == nil {
		here = real
	}
	var id, home, file string
	err = s.db.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key = 'data_dir_id'),
		coalesce((SELECT value FROM meta WHERE key = 'data_dir_home'), ''),
		coalesce((SELECT value FROM meta WHERE key = 'data_dir_file'), '')`).Scan(&id, &home, &file)
	if err != nil {
		return s.describe(err)
	}
	now := fileID(filepath.Join(here, FileName))
	if home == here {
		if file == "" && now != "" { // kept since before the file's identity was
			_, err := s.db.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('data_dir_file', ?) ON CONFLICT(key) DO NOTHING`, now)
			return s.describe(err)
		}
		return nil
	}
	copied := home != "" && idAt(ctx, filepath.Join(home, FileName)) == id || file != "" && now != "" && file != now
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('data_dir_home', ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE value = ?`, here, home)
	if err != nil {
		return s.describe(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // another mspwire claimed it meanwhile
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('data_dir_file', ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, now); err != nil {
		return s.describe(err)
	}
	if copied {
		if _, err := tx.ExecContext(ctx, "UPDATE meta SET value = lower(hex(randomblob(8))) WHERE key = 'data_dir_id'"); err != nil {
			return s.describe(err)
		}
		rows, err := tx.QueryContext(ctx, "SELECT name FROM profiles")
		if err != nil {
			return s.describe(err)
		}
		var profiles []string
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err == nil {
				profiles = append(profiles, p)
			}
		}
		rows.Close()
		for _, p := range profiles { // each profile's trail says its secrets stayed behind
			if err := s.audit(ctx, tx, AuditEntry{Profile: p, Actor: "mspwire", Event: "data_dir.copied",
				Detail: map[string]any{"from": home, "to": here}}); err != nil {
				return err
			}
		}
		s.copiedFrom = home
	}
	if err := tx.Commit(); err != nil {
		return s.describe(err)
	}
	return nil
}

// idAt is the data directory id of the database at path, read without
// changing it; "" if there is none to read.
func idAt(ctx context.Context, path string) string {
	if _, err := os.Lstat(path); err != nil {
		return ""
	}
	ro, err := sql.Open("sqlite", fmt.Sprintf("file:%s?%s&_pragma=busy_timeout(%d)", path, inspectMode(path), busyTimeoutMS))
	if err != nil {
		return ""
	}
	defer ro.Close()
	var id string
	_ = ro.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'data_dir_id'").Scan(&id)
	return id
}

// ID is this data directory's id, made when its database was created. It
// keeps two data directories' secrets apart in the one OS keyring.
func (s *Store) ID() string { return s.id }

// inspect reads an existing file's header and schema without changing a
// byte of it (SQLite's immutable read: no lock, no journal, no WAL switch)
// and refuses what is not a current-or-older mspwire database.
func inspect(ctx context.Context, path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	if info.Size() == 0 {
		return nil // created by an earlier run that stopped before SQLite wrote to it
	}
	// busy_timeout: another mspwire may be migrating or writing the file.
	ro, err := sql.Open("sqlite", fmt.Sprintf("file:%s?%s&_pragma=busy_timeout(%d)", path, inspectMode(path), busyTimeoutMS))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer ro.Close()
	refuse := &Store{path: path}
	var app, version int
	if err := ro.QueryRowContext(ctx, "SELECT (SELECT application_id FROM pragma_application_id), user_version FROM pragma_user_version").Scan(&app, &version); err != nil {
		return refuse.describe(err)
	}
	var check string
	if err := ro.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&check); err != nil {
		return refuse.describe(err)
	}
	if check != "ok" {
		return fmt.Errorf("%w: %s is damaged (SQLite's check says: %s). It was left untouched: "+
			"move it aside to start afresh, or restore it from a backup", ErrCorrupt, path, check)
	}
	rows, err := ro.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return refuse.describe(err)
	}
	defer rows.Close()
	tables := map[string]bool{}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return refuse.describe(err)
		}
		tables[n] = true
		names = append(names, n)
	}
	ours := app == applicationID || app == 0 && tables["profiles"] && tables["audit"] // or from before mspwire marked its files
	switch {
	case app == 0 && version == 0 && len(names) == 0:
		return nil // an empty database
	case !ours:
		what := fmt.Sprintf("its tables are %s", strings.Join(names, ", "))
		if app != 0 {
			what = fmt.Sprintf("its application id is %#x", app)
		}
		return fmt.Errorf("%w: %s belongs to another program (%s). It was left untouched: use another --data-dir", ErrForeign, path, what)
	}
	return refuse.refuseNewer(version, SchemaVersion())
}

// inspectMode chooses how inspect reads the file. A file in WAL mode (by its
// header, or with a WAL beside it) is only whole together with its WAL: a
// process killed during a checkpoint leaves the main file half old, half
// new. It is read read-only through the WAL, which changes no byte of the
// file. Any other file is read as immutable, so nothing switches it to WAL.
func inspectMode(path string) string {
	if info, err := os.Lstat(path + "-wal"); err == nil && info.Size() > 0 {
		return "mode=ro"
	}
	f, err := os.Open(path)
	if err != nil {
		return "mode=ro&immutable=1"
	}
	defer f.Close()
	header := make([]byte, 20)
	if _, err := io.ReadFull(f, header); err == nil && header[18] == 2 && header[19] == 2 {
		return "mode=ro" // SQLite's file format: bytes 18 and 19 are 2 in WAL mode
	}
	return "mode=ro&immutable=1"
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// dsn builds modernc's connection string. busy_timeout comes first so the
// WAL switch itself waits for a concurrent opener instead of failing;
// _txlock=immediate takes the write lock at BEGIN, so two processes queue
// up instead of deadlocking when both upgrade a read to a write.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// ensureDir creates the data directory private to the user. An existing
// directory keeps its mode: it may be one the operator chose, like /tmp.
func ensureDir(dir string) error {
	if dir == "" {
		return errors.New("no data directory given")
	}
	info, err := os.Stat(dir)
	switch {
	case err == nil && !info.IsDir():
		return fmt.Errorf("data directory %s is a file, not a directory; choose another --data-dir", dir)
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create data directory %s: %w", dir, err)
		}
		return os.Chmod(dir, 0o700) // MkdirAll's mode is filtered by the umask
	default:
		return fmt.Errorf("data directory %s: %w", dir, err)
	}
}

// tighten makes a database inspect found to be mspwire's (or empty) the
// operator's alone, with its WAL and shared-memory files: it holds who
// the tenant's clients are, and which keyring entries hold the secrets.
// SQLite gives the WAL files the database's own mode.
func tighten(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Lstat(p)
		if err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, 0o600); err != nil {
			return fmt.Errorf("database %s is readable by others (mode %v) and could not be made yours alone: %w", p, info.Mode().Perm(), err)
		}
	}
	return nil
}

// ensureFile creates the database file with mode 0600 before SQLite sees it,
// so it is never readable by others, not even for a moment, and says
// whether it did. An existing file is not changed here — not its mode
// either, until inspect has found it to be ours (tighten) — and a symbolic
// link is refused, so mspwire never writes through one to a file elsewhere.
func ensureFile(path string) (created bool, err error) {
	for {
		info, err := os.Lstat(path)
		switch {
		case err == nil && info.Mode()&fs.ModeSymlink != 0:
			return false, fmt.Errorf("database %s is a symbolic link; mspwire does not follow links to its database. "+
				"Point --data-dir at the directory that holds the real file", path)
		case err == nil && !info.Mode().IsRegular():
			return false, fmt.Errorf("database %s is not a regular file", path)
		case err == nil:
			return false, nil
		case !errors.Is(err, fs.ErrNotExist):
			return false, fmt.Errorf("database %s: %w", path, err)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // another mspwire made it a moment ago
		}
		if err != nil {
			return false, fmt.Errorf("create database %s: %w", path, err)
		}
		defer f.Close()
		return true, f.Chmod(0o600) // the umask may have taken bits away; never added
	}
}

// inTx runs f in one transaction: committed when f returns nil.
func (s *Store) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.describe(err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return s.describe(tx.Commit())
}

// describe turns a driver error on the file into one that names the file
// and says what to do.
func (s *Store) describe(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"),
		strings.Contains(msg, "SQLITE_NOTADB"), strings.Contains(msg, "SQLITE_CORRUPT"):
		return fmt.Errorf("%w: %s is not a readable mspwire database (%s). It was left untouched: "+
			"move it aside to start afresh, or restore it from a backup", ErrCorrupt, s.path, msg)
	case isBusy(err):
		return fmt.Errorf("%s is busy: another mspwire has held a write lock for over %ds. "+
			"Wait for it to finish, or stop it, and try again", s.path, busyTimeoutMS/1000)
	case strings.Contains(msg, "readonly"), strings.Contains(msg, "permission denied"):
		return fmt.Errorf("%s cannot be written (%s); check the file's owner and mode", s.path, msg)
	}
	return fmt.Errorf("database %s: %w", s.path, err)
}
