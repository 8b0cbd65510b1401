// Package display renders strings that came from a vendor — a client's
// name, an error's text — for a person's terminal: what could drive the
// terminal (an escape sequence that retitles the window or clears the
// screen), rewrite the line (a carriage return, a backspace), reverse the
// text (a bidi override) or break a table row (a newline) is shown as an
// escape, inert. Every face prints vendor strings through here.
package display

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Safe is s on one line: every control character shown as an escape.
func Safe(s string) string { return render(s, false) }

// Text is s as lines: newlines and tabs kept, every other control
// character shown as an escape. For messages of several lines.
func Text(s string) string { return render(s, true) }

func render(s string, lines bool) string {
	if clean(s, lines) {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, width := utf8.DecodeRuneInString(s[i:])
		w = width
		switch {
		case r == utf8.RuneError && width == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case lines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case inert(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\n', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// inert says a rune draws as itself.
func inert(r rune) bool {
	if unicode.IsControl(r) {
		return false
	}
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c: // bidi controls
		return false
	}
	return true
}

func clean(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && !(lines && (c == '\n' || c == '\t')) || c == 0x7f || c >= 0x80 {
			return c >= 0x80 && cleanUnicode(s[i:])
		}
	}
	return true
}

// cleanUnicode checks the rest of s rune by rune.
func cleanUnicode(s string) bool {
	for i, w := 0, 0; i < len(s); i += w {
		r, width := utf8.DecodeRuneInString(s[i:])
		w = width
		if r == utf8.RuneError && width == 1 || r < 0x80 && (r < 0x20 || r == 0x7f) || r >= 0x80 && !inert(r) {
			return false
		}
	}
	return true
}

// Money is an amount as a person reads it: two decimals, thousands
// separated (1,430.00). The currency is said beside it, as the invoice
// names it, never guessed into a symbol.
func Money(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	whole, cents, _ := strings.Cut(s, ".")
	sign := ""
	if strings.HasPrefix(whole, "-") {
		sign, whole = "-", whole[1:]
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + "." + cents
}

// SignedMoney is Money with a + on gains: +44.00, -14.00.
func SignedMoney(x float64) string {
	if x > 0 {
		return "+" + Money(x)
	}
	return Money(x)
}

// JSON makes encoded JSON inert on a terminal: every rune that is not
// inert (bidi overrides, C1 controls, DEL) is written as its \uXXXX
// escape, which a JSON reader decodes back to the same rune. Go's encoder
// already escapes the C0 controls and invalid bytes.
func JSON(b []byte) []byte {
	if clean(string(b), true) {
		return b
	}
	var out []byte
	for i, w := 0, 0; i < len(b); i += w {
		r, width := utf8.DecodeRune(b[i:])
		w = width
		if r == '\n' || r == '\t' || inert(r) && !(r == utf8.RuneError && width == 1) {
			out = append(out, b[i:i+w]...)
			continue
		}
		out = append(out, fmt.Sprintf(`\u%04x`, r)...)
	}
	return out
}

// JSONWriter writes each Write through JSON: for a json.Encoder, whose
// every Encode is one Write of whole values.
func JSONWriter(w io.Writer) io.Writer { return jsonWriter{w} }

type jsonWriter struct{ w io.Writer }

func (j jsonWriter) Write(b []byte) (int, error) {
	if _, err := j.w.Write(JSON(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}
