package match

import (
	"strings"
	"testing"
)

func TestNormalisedCores(t *testing.T) {
	cases := map[string]string{
		"Acme Dental, Inc.":                              "acme dental",
		"ACME DENTAL LLC":                                "acme dental",
		"Acme Dental L.L.C.":                             "acme dental",
		"The Acme Dental Group, Ltd":                     "acme dental group",
		"Smith & Sons Plumbing":                          "smith sons plumbing",
		"Smith and Sons Plumbing":                        "smith sons plumbing",
		"Smith + Sons Plumbing":                          "smith sons plumbing",
		"Müller Bäckerei GmbH & Co. KG":                  "muller backerei",
		"Société Générale S.A.":                          "societe generale",
		"Øresund Logistik A/S":                           "oresund logistik",
		"Straße Bau AG":                                  "strasse bau",
		"O'Brien Law, P.C.":                              "obrien law",
		"Harbor Holdings Pty Ltd":                        "harbor holding",
		"Van Dijk Installatie B.V.":                      "van dijk installatie",
		"Northwind Traders Limited":                      "northwind traders",
		"Contoso Incorporated":                           "contoso",
		"Contoso Limited Liability Company":              "contoso",
		"Acme Dental - Denver":                           "acme dental",
		"Acme Dental (Denver)":                           "acme dental",
		"Co":                                             "co",
		"Riverside School District 4":                    "riverside school district 4",
		"Fabrikam Professional Corporation":              "fabrikam",
		"Tailspin Gesellschaft mit beschränkter Haftung": "tailspin",
	}
	for in, want := range cases {
		if got := prepare(Record{Name: in}, newFolder()).core; got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}

func TestQualifiersNumbersAndDomains(t *testing.T) {
	p := prepare(Record{Name: "Acme Dental - Denver (Unit 4)", Domain: "https://www.Acme-Dental.com/about"}, newFolder())
	if strings.Join(p.quals, " ") != "denver unit 4" || strings.Join(p.numbers, " ") != "4" || p.domain != "acme-dental.com" {
		t.Fatalf("%+v", p)
	}
	for in, want := range map[string]string{"acme.co.uk": "acme.co.uk", "mail.acme.co.uk": "acme.co.uk", "acme": "", "": "", "http://x.y.acme.com.au/": "acme.com.au"} {
		if got := registrable(in); got != want {
			t.Errorf("registrable(%q) = %q, want %q", in, got, want)
		}
	}
	if got := prepare(Record{Name: "International Business Machines Corp"}, newFolder()).initials; got != "ibm" {
		t.Errorf("initials %q", got)
	}
}
