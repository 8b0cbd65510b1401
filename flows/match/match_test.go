package match

import (
	"reflect"
	"strings"
	"testing"
)

func recs(side string, names ...string) []Record {
	out := make([]Record, len(names))
	for i, n := range names {
		out[i] = Record{ID: side + string(rune('a'+i)), Name: n}
	}
	return out
}

func suggestionFor(res Result, left string) (Suggestion, bool) {
	for _, s := range res.Suggestions {
		if s.LeftID == left {
			return s, true
		}
	}
	return Suggestion{}, false
}

func TestBandsAndReasons(t *testing.T) {
	left := recs("L", "Acme Dental, Inc.", "Smith & Sons Plumbing", "Jackson Family Dentistry", "IBM", "Riverside Dental - Denver", "Northgate Unit 4", "The Harbor Group")
	right := recs("R", "ACME DENTAL", "Smith and Sons Plumbing LLC", "Jackson Famiyl Dentistry", "International Business Machines Corp", "Riverside Dental", "Northgate Unit 5", "Harbor Group")
	res := Match(left, right, Options{})
	cases := []struct {
		left, right string
		band        Band
		reason      string
	}{
		{"La", "Ra", BandExact, "same name without 'Inc'"},
		{"Lb", "Rb", BandExact, "'&' written as 'and'"},
		{"Lc", "Rc", BandStrong, "spelling differs: 'family' vs 'famiyl'"},
		{"Ld", "Rd", BandReview, "acronym: 'IBM'"},
		{"Le", "Re", BandStrong, "only left has 'denver'"},
		{"Lg", "Rg", BandExact, "without 'The'"},
	}
	for _, c := range cases {
		s, ok := suggestionFor(res, c.left)
		if !ok || s.RightID != c.right || s.Band != c.band || !strings.Contains(s.Reason, c.reason) {
			t.Errorf("%s: got %+v, want %s %s %q", c.left, s, c.right, c.band, c.reason)
		}
	}
	if s, ok := suggestionFor(res, "Lf"); ok {
		t.Errorf("Unit 4 and Unit 5 were paired: %+v", s)
	}
}

func TestOneToOneAndAmbiguityGoesToReview(t *testing.T) {
	left := recs("L", "Acme Dental - Denver", "Acme Dental - Boulder")
	right := recs("R", "Acme Dental")
	res := Match(left, right, Options{})
	if len(res.Suggestions) != 1 {
		t.Fatalf("a right company was used twice: %+v", res.Suggestions)
	}
	if s := res.Suggestions[0]; s.Band != BandReview || !strings.Contains(s.Reason, "sibling of Lb") {
		t.Fatalf("two locations for one company should need a person: %+v", s)
	}
	if len(res.UnmatchedLeft) != 1 || len(res.UnmatchedRight) != 0 {
		t.Fatalf("unmatched %v %v", res.UnmatchedLeft, res.UnmatchedRight)
	}
}

func TestDeterministic(t *testing.T) {
	left, right := benchLists(2000)
	first := Match(left, right, Options{})
	for range 3 {
		if again := Match(left, right, Options{}); !reflect.DeepEqual(first, again) {
			t.Fatal("two runs on the same lists differ")
		}
	}
}

func TestDomainAndExternalIDAreDecisive(t *testing.T) {
	left := []Record{{ID: "L1", Name: "Apex Dental", Domain: "apexdental.com"}, {ID: "L2", Name: "Old Name Ltd", ExternalID: "halo-42"}}
	right := []Record{{ID: "R1", Name: "Riverside Smiles", Domain: "https://www.apexdental.com/contact"}, {ID: "R2", Name: "Completely New Name", ExternalID: "halo-42"}}
	res := Match(left, right, Options{})
	a, _ := suggestionFor(res, "L1")
	b, _ := suggestionFor(res, "L2")
	if a.RightID != "R1" || !strings.Contains(a.Reason, "same domain apexdental.com") || b.RightID != "R2" || b.Band != BandExact {
		t.Fatalf("%+v %+v", a, b)
	}
}

func TestDuplicatesInsideOneListAreFlagged(t *testing.T) {
	left := recs("L", "Bayside Veterinary Clinic", "Bayside Veterinary Clinic, LLC", "Summit Roofing")
	right := recs("R", "Summit Roofing Inc")
	res := Match(left, right, Options{})
	if len(res.Duplicates) != 1 || res.Duplicates[0].Side != Left || res.Duplicates[0].FirstID != "La" || res.Duplicates[0].SecondID != "Lb" {
		t.Fatalf("duplicates %+v", res.Duplicates)
	}
}

func TestFloorHidesWeakSuggestions(t *testing.T) {
	left, right := recs("L", "Lakeshore Marine Services"), recs("R", "Lakeshore Marine Works")
	if res := Match(left, right, Options{Floor: 0.99}); len(res.Suggestions) != 0 {
		t.Fatalf("%+v", res.Suggestions)
	}
	if res := Match(left, right, Options{Floor: 0.3}); len(res.Suggestions) != 1 {
		t.Fatalf("%+v", res.Suggestions)
	}
}

func TestOneTypoApart(t *testing.T) {
	yes := [][2]string{{"family", "famiyl"}, {"electric", "eleztric"}, {"anchor", "annchor"}, {"moving", "movnig"}, {"granite", "grainte"}, {"mason", "mason"}}
	no := [][2]string{{"smith", "smyth2"}, {"plumbing", "electric"}, {"abcde", "edcba"}, {"granite", "granola"}}
	for _, p := range yes {
		if !oneTypoApart(p[0], p[1]) {
			t.Errorf("%v should be one typo apart", p)
		}
	}
	for _, p := range no {
		if oneTypoApart(p[0], p[1]) {
			t.Errorf("%v should not be one typo apart", p)
		}
	}
}

// A shared website with unrelated names ("Allen & Snos Financial Advisors"
// and "Cornerstone Advisors" on one agency's site) is for a person to
// look at, saying why; with names alike it is strong.
func TestASharedWebsiteAloneIsNotStrong(t *testing.T) {
	left := []Record{{ID: "1", Name: "Allen & Snos Financial Advisors", Domain: "https://www.cornerstone.example/"},
		{ID: "2", Name: "Birch Dental Care", Domain: "birchdental.example"}}
	right := []Record{{ID: "a", Name: "Cornerstone Advisors", Domain: "cornerstone.example"},
		{ID: "b", Name: "Birch Dental", Domain: "https://birchdental.example"}}
	res := Match(left, right, Options{})
	if s, ok := suggestionFor(res, "1"); !ok || s.Band != BandReview || !strings.Contains(s.Reason, "share little") {
		t.Fatalf("unrelated names on one site: %+v", s)
	}
	if s, ok := suggestionFor(res, "2"); !ok || s.Band == BandReview {
		t.Fatalf("alike names on one site: %+v", s)
	}
}
