package liongard

import (
	"encoding/json"
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

const serviceProviderID = 78

type environment struct {
	ID          int
	Name        string
	ShortName   string
	Description string
	Status      int
	Visible     bool
	Website     string
	Tier        string // "Core" or "Essentials"
	Parent      *int
	CreatedOn   time.Time
	UpdatedOn   time.Time
}

type inspector struct {
	ID    int    `json:"ID"`
	Name  string `json:"Name"`
	Alias string `json:"Alias"`
}

type launchpoint struct {
	ID          int
	Environment int
	Inspector   inspector
	Alias       string
	Enabled     bool
}

type system struct {
	ID          int
	Environment int
	Launchpoint int
	Inspector   inspector
	Name        string
	// suite is the customer's licences, on its Microsoft 365 or Google
	// Workspace system: what the dataprint is made from.
	suite  world.Licences
	device *world.Device // a Windows workstation's
	cust   int           // the customer's id in the world, whose dataprint it is
}

type task struct {
	ID          int
	Environment int
	CommonID    string
	Name        string
	Description string
	Priority    string
	Status      string
	Rule        string
	Launchpoint int
	CreatedOn   time.Time
	ExternalID  *int // the PSA ticket the alert's template opened
}

type group struct {
	ID                     int    `json:"ID"`
	Name                   string `json:"Name"`
	Description            string `json:"Description"`
	AutoAddNewEnvironments bool   `json:"AutoAddNewEnvironments"`
	Environments           []int  `json:"Environments"`
}

type data struct {
	envs      map[int]*environment
	lps       []launchpoint
	systems   []system
	tasks     []task
	templates map[int]template // environment id -> its alert template
	jobs      int              // inspections run
	flexAuto  map[string]bool  // inspector alias -> Flexible Assets auto-updating on
	groups    map[int]*group
	nextEnv   int
	nextGroup int
	metrics   []*metric
	// values caches evaluated metrics by metric and system: dataprints
	// do not change between inspections.
	values     map[[2]int]any
	nextMetric int
	evalHits   []time.Time // POST /metrics/evaluate calls in the last minute
}

// inspectors carry the ids of Liongard's own library (api-facts-ops
// §A.2: LGAI reference/inspector-aliases.md); clients must still find
// them by alias, as other instances may number them otherwise.
var inspectors = []inspector{
	{13, "active-directory-inspector", "Active Directory"},
	{8, "microsoft-365-inspector", "Microsoft 365"},
	{25, "windows-server-inspector", "Windows Server"},
	{40, "sonicwall-inspector", "SonicWall"},
	{44, "internet-domain-inspector", "Internet Domain / DNS"},
	{52, "datto-bcdr-inspector", "Datto BCDR"},
	{61, "google-workspace-inspector", "Google Workspace"},
	{90, "windows-workstation-inspector", "Windows Workstation"},
}

// inspectorNamed finds a seeded inspector by its slug.
func inspectorNamed(name string) inspector {
	for _, i := range inspectors {
		if i.Name == name {
			return i
		}
	}
	panic("sandbox: no inspector " + name)
}

// seed builds the instance from the world: an environment per Liongard
// record, launchpoints and systems per environment, a few actionable alerts.
// System names follow Liongard's "<Inspector> - <target>" habit, which is
// what IT Glue's Pro Sync later matches configurations by.
func seed(w *world.World) *data {
	d := &data{envs: map[int]*environment{}, groups: map[int]*group{}}
	created := time.Date(2022, 1, 10, 8, 0, 0, 0, time.UTC)
	lpID, sysID, taskID := 95000, 21000, 7500
	for i, rec := range w.Records(world.Liongard) {
		id := 33000 + i
		tier := "Core"
		if h(rec.Name)%5 == 0 {
			tier = "Essentials"
		}
		e := &environment{ID: id, Name: rec.Name, ShortName: short(rec.Name), Description: "Customer since " + created.Format("2006"),
			Status: 1, Visible: true, Website: rec.Customer.Domain, Tier: tier,
			CreatedOn: created.Add(time.Duration(i) * 20 * time.Hour), UpdatedOn: created.Add(time.Duration(i) * 21 * time.Hour)}
		d.envs[id] = e
		domain := rec.Customer.Domain
		type target struct {
			ins    inspector
			target string
			suite  world.Licences
			device *world.Device
		}
		targets := []target{{ins: inspectors[0], target: strings.SplitN(domain, ".", 2)[0] + ".local"}}
		// The customer's suite is inspected in its first environment only
		// (a near-duplicate environment has no launchpoints of its own).
		if l := w.Licences(rec.Customer); l.Product != "" && rec.Name == rec.Customer.In[world.Liongard][0].Name {
			switch l.Product {
			case world.M365:
				targets = append(targets, target{ins: inspectorNamed("microsoft-365-inspector"), target: strings.SplitN(domain, ".", 2)[0] + ".onmicrosoft.com", suite: l})
			case world.GoogleWorkspace:
				targets = append(targets, target{ins: inspectorNamed("google-workspace-inspector"), target: domain, suite: l})
			}
		}
		targets = append(targets, target{ins: inspectors[4], target: domain})
		var devices []world.Device
		if rec.Name == rec.Customer.In[world.Liongard][0].Name {
			devices = w.Devices(rec.Customer)
		}
		// Servers and firewalls go by the customer, not by how this system
		// spells its name, so the IT Glue simulator gives the same customers
		// configurations of the same names (what Pro Sync would overwrite).
		if h(rec.Customer.Name)%3 == 0 {
			targets = append(targets, target{ins: inspectors[2], target: "DC01"}, target{ins: inspectors[3], target: "FW-" + strings.ToUpper(short(rec.Name))})
		}
		for i := range devices {
			targets = append(targets, target{ins: inspectorNamed("windows-workstation-inspector"), target: devices[i].Hostname, device: &devices[i]})
		}
		for _, t := range targets {
			alias := t.ins.Alias + " - " + t.target
			d.lps = append(d.lps, launchpoint{ID: lpID, Environment: id, Inspector: t.ins, Alias: alias, Enabled: true})
			d.systems = append(d.systems, system{ID: sysID, Environment: id, Launchpoint: lpID, Inspector: t.ins, Name: alias, suite: t.suite, device: t.device, cust: rec.Customer.ID})
			if h(alias)%9 == 0 {
				d.tasks = append(d.tasks, task{ID: taskID, Environment: id, CommonID: fmt.Sprintf("T%s.%05d", created.Format("20060102"), taskID),
					Name: alertFor(t.ins), Description: alertFor(t.ins) + " on " + alias, Priority: []string{"Critical", "High", "Medium", "Low"}[h(alias)%4],
					Status: "New", Rule: alertFor(t.ins), Launchpoint: lpID, CreatedOn: created.Add(time.Duration(taskID) * time.Minute)})
				taskID++
			}
			lpID++
			sysID++
		}
	}
	d.nextEnv = 33000 + len(d.envs)
	d.nextGroup = 410
	d.metrics = libraryMetrics()
	d.nextMetric = 90001
	d.values = map[[2]int]any{}
	return d
}

func alertFor(i inspector) string {
	switch i.Name {
	case "active-directory-inspector":
		return "New privileged user detected"
	case "microsoft-365-inspector":
		return "MFA disabled for an admin"
	case "internet-domain-inspector":
		return "Domain expires within 30 days"
	}
	return "Inspection failed"
}

func h(s string) uint32 {
	f := fnv.New32a()
	f.Write([]byte(s))
	return f.Sum32()
}

func short(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		if r := []rune(w)[0]; r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "ENV"
	}
	return b.String()
}

func (s *Sim) dump() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	envs := s.sortedEnvs()
	out := make([]map[string]any, len(envs))
	for i, e := range envs {
		out[i] = e.v2()
	}
	return map[string]any{"environments": out, "launchpoints": len(s.data.lps), "systems": len(s.data.systems), "alerts": len(s.data.tasks)}
}

func (s *Sim) sortedEnvs() []*environment {
	out := make([]*environment, 0, len(s.data.envs))
	for _, e := range s.data.envs {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// v1 is the full v1 Environment: Tier is an object whose Type says
// "Essential" (v1's spelling).
func (e *environment) v1() map[string]any {
	tier := e.Tier
	if tier == "Essentials" {
		tier = "Essential"
	}
	return map[string]any{
		"ID": e.ID, "ServiceProviderID": serviceProviderID, "Name": e.Name, "ShortName": e.ShortName,
		"Description": e.Description, "Status": e.Status, "Visible": e.Visible, "ExpiresOn": nil, "KeyRotation": 90,
		"LastKeyRotation": nil, "Website": e.Website, "Static": false, "Parent": e.Parent,
		"CreatedOn": stamp(e.CreatedOn), "UpdatedOn": stamp(e.UpdatedOn),
		"Tier":      map[string]any{"Type": tier, "CanDowngrade": true, "AssociatedInspectors": 0},
		"CreatedBy": map[string]any{"ID": 1, "FirstName": "Dana", "LastName": "Reyes", "Username": "dana"},
	}
}

// trimmed is the Environment nested inside other records.
func (e *environment) trimmed() map[string]any {
	tier := e.Tier
	if tier == "Essentials" {
		tier = "Essential"
	}
	return map[string]any{"ID": e.ID, "ServiceProviderID": serviceProviderID, "Name": e.Name, "ShortName": e.ShortName,
		"Status": e.Status, "Visible": e.Visible, "Tier": tier}
}

// v2 is the v2 Environment: Tier.Type says "Essentials".
func (e *environment) v2() map[string]any {
	return map[string]any{
		"ID": e.ID, "ServiceProviderID": serviceProviderID, "Name": e.Name, "ShortName": e.ShortName,
		"Description": e.Description, "Status": e.Status, "Visible": e.Visible, "Parent": e.Parent,
		"CreatedOn": stamp(e.CreatedOn), "UpdatedOn": stamp(e.UpdatedOn), "AgentsCount": 0,
		"Tier": map[string]any{"Type": e.Tier, "CanDownGrade": true, "AssociatedInspectors": 0},
	}
}

// project applies v1's fields[] and conditions[] to rows.
func project(w http.ResponseWriter, r *http.Request, rows []map[string]any) {
	q := r.URL.Query()
	for _, raw := range q["conditions[]"] {
		var c struct {
			Path  string `json:"path"`
			Op    string `json:"op"`
			Value any    `json:"value"`
		}
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			failure(w, http.StatusBadRequest, "Invalid condition: "+raw)
			return
		}
		var kept []map[string]any
		for _, row := range rows {
			if match(row[c.Path], c.Op, c.Value) {
				kept = append(kept, row)
			}
		}
		rows = kept
	}
	if fields := q["fields[]"]; len(fields) > 0 {
		for i, row := range rows {
			picked := map[string]any{}
			for _, f := range fields {
				if v, ok := row[f]; ok {
					picked[f] = v
				}
			}
			rows[i] = picked
		}
	}
	if pageNo, size := queryInt(r, "page"), queryInt(r, "pageSize"); pageNo > 0 || size > 0 {
		rows, _ = page(rows, pageNo, size)
	}
	if rows == nil {
		rows = []map[string]any{}
	}
	simkit.WriteJSON(w, http.StatusOK, rows)
}

func match(have any, op string, want any) bool {
	hs, ws := fmt.Sprint(have), fmt.Sprint(want)
	switch op {
	case "equals", "=", "is":
		return strings.EqualFold(hs, ws)
	case "not equals", "!=", "is not":
		return !strings.EqualFold(hs, ws)
	case "like":
		return strings.Contains(strings.ToLower(hs), strings.Trim(strings.ToLower(ws), "%"))
	case "not like":
		return !strings.Contains(strings.ToLower(hs), strings.Trim(strings.ToLower(ws), "%"))
	}
	return false
}

func (s *Sim) v1ListEnvironments(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var rows []map[string]any
	for _, e := range s.sortedEnvs() {
		rows = append(rows, e.v1())
	}
	s.mu.Unlock()
	project(w, r, rows)
}

// environment renders the environment the path names, under the lock;
// without one it answers Liongard's 404 and returns false.
func (s *Sim) environment(w http.ResponseWriter, r *http.Request, render func(*environment) map[string]any) (map[string]any, bool) {
	s.mu.Lock()
	e, found := s.data.envs[pathID(r)]
	var out map[string]any
	if found {
		out = render(e)
	}
	s.mu.Unlock()
	if !found {
		failure(w, http.StatusNotFound, "Enitity not found")
	}
	return out, found
}

func (s *Sim) v1GetEnvironment(w http.ResponseWriter, r *http.Request) {
	if out, found := s.environment(w, r, (*environment).v1); found {
		simkit.WriteJSON(w, http.StatusOK, out)
	}
}

type envInput struct {
	Name        *string `json:"Name"`
	Description *string `json:"Description"`
	Parent      *int    `json:"Parent"`
	ShortName   string  `json:"ShortName"`
	Tier        string  `json:"Tier"`
	Status      *int    `json:"Status"`
	hasParent   bool
}

func readEnv(w http.ResponseWriter, r *http.Request) (envInput, bool) {
	var raw map[string]json.RawMessage
	if !decode(w, r, &raw) {
		return envInput{}, false
	}
	b, _ := json.Marshal(raw)
	var in envInput
	if err := json.Unmarshal(b, &in); err != nil {
		failure(w, http.StatusBadRequest, "Failure")
		return in, false
	}
	_, in.hasParent = raw["Parent"]
	return in, true
}

// v1CreateEnvironment requires Name, Description and Parent (null allowed);
// Tier is "Core" or v1's "Essential".
func (s *Sim) v1CreateEnvironment(w http.ResponseWriter, r *http.Request) {
	in, ok := readEnv(w, r)
	if !ok {
		return
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" || in.Description == nil || !in.hasParent {
		errorf(w, "Name, Description and Parent are required (Parent may be null)")
		return
	}
	tier, good := map[string]string{"": "Core", "Core": "Core", "Essential": "Essentials"}[in.Tier]
	if !good {
		errorf(w, "Tier must be one of: Core, Essential")
		return
	}
	e := s.create(in, tier)
	s.mu.Lock()
	out := e.v1()
	s.mu.Unlock()
	simkit.WriteJSON(w, http.StatusOK, out)
}

func (s *Sim) create(in envInput, tier string) *environment {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.data.nextEnv
	s.data.nextEnv++
	now := time.Now()
	e := &environment{ID: id, Name: strings.TrimSpace(*in.Name), Description: *in.Description, Parent: in.Parent,
		ShortName: in.ShortName, Status: 1, Visible: true, Tier: tier, CreatedOn: now, UpdatedOn: now}
	if e.ShortName == "" {
		e.ShortName = short(e.Name)
	}
	s.data.envs[id] = e
	return e
}

// v1UpdateEnvironment requires Name, Description, Parent and Status.
func (s *Sim) v1UpdateEnvironment(w http.ResponseWriter, r *http.Request) {
	in, ok := readEnv(w, r)
	if !ok {
		return
	}
	if in.Name == nil || in.Description == nil || !in.hasParent || in.Status == nil {
		errorf(w, "Name, Description, Parent and Status are required")
		return
	}
	tier, good := map[string]string{"": "", "Core": "Core", "Essential": "Essentials"}[in.Tier]
	if !good {
		errorf(w, "Tier must be one of: Core, Essential")
		return
	}
	s.update(w, pathID(r), in, tier, func(e *environment) any { return e.v1() })
}

func (s *Sim) update(w http.ResponseWriter, id int, in envInput, tier string, render func(*environment) any) {
	s.mu.Lock()
	e, ok := s.data.envs[id]
	if ok {
		if in.Name != nil {
			e.Name = strings.TrimSpace(*in.Name)
		}
		if in.Description != nil {
			e.Description = *in.Description
		}
		if in.hasParent {
			e.Parent = in.Parent
		}
		if in.Status != nil {
			e.Status = *in.Status
		}
		if in.ShortName != "" {
			e.ShortName = in.ShortName
		}
		if tier != "" {
			e.Tier = tier
		}
		e.UpdatedOn = time.Now()
	}
	var out any
	if ok {
		out = render(e)
	}
	s.mu.Unlock()
	if !ok {
		failure(w, http.StatusNotFound, "Enitity not found")
		return
	}
	simkit.WriteJSON(w, http.StatusOK, out)
}

func (s *Sim) v1ListInspectors(w http.ResponseWriter, r *http.Request) {
	var rows []map[string]any
	for _, i := range inspectors {
		rows = append(rows, map[string]any{"ID": i.ID, "Name": i.Name, "Alias": i.Alias, "Published": true, "Author": "Liongard, Inc.", "PublishedStatus": "production"})
	}
	project(w, r, rows)
}

func (s *Sim) v1ListLaunchpoints(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var rows []map[string]any
	for _, lp := range s.data.lps {
		e := s.data.envs[lp.Environment]
		rows = append(rows, map[string]any{"ID": lp.ID, "Environment": map[string]any{"ID": e.ID, "Name": e.Name},
			"EnvironmentID": e.ID, "Inspector": lp.Inspector, "Alias": lp.Alias, "Enabled": lp.Enabled, "Visible": true,
			"Status": "Active", "FreqType": "days", "FreqInterval": 1})
	}
	s.mu.Unlock()
	project(w, r, rows)
}

func (s *Sim) v1ListSystems(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var rows []map[string]any
	for _, sy := range s.data.systems {
		e := s.data.envs[sy.Environment]
		rows = append(rows, map[string]any{"ID": sy.ID, "Environment": e.trimmed(), "Launchpoint": map[string]any{"ID": sy.Launchpoint},
			"Inspector": sy.Inspector, "UniqueCompositeKey": fmt.Sprintf("%d-%d", e.ID, sy.ID), "Name": sy.Name,
			"Description": "", "Status": 1, "Visible": true})
	}
	s.mu.Unlock()
	project(w, r, rows)
}

func (s *Sim) v1ListTasks(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var rows []map[string]any
	for _, t := range s.data.tasks {
		e := s.data.envs[t.Environment]
		rows = append(rows, map[string]any{"ID": t.ID, "Environment": e.trimmed(), "CommonID": t.CommonID, "Category": nil,
			"Name": t.Name, "Description": t.Description, "Source": "Roar", "Owner": nil, "PercentComplete": 0, "AutoClose": 1,
			"Priority":    map[string]any{"ID": 60 + len(t.Priority), "Entity": "Task", "Table": "Priority", "Name": t.Priority, "Reserved": strings.ToLower(t.Priority)},
			"Status":      map[string]any{"ID": 14, "Entity": "Task", "Table": "Status", "Name": t.Status, "Reserved": strings.ToLower(t.Status)},
			"Rule":        map[string]any{"ID": 1200 + int(h(t.Rule)%100), "Name": t.Rule, "Title": t.Rule},
			"Launchpoint": map[string]any{"ID": t.Launchpoint}, "Visible": true, "CreatedOn": stamp(t.CreatedOn), "ExternalID": t.ExternalID})
	}
	s.mu.Unlock()
	project(w, r, rows)
}

func (s *Sim) v2ListEnvironments(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var rows []map[string]any
	for _, e := range s.sortedEnvs() {
		rows = append(rows, e.v2())
	}
	s.mu.Unlock()
	if rows == nil {
		rows = []map[string]any{}
	}
	items, p := page(rows, queryInt(r, "page", "Page"), queryInt(r, "pageSize", "PageSize"))
	ok(w, items, p)
}

// count answers v1's bare-integer counts.
func (s *Sim) count(of func(*data) int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		n := of(s.data)
		s.mu.Unlock()
		simkit.WriteJSON(w, http.StatusOK, n)
	}
}

func (s *Sim) v2CountEnvironments(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	n := len(s.data.envs)
	s.mu.Unlock()
	ok(w, n, nil)
}

func (s *Sim) v2GetEnvironment(w http.ResponseWriter, r *http.Request) {
	if out, found := s.environment(w, r, (*environment).v2); found {
		ok(w, []map[string]any{out}, nil)
	}
}

// v2CreateEnvironment takes EnvironmentAdd; Tier is "Core" or v2's "Essentials".
func (s *Sim) v2CreateEnvironment(w http.ResponseWriter, r *http.Request) {
	in, good := readEnv(w, r)
	if !good {
		return
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		errorf(w, "Name is required")
		return
	}
	if in.Description == nil {
		empty := ""
		in.Description = &empty
	}
	tier, valid := map[string]string{"": "Core", "Core": "Core", "Essentials": "Essentials"}[in.Tier]
	if !valid {
		errorf(w, "Tier must be one of: Core, Essentials")
		return
	}
	e := s.create(in, tier)
	s.mu.Lock()
	out := e.v2()
	s.mu.Unlock()
	ok(w, []map[string]any{out}, nil)
}

// v2BulkCreateEnvironments takes an array of EnvironmentAdd and creates
// all or none. The answer is one {Success, Data:[…]} object, the created
// environments in the order sent, as clients in the wild read it
// (api-facts §6; the OAS copies say an array of such objects).
func (s *Sim) v2BulkCreateEnvironments(w http.ResponseWriter, r *http.Request) {
	var items []envInput
	if !decode(w, r, &items) {
		return
	}
	if len(items) == 0 {
		errorf(w, "At least one environment is required")
		return
	}
	tiers := make([]string, len(items))
	for i, in := range items {
		if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
			errorf(w, "[%d] Name is required", i)
			return
		}
		tier, valid := map[string]string{"": "Core", "Core": "Core", "Essentials": "Essentials"}[in.Tier]
		if !valid {
			errorf(w, "[%d] Tier must be one of: Core, Essentials", i)
			return
		}
		tiers[i] = tier
		if in.Description == nil {
			empty := ""
			items[i].Description = &empty
		}
	}
	out := make([]map[string]any, len(items))
	for i, in := range items {
		e := s.create(in, tiers[i])
		s.mu.Lock()
		out[i] = e.v2()
		s.mu.Unlock()
	}
	ok(w, out, nil)
}

func (s *Sim) v2UpdateEnvironment(w http.ResponseWriter, r *http.Request) {
	in, good := readEnv(w, r)
	if !good {
		return
	}
	tier, valid := map[string]string{"": "", "Core": "Core", "Essentials": "Essentials"}[in.Tier]
	if !valid {
		errorf(w, "Tier must be one of: Core, Essentials")
		return
	}
	s.update(w, pathID(r), in, tier, func(e *environment) any {
		return map[string]any{"Success": true, "Data": []map[string]any{e.v2()}}
	})
}

func (s *Sim) v2ListGroups(w http.ResponseWriter, r *http.Request) {
	want := map[int]bool{}
	for _, id := range strings.Split(r.URL.Query().Get("ids"), ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(id)); err == nil {
			want[n] = true
		}
	}
	s.mu.Lock()
	out := []group{}
	for _, g := range s.data.groups {
		if len(want) == 0 || want[g.ID] {
			out = append(out, *g)
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	items, p := page(out, queryInt(r, "page"), queryInt(r, "pageSize"))
	ok(w, items, p)
}

func (s *Sim) readGroup(w http.ResponseWriter, r *http.Request) (group, bool) {
	var g group
	if !decode(w, r, &g) {
		return g, false
	}
	if strings.TrimSpace(g.Name) == "" {
		errorf(w, "Name is required")
		return g, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range g.Environments {
		if _, ok := s.data.envs[id]; !ok {
			failure(w, http.StatusBadRequest, fmt.Sprintf("Environment %d does not exist", id))
			return g, false
		}
	}
	if g.Environments == nil {
		g.Environments = []int{}
	}
	return g, true
}

func (s *Sim) v2CreateGroup(w http.ResponseWriter, r *http.Request) {
	g, good := s.readGroup(w, r)
	if !good {
		return
	}
	s.mu.Lock()
	g.ID = s.data.nextGroup
	s.data.nextGroup++
	s.data.groups[g.ID] = &g
	s.mu.Unlock()
	ok(w, g, nil)
}

func (s *Sim) v2UpdateGroup(w http.ResponseWriter, r *http.Request) {
	g, good := s.readGroup(w, r)
	if !good {
		return
	}
	s.mu.Lock()
	cur, found := s.data.groups[pathID(r)]
	if found {
		g.ID = cur.ID
		*cur = g
	}
	s.mu.Unlock()
	if !found {
		failure(w, http.StatusNotFound, "Enitity not found")
		return
	}
	ok(w, g, nil)
}
