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
