package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
)

var ctx = context.Background()

func TestOpenEmptyDirCreatesPrivateFileAtLatestSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	assertMode(t, dir, 0o700)
	assertMode(t, s.Path(), 0o600)
	if err := s.EnsureProfile(ctx, "default"); err != nil {
		t.Fatal(err) // a write, so the WAL file exists
	}
	assertMode(t, s.Path()+"-wal", 0o600)

	db := rawDB(t, s.Path())
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != store.SchemaVersion() || version < 1 {
		t.Fatalf("user_version = %d, want %d", version, store.SchemaVersion())
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q (%v), want wal", mode, err)
	}
	for _, table := range []string{"profiles", "connections", "audit"} {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s missing (%v)", table, err)
		}
	}
}

func TestReopenKeepsDataAndRunsNoMigrationTwice(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveConnection(ctx, store.Connection{Profile: "acme", System: "hudu", BaseURL: "https://docs.example.com", KeyringRef: "mspwire:acme/hudu/api_key"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = store.Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	c, err := s.Connection(ctx, "acme", "hudu")
	if err != nil || c.BaseURL != "https://docs.example.com" {
		t.Fatalf("after reopen: %+v, %v", c, err)
	}
}

func TestNewerSchemaIsRefusedAndLeftUntouched(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	newer := store.SchemaVersion() + 3
	db := rawDB(t, path)
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", newer)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := readFile(t, path)

	_, err = store.Open(ctx, dir)
	if !errors.Is(err, store.ErrNewerSchema) {
		t.Fatalf("err = %v, want ErrNewerSchema", err)
	}
	for _, want := range []string{path, "schema version " + strconv.Itoa(newer), "upgrade mspwire"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Fatal("refusing a newer database changed the file")
	}
}

func TestCorruptFileGivesClearErrorAndIsNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.FileName)
	garbage := make([]byte, 8192)
	if _, err := rand.Read(garbage); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}

	_, err := store.Open(ctx, dir)
	if !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "left untouched") {
		t.Errorf("error %q should name %s and say it was left untouched", err, path)
	}
	if !bytes.Equal(garbage, readFile(t, path)) {
		t.Fatal("a corrupt file was modified")
	}
}

func TestDataDirThatIsAFileIsExplained(t *testing.T) {
	file := filepath.Join(t.TempDir(), "notadir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(ctx, file)
	if err == nil || !strings.Contains(err.Error(), "is a file, not a directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectionsRoundTripAndTimes(t *testing.T) {
	s := storetest.Open(t)
	c := store.Connection{
		Profile: "acme", System: "halopsa", BaseURL: "https://acme.halopsa.com",
		Identifiers: map[string]string{"client_id": "abc-123", "tenant": "acme"},
		KeyringRef:  "mspwire:acme/halopsa/client_secret",
	}
	if err := s.SaveConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	verified := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if err := s.MarkVerified(ctx, "acme", "halopsa", verified); err != nil {
		t.Fatal(err)
	}
	got, err := s.Connection(ctx, "acme", "halopsa")
	if err != nil {
		t.Fatal(err)
	}
	if got.Identifiers["client_id"] != "abc-123" || got.Identifiers["tenant"] != "acme" || !got.VerifiedAt.Equal(verified) || !got.RotatedAt.IsZero() || got.CreatedAt.IsZero() {
		t.Fatalf("got %+v", got)
	}
	if err := s.MarkRotated(ctx, "acme", "itglue", verified); !errors.Is(err, store.ErrNoConnection) {
		t.Fatalf("marking a missing connection: %v", err)
	}
	if err := s.DeleteConnection(ctx, "acme", "halopsa"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Connection(ctx, "acme", "halopsa"); !errors.Is(err, store.ErrNoConnection) {
		t.Fatalf("after delete: %v", err)
	}
}

// The store keeps a connection to any system an adapter is registered for
// (which systems exist is flows/adapter's to say), but never one without a
// system or a profile of a bad name.
func TestNamelessSystemAndBadProfileAreRefused(t *testing.T) {
	s := storetest.Open(t)
	if err := s.SaveConnection(ctx, store.Connection{Profile: "acme", System: "", BaseURL: "https://x", KeyringRef: "r"}); err == nil {
		t.Fatal("a connection without a system was stored")
	}
	if err := s.SaveConnection(ctx, store.Connection{Profile: "acme", System: "autotask", BaseURL: "https://x", KeyringRef: "r"}); err != nil {
		t.Fatalf("a fifth vendor's connection: %v", err)
	}
	for _, bad := range []string{"", "Acme", "a/b", "-x", strings.Repeat("a", 64)} {
		if err := s.EnsureProfile(ctx, bad); err == nil {
			t.Errorf("profile %q accepted", bad)
		}
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	s := storetest.Open(t)
	if err := s.Audit(ctx, store.AuditEntry{Profile: "acme", Actor: "operator", Event: "connection.verified", Detail: map[string]any{"system": "hudu"}}); err != nil {
		t.Fatal(err)
	}
	log, err := s.AuditLog(ctx, "acme")
	if err != nil || len(log) != 1 || log[0].Detail["system"] != "hudu" || log[0].Event != "connection.verified" {
		t.Fatalf("audit log %+v, %v", log, err)
	}
	db := rawDB(t, s.Path())
	if _, err := db.Exec("UPDATE audit SET event = 'forged'"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update of the audit log: %v", err)
	}
	if _, err := db.Exec("DELETE FROM audit"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("delete from the audit log: %v", err)
	}
}

// Two processes writing at once must queue on the lock, not fail with
// "database is locked". The second process is this test binary re-run.
func TestTwoProcessesWriteAtOnce(t *testing.T) {
	const perProcess = 300
	dir := t.TempDir()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	var procs []*exec.Cmd
	var outs []*bytes.Buffer
	for i := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
		cmd.Env = append(os.Environ(), "MSPWIRE_TEST_WRITER_DIR="+dir, "MSPWIRE_TEST_WRITER_ID="+strconv.Itoa(i), "MSPWIRE_TEST_WRITER_N="+strconv.Itoa(perProcess))
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs, outs = append(procs, cmd), append(outs, out)
	}
	for i, cmd := range procs {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer %d failed: %v\n%s", i, err, outs[i])
		}
	}

	s, err = store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	log, err := s.AuditLog(ctx, "race")
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2*perProcess {
		t.Fatalf("%d audit rows, want %d", len(log), 2*perProcess)
	}
}

// TestHelperWriter is the body of each writer process above; it does
// nothing in a normal run.
func TestHelperWriter(t *testing.T) {
	dir := os.Getenv("MSPWIRE_TEST_WRITER_DIR")
	if dir == "" {
		t.Skip("helper process for TestTwoProcessesWriteAtOnce")
	}
	id := os.Getenv("MSPWIRE_TEST_WRITER_ID")
	n, _ := strconv.Atoi(os.Getenv("MSPWIRE_TEST_WRITER_N"))
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range n {
		if err := s.Audit(ctx, store.AuditEntry{Profile: "race", Actor: "writer" + id, Event: "tick", Detail: map[string]any{"i": i}}); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		if err := s.SaveConnection(ctx, store.Connection{Profile: "race", System: "hudu", BaseURL: "https://h" + id, KeyringRef: "r"}); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
	}
}

// Two processes opening a brand-new file at once must not both migrate it.
func TestConcurrentFirstOpen(t *testing.T) {
	for range 5 {
		dir := t.TempDir()
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				s, err := store.Open(ctx, dir)
				if err == nil {
					s.Close()
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatalf("concurrent first open: %v", err)
			}
		}
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", path, got, want)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rawDB opens the file directly, as another tool (or an attacker) would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A file from the first release is upgraded in place, its rows kept.
func TestUpgradeFromSchemaOneKeepsData(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.FileName)
	v1, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	for _, stmt := range []string{string(v1), "PRAGMA user_version = 1",
		"INSERT INTO profiles VALUES ('acme', '2026-01-01T00:00:00Z')",
		"INSERT INTO connections(profile, system, base_url, keyring_ref, created_at) VALUES ('acme', 'hudu', 'https://docs.acme.example', 'r', '2026-01-01T00:00:00Z')"} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Connection(ctx, "acme", "hudu")
	if err != nil || c.BaseURL != "https://docs.acme.example" || c.ActsAs != "" {
		t.Fatalf("%+v %v", c, err)
	}
	for range 2 { // the same occasion twice: one item
		if err := s.AddChecklist(ctx, "acme", "hudu", "rotation", "rotation:1", []string{"revoke the old key"}); err != nil {
			t.Fatal(err)
		}
	}
	items, err := s.Checklist(ctx, "acme")
	if err != nil || len(items) != 1 || !items[0].DoneAt.IsZero() {
		t.Fatalf("%+v %v", items, err)
	}
	if err := s.TickChecklist(ctx, "acme", items[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.TickChecklist(ctx, "acme", items[0].ID); err == nil {
		t.Fatal("ticked twice")
	}
}

func TestLastEventPerSystem(t *testing.T) {
	s := storetest.Open(t)
	for _, e := range []store.AuditEntry{
		{Profile: "p", Actor: "a", Event: "rotation.started", Detail: map[string]any{"system": "halopsa"}},
		{Profile: "p", Actor: "a", Event: "rotation.done", Detail: map[string]any{"system": "halopsa"}},
		{Profile: "p", Actor: "a", Event: "rotation.started", Detail: map[string]any{"system": "hudu"}},
		{Profile: "p", Actor: "a", Event: "connection.saved", Detail: map[string]any{"system": "hudu"}},
		{Profile: "q", Actor: "a", Event: "rotation.done", Detail: map[string]any{"system": "hudu"}},
	} {
		if err := s.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for system, want := range map[string]string{"halopsa": "rotation.done", "hudu": "rotation.started", "itglue": ""} {
		if got, _, err := s.LastEvent(ctx, "p", "rotation.", system); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", system, got, err, want)
		}
	}
}

// A choice of "" clears a row's choice, audited as such.
func TestABillingChoiceCanBeCleared(t *testing.T) {
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	one := 1
	if err := st.SaveBillingChoices(ctx, "default", []store.BillingChoice{{RowID: "12:m365", Choice: "ticket", Billed: &one, DecidedBy: "operator:test"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveBillingChoices(ctx, "default", []store.BillingChoice{{RowID: "12:m365", DecidedBy: "operator:test"}}); err != nil {
		t.Fatal(err)
	}
	cs, err := st.BillingChoices(ctx, "default")
	if err != nil || len(cs) != 0 {
		t.Fatalf("after clearing: %v %v", cs, err)
	}
	log, _ := st.AuditLog(ctx, "default")
	if len(log) == 0 || log[len(log)-1].Event != "billing.cleared" {
		t.Fatalf("not audited: %+v", log)
	}
}
