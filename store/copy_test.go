package store_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/mspwire/mspwire/store"
)

// copyDir copies a data directory's files as cp -a would.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(from)
	for _, e := range entries {
		src, err := os.Open(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.OpenFile(filepath.Join(to, e.Name()), os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
}

// A data directory copied with cp -a is told apart from its original: the
// copy gets an id of its own (so its logins never touch the original's
// keyring entries) and says where it came from; the original keeps its id.
// A directory moved, not copied, keeps its id: its secrets still work.
func TestACopiedDataDirectoryGetsItsOwnID(t *testing.T) {
	root := t.TempDir()
	original := filepath.Join(root, "original")
	st, err := store.Open(ctx, original)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureProfile(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	id := st.ID()
	st.Close()

	copied := filepath.Join(root, "copy")
	copyDir(t, original, copied)
	cp, err := store.Open(ctx, copied)
	if err != nil {
		t.Fatal(err)
	}
	if cp.ID() == id || cp.CopiedFrom() != original {
		t.Fatalf("the copy has id %s (the original's is %s), copied from %q", cp.ID(), id, cp.CopiedFrom())
	}
	log, _ := cp.AuditLog(ctx, "acme")
	if len(log) == 0 || log[len(log)-1].Event != "data_dir.copied" {
		t.Fatalf("the copy's audit trail does not say so: %+v", log)
	}
	copyID := cp.ID()
	cp.Close()
	again, err := store.Open(ctx, copied)
	if err != nil || again.ID() != copyID || again.CopiedFrom() != "" {
		t.Fatalf("the copy opened again: id %s, copied from %q, %v", again.ID(), again.CopiedFrom(), err)
	}
	again.Close()
	orig, err := store.Open(ctx, original)
	if err != nil || orig.ID() != id || orig.CopiedFrom() != "" {
		t.Fatalf("the original: id %s, want %s; copied from %q; %v", orig.ID(), id, orig.CopiedFrom(), err)
	}
	orig.Close()

	moved := filepath.Join(root, "moved")
	if err := os.Rename(original, moved); err != nil {
		t.Fatal(err)
	}
	mv, err := store.Open(ctx, moved)
	if err != nil || mv.ID() != id || mv.CopiedFrom() != "" {
		t.Fatalf("moved: id %s, want %s; copied from %q; %v", mv.ID(), id, mv.CopiedFrom(), err)
	}
	mv.Close()
}

// A database found with its mode open to others — made by hand, or by an
// older mspwire — is the operator's alone once opened, WAL files too.
func TestAnOpenDatabaseIsMadeTheOperatorsAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.FileName)
	if err := os.WriteFile(path, nil, 0o644); err != nil { // empty: an earlier run stopped before SQLite wrote
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	os.Chmod(path, 0o644)
	st, err = store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if info, err := os.Stat(p); err == nil && info.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v", filepath.Base(p), info.Mode().Perm())
		}
	}
}

// cp -a a data directory, then rename the original before either runs:
// neither directory's home is where it was recorded, yet the renamed
// original keeps its id (the same file, moved) and the copy gets its own,
// whichever runs first. Two live directories never share keyring entries.
func TestACopyIsToldFromTheOriginalRenamedBeforeEitherRan(t *testing.T) {
	for _, copyFirst := range []bool{false, true} {
		root := t.TempDir()
		original := filepath.Join(root, "original")
		st, err := store.Open(ctx, original)
		if err != nil {
			t.Fatal(err)
		}
		id := st.ID()
		st.Close()
		copied, renamed := filepath.Join(root, "copy"), filepath.Join(root, "renamed")
		copyDir(t, original, copied)
		if err := os.Rename(original, renamed); err != nil {
			t.Fatal(err)
		}
		order := []string{renamed, copied}
		if copyFirst {
			order = []string{copied, renamed}
		}
		ids := map[string]string{}
		for _, dir := range order {
			s, err := store.Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			ids[dir] = s.ID()
			s.Close()
		}
		if ids[renamed] != id || ids[copied] == id {
			t.Fatalf("copy opened first %v: the renamed original has id %s, the copy %s; the original's was %s", copyFirst, ids[renamed], ids[copied], id)
		}
	}
}
