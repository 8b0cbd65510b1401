package match

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchLists makes two lists of n companies each: most of the right list is
// the left list rewritten the ways real systems do (legal forms, case,
// typos, locations), the rest are other companies.
func benchLists(n int) ([]Record, []Record) {
	g := &generator{r: rand.New(rand.NewPCG(uint64(n), 3)), used: map[string]bool{}}
	left := make([]Record, n)
	right := make([]Record, n)
	for i := range n {
		name := g.base()
		if g.r.IntN(4) == 0 { // widen the name space past the generator's word lists
			name += fmt.Sprintf(" %s", strings.ToUpper(string(rune('A'+g.r.IntN(26)))+string(rune('A'+g.r.IntN(26)))))
		}
		left[i] = Record{ID: fmt.Sprintf("L%d", i), Name: name}
		var r string
		switch g.r.IntN(6) {
		case 0:
			r = name + ", " + g.pick(genForms)
		case 1:
			r = strings.ToUpper(name)
		case 2:
			r = g.typo(name)
		case 3:
			r = name + " - " + g.pick(genCities)
		case 4:
			r = g.base()
		default:
			r = name
		}
		right[i] = Record{ID: fmt.Sprintf("R%d", i), Name: r}
	}
	g.r.Shuffle(n, func(i, j int) { right[i], right[j] = right[j], right[i] })
	return left, right
}

func benchmarkMatch(b *testing.B, n int) {
	left, right := benchLists(n)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		res := Match(left, right, Options{})
		if len(res.Suggestions) < n/2 {
			b.Fatalf("only %d suggestions for %d", len(res.Suggestions), n)
		}
	}
}

func BenchmarkMatch1k(b *testing.B)  { benchmarkMatch(b, 1000) }
func BenchmarkMatch10k(b *testing.B) { benchmarkMatch(b, 10000) }
func BenchmarkMatch50k(b *testing.B) { benchmarkMatch(b, 50000) }

// brandedLists are benchLists with an invented brand word before half the
// names, as real lists have ("Zantoro Dental"): the generator's own words
// run out at tens of thousands of names, real vocabularies grow with them.
func brandedLists(n int) ([]Record, []Record) {
	left, right := benchLists(n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	syll := strings.Fields("ka ro zan ti mel vor lu pe dri son qua bel fen gor hal ix jun nor ost pry")
	brands := map[string]string{}
	for i := range left {
		if r.IntN(2) == 0 {
			b := syll[r.IntN(len(syll))] + syll[r.IntN(len(syll))] + syll[r.IntN(len(syll))]
			brands[left[i].ID] = strings.ToUpper(b[:1]) + b[1:]
			left[i].Name = brands[left[i].ID] + " " + left[i].Name
		}
	}
	for i := range right {
		if b, ok := brands["L"+strings.TrimPrefix(right[i].ID, "R")]; ok {
			right[i].Name = b + " " + right[i].Name
		}
	}
	return left, right
}

func benchmarkBranded(b *testing.B, n int) {
	left, right := brandedLists(n)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if res := Match(left, right, Options{}); len(res.Suggestions) < n/2 {
			b.Fatalf("only %d suggestions for %d", len(res.Suggestions), n)
		}
	}
}

func BenchmarkMatchBranded10k(b *testing.B) { benchmarkBranded(b, 10000) }
func BenchmarkMatchBranded50k(b *testing.B) { benchmarkBranded(b, 50000) }
