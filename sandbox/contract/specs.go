// Package contract checks that the simulators serve only routes the
// vendors' own API descriptions have, with the same methods. The specs live
// in ../shared/specs beside the repository and are never copied into it.
package contract

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// SpecsDir finds ../shared/specs next to the repository root.
func SpecsDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			specs := filepath.Join(dir, "..", "shared", "specs")
			if _, err := os.Stat(specs); err != nil {
				return "", fmt.Errorf("vendor specs not found at %s: %w", specs, err)
			}
			return specs, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

var param = regexp.MustCompile(`\{[^}]*\}`)

// Key normalises a route for comparison: upper-case method, path with
// parameters as {} and no trailing slash; lower-cased when the vendor's
// paths are case-insensitive.
func Key(method, path string, foldCase bool) string {
	path = strings.ReplaceAll(path, "{$}", "") // Go's exact-match marker
	p := strings.TrimRight(param.ReplaceAllString(path, "{}"), "/")
	if foldCase {
		p = strings.ToLower(p)
	}
	return strings.ToUpper(method) + " " + p
}
