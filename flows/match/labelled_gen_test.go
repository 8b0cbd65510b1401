package match

import (
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// The labelled set in testdata/labelled.csv is made by this generator and
// committed, so the quality test reads fixed data. Regenerate with
//
//	go test ./flows/match -run TestGenerateLabelled -update-labelled
var updateLabelled = flag.Bool("update-labelled", false, "rewrite testdata/labelled.csv")

var (
	genSurnames = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
		Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez
		Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
		Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris
		Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
		Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel
		Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher
		Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace West Cole Hayes Bryant
		Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald
		Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter
		Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose
		Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner`)
	genPlaces = strings.Fields(`Riverside Lakeview Summit Cedar Harbor Pinecrest Oakridge Bayside Northgate Westfield Maple
		Granite Evergreen Redwood Canyon Prairie Highland Meadowbrook Stonebridge Fairview Brookside Clearwater Ironwood
		Willow Aspen Sierra Juniper Magnolia Sycamore Hawthorne Kingsport Lakeshore Ridgeview Sunnyside Brightwater
		Silverton Goldfield Copperfield Eastwood Southgate Westbrook Northfield Greenfield Fox Valley Orchard Timberline
		Bluebonnet Coral Sandpiper Heron Falcon Eagle Crescent Horizon Liberty Heritage Pioneer Frontier Beacon Anchor`)
	genTrades = strings.Fields(`Dental Dentistry Orthodontics Veterinary Legal Accounting Insurance Realty Construction
		Plumbing Electric HVAC Logistics Manufacturing Pediatrics Chiropractic Engineering Architects Landscaping Consulting
		Pharmacy Printing Roofing Flooring Cabinetry Optometry Dermatology Cardiology Radiology Podiatry Auto Marine
		Aviation Trucking Storage Moving Catering Bakery Brewing Winery Florists Jewelers Tailors Upholstery Masonry
		Paving Fencing Glass Welding Machining Plastics Textiles Apparel Staffing Recruiting Marketing Publishing`)
	genSuffixWords = strings.Fields(`Group Associates Partners Services Solutions Clinic Center Studio Works`)
	genForms       = []string{"Inc", "Inc.", "Incorporated", "LLC", "L.L.C.", "Limited Liability Company", "Ltd", "Ltd.",
		"Limited", "Corp", "Corp.", "Corporation", "Co.", "GmbH", "AG", "KG", "S.A.", "SARL", "B.V.", "N.V.", "Pty Ltd",
		"PLC", "LLP", "P.C.", "PLLC", "Professional Corporation", "GmbH & Co. KG", "S.A.R.L.", "Pty. Ltd."}
	genAccented = []string{"Müller", "Schäfer", "Lefèvre", "Peña", "Gómez", "Núñez", "Björk", "Åberg", "Søndergaard",
		"Łukasiewicz", "Dvořák", "Çelik", "Öztürk", "Ibáñez", "François", "Jürgens", "Hervé", "Zoë", "Fjällström", "Brontë"}
	genCities = strings.Fields(`Denver Austin Phoenix Tampa Boise Omaha Raleigh Portland Columbus Nashville Tulsa Reno
		Madison Spokane Toronto Calgary Leeds Brisbane Boulder Dallas Houston Atlanta Miami Seattle Chicago Detroit`)
)

type labelledRow struct {
	class, label string
	left, right  Record
}

type generator struct {
	r    *rand.Rand
	used map[string]bool
	rows []labelledRow
	n    int
}

func (g *generator) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// base makes a company name never used before in the set.
func (g *generator) base() string {
	for {
		var name string
		switch g.r.IntN(7) {
		case 0:
			name = g.pick(genSurnames) + " " + g.pick(genTrades)
		case 1:
			name = g.pick(genPlaces) + " " + g.pick(genTrades)
		case 2:
			name = g.pick(genSurnames) + " & " + g.pick(genSurnames) + " " + g.pick(genTrades)
		case 3:
			name = g.pick(genPlaces) + " " + g.pick(genTrades) + " " + g.pick(genSuffixWords)
		case 4:
			name = g.pick(genSurnames) + " " + g.pick(genTrades) + " " + g.pick(genSuffixWords)
		case 5:
			name = g.pick(genPlaces) + " " + g.pick(genSurnames) + " " + g.pick(genTrades)
		default:
			name = g.pick(genSurnames) + " Family " + g.pick(genTrades)
		}
		key := strings.ToLower(name)
		if !g.used[key] {
			g.used[key] = true
			return name
		}
	}
}

func (g *generator) domainOf(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String() + g.pick([]string{".com", ".net", ".org", ".co.uk", ".com.au"})
}

func (g *generator) add(class, label string, left, right Record) {
	g.n++
	left.ID, right.ID = fmt.Sprintf("L%04d", g.n), fmt.Sprintf("R%04d", g.n)
	g.rows = append(g.rows, labelledRow{class: class, label: label, left: left, right: right})
}

func (g *generator) typo(name string) string {
	words := strings.Fields(name)
	var long []int
	for i, w := range words {
		if len(w) >= 6 && !strings.ContainsAny(w, "&.") {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return name
	}
	i := long[g.r.IntN(len(long))]
	w := []rune(words[i])
	k := 1 + g.r.IntN(len(w)-3) // never the first letter
	switch g.r.IntN(4) {
	case 0:
		w[k], w[k+1] = w[k+1], w[k]
	case 1:
		w = append(w[:k], w[k+1:]...)
	case 2:
		w = append(w[:k+1], w[k:]...)
	default:
		w[k] = rune('a' + g.r.IntN(26))
	}
	words[i] = string(w)
	return strings.Join(words, " ")
}

func generateLabelled() []labelledRow {
	g := &generator{r: rand.New(rand.NewPCG(2026, 11)), used: map[string]bool{}}
	times := func(n int, f func()) {
		for range n {
			f()
		}
	}
	withForm := func(name string) string { return name + ", " + g.pick(genForms) }

	times(80, func() { n := g.base(); g.add("exact", "match", Record{Name: n}, Record{Name: n}) })
	times(150, func() {
		n := g.base()
		right := n
		if g.r.IntN(2) == 0 {
			right = n + " " + g.pick(genForms)
		}
		g.add("legal_form", "match", Record{Name: withForm(n)}, Record{Name: right})
	})
	times(90, func() {
		a, b, t := g.pick(genSurnames), g.pick(genSurnames), g.pick(genTrades)
		key := strings.ToLower(a + " & " + b + " " + t)
		if g.used[key] {
			return
		}
		g.used[key] = true
		other := g.pick([]string{" and ", " + ", " AND "})
		g.add("ampersand", "match", Record{Name: a + " & " + b + " " + t}, Record{Name: a + other + b + " " + t})
	})
	times(60, func() {
		s, t := g.pick(genSurnames), g.pick(genTrades)
		key := strings.ToLower(s + " sons " + t)
		if g.used[key] {
			return
		}
		g.used[key] = true
		g.add("smith_and_sons", "match", Record{Name: withForm(s + " & Sons " + t)}, Record{Name: s + " and Sons " + t})
	})
	times(70, func() {
		a := g.pick(genAccented)
		n := a + " " + g.pick(genTrades) + " " + g.pick(genSuffixWords)
		if g.used[strings.ToLower(n)] {
			return
		}
		g.used[strings.ToLower(n)] = true
		plain := strings.NewReplacer("ü", "u", "ä", "a", "è", "e", "ñ", "n", "ó", "o", "ú", "u", "ö", "o", "Å", "A", "ø", "o",
			"Ł", "L", "ř", "r", "Ç", "C", "Ö", "O", "á", "a", "ç", "c", "é", "e", "ë", "e").Replace(n)
		g.add("diacritics", "match", Record{Name: n}, Record{Name: plain})
	})
	times(70, func() {
		n := g.base()
		var other string
		switch g.r.IntN(3) {
		case 0:
			other = strings.ToUpper(n)
		case 1:
			other = strings.ToLower(n)
		default:
			other = strings.ReplaceAll(n, " ", ", ")
		}
		g.add("case_punctuation", "match", Record{Name: n}, Record{Name: other})
	})
	times(60, func() { n := g.base(); g.add("leading_the", "match", Record{Name: "The " + n}, Record{Name: n}) })
	times(90, func() {
		n, city := g.base(), g.pick(genCities)
		left := n + " - " + city
		if g.r.IntN(2) == 0 {
			left = n + " (" + city + ")"
		}
		right := Record{Name: n}
		if g.r.IntN(2) == 0 {
			right.City = city
		}
		g.add("qualifier", "match", Record{Name: left}, right)
	})
	times(140, func() {
		n := g.base()
		t := g.typo(n)
		if t == n {
			return
		}
		g.add("typo", "match", Record{Name: n}, Record{Name: t})
	})
	times(40, func() {
		words := []string{g.pick(genPlaces), g.pick(genSurnames), g.pick(genTrades), g.pick(genSuffixWords)}[:3+g.r.IntN(2)]
		full := strings.Join(words, " ")
		var initials strings.Builder
		for _, w := range words {
			initials.WriteByte(w[0])
		}
		if g.used[strings.ToLower(full)] || g.used[strings.ToLower(initials.String())] {
			return
		}
		g.used[strings.ToLower(full)], g.used[strings.ToLower(initials.String())] = true, true
		g.add("acronym", "match", Record{Name: initials.String()}, Record{Name: withForm(full)})
	})
	times(60, func() {
		old, renamed := g.base(), g.base()
		d := g.domainOf(old)
		g.add("domain", "match", Record{Name: old, Domain: d}, Record{Name: renamed, Domain: "https://www." + d + "/"})
	})
	times(40, func() {
		p, n := g.pick(genPlaces), 1+g.r.IntN(40)
		name := fmt.Sprintf("%s School District %d", p, n)
		if g.used[strings.ToLower(name)] {
			return
		}
		g.used[strings.ToLower(name)] = true
		g.add("numbers_same", "match", Record{Name: name}, Record{Name: fmt.Sprintf("%s School District #%d", p, n)})
	})
	times(120, func() {
		n := g.base()
		left, right := n, n
		for _, v := range g.r.Perm(5)[:2+g.r.IntN(2)] {
			switch v {
			case 0:
				left = withForm(left)
			case 1:
				right = strings.ToUpper(right)
			case 2:
				left = "The " + left
			case 3:
				right = right + " (" + g.pick(genCities) + ")"
			case 4:
				right = g.typo(right)
			}
		}
		g.add("combined", "match", Record{Name: left}, Record{Name: right})
	})

	times(80, func() {
		p, a := g.pick(genPlaces), 1+g.r.IntN(30)
		b := a + 1 + g.r.IntN(9)
		kind := g.pick([]string{"School District %d", "Dental - Unit %d", "Storage #%d", "Medical Suite %d"})
		left, right := p+" "+fmt.Sprintf(kind, a), p+" "+fmt.Sprintf(kind, b)
		if g.used[strings.ToLower(left)] || g.used[strings.ToLower(right)] {
			return
		}
		g.used[strings.ToLower(left)], g.used[strings.ToLower(right)] = true, true
		g.add("numbers_differ", "nonmatch", Record{Name: left}, Record{Name: right})
	})
	times(80, func() {
		n := g.base()
		c1 := g.pick(genCities)
		c2 := c1
		for c2 == c1 {
			c2 = g.pick(genCities)
		}
		g.add("locations_differ", "nonmatch", Record{Name: n + " - " + c1}, Record{Name: n + " (" + c2 + ")"})
	})
	times(210, func() {
		var left, right string
		switch g.r.IntN(4) {
		case 0: // same surname, different trade
			s := g.pick(genSurnames)
			left, right = s+" "+g.pick(genTrades), s+" "+g.pick(genTrades)
		case 1: // same trade, different place
			t := g.pick(genTrades) + " " + g.pick(genSuffixWords)
			left, right = g.pick(genPlaces)+" "+t, g.pick(genPlaces)+" "+t
		case 2: // same family business name, different trade
			s := g.pick(genSurnames)
			left, right = s+" & Sons "+g.pick(genTrades), s+" & Sons "+g.pick(genTrades)
		default: // same place, different trade
			p := g.pick(genPlaces)
			left, right = p+" "+g.pick(genTrades), p+" "+g.pick(genTrades)
		}
		kl, kr := strings.ToLower(left), strings.ToLower(right)
		if kl == kr || g.used[kl] || g.used[kr] {
			return
		}
		g.used[kl], g.used[kr] = true, true
		g.add("similar_but_different", "nonmatch", Record{Name: left}, Record{Name: right})
	})
	times(130, func() { g.add("unrelated", "nonmatch", Record{Name: withForm(g.base())}, Record{Name: g.base()}) })
	g.realWorldPatterns()
	return g.rows
}

// Words the real-world patterns below use.
var (
	genAbbrev = [][2]string{{"University", "Univ"}, {"Center", "Ctr"}, {"Services", "Svcs"}, {"Association", "Assn"},
		{"International", "Intl"}, {"Management", "Mgmt"}, {"Department", "Dept"}, {"Group", "Grp"}, {"Hospital", "Hosp"},
		{"Academy", "Acad"}, {"National", "Natl"}, {"Manufacturing", "Mfg"}, {"Foundation", "Fdn"}, {"Institute", "Inst"},
		{"Laboratories", "Labs"}, {"Technologies", "Tech"}, {"Brothers", "Bros"}, {"Building", "Bldg"}}
	genForeign = [][2]string{{"Universität", "Univ."}, {"Stiftung", "Stg."}, {"Gebrüder", "Gebr."}, {"Université", "Univ."},
		{"Fondation", "Fond."}, {"Vereniging", "Ver."}, {"Stichting", "Stg."}, {"Fundación", "Fdn."}, {"Asociación", "Asoc."},
		{"Internationale", "Int."}, {"Gesellschaft", "Ges."}, {"Laboratoires", "Labo."}}
	genSites    = strings.Fields(`Campus Clinic Annex Office Plant Depot Branch Store Warehouse Lab`)
	genParents  = strings.Fields(`Health Schools Dental Care Logistics Bank Medical Holdings`)
	genExtras   = []string{"Holdings Group", "Group", "- Main Office", "Services Ltd", "Enterprises", "Partners LLC"}
	genBoiler   = []string{"Customer - ", "ZZ-", "Northwind District ", "MSP: "}
	genGiven    = strings.Fields(`Anna John Maria James Linda Robert Susan David Karen Peter`)
	genInitials = strings.Fields(`A B C D E J K L M R S T`)
)

// realWorldPatterns are what real company lists from two systems do that
// the classes above do not: one name's words inside the other's, a list's
// own boilerplate, parent and site, short forms, and OCR noise.
func (g *generator) realWorldPatterns() {
	times := func(n int, f func()) {
		for range n {
			f()
		}
	}
	fresh := func(names ...string) bool {
		for _, n := range names {
			if g.used[strings.ToLower(n)] {
				return false
			}
		}
		for _, n := range names {
			g.used[strings.ToLower(n)] = true
		}
		return true
	}
	// 1. The shorter name's words are all inside the longer one.
	times(80, func() {
		short := g.pick(genSurnames) + " " + g.pick(genPlaces)
		long := strings.ToUpper(short + " " + g.pick(genExtras))
		if g.r.IntN(2) == 0 {
			long = short + " " + g.pick(genTrades) + " - " + g.pick([]string{"Main Office", "Head Office", "HQ"})
		}
		if fresh(short, long) {
			g.add("contained", "match", Record{Name: short}, Record{Name: long})
		}
	})
	// 2. One list's boilerplate: a prefix most of its names carry.
	times(90, func() {
		n := g.base()
		right := g.pick(genBoiler) + n
		if fresh(right) {
			g.add("boilerplate", "match", Record{Name: n}, Record{Name: right})
		}
	})
	// 3. Parent and site, written every way; siblings are not a match.
	times(90, func() {
		parent := g.pick(genSurnames) + " " + g.pick(genParents)
		site := g.pick(genPlaces) + " " + g.pick(genSites)
		var left string
		switch g.r.IntN(7) {
		case 0:
			left = parent + " - " + site
		case 1:
			left = parent + ": " + site
		case 2:
			left = parent + " (" + site + ")"
		case 3:
			left = parent + "-" + site
		case 4:
			left = strings.ToUpper(parent + " " + site)
		case 5:
			left = site + " / " + strings.ToUpper(parent)
		default:
			left = parent + " - " + site
		}
		if fresh(left, site) {
			g.add("parent_site", "match", Record{Name: left}, Record{Name: site})
		}
	})
	times(60, func() {
		parent := g.pick(genSurnames) + " " + g.pick(genParents)
		a, b := g.pick(genPlaces)+" "+g.pick(genSites), g.pick(genPlaces)+" "+g.pick(genSites)
		left, right := parent+" - "+a, parent+" - "+b
		if a != b && fresh(left, right) {
			g.add("siblings", "nonmatch", Record{Name: left}, Record{Name: right})
		}
	})
	// 4. Common words abbreviated, in English and other languages; initials.
	times(90, func() {
		var full, short string
		switch g.r.IntN(3) {
		case 0:
			x, y := genAbbrev[g.r.IntN(len(genAbbrev))], genAbbrev[g.r.IntN(len(genAbbrev))]
			p := g.pick(genPlaces)
			full, short = p+" "+x[0]+" "+y[0], p+" "+x[1]+" "+y[1]
		case 1:
			x := genForeign[g.r.IntN(len(genForeign))]
			s := g.pick(genSurnames)
			full, short = x[0]+" "+s+" "+g.pick(genCities), x[1]+" "+s+" "+g.pick(genCities)
			short = strings.Replace(short, strings.Fields(short)[2], strings.Fields(full)[2], 1)
		default:
			x := genAbbrev[g.r.IntN(len(genAbbrev))]
			s := g.pick(genSurnames)
			full, short = s+" "+x[0], strings.ToUpper(s+" "+x[1])
		}
		if full != short && fresh(full, short) {
			g.add("abbreviation", "match", Record{Name: full}, Record{Name: short})
		}
	})
	// 5. OCR noise and typing in long names; people's names written "Last, First M.".
	times(90, func() {
		n := g.pick(genPlaces) + " " + g.pick(genSurnames) + " " + g.pick(genTrades) + " " + g.pick(genSuffixWords)
		var noisy string
		switch g.r.IntN(5) {
		case 0: // a letter doubled
			w := []rune(n)
			k := 2 + g.r.IntN(len(w)-4)
			noisy = string(w[:k+1]) + string(w[k:])
		case 1: // c/k, ph/f
			noisy = strings.NewReplacer("c", "k", "C", "K", "ph", "f").Replace(n)
		case 2: // a word split
			ws := strings.Fields(n)
			i := g.r.IntN(len(ws))
			if len(ws[i]) >= 6 {
				ws[i] = ws[i][:3] + " " + ws[i][3:]
			}
			noisy = strings.Join(ws, " ")
		case 3: // two words joined
			ws := strings.Fields(n)
			noisy = ws[0] + ws[1] + " " + strings.Join(ws[2:], " ")
		default: // OCR: rn for m, l for i, once or twice
			noisy = strings.Replace(strings.Replace(n, "m", "rn", 1), "i", "l", 1+g.r.IntN(2))
		}
		if noisy != n && fresh(n, noisy) {
			g.add("ocr_typo", "match", Record{Name: n}, Record{Name: noisy})
		}
	})
	times(50, func() {
		last, first, init := g.pick(genSurnames), g.pick(genGiven), g.pick(genInitials)
		left := last + ", " + first + " " + init + "."
		right := first + " " + init + " " + last
		if g.r.IntN(2) == 0 {
			right = first + " " + last + " " + g.pick([]string{"DDS", "MD", "CPA", "PC"})
		}
		if fresh(left, right) {
			g.add("person_name", "match", Record{Name: left}, Record{Name: right})
		}
	})
}

func TestGenerateLabelled(t *testing.T) {
	if !*updateLabelled {
		t.Skip("run with -update-labelled to rewrite testdata/labelled.csv")
	}
	f, err := os.Create("testdata/labelled.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"class", "label", "left_id", "left_name", "left_domain", "left_city", "right_id", "right_name", "right_domain", "right_city"})
	for _, r := range generateLabelled() {
		w.Write([]string{r.class, r.label, r.left.ID, r.left.Name, r.left.Domain, r.left.City, r.right.ID, r.right.Name, r.right.Domain, r.right.City})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
}
