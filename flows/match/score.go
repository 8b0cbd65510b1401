package match

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Score thresholds. Tuned on testdata/labelled.csv and the real sets in
// testdata/real; see quality_test.go and realsets_test.go.
const (
	strongAt     = 0.90 // at or above, with both names nearly all explained: safe to accept in bulk
	DefaultFloor = 0.64 // below: no suggestion
)

// Fixed scores for the decisive cases.
const (
	scoreExact      = 1.0
	scoreExternalID = 1.0
	scoreReordered  = 0.96 // the same words in another order ("Smith, John" and "John Smith")
	scoreOneQual    = 0.93 // same name, only one side names a location
	scoreQualCity   = 0.97 // one side's location is the other's city
	scoreDomain     = 0.95 // same registrable domain, names differ
	scoreAcronym    = 0.86
	scoreNumbers    = 0.10 // numbers disagree: different sites or units
	scoreLocations  = 0.40 // same name, different locations
	scoreOtherSite  = 0.40 // one organisation, another of its sites
)

// weights says how rare each word is inside one list. A word most names
// of a list carry ("Customer", a parent organisation, a city) says little
// about which of that list's records is meant, however rare it is in the
// other list; so each list is weighed on its own.
type weights map[string]float64

// newWeights gives each word of a list a weight in (0, 1]: 1 for a word in
// one name of the list, near 0 for a word in every name. Stopwords and
// single letters (initials) weigh almost nothing.
// newWeights also gives each record its words' weights.
func newWeights(list []prepared) weights {
	df := map[string]int{}
	for i := range list {
		for _, t := range list[i].tokens {
			df[t]++
		}
	}
	n := float64(len(list))
	norm := math.Log((n + 1) / 1.5)
	w := make(weights, len(df))
	for t, d := range df {
		switch {
		case stopwords[t] || len(t) == 1:
			w[t] = minWeight
		case norm <= 0:
			w[t] = 1
		default:
			w[t] = math.Max(minWeight, math.Min(1, math.Log((n+1)/(float64(d)+0.5))/norm))
		}
	}
	for i := range list {
		p := &list[i]
		p.weight = make([]float64, len(p.tokens))
		for j, t := range p.tokens {
			p.weight[j] = w[t]
		}
	}
	return w
}

const minWeight = 0.05

// of is a word's weight; a word the list does not have weighs 1 (it is as
// rare as can be), unless it is a stopword or an initial.
func (w weights) of(t string) float64 {
	if v, ok := w[t]; ok {
		return v
	}
	if stopwords[t] || len(t) == 1 {
		return minWeight
	}
	return 1
}

// verdict is how a pair compares: its score, why, and the best band it may
// have before rivals are looked at.
type verdict struct {
	score  float64
	reason string
	band   Band
}

// compare scores one pair and, when explain is set, says why in a few
// words: most pairs scored are never shown, so their reasons are not
// written. Each record carries its words' weights in its own list; wb
// weighs words in b's list. Pairs that cannot reach min are dropped early
// with a zero score.
func compare(a, b *prepared, wb weights, min float64, explain bool) verdict {
	why := func(f func() string) string {
		if !explain {
			return ""
		}
		return f()
	}
	if a.rec.ExternalID != "" && a.rec.ExternalID == b.rec.ExternalID {
		return verdict{scoreExternalID, why(func() string { return "same external id " + a.rec.ExternalID }), BandExact}
	}
	if len(a.numbers) > 0 && len(b.numbers) > 0 && !sameSet(a.numbers, b.numbers) {
		return verdict{scoreNumbers, why(func() string {
			return fmt.Sprintf("numbers differ: %s vs %s", strings.Join(a.numbers, " "), strings.Join(b.numbers, " "))
		}), BandReview}
	}
	st := siteOf(a, b)
	v := compareNames(a, b, wb, min, explain)
	if st.rel == siteDifferent && v.score > 0 {
		// Another of the organisation's sites: at most a candidate to re-map to.
		v.band, v.score, v.reason = BandReview, math.Min(v.score, scoreOtherSite), why(st.reason)
	}
	if st.rel == siteOneSided && v.score > 0 && v.band != BandReview {
		// Which of the organisation's sites this is, a person decides.
		v.band, v.score = BandReview, math.Min(v.score, strongAt-0.01)
		if explain {
			if strings.HasPrefix(v.reason, "only ") { // says the same, less well
				v.reason = st.reason()
			} else {
				v.reason += "; " + st.reason()
			}
		}
	}
	return v
}

// compareNames scores two names that do not name different sites of one
// organisation.
func compareNames(a, b *prepared, wb weights, min float64, explain bool) verdict {
	why := func(f func() string) string {
		if !explain {
			return ""
		}
		return f()
	}
	domainSame := a.domain != "" && a.domain == b.domain
	domainDiff := a.domain != "" && b.domain != "" && !domainSame

	if a.core != "" && a.core == b.core {
		qual, qualScore := compareQualifiers(a, b)
		switch {
		case qual == qualPartial: // weigh the qualifiers' words below
		case qual == qualConflict:
			return verdict{scoreLocations, why(func() string { return qualReason(a, b) }), BandReview}
		case qual == qualSame && domainDiff:
			return verdict{strongAt - 0.02, why(func() string { return exactReason(a, b) + "; different domains" }), BandReview}
		case qual == qualSame:
			return verdict{scoreExact, why(func() string { return exactReason(a, b) }), BandExact}
		default:
			return verdict{qualScore, why(func() string { return qualReason(a, b) }), BandStrong}
		}
	}
	if domainSame {
		// A shared website is strong evidence only with names that look
		// alike; with unrelated names (a parent company's site, a web
		// agency's) a person should look.
		var al alignment
		var qa, qb [maxWords]float64
		align(&al, a, b, wb, qa[:len(a.tokens)], qb[:len(b.tokens)])
		hi, lo := math.Max(al.covA, al.covB), math.Min(al.covA, al.covB)
		if hi*(0.7+0.3*lo)-0.5*math.Min(al.missA, al.missB) >= 0.5 {
			return verdict{scoreDomain, why(func() string { return "same domain " + a.domain }), BandStrong}
		}
		return verdict{scoreDomain, why(func() string {
			return "same domain " + a.domain + ", but the names share little: a website can be shared (a parent company, a web agency), so check before accepting"
		}), BandReview}
	}
	if s, ok := acronym(a, b); ok {
		return verdict{scoreAcronym, why(func() string { return s }), BandReview}
	}

	var al alignment
	var qa, qb [maxWords]float64 // on the stack: this runs for every candidate pair
	align(&al, a, b, wb, qa[:len(a.tokens)], qb[:len(b.tokens)])
	hi, lo := math.Max(al.covA, al.covB), math.Min(al.covA, al.covB)
	if hi == 0 || hi < min-0.05 {
		return verdict{}
	}
	// The better-explained name carries the score (its words are all in the
	// other: token-set logic); words only the other has lower it a little,
	// and words each side has that the other lacks (siblings, different
	// trades) lower it more.
	conflict := math.Min(al.missA, al.missB)
	s := hi*(0.7+0.3*lo) - 0.5*conflict
	s *= evidence(al.shared)
	reordered := al.covA >= 0.999 && al.covB >= 0.999 && !equal(a.main, b.main) && sameSet(a.main, b.main)
	if reordered {
		s = scoreReordered
	}
	if domainDiff {
		s -= 0.1
	}
	if (len(a.numbers) > 0) != (len(b.numbers) > 0) {
		s -= 0.05
	}
	v := verdict{score: math.Max(0, math.Min(s, 0.99)), band: BandReview}
	if v.score >= strongAt && lo >= 0.9 && conflict <= 0.02 && !domainDiff {
		v.band = BandStrong
	}
	if explain {
		v.reason = alignedReason(&al, qa[:len(a.tokens)], qb[:len(b.tokens)], reordered, conflict, domainDiff)
	}
	return v
}

// alignedReason says what an alignment found: words in another order,
// spellings that differ, words only one side has.
func alignedReason(al *alignment, qa, qb []float64, reordered bool, conflict float64, domainDiff bool) string {
	a, b := al.a, al.b
	var doubt, reason string
	onlyA, onlyB := only(a, qa), only(b, qb)
	switch {
	case conflict > 0.02:
		doubt = "different words: " + strings.Join(onlyA, " ") + " vs " + strings.Join(onlyB, " ")
	case len(onlyA) > 0:
		doubt = fmt.Sprintf("only left has '%s'", strings.Join(onlyA, " "))
	case len(onlyB) > 0:
		doubt = fmt.Sprintf("only right has '%s'", strings.Join(onlyB, " "))
	}
	fuzzy := al.fuzzy()
	switch {
	case reordered:
		reason = "the same words in another order"
	case fuzzy != "" && doubt != "":
		reason = fuzzy + "; " + doubt
	case fuzzy != "":
		reason = fuzzy
	case doubt != "":
		reason = doubt
	default:
		reason = "the same words, apart from common ones"
	}
	if domainDiff {
		reason += "; different domains"
	}
	return reason
}

// evidence discounts a pair whose shared words are common in either list:
// sharing only "Dental" says little, sharing "Northwind" says a lot.
func evidence(shared float64) float64 { return math.Min(1, 0.6+0.8*shared) }

// alignment is how the words of two names pair up.
type alignment struct {
	a, b         *prepared
	covA, covB   float64 // share of each name's weight the other explains
	missA, missB float64 // share of each name's weight with no counterpart at all
	shared       float64 // weight of the shared words, each at its rarer list's weight
	fuzzyA       int     // a's first word that matches only with a typo or a short form, or -1
	fuzzyB       int     // its counterpart in b
}

// align pairs each word with its closest word on the other side: the same
// word, one typo apart, the same sound, a short form, or two words written
// as one; qa and qb get how well each word of a and b found a counterpart,
// 0 to 1. City columns count as words of the name they belong to.
func align(al *alignment, a, b *prepared, wb weights, qa, qb []float64) {
	*al = alignment{a: a, b: b, fuzzyA: -1, fuzzyB: -1}
	for i, t := range a.tokens {
		for j, u := range b.tokens {
			q := tokenSimilarity(t, u, a.sounds[i], b.sounds[j])
			if q < 0.9 && (a.rawOf != nil || b.rawOf != nil) {
				if rt, ru := a.raw(t), b.raw(u); rt != t || ru != u {
					q = math.Max(q, tokenSimilarity(rt, ru, a.sounds[i], b.sounds[j])) // "servuces" is a typo of "services", not of "service"
				}
			}
			if q == 0 && (i == a.cut || j == b.cut) && cutShort(t, u) {
				q = 0.8
			}
			if q == 0 {
				continue
			}
			qa[i], qb[j] = math.Max(qa[i], q), math.Max(qb[j], q)
			if q < 1 && al.fuzzyA < 0 {
				al.fuzzyA, al.fuzzyB = i, j
			}
		}
		if qa[i] < 1 && indexOf(b.city, t) >= 0 {
			qa[i] = 1
		}
	}
	for i, t := range b.tokens { // b's words in a's city column
		if qb[i] < 1 && indexOf(a.city, t) >= 0 {
			qb[i] = 1
		}
	}
	if indexOf64(qa, 0) >= 0 || indexOf64(qb, 0) >= 0 {
		joined(a, b, qa, qb)
		joined(b, a, qb, qa)
		initialed(a, b, qa, qb)
		initialed(b, a, qb, qa)
	}

	var totalA, totalB, gotA, gotB float64
	for i, t := range a.tokens {
		w := a.weight[i]
		totalA += w
		gotA += qa[i] * w
		if qa[i] > 0 {
			al.shared += qa[i] * math.Min(w, wb.of(t))
		} else {
			al.missA += w
		}
	}
	for i := range b.tokens {
		w := b.weight[i]
		totalB += w
		gotB += qb[i] * w
		if qb[i] == 0 {
			al.missB += w
		}
	}
	if totalA > 0 {
		al.covA, al.missA = gotA/totalA, al.missA/totalA
	}
	if totalB > 0 {
		al.covB, al.missB = gotB/totalB, al.missB/totalB
	}
}

// only names up to three distinctive words of p that found no
// counterpart, heaviest first.
func only(p *prepared, q []float64) []string {
	var idx []int
	for i := range p.tokens {
		if q[i] == 0 && p.weight[i] > minWeight {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(i, j int) bool { return p.weight[idx[i]] > p.weight[idx[j]] })
	out := make([]string, 0, 3)
	for _, i := range idx[:min(3, len(idx))] {
		out = append(out, p.tokens[i])
	}
	return out
}

// fuzzy says which words matched only by spelling, or "".
func (al *alignment) fuzzy() string {
	if al.fuzzyA < 0 {
		return ""
	}
	return fmt.Sprintf("spelling differs: '%s' vs '%s'", al.a.raw(al.a.tokens[al.fuzzyA]), al.b.raw(al.b.tokens[al.fuzzyB]))
}

func indexOf64(xs []float64, v float64) int {
	for i, x := range xs {
		if x == v {
			return i
		}
	}
	return -1
}

// joined credits two neighbouring words of x written as one word of y
// ("Fair View" and "Fairview").
func joined(x, y *prepared, qx, qy []float64) {
	for i := 1; i < len(x.main); i++ {
		both := x.main[i-1] + x.main[i]
		for j, u := range y.tokens {
			if qy[j] < 1 && (u == both || len(u) >= 6 && oneTypoApart(u, both)) {
				qy[j] = 0.95
				for _, t := range x.main[i-1 : i+1] {
					if k := indexOf(x.tokens, t); k >= 0 && qx[k] < 0.95 {
						qx[k] = 0.95
					}
				}
			}
		}
	}
}

// initialed credits a short word of x written as the initials of
// neighbouring words of y that found no counterpart ("SD" and "School
// District").
func initialed(x, y *prepared, qx, qy []float64) {
	for i, t := range x.tokens {
		if qx[i] > 0 || len(t) < 2 || len(t) > 4 || isNumber(t) {
			continue
		}
		for j := 0; j+len(t) <= len(y.main); j++ {
			run := y.main[j : j+len(t)]
			ok := true
			for k, w := range run {
				if n := indexOf(y.tokens, w); n < 0 || w[0] != t[k] || qy[n] > 0 {
					ok = false
					break
				}
			}
			if ok {
				qx[i] = 0.9
				for _, w := range run {
					qy[indexOf(y.tokens, w)] = 0.9
				}
				break
			}
		}
	}
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// tokenSimilarity says how sure we are that two words are one word: 1 when
// equal; less for a typo, the same sound (st and su: their phonetic
// spellings), a word cut short or a short form made of its letters
// ("mgmt"); 0 otherwise. Numbers must be equal.
func tokenSimilarity(t, u, st, su string) float64 {
	if t == u {
		return 1
	}
	if isNumber(t) || isNumber(u) || len(t) == 1 || len(u) == 1 {
		return 0
	}
	short, long := t, u
	if len(short) > len(long) {
		short, long = long, short
	}
	switch {
	case len(short) >= 5 && oneTypoApart(t, u):
		return 0.9
	case len(short) >= 4 && st == su:
		return 0.9
	case len(short) >= 8 && withinTwoEdits(t, u):
		return 0.8
	case len(short) >= 4 && len(long) >= len(short)+3 && strings.HasPrefix(long, short):
		return 0.8 // cut short: "pharmaceu", "univ"
	case len(short) >= 2 && len(long) >= len(short)+2 && shortForm(short, long):
		return 0.75
	}
	return 0
}

// cutShort: one word is the first three letters or more of the other, as
// when a name is cut at a length limit ("learni" for "learning").
func cutShort(t, u string) bool {
	if len(t) > len(u) {
		t, u = u, t
	}
	return len(t) >= 3 && len(u) > len(t) && strings.HasPrefix(u, t) && !isNumber(t)
}

// shortForm: s is made of l's letters in order, starting with its first,
// with at most one vowel ("mgmt" for "management", "bldg" for "building").
func shortForm(s, l string) bool {
	if s[0] != l[0] {
		return false
	}
	vowels := 0
	j := 0
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("aeiou", s[i]) >= 0 {
			vowels++
		}
		for j < len(l) && l[j] != s[i] {
			j++
		}
		if j == len(l) {
			return false
		}
		j++
	}
	return vowels <= 1
}

// phonetic spells a word as it sounds, roughly, so "Kraft" meets "Craft",
// "Phoenix" meets "Foenix" and "Mueller" meets "Muller".
func phonetic(t string) string {
	t = phoneticReplacer.Replace(t)
	var b strings.Builder
	var last byte
	for i := 0; i < len(t); i++ {
		if t[i] != last {
			b.WriteByte(t[i])
		}
		last = t[i]
	}
	return b.String()
}

var phoneticReplacer = strings.NewReplacer("ph", "f", "ck", "k", "c", "k", "q", "k", "z", "s", "y", "i",
	"ae", "a", "oe", "o", "ue", "u", "th", "t", "w", "v",
	"rn", "m", "l", "i", "0", "o", "1", "i", "5", "s") // and OCR's usual confusions

// withinTwoEdits: at most two letters changed, added or dropped (OCR noise
// in a long word).
func withinTwoEdits(x, y string) bool {
	if d := len(x) - len(y); d > 2 || d < -2 || len(y) > maxWordLen {
		return false
	}
	var rows [2][maxWordLen + 1]int
	prev, cur := rows[0][:len(y)+1], rows[1][:len(y)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(y); j++ {
			c := prev[j-1]
			if x[i-1] != y[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
			best = min(best, cur[j])
		}
		if best > 2 {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(y)] <= 2
}

type qualRelation int

const (
	qualSame qualRelation = iota
	qualOneSided
	qualPartial // some words in common: siblings ("Branch A", "Branch B") or the same site written two ways
	qualConflict
)

// compareQualifiers relates "(Denver)" / "- Denver" qualifiers of two names
// with the same main part, using the city column as an implicit one.
func compareQualifiers(a, b *prepared) (qualRelation, float64) {
	switch {
	case len(a.quals) == 0 && len(b.quals) == 0:
		return qualSame, scoreExact
	case len(a.quals) > 0 && len(b.quals) > 0:
		switch {
		case sameSet(unique(a.quals), unique(b.quals)):
			return qualSame, scoreExact
		case overlaps(a.quals, b.quals):
			return qualPartial, 0
		}
		return qualConflict, scoreLocations
	}
	has, other := a, b
	if len(a.quals) == 0 {
		has, other = b, a
	}
	if len(other.city) > 0 && overlaps(has.quals, other.city) {
		return qualOneSided, scoreQualCity
	}
	return qualOneSided, scoreOneQual
}

// qualReason says how the qualifiers of two names with the same main part
// relate.
func qualReason(a, b *prepared) string {
	if len(a.quals) > 0 && len(b.quals) > 0 {
		return fmt.Sprintf("different locations: '%s' vs '%s'", strings.Join(a.quals, " "), strings.Join(b.quals, " "))
	}
	side, has, other := "left", a, b
	if len(a.quals) == 0 {
		side, has, other = "right", b, a
	}
	if len(other.city) > 0 && overlaps(has.quals, other.city) {
		return fmt.Sprintf("'%s' is the other side's city", strings.Join(has.quals, " "))
	}
	return fmt.Sprintf("only %s has '%s'", side, strings.Join(has.quals, " "))
}

// exactReason says what normalising took away.
func exactReason(a, b *prepared) string {
	var parts []string
	if !sameSet(a.removed, b.removed) {
		forms := a.removed
		if len(forms) == 0 {
			forms = b.removed
		}
		if len(forms) > 0 {
			parts = append(parts, "without '"+display(forms[0])+"'")
		} else {
			parts = append(parts, "legal forms differ")
		}
	}
	if a.hadThe != b.hadThe {
		parts = append(parts, "without 'The'")
	}
	if a.hadAmp != b.hadAmp {
		parts = append(parts, "'&' written as 'and'")
	}
	switch {
	case len(parts) > 0:
		return "same name " + strings.Join(parts, ", ")
	case a.rec.Name == b.rec.Name:
		return "same name"
	}
	return "same name apart from case, accents, punctuation or short forms"
}

var displayForms = map[string]string{"inc": "Inc", "llc": "LLC", "ltd": "Ltd", "corp": "Corp", "co": "Co", "gmbh": "GmbH",
	"plc": "PLC", "llp": "LLP", "pc": "P.C.", "pllc": "PLLC", "pty ltd": "Pty Ltd", "bv": "B.V.", "nv": "N.V.", "sa": "S.A.",
	"sarl": "SARL", "ag": "AG", "kg": "KG", "pa": "P.A.", "lp": "LP"}

func display(form string) string {
	if d, ok := displayForms[form]; ok {
		return d
	}
	return strings.ToUpper(form[:1]) + form[1:]
}

// acronym: one side is a single short word made of the other's initials
// ("IBM" and "International Business Machines"), leaving out words its own
// list is full of ("Northwind District International Business Machines").
func acronym(a, b *prepared) (string, bool) {
	for _, p := range [][2]*prepared{{a, b}, {b, a}} {
		short, long := p[0], p[1]
		if len(short.main) != 1 {
			continue
		}
		word := short.main[0]
		if len(long.initials) >= 2 && len(long.initials) <= 6 && (word == long.initials || word == long.initialsWithForms) ||
			len(word) >= 3 && word == distinctiveInitials(long) {
			return fmt.Sprintf("acronym: '%s' for '%s'", strings.ToUpper(word), long.rec.Name), true
		}
	}
	return "", false
}

// distinctiveInitials are the first letters of a name's main words that
// its list does not repeat everywhere.
func distinctiveInitials(p *prepared) string {
	var b strings.Builder
	for _, t := range p.main {
		if i := indexOf(p.tokens, t); i >= 0 && p.weight != nil && p.weight[i] >= 0.25 && !isNumber(t) {
			b.WriteByte(t[0])
		}
	}
	return b.String()
}

// oneTypoApart says whether one edit — a letter changed, added, dropped,
// or two neighbours swapped — turns x into y.
func oneTypoApart(x, y string) bool {
	if len(x) < len(y) {
		x, y = y, x
	}
	if len(x)-len(y) > 1 {
		return false
	}
	i := 0
	for i < len(y) && x[i] == y[i] {
		i++
	}
	if len(x) != len(y) {
		return x[i+1:] == y[i:] // a letter dropped or added
	}
	if i == len(x) {
		return true
	}
	if x[i+1:] == y[i+1:] {
		return true // a letter changed
	}
	return i+1 < len(x) && x[i] == y[i+1] && x[i+1] == y[i] && x[i+2:] == y[i+2:] // swapped
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	return equal(x, y)
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
