package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/match"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// What Excel writes for "CSV UTF-8": a byte-order mark, CRLF, quotes
// around fields with commas or quotes, accents.
const haloExport = "\xef\xbb\xbfID,Name,Website,City\r\n" +
	"101,\"Acme Dental, Inc.\",https://www.acmedental.com,Denver\r\n" +
	"102,\"Müller \"\"Fine\"\" Bakery GmbH\",,Austin\r\n" +
	"103,Smith & Sons Plumbing,,Tulsa\r\n" +
	"104,Lonely Company,,Reno\r\n"

const itglueExport = "id,name,domain\n" +
	"9001,ACME DENTAL,acmedental.com\n" +
	"9002,\"Muller \"\"Fine\"\" Bakery\",\n" +
	"9003,Smith and Sons Plumbing LLC,\n" +
	"9004,Unrelated Widgets,\n"

func TestMatchSpreadsheetExportsAsTSV(t *testing.T) {
	left, right := write(t, "halo.csv", haloExport), write(t, "itg.csv", itglueExport)
	stdout, stderr, code := run(t, "match", "--left", left, "--right", right)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if lines[0] != "left_id\tright_id\tscore\tband\treason" || len(lines) != 4 {
		t.Fatalf("output:\n%s", stdout)
	}
	for _, want := range []string{"101\t9001\t", "102\t9002\t", "103\t9003\t"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q in:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "3 suggested") || !strings.Contains(stderr, "1 left and 1 right unmatched") {
		t.Errorf("summary: %s", stderr)
	}
}

func TestMatchAllAndFormats(t *testing.T) {
	left, right := write(t, "halo.csv", haloExport), write(t, "itg.csv", itglueExport)
	stdout, _, code := run(t, "match", "--left", left, "--right", right, "--all", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if code != 0 || err != nil || len(rows) != 6 {
		t.Fatalf("exit %d, %v, rows %v", code, err, rows)
	}
	unmatched := 0
	for _, r := range rows[1:] {
		if r[3] == "unmatched" {
			unmatched++
		}
	}
	if unmatched != 2 {
		t.Fatalf("%d unmatched rows: %v", unmatched, rows)
	}

	stdout, _, code = run(t, "match", "--left", left, "--right", right, "--all", "--format", "json")
	var res match.Result
	if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil || len(res.Suggestions) != 3 || len(res.UnmatchedLeft) != 1 {
		t.Fatalf("json: %s", stdout)
	}

	stdout, _, _ = run(t, "match", "--left", left, "--right", right, "--format", "table")
	if !strings.Contains(stdout, "101 Acme Dental, Inc.") || !strings.Contains(stdout, "BAND") {
		t.Fatalf("table:\n%s", stdout)
	}

	typo := write(t, "typo.csv", "id,name\n1,Smtih Plumbing\n")
	plain := write(t, "plain.csv", "id,name\n2,Smith Plumbing\n")
	stdout, _, _ = run(t, "match", "--left", typo, "--right", plain)
	if !strings.Contains(stdout, "1\t2\t") {
		t.Fatalf("a typo should be suggested by default:\n%s", stdout)
	}
	stdout, _, _ = run(t, "match", "--left", typo, "--right", plain, "--min-score", "0.999")
	if strings.Contains(stdout, "1\t2\t") {
		t.Fatalf("--min-score 0.999 should hide it:\n%s", stdout)
	}
}

func TestMatchBadInputIsExplained(t *testing.T) {
	good := write(t, "good.csv", itglueExport)
	cases := map[string]struct{ content, want string }{
		"missing column": {"id,company\n1,Acme\n", `line 1: no name column; the header has "id", "company"`},
		"duplicate ids":  {"id,name\n1,Acme\n2,Beta\n1,Gamma\n", `line 4: id "1" is also on line 2`},
		"empty":          {"", "is empty"},
		"header only":    {"id,name\r\n", "has a header but no companies"},
		"not csv":        {"id,name\n1,\"Acme\n2,Beta\"x\n", "not valid CSV"},
		"short row":      {"id,name,city\n1,Acme\n", "line 2: 2 fields, but the header has 3"},
		"empty name":     {"id,name\n7,\n", `line 2: the name of "7" is empty`},
		"binary":         {"id,name\n1,\xff\xfe\n", "not UTF-8"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			bad := write(t, "bad.csv", c.content)
			_, stderr, code := run(t, "match", "--left", bad, "--right", good)
			if code != 1 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, bad) {
				t.Fatalf("exit %d, stderr %q; want it to say %q and name the file", code, stderr, c.want)
			}
		})
	}
	_, stderr, code := run(t, "match", "--left", good)
	if code != 1 || !strings.Contains(stderr, "--left and --right") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, stderr, _ = run(t, "match", "--left", good, "--right", good, "--format", "xml")
	if !strings.Contains(stderr, "choose table, tsv, csv or json") {
		t.Fatalf("%s", stderr)
	}
}
