package checks

import "github.com/mspwire/mspwire/flows/path"

// all are the checks, in the order of the guide: HaloPSA, Liongard, the
// docs tools, then across systems.
var all = []Check{
	{ID: "halopsa-mandatory-fields", System: "halopsa", Severity: Warn, applies: always, run: mandatoryFields,
		Looks: "HaloPSA ticket types with fields an agent must fill, which Liongard's tickets cannot"},
	{ID: "halopsa-api-agents", System: "halopsa", Severity: Error, applies: always, run: apiAgents,
		Looks: "the application's agent and permissions; API agents in no team"},
	{ID: "halopsa-shared-application", System: "halopsa", Severity: Warn, applies: always, run: sharedApplication,
		Looks: "one HaloPSA application used by several integrations"},
	{ID: "halopsa-alert-mapping", System: "halopsa", Severity: Error, applies: always, run: alertMapping,
		Looks: "Liongard's status and priority mapping against HaloPSA's lists (a question: Liongard's API does not show templates)"},
	{ID: "liongard-unlinked-environments", System: "liongard", Severity: Warn, applies: always, run: unlinkedEnvironments,
		Looks: "Liongard environments the review links to no client"},
	{ID: "liongard-alert-templates", System: "liongard", Severity: Error, applies: always, run: alertTemplates,
		Looks: "an alert template assigned to every environment (a question: Liongard's API does not show it)"},
	{ID: "itglue-filter", System: "itglue", Severity: Error, applies: onPath(path.B), run: itglueFilter,
		Looks: "IT Glue organizations matched to clients but outside Liongard's status and type filter"},
	{ID: "itglue-pro-sync", System: "itglue", Severity: Warn, applies: onPath(path.B), run: proSyncCollisions,
		Looks: "IT Glue configurations whose names Pro Sync would match to a Liongard system, and overwrite"},
	{ID: "hudu-layouts", System: "hudu", Severity: Error, applies: needs("hudu"), run: huduLayouts,
		Looks: "active asset layouts for HaloPSA's contacts, sites and devices"},
	{ID: "hudu-matchers", System: "hudu", Severity: Error, applies: needs("hudu"), run: huduMatchers,
		Looks: "Hudu's HaloPSA matchers against the review's decisions"},
	{ID: "hudu-two-feeds", System: "hudu", Severity: Warn, applies: needs("hudu"), run: twoFeeds,
		Looks: "Hudu companies fed by both its HaloPSA and its Liongard integration"},
	{ID: "duplicates", Severity: Warn, applies: always, run: duplicates,
		Looks: "two records of one name inside one system"},
	{ID: "linked-twice", Severity: Error, applies: always, run: linkedTwice,
		Looks: "one record linked to several records of the source of truth"},
	{ID: "drift", Severity: Warn, applies: always, run: drift,
		Looks: "clients added, renamed or archived in the source of truth since the last applied plan"},
}

// questions are the guided questions by id, with why no API answers them
// (evidence in docs/api-facts: the vendors' specs have no such field).
var questions = map[string]string{
	"alert-mapping":   "Liongard's APIs (v1 and v2 OpenAPI specs) have no endpoint for alert templates or their destination mapping",
	"alert-templates": "Liongard's APIs list alerts (v1 /tasks) but not which template an environment has",
	"two-feeds":       "Hudu's API shows an integration's matchers but not its asset sync or sort rules",
}
