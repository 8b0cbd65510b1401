package store_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mspwire/mspwire/store"
)

// A process killed in the middle of a WAL checkpoint leaves a main file
// whose pages are part old, part new; only together with the WAL is it
// whole. Opening must read it through the WAL and keep every row, not call
// it damaged. This is what a SIGKILL during `mspwire apply` left in CI.
func TestKilledDuringCheckpointOpensWithEveryRow(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close() // checkpoints: the main file is whole and the WAL is gone

	db := rawDB(t, path)
	db.SetMaxOpenConns(1)
	mustExec(t, db, "PRAGMA journal_mode = WAL", "PRAGMA wal_autocheckpoint = 0")
	const rows = 3000
	insert := func(from, to int) {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for i := from; i < to; i++ {
			if _, err := tx.Exec("INSERT INTO audit (at, profile, actor, event, detail) VALUES (?, 'acme', 'op', 'test', ?)",
				fmt.Sprintf("2026-11-28T00:00:%04dZ", i), fmt.Sprintf(`{"row": "%d %0200d"}`, i, i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	insert(0, rows/2)
	mustExec(t, db, "PRAGMA wal_checkpoint(TRUNCATE)")
	before := readFile(t, path)
	insert(rows/2, rows) // grows the b-trees: their inner pages change
	wal := readFile(t, path+"-wal")
	mustExec(t, db, "PRAGMA wal_checkpoint(PASSIVE)") // copies pages; leaves the WAL as it was
	after := readFile(t, path)

	// The torn file: the checkpoint wrote the new first page and every
	// other page after it, then the process died. Which pages the b-trees
	// hold depends on the schema, so the old pages are the even ones or,
	// if that leaves the file whole, the odd ones.
	const page = 4096
	crashed := t.TempDir()
	cpath := filepath.Join(crashed, store.FileName)
	torn := false
	for _, first := range []int{2, 1} {
		file := append([]byte(nil), after...)
		for off := first * page; off+page <= len(before); off += 2 * page {
			copy(file[off:off+page], before[off:off+page])
		}
		if err := os.WriteFile(cpath, file, 0o600); err != nil {
			t.Fatal(err)
		}
		if quickCheckIgnoringWAL(t, cpath) != "ok" {
			torn = true
			break
		}
	}
	if !torn {
		t.Fatal("the torn file reads whole without its WAL: the test simulates nothing")
	}
	if err := os.WriteFile(cpath+"-wal", wal, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(ctx, crashed)
	if err != nil {
		t.Fatalf("open after a killed checkpoint: %v", err)
	}
	defer s.Close()
	log, err := s.AuditLog(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Event == "test" {
			n++
		}
	}
	if n != rows {
		t.Fatalf("%d of %d rows after reopening", n, rows)
	}
}

func mustExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// quickCheckIgnoringWAL is what an immutable read of the main file sees.
func quickCheckIgnoringWAL(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA quick_check(1)").Scan(&check); err != nil {
		return err.Error()
	}
	return check
}
