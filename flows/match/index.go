package match

import (
	"context"
	"math"
	"sort"
)

// postingCap bounds the work per record: a key (a word, word pair, domain)
// shared by more records than this is too common to pick candidates by. It
// only ranks the candidates rarer keys found. A constant, so cost grows
// linearly with the lists.
const postingCap = 64

// typoCap bounds the records a word a typo away may bring: a misspelling
// is rare; a word many names share is another word ("Smyth", not "Smith").
const typoCap = 8

// index finds, for a record of one list, the few records of the other that
// could be the same company, without comparing every pair.
type index struct {
	recs     []prepared
	cores    map[string][]int32
	tokens   map[string][]int32  // records by word
	variants map[string][]string // words by each one-letter deletion and by sound ("~" + phonetic)
	bigrams  map[string][]int32  // neighbouring word pairs: rare even when both words are common
	joined   map[string][]int32  // two neighbouring words written as one ("fair view" -> "fairview")
	initials map[string][]int32  // records of two or more words, by their initials
	singles  map[string][]int32  // one-word records, by the word
	domains  map[string][]int32
	external map[string][]int32
}

func newIndex(recs []prepared) *index {
	x := &index{recs: recs, cores: map[string][]int32{}, tokens: map[string][]int32{}, variants: map[string][]string{},
		bigrams: map[string][]int32{}, joined: map[string][]int32{}, initials: map[string][]int32{}, singles: map[string][]int32{},
		domains: map[string][]int32{}, external: map[string][]int32{}}
	spelled := map[string]bool{} // spellings whose variants are indexed: once per spelling, not per record
	for i := range recs {
		r, id := &recs[i], int32(i)
		x.cores[r.core] = append(x.cores[r.core], id)
		for _, t := range r.tokens {
			x.tokens[t] = append(x.tokens[t], id)
			for _, v := range []string{t, r.raw(t)} {
				if key := v + "\x00" + t; !spelled[key] {
					spelled[key] = true
					x.addVariants(v, t)
				}
			}
		}
		for _, seg := range r.segs {
			for i := 1; i < len(seg); i++ {
				b := seg[i-1] + " " + seg[i]
				x.bigrams[b] = appendOnce(x.bigrams[b], id)
				j := seg[i-1] + seg[i]
				x.joined[j] = appendOnce(x.joined[j], id)
			}
		}
		if len(r.initials) >= 2 && len(r.initials) <= 6 {
			x.initials[r.initials] = append(x.initials[r.initials], id)
		}
		if len(r.main) == 1 {
			x.singles[r.main[0]] = append(x.singles[r.main[0]], id)
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

// addVariants files word t under the keys a typo of its spelling v would
// share: v itself and v less one letter (words of five letters or more),
// and v's sound.
func (x *index) addVariants(v, t string) {
	if isNumber(v) {
		return // numbers must be equal
	}
	if k := phonetic(v); len(k) >= 3 {
		x.variants["~"+k] = appendWord(x.variants["~"+k], t)
	}
	if len(v) < 5 {
		return
	}
	x.variants[v] = appendWord(x.variants[v], t)
	for _, d := range deletions(v) {
		x.variants[d] = appendWord(x.variants[d], t)
	}
}

func appendWord(list []string, w string) []string {
	for _, x := range list {
		if x == w {
			return list
		}
	}
	return append(list, w)
}

// pairs scores each query against its k best indexed candidates and
// returns the pairs scoring at least min. wq and wx weigh the words of the queries'
// list and of the indexed list. With self set, queries are the indexed
// records themselves and a record is never paired with itself.
func (x *index) pairs(ctx context.Context, queries []prepared, wq, wx weights, min float64, self bool, k int) []pair {
	n := len(x.recs)
	acc := make([]float32, n)
	mark := make([]int32, n) // which key last credited a record, so each key counts once
	stamp := int32(0)
	var touched []int32
	var out []pair
	var scratch []byte
	var common []string
	memo := map[string][]int32{}
	for qi := range queries {
		if qi%1024 == 0 && ctx.Err() != nil {
			return nil
		}
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
		// credit adds v to every record of a rare key's list, and says
		// whether the key was rare enough.
		credit := func(list []int32, v float32) bool {
			if len(list) > postingCap {
				return false
			}
			stamp++
			for _, r := range list {
				add(r, v)
			}
			return true
		}
		weight := func(t string) float32 { return float32(math.Min(wq.of(t), wx.of(t))) }

		credit(x.cores[q.core], 100)
		credit(x.domains[q.domain], 50)
		credit(x.external[q.rec.ExternalID], 50)
		if len(q.main) == 1 {
			credit(x.initials[q.main[0]], 50)
		}
		if len(q.initials) >= 2 {
			credit(x.singles[q.initials], 50)
		}
		for _, seg := range q.segs {
			for i := 1; i < len(seg); i++ {
				a, b := seg[i-1], seg[i]
				credit(x.bigrams[a+" "+b], weight(a)+weight(b))
				credit(x.tokens[a+b], weight(a)+weight(b))
			}
		}
		common = common[:0]
		for ti, t := range q.tokens {
			w := weight(t)
			if !credit(x.tokens[t], w) && len(x.tokens[t]) > 0 {
				common = append(common, t)
			}
			credit(x.joined[t], w)
			// Words a typo or a sound away: rare even when t is common.
			stamp++
			for _, r := range x.neighbours(q, ti, memo, &scratch) {
				add(r, 0.9*w)
			}
		}
		if len(touched) == 0 && len(q.tokens) > 0 {
			// Every key is common: fall back to the rarest word's records.
			rarest := q.tokens[0]
			for _, t := range q.tokens[1:] {
				if len(x.tokens[t]) > 0 && (len(x.tokens[rarest]) == 0 || len(x.tokens[t]) < len(x.tokens[rarest])) {
					rarest = t
				}
			}
			stamp++
			for _, r := range x.tokens[rarest] {
				add(r, weight(rarest))
			}
		}
		// Common words rank the best candidates the rare keys found.
		best := touched
		if len(common) > 0 {
			best = topK(touched, acc, 4*k)
		}
		for _, t := range common {
			w := weight(t)
			for _, r := range best {
				if indexOf(x.recs[r].tokens, t) >= 0 {
					acc[r] += w
				}
			}
		}
		for _, r := range topK(best, acc, k) {
			if v := compare(q, &x.recs[r], wx, min, false); v.score >= min {
				out = append(out, pair{l: qi, r: int(r), verdict: v})
			}
		}
		for _, r := range touched {
			acc[r] = 0
		}
		touched = touched[:0]
	}
	return out
}

// neighbours are the records of the indexed words a typo or a sound away
// from query q's word ti, each word rare enough to pick candidates by.
// Lists repeat their words, so the answer is kept in memo for the next
// query with the same word.
func (x *index) neighbours(q *prepared, ti int, memo map[string][]int32, scratch *[]byte) []int32 {
	t := q.tokens[ti]
	key := t + "\x00" + q.raw(t)
	if rs, ok := memo[key]; ok {
		return rs
	}
	var ns []string
	var rs []int32
	lookup := func(k []byte) {
		for _, u := range x.variants[string(k)] { // string(bytes) in a map lookup does not allocate
			if list := x.tokens[u]; u != t && len(list) <= typoCap && indexOfString(ns, u) < 0 {
				ns = append(ns, u)
				rs = append(rs, list...)
			}
		}
	}
	if len(q.sounds[ti]) >= 3 {
		lookup(append(append((*scratch)[:0], '~'), q.sounds[ti]...))
	}
	for vi, v := range []string{t, q.raw(t)} {
		if len(v) < 5 || vi == 1 && v == t {
			continue
		}
		for i := -1; i < len(v); i++ {
			b := append((*scratch)[:0], v...)
			if i >= 0 {
				b = append(b[:i], v[i+1:]...)
			}
			*scratch = b
			lookup(b)
		}
	}
	memo[key] = rs
	return rs
}

func indexOfString(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// topK returns up to k candidates with the highest weight, ties to the
// earlier record, by selection: touched lists can be long, k is small.
func topK(touched []int32, acc []float32, k int) []int32 {
	better := func(a, b int32) bool { return acc[a] > acc[b] || acc[a] == acc[b] && a < b }
	if len(touched) > 8*k {
		// Keep the k best seen so far, worst first, and replace the worst.
		h := touched[:0:0]
		for _, r := range touched {
			if len(h) < k {
				h = append(h, r)
				if len(h) == k {
					sort.Slice(h, func(i, j int) bool { return better(h[j], h[i]) })
				}
				continue
			}
			if better(r, h[0]) {
				i := sort.Search(k, func(i int) bool { return better(h[i], r) })
				copy(h[:i-1], h[1:i])
				h[i-1] = r
			}
		}
		sort.Slice(h, func(i, j int) bool { return better(h[i], h[j]) })
		return h
	}
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
