// Package match pairs up the companies of two lists — HaloPSA clients and
// Liongard environments, IT Glue organizations, Hudu companies — one to one,
// and says for each suggestion how sure it is and why. It is pure: no I/O.
//
// Cost grows about linearly with the lists: candidates come from an
// inverted index of words (and of letter trigrams for words the other list
// lacks, to catch typos), and only a few best candidates per company are
// scored in full.
package match

import (
	"sort"
	"sync"
)

// Record is one company in a list.
type Record struct {
	ID         string
	Name       string
	Domain     string // a domain or website, if known
	City       string
	ExternalID string // an id both systems carry (e.g. a PSA id), decisive when equal
}

// Band says what to do with a suggestion.
type Band string

// Bands.
const (
	BandExact  Band = "exact"  // the same name once normalised
	BandStrong Band = "strong" // safe to accept in bulk
	BandReview Band = "review" // a person should look
)

// Suggestion pairs a left and a right company.
type Suggestion struct {
	LeftID  string  `json:"left_id"`
	RightID string  `json:"right_id"`
	Score   float64 `json:"score"`
	Band    Band    `json:"band"`
	Reason  string  `json:"reason"`
}

// Side names a list.
type Side string

// Sides.
const (
	Left  Side = "left"
	Right Side = "right"
)

// Duplicate is two records of one list that look like one company.
type Duplicate struct {
	Side     Side    `json:"side"`
	FirstID  string  `json:"first_id"`
	SecondID string  `json:"second_id"`
	Score    float64 `json:"score"`
	Reason   string  `json:"reason"`
}

// Result is the whole answer.
type Result struct {
	Suggestions    []Suggestion `json:"suggestions"`
	UnmatchedLeft  []string     `json:"unmatched_left"`
	UnmatchedRight []string     `json:"unmatched_right"`
	Duplicates     []Duplicate  `json:"duplicates"`
}

// Options tune a run.
type Options struct {
	// Floor is the lowest score suggested; zero means DefaultFloor.
	Floor float64
}

// candidatesPerRecord is how many best-indexed candidates are scored in full.
const candidatesPerRecord = 6

// Match suggests one-to-one pairs between left and right, and flags
// duplicates inside each list. The result does not depend on goroutine
// scheduling or map order: ties break by input order.
func Match(left, right []Record, o Options) Result {
	floor := o.Floor
	if floor <= 0 {
		floor = DefaultFloor
	}
	lp, rp := prepareAll(left), prepareAll(right)
	weights := newIDF(lp, rp)
	idx := newIndex(rp)

	// The three searches are independent: run them side by side.
	var pairs []pair
	var dupL, dupR []Duplicate
	var wg sync.WaitGroup
	wg.Go(func() { pairs = idx.pairs(lp, weights, floor-0.05, false) })
	wg.Go(func() { dupL = duplicates(Left, lp, weights, newIndex(lp)) })
	wg.Go(func() { dupR = duplicates(Right, rp, weights, idx) })
	wg.Wait()
	res := Result{Suggestions: assign(pairs, lp, rp, floor), Duplicates: append(dupL, dupR...)}

	matchedL, matchedR := map[string]bool{}, map[string]bool{}
	for _, s := range res.Suggestions {
		matchedL[s.LeftID], matchedR[s.RightID] = true, true
	}
	for _, p := range lp {
		if !matchedL[p.rec.ID] {
			res.UnmatchedLeft = append(res.UnmatchedLeft, p.rec.ID)
		}
	}
	for _, p := range rp {
		if !matchedR[p.rec.ID] {
			res.UnmatchedRight = append(res.UnmatchedRight, p.rec.ID)
		}
	}
	return res
}

func prepareAll(rs []Record) []prepared {
	out := make([]prepared, len(rs))
	folder := newFolder()
	for i, r := range rs {
		out[i] = prepare(r, folder)
	}
	return out
}

func newIDF(lists ...[]prepared) *idf {
	w := &idf{df: map[string]int{}}
	for _, l := range lists {
		for i := range l {
			seen := map[string]bool{}
			for _, t := range l[i].tokens {
				if !seen[t] {
					w.df[t]++
					seen[t] = true
				}
			}
			w.n++
		}
	}
	return w
}

// pair is a scored candidate: indexes into the left and right lists.
type pair struct {
	l, r   int
	score  float64
	reason string
}

// assign picks pairs greedily by score, so each company is used at most
// once per side; equal scores go to the earlier left, then right, record.
// A pair with a near-equal rival for either company drops to review.
func assign(pairs []pair, lp, rp []prepared, floor float64) []Suggestion {
	sort.Slice(pairs, func(i, j int) bool {
		a, b := pairs[i], pairs[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.l != b.l {
			return a.l < b.l
		}
		return a.r < b.r
	})
	// The best rival score each record has among all candidates.
	bestL, bestR := map[int][]pair{}, map[int][]pair{}
	for _, p := range pairs {
		if len(bestL[p.l]) < 2 {
			bestL[p.l] = append(bestL[p.l], p)
		}
		if len(bestR[p.r]) < 2 {
			bestR[p.r] = append(bestR[p.r], p)
		}
	}
	usedL, usedR := map[int]bool{}, map[int]bool{}
	var out []Suggestion
	for _, p := range pairs {
		if p.score < floor || usedL[p.l] || usedR[p.r] {
			continue
		}
		usedL[p.l], usedR[p.r] = true, true
		s := Suggestion{LeftID: lp[p.l].rec.ID, RightID: rp[p.r].rec.ID, Score: round(p.score), Reason: p.reason}
		switch {
		case p.score >= scoreExact:
			s.Band = BandExact
		case p.score >= strongAt:
			s.Band = BandStrong
		default:
			s.Band = BandReview
		}
		if s.Band != BandExact {
			if rival, ok := closeRival(p, bestL[p.l], bestR[p.r], lp, rp); ok {
				s.Band = BandReview
				s.Reason += "; also close: '" + rival + "'"
			}
		}
		out = append(out, s)
	}
	return out
}

// closeRival finds another candidate within 0.03 of a pair's score.
func closeRival(p pair, forL, forR []pair, lp, rp []prepared) (string, bool) {
	for _, q := range forL {
		if q.r != p.r && q.score >= p.score-0.03 {
			return rp[q.r].rec.Name, true
		}
	}
	for _, q := range forR {
		if q.l != p.l && q.score >= p.score-0.03 {
			return lp[q.l].rec.Name, true
		}
	}
	return "", false
}

// duplicates flags pairs inside one list that score strong or better.
func duplicates(side Side, list []prepared, w *idf, idx *index) []Duplicate {
	var out []Duplicate
	seen := map[[2]int]bool{}
	for _, p := range idx.pairs(list, w, strongAt, true) {
		key := [2]int{min(p.l, p.r), max(p.l, p.r)}
		if seen[key] {
			continue // found from both ends
		}
		seen[key] = true
		out = append(out, Duplicate{Side: side, FirstID: list[key[0]].rec.ID, SecondID: list[key[1]].rec.ID, Score: round(p.score), Reason: p.reason})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].FirstID != out[j].FirstID {
			return out[i].FirstID < out[j].FirstID
		}
		return out[i].SecondID < out[j].SecondID
	})
	return out
}

func round(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }
