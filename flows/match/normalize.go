package match

import (
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// prepared is a record reduced to the evidence the scorer compares.
type prepared struct {
	rec      Record
	core     string   // the name without legal form, "The", punctuation, qualifiers
	tokens   []string // core's words, in order
	quals    []string // words of "(Denver)" or "- Denver" qualifiers, kept as weaker evidence
	city     []string // words of the city column
	numbers  []string // numbers anywhere in the name ("Unit 4", "District 12")
	initials string   // first letters of the significant core words, for acronyms
	// initialsWithForms adds the legal form's words ("Acme Widget Company" -> "awc").
	initialsWithForms string
	domain            string   // registrable domain from the domain or website column
	removed           []string // legal forms taken off, for the reason text
	hadThe            bool
	hadAmp            bool // "&" or "+" written for "and"
}

// newFolder strips diacritics: "Müller" -> "Muller". A chain holds state:
// one per goroutine, reused for every name it folds.
func newFolder() transform.Transformer {
	return transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}

var spelled = strings.NewReplacer("ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ð", "d", "þ", "th", "ı", "i")

// foldString lower-cases, strips diacritics and spells out letters that do
// not decompose ("ß" -> "ss").
func foldString(folder transform.Transformer, s string) string {
	out, _, err := transform.String(folder, strings.ToLower(s))
	if err != nil {
		out = strings.ToLower(s)
	}
	return spelled.Replace(out)
}

// legalForms are company-type words and phrases from many countries, in
// their folded, dot-free spelling. Longer phrases come first.
var legalForms = [][]string{
	split("gesellschaft mit beschrankter haftung"), split("limited liability company"), split("limited liability partnership"),
	split("public limited company"), split("professional limited liability company"), split("professional corporation"),
	split("professional association"), split("limited partnership"), split("sociedad anonima"), split("societe anonyme"),
	split("besloten vennootschap"), split("naamloze vennootschap"), split("proprietary limited"), split("sdn bhd"),
	split("pty ltd"), split("pte ltd"), split("co ltd"), split("a s"),
	{"incorporated"}, {"corporation"}, {"company"}, {"limited"}, {"inc"}, {"llc"}, {"ltd"}, {"corp"}, {"co"},
	{"gmbh"}, {"ag"}, {"kg"}, {"sa"}, {"sarl"}, {"sas"}, {"bv"}, {"nv"}, {"pty"}, {"plc"}, {"llp"},
	{"lp"}, {"pc"}, {"pllc"}, {"pa"}, {"srl"}, {"oy"}, {"ab"}, {"as"}, {"aps"}, {"kk"}, {"bhd"}, {"pte"},
	{"lda"}, {"ltda"}, {"sl"}, {"ug"}, {"ohg"}, {"ev"}, {"cic"}, {"ulc"},
}

func split(s string) []string { return strings.Fields(s) }

// stopwords carry no identity in a company name.
var stopwords = map[string]bool{"and": true, "of": true, "the": true, "for": true, "at": true}

// prepare computes a record's evidence once.
func prepare(r Record, folder transform.Transformer) prepared {
	p := prepared{rec: r, domain: registrable(r.Domain), city: words(foldString(folder, r.City))}
	name := foldString(folder, r.Name)
	p.hadAmp = strings.ContainsAny(name, "&+")

	// Qualifiers: "(...)" anywhere and " - ..." / " – ..." at the end.
	var quals []string
	for {
		open := strings.IndexByte(name, '(')
		if open < 0 {
			break
		}
		end := strings.IndexByte(name[open:], ')')
		if end < 0 {
			quals = append(quals, name[open+1:])
			name = name[:open]
			break
		}
		quals = append(quals, name[open+1:open+end])
		name = name[:open] + " " + name[open+end+1:]
	}
	for _, dash := range []string{" - ", " – ", " — ", " | ", ": "} {
		if i := strings.LastIndex(name, dash); i > 0 {
			quals = append(quals, name[i+len(dash):])
			name = name[:i]
		}
	}
	for _, q := range quals {
		p.quals = append(p.quals, words(q)...)
	}

	tokens := words(name)
	if len(tokens) > 1 && tokens[0] == "the" {
		tokens, p.hadThe = tokens[1:], true
	}
	tokens, p.removed = stripLegal(tokens)
	p.tokens = tokens
	p.core = strings.Join(tokens, " ")
	for _, t := range append(append([]string{}, tokens...), p.quals...) {
		if isNumber(t) {
			p.numbers = append(p.numbers, strings.TrimLeft(t, "0"))
		}
	}
	var initials strings.Builder
	for _, t := range tokens {
		if !stopwords[t] && !isNumber(t) {
			initials.WriteByte(t[0])
		}
	}
	p.initials = initials.String()
	for i := len(p.removed) - 1; i >= 0; i-- {
		for _, w := range strings.Fields(p.removed[i]) {
			initials.WriteByte(w[0])
		}
	}
	p.initialsWithForms = initials.String()
	return p
}

// words splits a folded name into words: "&" and "+" become "and",
// apostrophes and dots close up ("o'brien" -> "obrien", "l.l.c." -> "llc"),
// other punctuation separates. "and" itself is dropped: "Smith & Sons",
// "Smith and Sons" and "Smith + Sons" are one name.
func words(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			w := cur.String()
			if w != "and" {
				out = append(out, w)
			}
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(r)
		case r == '\'' || r == '’' || r == '.' || r == '`':
			// closes up
		case r == '&' || r == '+':
			flush()
		default:
			flush()
		}
	}
	flush()
	return out
}

// stripLegal removes legal forms from the end, repeatedly ("Acme Holdings
// Pty Ltd" -> "acme holdings"), but never the whole name.
func stripLegal(tokens []string) ([]string, []string) {
	var removed []string
	for changed := true; changed; {
		changed = false
		for _, form := range legalForms {
			n := len(form)
			if len(tokens) <= n {
				continue
			}
			tail := tokens[len(tokens)-n:]
			if equal(tail, form) {
				removed = append(removed, strings.Join(form, " "))
				tokens = tokens[:len(tokens)-n]
				changed = true
				break
			}
		}
	}
	return tokens, removed
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func isNumber(t string) bool {
	if t == "" {
		return false
	}
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// twoLevelSuffixes are public suffixes of two labels common among MSP
// customers; registrable() keeps one more label before them.
var twoLevelSuffixes = map[string]bool{"co.uk": true, "org.uk": true, "ac.uk": true, "com.au": true, "net.au": true,
	"org.au": true, "co.nz": true, "org.nz": true, "co.za": true, "com.br": true, "co.jp": true, "com.mx": true, "co.in": true}

// registrable reduces a domain or website to the domain a company
// registers: "https://www.Acme.com/about" -> "acme.com".
func registrable(raw string) string {
	s := strings.ToLower(strings.TrimSpace(raw))
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	labels := strings.Split(strings.Trim(u.Hostname(), "."), ".")
	if len(labels) < 2 {
		return ""
	}
	keep := 2
	if len(labels) >= 3 && twoLevelSuffixes[strings.Join(labels[len(labels)-2:], ".")] {
		keep = 3
	}
	if len(labels) < keep {
		return ""
	}
	return strings.Join(labels[len(labels)-keep:], ".")
}

// deletions are the word with one letter removed, each way; two words one
// typo apart share one (or one is the other's).
func deletions(t string) []string {
	out := make([]string, 0, len(t))
	for i := range len(t) {
		out = append(out, t[:i]+t[i+1:])
	}
	return out
}
