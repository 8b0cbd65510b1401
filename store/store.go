// Package store keeps mspwire's local state in one SQLite file per data
// directory, and (in keyring.go) its secrets in the OS keyring. SQLite never
// holds a secret: a connection row names the keyring entry instead.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// Store is an open mspwire database.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens (creating if needed) the database in dir and brings its schema
// up to date. A file from a newer mspwire or a corrupt file is refused and
// left exactly as it was.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName)
	if err := ensureFile(path); err != nil {
		return nil, err
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
	return s, nil
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

// ensureFile creates the database file with mode 0600 before SQLite sees it,
// so it is never readable by others, not even for a moment. SQLite gives its
// -wal and -shm files the same mode.
func ensureFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("database %s is not a regular file", path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("restrict database %s to its owner: %w", path, err)
		}
	}
	return nil
}

// describe turns a driver error on the file into one that names the file
// and says what to do.
func (s *Store) describe(err error) error {
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
