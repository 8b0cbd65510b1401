package match

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// prepared is a record reduced to the evidence the scorer compares.
type prepared struct {
	rec   Record
	core  string     // the main part's canonical words, joined: equal cores are one name
	main  []string   // canonical words of the name before any qualifier, in order
	segs  [][]string // main, then each qualifier's words: where neighbouring words are pairs
	quals []string   // words of "(Denver)", "- Denver", ": Site", "/ Org" qualifiers
	seq   []string   // main and quals in order, repeats kept: "oak valley schools oak campus"
	// cut is the token a long name ends with, which a system's length limit
	// may have cut short ("... LITTLE OAKS LEARNI"), or -1.
	cut int
	// prefixes counts the leading words of the record's list (newPrefixes).
	prefixes *prefixes
	// tokens are main and quals, each word once: what the scorer compares.
	tokens   []string
	rawOf    map[string]string // a token's spelling before canonicalising, where it differs ("svcs" for "service")
	sounds   []string          // each token's phonetic spelling, as spelled in the name
	weight   []float64         // each token's weight in the record's own list (newWeights)
	city     []string          // words of the city column
	numbers  []string          // numbers anywhere in the name ("Unit 4", "District 12")
	initials string            // first letters of the significant main words, for acronyms
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

// maxWordLen bounds the words the typo index and the fuzzy comparisons look
// at: a 100 kB "word" must cost no more than an ordinary one.
const maxWordLen = 40

// maxNameLen bounds the part of a name that is compared; no company name
// is longer, and a pasted document must not cost more than a name.
const maxNameLen = 400

// minCutName is the shortest name taken to have been cut at a length
// limit when its last word is the start of a word in the other name.
const minCutName = 24

// maxWords bounds the words of a name the scorer pairs up.
const maxWords = 24

// prepare computes a record's evidence once.
func prepare(r Record, folder transform.Transformer) prepared {
	p := prepared{rec: r, domain: registrable(r.Domain), city: canonWords(words(foldString(folder, truncateUTF8(r.City, maxNameLen))))}
	name := dropWebSuffixes(foldString(folder, truncateUTF8(r.Name, maxNameLen)))
	p.hadAmp = strings.ContainsAny(name, "&+")

	segments := splitSegments(name)
	for i, seg := range segments {
		var ws []string
		// A legal form ends a name, or the part before a comma: "Acme
		// Corp, Anna M." is Acme, looked after by Anna.
		for j, piece := range strings.Split(seg, ", ") {
			keep := 1
			if j > 0 {
				keep = 0
			}
			pw, removed := stripLegal(words(piece), keep)
			ws = append(ws, pw...)
			p.removed = append(p.removed, removed...)
		}
		if i == 0 {
			ws = stripLeading(ws)
			if len(ws) > 1 && ws[0] == "the" {
				ws, p.hadThe = ws[1:], true
			}
		}
		for k, w := range ws {
			if c := canon(w); c != w {
				if p.rawOf == nil {
					p.rawOf = map[string]string{}
				}
				p.rawOf[c], ws[k] = w, c
			}
		}
		if len(ws) == 0 {
			continue
		}
		if len(p.segs) > 0 && allStopwords(ws) { // "Cooper Companies (The)"
			p.hadThe = p.hadThe || ws[0] == "the"
			continue
		}
		if len(p.segs) == 0 {
			p.main = ws
		} else {
			p.quals = append(p.quals, ws...)
		}
		p.segs = append(p.segs, ws)
	}
	p.core = strings.Join(p.main, " ")
	p.seq = append(append([]string{}, p.main...), p.quals...)
	if len(p.seq) > maxWords {
		p.seq = p.seq[:maxWords]
	}
	p.tokens = unique(p.seq)
	p.cut = -1
	if len(r.Name) >= minCutName && len(p.segs) == 1 && len(p.main) > 1 {
		p.cut = indexOf(p.tokens, p.main[len(p.main)-1])
	}
	if len(p.tokens) > maxWords {
		p.tokens = p.tokens[:maxWords]
	}
	p.sounds = make([]string, len(p.tokens))
	for i, t := range p.tokens {
		p.sounds[i] = phonetic(p.raw(t))
	}
	for _, t := range p.tokens {
		if isNumber(t) {
			p.numbers = append(p.numbers, strings.TrimLeft(t, "0"))
		}
	}
	var initials strings.Builder
	for _, t := range p.main {
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

// splitSegments cuts a name into its main part and qualifiers: "(...)" and
// "[...]" anywhere, and the parts after " - ", ": ", " | " or " / ".
func splitSegments(name string) []string {
	var quals []string
	for _, br := range [][2]byte{{'(', ')'}, {'[', ']'}} {
		for {
			open := strings.IndexByte(name, br[0])
			if open < 0 {
				break
			}
			end := strings.IndexByte(name[open:], br[1])
			if end < 0 {
				quals = append(quals, name[open+1:])
				name = name[:open]
				break
			}
			quals = append(quals, name[open+1:open+end])
			name = name[:open] + " " + name[open+end+1:]
		}
	}
	parts := []string{name}
	for _, sep := range []string{" - ", " – ", " — ", " | ", ": ", " /"} { // " /" also cuts EDGAR's "KEYCORP /NEW/"
		var next []string
		for _, p := range parts {
			next = append(next, strings.Split(p, sep)...)
		}
		parts = next
	}
	var out []string
	for _, p := range append(parts, quals...) {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return []string{name}
	}
	return out
}

// dropWebSuffixes turns "amazon.com" into "amazon": a web address used as
// a name says the same as the name.
func dropWebSuffixes(s string) string {
	for _, tld := range []string{".com", ".net", ".org", ".io"} {
		for i := strings.Index(s, tld); i > 0; i = strings.Index(s, tld) {
			end := i + len(tld)
			if end < len(s) && isWordByte(s[end]) {
				break // ".community", ".orgs": not a suffix
			}
			s = s[:i] + s[end:]
		}
	}
	return s
}

func isWordByte(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80 }

func canonWords(ws []string) []string {
	for i, w := range ws {
		ws[i] = canon(w)
	}
	return ws
}

func allStopwords(ws []string) bool {
	for _, w := range ws {
		if !stopwords[w] {
			return false
		}
	}
	return true
}

// raw is how the name spelled a token.
func (p *prepared) raw(t string) string {
	if r, ok := p.rawOf[t]; ok {
		return r
	}
	return t
}

// stripLeading removes a legal form written before the name, never the
// whole name.
func stripLeading(tokens []string) []string {
	for _, form := range leadingForms {
		if len(tokens) > len(form) && equal(tokens[:len(form)], form) {
			return tokens[len(form):]
		}
	}
	return tokens
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
			if len(w) > maxWordLen {
				w = truncateUTF8(w, maxWordLen)
			}
			if w != "and" {
				out = append(out, w)
			}
			cur.Reset()
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(r)
		case r == '\'' || r == '’' || r == '.' || r == '`':
			// closes up
		case r == '&' && cur.Len() > 0 && cur.Len() <= 2 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			// "AT&T", "H&R": one word, not two initials
		default:
			flush()
		}
	}
	flush()
	return out
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// stripLegal removes legal forms from the end, repeatedly ("Acme Holdings
// Pty Ltd" -> "acme holdings"), but keeps at least keep words: a name is
// never only a legal form, the part after its comma may be (", Inc.").
func stripLegal(tokens []string, keep int) ([]string, []string) {
	var removed []string
	for changed := true; changed; {
		changed = false
		for _, form := range legalForms {
			n := len(form)
			if len(tokens) < n+keep {
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
