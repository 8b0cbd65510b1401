package preflight

import (
	"net/url"

	"github.com/mspwire/mspwire/flows/change"
)

// Halo's wrapped lists: a page of one, and the paging envelope around it.
func haloPage(extra ...string) url.Values {
	q := url.Values{"pageinate": {"true"}, "page_size": {"1"}, "page_no": {"1"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

var haloEnvelope = []Field{{"record_count", "number"}}

// Routes are the GETs mspwire's flows read, with the fields they read (the
// clients' JSON tags). Liongard's metric evaluation is a POST and is not
// probed; the metrics it evaluates are.
var Routes = []Route{
	{System: "halopsa", Path: "/api/Client", Query: haloPage(), List: "clients", Top: haloEnvelope,
		Fields: []Field{{"id", "number"}, {"name", "string"}}, Affects: "inventory fetch, plan, and every workflow's client names",
		Kinds: []change.PlanKind{change.Onboarding}},
	{System: "halopsa", Path: "/api/Asset", Query: haloPage("includeuser", "true"), List: "assets", Top: haloEnvelope,
		Fields:  []Field{{"id", "number"}, {"client_id", "number"}, {"inventory_number", "string"}, {"users", "array"}},
		Affects: "devices map and devices plan: workstations cannot be matched to assets or their users read", Kinds: []change.PlanKind{change.Devices}},
	{System: "halopsa", Path: "/api/Users", Query: haloPage(), List: "users", Top: haloEnvelope,
		Fields:  []Field{{"id", "number"}, {"client_id", "number"}, {"emailaddress", "string"}, {"login", "string"}},
		Affects: "devices map (logons to users) and the mapping check of billing and stale accounts",
		Kinds:   []change.PlanKind{change.Devices, change.Billing, change.StaleAccounts}},
	{System: "halopsa", Path: "/api/RecurringInvoice", Query: haloPage("includelines", "true"), List: "invoices", Top: haloEnvelope,
		Fields:  []Field{{"id", "number"}, {"client_id", "number"}, {"lines", "array"}},
		Then:    &Nested{Field: "lines", Fields: []Field{{"id", "number"}, {"_itemid", "number"}, {"qty_order", "number"}, {"unit_price", "number"}}},
		Affects: "billing reconcile and billing plan: billed seats cannot be read or set", Kinds: []change.PlanKind{change.Billing}},
	{System: "halopsa", Path: "/api/Item", Query: haloPage(), List: "items", Top: haloEnvelope,
		Fields: []Field{{"id", "number"}, {"name", "string"}}, Affects: "billing items: which product an item bills", Kinds: []change.PlanKind{change.Billing}},
	{System: "halopsa", Path: "/api/Tickets", Query: haloPage(), List: "tickets", Top: haloEnvelope,
		Fields:  []Field{{"id", "number"}, {"summary", "string"}, {"client_id", "number"}},
		Affects: "the look-up before a ticket is opened: without it, a ticket could be opened twice", Kinds: []change.PlanKind{change.Billing, change.StaleAccounts}},
	{System: "halopsa", Path: "/api/TicketType", Fields: []Field{{"id", "number"}, {"name", "string"}},
		Affects: "the ticket types billing and stale-account tickets get", Kinds: []change.PlanKind{change.Billing, change.StaleAccounts}},

	{System: "liongard", Path: "/api/v2/environments/", Query: url.Values{"page": {"1"}, "pageSize": {"1"}}, List: "Data",
		Top: []Field{{"Success", "bool"}}, Fields: []Field{{"ID", "number"}, {"Name", "string"}},
		Affects: "inventory fetch, plan, and every workflow's environments", Kinds: []change.PlanKind{change.Onboarding}},
	{System: "liongard", Path: "/api/v1/metrics", Fields: []Field{{"ID", "number"}, {"Name", "string"}, {"UUID", "string"}},
		Affects: "billing, devices and stale accounts: the metrics they count by", Kinds: []change.PlanKind{change.Billing, change.Devices, change.StaleAccounts}},
	{System: "liongard", Path: "/api/v1/inspectors", Fields: []Field{{"ID", "number"}, {"Name", "string"}},
		Affects: "the metrics mspwire makes (each names its inspector)", Kinds: []change.PlanKind{change.Billing, change.Devices, change.StaleAccounts}},

	{System: "itglue", Path: "/organizations", Query: url.Values{"page[size]": {"1"}, "page[number]": {"1"}}, List: "data",
		Fields:  []Field{{"id", ""}, {"attributes.name", "string"}, {"attributes.organization-status-id", ""}, {"attributes.organization-type-id", ""}},
		Affects: "inventory fetch and plan (path B, or IT Glue as the docs tool)", Kinds: []change.PlanKind{change.Onboarding}},

	{System: "hudu", Path: "/companies", Query: url.Values{"page": {"1"}, "page_size": {"1"}}, List: "companies",
		Fields: []Field{{"id", "number"}, {"name", "string"}}, Affects: "inventory fetch and plan (Hudu as the docs tool)", Kinds: []change.PlanKind{change.Onboarding}},
}
