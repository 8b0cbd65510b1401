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
