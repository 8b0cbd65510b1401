package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mspwire/mspwire/flows/match"
	"github.com/mspwire/mspwire/flows/plural"
)

// columns a company list may have; header names are case-insensitive.
var (
	idColumns     = []string{"id"}
	nameColumns   = []string{"name"}
	domainColumns = []string{"domain", "website"}
	cityColumns   = []string{"city"}
	extColumns    = []string{"external_id"}
)

// Bounds on a company list, so a wrong file (a disk image, /dev/zero, a
// database dump) is refused in a moment instead of filling the memory.
const (
	maxListBytes   = 64 << 20 // 64 MiB: about a million companies
	maxListRecords = 150_000  // far more clients than any MSP has; matching two such lists stays under 1 GB
	maxLineBytes   = 64 << 10
	maxFieldRunes  = 1000 // no company name or website is longer
)

// readCompanies reads a CSV a spreadsheet exported: a header, then rows;
// a UTF-8 byte-order mark, CRLF line ends and quoted fields are fine.
// It reads as it goes, within the bounds above, and stops when ctx ends.
// Every problem names the file and the line.
func readCompanies(ctx context.Context, path string) ([]match.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return nil, fmt.Errorf("%s is a directory: give the CSV file exported from the system", path)
	}
	guard := &lineGuard{r: bufio.NewReaderSize(f, 64<<10), path: path, line: 1}
	if bom, _ := guard.r.Peek(3); string(bom) == "\xef\xbb\xbf" {
		_, _ = guard.r.Discard(3)
	}
	r := csv.NewReader(guard)
	r.FieldsPerRecord = -1 // checked below, with a clearer message
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s is empty: it needs a header line with at least id and name, then one line per company", path)
	}
	if err != nil {
		return nil, csvError(path, err)
	}
	if err := checkText(path, 1, header); err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	find := func(names []string) int {
		for _, n := range names {
			if i, ok := col[n]; ok {
				return i
			}
		}
		return -1
	}
	idCol, nameCol := find(idColumns), find(nameColumns)
	if idCol < 0 || nameCol < 0 {
		missing := []string{}
		if idCol < 0 {
			missing = append(missing, "id")
		}
		if nameCol < 0 {
			missing = append(missing, "name")
		}
		return nil, fmt.Errorf("%s line 1: no %s column; the header has %s (needed: id, name; optional: domain or website, city, external_id)",
			path, strings.Join(missing, " or "), quoteList(header))
	}
	domainCol, cityCol, extCol := find(domainColumns), find(cityColumns), find(extColumns)

	var out []match.Record
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(path, err)
		}
		line, _ := r.FieldPos(0)
		if line%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if err := checkText(path, line, rec); err != nil {
			return nil, err
		}
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s line %d: %s, but the header has %d", path, line, plural.N(len(rec), "field", "fields"), len(header))
		}
		get := func(i int) string {
			if i < 0 {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		c := match.Record{ID: get(idCol), Name: get(nameCol), Domain: get(domainCol), City: get(cityCol), ExternalID: get(extCol)}
		switch {
		case c.ID == "":
			return nil, fmt.Errorf("%s line %d: the id is empty", path, line)
		case c.Name == "":
			return nil, fmt.Errorf("%s line %d: the name of %q is empty", path, line, c.ID)
		}
		if first, dup := seen[c.ID]; dup {
			return nil, fmt.Errorf("%s line %d: id %q is also on line %d; ids must be unique", path, line, c.ID, first)
		}
		if len(out) == maxListRecords {
			return nil, fmt.Errorf("%s line %d: more than %s; mspwire matches lists of up to %d, so split the file", path, line, plural.N(maxListRecords, "company", "companies"), maxListRecords)
		}
		seen[c.ID] = line
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has a header but no companies", path)
	}
	return out, nil
}

// checkText refuses fields that are not text, or too long to be a name.
func checkText(path string, line int, fields []string) error {
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return fmt.Errorf("%s line %d is not UTF-8 text: save it from the spreadsheet as \"CSV UTF-8\"", path, line)
		}
		if n := utf8.RuneCountInString(f); n > maxFieldRunes {
			return fmt.Errorf("%s line %d: a field of %d characters; names, websites and ids are at most %d. Is this the exported company list?",
				path, line, n, maxFieldRunes)
		}
	}
	return nil
}

// lineGuard passes a file through while it looks like text: it fails on a
// NUL byte, a line longer than maxLineBytes or a file larger than
// maxListBytes, naming the line.
type lineGuard struct {
	r     *bufio.Reader
	path  string
	line  int
	inRow int // bytes since the last newline
	total int
}

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, b := range p[:n] {
		switch b {
		case 0:
			return 0, fmt.Errorf("%s line %d holds binary data (a NUL byte): it is not a CSV export", g.path, g.line)
		case '\n':
			g.line++
			g.inRow = 0
		default:
			g.inRow++
			if g.inRow > maxLineBytes {
				return 0, fmt.Errorf("%s line %d is over %d KiB long: it is not a company list", g.path, g.line, maxLineBytes>>10)
			}
		}
	}
	g.total += n
	if g.total > maxListBytes {
		return 0, fmt.Errorf("%s is over %d MiB: too large for a company list (at most %s)", g.path, maxListBytes>>20, plural.N(maxListRecords, "company", "companies"))
	}
	return n, err
}

func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Errorf("%s line %d: not valid CSV (%v); export the sheet as CSV with a header line", path, pe.Line, pe.Err)
		}
		return pe.Err // our guard's own message
	}
	if strings.HasPrefix(err.Error(), path) {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
