package match

import (
	"sort"
)

// postingCap bounds the work per record: a word (or word pair, domain, typo
// variant) shared by more records than this is too common to pick
// candidates by, and is skipped. A constant, so cost grows linearly.
const postingCap = 64

// index finds, for a record of one list, the few records of the other that
// could be the same company, without comparing every pair.
type index struct {
	recs     []prepared
	cores    map[string][]int32
	tokens   map[string][]int32
	bigrams  map[string][]int32 // neighbouring word pairs: rare even when both words are common
	typos    map[string][]int32 // words of five letters or more, by each one-letter deletion
	initials map[string][]int32 // records of two or more words, by their initials
	singles  map[string][]int32 // one-word records, by the word
	domains  map[string][]int32
	external map[string][]int32
}

func newIndex(recs []prepared) *index {
	x := &index{recs: recs, cores: map[string][]int32{}, tokens: map[string][]int32{}, bigrams: map[string][]int32{}, typos: map[string][]int32{},
		initials: map[string][]int32{}, singles: map[string][]int32{}, domains: map[string][]int32{}, external: map[string][]int32{}}
	for i := range recs {
		r, id := &recs[i], int32(i)
		x.cores[r.core] = append(x.cores[r.core], id)
		for _, t := range unique(r.tokens) {
			x.tokens[t] = append(x.tokens[t], id)
			if len(t) >= 5 {
				x.typos[t] = appendOnce(x.typos[t], id)
				for _, d := range deletions(t) {
					x.typos[d] = appendOnce(x.typos[d], id)
				}
			}
		}
		for i := 1; i < len(r.tokens); i++ {
			b := r.tokens[i-1] + " " + r.tokens[i]
			x.bigrams[b] = appendOnce(x.bigrams[b], id)
		}
		if len(r.initials) >= 2 && len(r.initials) <= 6 {
			x.initials[r.initials] = append(x.initials[r.initials], id)
		}
		if len(r.tokens) == 1 {
			x.singles[r.tokens[0]] = append(x.singles[r.tokens[0]], id)
		}
		if r.domain != "" {
			x.domains[r.domain] = append(x.domains[r.domain], id)
		}
		if r.rec.ExternalID != "" {
			x.external[r.rec.ExternalID] = append(x.external[r.rec.ExternalID], id)
		}
	}
	return x
}

// pairs scores each query against its best indexed candidates and returns
// the pairs scoring at least min. With self set, queries are the indexed
// records themselves and a record is never paired with itself.
func (x *index) pairs(queries []prepared, w *idf, min float64, self bool) []pair {
	n := len(x.recs)
	acc := make([]float32, n)
	mark := make([]int32, n) // which query word last credited a record, so each word counts once
	stamp := int32(0)
	var touched []int32
	var out []pair
	var scratch []byte
	for qi := range queries {
		q := &queries[qi]
		add := func(r int32, v float32) {
			if self && int(r) == qi || mark[r] == stamp {
				return
			}
			mark[r] = stamp
			if acc[r] == 0 {
				touched = append(touched, r)
			}
			acc[r] += v
		}
		credit := func(list []int32, v float32) {
			stamp++
			for _, r := range list {
				add(r, v)
			}
		}
		credit(x.cores[q.core], 100)
		for _, list := range [][]int32{x.domains[q.domain], x.external[q.rec.ExternalID]} {
			if len(list) <= postingCap {
				credit(list, 50)
			}
		}
		if len(q.tokens) == 1 {
			credit(x.initials[q.tokens[0]], 50)
		}
		if len(q.initials) >= 2 {
			credit(x.singles[q.initials], 50)
		}
		for i := 1; i < len(q.tokens); i++ {
			if list := x.bigrams[q.tokens[i-1]+" "+q.tokens[i]]; len(list) <= postingCap {
				credit(list, float32(w.weight(q.tokens[i-1])+w.weight(q.tokens[i])))
			}
		}
		words := unique(q.tokens)
		sort.Slice(words, func(i, j int) bool { return len(x.tokens[words[i]]) < len(x.tokens[words[j]]) })
		for _, t := range words {
			weight := float32(w.weight(t))
			if post := x.tokens[t]; len(post) <= postingCap {
				credit(post, weight)
			}
			if len(t) >= 5 { // the same word with one typo, either side
				stamp++
				for i := -1; i < len(t); i++ {
					scratch = append(scratch[:0], t...)
					if i >= 0 {
						scratch = append(scratch[:i], t[i+1:]...)
					}
					// A map lookup with string(bytes) does not allocate.
					if list := x.typos[string(scratch)]; len(list) <= postingCap {
						for _, r := range list {
							add(r, weight)
						}
					}
				}
			}
		}
		if len(touched) == 0 && len(words) > 0 {
			// Every word is common and no pair of them matched: fall back to
			// the rarest word, whatever its length.
			credit(x.tokens[words[0]], float32(w.weight(words[0])))
		}
		for _, r := range topK(touched, acc, candidatesPerRecord) {
			s, reason := compare(q, &x.recs[r], w, min)
			if s >= min {
				out = append(out, pair{l: qi, r: int(r), score: s, reason: reason})
			}
		}
		for _, r := range touched {
			acc[r] = 0
		}
		touched = touched[:0]
	}
	return out
}

// topK returns up to k candidates with the highest weight, ties to the
// earlier record, by selection: touched lists can be long, k is small.
func topK(touched []int32, acc []float32, k int) []int32 {
	better := func(a, b int32) bool { return acc[a] > acc[b] || acc[a] == acc[b] && a < b }
	n := min(k, len(touched))
	for i := range n {
		best := i
		for j := i + 1; j < len(touched); j++ {
			if better(touched[j], touched[best]) {
				best = j
			}
		}
		touched[i], touched[best] = touched[best], touched[i]
	}
	return touched[:n]
}

func unique(ts []string) []string {
	out := make([]string, 0, len(ts))
	for i, t := range ts {
		dup := false
		for _, u := range ts[:i] {
			if u == t {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}

func appendOnce(list []int32, id int32) []int32 {
	if n := len(list); n > 0 && list[n-1] == id {
		return list
	}
	return append(list, id)
}
