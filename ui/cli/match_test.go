package cli_test

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mspwire/mspwire/ui/cli"

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

// The candidates are every right company worth a look (score 0.4 and up),
// at most K, best first: "Acme Plumbing" is not one.
func TestMatchCandidatesListsTheBestRightCompaniesPerLeftOne(t *testing.T) {
	left := write(t, "halo.csv", "id,name\n1,Acme Dental\n2,Bayside Veterinary Clinic\n")
	right := write(t, "docs.csv", "id,name\n10,ACME DENTAL - MAIN OFFICE\n11,Acme Dental Lab\n12,Acme Plumbing\n13,Bayside Veterinary\n14,Bayside Vet Supplies\n")
	stdout, stderr, code := run(t, "match", "--left", left, "--right", right, "--candidates", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err == nil {
		for i := range rows {
			rows[i] = strings.Split(strings.Join(rows[i], ","), "\t")
		}
	}
	if err != nil || strings.Join(rows[0], ",") != "left_id,right_id,score,rank,band,reason" {
		t.Fatalf("%v\n%s", err, stdout)
	}
	ranks := map[string][]string{}
	for _, r := range rows[1:] {
		ranks[r[0]] = append(ranks[r[0]], r[3]+":"+r[1])
	}
	if got := strings.Join(ranks["1"], " "); got != "1:10 2:11" {
		t.Errorf("Acme Dental's candidates, best first: %s", got)
	}
	if got := ranks["2"]; len(got) == 0 || got[0] != "1:13" {
		t.Errorf("Bayside's candidates: %v", got)
	}
}

func TestMatchRefusesWhatIsNotACompanyList(t *testing.T) {
	good := write(t, "good.csv", itglueExport)
	huge := write(t, "huge.csv", "id,name\n1,Acme\n2,"+strings.Repeat("Acme ", 20_000)+"\n")
	binary := write(t, "binary.csv", "id,name\n1,Acme\n2,Be\x00ta\n")
	for _, c := range []struct{ file, want string }{
		{"/dev/zero", "line 1 holds binary data"},
		{binary, "line 3 holds binary data"},
		{huge, "line 3 is over 64 KiB long"},
		{write(t, "long.csv", "id,name\n1,"+strings.Repeat("x", 5000)+"\n"), "line 2: a field of 5000 characters"},
		{t.TempDir(), "is a directory"},
	} {
		_, stderr, code := run(t, "match", "--left", c.file, "--right", good)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want %q", c.file, code, stderr, c.want)
		}
	}
	for _, bad := range [][]string{{"--min-score", "NaN"}, {"--min-score", "-1"}, {"--candidates", "-2"}, {"--candidates", "1000"}} {
		_, stderr, code := run(t, append([]string{"match", "--left", good, "--right", good}, bad...)...)
		if code != 1 || !strings.Contains(stderr, bad[0]) {
			t.Errorf("%v: exit %d, %q", bad, code, stderr)
		}
	}
}

func TestMatchStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	var l, r strings.Builder
	l.WriteString("id,name\n")
	r.WriteString("id,name\n")
	for i := range 80_000 { // seconds of work if nothing stops it
		fmt.Fprintf(&l, "%d,Company %d Dental Group %d\n", i, i%977, i)
		fmt.Fprintf(&r, "%d,COMPANY %d DENTAL %d LLC\n", i, i%977, i)
	}
	left, right := filepath.Join(dir, "l.csv"), filepath.Join(dir, "r.csv")
	os.WriteFile(left, []byte(l.String()), 0o600)
	os.WriteFile(right, []byte(r.String()), 0o600)
	cmd := helperProcess("match", "--left", left, "--right", right)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Once it says it is matching, stop it as a service manager would.
	lines := bufio.NewScanner(stderr)
	for lines.Scan() && !strings.Contains(lines.Text(), "Ctrl+C stops") {
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != cli.ExitCancelled || !strings.Contains(rest.String(), "cancelled") {
		t.Fatalf("after SIGTERM: %v, %s", err, rest.String())
	}
}
