// Package plan turns the path, the source of truth, the fetched
// inventories and the review's decisions into an ordered list of sync
// actions: records to create, Liongard environments to group, links to
// set, and the links only a vendor's console can make. Each action has a
// key that any later plan wanting the same change gives it too, so what
// an earlier plan did is never done again. A plan keeps a fingerprint of
// what it was made from, and is refused as stale once that changes.
package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/systems"
	"github.com/mspwire/mspwire/store"
)

// Action kinds.
const (
	KindCreate    = "create"    // make a record in a system for a record of the source
	KindGroup     = "group"     // put Liongard environments in an Environment Group
	KindLink      = "link"      // link a record to another system's (Hudu matcher, HaloPSA's IT Glue id)
	KindChecklist = "checklist" // a link only the vendor's console can make: onto the checklist
)

// Link fields: what a link action sets.
const (
	LinkMatcher = "hudu_matcher" // a Hudu integration matcher's company_id
	LinkITGlue  = "itglue_id"    // a HaloPSA client's IT Glue organization
)

// CreatePayload is a create action's payload.
type CreatePayload struct {
	Record adapter.NewRecord `json:"record"`
	For    store.RecordRef   `json:"for"` // the source record it is made for
	Pair   string            `json:"pair"`
	// Existing are records of the same name the system already had when
	// the plan was made: never taken for the one this action made.
	Existing []string `json:"existing,omitempty"`
}

// GroupPayload is a group action's payload: the environments are the ones
// the named create actions made.
type GroupPayload struct {
	Group   string   `json:"group"`
	Creates []string `json:"creates"`
}

// LinkPayload is a link action's payload: set Field of Target to Value.
// Target or Value may be a record this plan creates: then the id the
// create action TargetFrom or ValueFrom made.
type LinkPayload struct {
	Field       string `json:"field"`
	Target      string `json:"target,omitempty"` // a Hudu matcher's id, a HaloPSA client's id
	TargetFrom  string `json:"target_from,omitempty"`
	Integration int    `json:"integration,omitempty"` // Hudu's integration id
	SyncID      string `json:"sync_id,omitempty"`     // the matcher's record in the integration
	Value       string `json:"value,omitempty"`
	ValueFrom   string `json:"value_from,omitempty"`
	ValueName   string `json:"value_name"`
}

// ChecklistPayload is what the operator is asked to do.
type ChecklistPayload struct {
	System string   `json:"system"`
	Reason string   `json:"reason"`
	Items  []string `json:"items"`
}

// ErrInterrupted means an earlier apply left calls that may have landed.
var ErrInterrupted = errors.New("an apply was interrupted")

// Env is what making a plan needs.
type Env struct {
	Onboard onboard.Env
	Actor   string
}

// inputs is everything a plan is made from, read once.
type inputs struct {
	onboarding store.Onboarding
	plan       onboard.Plan
	pairs      []review.Pair
	records    map[string]map[string]store.InventoryRecord // system -> id -> record
	decisions  map[string][]store.Decision                 // pair -> rows
	done       map[string]string                           // key -> external id, from earlier plans
	parts      map[string]string                           // part -> digest:count
}

// Make builds a plan from the stored inputs (and, for Hudu, the
// integration matchers as they are now) and stores it. The plan may have
// no actions: nothing to do.
func Make(ctx context.Context, env Env) (store.Plan, []store.Action, error) {
	busy, err := env.Onboard.Store.InFlight(ctx, env.Onboard.Profile)
	if err != nil {
		return store.Plan{}, nil, err
	}
	if len(busy) > 0 {
		return store.Plan{}, nil, fmt.Errorf("%w: plan %d was interrupted with calls that may have landed; run mspwire apply first, it looks them up before a new plan is made",
			ErrInterrupted, busy[len(busy)-1])
	}
	in, err := gather(ctx, env.Onboard, 0)
	if err != nil {
		return store.Plan{}, nil, err
	}
	b := &builder{in: in, clients: env.Onboard.Clients, keys: map[string]bool{}}
	if err := b.build(ctx); err != nil {
		return store.Plan{}, nil, err
	}
	p := store.Plan{Profile: env.Onboard.Profile, Path: string(in.plan.Path), Source: in.plan.Source, Inputs: in.parts,
		Notes: b.notes, CreatedBy: env.Actor}
	id, err := env.Onboard.Store.SavePlan(ctx, p, b.actions)
	if err != nil {
		return p, nil, err
	}
	p, err = env.Onboard.Store.PlanByID(ctx, env.Onboard.Profile, id)
	if err != nil {
		return p, nil, err
	}
	actions, err := env.Onboard.Store.Actions(ctx, id)
	return p, actions, err
}

// Stale says what changed since the plan was made; nothing means the plan
// still holds.
func Stale(ctx context.Context, e onboard.Env, p store.Plan) ([]string, error) {
	in, err := gather(ctx, e, p.ID)
	if err != nil {
		return nil, err
	}
	var changed []string
	parts := make([]string, 0, len(p.Inputs)+len(in.parts))
	seen := map[string]bool{}
	for k := range p.Inputs {
		parts, seen[k] = append(parts, k), true
	}
	for k := range in.parts {
		if !seen[k] {
			parts = append(parts, k)
		}
	}
	sort.Strings(parts)
	for _, part := range parts {
		was, now := p.Inputs[part], in.parts[part]
		if was != now {
			changed = append(changed, describeChange(part, was, now))
		}
	}
	return changed, nil
}

// describeChange names a changed input the way an operator thinks of it.
func describeChange(part, was, now string) string {
	count := func(d string) string {
		if _, n, ok := strings.Cut(d, ":"); ok {
			return n
		}
		return "0"
	}
	kind, what, _ := strings.Cut(part, ":")
	switch kind {
	case "inventory":
		name := what
		if sys, err := systems.Lookup(what); err == nil {
			name = sys.Records
		}
		if count(was) != count(now) {
			return fmt.Sprintf("the %s were fetched again and changed (%s → %s)", name, count(was), count(now))
		}
		return fmt.Sprintf("the %s were fetched again and changed", name)
	case "decisions":
		return fmt.Sprintf("review decisions for %s changed", what)
	case "journal":
		return "another plan was applied since (" + count(was) + " → " + count(now) + " actions done)"
	}
	return "the " + strings.ReplaceAll(part, "_", " ") + " changed"
}

// gather reads the inputs; the journal part leaves out the actions of the
// plan except (a plan's own progress does not make it stale).
func gather(ctx context.Context, e onboard.Env, except int64) (*inputs, error) {
	o, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return nil, err
	}
	op, err := e.Plan(ctx)
	if err != nil {
		return nil, err
	}
	if op.Source == "" {
		op.Source = "halopsa"
	}
	in := &inputs{onboarding: o, plan: op, pairs: review.PairsFor(op.Path, op.DocsTool, op.Source),
		records: map[string]map[string]store.InventoryRecord{}, decisions: map[string][]store.Decision{}, parts: map[string]string{}}
	settings, _ := json.Marshal(struct {
		Path, Source, Docs string
		Statuses, Types    []string
		Settings           store.PlanSettings
	}{string(op.Path), op.Source, op.DocsTool, o.ITGlueStatuses, o.ITGlueTypes, planOnly(o.Settings)})
	in.parts["settings"] = digest(string(settings), 1)
	for _, sys := range op.Systems {
		recs, err := e.Store.Records(ctx, e.Profile, sys)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]store.InventoryRecord, len(recs))
		var text strings.Builder
		for _, r := range recs {
			byID[r.ExternalID] = r
			extra, _ := json.Marshal(r.Extra)
			fmt.Fprintf(&text, "%s\x1f%s\x1f%s\x1f%t\x1f%s\x1e", r.ExternalID, r.Name, r.Domain, r.Inactive, extra)
		}
		in.records[sys] = byID
		in.parts["inventory:"+sys] = digest(text.String(), len(recs))
	}
	for _, p := range in.pairs {
		ds, err := e.Store.Decisions(ctx, e.Profile, p.ID)
		if err != nil {
			return nil, err
		}
		in.decisions[p.ID] = ds
		var text strings.Builder
		for _, d := range ds {
			fmt.Fprintf(&text, "%s\x1f%s\x1f%s\x1e", d.Left.ID, d.Right.ID, d.State)
		}
		in.parts["decisions:"+p.ID] = digest(text.String(), len(ds))
	}
	if in.done, err = e.Store.DoneKeys(ctx, e.Profile, except); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(in.done))
	for k := range in.done {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	in.parts["journal"] = digest(strings.Join(keys, "\x1e"), len(keys))
	return in, nil
}

// planOnly is the settings a plan is made from: doctor's layout roles
// change no plan.
func planOnly(s store.PlanSettings) store.PlanSettings {
	s.HuduLayouts = nil
	return s
}

func digest(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8]) + ":" + strconv.Itoa(n)
}

// builder collects a plan's actions in order: creates, groups, links,
// checklist items.
type builder struct {
	in      *inputs
	clients *adapter.Clients
	actions []store.Action
	keys    map[string]bool
	notes   []string
	names   map[string]map[string][]string // system -> name key -> ids, built when first needed
}

// sameName lists a system's records whose name is name.
func (b *builder) sameName(system, name string) []string {
	if b.names == nil {
		b.names = map[string]map[string][]string{}
	}
	idx, ok := b.names[system]
	if !ok {
		idx = map[string][]string{}
		for id, r := range b.in.records[system] {
			k := adapter.NameKey(r.Name)
			idx[k] = append(idx[k], id)
		}
		for _, ids := range idx {
			sort.Strings(ids)
		}
		b.names[system] = idx
	}
	return idx[adapter.NameKey(name)]
}

func (b *builder) add(a store.Action, payload any) {
	if b.keys[a.Key] {
		return
	}
	if _, done := b.in.done[a.Key]; done {
		return
	}
	raw, _ := json.Marshal(payload)
	a.Payload = raw
	a.State = store.ActionPending
	b.keys[a.Key] = true
	b.actions = append(b.actions, a)
}

func (b *builder) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

func (b *builder) build(ctx context.Context) error {
	undecided := map[string]int{}
	for _, p := range b.in.pairs {
		for _, d := range b.in.decisions[p.ID] {
			switch d.State {
			case store.StateCreate:
				b.create(p, d)
			case store.StateSuggested, store.StateRejected:
				undecided[p.ID]++
			}
		}
	}
	for _, p := range b.in.pairs {
		if n := undecided[p.ID]; n > 0 {
			b.note("%d %s are not decided yet and are left out (mspwire match list --pair %s --state todo)", n, recordsOf(p.Left), p.ID)
		}
		if n := len(b.in.decisions[p.ID]); n == 0 {
			b.note("nothing to plan for %s: no review yet (mspwire match suggest)", p.ID)
		}
	}
	b.group()
	for _, p := range b.in.pairs {
		var err error
		switch {
		case p.Right == "hudu":
			err = b.huduMatchers(ctx, p, b.in.onboarding.Settings.HuduHaloPSAIntegration, "HaloPSA", func(d store.Decision) (string, bool) {
				return d.Left.ID, p.Left == "halopsa"
			})
		case p.Right == "itglue" && b.in.plan.Path == path.A:
			b.itglueLinks(p)
		case p.Left == "itglue" && p.Right == "halopsa" && b.in.plan.Path == path.A:
			b.itglueLinks(p)
		}
		if err != nil {
			return err
		}
	}
	if b.in.plan.Path == path.C {
		if err := b.liongardMatchers(ctx); err != nil {
			return err
		}
	}
	b.checklists()
	return nil
}

func recordsOf(system string) string {
	if sys, err := systems.Lookup(system); err == nil {
		return sys.Records
	}
	return system
}

func recordOf(system string) string {
	if sys, err := systems.Lookup(system); err == nil {
		return sys.Record
	}
	return system
}

func nameOf(system string) string {
	if sys, err := systems.Lookup(system); err == nil {
		return sys.Name
	}
	return system
}

// createKey is the key of the action that makes system's counterpart of
// a source record: the same in every plan.
func createKey(system string, of store.RecordRef) string {
	return "create:" + system + ":for:" + of.System + "/" + of.ID
}

func (b *builder) create(p review.Pair, d store.Decision) {
	left := b.in.records[p.Left][d.Left.ID]
	rec := adapter.NewRecord{Name: d.Left.Name, Website: left.Domain}
	var detail []string
	switch p.Right {
	case "liongard":
		rec.Tier = b.in.onboarding.Settings.LiongardTier
		if rec.Tier == "" {
			rec.Tier = "Core"
		}
		detail = append(detail, "tier "+rec.Tier)
	case "itglue":
		if s := b.in.onboarding.ITGlueStatuses; len(s) > 0 {
			rec.Status = s[0]
			detail = append(detail, "status "+rec.Status)
		}
		if t := b.in.onboarding.ITGlueTypes; len(t) > 0 {
			rec.Type = t[0]
			detail = append(detail, "type "+rec.Type)
		}
	}
	key := createKey(p.Right, d.Left)
	summary := fmt.Sprintf("create %s %q for %s %s", recordOf(p.Right), rec.Name, recordOf(p.Left), d.Left.ID)
	if len(detail) > 0 {
		summary += " (" + strings.Join(detail, ", ") + ")"
	}
	existing := b.sameName(p.Right, rec.Name)
	if len(existing) > 0 {
		summary += fmt.Sprintf(" — %s already has %d of that name", nameOf(p.Right), len(existing))
	}
	b.add(store.Action{Kind: KindCreate, System: p.Right, Target: d.Left.System + "/" + d.Left.ID, Key: key, Summary: summary},
		CreatePayload{Record: rec, For: d.Left, Pair: p.ID, Existing: existing})
}

// group puts the environments this plan creates in the chosen group.
func (b *builder) group() {
	name := strings.TrimSpace(b.in.onboarding.Settings.LiongardGroup)
	if name == "" {
		return
	}
	var creates []string
	for _, a := range b.actions {
		if a.Kind == KindCreate && a.System == "liongard" {
			creates = append(creates, a.Key)
		}
	}
	if len(creates) == 0 {
		return
	}
	sum := sha256.Sum256([]byte(strings.Join(creates, "\x1e")))
	b.add(store.Action{Kind: KindGroup, System: "liongard", Target: "group/" + name,
		Key:     "group:liongard:" + NameKeyOf(name) + ":" + hex.EncodeToString(sum[:6]),
		Summary: fmt.Sprintf("put the %d new Liongard environments in the Environment Group %q", len(creates), name),
		Depends: creates}, GroupPayload{Group: name, Creates: creates})
}

// NameKeyOf is a group or record name as keys carry it.
func NameKeyOf(name string) string { return adapter.NameKey(name) }

// target is the record a decision links to: an existing id, or the key of
// the create action that makes it (with its id if an earlier plan did).
func (b *builder) target(system string, d store.Decision, of store.RecordRef) (id, from, name string, ok bool) {
	switch d.State {
	case store.StateAccepted, store.StateRemapped:
		return d.Right.ID, "", d.Right.Name, d.Right.ID != ""
	case store.StateCreate:
		key := createKey(system, of)
		if ext, done := b.in.done[key]; done && ext != "" {
			return ext, "", of.Name, true
		}
		return "", key, of.Name, true
	}
	return "", "", "", false
}

// huduMatchers links each HaloPSA client's matcher in Hudu's HaloPSA
// integration to the Hudu company the review chose.
func (b *builder) huduMatchers(ctx context.Context, p review.Pair, integration int, integrator string, syncOf func(store.Decision) (string, bool)) error {
	matchers, integration, err := b.matchers(ctx, integration, integrator)
	if err != nil || matchers == nil {
		return err
	}
	missing := 0
	for _, d := range b.in.decisions[p.ID] {
		sync, ok := syncOf(d)
		if !ok {
			continue
		}
		id, from, name, ok := b.target("hudu", d, d.Left)
		if !ok {
			continue
		}
		m, found := matchers[sync]
		if !found {
			missing++
			continue
		}
		b.linkMatcher(m, integration, integrator, id, from, name)
	}
	if missing > 0 {
		b.note("%d HaloPSA clients have no matcher in Hudu's HaloPSA integration yet: run Hudu's sync, then plan again", missing)
	}
	return nil
}

func (b *builder) linkMatcher(m adapter.Matcher, integration int, integrator, id, from, name string) {
	if id != "" && m.CompanyID == id {
		return // already linked as decided
	}
	ref := id
	if from != "" {
		ref = from
	}
	summary := fmt.Sprintf("link Hudu's %s matcher %q to Hudu company %q", integrator, m.Name, name)
	if id != "" {
		summary += " (" + id + ")"
	} else {
		summary += " (created above)"
	}
	if m.CompanyID != "" {
		summary += ", replacing company " + m.CompanyID
	}
	var deps []string
	if from != "" {
		deps = []string{from}
	}
	b.add(store.Action{Kind: KindLink, System: "hudu", Target: "matcher/" + m.ID,
		Key:     fmt.Sprintf("link:hudu:matcher/%d/%s=%s", integration, m.SyncID, ref),
		Summary: summary, Depends: deps},
		LinkPayload{Field: LinkMatcher, Target: m.ID, Integration: integration, SyncID: m.SyncID, Value: id, ValueFrom: from, ValueName: name})
}

// matchers reads an integration's matchers, finding the integration's id
// first when the settings do not say it. No matchers (nil) leaves a note.
func (b *builder) matchers(ctx context.Context, integration int, integrator string) (map[string]adapter.Matcher, int, error) {
	if b.clients == nil {
		b.note("Hudu's %s matchers were not read: no vendor connection in this run", integrator)
		return nil, 0, nil
	}
	if integration <= 0 {
		id, err := b.clients.FindIntegration(ctx, integrator)
		if errors.Is(err, adapter.ErrNoIntegration) {
			b.note("links in Hudu's %s integration are left out: %v", integrator, err)
			return nil, 0, nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("reading Hudu's integrations: %w", err)
		}
		integration = id
	}
	ms, err := b.clients.Matchers(ctx, integration)
	if err != nil {
		return nil, 0, fmt.Errorf("reading Hudu's %s matchers: %w", integrator, err)
	}
	return ms, integration, nil
}

// liongardMatchers (path C) links each Liongard environment's matcher in
// Hudu's Liongard integration to the Hudu company of the same HaloPSA
// client.
func (b *builder) liongardMatchers(ctx context.Context) error {
	src := b.in.plan.Source
	toEnv, toHudu := map[string]store.Decision{}, map[string]store.Decision{}
	for _, d := range b.in.decisions[src+":liongard"] {
		toEnv[d.Left.ID] = d
	}
	for _, d := range b.in.decisions[src+":hudu"] {
		toHudu[d.Left.ID] = d
	}
	if len(toEnv) == 0 || len(toHudu) == 0 {
		return nil
	}
	matchers, integration, err := b.matchers(ctx, b.in.onboarding.Settings.HuduLiongardIntegration, "Liongard")
	if err != nil || matchers == nil {
		return err
	}
	ids := make([]string, 0, len(toEnv))
	for id := range toEnv {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	waiting, missing := 0, 0
	for _, leftID := range ids {
		envID, envFrom, _, ok := b.target("liongard", toEnv[leftID], toEnv[leftID].Left)
		hd, decided := toHudu[leftID]
		if !ok || !decided {
			continue
		}
		id, from, name, ok := b.target("hudu", hd, hd.Left)
		if !ok {
			continue
		}
		if envFrom != "" {
			waiting++ // the environment is made by this plan: Hudu has no matcher for it until its next sync
			continue
		}
		m, found := matchers[envID]
		if !found {
			missing++
			continue
		}
		b.linkMatcher(m, integration, "Liongard", id, from, name)
	}
	if waiting > 0 {
		b.note("%d Liongard environments this plan creates get their Hudu matchers at Hudu's next Liongard sync: plan again after it", waiting)
	}
	if missing > 0 {
		b.note("%d Liongard environments have no matcher in Hudu's Liongard integration yet: run Hudu's sync, then plan again", missing)
	}
	return nil
}

// itglueLinks (path A with IT Glue) sets each HaloPSA client's IT Glue
// organization, the link HaloPSA's IT Glue integration keeps.
func (b *builder) itglueLinks(p review.Pair) {
	for _, d := range b.in.decisions[p.ID] {
		var client, clientFrom, org, orgFrom, orgName string
		var ok bool
		if p.Left == "halopsa" {
			client = d.Left.ID
			org, orgFrom, orgName, ok = b.target("itglue", d, d.Left)
		} else {
			org, orgName, ok = d.Left.ID, d.Left.Name, true
			client, clientFrom, _, ok = b.target("halopsa", d, d.Left)
		}
		if !ok {
			continue
		}
		if clientFrom != "" {
			// The client is made by this plan; link it once it exists.
			b.addITGlueLink("", clientFrom, d.Left.Name, org, orgFrom, orgName)
			continue
		}
		if cur := b.in.records["halopsa"][client]; org != "" && fmt.Sprint(cur.Extra["itglue_id"]) == org {
			continue // already linked as decided
		}
		name := b.in.records["halopsa"][client].Name
		b.addITGlueLink(client, "", name, org, orgFrom, orgName)
	}
}

func (b *builder) addITGlueLink(client, clientFrom, clientName, org, orgFrom, orgName string) {
	target, ref := client, org
	var deps []string
	if clientFrom != "" {
		target = clientFrom
		deps = append(deps, clientFrom)
	}
	if orgFrom != "" {
		ref = orgFrom
		deps = append(deps, orgFrom)
	}
	b.add(store.Action{Kind: KindLink, System: "halopsa", Target: "client/" + target,
		Key:     "link:halopsa:client/" + target + ":itglue_id=" + ref,
		Summary: fmt.Sprintf("link HaloPSA client %q to IT Glue organization %q", clientName, orgName), Depends: deps},
		LinkPayload{Field: LinkITGlue, Target: client, TargetFrom: clientFrom, Value: org, ValueFrom: orgFrom, ValueName: orgName})
}

// checklists asks the operator to confirm the links only Liongard's
// console makes: Liongard has no API for its integration mappings.
func (b *builder) checklists() {
	src := b.in.plan.Source
	for _, p := range b.in.pairs {
		if p.Right != "liongard" {
			continue
		}
		linked, created := 0, 0
		for _, d := range b.in.decisions[p.ID] {
			switch d.State {
			case store.StateAccepted, store.StateRemapped:
				linked++
			case store.StateCreate:
				created++
			}
		}
		if linked+created == 0 {
			continue
		}
		where := "HaloPSA > Import & Mapping"
		if src == "itglue" {
			where = "IT Glue"
		}
		item := fmt.Sprintf("In Liongard, Admin > Integrations > %s, Map tab: check that %d environments are mapped to the %s "+
			"the review chose (%d matched, %d created by mspwire; mspwire match list --pair %s), then Save",
			where, linked+created, recordsOf(src), linked, created, p.ID)
		b.addChecklist(p.ID, item, "liongard")
	}
	if b.in.plan.Path == path.B {
		n := 0
		for _, d := range b.in.decisions[src+":itglue"] {
			if d.State == store.StateAccepted || d.State == store.StateRemapped || d.State == store.StateCreate {
				n++
			}
		}
		if n > 0 {
			item := fmt.Sprintf("In Liongard, Admin > Integrations > IT Glue, Map tab: check that %d environments are mapped to the IT Glue organizations "+
				"of the same %s (mspwire match list --pair %s:itglue)", n, recordOf(src), src)
			b.addChecklist(src+":itglue", item, "liongard")
		}
	}
}

func (b *builder) addChecklist(pair, item, system string) {
	sum := sha256.Sum256([]byte(item))
	b.add(store.Action{Kind: KindChecklist, System: system, Target: "console",
		Key:     "checklist:" + system + ":" + pair + ":" + hex.EncodeToString(sum[:6]),
		Summary: "onto the checklist (no API for it): " + item},
		ChecklistPayload{System: system, Reason: "plan", Items: []string{item}})
}
