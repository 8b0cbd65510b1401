package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mspwire/mspwire/flows/match"
)

// columns a company list may have; header names are case-insensitive.
var (
	idColumns     = []string{"id"}
	nameColumns   = []string{"name"}
	domainColumns = []string{"domain", "website"}
	cityColumns   = []string{"city"}
	extColumns    = []string{"external_id"}
)

// readCompanies reads a CSV a spreadsheet exported: a header, then rows;
// a UTF-8 byte-order mark, CRLF line ends and quoted fields are fine.
// Every problem names the file and the line.
func readCompanies(path string) ([]match.Record, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%s is empty: it needs a header line with at least id and name, then one line per company", path)
	}
	if !utf8.Valid(raw) {
		return nil, fmt.Errorf("%s is not UTF-8 text: save it from the spreadsheet as \"CSV UTF-8\"", path)
	}
	r := csv.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	r.FieldsPerRecord = -1 // checked below, with a clearer message
	header, err := r.Read()
	if err != nil {
		return nil, csvError(path, err)
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
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s line %d: %d fields, but the header has %d", path, line, len(rec), len(header))
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
		seen[c.ID] = line
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has a header but no companies", path)
	}
	return out, nil
}

func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s line %d: not valid CSV (%v); export the sheet as CSV with a header line", path, pe.Line, pe.Err)
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
