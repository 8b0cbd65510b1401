package hudu

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

type company struct {
	ID          int    `json:"id"`
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Nickname    string `json:"nickname"`
	CompanyType string `json:"company_type"`
	City        string `json:"city"`
	Website     string `json:"website"`
	IDNumber    string `json:"id_number"`
	Notes       string `json:"notes"`
	Archived    bool   `json:"archived"`
	ObjectType  string `json:"object_type"`
	URL         string `json:"url"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
	// ParentCompanyID is null for most companies, as the live server sends.
	ParentCompanyID *int      `json:"parent_company_id"`
	Integrations    []matcher `json:"integrations"`
}

type layoutField struct {
	Label     string `json:"label"`
	FieldType string `json:"field_type"`
	Required  bool   `json:"required"`
	Position  int    `json:"position"`
}

type layout struct {
	ID        int           `json:"id"`
	Slug      string        `json:"slug"`
	Name      string        `json:"name"`
	Icon      string        `json:"icon"`
	Color     string        `json:"color"`
	IconColor string        `json:"icon_color"`
	Active    bool          `json:"active"`
	Fields    []layoutField `json:"fields"`
	CreatedAt string        `json:"created_at"`
	UpdatedAt string        `json:"updated_at"`
}

type asset struct {
	ID            int    `json:"id"`
	CompanyID     int    `json:"company_id"`
	CompanyName   string `json:"company_name"`
	AssetLayoutID int    `json:"asset_layout_id"`
	AssetType     string `json:"asset_type"`
	Name          string `json:"name"`
	PrimarySerial string `json:"primary_serial"`
	Archived      bool   `json:"archived"`
	ObjectType    string `json:"object_type"`
}

type matcher struct {
	ID                 int     `json:"id"`
	IntegratorID       int     `json:"integrator_id"`
	IntegratorName     string  `json:"integrator_name"`
	SyncID             int     `json:"sync_id"`
	Identifier         string  `json:"identifier"`
	Name               string  `json:"name"`
	PotentialCompanyID *int    `json:"potential_company_id"`
	CompanyID          *int    `json:"company_id"`
	CompanyName        *string `json:"company_name"`
}

type data struct {
	companies   map[int]*company
	layouts     []*layout
	assets      []asset
	matchers    map[int]*matcher
	nextCompany int
	nextLayout  int
}

// The layouts Hudu's HaloPSA integration files contacts, sites and devices
// under must exist and be active (support.hudu.com "Setting up the Halo PSA
// Integration"). Depending on the seed, the world has one missing or
// inactive, for the checks to find.
var haloLayouts = []string{"People", "Locations", "Computer Assets"}

// seed builds the instance from the world. Hudu's own company suggestions
// (potential_company_id) are right for most matchers, wrong for some and
// absent for others; some matchers are already matched.
func seed(w *world.World) *data {
	d := &data{companies: map[int]*company{}, matchers: map[int]*matcher{}}
	created := time.Date(2021, 9, 1, 15, 0, 0, 0, time.UTC)
	byCustomer := map[int]int{}
	for i, rec := range w.Records(world.Hudu) {
		id := 1 + i
		c := &company{ID: id, Slug: slug(rec.Name) + "-" + strconv.Itoa(id), Name: rec.Name, CompanyType: "Customer",
			City: rec.Customer.City, Website: rec.Customer.Domain, ObjectType: "Company", URL: "/c/" + slug(rec.Name),
			CreatedAt: created.Add(time.Duration(i) * 25 * time.Hour).Format(time.RFC3339),
			UpdatedAt: created.Add(time.Duration(i) * 26 * time.Hour).Format(time.RFC3339), Integrations: []matcher{}}
		d.companies[id] = c
		if _, seen := byCustomer[rec.Customer.ID]; !seen {
			byCustomer[rec.Customer.ID] = id
		}
	}
	d.nextCompany = 1 + len(d.companies)

	names := append([]string{}, haloLayouts...)
	names = append(names, "Network Devices", "Printers", "Liongard Systems")
	for i, name := range names {
		l := &layout{ID: 10 + i, Slug: slug(name), Name: name, Icon: "fas fa-cube", Color: "#1f6feb", IconColor: "#ffffff", Active: true,
			Fields:    []layoutField{{Label: "Notes", FieldType: "RichText", Position: 1}},
			CreatedAt: created.Format(time.RFC3339), UpdatedAt: created.Format(time.RFC3339)}
		switch {
		case w.Clean:
		case name == "Locations" && w.Seed%2 == 1:
			l.Active = false // present but inactive: Halo sites have nowhere to go
		case name == "People" && w.Seed%3 == 2:
			continue // missing altogether
		}
		d.layouts = append(d.layouts, l)
	}
	d.nextLayout = 10 + len(names)

	assetID := 100
	for _, id := range sortedIDs(d.companies) {
		c := d.companies[id]
		for j, l := range d.layouts {
			if l.Name != "Computer Assets" && l.Name != "Network Devices" || hash(c.Name)%2 == uint32(j%2) {
				continue
			}
			d.assets = append(d.assets, asset{ID: assetID, CompanyID: id, CompanyName: c.Name, AssetLayoutID: l.ID, AssetType: l.Name,
				Name: fmt.Sprintf("%s-%02d", strings.ToUpper(slug(c.Name))[:min(4, len(slug(c.Name)))], j), PrimarySerial: fmt.Sprintf("SN%07d", assetID), ObjectType: "Asset"})
			assetID++
		}
	}

	matcherID := 500
	add := func(integration int, integrator string, syncID int, rec world.Owned) {
		m := &matcher{ID: matcherID, IntegratorID: integration, IntegratorName: integrator, SyncID: syncID,
			Identifier: strconv.Itoa(syncID), Name: rec.Name}
		matcherID++
		hv := hash(rec.Name + integrator)
		if right, ok := byCustomer[rec.Customer.ID]; ok {
			switch {
			case hv%10 == 0: // Hudu guessed wrong
				wrong := right%len(d.companies) + 1
				m.PotentialCompanyID = &wrong
			case hv%10 == 1: // no guess
			default:
				m.PotentialCompanyID = &right
			}
			switch {
			case w.Clean && integrator == "Liongard": // one feed only: nothing matched on Liongard's side
			case hv%4 == 0:
				m.CompanyID = &right
				name := d.companies[right].Name
				m.CompanyName = &name
			case hv%23 == 5 && !w.Clean: // matched by hand to the wrong company
				wrong := right%len(d.companies) + 1
				m.CompanyID = &wrong
				name := d.companies[wrong].Name
				m.CompanyName = &name
			}
		}
		d.matchers[m.ID] = m
	}
	for i, rec := range w.Records(world.HaloPSA) {
		add(HaloPSAIntegration, "HaloPSA", 12+i, rec) // the HaloPSA simulator's client ids
	}
	for i, rec := range w.Records(world.Liongard) {
		add(LiongardIntegration, "Liongard", 33000+i, rec) // the Liongard simulator's environment ids
	}
	return d
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

func hash(s string) uint32 {
	f := fnv.New32a()
	f.Write([]byte(s))
	return f.Sum32()
}

func sortedIDs[T any](m map[int]T) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

func (s *Sim) dump() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cs []company
	for _, id := range sortedIDs(s.data.companies) {
		cs = append(cs, *s.data.companies[id])
	}
	return map[string]any{"companies": cs, "asset_layouts": s.data.layouts, "matchers": len(s.data.matchers), "assets": len(s.data.assets)}
}

func (s *Sim) listCompanies(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name, search, website := q.Get("name"), strings.ToLower(q.Get("search")), q.Get("website")
	s.mu.Lock()
	var out []company
	for _, id := range sortedIDs(s.data.companies) {
		c := s.data.companies[id]
		if name != "" && c.Name != name || website != "" && c.Website != website ||
			search != "" && !strings.Contains(strings.ToLower(c.Name), search) {
			continue
		}
		out = append(out, *c)
	}
	s.mu.Unlock()
	paged(w, r, "companies", out, true)
}

func (s *Sim) getCompany(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	c, ok := s.data.companies[id]
	var out company
	if ok {
		out = *c
	}
	s.mu.Unlock()
	if !ok {
		simkit.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "Resource not found", "details": fmt.Sprintf("Couldn't find Company with 'id'=%d", id)})
		return
	}
	simkit.WriteJSON(w, http.StatusOK, map[string]any{"company": out})
}

// createCompany answers 200 with {"company":…}: the live server, not the
// Swagger's 201.
func (s *Sim) createCompany(w http.ResponseWriter, r *http.Request) {
	in, ok := unwrap(w, r, "company")
	if !ok {
		return
	}
	if blank(in["name"]) {
		simkit.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string][]string{"name": {"can't be blank"}}})
		return
	}
	s.mu.Lock()
	id := s.data.nextCompany
	s.data.nextCompany++
	now := time.Now().UTC().Format(time.RFC3339)
	name := strings.TrimSpace(in["name"].(string))
	c := &company{ID: id, Slug: slug(name) + "-" + strconv.Itoa(id), Name: name, ObjectType: "Company", URL: "/c/" + slug(name),
		CreatedAt: now, UpdatedAt: now, Integrations: []matcher{}}
	for key, dst := range map[string]*string{"nickname": &c.Nickname, "company_type": &c.CompanyType, "website": &c.Website,
		"id_number": &c.IDNumber, "notes": &c.Notes, "city": &c.City} {
		if v, ok := in[key].(string); ok {
			*dst = v
		}
	}
	s.data.companies[id] = c
	out := *c
	s.mu.Unlock()
	simkit.WriteJSON(w, http.StatusOK, map[string]any{"company": out})
}

// listLayouts pages by page alone: page_size is not documented here.
func (s *Sim) listLayouts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("name")
	active, activeSet := q.Get("active"), q.Has("active")
	s.mu.Lock()
	var out []layout
	for _, l := range s.data.layouts {
		if name != "" && l.Name != name || activeSet && strconv.FormatBool(l.Active) != strings.ToLower(active) {
			continue
		}
		out = append(out, *l)
	}
	s.mu.Unlock()
	paged(w, r, "asset_layouts", out, false)
}

// getLayout answers a missing id with 200 and the body null, as the live
// server does.
func (s *Sim) getLayout(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.data.layouts {
		if l.ID == id {
			simkit.WriteJSON(w, http.StatusOK, map[string]any{"asset_layout": l})
			return
		}
	}
	simkit.WriteJSON(w, http.StatusOK, nil)
}

func (s *Sim) createLayout(w http.ResponseWriter, r *http.Request) {
	in, ok := unwrap(w, r, "asset_layout")
	if !ok {
		return
	}
	if blank(in["name"]) {
		simkit.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string][]string{"name": {"can't be blank"}}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := strings.TrimSpace(in["name"].(string))
	now := time.Now().UTC().Format(time.RFC3339)
	l := &layout{ID: s.data.nextLayout, Slug: slug(name), Name: name, Icon: "fas fa-cube", Active: true, Fields: []layoutField{}, CreatedAt: now, UpdatedAt: now}
	if v, ok := in["active"].(bool); ok {
		l.Active = v
	}
	if v, ok := in["icon"].(string); ok {
		l.Icon = v
	}
	if fields, ok := in["fields"].([]any); ok {
		for i, f := range fields {
			m, _ := f.(map[string]any)
			label, _ := m["label"].(string)
			typ, _ := m["field_type"].(string)
			req, _ := m["required"].(bool)
			l.Fields = append(l.Fields, layoutField{Label: label, FieldType: typ, Required: req, Position: i + 1})
		}
	}
	s.data.nextLayout++
	s.data.layouts = append(s.data.layouts, l)
	simkit.WriteJSON(w, http.StatusOK, map[string]any{"asset_layout": l})
}

func (s *Sim) listAssets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	companyID, _ := strconv.Atoi(q.Get("company_id"))
	if v := r.PathValue("company_id"); v != "" {
		companyID, _ = strconv.Atoi(v)
	}
	layoutID, _ := strconv.Atoi(q.Get("asset_layout_id"))
	s.mu.Lock()
	var out []asset
	for _, a := range s.data.assets {
		if companyID != 0 && a.CompanyID != companyID || layoutID != 0 && a.AssetLayoutID != layoutID {
			continue
		}
		out = append(out, a)
	}
	s.mu.Unlock()
	paged(w, r, "assets", out, true)
}

// listMatchers needs integration_id; without it the live server fails with 500.
func (s *Sim) listMatchers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	integration, err := strconv.Atoi(q.Get("integration_id"))
	if err != nil {
		serverError(w)
		return
	}
	matched, matchedSet := strings.ToLower(q.Get("matched")), q.Has("matched")
	syncID, identifier, companyID := q.Get("sync_id"), q.Get("identifier"), q.Get("company_id")
	s.mu.Lock()
	var out []matcher
	for _, id := range sortedIDs(s.data.matchers) {
		m := s.data.matchers[id]
		if m.IntegratorID != integration || matchedSet && strconv.FormatBool(m.CompanyID != nil) != matched ||
			syncID != "" && strconv.Itoa(m.SyncID) != syncID || identifier != "" && m.Identifier != identifier ||
			companyID != "" && (m.CompanyID == nil || strconv.Itoa(*m.CompanyID) != companyID) {
			continue
		}
		out = append(out, *m)
	}
	s.mu.Unlock()
	paged(w, r, "matchers", out, true)
}

// updateMatcher sets company_id; a missing matcher is a 500 on the live server.
func (s *Sim) updateMatcher(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	in, ok := unwrap(w, r, "matcher")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, found := s.data.matchers[id]
	if !found {
		serverError(w)
		return
	}
	if v, present := in["company_id"]; present {
		switch cid := v.(type) {
		case nil:
			m.CompanyID, m.CompanyName = nil, nil
		case float64:
			c, exists := s.data.companies[int(cid)]
			if !exists {
				simkit.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string][]string{"company": {"must exist"}}})
				return
			}
			n, name := int(cid), c.Name
			m.CompanyID, m.CompanyName = &n, &name
		}
	}
	simkit.WriteJSON(w, http.StatusOK, map[string]any{"matcher": m})
}
