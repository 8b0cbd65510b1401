package match

import (
	"sort"
	"strings"
	"unicode"
)

// The yardstick: fuzzball's token_set_ratio at 85 or more, pairs
// taken greedily one to one. Written here to compare the engine against on
// the real sets; only pairs sharing a word are scored (blocking).

func fuzzProcess(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// indelRatio is python-Levenshtein's ratio: substitutions cost two.
func indelRatio(a, b string) int {
	x, y := []rune(a), []rune(b)
	total := len(x) + len(y)
	if total == 0 {
		return 0
	}
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			sub := prev[j-1]
			if x[i-1] != y[j-1] {
				sub += 2
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return int(100*float64(total-prev[len(y)])/float64(total) + 0.5)
}

func tokenSetRatio(a, b []string) int {
	sa, sb := map[string]bool{}, map[string]bool{}
	for _, t := range a {
		sa[t] = true
	}
	for _, t := range b {
		sb[t] = true
	}
	var inter, onlyA, onlyB []string
	for t := range sa {
		if sb[t] {
			inter = append(inter, t)
		} else {
			onlyA = append(onlyA, t)
		}
	}
	for t := range sb {
		if !sa[t] {
			onlyB = append(onlyB, t)
		}
	}
	sort.Strings(inter)
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	sect := strings.Join(inter, " ")
	c1 := strings.TrimSpace(sect + " " + strings.Join(onlyA, " "))
	c2 := strings.TrimSpace(sect + " " + strings.Join(onlyB, " "))
	return max(indelRatio(sect, c1), indelRatio(sect, c2), indelRatio(c1, c2))
}

func scoreBaseline(s realSet) counts {
	lt := make([][]string, len(s.left))
	rt := make([][]string, len(s.right))
	byWord := map[string][]int{}
	for i, r := range s.right {
		rt[i] = fuzzProcess(r.Name)
		for _, w := range unique(rt[i]) {
			byWord[w] = append(byWord[w], i)
		}
	}
	type scored struct{ l, r, s int }
	var all []scored
	for i, l := range s.left {
		lt[i] = fuzzProcess(l.Name)
		seen := map[int]bool{}
		for _, w := range unique(lt[i]) {
			for _, j := range byWord[w] {
				if seen[j] {
					continue
				}
				seen[j] = true
				if sc := tokenSetRatio(lt[i], rt[j]); sc >= 85 {
					all = append(all, scored{i, j, sc})
				}
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].s > all[j].s })
	usedL, usedR := map[int]bool{}, map[int]bool{}
	var c counts
	for _, p := range all {
		if usedL[p.l] || usedR[p.r] {
			continue
		}
		usedL[p.l], usedR[p.r] = true, true
		if s.gold[[2]string{s.left[p.l].ID, s.right[p.r].ID}] {
			c.tp++
		} else {
			c.fp++
		}
	}
	c.fn = len(s.gold) - c.tp
	return c
}
