package match

import (
	"strings"
	"testing"
)

// Each test here is one of the ways real company lists from two systems
// differ; a change that loses one of them fails by name.

// pairsOf runs a match and returns left name -> right name for every
// suggestion, and the suggestions themselves by left name.
func pairsOf(left, right []string) (map[string]string, map[string]Suggestion) {
	l, r := recs("L", left...), recs("R", right...)
	res := Match(l, r, Options{})
	names := map[string]string{}
	for _, x := range append(l, r...) {
		names[x.ID] = x.Name
	}
	got, sug := map[string]string{}, map[string]Suggestion{}
	for _, s := range res.Suggestions {
		got[names[s.LeftID]], sug[names[s.LeftID]] = names[s.RightID], s
	}
	return got, sug
}

func expectPairs(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for l, r := range want {
		if got[l] != r {
			t.Errorf("%q: got %q, want %q", l, got[l], r)
		}
	}
}

func TestPatternShortNameInsideLongOne(t *testing.T) {
	got, sug := pairsOf(
		[]string{"Fairview", "Acme", "Bluebird Dental"},
		[]string{"NORTHWIND DISTRICT FAIRVIEW, ANNA M.", "ACME HOLDINGS GROUP", "Bluebird Dental - Main Office", "Lakeside Plumbing"})
	expectPairs(t, got, map[string]string{
		"Fairview": "NORTHWIND DISTRICT FAIRVIEW, ANNA M.", "Acme": "ACME HOLDINGS GROUP", "Bluebird Dental": "Bluebird Dental - Main Office"})
	if s := sug["Fairview"]; s.Band != BandReview || !strings.Contains(s.Reason, "only right has") {
		t.Errorf("a name inside a longer one is for a person to confirm, with the extra words named: %+v", s)
	}
}

func TestPatternBoilerplateOfOneList(t *testing.T) {
	left := []string{"Acme Dental", "Bayside Veterinary", "Summit Roofing", "Cedar Accounting", "Harbor Logistics", "Maple Printing"}
	var right []string
	for _, n := range left {
		right = append(right, "Customer - "+n)
	}
	right = append(right, "Customer - Summit Roofing Supply", "ZZ-Customer - Old Harbor Books")
	got, sug := pairsOf(left, right)
	for _, n := range left {
		if got[n] != "Customer - "+n {
			t.Errorf("%q: got %q", n, got[n])
		}
	}
	if s := sug["Acme Dental"]; s.Band == BandReview {
		t.Errorf("a prefix the whole list carries says nothing; the rest is the same name: %+v", s)
	}
}

func TestPatternParentAndSite(t *testing.T) {
	for _, left := range []string{"Kestrel Health - Oakmont Clinic", "Kestrel Health: Oakmont Clinic", "Kestrel Health (Oakmont Clinic)",
		"Kestrel Health-Oakmont Clinic", "KESTREL HEALTH OAKMONT CLINIC", "Oakmont Clinic / KESTREL HEALTH"} {
		got, _ := pairsOf([]string{left, "Kestrel Health - Brookline Annex"}, []string{"Kestrel Health", "Oakmont Clinic", "Brookline Annex", "Oakmont Bakery"})
		if got[left] != "Oakmont Clinic" {
			t.Errorf("%q: got %q, want the site, not the parent", left, got[left])
		}
	}
	got, _ := pairsOf([]string{"Kestrel Health - Oakmont Clinic"}, []string{"Kestrel Health - Brookline Annex"})
	if r, ok := got["Kestrel Health - Oakmont Clinic"]; ok {
		t.Errorf("siblings under one parent were matched: %q", r)
	}
	_, sug := pairsOf([]string{"Kestrel Health - Oakmont Clinic", "Kestrel Health - Brookline Annex"}, []string{"Kestrel Health"})
	for _, s := range sug {
		if s.Band != BandReview {
			t.Errorf("the parent alone, wanted by two sites, must be reviewed: %+v", s)
		}
	}
}

func TestPatternAbbreviations(t *testing.T) {
	got, sug := pairsOf(
		[]string{"Riverside University Medical Center", "National Association of Roofing Services", "Universität Hamburg",
			"Fondation Lumière", "Stichting Groene Hart", "Hermanos Ruiz Construcciones", "Kessler Manufacturing Group", "Northgate Property Management"},
		[]string{"RIVERSIDE UNIV MED CTR", "Natl Assn of Roofing Svcs", "Univ. Hamburg", "Fdn Lumiere", "Stg. Groene Hart", "Hnos. Ruiz Construcciones",
			"KESSLER MFG GRP", "Northgate Prop Mgmt"})
	expectPairs(t, got, map[string]string{
		"Riverside University Medical Center": "RIVERSIDE UNIV MED CTR", "National Association of Roofing Services": "Natl Assn of Roofing Svcs",
		"Universität Hamburg": "Univ. Hamburg", "Fondation Lumière": "Fdn Lumiere", "Stichting Groene Hart": "Stg. Groene Hart",
		"Hermanos Ruiz Construcciones": "Hnos. Ruiz Construcciones", "Kessler Manufacturing Group": "KESSLER MFG GRP",
		"Northgate Property Management": "Northgate Prop Mgmt"})
	if s := sug["Kessler Manufacturing Group"]; s.Band != BandExact {
		t.Errorf("known short forms are the same words: %+v", s)
	}
}

func TestPatternTyposAndOCR(t *testing.T) {
	got, _ := pairsOf(
		[]string{"Brightwater Consolidated Engineering", "Crestline Photography Studio", "Kingsport Hardware Supply", "Fair View Orchards",
			"Westbrook Millworks", "Okafor, Grace T.", "Thistle Pharmaceutical Laboratories"},
		[]string{"Brightwatter Consolidated Enginering", "Krestline Fotography Studio", "Klngsport Hardwarc Supply", "Fairview Orchards",
			"Westbrook Mill Works", "Grace T Okafor", "THISTLE PHARMACEU"})
	expectPairs(t, got, map[string]string{
		"Brightwater Consolidated Engineering": "Brightwatter Consolidated Enginering", "Crestline Photography Studio": "Krestline Fotography Studio",
		"Kingsport Hardware Supply": "Klngsport Hardwarc Supply", "Fair View Orchards": "Fairview Orchards",
		"Westbrook Millworks": "Westbrook Mill Works", "Okafor, Grace T.": "Grace T Okafor", "Thistle Pharmaceutical Laboratories": "THISTLE PHARMACEU"})
}

// Organisations with many sites: the site decides, the shared organisation
// does not (issue 29).
func TestPatternSiteDecides(t *testing.T) {
	left := []string{"Oak Valley Schools - Valley Campus", "Oak Valley Schools - Oak Campus", "Summit Dental Group - North Side",
		"Summit Dental Group - South Side"}
	right := []string{"OAK VALLEY SCHOOLS OAK CAMPUS", "OAK VALLEY SCHOOLS VALLEY CAMPUS", "SUMMIT DENTAL GROUP NORTH SIDE ORTHODONTICS",
		"SUMMIT DENTAL GROUP NORTH SIDE", "SUMMIT DENTAL GROUP SOUTH SIDE"}
	got, _ := pairsOf(left, right)
	expectPairs(t, got, map[string]string{
		"Oak Valley Schools - Valley Campus": "OAK VALLEY SCHOOLS VALLEY CAMPUS", "Oak Valley Schools - Oak Campus": "OAK VALLEY SCHOOLS OAK CAMPUS",
		"Summit Dental Group - North Side": "SUMMIT DENTAL GROUP NORTH SIDE", "Summit Dental Group - South Side": "SUMMIT DENTAL GROUP SOUTH SIDE"})

	// Alone, the other campus is not a suggestion: the same words, in
	// other numbers, name another site.
	got, sug := pairsOf([]string{"Oak Valley Schools - Valley Campus", "Oak Valley Schools - Hill Campus"},
		[]string{"OAK VALLEY SCHOOLS OAK CAMPUS", "OAK VALLEY SCHOOLS HILL CAMPUS"})
	if r, ok := got["Oak Valley Schools - Valley Campus"]; ok {
		t.Errorf("another campus suggested: %q %+v", r, sug["Oak Valley Schools - Valley Campus"])
	}
}

func TestPatternOneSidedSiteWithSiblings(t *testing.T) {
	// No sibling anywhere: a site on one side only may still be strong.
	_, sug := pairsOf([]string{"Johnson & Sons Physical Therapy, LLP"}, []string{"Johnson & Sons Physical Therapy - Portland"})
	if s := sug["Johnson & Sons Physical Therapy, LLP"]; s.Band != BandStrong {
		t.Errorf("without siblings: %+v", s)
	}
	// With another site of the organisation on either side, it is for a person.
	for _, c := range []struct{ left, right []string }{
		{[]string{"Johnson & Sons Physical Therapy, LLP"}, []string{"Johnson & Sons Physical Therapy - Portland", "Johnson & Sons Physical Therapy - Salem"}},
		{[]string{"Johnson & Sons Physical Therapy, LLP", "Johnson & Sons Physical Therapy (Salem)"}, []string{"Johnson & Sons Physical Therapy - Portland"}},
	} {
		_, sug := pairsOf(c.left, c.right)
		s, ok := sug["Johnson & Sons Physical Therapy, LLP"]
		if ok && (s.Band != BandReview || !strings.Contains(s.Reason, "site")) {
			t.Errorf("%v: a site on one side only, with siblings, must be reviewed and say so: %+v", c, s)
		}
	}
}

func TestPatternAgencyPrefixOnOneSide(t *testing.T) {
	left := []string{"Little Oaks Learning Center, Inc.", "Bright Start Preschool", "Little Acorns Child Care"}
	right := []string{"NORTHSIDE FAMILY SERVICES LITTLE OAKS LEARNI", "NORTHSIDE FAMILY SERVICES BRIGHT START PRESC",
		"NORTHSIDE FAMILY SERVICES LITTLE ACORNS CHIL", "NORTHSIDE FAMILY SERVICES OPEN DOOR PANTRY"}
	got, _ := pairsOf(left, right)
	expectPairs(t, got, map[string]string{"Little Oaks Learning Center, Inc.": "NORTHSIDE FAMILY SERVICES LITTLE OAKS LEARNI",
		"Bright Start Preschool": "NORTHSIDE FAMILY SERVICES BRIGHT START PRESC", "Little Acorns Child Care": "NORTHSIDE FAMILY SERVICES LITTLE ACORNS CHIL"})
}

func TestPatternPersonNamedSites(t *testing.T) {
	var right []string
	for _, p := range []string{"LINCOLN SOUTH, ABRAHAM", "LINCOLN NORTH, ABRAHAM", "WASHINGTON, GEORGE", "JEFFERSON, THOMAS", "ADAMS, JOHN",
		"MADISON, JAMES", "MONROE, JAMES", "JACKSON, ANDREW", "GRANT, ULYSSES S", "KENNEDY, JOHN F", "HAMILTON, ALEXANDER", "KING, MARTIN LUTHER"} {
		right = append(right, "METRO SCHOOL DISTRICT "+p)
	}
	got, sug := pairsOf([]string{"Lincoln South", "Madison", "Kennedy Elementary", "Metro SD - Washington"}, right)
	expectPairs(t, got, map[string]string{"Lincoln South": "METRO SCHOOL DISTRICT LINCOLN SOUTH, ABRAHAM", "Madison": "METRO SCHOOL DISTRICT MADISON, JAMES",
		"Metro SD - Washington": "METRO SCHOOL DISTRICT WASHINGTON, GEORGE"})
	if s := sug["Metro SD - Washington"]; s.Score < 0.8 || strings.Contains(s.Reason, "sd") {
		t.Errorf("\"SD\" is the initials of School District: %+v", s)
	}
	for _, n := range []string{"Madison", "Kennedy Elementary"} {
		if s, ok := sug[n]; ok && s.Band != BandReview {
			t.Errorf("a bare surname among a dozen siblings is for a person: %+v", s)
		}
	}
}

func TestSiteClashesNameTheOtherRecord(t *testing.T) {
	left := recs("L", "Johnson & Sons Physical Therapy, LLP", "Johnson & Sons Physical Therapy (Portland)", "Acme Dental")
	right := recs("R", "Johnson & Sons Physical Therapy - Portland", "Acme Dental - Denver")
	got := SiteClashes(left, right, [][2]string{{"La", "Ra"}, {"Lc", "Rb"}, {"Lb", "Ra"}})
	if why := got[[2]string{"La", "Ra"}]; !strings.Contains(why, "'Portland'") || !strings.Contains(why, "Johnson & Sons Physical Therapy (Portland)") {
		t.Errorf("the site another record has: %q", why)
	}
	if len(got) != 1 {
		t.Errorf("a site no other record has, or the record that has it, is no clash: %v", got)
	}
	if d := Registrable("Ann.Lee@Mail.Acme.co.uk"); d != "acme.co.uk" {
		t.Errorf("Registrable: %q", d)
	}
}
