package path

import "strings"

// Kind says who does a step.
type Kind string

// Step kinds.
const (
	ByMspwire Kind = "mspwire" // done through an API by mspwire
	Guided    Kind = "guided"  // clicks in a console; ticked by the operator, checked by API where one can see it
)

// Step is one step of a path, in the guide's order.
type Step struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Kind   Kind     `json:"kind"`
	Clicks []string `json:"clicks,omitempty"` // where to click, in order, for guided steps
	Advice string   `json:"advice,omitempty"`
	Check  string   `json:"check,omitempty"` // what mspwire can see through an API once it is done, if anything
}

var (
	stepHaloAgent = Step{"halopsa-agent", "Create a dedicated API agent for Liongard in HaloPSA", Guided, []string{
		"HaloPSA > Configuration > Teams & Agents > Agents > New: an API-only agent; fill the required fields and save",
		"Open the agent > Permissions: read and write tickets, clients (companies) and assets",
		"Departments & Teams: add the agent to the team Liongard's tickets should land in",
	}, "One agent per integration: Liongard's and Hudu's never share one.", "the application acts as an API-only agent in a team, with the permissions Liongard needs"}
	stepHaloApp = Step{"halopsa-app", "Create Liongard's API application in HaloPSA", Guided, []string{
		"HaloPSA > Configuration > Integrations > HaloPSA API > View Applications > New",
		"Authentication method: Client ID and Secret (Services); log in as the agent created above",
		"Copy the client ID and secret; enter them in mspwire next",
	}, "A new secret replaces the old one at once: rotate with mspwire auth rotate halopsa.", "mspwire's HaloPSA connection verifies"}
	stepCredentials = Step{"credentials", "Enter and test every credential in mspwire", ByMspwire, nil,
		"Secrets go to the OS keyring only after the vendor accepts them.", "every system of the path is connected and verified"}
	stepLiongardHalo = Step{"liongard-halopsa", "Connect Liongard to HaloPSA", Guided, []string{
		"Liongard > Admin > Integrations > HaloPSA",
		"Enter the HaloPSA URL (no trailing slash), the client ID and the secret",
		"Test Connection, then Save: Liongard deploys a HaloPSA parent inspector",
	}, "", ""}
	stepImportMap = Step{"import-map", "Import and map customers from your source of truth", Guided, []string{
		"Liongard > Admin > Integrations > HaloPSA > Import & Mapping",
		"Import: pick the customers; set the environment tier and groups if shown",
		"Map: check each Liongard environment is linked to the right HaloPSA client; Save",
	}, "Import from one system only. mspwire match suggests the mapping, one to one, and flags duplicates.", "every Liongard environment has a HaloPSA client"}
	stepAlerts = Step{"alerts", "Route actionable alerts to HaloPSA tickets", Guided, []string{
		"Liongard > Admin > Actionable Alerts > Rules: choose the rules to route",
		"Templates: create one with HaloPSA as destination; map Liongard's statuses and priorities to HaloPSA's (mspwire proposes a mapping)",
		"Environments: assign the template",
		"Run an inspection by hand and check a ticket appears in HaloPSA",
	}, "Start with one template and one customer; roll out once a ticket arrives. A template assigned to no environment creates no tickets.", ""}
	stepHuduHalo = Step{"hudu-halopsa", "Connect Hudu to HaloPSA", Guided, []string{
		"HaloPSA: create a second API application for Hudu (read:customers, read:assets, and what else Hudu should pull)",
		"Hudu > Admin > Integrations > HaloPSA: URL (no trailing slash), client ID and secret",
		"Hudu > Admin > Asset Layouts: the layouts for Halo contacts, sites and devices exist and are active",
		"Set sort rules mapping HaloPSA asset types to layouts before the first sync",
		"Start Sync, then Match Companies, then run the integration again",
	}, "Without sort rules every asset lands in one layout and needs cleaning up.", "Hudu's layouts are active; its HaloPSA matchers are matched"}
	stepITGlueHalo = Step{"itglue-halopsa", "Let IT Glue pull companies and assets from HaloPSA", Guided, []string{
		"IT Glue > Account > Integrations: add the HaloPSA (PSA) integration",
		"Map HaloPSA clients to IT Glue organizations; sync",
	}, "", ""}
	stepLiongardITGlue = Step{"liongard-itglue", "Connect Liongard to IT Glue", Guided, []string{
		"Liongard > Admin > Integrations > IT Glue: enter the IT Glue API key",
		"Filters: pick the organization statuses and types of your managed customers — exactly as named in IT Glue",
		"Map tab: link the Liongard environments (imported from HaloPSA) to their IT Glue organizations; do not import again",
	}, "Customers under a status or type outside the filter never appear in Liongard.", "the chosen statuses and types select the customers"}
	stepFlexibleAssets = Step{"flexible-assets", "Turn on IT Glue Flexible Assets", Guided, []string{
		"Liongard > Admin > Integrations > IT Glue > Flexible Assets: switch on auto-updating per asset type",
		"Edit the fields each type pushes (pencil icon)",
		"IT Glue > Account > Customize Sidebar: add a Liongard section",
		"Run one inspector by hand for a test customer and check the asset in IT Glue",
	}, "Liongard's assets end in (auto), so they do not overwrite your own. Test one company before all.", "Liongard's (auto) flexible asset types exist in IT Glue"}
	stepProSync = Step{"pro-sync", "Optionally turn on IT Glue Pro Sync", Guided, []string{
		"Liongard > Admin > Integrations > IT Glue > Configurations: Enable IT Glue Sync",
		"Choose the configuration types to keep updated",
	}, "Pro Sync overwrites an IT Glue configuration whose name matches a Liongard asset: review those first.", "configurations whose names Liongard also reports"}
	stepHuduLiongard = Step{"hudu-liongard", "Let Hudu pull from Liongard", Guided, []string{
		"Hudu > Admin > Integrations > Liongard: enter the Liongard instance and an access key",
		"Decide, per asset type, whether HaloPSA or Liongard is the source in Hudu",
	}, "Configured and scheduled in Hudu, not Liongard. Two syncs into Hudu need clear rules or records double up.", ""}
)

// Steps lists a path's steps in the guide's order.
func Steps(p ID, docsTool string) []Step {
	base := []Step{stepHaloAgent, stepHaloApp, stepCredentials, stepLiongardHalo, stepImportMap, stepAlerts}
	switch p {
	case B:
		return append(base, stepLiongardITGlue, stepFlexibleAssets, stepProSync)
	case C:
		return append(base, stepHuduHalo, stepHuduLiongard)
	}
	if docsTool == "itglue" {
		return append(base, stepITGlueHalo)
	}
	return append(base, stepHuduHalo)
}

// Mapping pairs a Liongard alert value with the HaloPSA one to enter in the
// alert template.
type Mapping struct {
	Kind     string `json:"kind"` // "status" or "priority"
	Liongard string `json:"liongard"`
	HaloPSA  string `json:"halopsa"`
}

// Liongard's alert statuses and priorities.
var (
	liongardStatuses   = []string{"New", "In Progress", "Resolved", "Closed"}
	liongardPriorities = []string{"Critical", "High", "Medium", "Low"}
)

// ProposeAlertMapping pairs Liongard's statuses and priorities with
// HaloPSA's by name, falling back to the nearest in order; statuses first.
func ProposeAlertMapping(haloStatuses, haloPriorities []string) []Mapping {
	var out []Mapping
	for _, part := range []struct {
		kind           string
		liongard, halo []string
	}{{"status", liongardStatuses, haloStatuses}, {"priority", liongardPriorities, haloPriorities}} {
		for i, lg := range part.liongard {
			out = append(out, Mapping{Kind: part.kind, Liongard: lg, HaloPSA: nearest(lg, i, len(part.liongard), part.halo)})
		}
	}
	return out
}

func nearest(name string, i, n int, options []string) string {
	if len(options) == 0 {
		return ""
	}
	for _, o := range options {
		if strings.EqualFold(o, name) {
			return o
		}
	}
	for _, o := range options {
		if strings.Contains(strings.ToLower(o), strings.ToLower(name)) || strings.Contains(strings.ToLower(name), strings.ToLower(o)) {
			return o
		}
	}
	return options[min(len(options)-1, i*len(options)/n)]
}

// VisualInsights is the guide's advice on Hudu's integration cards: they
// show the last sync, so dynamic data belongs in Liongard's Visual
// Insights dashboards. Liongard has no API for Visual Insights: mspwire
// can only say it, not build a dashboard.
const VisualInsights = "Hudu's integration cards show the last sync, not the present: keep dynamic data (last logged-in user, licence counts, " +
	"disk use, certificate expiry) in Liongard's Visual Insights dashboards and Hudu for what stays put (passwords, SOPs, contacts, diagrams). " +
	"Liongard has no API for Visual Insights, so its dashboards are built in Liongard's console"

// TouchesHudu says whether a plan's actions write to Hudu: after such an
// apply the card advice applies.
func TouchesHudu(systems []string) bool {
	for _, s := range systems {
		if s == "hudu" {
			return true
		}
	}
	return false
}
