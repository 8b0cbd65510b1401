package match

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/adrg/strutil/metrics"
)

// Score thresholds. Tuned on testdata/labelled.csv; see quality_test.go.
const (
	strongAt     = 0.90 // at or above: safe to accept in bulk
	DefaultFloor = 0.64 // below: no suggestion
)

// Fixed scores for the decisive cases.
const (
	scoreExact      = 1.0
	scoreExternalID = 1.0
	scoreOneQual    = 0.93 // same name, only one side names a location
	scoreQualCity   = 0.97 // one side's location is the other's city
	scoreDomain     = 0.95 // same registrable domain, names differ
	scoreAcronym    = 0.86
	scoreNumbers    = 0.10 // numbers disagree: different sites or units
	scoreLocations  = 0.40 // same name, different locations
)

var jaroWinkler = metrics.NewJaroWinkler()

// idf weighs words by rarity across both lists.
type idf struct {
	df map[string]int
	n  float64
}

func (w *idf) weight(t string) float64 {
	if stopwords[t] {
		return 0.1
	}
	return math.Log(1 + w.n/float64(w.df[t]+1))
}

// compare scores one pair and says why, in a few words. Pairs that cannot
// reach min are dropped early with a zero score.
func compare(a, b *prepared, w *idf, min float64) (float64, string) {
	if a.rec.ExternalID != "" && a.rec.ExternalID == b.rec.ExternalID {
		return scoreExternalID, "same external id " + a.rec.ExternalID
	}
	if len(a.numbers) > 0 && len(b.numbers) > 0 && !sameSet(a.numbers, b.numbers) {
		return scoreNumbers, fmt.Sprintf("numbers differ: %s vs %s", strings.Join(a.numbers, " "), strings.Join(b.numbers, " "))
	}
	qual, qualScore, qualReason := compareQualifiers(a, b)
	if qual == qualConflict {
		if a.core == b.core {
			return scoreLocations, qualReason
		}
	}
	domainSame := a.domain != "" && a.domain == b.domain
	domainDiff := a.domain != "" && b.domain != "" && !domainSame

	if a.core != "" && a.core == b.core {
		switch qual {
		case qualSame:
			if domainDiff {
				return strongAt - 0.02, exactReason(a, b) + "; different domains"
			}
			return scoreExact, exactReason(a, b)
		default:
			return qualScore, qualReason
		}
	}
	if domainSame && qual != qualConflict {
		return scoreDomain, "same domain " + a.domain
	}
	if s, ok := acronym(a, b); ok {
		return scoreAcronym, s
	}

	tok, differing := tokenSimilarity(a, b, w)
	if 0.65*tok+0.35 < min {
		return 0, "" // even identical spelling could not lift it to min
	}
	str := jaroWinkler.Compare(a.core, b.core)
	s := 0.65*tok + 0.35*str
	reason := fmt.Sprintf("similar names (%.0f%% of the weighted words shared)", 100*tok)
	if typo := typoPair(a, b); typo != "" {
		reason = typo
	}
	if differing != "" {
		s -= 0.15
		reason = "different words: " + differing
	}
	switch qual {
	case qualConflict:
		s -= 0.35
		reason += "; " + qualReason
	case qualOneSided:
		s -= 0.03
		reason += "; " + qualReason
	}
	if domainDiff {
		s -= 0.1
		reason += "; different domains"
	}
	if (len(a.numbers) > 0) != (len(b.numbers) > 0) {
		s -= 0.05
	}
	return math.Max(0, math.Min(s, 0.99)), reason
}

type qualRelation int

const (
	qualSame qualRelation = iota
	qualOneSided
	qualConflict
)

// compareQualifiers relates "(Denver)" / "- Denver" qualifiers, using the
// city column as an implicit one.
func compareQualifiers(a, b *prepared) (qualRelation, float64, string) {
	switch {
	case len(a.quals) == 0 && len(b.quals) == 0:
		return qualSame, scoreExact, ""
	case len(a.quals) > 0 && len(b.quals) > 0:
		if overlaps(a.quals, b.quals) {
			return qualSame, scoreExact, ""
		}
		return qualConflict, scoreLocations, fmt.Sprintf("different locations: '%s' vs '%s'", strings.Join(a.quals, " "), strings.Join(b.quals, " "))
	}
	side, has, other := "left", a, b
	if len(a.quals) == 0 {
		side, has, other = "right", b, a
	}
	if len(other.city) > 0 && overlaps(has.quals, other.city) {
		return qualOneSided, scoreQualCity, fmt.Sprintf("'%s' is the other side's city", strings.Join(has.quals, " "))
	}
	return qualOneSided, scoreOneQual, fmt.Sprintf("only %s has '%s'", side, strings.Join(has.quals, " "))
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
	return "same name apart from case, accents or punctuation"
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
// ("IBM" and "International Business Machines").
func acronym(a, b *prepared) (string, bool) {
	for _, p := range [][2]*prepared{{a, b}, {b, a}} {
		short, long := p[0], p[1]
		if len(short.tokens) != 1 {
			continue
		}
		if word := short.tokens[0]; len(long.initials) >= 2 && len(long.initials) <= 6 && (word == long.initials || word == long.initialsWithForms) {
			return fmt.Sprintf("acronym: '%s' for '%s'", strings.ToUpper(short.tokens[0]), long.rec.Name), true
		}
	}
	return "", false
}

// similarToken says whether two words are one word, allowing one typo —
// a letter wrong, missing, extra, or two letters swapped — in words of five
// letters or more.
func similarToken(x, y string) bool {
	if x == y {
		return true
	}
	if len(x) < 5 || len(y) < 5 || isNumber(x) || isNumber(y) {
		return false
	}
	return oneTypoApart(x, y)
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

// tokenSimilarity is a Dice coefficient over words weighted by rarity,
// counting a word with a typo as the same word. It also names distinctive
// words each side has and the other lacks ("plumbing vs electric").
func tokenSimilarity(a, b *prepared, w *idf) (float64, string) {
	var total, shared float64
	var onlyA, onlyB []string
	match := func(x *prepared, y *prepared, only *[]string) {
		for _, t := range x.tokens {
			wt := w.weight(t)
			total += wt
			found := false
			for _, u := range y.tokens {
				if similarToken(t, u) {
					found = true
					break
				}
			}
			if found {
				shared += wt
			} else if wt > 1.5 {
				*only = append(*only, t)
			}
		}
	}
	match(a, b, &onlyA)
	match(b, a, &onlyB)
	if total == 0 {
		return 0, ""
	}
	differing := ""
	if len(onlyA) > 0 && len(onlyB) > 0 {
		differing = strings.Join(onlyA, " ") + " vs " + strings.Join(onlyB, " ")
	}
	return shared / total, differing
}

// typoPair names the first pair of words that differ only by a typo.
func typoPair(a, b *prepared) string {
	for _, t := range a.tokens {
		for _, u := range b.tokens {
			if t != u && similarToken(t, u) {
				return fmt.Sprintf("spelling differs: '%s' vs '%s'", t, u)
			}
		}
	}
	return ""
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
