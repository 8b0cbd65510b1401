// Package plural says a count with its noun: "1 seat", "2 seats". Every
// count mspwire writes for a person goes through it, so none reads "1
// seats".
package plural

import (
	"strconv"
	"strings"
)

// N is n followed by one or many: N(1, "seat", "seats") is "1 seat".
func N(n int, one, many string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// And joins names for a person: "a", "a and b", "a, b and c".
func And(xs []string) string { return join(xs, " and ") }

// Or joins choices for a person: "a, b or c".
func Or(xs []string) string { return join(xs, " or ") }

func join(xs []string, last string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + last + xs[len(xs)-1]
}
