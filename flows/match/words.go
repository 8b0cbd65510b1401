package match

import "strings"

// The word lists the normaliser uses. They are written by hand, in folded
// spelling (lower case, no accents, no dots):
//   - legal forms: the common abbreviations of the ISO 20275 Entity Legal
//     Forms code list that GLEIF maintains, for the countries MSPs serve most;
//   - word abbreviations: the English business forms of the Bluebook's
//     table T6 (Ass'n, Ctr., Dep't, Int'l, Mgmt., Mfg., Nat'l, Univ., …)
//     and the ISO 4 List of Title Word Abbreviations (ISSN) forms of the same
//     words in German, French, Dutch and Spanish, mapped to one English word
//     so both spellings of a name meet.

// legalForms are company-type words and phrases, longer phrases first.
var legalForms = [][]string{
	split("gesellschaft mit beschrankter haftung"), split("limited liability company"), split("limited liability partnership"),
	split("public limited company"), split("professional limited liability company"), split("professional corporation"),
	split("professional association"), split("limited partnership"), split("sociedad anonima"), split("societe anonyme"),
	split("besloten vennootschap"), split("naamloze vennootschap"), split("proprietary limited"), split("sdn bhd"),
	split("sa de cv"), split("s de rl"), split("pty ltd"), split("pte ltd"), split("co ltd"), split("a s"), split("s a"),
	split("s p a"), split("s r l"), split("ges m b h"), split("co kg"), split("kg a a"),
	{"incorporated"}, {"corporation"}, {"company"}, {"limited"}, {"inc"}, {"llc"}, {"ltd"}, {"corp"}, {"co"},
	{"gmbh"}, {"mbh"}, {"ggmbh"}, {"ag"}, {"kg"}, {"kgaa"}, {"ohg"}, {"gbr"}, {"ug"}, {"ev"}, {"eg"}, {"se"},
	{"aktiengesellschaft"}, {"kommanditgesellschaft"},
	{"sa"}, {"sas"}, {"sasu"}, {"sarl"}, {"eurl"}, {"snc"}, {"cie"}, {"bv"}, {"nv"}, {"vof"}, {"cv"}, {"spa"}, {"srl"},
	{"sl"}, {"slu"}, {"cia"}, {"ltda"}, {"lda"}, {"pty"}, {"plc"}, {"llp"}, {"lp"}, {"pc"}, {"pllc"}, {"pa"},
	{"oy"}, {"oyj"}, {"ab"}, {"publ"}, {"as"}, {"asa"}, {"aps"}, {"kk"}, {"bhd"}, {"pte"}, {"cic"}, {"ulc"}, {"nl"},
}

// leadingForms are legal forms written before the name ("JSC Biocad",
// "PT Bank Mandiri", "Joint Stock Company Biocad").
var leadingForms = [][]string{
	split("joint stock company"), split("public joint stock company"), split("closed joint stock company"),
	{"jsc"}, {"pjsc"}, {"ojsc"}, {"cjsc"}, {"ooo"}, {"oao"}, {"zao"}, {"pao"}, {"pt"},
}

func split(s string) []string { return strings.Fields(s) }

// stopwords carry no identity in a company name, in the languages above.
var stopwords = map[string]bool{
	"and": true, "of": true, "the": true, "for": true, "at": true, "in": true, "on": true,
	"und": true, "der": true, "die": true, "das": true, "den": true, "fur": true, "zu": true, "zur": true, "zum": true,
	"et": true, "de": true, "du": true, "des": true, "la": true, "le": true, "les": true, "pour": true,
	"en": true, "het": true, "voor": true, "y": true, "del": true, "el": true, "los": true, "las": true, "para": true,
	"di": true, "da": true, "do": true, "dos": true,
}

// canonical maps a word, or its short form, to one spelling.
var canonical = func() map[string]string {
	groups := map[string]string{
		"association":   "assn assoc asso associates associated associacao asociacion associazione verein vereniging ver",
		"university":    "univ uni universitat universitaet universite universidad universiteit universita universidade",
		"institute":     "inst institut instituto instituut istituto",
		"foundation":    "fdn fndn found stiftung fondation fundacion stichting stg fondazione fundacao",
		"center":        "ctr cntr centre centr zentrum centro centrum centers centres ctrs",
		"service":       "services svc svcs serv servs svcs",
		"international": "intl internat internationale internacional internazionale",
		"national":      "natl nationale nacional nazionale",
		"management":    "mgmt mgt mngmt",
		"department":    "dept dep",
		"group":         "grp gruppe groupe grupo groep",
		"hospital":      "hosp hospitals krankenhaus ziekenhuis hopital ospedale",
		"academy":       "acad akademie academie academia",
		"manufacturing": "mfg manuf mfrs manufacturers manufacturer",
		"technology":    "tech techn technol technologies technologie tecnologia technologia",
		"laboratory":    "lab labs labo laboratories laboratoires laboratorios laboratorium laboratorien",
		"industry":      "ind inds indus industries industrie industrias",
		"holding":       "holdings hldg hldgs",
		"system":        "systems sys syst",
		"product":       "products prod prods",
		"pharmaceutical": "pharm pharma pharmaceuticals pharmaceutica pharmazeutische pharmaceutique " +
			"farmaceutica farmaceutici pharmaceutiques",
		"chemical":      "chem chemicals chemie chimie quimica chemische",
		"research":      "res",
		"development":   "dev devel",
		"brothers":      "bros gebruder gebrueder gebroeders freres hermanos hnos",
		"company":       "compagnie compania companhia compagnia",
		"cooperative":   "coop cooperatief cooperativa genossenschaft",
		"engineering":   "eng engg engr",
		"electric":      "elec electrical",
		"insurance":     "ins insur versicherung versicherungen assurance assurances seguros",
		"financial":     "fin finl",
		"investment":    "investments invest",
		"government":    "govt",
		"county":        "cnty",
		"township":      "twp",
		"district":      "dist",
		"school":        "sch schools",
		"elementary":    "elem",
		"memorial":      "mem",
		"medical":       "med",
		"health":        "hlth",
		"clinic":        "clinics klinik kliniek clinique clinica",
		"bank":          "bk banque banco",
		"partners":      "partner ptnrs",
		"solution":      "solutions",
		"accounting":    "acctg",
		"building":      "bldg bldgs buildings",
		"saint":         "st",
		"mount":         "mt",
		"fort":          "ft",
		"american":      "amer",
		"general":       "gen",
		"biotechnology": "biotech",
		"therapeutics":  "therapeutic",
	}
	m := map[string]string{}
	for word, forms := range groups {
		m[word] = word
		for _, f := range strings.Fields(forms) {
			m[f] = word
		}
	}
	return m
}()

// canon is a word's canonical spelling.
func canon(w string) string {
	if c, ok := canonical[w]; ok {
		return c
	}
	return w
}
