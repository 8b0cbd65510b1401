package match

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// siteSet builds two lists the way a PSA and a registry-style system write
// organisations with many sites: the left in mixed case with " - " or
// parentheses ("Oak Valley Schools - Valley Campus"), or the site alone;
// the right upper case with no separator ("OAK VALLEY SCHOOLS OAK
// CAMPUS"), schools named after people as "LINCOLN SOUTH, ABRAHAM", an
// agency's name before each of its programmes, sites one list lacks, and
// ordinary companies around them. The shapes are those the issue tracker
// reported from real lists; the names are made up. Labels come from
// construction.
func siteSet() realSet {
	r := rand.New(rand.NewPCG(29, 2026))
	s := realSet{name: "sites", gold: map[[2]string]bool{}}
	n := 0
	add := func(left, right string) {
		n++
		var l, rr Record
		if left != "" {
			l = Record{ID: fmt.Sprintf("L%04d", n), Name: left}
			s.left = append(s.left, l)
		}
		if right != "" {
			rr = Record{ID: fmt.Sprintf("R%04d", n), Name: right}
			s.right = append(s.right, rr)
		}
		if left != "" && right != "" {
			s.gold[[2]string{l.ID, rr.ID}] = true
		}
	}
	up := strings.ToUpper
	// Districts and groups whose sites reuse the organisation's own words.
	type org struct {
		name  string
		sites []string
	}
	orgs := []org{
		{"Oak Valley Schools", []string{"Valley Campus", "Oak Campus", "Valley High", "Oak Elementary", "Valley Oak Middle", "Early Learning"}},
		{"Summit Dental Group", []string{"North Side", "South Side", "North Side Orthodontics", "Downtown", "West Hills", "Summit Ridge"}},
		{"Cedar Creek Medical", []string{"Cedar Clinic", "Creek Clinic", "Urgent Care", "Cedar Park", "Family Medicine", "Creekside"}},
		{"Harbor Veterinary Partners", []string{"Eastgate", "Westgate", "Harbor Point", "Bayview", "Eastgate Emergency", "Mill Creek"}},
		{"Riverside Community Bank", []string{"Main Branch", "River Road", "Northgate", "Riverside Plaza", "Operations Center", "Maple Street"}},
	}
	for _, o := range orgs {
		for i, site := range o.sites {
			switch {
			case i == len(o.sites)-1: // the left lacks this site
				add("", up(o.name+" "+site))
			case i%3 == 0:
				add(o.name+" - "+site, up(o.name+" "+site))
			case i%3 == 1:
				add(o.name+" ("+site+")", up(o.name+" "+site))
			default:
				add(o.name+": "+site, up(o.name)+" - "+up(site))
			}
		}
	}
	// Many more groups, their sites made of directions, places, trades and
	// the group's own words.
	gen := &generator{r: r, used: map[string]bool{}}
	directions := strings.Fields("North South East West Central Upper Lower Old New")
	kinds := strings.Fields("Campus Clinic Office Center Branch Side Hills Park Plaza Station")
	for range 30 {
		place, trade := gen.pick(genPlaces), gen.pick(genTrades)
		name := place + " " + trade + " " + gen.pick(genSuffixWords)
		if gen.used[name] {
			continue
		}
		gen.used[name] = true
		seen := map[string]bool{}
		for i := range 3 + r.IntN(8) {
			var site string
			switch r.IntN(4) {
			case 0:
				site = gen.pick(directions) + " " + gen.pick(kinds)
			case 1:
				site = gen.pick(genPlaces) + " " + gen.pick(kinds)
			case 2:
				site = place + " " + gen.pick(kinds)
			default:
				site = gen.pick(genPlaces)
			}
			if seen[site] {
				continue
			}
			seen[site] = true
			right := up(name + " " + site)
			switch {
			case r.IntN(6) == 0:
				add("", right)
			case r.IntN(8) == 0:
				add(name+" - "+site, "")
			case i%3 == 0:
				add(name+" - "+site, right)
			case i%3 == 1:
				add(site+" ("+name+")", right)
			default:
				add(site, right)
			}
		}
	}
	// A district whose schools are named after people: the registry writes
	// "LINCOLN SOUTH, ABRAHAM"; the PSA has the school's short name.
	people := [][2]string{{"Lincoln South", "Abraham"}, {"Lincoln North", "Abraham"}, {"Washington", "George"}, {"Jefferson", "Thomas"},
		{"Franklin", "Benjamin"}, {"Roosevelt", "Theodore"}, {"Madison", "James"}, {"Adams", "John"}, {"Jackson", "Andrew"},
		{"Kennedy", "John F"}, {"Monroe", "James"}, {"Grant", "Ulysses S"}, {"Hamilton", "Alexander"}, {"King", "Martin Luther"}}
	for i, p := range people {
		right := up("Metro School District " + p[0] + ", " + p[1])
		switch {
		case i%5 == 4: // only the registry has it
			add("", right)
		case i%2 == 0:
			add(p[0], right)
		default:
			add("Metro School District - "+p[0], right)
		}
	}
	// An agency's programmes: the agency's name on the right only.
	programmes := []string{"Little Oaks Learning Center", "Bright Start Preschool", "Sunrise Youth Shelter", "Open Door Food Pantry",
		"Little Acorns Child Care", "Harbor House Recovery", "Family Resource Center", "Oak Tree Head Start"}
	for i, p := range programmes {
		right := up("Northside Family Services " + p)
		if len(right) > 44 {
			right = strings.TrimSpace(right[:44]) // the registry cuts long names
		}
		if i == len(programmes)-1 {
			add("", right)
			continue
		}
		add(p+", Inc.", right)
	}
	// One customer with one site in the PSA; the documentation tool has the
	// same customer's other site too. Only the matching site is a pair.
	add("Johnson & Sons Physical Therapy - Salem", "Johnson & Sons Physical Therapy - Salem")
	add("", "Johnson & Sons Physical Therapy - Portland")
	add("Pinecrest Orthopedics (Lakeview)", "PINECREST ORTHOPEDICS LAKEVIEW")
	add("", "PINECREST ORTHOPEDICS RIVERSIDE")
	// Ordinary companies around them, each written two ways.
	g := &generator{r: r, used: map[string]bool{}}
	for range 120 {
		name := g.base()
		left := name
		if r.IntN(2) == 0 {
			left += " " + g.pick(genForms)
		}
		right := up(name)
		switch r.IntN(4) {
		case 0:
			right = name + ", " + g.pick(genForms)
		case 1:
			right = g.typo(name)
		}
		switch r.IntN(10) {
		case 0:
			add(left, "")
		case 1:
			add("", right)
		default:
			add(left, right)
		}
	}
	r.Shuffle(len(s.left), func(i, j int) { s.left[i], s.left[j] = s.left[j], s.left[i] })
	r.Shuffle(len(s.right), func(i, j int) { s.right[i], s.right[j] = s.right[j], s.right[i] })
	return s
}

// TestQualityOnSites holds the matcher to the targets on organisations
// with many sites: the site decides, a shared organisation does not.
func TestQualityOnSites(t *testing.T) {
	s := siteSet()
	sc, notes := scoreSet(s, Match(s.left, s.right, Options{Candidates: 3}))
	t.Logf("engine: %s (%d pairs)", sc, len(s.gold))
	if os.Getenv("MATCH_NOTES") != "" {
		t.Log("\n" + strings.Join(notes, "\n"))
	}
	if sc.all.f1() < 0.94 || sc.strong.precision() < 0.97 || sc.hit3 < 0.97 {
		t.Errorf("below the targets: F1 ≥ 0.94, strong precision ≥ 0.97, hit@3 ≥ 0.97\n%s", strings.Join(notes, "\n"))
	}
}
