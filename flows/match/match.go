// Package match pairs up the companies of two lists — HaloPSA clients and
// Liongard environments, IT Glue organizations, Hudu companies — one to one,
// and says for each suggestion how sure it is and why. It is pure: no I/O.
//
// Names are compared as sets of words, each weighed by how rare it is in
// its own list, so one name inside a longer one, a prefix a whole list
// carries, parent and site, short forms, typos and OCR noise all meet.
// Cost grows about linearly with the lists: candidates come from an
// inverted index of rare words, word pairs and misspellings, and only a
// few best candidates per company are scored in full.
package match

import (
	"context"
	"fmt"
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

// Candidate is one of a left record's best right records, whether or not
// the one-to-one assignment chose it: what a reviewer re-maps to.
type Candidate struct {
	LeftID  string  `json:"left_id"`
	RightID string  `json:"right_id"`
	Score   float64 `json:"score"`
	Rank    int     `json:"rank"`
	Band    Band    `json:"band"`
	Reason  string  `json:"reason"`
}

// Result is the whole answer.
type Result struct {
	Suggestions    []Suggestion `json:"suggestions"`
	Candidates     []Candidate  `json:"candidates,omitempty"`
	UnmatchedLeft  []string     `json:"unmatched_left"`
	UnmatchedRight []string     `json:"unmatched_right"`
	Duplicates     []Duplicate  `json:"duplicates"`
}

// Options tune a run.
type Options struct {
	// Floor is the lowest score suggested; zero means DefaultFloor.
	Floor float64
	// Candidates is how many best right records to list per left record.
	Candidates int
}

// candidatesPerRecord is how many best-indexed candidates are scored in full.
const candidatesPerRecord = 6

// duplicateCandidates is how many are scored when looking for duplicates
// inside one list: a duplicate is nearly the same name, so it ranks first.
const duplicateCandidates = 2

// candidateFloor is the lowest score a reviewer's candidate may have.
const candidateFloor = 0.4

// Match suggests one-to-one pairs between left and right, and flags
// duplicates inside each list. The result does not depend on goroutine
// scheduling or map order: ties break by input order.
func Match(left, right []Record, o Options) Result {
	res, _ := MatchContext(context.Background(), left, right, o)
	return res
}

// MatchContext is Match that stops, with ctx's error, soon after ctx ends.
func MatchContext(ctx context.Context, left, right []Record, o Options) (Result, error) {
	floor := o.Floor
	if floor <= 0 {
		floor = DefaultFloor
	}
	lp, rp := prepareAll(left), prepareAll(right)
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	wl, wr := newWeights(lp), newWeights(rp)
	newPrefixes(lp)
	newPrefixes(rp)
	idx := newIndex(rp)

	// The three searches are independent: run them side by side.
	var pairs []pair
	var dupL, dupR []Duplicate
	var wg sync.WaitGroup
	wg.Go(func() {
		pairs = idx.pairs(ctx, lp, wl, wr, min(floor, candidateFloor)-0.05, false, candidatesPerRecord)
	})
	wg.Go(func() { dupL = duplicates(ctx, Left, lp, wl, newIndex(lp)) })
	wg.Go(func() { dupR = duplicates(ctx, Right, rp, wr, idx) })
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	res := Result{Suggestions: assign(pairs, lp, rp, wr, floor), Duplicates: append(dupL, dupR...)}
	if o.Candidates > 0 {
		res.Candidates = candidates(pairs, lp, rp, wr, o.Candidates)
	}

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
	return res, nil
}

func prepareAll(rs []Record) []prepared {
	out := make([]prepared, len(rs))
	folder := newFolder()
	for i, r := range rs {
		out[i] = prepare(r, folder)
	}
	return out
}

// pair is a scored candidate: indexes into the left and right lists.
type pair struct {
	l, r int
	verdict
}

// assign picks pairs greedily by score, so each company is used at most
// once per side; equal scores go to the earlier left, then right, record.
// A pair with a near-equal rival for either company drops to review.
func assign(pairs []pair, lp, rp []prepared, wr weights, floor float64) []Suggestion {
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
		s := Suggestion{LeftID: lp[p.l].rec.ID, RightID: rp[p.r].rec.ID, Score: round(p.score), Band: p.band,
			Reason: compare(&lp[p.l], &rp[p.r], wr, 0, true).reason}
		if why := closeRival(p, bestL[p.l], bestR[p.r], lp, rp); why != "" {
			s.Band = BandReview
			s.Reason += "; " + why
		}
		out = append(out, s)
	}
	return out
}

// closeRival names another candidate within 0.03 of a pair's score, for
// either of its records; "" if there is none.
func closeRival(p pair, forL, forR []pair, lp, rp []prepared) string {
	for _, q := range forL {
		if q.r != p.r && q.score >= p.score-0.03 {
			return rivalReason(&rp[q.r], &rp[p.r])
		}
	}
	for _, q := range forR {
		if q.l != p.l && q.score >= p.score-0.03 {
			return rivalReason(&lp[q.l], &lp[p.l])
		}
	}
	return ""
}

// rivalReason says why a rival makes a pair doubtful: a sibling site under
// the same parent, or just another close name.
func rivalReason(rival, chosen *prepared) string {
	if rival.core == chosen.core && len(rival.segs) > 1 && len(chosen.segs) > 1 {
		return fmt.Sprintf("sibling of %s '%s' under the same parent", rival.rec.ID, rival.rec.Name)
	}
	return "also close: '" + rival.rec.Name + "'"
}

// duplicates flags pairs inside one list that score strong or better.
func duplicates(ctx context.Context, side Side, list []prepared, w weights, idx *index) []Duplicate {
	var out []Duplicate
	seen := map[[2]int]bool{}
	for _, p := range idx.pairs(ctx, list, w, w, strongAt, true, duplicateCandidates) {
		if p.band == BandReview {
			continue
		}
		key := [2]int{min(p.l, p.r), max(p.l, p.r)}
		if seen[key] {
			continue // found from both ends
		}
		seen[key] = true
		out = append(out, Duplicate{Side: side, FirstID: list[key[0]].rec.ID, SecondID: list[key[1]].rec.ID, Score: round(p.score),
			Reason: compare(&list[key[0]], &list[key[1]], w, 0, true).reason})
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

// candidates lists each left record's k best pairs, best first.
func candidates(pairs []pair, lp, rp []prepared, wr weights, k int) []Candidate {
	byLeft := map[int][]pair{}
	for _, p := range pairs {
		byLeft[p.l] = append(byLeft[p.l], p)
	}
	var out []Candidate
	for l := range lp {
		ps := byLeft[l]
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].score > ps[j].score })
		for i, p := range ps[:min(k, len(ps))] {
			out = append(out, Candidate{LeftID: lp[l].rec.ID, RightID: rp[p.r].rec.ID, Score: round(p.score), Rank: i + 1, Band: p.band,
				Reason: compare(&lp[l], &rp[p.r], wr, 0, true).reason})
		}
	}
	return out
}
