package halopsa

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

// Field names follow Halo's schemas (Area, Site, Uname, SectionDetail,
// RequestType, TStatus, Policy, SlaHead, InvoiceHeader).

type client struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	TopLevelID   int    `json:"toplevel_id"`
	TopLevelName string `json:"toplevel_name"`
	Inactive     bool   `json:"inactive"`
	Website      string `json:"website"`
	Notes        string `json:"notes"`
	MainSiteID   int    `json:"main_site_id"`
	MainSiteName string `json:"main_site_name"`
	AccountsID   string `json:"accountsid"`
	DateCreated  string `json:"datecreated"`
	ITGlueID     string `json:"itglue_id"` // schema Area: the IT Glue organization's id, a string
}

type site struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	ClientID   int    `json:"client_id"`
	ClientName string `json:"client_name"`
	Inactive   bool   `json:"inactive"`
	Timezone   string `json:"timezone"`
}

type agent struct {
	ID         int      `json:"id"`
	Name       string   `json:"name"`
	Firstname  string   `json:"firstname"`
	Surname    string   `json:"surname"`
	Email      string   `json:"email"`
	IsDisabled bool     `json:"isdisabled"`
	IsAgent    bool     `json:"is_agent"`
	IsAPIAgent bool     `json:"isapiagent"`
	Team       string   `json:"team"`
	Teams      []teamOf `json:"teams"`
}

type teamOf struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

type team struct {
	ID             int    `json:"id"`
	Name           string `json:"name"`
	DepartmentID   int    `json:"department_id"`
	DepartmentName string `json:"department_name"`
	Inactive       bool   `json:"inactive"`
	ForRequests    bool   `json:"forrequests"`
}

type ticketField struct {
	FieldID    int    `json:"fieldid"`
	FieldName  string `json:"fieldname"`
	TechNew    int    `json:"technew"`
	EndUserNew int    `json:"endusernew"`
	TechDetail int    `json:"techdetail"`
	Seq        int    `json:"seq"`
	GroupID    int    `json:"groupid"`
}

type ticketType struct {
	ID                     int           `json:"id"`
	Name                   string        `json:"name"`
	GroupID                int           `json:"group_id"`
	Visible                bool          `json:"visible"`
	Use                    string        `json:"use"`
	HasMandatoryTechFields bool          `json:"hasmandatorytechfields"`
	HasMandatoryUserFields bool          `json:"hasmandatoryuserfields"`
	DefaultSLA             int           `json:"default_sla"`
	DefaultPriority        int           `json:"default_priority"`
	DefaultTeam            string        `json:"default_team"`
	InitialStatus          int           `json:"initial_status"`
	Fields                 []ticketField `json:"fields,omitempty"`
	FieldIDList            []int         `json:"fieldidlist,omitempty"`
}

type status struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	ShortName string `json:"shortname"`
	Type      int    `json:"type"`
	Sequence  int    `json:"sequence"`
	Colour    string `json:"colour"`
}

type priority struct {
	ID            int     `json:"id"`
	SLAID         int     `json:"slaid"`
	PriorityID    int     `json:"priorityid"`
	Name          string  `json:"name"`
	FixTime       float64 `json:"fixtime"`
	FixUnits      string  `json:"fixunits"`
	ResponseTime  float64 `json:"responsetime"`
	ResponseUnits string  `json:"responseunits"`
	IsHidden      bool    `json:"ishidden"`
	Colour        string  `json:"colour"`
}

type sla struct {
	ID         int        `json:"id"`
	Name       string     `json:"name"`
	WorkdayID  int        `json:"workday_id"`
	Priorities []priority `json:"priorities,omitempty"`
}

type data struct {
	// keepQuantities makes a quantity write answer 200 and keep the old
	// number (POST /_sandbox/keep): what a vendor unlike its documentation
	// does, for mspwire's read-back to catch. Cleared by a reset.
	keepQuantities bool
	clients        map[int]*client
	sites          map[int]*site
	agents         []agent
	teams          []team
	types          []ticketType
	statuses       []status
	slas           []sla
	invoices       []*recurringInvoice
	assets         []*asset
	users          []user
	items          []item
	tickets        []ticket
	nextLine       int
	nextTicket     int
	nextClient     int
	nextSite       int
}

// seed builds the tenant from the world. Planted pitfalls: the "Change
// Request" ticket type has a mandatory field Liongard cannot fill, and the
// API agent "Hudu Sync" belongs to no team.
func seed(w *world.World) *data {
	d := &data{clients: map[int]*client{}, sites: map[int]*site{}}
	created := time.Date(2021, 3, 1, 9, 0, 0, 0, time.UTC)
	owners := map[int]world.Owned{}
	for i, rec := range w.Records(world.HaloPSA) {
		id := 12 + i // Halo's first ids belong to built-in records
		owners[id] = rec
		d.clients[id] = &client{
			ID: id, Name: rec.Name, TopLevelID: 1, TopLevelName: "Customers", Inactive: rec.Inactive,
			Website: "https://www." + rec.Customer.Domain, MainSiteID: id, MainSiteName: "Main",
			AccountsID:  fmt.Sprintf("CUST%05d", rec.Customer.ID),
			DateCreated: created.Add(time.Duration(i) * 26 * time.Hour).Format("2006-01-02T15:04:05"),
		}
		d.sites[id] = &site{ID: id, Name: "Main", ClientID: id, ClientName: rec.Name, Timezone: "UTC"}
	}
	d.nextClient, d.nextSite = 12+len(d.clients), 12+len(d.sites)
	d.teams = []team{
		{ID: 1, Name: "Service Desk", DepartmentID: 1, DepartmentName: "Support", ForRequests: true},
		{ID: 2, Name: "Projects", DepartmentID: 1, DepartmentName: "Support", ForRequests: true},
		{ID: 3, Name: "Alerts", DepartmentID: 1, DepartmentName: "Support", ForRequests: true},
	}
	d.agents = []agent{
		{ID: 1, Name: "Unassigned", IsAgent: true},
		{ID: 2, Name: "Liongard API", Firstname: "Liongard", Surname: "API", Email: "liongard-api@msp.example", IsAgent: true, IsAPIAgent: true, Team: "Alerts", Teams: []teamOf{{3, "Alerts"}}},
		{ID: 3, Name: "Hudu Sync", Firstname: "Hudu", Surname: "Sync", Email: "hudu-sync@msp.example", IsAgent: true, IsAPIAgent: true, Team: clean(w, "Alerts"), Teams: cleanTeams(w, teamOf{3, "Alerts"})},
		{ID: 4, Name: "Dana Reyes", Firstname: "Dana", Surname: "Reyes", Email: "dana@msp.example", IsAgent: true, Team: "Service Desk", Teams: []teamOf{{1, "Service Desk"}}},
		{ID: 5, Name: "Sam Okafor", Firstname: "Sam", Surname: "Okafor", Email: "sam@msp.example", IsAgent: true, Team: "Projects", Teams: []teamOf{{2, "Projects"}}},
	}
	d.statuses = []status{
		{1, "New", "New", 0, 1, "#3b82f6"}, {2, "In Progress", "Prog", 0, 2, "#f59e0b"},
		{3, "Waiting on Customer", "Wait", 1, 3, "#a855f7"}, {8, "Resolved", "Res", 2, 8, "#22c55e"},
		{9, "Closed", "Closed", 2, 9, "#6b7280"},
	}
	prios := []priority{
		{1, 1, 1, "Critical", 4, "h", 0.5, "h", false, "#dc2626"},
		{2, 1, 2, "High", 8, "h", 1, "h", false, "#f97316"},
		{3, 1, 3, "Medium", 3, "d", 4, "h", false, "#eab308"},
		{4, 1, 4, "Low", 5, "d", 1, "d", false, "#22c55e"},
	}
	d.slas = []sla{{ID: 1, Name: "Standard SLA", WorkdayID: 1, Priorities: prios}}
	d.types = []ticketType{
		{ID: 1, Name: "Incident", GroupID: 1, Visible: true, Use: "ticket", DefaultSLA: 1, DefaultPriority: 3, DefaultTeam: "Service Desk", InitialStatus: 1,
			Fields: []ticketField{{1, "summary", 2, 2, 1, 1, 0}, {2, "details", 1, 1, 1, 2, 0}}},
		{ID: 2, Name: "Service Request", GroupID: 1, Visible: true, Use: "ticket", DefaultSLA: 1, DefaultPriority: 4, DefaultTeam: "Service Desk", InitialStatus: 1,
			Fields: []ticketField{{1, "summary", 2, 2, 1, 1, 0}, {2, "details", 1, 1, 1, 2, 0}}},
		{ID: 5, Name: "Change Request", GroupID: 2, Visible: true, Use: "ticket", HasMandatoryTechFields: !w.Clean, DefaultSLA: 1, DefaultPriority: 3, DefaultTeam: "Projects", InitialStatus: 1,
			Fields: []ticketField{{1, "summary", 2, 2, 1, 1, 0}, {2, "details", 1, 1, 1, 2, 0}, {141, "CAB members", mandatory(w), 0, 2, 3, 0}, {142, "Change window", mandatory(w), 0, 2, 4, 0}}},
		{ID: 7, Name: "Alert", GroupID: 3, Visible: true, Use: "ticket", DefaultSLA: 1, DefaultPriority: 2, DefaultTeam: "Alerts", InitialStatus: 1,
			Fields: []ticketField{{1, "summary", 2, 2, 1, 1, 0}, {2, "details", 1, 1, 1, 2, 0}}},
	}
	seedBilling(d, w, owners)
	seedAssets(d, w, owners)
	return d
}

// clean is v in a clean world and nothing otherwise: what a planted
// pitfall leaves out.
func clean(w *world.World, v string) string {
	if w.Clean {
		return v
	}
	return ""
}

func cleanTeams(w *world.World, t teamOf) []teamOf {
	if w.Clean {
		return []teamOf{t}
	}
	return nil
}

// mandatory is the field code the planted "Change Request" fields have:
// 2 (mandatory) in the default world, 1 (optional) in a clean one.
func mandatory(w *world.World) int {
	if w.Clean {
		return 1
	}
	return 2
}

func (s *Sim) dump() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	clients := make([]client, 0, len(s.data.clients))
	for _, id := range sortedIDs(s.data.clients) {
		clients = append(clients, *s.data.clients[id])
	}
	return map[string]any{"tenant": s.Tenant, "clients": clients, "agents": s.data.agents, "teams": s.data.teams,
		"ticket_types": s.data.types, "recurring_invoices": s.data.invoices, "tickets": s.data.tickets, "assets": s.data.assets, "users": len(s.data.users)}
}

func (s *Sim) listClients(w http.ResponseWriter, r *http.Request, _ App) {
	q := r.URL.Query()
	search := strings.ToLower(q.Get("search"))
	incInactive, _ := boolParam(r, "includeinactive")
	incActive, set := boolParam(r, "includeactive")
	if !set {
		incActive = true
	}
	toplevel := intParam(r, "toplevel_id", 0)
	s.mu.Lock()
	var out []client
	for _, id := range sortedIDs(s.data.clients) {
		c := *s.data.clients[id]
		switch {
		case c.Inactive && !incInactive, !c.Inactive && !incActive:
			continue
		case search != "" && !strings.Contains(strings.ToLower(c.Name), search):
			continue
		case toplevel != 0 && c.TopLevelID != toplevel:
			continue
		}
		out = append(out, c)
	}
	s.mu.Unlock()
	switch q.Get("order") {
	case "name":
		desc, _ := boolParam(r, "orderdesc")
		sort.SliceStable(out, func(i, j int) bool {
			return (strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)) != desc
		})
	}
	paged(w, r, "clients", out)
}

func (s *Sim) getClient(w http.ResponseWriter, r *http.Request, _ App) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	c, ok := s.data.clients[id]
	var out client
	if ok {
		out = *c
	}
	s.mu.Unlock()
	if !ok {
		simkit.WriteJSON(w, http.StatusNotFound, map[string]string{"Message": fmt.Sprintf("Client %d not found", id)})
		return
	}
	simkit.WriteJSON(w, http.StatusOK, out)
}

// decodeArray reads Halo's POST body: always a JSON array.
func decodeArray(w http.ResponseWriter, r *http.Request) ([]map[string]any, bool) {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/json-patch+json") && !strings.HasPrefix(ct, "text/json") {
		simkit.WriteJSON(w, http.StatusUnsupportedMediaType, map[string]string{"Message": "Unsupported content type " + ct})
		return nil, false
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	var items []map[string]any
	if err := json.Unmarshal(body, &items); err != nil {
		simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{"": "The JSON value could not be converted to a list: send an array of objects."})
		return nil, false
	}
	return items, true
}

func str(m map[string]any, k string) (string, bool) {
	v, ok := m[k].(string)
	return v, ok
}

func num(m map[string]any, k string) int {
	switch v := m[k].(type) {
	case float64:
		return int(v)
	case string:
		n, _ := strconv.Atoi(v)
		return n
	}
	return 0
}

// postClients upserts: no id (or 0) creates, a known id updates the given
// fields. Halo does not refuse a duplicate name — that is how duplicates
// are born.
func (s *Sim) postClients(w http.ResponseWriter, r *http.Request, _ App) {
	items, ok := decodeArray(w, r)
	if !ok {
		return
	}
	errs := map[string]string{}
	for i, it := range items {
		name, _ := str(it, "name")
		id := num(it, "id")
		if id == 0 && strings.TrimSpace(name) == "" {
			errs[fmt.Sprintf("[%d].name", i)] = "Please enter a name for the Client."
		}
		if id != 0 {
			s.mu.Lock()
			_, exists := s.data.clients[id]
			s.mu.Unlock()
			if !exists {
				errs[fmt.Sprintf("[%d].id", i)] = fmt.Sprintf("Client %d does not exist.", id)
			}
		}
	}
	if len(errs) > 0 {
		simkit.WriteJSON(w, http.StatusBadRequest, errs)
		return
	}
	var out []client
	s.mu.Lock()
	for _, it := range items {
		id := num(it, "id")
		c := s.data.clients[id]
		if c == nil {
			id = s.data.nextClient
			s.data.nextClient++
			c = &client{ID: id, TopLevelID: 1, TopLevelName: "Customers", MainSiteName: "Main",
				DateCreated: time.Now().UTC().Format("2006-01-02T15:04:05")}
			s.data.clients[id] = c
			sid := s.data.nextSite
			s.data.nextSite++
			c.MainSiteID = sid
			s.data.sites[sid] = &site{ID: sid, Name: "Main", ClientID: id, Timezone: "UTC"}
		}
		if v, ok := str(it, "name"); ok {
			c.Name = strings.TrimSpace(v)
			s.data.sites[c.MainSiteID].ClientName = c.Name
		}
		if v, ok := str(it, "website"); ok {
			c.Website = v
		}
		if v, ok := str(it, "notes"); ok {
			c.Notes = v
		}
		if v, ok := it["inactive"].(bool); ok {
			c.Inactive = v
		}
		if v := num(it, "toplevel_id"); v != 0 {
			c.TopLevelID = v
		}
		switch v := it["itglue_id"].(type) {
		case string:
			c.ITGlueID = v
		case float64:
			c.ITGlueID = strconv.FormatFloat(v, 'f', -1, 64)
		}
		if v, present := it["itglue_id"]; present && v == nil {
			c.ITGlueID = ""
		}
		out = append(out, *c)
	}
	s.mu.Unlock()
	if len(out) == 1 {
		simkit.WriteJSON(w, http.StatusCreated, out[0])
		return
	}
	simkit.WriteJSON(w, http.StatusCreated, out)
}

func (s *Sim) listSites(w http.ResponseWriter, r *http.Request, _ App) {
	clientID := intParam(r, "client_id", 0)
	search := strings.ToLower(r.URL.Query().Get("search"))
	s.mu.Lock()
	var out []site
	for _, id := range sortedIDs(s.data.sites) {
		st := *s.data.sites[id]
		if clientID != 0 && st.ClientID != clientID || search != "" && !strings.Contains(strings.ToLower(st.Name), search) {
			continue
		}
		out = append(out, st)
	}
	s.mu.Unlock()
	paged(w, r, "sites", out)
}

func (s *Sim) postSites(w http.ResponseWriter, r *http.Request, _ App) {
	items, ok := decodeArray(w, r)
	if !ok {
		return
	}
	var out []site
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, it := range items {
		name, _ := str(it, "name")
		cid := num(it, "client_id")
		c := s.data.clients[cid]
		if strings.TrimSpace(name) == "" || c == nil {
			simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{fmt.Sprintf("[%d].client_id", i): "A site needs a name and an existing client_id."})
			return
		}
		id := s.data.nextSite
		s.data.nextSite++
		st := &site{ID: id, Name: name, ClientID: cid, ClientName: c.Name, Timezone: "UTC"}
		s.data.sites[id] = st
		out = append(out, *st)
	}
	if len(out) == 1 {
		simkit.WriteJSON(w, http.StatusCreated, out[0])
		return
	}
	simkit.WriteJSON(w, http.StatusCreated, out)
}

func (s *Sim) listAgents(w http.ResponseWriter, r *http.Request, _ App) {
	incAPI, _ := boolParam(r, "includeapiagents")
	showAll, _ := boolParam(r, "showall")
	s.mu.Lock()
	var out []agent
	for _, a := range s.data.agents {
		if a.IsAPIAgent && !incAPI && !showAll || a.ID == 1 && !showAll {
			continue
		}
		out = append(out, a)
	}
	s.mu.Unlock()
	simkit.WriteJSON(w, http.StatusOK, out)
}

// me is the agent the application logs in as.
func (s *Sim) me(w http.ResponseWriter, _ *http.Request, app App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.data.agents {
		if a.ID == app.AgentID {
			simkit.WriteJSON(w, http.StatusOK, a)
			return
		}
	}
	simkit.WriteJSON(w, http.StatusNotFound, map[string]string{"Message": "Agent not found"})
}

func (s *Sim) listTeams(w http.ResponseWriter, _ *http.Request, _ App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	simkit.WriteJSON(w, http.StatusOK, s.data.teams)
}

// listTicketTypes is a bare array without field configuration; the
// configuration comes with GET /api/TicketType/{id}?includedetails=true.
func (s *Sim) listTicketTypes(w http.ResponseWriter, _ *http.Request, _ App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ticketType, len(s.data.types))
	for i, t := range s.data.types {
		t.Fields = nil
		out[i] = t
	}
	simkit.WriteJSON(w, http.StatusOK, out)
}

func (s *Sim) getTicketType(w http.ResponseWriter, r *http.Request, _ App) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	details, _ := boolParam(r, "includedetails")
	config, _ := boolParam(r, "includeconfig")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.data.types {
		if t.ID != id {
			continue
		}
		if details || config {
			for _, f := range t.Fields {
				t.FieldIDList = append(t.FieldIDList, f.FieldID)
			}
		} else {
			t.Fields = nil
		}
		simkit.WriteJSON(w, http.StatusOK, t)
		return
	}
	simkit.WriteJSON(w, http.StatusNotFound, map[string]string{"Message": fmt.Sprintf("Ticket type %d not found", id)})
}

func (s *Sim) listStatuses(w http.ResponseWriter, r *http.Request, _ App) {
	excludeClosed, _ := boolParam(r, "excludeclosed")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []status
	for _, st := range s.data.statuses {
		if excludeClosed && st.Type == 2 {
			continue
		}
		out = append(out, st)
	}
	simkit.WriteJSON(w, http.StatusOK, out)
}

func (s *Sim) listPriorities(w http.ResponseWriter, r *http.Request, _ App) {
	slaID := intParam(r, "slaid", 0)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []priority{}
	for _, sl := range s.data.slas {
		if slaID == 0 || sl.ID == slaID {
			out = append(out, sl.Priorities...)
		}
	}
	simkit.WriteJSON(w, http.StatusOK, out)
}

func (s *Sim) listSLAs(w http.ResponseWriter, r *http.Request, _ App) {
	withPrios, _ := boolParam(r, "showpriorities")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]sla, len(s.data.slas))
	for i, sl := range s.data.slas {
		if !withPrios {
			sl.Priorities = nil
		}
		out[i] = sl
	}
	simkit.WriteJSON(w, http.StatusOK, out)
}
