// Package path turns the five questions the vendors' integration guide asks
// into a recommended integration path, with its trade-offs and the steps it
// takes, in the guide's order.
package path

import (
	"fmt"
	"strings"
)

// ID names a path.
type ID string

// The three paths.
const (
	A ID = "A" // Liongard -> HaloPSA; the docs tool pulls from HaloPSA (baseline)
	B ID = "B" // HaloPSA hub; Liongard pushes straight to IT Glue
	C ID = "C" // HaloPSA hub; Hudu pulls straight from Liongard
)

// Parse reads "A", "b", … .
func Parse(s string) (ID, error) {
	switch ID(strings.ToUpper(strings.TrimSpace(s))) {
	case A:
		return A, nil
	case B:
		return B, nil
	case C:
		return C, nil
	}
	return "", fmt.Errorf("path %q: choose A, B or C", s)
}

// Answers are the five questions, answered.
type Answers struct {
	TechsLiveIn      string `json:"techs_live_in"`   // "halopsa" or "docs"
	DocsTool         string `json:"docs_tool"`       // "itglue" or "hudu"
	DeepData         bool   `json:"deep_data"`       // full Liongard inspection data in the docs tool
	ITGlueTwoWay     bool   `json:"itglue_two_way"`  // IT Glue already two-way syncs with another platform
	LiveDocs         bool   `json:"live_docs"`       // docs mirror live system data, not a reference
	DedicatedOwner   bool   `json:"dedicated_owner"` // someone owns and maintains each integration
	ITGlueEnterprise bool   `json:"itglue_enterprise"`
}

// Question is one of the guide's questions, for forms and prompts.
type Question struct {
	Key     string
	Title   string
	Help    string
	Options []Option
}

// Option is an answer to a question.
type Option struct {
	Label string
	Value string
}

// Questions are asked in this order.
var Questions = []Question{
	{"techs_live_in", "Where do your technicians spend most of their day?", "Tickets in HaloPSA, or the documentation tool.",
		[]Option{{"HaloPSA", "halopsa"}, {"The documentation tool", "docs"}}},
	{"docs_tool", "Which documentation tool do you use?", "",
		[]Option{{"IT Glue", "itglue"}, {"Hudu", "hudu"}}},
	{"deep_data", "Do you need Liongard's full inspection data in the documentation tool?", "Or is the summary HaloPSA holds enough?",
		[]Option{{"A summary is enough", "no"}, {"Yes, the full depth", "yes"}}},
	{"itglue_two_way", "Does IT Glue already two-way sync with another platform (such as ConnectWise)?", "",
		[]Option{{"No", "no"}, {"Yes", "yes"}}},
	{"live_docs", "Should the documentation reflect live system data, or stay a reference?", "",
		[]Option{{"A reference", "no"}, {"Live data", "yes"}}},
	{"dedicated_owner", "Will someone own and maintain each integration once it is set up?", "More connections need an owner.",
		[]Option{{"Not really", "no"}, {"Yes", "yes"}}},
	{"itglue_enterprise", "Is your IT Glue plan Enterprise?", "Liongard's direct IT Glue integration needs it.",
		[]Option{{"No, or not sure", "no"}, {"Yes", "yes"}}},
}

// Get is one answer by question key, as Set takes it; "" when not
// answered yet.
func (a Answers) Get(key string) string {
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	switch key {
	case "techs_live_in":
		return a.TechsLiveIn
	case "docs_tool":
		return a.DocsTool
	case "deep_data":
		return yn(a.DeepData)
	case "itglue_two_way":
		return yn(a.ITGlueTwoWay)
	case "live_docs":
		return yn(a.LiveDocs)
	case "dedicated_owner":
		return yn(a.DedicatedOwner)
	case "itglue_enterprise":
		return yn(a.ITGlueEnterprise)
	}
	return ""
}

// Set fills one answer by question key, as forms and flags give them.
func (a *Answers) Set(key, value string) error {
	yes := value == "yes" || value == "true"
	switch key {
	case "techs_live_in":
		if value != "halopsa" && value != "docs" {
			return fmt.Errorf("%s: answer halopsa or docs", key)
		}
		a.TechsLiveIn = value
	case "docs_tool":
		if value != "itglue" && value != "hudu" {
			return fmt.Errorf("%s: answer itglue or hudu", key)
		}
		a.DocsTool = value
	case "deep_data":
		a.DeepData = yes
	case "itglue_two_way":
		a.ITGlueTwoWay = yes
	case "live_docs":
		a.LiveDocs = yes
	case "dedicated_owner":
		a.DedicatedOwner = yes
	case "itglue_enterprise":
		a.ITGlueEnterprise = yes
	default:
		return fmt.Errorf("unknown question %q", key)
	}
	return nil
}

// Recommend picks a path and says why, in one line tied to the answers.
// The guide's rule of thumb: start from A; go direct only when the docs tool
// needs Liongard's full depth and someone will look after the extra sync.
func Recommend(a Answers) (ID, string) {
	wantsDepth := a.DeepData || a.LiveDocs || a.TechsLiveIn == "docs"
	switch {
	case !wantsDepth:
		return A, "a summary in the docs tool is enough, so the simplest chain with HaloPSA as the single source fits"
	case !a.DedicatedOwner:
		return A, "you want deeper docs data, but nobody will own the extra integrations; start with the baseline and grow later"
	case a.DocsTool == "itglue" && a.ITGlueTwoWay:
		return A, "IT Glue already two-way syncs with another platform, and a direct Liongard sync would risk duplicate configurations"
	case a.DocsTool == "itglue" && !a.ITGlueEnterprise:
		return A, "Liongard's direct IT Glue integration needs IT Glue Enterprise, which you do not have"
	case a.DocsTool == "itglue":
		return B, "you want Liongard's full inspection data in IT Glue, have Enterprise, and someone to manage Flexible Assets and Pro Sync"
	default:
		return C, "you want Liongard's full inspection data in Hudu and someone to manage Hudu's direct Liongard sync"
	}
}

// Role is the part a system plays in an MSP's stack. An adapter declares
// its role; a path says which roles it fills, and with which system where
// the path is about one (B is IT Glue's, C Hudu's).
type Role string

// The roles.
const (
	PSA           Role = "psa"           // tickets, clients, assets, billing: HaloPSA
	Inspection    Role = "inspection"    // inspects customer environments: Liongard
	Documentation Role = "documentation" // IT Glue, Hudu
	RMM           Role = "rmm"           // remote monitoring and management: none built in; a path never needs one
)

// Need is a role a path fills. System, when set, is the one system that
// fills it on this path; "" leaves it to the only system of the role.
type Need struct {
	Role   Role
	System string
}

// Needs are the roles a path fills, in the order they are set up. A
// system of a role no path needs (an RMM) joins a profile's path once it
// is connected, and is never required.
func Needs(p ID, docsTool string) []Need {
	docs := docsTool
	switch p {
	case B:
		docs = "itglue" // Liongard pushes straight to IT Glue
	case C:
		docs = "hudu" // Hudu pulls straight from Liongard
	}
	if docs == "" {
		docs = DefaultDocsTool
	}
	return []Need{{PSA, ""}, {Inspection, ""}, {Documentation, docs}}
}

// Fills says whether a path fills a role.
func Fills(p ID, docsTool string, r Role) bool {
	for _, n := range Needs(p, docsTool) {
		if n.Role == r {
			return true
		}
	}
	return false
}

// Hub is the system every path centres on: the default source of truth.
const Hub = "halopsa"

// DefaultDocsTool is the documentation tool assumed before the question
// is answered.
const DefaultDocsTool = "hudu"

// Link is a link a path has mspwire set or check: the Holder system's
// records point to the Toward system's (Hudu's matchers to HaloPSA
// clients). ToSource points to the source of truth, whichever it is.
type Link struct {
	Holder, Toward string
	ToSource       bool
}

// Links are what a path links, in the order a plan lists them: the links
// an API can set, then the mappings only Liongard's console makes.
func Links(p ID, docsTool string) []Link {
	toSource := Link{Holder: "liongard", ToSource: true} // Liongard's Map tab, on every path
	switch p {
	case B:
		return []Link{toSource, {Holder: "liongard", Toward: "itglue"}}
	case C:
		return []Link{{Holder: "hudu", Toward: "halopsa"}, {Holder: "hudu", Toward: "liongard"}, toSource}
	}
	if docsTool == "itglue" {
		return []Link{{Holder: "halopsa", Toward: "itglue"}, toSource}
	}
	return []Link{{Holder: "hudu", Toward: "halopsa"}, toSource}
}

// Applies says whether a question is asked, given the answers so far:
// IT Glue's questions do not apply to a Hudu shop.
func (q Question) Applies(a Answers) bool {
	switch q.Key {
	case "itglue_two_way", "itglue_enterprise":
		return a.DocsTool != "hudu"
	}
	return true
}

// TradeOff is a path's column in the side-by-side table.
type TradeOff struct {
	Path          ID       `json:"path"`
	Title         string   `json:"title"`
	HowDataFlows  string   `json:"how_data_flows"`
	DataDepth     string   `json:"data_depth"`
	Consideration string   `json:"consideration"`
	Pros          []string `json:"pros"`
	Cons          []string `json:"cons"`
	Requires      []string `json:"requires"`
}

// TradeOffs are the three paths side by side, in our words from the guide.
var TradeOffs = []TradeOff{
	{A, "Through HaloPSA (baseline)",
		"Liongard sends alerts and assets to HaloPSA; the docs tool pulls from HaloPSA",
		"Moderate: what HaloPSA tracks, not Liongard's full inspections",
		"Fewest integrations, lowest risk of duplicates",
		[]string{"HaloPSA is the one source of client records", "Shortest chain to maintain", "HaloPSA stays the hub for tickets, assets and billing"},
		[]string{"Only the Liongard data that passes through HaloPSA"},
		[]string{"HaloPSA", "Liongard", "Hudu or IT Glue"}},
	{B, "HaloPSA hub, Liongard straight to IT Glue",
		"Liongard pushes assets and configurations to IT Glue itself",
		"High: full inspections as Flexible Assets and, with Pro Sync, configurations",
		"More data in IT Glue, more setup, duplicates if other syncs also write",
		[]string{"Full Liongard data in IT Glue", "Pro Sync creates and updates configurations"},
		[]string{"More connections to look after", "Pro Sync overwrites configurations of the same name", "Duplicates if another sync writes configurations"},
		[]string{"IT Glue Enterprise", "HaloPSA", "Liongard"}},
	{C, "HaloPSA hub, Hudu pulls straight from Liongard",
		"Hudu reads assets and configurations from Liongard's API, beside or instead of HaloPSA",
		"High: Liongard's inspections directly",
		"Several syncs into Hudu to keep apart",
		[]string{"Deeper Liongard data in Hudu", "Richer asset pages than HaloPSA alone gives"},
		[]string{"More integrations to manage", "Overlapping records if Hudu also syncs from HaloPSA", "The sync is run from Hudu, not Liongard"},
		[]string{"HaloPSA", "Liongard", "Hudu"}},
}

// TradeOffOf returns a path's column.
func TradeOffOf(p ID) TradeOff {
	for _, t := range TradeOffs {
		if t.Path == p {
			return t
		}
	}
	return TradeOff{}
}
