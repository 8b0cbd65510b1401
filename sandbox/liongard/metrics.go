package liongard

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmespath/go-jmespath"

	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

// Metrics, inspector versions, dataprints and related entities, written
// from api-facts-ops.md §A.2–A.5 and §B: a metric belongs to an inspector
// and is a JMESPath query evaluated against each of that inspector's
// systems' latest dataprint.

// metric is a Liongard metric: a library one ("Liongard Created") or one an
// API user created.
type metric struct {
	ID          int
	UUID        string
	Name        string
	InspectorID int
	Display     bool
	Changes     bool
	Custom      bool // created through the API; only these can be deleted
	Versions    []metricVersion
	CreatedOn   time.Time
}

type metricVersion struct {
	ID                 int    `json:"ID"`
	InspectorVersionID int    `json:"InspectorVersionID"`
	Query              string `json:"Query"`
}

// libraryMetrics are some of Liongard's global metrics with the ids, UUIDs
// and queries of its own library (§B.1, LGAI primitives, VALIDATED). No
// Google Workspace metric is in the library: those are made by POST.
func libraryMetrics() []*metric {
	lib := func(id int, uuid, name string, inspector int, query string) *metric {
		return &metric{ID: id, UUID: uuid, Name: name, InspectorID: inspector, Display: true,
			Versions:  []metricVersion{{ID: 500000 + id, InspectorVersionID: inspector*1000 + 1, Query: query}},
			CreatedOn: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)}
	}
	return []*metric{
		lib(41, "5e544b81-36c4-497e-af78-2c245160ac6f", "Office 365: Licensed User Count", 8, "Users[?Assigned_Products != ``] | length(@)"),
		lib(40, "6725435b-1569-4265-8269-da11ce20bc78", "Office 365: Unlicensed User Count", 8, "Users[?Assigned_Products == ``] | length(@)"),
		lib(1786, "29ecfd36-6b42-41c0-8377-a14247d09542", "Office 365: Enabled Accounts Count", 8, "length(Users[?accountEnabled == `true`])"),
		lib(767, "caf567e8-0705-4b0c-9746-74bd84fce054", "Office 365: Stale or Disused User Accounts Count", 8, "length(Users[?activeLast30Days==`false` && accountEnabled == `true` ])"),
		lib(63, "921b72a4-9cb5-484a-87e0-f70dc1d6acd9", "Office 365: Assigned License Count", 8, "Licensing[].consumedUnits | sum(@)"),
		lib(101, "0b7e3c1a-5a54-4a57-9c2b-6d0a1f0e0101", "Active Directory: Count of Enabled Users", 13, "length(Users[?Enabled == `true`])"),
	}
}

// versions are an inspector's releases, oldest first; the highest id is
// the latest, which a new metric's query should name (LGv1).
func versions(inspectorID int) []map[string]any {
	var out []map[string]any
	for i := 1; i <= 3; i++ {
		created := time.Date(2024, time.Month(3*i), 10, 12, 0, 0, 0, time.UTC)
		// The spec's InspectorVersion holds the Inspector as an object.
		ins := map[string]any{"ID": inspectorID}
		for _, x := range inspectors {
			if x.ID == inspectorID {
				ins = map[string]any{"ID": x.ID, "Name": x.Name, "Alias": x.Alias}
			}
		}
		out = append(out, map[string]any{"ID": inspectorID*1000 + i, "Inspector": ins,
			"Name": fmt.Sprintf("1.%d.0-%s-%08x", i, created.Format("20060102"), h(fmt.Sprint(inspectorID, i))), "CreatedOn": stamp(created)})
	}
	return out
}

func (m *metric) v1() map[string]any {
	ins := map[string]any{"ID": m.InspectorID}
	for _, i := range inspectors {
		if i.ID == m.InspectorID {
			ins = map[string]any{"ID": i.ID, "Name": i.Name, "Alias": i.Alias}
		}
	}
	var sp any
	if m.Custom {
		sp = map[string]any{"ID": serviceProviderID}
	}
	return map[string]any{"ID": m.ID, "Name": m.Name, "UUID": m.UUID, "UUIDS": m.UUID, "UCK": m.Name, "Description": "",
		"CreatedOn": stamp(m.CreatedOn), "UpdatedOn": stamp(m.CreatedOn), "ServiceProvider": sp, "Environment": nil,
		"Inspector": ins, "MetricDisplay": m.Display, "ChangesEnabled": m.Changes, "MetricVersions": m.Versions,
		"Rules": []any{}, "HasActiveAlertRule": false, "BelongsToChangeRule": false}
}

func (s *Sim) metricRoutes() {
	s.collection("v1", "metrics")
	s.Handle("POST /api/v1/metrics", s.authed(s.v1CreateMetric))
	s.Handle("GET /api/v1/inspector/{id}/versions", s.authed(s.v1InspectorVersions))
	s.Handle("POST /api/v2/metrics/evaluate", s.authed(s.v2EvaluateMetrics))
	s.Handle("GET /api/v2/environments/{id}/relatedEntities", s.authed(s.v2RelatedEntities))
}

func (s *Sim) v1ListMetrics(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var rows []map[string]any
	for _, m := range s.data.metrics {
		rows = append(rows, m.v1())
	}
	s.mu.Unlock()
	project(w, r, rows)
}

func (s *Sim) v1InspectorVersions(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	known := false
	for _, i := range inspectors {
		known = known || i.ID == id
	}
	if !known {
		failure(w, http.StatusNotFound, "Enitity not found")
		return
	}
	rows := versions(id)
	for _, o := range r.URL.Query()["orderBy[]"] {
		if strings.EqualFold(o, "desc") {
			sort.Slice(rows, func(i, j int) bool { return rows[i]["ID"].(int) > rows[j]["ID"].(int) })
		}
	}
	project(w, r, rows)
}

// v1CreateMetric takes {Name, InspectorID, Queries:[{Query,
// InspectorVersionID}], MetricDisplay, ChangesEnabled}; each query must be
// valid JMESPath and name a version of that inspector. A name already
// taken is refused: the UCK is the name (UNCERTAIN how Liongard words it).
func (s *Sim) v1CreateMetric(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name        string `json:"Name"`
		InspectorID int    `json:"InspectorID"`
		Queries     []struct {
			Query              string `json:"Query"`
			InspectorVersionID int    `json:"InspectorVersionID"`
		} `json:"Queries"`
		MetricDisplay  bool `json:"MetricDisplay"`
		ChangesEnabled bool `json:"ChangesEnabled"`
	}
	if !decode(w, r, &body) {
		return
	}
	switch {
	case strings.TrimSpace(body.Name) == "":
		errorf(w, "Name is required")
		return
	case body.InspectorID == 0:
		errorf(w, "InspectorID is required")
		return
	case len(body.Queries) == 0:
		errorf(w, "Queries is required")
		return
	}
	m := &metric{Name: body.Name, InspectorID: body.InspectorID, Display: body.MetricDisplay, Changes: body.ChangesEnabled,
		Custom: true, CreatedOn: time.Now().UTC()}
	for _, q := range body.Queries {
		if _, err := compile(q.Query); err != nil {
			errorf(w, "Invalid JMESPath in Query: %v", err)
			return
		}
		if q.InspectorVersionID/1000 != body.InspectorID || q.InspectorVersionID%1000 < 1 || q.InspectorVersionID%1000 > 3 {
			errorf(w, "InspectorVersionID %d is not a version of inspector %d", q.InspectorVersionID, body.InspectorID)
			return
		}
		m.Versions = append(m.Versions, metricVersion{InspectorVersionID: q.InspectorVersionID, Query: q.Query})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.data.metrics {
		if strings.EqualFold(x.Name, m.Name) {
			errorf(w, "A metric named %q already exists", m.Name)
			return
		}
	}
	m.ID = s.data.nextMetric
	s.data.nextMetric++
	m.UUID = fmt.Sprintf("6d737077-6972-4500-8000-%012x", m.ID)
	for i := range m.Versions {
		m.Versions[i].ID = 600000 + m.ID*10 + i
	}
	s.data.metrics = append(s.data.metrics, m)
	simkit.WriteJSON(w, http.StatusOK, m.v1())
}

// EvaluateLimit is how many evaluate calls a minute Liongard serves one
// user before throttling ("Requests from a single user in excess of 100
// requests per minute may be throttled", LGv2).
const EvaluateLimit = 100

// v2EvaluateMetrics needs Metrics and Pagination, and Filters and Sorting
// present even when empty. Values are whatever the query returns; a
// count comes back as a numeric string on some systems, as Gradient warns.
func (s *Sim) v2EvaluateMetrics(w http.ResponseWriter, r *http.Request) {
	if wait := s.evaluateThrottled(time.Now()); wait > 0 {
		w.Header().Set("Retry-After", strconv.FormatFloat(wait.Seconds(), 'f', 3, 64))
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(EvaluateLimit))
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", time.Now().Add(wait).UTC().Format(time.RFC3339))
		simkit.WriteJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too many requests, please try again later."})
		return
	}
	var body struct {
		Metrics    []any    `json:"Metrics"`
		Filters    []filter `json:"Filters"`
		Sorting    []sortBy `json:"Sorting"`
		Pagination *struct {
			Page     int `json:"Page"`
			PageSize int `json:"PageSize"`
		} `json:"Pagination"`
	}
	if !decode(w, r, &body) {
		return
	}
	if len(body.Metrics) == 0 || body.Pagination == nil || body.Filters == nil || body.Sorting == nil {
		failure(w, http.StatusBadRequest, "Failure")
		return
	}
	hidden, _ := strconv.ParseBool(r.URL.Query().Get("includeNonVisible"))
	asked := map[string]bool{}
	for _, m := range body.Metrics {
		asked[strings.ToLower(fmt.Sprint(m))] = true
	}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	s.mu.Lock()
	var rows []map[string]any
	for _, m := range s.data.metrics {
		if !asked[strconv.Itoa(m.ID)] && !asked[m.UUID] || !m.Display && !hidden {
			continue
		}
		for i := range s.data.systems {
			sy := &s.data.systems[i]
			if sy.Inspector.ID != m.InspectorID {
				continue
			}
			e := s.data.envs[sy.Environment]
			inspected := day.Add(-20 * time.Hour)
			if sy.suite.Outdated {
				inspected = day.AddDate(0, 0, -45).Add(4 * time.Hour)
			}
			row := map[string]any{"SystemID": sy.ID, "FriendlyName": sy.Name, "InspectorName": sy.Inspector.Name,
				"EnvironmentName": e.Name, "EnvironmentID": e.ID, "MetricID": m.ID, "MetricUUID": m.UUID, "MetricName": m.Name,
				"TimelineID": 3000000 + sy.ID, "TimelineDate": stamp(inspected), "Value": s.value(m, sy)}
			if keep(row, body.Filters) {
				rows = append(rows, row)
			}
		}
	}
	s.mu.Unlock()
	if rows == nil {
		rows = []map[string]any{}
	}
	sortRows(rows, body.Sorting)
	items, p := page(rows, body.Pagination.Page, body.Pagination.PageSize)
	ok(w, items, p)
}

// evaluateThrottled counts a call against the per-minute budget and says
// how long to wait when it is spent.
func (s *Sim) evaluateThrottled(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	cut := now.Add(-time.Minute)
	i := 0
	for i < len(s.data.evalHits) && !s.data.evalHits[i].After(cut) {
		i++
	}
	s.data.evalHits = s.data.evalHits[i:]
	if len(s.data.evalHits) >= EvaluateLimit {
		return s.data.evalHits[0].Sub(cut)
	}
	s.data.evalHits = append(s.data.evalHits, now)
	return 0
}

// sortBy is one of EvaluateMetricRequest.Sorting: SortBy (MetricName,
// EnvironmentName, FriendlyName, MetricID, EnvironmentID, SystemID) and
// Direction (ASC, DESC).
type sortBy struct {
	SortBy    string `json:"SortBy"`
	Direction string `json:"Direction"`
}

// sortRows orders evaluated rows by the request's Sorting, first key
// first; rows it does not order keep the order they were made in.
func sortRows(rows []map[string]any, by []sortBy) {
	sort.SliceStable(rows, func(i, j int) bool {
		for _, s := range by {
			a, b := rows[i][s.SortBy], rows[j][s.SortBy]
			var less, more bool
			if x, isNum := a.(int); isNum {
				y, _ := b.(int)
				less, more = x < y, x > y
			} else {
				x, y := strings.ToLower(fmt.Sprint(a)), strings.ToLower(fmt.Sprint(b))
				less, more = x < y, x > y
			}
			if strings.EqualFold(s.Direction, "DESC") {
				less, more = more, less
			}
			if less || more {
				return less
			}
		}
		return false
	})
}

// filter is an evaluate filter: {Field, Op, Values} (Values an array or,
// in the newer spec, a scalar).
type filter struct {
	Field  string `json:"Field"`
	Op     string `json:"Op"`
	Values any    `json:"Values"`
}

func keep(row map[string]any, filters []filter) bool {
	for _, f := range filters {
		vals, isList := f.Values.([]any)
		if !isList {
			vals = []any{f.Values}
		}
		have := strings.ToLower(fmt.Sprint(row[f.Field]))
		hit := false
		for _, v := range vals {
			want := strings.ToLower(fmt.Sprint(v))
			switch f.Op {
			case "equal_to", "matches_exactly":
				hit = hit || have == want
			case "contains":
				hit = hit || strings.Contains(have, want)
			case "does_not_contain":
				hit = hit || !strings.Contains(have, want)
			case "starts_with":
				hit = hit || strings.HasPrefix(have, want)
			case "ends_with":
				hit = hit || strings.HasSuffix(have, want)
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

// value evaluates a metric's query against a system's dataprint (under the
// lock); a whole number comes back as a string on every fourth system.
func (s *Sim) value(m *metric, sy *system) any {
	key := [2]int{m.ID, sy.ID}
	if v, ok := s.data.values[key]; ok {
		return v
	}
	q, err := compile(m.Versions[len(m.Versions)-1].Query)
	var v any
	if err == nil {
		v, err = q.Search(s.dataprint(sy))
	}
	if err != nil {
		v = nil
	}
	if n, isNum := v.(float64); isNum && n == float64(int(n)) {
		v = int(n)
		if h(sy.Name)%4 == 0 {
			v = strconv.Itoa(int(n))
		}
	}
	s.data.values[key] = v
	return v
}

// compile reads a query as Liongard's JavaScript JMESPath does: a literal
// that is not JSON (the library's “ for the empty string) is taken as a
// string, which go-jmespath would refuse.
func compile(query string) (*jmespath.JMESPath, error) {
	var b strings.Builder
	for i := 0; i < len(query); i++ {
		if query[i] != '`' {
			b.WriteByte(query[i])
			continue
		}
		j := i + 1
		for j < len(query) && (query[j] != '`' || query[j-1] == '\\') {
			j++
		}
		if j >= len(query) {
			return nil, fmt.Errorf("unclosed literal at %d", i)
		}
		lit := strings.ReplaceAll(query[i+1:j], "\\`", "`")
		if !json.Valid([]byte(strings.TrimSpace(lit))) {
			quoted, _ := json.Marshal(lit)
			lit = string(quoted)
		}
		b.WriteString("`" + strings.ReplaceAll(lit, "`", "\\`") + "`")
		i = j
	}
	return jmespath.Compile(b.String())
}

// dataprint is a system's latest raw inspection, made from the world: the
// fields §B names for Microsoft 365, Google Workspace, Windows Workstation
// and Active Directory. The suite's users are the customer's people, so a
// workstation's last user is one of them.
func (s *Sim) dataprint(sy *system) any {
	r := rand.New(rand.NewPCG(uint64(sy.cust), uint64(sy.ID)))
	var people []world.Person
	if c := s.w.Customer(sy.cust); c != nil {
		people = s.w.People(c)
	}
	var raw map[string]any
	switch sy.Inspector.Name {
	case "microsoft-365-inspector":
		var users []map[string]any
		for i, p := range people {
			licensed := !p.Suspended
			u := map[string]any{"userPrincipalName": p.Email, "displayName": p.Given + " " + p.Family, "mailNickname": p.Sam,
				"accountEnabled": licensed && i%17 != 5, "activeLast30Days": p.LastLoginDays < 30,
				"signInActivity": map[string]any{"daysSinceLastSignIn": p.LastLoginDays}, "assignedLicenses": []any{}, "Assigned_Products": ""}
			if licensed { // a disabled account may keep its licence: it still counts
				u["assignedLicenses"] = []any{map[string]any{"skuId": "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"}}
				u["Assigned_Products"] = "Microsoft 365 Business Premium"
			}
			users = append(users, u)
		}
		domain := strings.TrimPrefix(sy.Name, sy.Inspector.Alias+" - ")
		for i := 0; i <= sy.cust%3; i++ { // shared mailboxes, a scanner: no licence
			users = append(users, map[string]any{"userPrincipalName": fmt.Sprintf("shared%d@%s", i, domain), "displayName": "Shared mailbox",
				"accountEnabled": false, "activeLast30Days": false, "assignedLicenses": []any{}, "Assigned_Products": "",
				"signInActivity": map[string]any{"daysSinceLastSignIn": nil}})
		}
		raw = map[string]any{"Users": users, "Licensing": []any{map[string]any{"skuPartNumber": "SPB", "ProductFriendlyName": "Microsoft 365 Business Premium",
			"consumedUnits": sy.suite.Users, "prepaidUnits": map[string]any{"enabled": sy.suite.Users + 2}, "capabilityStatus": "Enabled"}}}
	case "google-workspace-inspector":
		var users []map[string]any
		for i, p := range people {
			users = append(users, map[string]any{"primaryEmail": p.Email, "name": map[string]any{"fullName": p.Given + " " + p.Family},
				"isAdmin": i == 0, "suspended": p.Suspended, "archived": false, "DaysSinceLastLogin_r": p.LastLoginDays,
				"lastLoginTime": time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -p.LastLoginDays).Add(9 * time.Hour).Format(time.RFC3339)})
		}
		raw = map[string]any{"Users": users, "Subscriptions": []any{map[string]any{"skuName": "Google Workspace Business Standard",
			"seats": map[string]any{"licensedNumberOfSeats": sy.suite.Users, "numberOfSeats": len(people)}, "status": "ACTIVE"}}}
	case "windows-workstation-inspector":
		d := sy.device
		domain, _, joined := strings.Cut(d.LastUser, `\`)
		if !joined {
			domain = "AzureAD" // signed in with the UPN: joined to Entra ID, not a domain
		}
		raw = map[string]any{"SystemInfo": map[string]any{"CSName": d.Hostname, "Manufacturer": "Dell Inc.", "Model": "Latitude 5440"},
			"ComputerSystem": map[string]any{"Domain": domain, "PartOfDomain": joined, "UserName": d.LastUser},
			"NetConfig":      []any{map[string]any{"DNSHostName": strings.ToLower(d.Hostname)}},
			"OS":             map[string]any{"Caption": "Microsoft Windows 11 Pro"},
			"Users":          []any{map[string]any{"Name": "Administrator", "Admin": true, "Enabled": false, "LocalAccount": true}}}
	case "active-directory-inspector":
		var users []map[string]any
		for i := 0; i < 5+sy.cust%30; i++ {
			users = append(users, map[string]any{"UserName": fmt.Sprintf("user%d", i), "Enabled": i%7 != 3, "DefaultSystemUser": false, "Seed": r.IntN(10)})
		}
		raw = map[string]any{"Users": users}
	default:
		raw = map[string]any{"SystemInfo": map[string]any{"Name": sy.Name}}
	}
	// Through JSON, so numbers are float64 as the evaluator expects.
	b, _ := json.Marshal(raw)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// v2RelatedEntities is an environment's launchpoints with their systems:
// the cheapest map from environment to inspector and system (§A.3).
func (s *Sim) v2RelatedEntities(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	s.mu.Lock()
	_, found := s.data.envs[id]
	lps := []map[string]any{}
	for _, lp := range s.data.lps {
		if lp.Environment != id {
			continue
		}
		sysID := 0
		for _, sy := range s.data.systems {
			if sy.Launchpoint == lp.ID {
				sysID = sy.ID
			}
		}
		lps = append(lps, map[string]any{"ID": lp.ID, "Alias": lp.Alias, "SystemID": sysID, "InspectorID": lp.Inspector.ID,
			"InspectorName": lp.Inspector.Name, "Enabled": lp.Enabled, "Status": "Active"})
	}
	s.mu.Unlock()
	if !found {
		failure(w, http.StatusNotFound, "Enitity not found")
		return
	}
	ok(w, map[string]any{"ID": id, "LaunchPoints": lps, "Agents": []any{}, "IntegrationMappings": []any{}, "ChildEnvironments": []any{}}, nil)
}
