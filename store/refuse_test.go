package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/store"
)

// refused opens dir, expects the error kind and words, and checks that the
// database file is byte for byte what it was, with no journal beside it.
func refused(t *testing.T, dir string, kind error, words ...string) {
	t.Helper()
	path := filepath.Join(dir, store.FileName)
	before, beforeInfo := readFile(t, path), lstat(t, path)
	_, err := store.Open(ctx, dir)
	if !errors.Is(err, kind) {
		t.Fatalf("err = %v, want %v", err, kind)
	}
	for _, w := range append(words, path, "untouched") {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Error("the refused file changed")
	}
	if after := lstat(t, path); after.Mode() != beforeInfo.Mode() || !after.ModTime().Equal(beforeInfo.ModTime()) {
		t.Errorf("the refused file's mode or time changed: %v %v -> %v %v", beforeInfo.Mode(), beforeInfo.ModTime(), after.Mode(), after.ModTime())
	}
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Lstat(path + side); err == nil {
			t.Errorf("refusing the file left %s beside it", side)
		}
	}
}

func lstat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// rollbackDB makes a database in rollback-journal mode, the way most
// programs leave theirs, with the given statements.
func rollbackDB(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db := rawDB(t, path)
	for _, stmt := range append([]string{"PRAGMA journal_mode = DELETE"}, stmts...) {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()
}

func TestNewerSchemaInRollbackModeIsLeftByteForByte(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	newer := store.SchemaVersion() + 1
	rollbackDB(t, path, "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA journal_mode = DELETE", fmt.Sprintf("PRAGMA user_version = %d", newer))
	refused(t, dir, store.ErrNewerSchema, fmt.Sprintf("schema version %d", newer), "upgrade mspwire")
}

func TestAnotherProgramsDatabaseIsRefused(t *testing.T) {
	t.Run("no marks, unknown tables", func(t *testing.T) {
		dir := t.TempDir()
		rollbackDB(t, filepath.Join(dir, store.FileName), "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL)", "INSERT INTO invoices VALUES (1, 9.5)")
		refused(t, dir, store.ErrForeign, "another program", "invoices")
	})
	t.Run("another application id", func(t *testing.T) {
		dir := t.TempDir()
		rollbackDB(t, filepath.Join(dir, store.FileName), "PRAGMA application_id = 1234", "CREATE TABLE profiles(name TEXT)", "CREATE TABLE audit(id INTEGER)")
		refused(t, dir, store.ErrForeign, "its application id is 0x4d2")
	})
}

// Junk over pages 2 and 3 of a real mspwire database: refused on open, not
// read without complaint.
func TestDamagedDatabaseIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if err := s.Audit(ctx, store.AuditEntry{Profile: "p", Actor: "a", Event: "e", Detail: map[string]any{"i": i, "pad": strings.Repeat("x", 200)}}); err != nil {
			t.Fatal(err)
		}
	}
	path := s.Path()
	s.Close()
	rollbackDB(t, path, "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA journal_mode = DELETE")
	raw := readFile(t, path)
	pageSize := 4096
	if len(raw) < 4*pageSize {
		t.Fatalf("database only %d bytes", len(raw))
	}
	for i := pageSize; i < 3*pageSize; i++ {
		raw[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	refused(t, dir, store.ErrCorrupt)
}

func TestSymlinkedDatabaseIsRefusedAndItsTargetLeftAlone(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "notes.txt")
	if err := os.WriteFile(target, []byte("my notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, store.FileName)); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(ctx, dir)
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("err = %v", err)
	}
	if string(readFile(t, target)) != "my notes\n" {
		t.Error("the link's target was written")
	}
	assertMode(t, target, 0o644)
}

func TestTextFileIsRefusedAndKeepsItsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.FileName)
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	refused(t, dir, store.ErrCorrupt)
	assertMode(t, path, 0o644)
}

func TestEachDataDirectoryHasItsOwnLastingID(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	ids := map[string]string{}
	for _, dir := range []string{a, b, a} {
		s, err := store.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := ids[dir]; ok && prev != s.ID() {
			t.Errorf("%s changed its id: %s -> %s", dir, prev, s.ID())
		}
		ids[dir] = s.ID()
		s.Close()
	}
	if ids[a] == "" || ids[a] == ids[b] {
		t.Fatalf("ids %v", ids)
	}
}
