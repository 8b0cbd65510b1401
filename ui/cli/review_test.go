package cli_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/store"
)

// reviewTenant is a data directory on path A with inventories, as an
// inventory fetch would leave it.
func reviewTenant(t *testing.T) (dir string, runIn func(args ...string) (string, string, int)) {
	t.Helper()
	dir = t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	st.SaveOnboarding(ctx, store.Onboarding{Profile: "default", Path: "A", Source: "halopsa", Answers: []byte(`{"docs_tool":"hudu"}`)})
	inv := map[string]string{
		"halopsa":  "1=Acme Dental, Inc.|2=Bayside Veterinary Clinic|3=Cedar Accounting|4=Summit Roofing|5=Zephyr Labs",
		"liongard": "10=ACME DENTAL|11=Bayside Veterinary|12=Cedar Accountants Group|13=Summit Roofing",
		"hudu":     "20=Acme Dental|21=Bayside Vet Clinic|22=Summit Roofing",
	}
	for sys, list := range inv {
		var recs []store.InventoryRecord
		for _, r := range strings.Split(list, "|") {
			id, name, _ := strings.Cut(r, "=")
			recs = append(recs, store.InventoryRecord{ExternalID: id, Name: name})
		}
		st.ReplaceRecords(ctx, "default", sys, recs)
	}
	st.Close()
	return dir, func(args ...string) (string, string, int) {
		return run(t, append([]string{"--data-dir", dir}, args...)...)
	}
}

type listed struct {
	ID    int64  `json:"id"`
	Pair  string `json:"pair"`
	Left  struct{ System, ID, Name string }
	Right *struct{ System, ID, Name string }
	Score float64
	Band  string
	State string
	Stale bool
}

func listRows(t *testing.T, run func(...string) (string, string, int), args ...string) []listed {
	t.Helper()
	stdout, stderr, code := run(append([]string{"match", "list", "--json"}, args...)...)
	var rows []listed
	if code != 0 || json.Unmarshal([]byte(stdout), &rows) != nil {
		t.Fatalf("list: exit %d: %s %s", code, stdout, stderr)
	}
	return rows
}

func find(rows []listed, pair, left string) listed {
	for _, r := range rows {
		if r.Pair == pair && r.Left.ID == left {
			return r
		}
	}
	return listed{}
}

// A script reviews the tenant's matches with the twins of the screen.
func TestReviewFromTheCommandLine(t *testing.T) {
	_, run := reviewTenant(t)
	if _, stderr, code := run("match", "suggest"); code != 0 || !strings.Contains(stderr, "halopsa:liongard") || !strings.Contains(stderr, "to review") {
		t.Fatalf("suggest: exit %d: %s", code, stderr)
	}
	rows := listRows(t, run)
	if len(rows) != 10 || find(rows, "halopsa:hudu", "1").Right == nil || find(rows, "halopsa:liongard", "5").Right != nil {
		t.Fatalf("rows: %+v", rows)
	}
	if _, stderr, code := run("match", "accept", "--band", "strong"); code != 0 || !strings.Contains(stderr, "Accepted") {
		t.Fatalf("accept strong: %s", stderr)
	}
	rows = listRows(t, run, "--state", "accepted")
	if len(rows) == 0 {
		t.Fatal("nothing accepted")
	}
	all := listRows(t, run, "--pair", "halopsa:liongard")
	cedar, zephyr, bayside := find(all, "halopsa:liongard", "3"), find(all, "halopsa:liongard", "5"), find(all, "halopsa:liongard", "2")
	for _, c := range [][]string{
		{"match", "remap", strconv.FormatInt(cedar.ID, 10), "--to", "12"},
		{"match", "new", strconv.FormatInt(zephyr.ID, 10)},
		{"match", "reject", strconv.FormatInt(bayside.ID, 10)},
	} {
		if _, stderr, code := run(c...); code != 0 {
			t.Fatalf("%v: %s", c, stderr)
		}
	}
	if _, stderr, code := run("match", "undo"); code != 0 || !strings.Contains(stderr, "1 row") {
		t.Fatalf("undo: %s", stderr)
	}
	all = listRows(t, run, "--pair", "halopsa:liongard")
	if find(all, "halopsa:liongard", "3").State != "remapped" || find(all, "halopsa:liongard", "5").State != "create" || find(all, "halopsa:liongard", "2").State == "rejected" {
		t.Fatalf("after undo: %+v", all)
	}
	for _, bad := range [][]string{{"match", "accept", "999999"}, {"match", "remap", strconv.FormatInt(cedar.ID, 10), "--to", "nope"}, {"match", "accept", "x"}, {"match", "list", "--band", "great"}} {
		if _, stderr, code := run(bad...); code != 1 || stderr == "" {
			t.Errorf("%v: exit %d: %s", bad, code, stderr)
		}
	}
}

// export then import of the same file changes nothing; a file with one bad
// line changes nothing; a good edit applies as one action.
func TestExportImportRoundTrip(t *testing.T) {
	dir, run := reviewTenant(t)
	run("match", "suggest")
	run("match", "accept", "--band", "strong")
	file := dir + "/review.csv"
	if _, stderr, code := run("match", "export", file); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	before, _, _ := run("match", "list", "--json")
	if _, stderr, code := run("match", "import", file); code != 0 || !strings.Contains(stderr, "changes nothing") {
		t.Fatalf("import unchanged: exit %d: %s", code, stderr)
	}
	after, _, _ := run("match", "list", "--json")
	if before != after {
		t.Fatal("importing the export changed the review")
	}

	raw, _ := os.ReadFile(file)
	recs, _ := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, r := range recs[1:] {
		switch {
		case r[col["pair"]] == "halopsa:liongard" && r[col["left_id"]] == "5":
			r[col["decision"]] = "create"
		case r[col["pair"]] == "halopsa:liongard" && r[col["left_id"]] == "3":
			r[col["decision"]], r[col["right_id"]] = "remapped", "12"
		case r[col["pair"]] == "halopsa:hudu" && r[col["left_id"]] == "2":
			r[col["decision"]] = "maybe" // a bad line
		}
	}
	writeCSV(t, file, recs)
	_, stderr, code := run("match", "import", file)
	if code != 1 || !strings.Contains(stderr, "nothing was applied") || !strings.Contains(stderr, `decision "maybe"`) || !strings.Contains(stderr, "line ") {
		t.Fatalf("bad import: exit %d: %s", code, stderr)
	}
	if again, _, _ := run("match", "list", "--json"); again != before {
		t.Fatal("an import with a bad line changed the review")
	}
	for _, r := range recs[1:] {
		if r[col["decision"]] == "maybe" {
			r[col["decision"]] = "ignore"
		}
	}
	writeCSV(t, file, recs)
	if _, stderr, code := run("match", "import", file); code != 0 || !strings.Contains(stderr, "Applied 3 decision(s)") {
		t.Fatalf("good import: exit %d: %s", code, stderr)
	}
	rows := listRows(t, run)
	if find(rows, "halopsa:liongard", "5").State != "create" || find(rows, "halopsa:liongard", "3").Right.ID != "12" || find(rows, "halopsa:hudu", "2").State != "ignore" {
		t.Fatalf("after import: %+v", rows)
	}
	if _, stderr, _ := run("match", "undo"); !strings.Contains(stderr, "3 row") {
		t.Fatalf("an import is one action to undo: %s", stderr)
	}
}

func writeCSV(t *testing.T, path string, recs [][]string) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(recs)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
