package itglue

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/sandbox/world"
)

type named struct {
	ID   int
	Name string
}

type organization struct {
	ID                           int
	Name, Description, ShortName string
	TypeID, StatusID             int
	CreatedAt, UpdatedAt         time.Time
	PSASynced                    bool
	cust                         int // the world customer, for what Liongard pushes
}

type configuration struct {
	ID, OrgID, TypeID int
	Name, Hostname    string
	Archived          bool
}

type flexibleAssetType struct {
	ID      int
	Name    string
	Enabled bool
}

type flexibleAsset struct {
	ID, OrgID, TypeID int
	Name              string
	UpdatedAt         time.Time
}

type data struct {
	orgs        map[int]*organization
	types       []named
	statuses    []named
	configTypes []named
	configs     []configuration
	fats        []flexibleAssetType
	fas         []flexibleAsset
	nextOrg     int
}

// seed builds the account from the world. Planted for the checks: some
// customers sit under the status "Onboarding" or the type "Prospect", which a
// Liongard filter of Active Customers misses; configuration names such as
// "DC01" that Liongard also reports, which Pro Sync would overwrite by name.
func seed(w *world.World) *data {
	d := &data{orgs: map[int]*organization{}}
	d.types = []named{{101, "Customer"}, {102, "Prospect"}, {103, "Vendor"}, {104, "Owner"}}
	d.statuses = []named{{201, "Active"}, {202, "Inactive"}, {203, "Onboarding"}}
	d.configTypes = []named{{301, "Server"}, {302, "Workstation"}, {303, "Firewall"}, {304, "Switch"}, {305, "Printer"}, {306, "Wireless Access Point"}}
	d.fats = []flexibleAssetType{{401, "Active Directory (auto)", true}, {402, "Microsoft 365 (auto)", true}, {403, "Backup", true}, {404, "Email", true}, {405, "Legacy Wiki", false}}
	created := time.Date(2020, 6, 1, 12, 0, 0, 0, time.UTC)
	cfgID, faID := 9000, 12000
	for i, rec := range w.Records(world.ITGlue) {
		id := 5000 + i
		hv := hash(rec.Name)
		o := &organization{ID: id, Name: rec.Name, TypeID: 101, StatusID: 201, ShortName: strings.ToUpper(rec.Customer.Domain[:min(3, len(rec.Customer.Domain))]),
			CreatedAt: created.Add(time.Duration(i) * 30 * time.Hour), UpdatedAt: created.Add(time.Duration(i) * 31 * time.Hour), cust: rec.Customer.ID}
		switch {
		case w.Clean:
		case hv%13 == 0:
			o.StatusID = 203 // Onboarding: missed by an Active-only filter
		case hv%17 == 0:
			o.StatusID = 202
		case hv%19 == 0:
			o.TypeID = 102 // a customer filed as a prospect
		}
		d.orgs[id] = o
		names := []struct {
			name string
			typ  int
		}{{"WS-RECEPTION", 302}, {"PRINTER-2F", 305}}
		if hash(rec.Customer.Name)%3 == 0 && !w.Clean { // the customers the Liongard simulator gives a DC01 and a firewall
			names = append(names, struct {
				name string
				typ  int
			}{"DC01", 301}, struct {
				name string
				typ  int
			}{"FW-01", 303})
		}
		for _, n := range names {
			d.configs = append(d.configs, configuration{ID: cfgID, OrgID: id, TypeID: n.typ, Name: n.name, Hostname: strings.ToLower(n.name)})
			cfgID++
		}
		if hv%2 == 0 {
			d.fas = append(d.fas, flexibleAsset{ID: faID, OrgID: id, TypeID: 401, Name: "Active Directory - " + rec.Customer.Domain, UpdatedAt: created})
			faID++
		}
	}
	d.nextOrg = 5000 + len(d.orgs)
	return d
}

func hash(s string) uint32 {
	f := fnv.New32a()
	f.Write([]byte(s))
	return f.Sum32()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (d *data) name(list []named, id int) any {
	for _, n := range list {
		if n.ID == id {
			return n.Name
		}
	}
	return nil
}

func (d *data) orgResource(o *organization) resource {
	return resource{ID: strconv.Itoa(o.ID), Type: "organizations", Attributes: map[string]any{
		"name": o.Name, "alert": nil, "description": nullIfEmpty(o.Description), "short-name": o.ShortName,
		"organization-type-id": o.TypeID, "organization-type-name": d.name(d.types, o.TypeID),
		"organization-status-id": o.StatusID, "organization-status-name": d.name(d.statuses, o.StatusID),
		"primary": false, "quick-notes": nil, "logo": nil, "parent-id": nil, "ancestor-ids": []int{},
		"created-at": stamp(o.CreatedAt), "updated-at": stamp(o.UpdatedAt),
	}}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Sim) dump() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var orgs []resource
	for _, id := range s.orgIDs() {
		orgs = append(orgs, s.data.orgResource(s.data.orgs[id]))
	}
	return map[string]any{"organizations": orgs, "configurations": len(s.data.configs), "flexible_assets": len(s.data.fas)}
}

func (s *Sim) orgIDs() []int {
	ids := make([]int, 0, len(s.data.orgs))
	for id := range s.data.orgs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

func (s *Sim) listOrganizations(w http.ResponseWriter, r *http.Request) {
	ids, types, statuses := filterIDs(r, "id"), filterIDs(r, "organization_type_id"), filterIDs(r, "organization_status_id")
	name := r.URL.Query().Get("filter[name]")
	s.mu.Lock()
	var out []resource
	for _, id := range s.orgIDs() {
		o := s.data.orgs[id]
		switch {
		case ids != nil && !ids[strconv.Itoa(o.ID)],
			types != nil && !types[strconv.Itoa(o.TypeID)],
			statuses != nil && !statuses[strconv.Itoa(o.StatusID)],
			name != "" && o.Name != name: // IT Glue matches names exactly
			continue
		}
		out = append(out, s.data.orgResource(o))
	}
	s.mu.Unlock()
	if r.URL.Query().Get("sort") == "name" {
		sort.SliceStable(out, func(i, j int) bool {
			return strings.ToLower(out[i].Attributes["name"].(string)) < strings.ToLower(out[j].Attributes["name"].(string))
		})
	}
	s.list(w, r, out)
}

func (s *Sim) getOrganization(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	o, ok := s.data.orgs[id]
	var res resource
	if ok {
		res = s.data.orgResource(o)
	}
	s.mu.Unlock()
	if !ok {
		writeErrors(w, http.StatusNotFound, jerr{Status: 404, Title: "Record not found"})
		return
	}
	writeDoc(w, http.StatusOK, map[string]any{"data": res})
}

// checkRefs answers 422 with pointers for attributes that name a missing
// type or status.
func (s *Sim) checkRefs(w http.ResponseWriter, attrs map[string]any) bool {
	var errs []jerr
	for key, list := range map[string][]named{"organization_type_id": s.data.types, "organization_status_id": s.data.statuses} {
		if _, present := attrs[key]; !present {
			continue
		}
		id, ok := intAttr(attrs, key)
		if !ok || s.data.name(list, id) == nil {
			errs = append(errs, jerr{Status: 422, Title: "Unprocessable Entity", Detail: "must exist",
				Source: &source{Pointer: "/data/attributes/" + strings.ReplaceAll(key, "_", "-")}})
		}
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Source.Pointer < errs[j].Source.Pointer })
		writeErrors(w, http.StatusUnprocessableEntity, errs...)
		return false
	}
	return true
}

func (s *Sim) createOrganization(w http.ResponseWriter, r *http.Request) {
	attrs, ok := readBody(w, r, "organizations")
	if !ok {
		return
	}
	name, _ := attrs["name"].(string)
	if strings.TrimSpace(name) == "" {
		writeErrors(w, http.StatusUnprocessableEntity, jerr{Status: 422, Title: "Unprocessable Entity", Detail: "can't be blank",
			Source: &source{Pointer: "/data/attributes/name"}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkRefs(w, attrs) {
		return
	}
	o := &organization{ID: s.data.nextOrg, Name: strings.TrimSpace(name), TypeID: 101, StatusID: 201, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	s.data.nextOrg++
	apply(o, attrs)
	s.data.orgs[o.ID] = o
	writeDoc(w, http.StatusCreated, map[string]any{"data": s.data.orgResource(o)})
}

func apply(o *organization, attrs map[string]any) {
	if v, ok := intAttr(attrs, "organization_type_id"); ok {
		o.TypeID = v
	}
	if v, ok := intAttr(attrs, "organization_status_id"); ok {
		o.StatusID = v
	}
	if v, ok := attrs["description"].(string); ok {
		o.Description = v
	}
	if v, ok := attrs["short_name"].(string); ok {
		o.ShortName = v
	}
	if v, ok := attrs["name"].(string); ok && strings.TrimSpace(v) != "" {
		o.Name = strings.TrimSpace(v)
	}
	o.UpdatedAt = time.Now()
}

func (s *Sim) patchOrganization(w http.ResponseWriter, r *http.Request) {
	attrs, ok := readBody(w, r, "organizations")
	if !ok {
		return
	}
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	o, found := s.data.orgs[id]
	if !found {
		writeErrors(w, http.StatusNotFound, jerr{Status: 404, Title: "Record not found"})
		return
	}
	if !s.checkRefs(w, attrs) {
		return
	}
	apply(o, attrs)
	writeDoc(w, http.StatusOK, map[string]any{"data": s.data.orgResource(o)})
}

func (s *Sim) namedList(w http.ResponseWriter, r *http.Request, typ string, list []named) {
	name := r.URL.Query().Get("filter[name]")
	var out []resource
	for _, n := range list {
		if name != "" && n.Name != name {
			continue
		}
		out = append(out, resource{ID: strconv.Itoa(n.ID), Type: typ, Attributes: map[string]any{
			"name": n.Name, "created-at": "2019-01-01T00:00:00Z", "updated-at": "2019-01-01T00:00:00Z"}})
	}
	s.list(w, r, out)
}

func (s *Sim) listTypes(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	list := s.data.types
	s.mu.Unlock()
	s.namedList(w, r, "organization-types", list)
}

func (s *Sim) listStatuses(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	list := s.data.statuses
	s.mu.Unlock()
	s.namedList(w, r, "organization-statuses", list)
}

func (s *Sim) listConfigurationTypes(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	list := s.data.configTypes
	s.mu.Unlock()
	s.namedList(w, r, "configuration-types", list)
}

func (s *Sim) listFlexibleAssetTypes(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("filter[name]")
	s.mu.Lock()
	fats := s.data.fats
	s.mu.Unlock()
	var out []resource
	for _, t := range fats {
		if name != "" && t.Name != name {
			continue
		}
		out = append(out, resource{ID: strconv.Itoa(t.ID), Type: "flexible-asset-types", Attributes: map[string]any{
			"name": t.Name, "description": nil, "icon": "cubes", "show-in-menu": t.Enabled, "enabled": t.Enabled,
			"created-at": "2021-01-01T00:00:00Z", "updated-at": "2021-01-01T00:00:00Z"}})
	}
	s.list(w, r, out)
}

// listFlexibleAssets requires the type filter, as IT Glue does.
func (s *Sim) listFlexibleAssets(w http.ResponseWriter, r *http.Request) {
	types := filterIDs(r, "flexible_asset_type_id")
	if types == nil {
		writeErrors(w, http.StatusBadRequest, jerr{Status: 400, Title: "Bad Request",
			Detail: "filter[flexible_asset_type_id] is required"})
		return
	}
	orgs := filterIDs(r, "organization_id")
	s.mu.Lock()
	var out []resource
	for _, fa := range s.data.fas {
		if !types[strconv.Itoa(fa.TypeID)] || orgs != nil && !orgs[strconv.Itoa(fa.OrgID)] {
			continue
		}
		out = append(out, resource{ID: strconv.Itoa(fa.ID), Type: "flexible-assets", Attributes: map[string]any{
			"organization-id": fa.OrgID, "organization-name": s.data.orgs[fa.OrgID].Name, "flexible-asset-type-id": fa.TypeID,
			"flexible-asset-type-name": s.typeName(fa.TypeID), "name": fa.Name, "traits": map[string]any{"domain": fa.Name},
			"archived": false, "restricted": false, "updated-at": stamp(fa.UpdatedAt)}})
	}
	s.mu.Unlock()
	s.list(w, r, out)
}

func (s *Sim) typeName(id int) string {
	for _, t := range s.data.fats {
		if t.ID == id {
			return t.Name
		}
	}
	return ""
}

func (s *Sim) listConfigurations(w http.ResponseWriter, r *http.Request) {
	orgs := filterIDs(r, "organization_id")
	if id := r.PathValue("id"); id != "" {
		orgs = map[string]bool{id: true}
	}
	types := filterIDs(r, "configuration_type_id")
	name := r.URL.Query().Get("filter[name]")
	s.mu.Lock()
	var out []resource
	for _, c := range s.data.configs {
		if orgs != nil && !orgs[strconv.Itoa(c.OrgID)] || types != nil && !types[strconv.Itoa(c.TypeID)] || name != "" && c.Name != name {
			continue
		}
		out = append(out, resource{ID: strconv.Itoa(c.ID), Type: "configurations", Attributes: map[string]any{
			"organization-id": c.OrgID, "organization-name": s.data.orgs[c.OrgID].Name, "name": c.Name, "hostname": c.Hostname,
			"configuration-type-id": c.TypeID, "configuration-type-name": s.data.name(s.data.configTypes, c.TypeID),
			"configuration-status-id": 1, "configuration-status-name": "Active", "archived": c.Archived,
			"serial-number": fmt.Sprintf("SN%06d", c.ID), "primary-ip": nil}})
	}
	s.mu.Unlock()
	s.list(w, r, out)
}

// PushFlexibleAsset is what Liongard's Flexible Assets integration does
// after an inspection: the inspector's "(auto)" asset of the customer's
// organization made or refreshed.
func (s *Sim) PushFlexibleAsset(customerID int, inspectorAlias, system string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	typeID := 0
	for _, t := range s.data.fats {
		if t.Name == inspectorAlias+" (auto)" {
			typeID = t.ID
		}
	}
	if typeID == 0 {
		return fmt.Errorf("no flexible asset type %q", inspectorAlias+" (auto)")
	}
	var org *organization
	for _, o := range s.data.orgs {
		if o.cust == customerID && (org == nil || o.ID < org.ID) {
			org = o
		}
	}
	if org == nil {
		return fmt.Errorf("no organization of customer %d", customerID)
	}
	now := time.Now().UTC()
	for i := range s.data.fas {
		if fa := &s.data.fas[i]; fa.OrgID == org.ID && fa.TypeID == typeID && strings.HasSuffix(fa.Name, "(auto)") {
			fa.UpdatedAt = now
			return nil
		}
	}
	id := 12000 + len(s.data.fas)
	for _, fa := range s.data.fas {
		id = max(id, fa.ID+1)
	}
	s.data.fas = append(s.data.fas, flexibleAsset{ID: id, OrgID: org.ID, TypeID: typeID, Name: system + " (auto)", UpdatedAt: now})
	return nil
}
