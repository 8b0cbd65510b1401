package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Every CSV mspwire writes goes through here: a spreadsheet opens it, and
// a vendor's record names are not ours to trust.

// csvCell escapes a cell a spreadsheet would run as a formula, as OWASP's
// CSV injection advice says: one that starts with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe, which spreadsheets show as
// text and do not evaluate. A plain number ("-115.00") is no formula and
// stays a number finance can add up.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) && !plainNumber.MatchString(s) {
		return "'" + s
	}
	return s
}

var plainNumber = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?$`)

// unCSVCell takes back csvCell's apostrophe, for a file mspwire reads back.
func unCSVCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// writeCSV writes rows (the header first) with every cell escaped.
func writeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = csvCell(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeCSVFile writes rows to path for the operator alone (0600): through
// a file beside it renamed into place, so a reader never sees half a file
// and a file there before, whatever its mode, is replaced. A path that is
// a symbolic link is refused: its target could be anything.
func writeCSVFile(path string, rows [][]string) error {
	if info, err := os.Lstat(path); err == nil {
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			return fmt.Errorf("%s is a symbolic link: mspwire does not write through one (its target could be any file); give the file's own path", path)
		case info.IsDir():
			return fmt.Errorf("%s is a directory: give a file name", path)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	defer os.Remove(tmp.Name()) // gone once renamed; cleans up after a failure
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := errors.Join(writeCSV(tmp, rows), tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	return nil
}
