package match

import (
	"fmt"
	"slices"
	"strings"
)

// Organisations with many sites ("Oak Valley Schools - Valley Campus",
// "OAK VALLEY SCHOOLS OAK CAMPUS") defeat word-set scoring: the names share
// every word, and the words that tell the sites apart are the ones a whole
// group repeats. So when two names start with the same words and another
// record of either list starts with them too, those words are an
// organisation, and the rest — the site — decides.

// prefixes counts, for one list, how many records start with each run of
// words, in either order of a name's parts ("Org - Site" and "Site (Org)").
// Runs are keyed by a hash of their words: no string is built per run.
type prefixes struct{ count map[uint64]int32 }

func newPrefixes(list []prepared) *prefixes {
	px := &prefixes{count: map[uint64]int32{}}
	var seen []uint64
	for i := range list {
		seen = seen[:0]
		for _, seq := range list[i].orders() {
			h := runSeed
			for _, w := range seq {
				h = runHash(h, w)
				if !slices.Contains(seen, h) {
					seen = append(seen, h)
					px.count[h]++
				}
			}
		}
		list[i].prefixes = px
	}
	return px
}

func (px *prefixes) of(run uint64) int {
	if px == nil {
		return 0
	}
	return int(px.count[run])
}

// runSeed and runHash hash a run of words, one word at a time (FNV-1a, a
// separator between words).
const runSeed uint64 = 14695981039346656037

func runHash(h uint64, w string) uint64 {
	for i := 0; i < len(w); i++ {
		h = (h ^ uint64(w[i])) * 1099511628211
	}
	return (h ^ ' ') * 1099511628211
}

// orders are the name's words in order, the main part first, then — for a
// name with qualifiers — the qualifiers first.
func (p *prepared) orders() [][]string {
	if len(p.segs) < 2 {
		return [][]string{p.seq}
	}
	alt := make([]string, 0, len(p.seq))
	for _, seg := range p.segs[1:] {
		alt = append(alt, seg...)
	}
	return [][]string{p.seq, append(alt, p.segs[0]...)}
}

type siteRelation int

const (
	siteNone      siteRelation = iota // no organisation with other sites in common
	siteSame                          // the same site, or no site on either side
	siteOneSided                      // one name has a site, or more of it, than the other
	siteDifferent                     // each names a site the other does not
)

// site is how two names relate as organisation and site.
type site struct {
	rel          siteRelation
	org          []string // the shared words
	onlyA, onlyB []string // site words with no counterpart
}

// siteOf finds the longest run of leading words a and b share and, if
// another record of either list starts with it too, compares what follows.
func siteOf(a, b *prepared) site {
	var best site
	bestLen := 0
	for _, x := range a.orders() {
		for _, y := range b.orders() {
			n, run := 0, runSeed
			for n < len(x) && n < len(y) && x[n] == y[n] {
				run = runHash(run, x[n])
				n++
			}
			if n <= bestLen || allStopwords(x[:n]) {
				continue
			}
			count := a.prefixes.of(run)
			if b.prefixes != a.prefixes {
				count += b.prefixes.of(run)
			}
			if count <= 2 { // only a and b themselves
				continue
			}
			bestLen = n
			best = site{org: x[:n]}
			best.onlyA, best.onlyB = unmatchedWords(a, b, x[n:], y[n:])
			switch {
			case len(best.onlyA) > 0 && len(best.onlyB) > 0:
				best.rel = siteDifferent
			case len(best.onlyA) > 0 || len(best.onlyB) > 0:
				best.rel = siteOneSided
			default:
				best.rel = siteSame
			}
		}
	}
	return best
}

// unmatchedWords pairs the words of two sites one to one, as multisets —
// the same word, a typo, a sound, a short form, two words written as one —
// and returns the distinctive words each is left with: "valley campus" and
// "oak campus" leave "valley" and "oak".
func unmatchedWords(a, b *prepared, x, y []string) ([]string, []string) {
	usedX, usedY := make([]bool, len(x)), make([]bool, len(y))
	for i, t := range x {
		for j, u := range y {
			if !usedY[j] && sameWord(a, b, t, u) {
				usedX[i], usedY[j] = true, true
				break
			}
		}
	}
	joinedWords(x, y, usedX, usedY)
	joinedWords(y, x, usedY, usedX)
	initialsOf(x, y, usedX, usedY)
	initialsOf(y, x, usedY, usedX)
	return distinctive(x, usedX), distinctive(y, usedY)
}

// initialsOf marks a short word of x made of the initials of neighbouring
// words of y ("sd" and "school district").
func initialsOf(x, y []string, usedX, usedY []bool) {
	for i, t := range x {
		if usedX[i] || len(t) < 2 || len(t) > 4 || isNumber(t) {
			continue
		}
		for j := 0; j+len(t) <= len(y); j++ {
			ok := true
			for k := range len(t) {
				if usedY[j+k] || y[j+k][0] != t[k] {
					ok = false
					break
				}
			}
			if ok {
				usedX[i] = true
				for k := range len(t) {
					usedY[j+k] = true
				}
				break
			}
		}
	}
}

// sameWord: t of a and u of b are one word, as spelled or as canonicalised.
func sameWord(a, b *prepared, t, u string) bool {
	if t == u {
		return true
	}
	st, su := a.sound(t), b.sound(u)
	if tokenSimilarity(t, u, st, su) >= 0.8 {
		return true
	}
	rt, ru := a.raw(t), b.raw(u)
	return (rt != t || ru != u) && tokenSimilarity(rt, ru, st, su) >= 0.8
}

// sound is a token's phonetic spelling, as prepare computed it.
func (p *prepared) sound(t string) string {
	if i := indexOf(p.tokens, t); i >= 0 {
		return p.sounds[i]
	}
	return phonetic(p.raw(t))
}

// joinedWords marks two neighbouring words of x that one word of y writes
// as one ("col lins" and "collins").
func joinedWords(x, y []string, usedX, usedY []bool) {
	for i := 1; i < len(x); i++ {
		if usedX[i-1] || usedX[i] {
			continue
		}
		both := x[i-1] + x[i]
		for j, u := range y {
			if !usedY[j] && (u == both || len(u) >= 6 && oneTypoApart(u, both)) {
				usedX[i-1], usedX[i], usedY[j] = true, true, true
				break
			}
		}
	}
}

func distinctive(ws []string, used []bool) []string {
	var out []string
	for i, w := range ws {
		if !used[i] && !stopwords[w] && len(w) > 1 {
			out = append(out, w)
		}
	}
	return out
}

// reason says, in a reviewer's words, how the sites differ.
func (s site) reason() string {
	org := titled(s.org)
	switch s.rel {
	case siteDifferent:
		return fmt.Sprintf("same organisation (%s) but another site: %s vs %s", org, titled(s.onlyA), titled(s.onlyB))
	case siteOneSided:
		side, words := "left", s.onlyA
		if len(words) == 0 {
			side, words = "right", s.onlyB
		}
		return fmt.Sprintf("only %s names the site '%s'; %s has other sites: check which one this is", side, titled(words), org)
	}
	return ""
}

func titled(ws []string) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(out, " ")
}

// SiteClashes looks, for each linked pair (left id, right id), for a site
// the right record's name carries that the left's lacks while another left
// record's name carries it: "Johnson PT - Portland" linked to "Johnson PT"
// when the left list also has "Johnson PT (Portland)". It says why, in a
// reviewer's words, by pair.
func SiteClashes(left, right []Record, pairs [][2]string) map[[2]string]string {
	lp, rp := prepareAll(left), prepareAll(right)
	newPrefixes(lp)
	newPrefixes(rp)
	li, ri := map[string]int{}, map[string]int{}
	byFirst := map[string][]int{} // left records by their first word
	for i := range lp {
		li[lp[i].rec.ID] = i
		for _, seq := range lp[i].orders() {
			if len(seq) > 0 {
				byFirst[seq[0]] = append(byFirst[seq[0]], i)
			}
		}
	}
	for i := range rp {
		ri[rp[i].rec.ID] = i
	}
	out := map[[2]string]string{}
	for _, pr := range pairs {
		l, okL := li[pr[0]]
		r, okR := ri[pr[1]]
		if !okL || !okR {
			continue
		}
		st := siteOf(&lp[l], &rp[r])
		if st.rel != siteOneSided || len(st.onlyA) > 0 || len(st.onlyB) == 0 {
			continue
		}
		for _, o := range byFirst[st.org[0]] {
			if o == l || !lp[o].startsWith(st.org) || !lp[o].hasAll(st.onlyB) {
				continue
			}
			out[pr] = fmt.Sprintf("'%s' names the site '%s', which '%s' lacks and '%s' has", rp[r].rec.Name, titled(st.onlyB), lp[l].rec.Name, lp[o].rec.Name)
			break
		}
	}
	return out
}

func (p *prepared) startsWith(words []string) bool {
	for _, seq := range p.orders() {
		if len(seq) >= len(words) && slices.Equal(seq[:len(words)], words) {
			return true
		}
	}
	return false
}

func (p *prepared) hasAll(words []string) bool {
	for _, w := range words {
		if !slices.Contains(p.tokens, w) {
			return false
		}
	}
	return true
}

// Registrable reduces a domain, website or email address to the domain a
// company registers: "https://www.Acme.com/about" and "Ann@Mail.Acme.com"
// give "acme.com"; "" when there is none.
func Registrable(s string) string {
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		s = s[at+1:]
	}
	return registrable(s)
}
