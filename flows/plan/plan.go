// Package plan is the onboarding plan kind's producer: it turns the path,
// the source of truth, the fetched inventories and the review's decisions
// into an ordered list of actions — records to create, records to group,
// links to set, and the links only a vendor's console can make. Each
// action has a key that any later plan wanting the same change gives it
// too, so what an earlier plan did is never done again. A plan keeps a
// fingerprint of what it was made from, and is stale once that changes.
//
// What each vendor needs (a Liongard tier, Hudu's matchers, HaloPSA's IT
// Glue link) is its adapter's; the path says which links it sets.
package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
)

// Producer makes onboarding plans for a profile.
type Producer struct{ Env onboard.Env }

// New is the onboarding producer of a profile.
func New(env onboard.Env) Producer { return Producer{Env: env} }

// Kind is onboarding.
func (Producer) Kind() change.PlanKind { return change.Onboarding }

// Env is what making a plan needs.
type Env struct {
	Onboard onboard.Env
	Actor   string
}

// Make makes an onboarding plan and stores it (flows/apply refuses while
// an apply runs or left calls in doubt). The plan may have no actions:
// nothing to do.
func Make(ctx context.Context, env Env) (store.Plan, []store.Action, error) {
	return apply.Make(ctx, apply.EnvOf(env.Onboard.Store, env.Onboard.Profile, env.Onboard.Clients), New(env.Onboard), env.Actor)
}

// Stale says what changed since an onboarding plan was made.
func Stale(ctx context.Context, e onboard.Env, p store.Plan) ([]string, error) {
	return New(e).Stale(ctx, p)
}

// inputs is everything a plan is made from, read once.
type inputs struct {
	onboarding store.Onboarding
	plan       onboard.Plan
	pairs      []review.Pair
	records    map[string]map[string]store.InventoryRecord // system -> id -> record
	decisions  map[string][]store.Decision                 // pair -> rows
	done       map[change.Key]string                       // key -> external id, from earlier plans
	parts      map[string]string                           // part -> digest:count
}

// Produce builds a plan from the stored inputs (and, for Hudu, the
// integration matchers as they are now).
func (p Producer) Produce(ctx context.Context) (change.Proposal, error) {
	in, err := gather(ctx, p.Env, 0)
	if err != nil {
		return change.Proposal{}, err
	}
	b := &builder{in: in, clients: p.Env.Clients, keys: map[change.Key]bool{}}
	if err := b.build(ctx); err != nil {
		return change.Proposal{}, err
	}
	return change.Proposal{Path: string(in.plan.Path), Source: in.plan.Source, Inputs: in.parts, Notes: b.notes, Actions: b.actions}, nil
}

// Stale says what changed since the plan was made; nothing means the plan
// still holds.
func (p Producer) Stale(ctx context.Context, pl store.Plan) ([]string, error) {
	in, err := gather(ctx, p.Env, pl.ID)
	if err != nil {
		return nil, err
	}
	var changed []string
	parts := make([]string, 0, len(pl.Inputs)+len(in.parts))
	seen := map[string]bool{}
	for k := range pl.Inputs {
		parts, seen[k] = append(parts, k), true
	}
	for k := range in.parts {
		if !seen[k] {
			parts = append(parts, k)
		}
	}
	sort.Strings(parts)
	for _, part := range parts {
		if strings.HasPrefix(part, snapshotPrefix) {
			continue
		}
		was, now := pl.Inputs[part], in.parts[part]
		if was != now {
			said := describeChange(part, was, now)
			if named := namedChanges(pl.Inputs[snapshotPrefix+part], in.parts[snapshotPrefix+part]); named != "" {
				said += ": " + named
			}
			changed = append(changed, said)
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
		name := adapter.InfoOf(what).Records
		if count(was) != count(now) {
			return fmt.Sprintf("the %s were fetched again and changed (%s → %s)", name, count(was), count(now))
		}
		return fmt.Sprintf("the %s were fetched again and changed", name)
	case "decisions":
		if l, r, ok := strings.Cut(what, ":"); ok {
			what = review.NewPair(l, r).Title()
		}
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
		op.Source = path.Hub
	}
	in := &inputs{onboarding: o, plan: op, pairs: review.PairsFor(op.Systems, op.Source),
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
		snap := make([]snapshotEntry, len(recs))
		for i, r := range recs {
			extra, _ := json.Marshal(r.Extra)
			snap[i] = snapshotEntry{ID: r.ExternalID, Name: r.Name, Body: fmt.Sprintf("%s\x1f%s\x1f%t\x1f%s", r.Name, r.Domain, r.Inactive, extra)}
		}
		if enc, ok := encodeSnapshot(snap); ok {
			in.parts[snapshotPrefix+"inventory:"+sys] = enc
		}
	}
	for _, p := range in.pairs {
		ds, err := e.Store.Decisions(ctx, e.Profile, p.ID)
		if err != nil {
			return nil, err
		}
		in.decisions[p.ID] = ds
		var text strings.Builder
		snap := make([]snapshotEntry, len(ds))
		for i, d := range ds {
			fmt.Fprintf(&text, "%s\x1f%s\x1f%s\x1e", d.Left.ID, d.Right.ID, d.State)
			snap[i] = snapshotEntry{ID: d.Left.ID, Name: d.Left.Name, Body: d.Right.ID + "\x1f" + d.State, Shown: d.State}
		}
		in.parts["decisions:"+p.ID] = digest(text.String(), len(ds))
		if enc, ok := encodeSnapshot(snap); ok {
			in.parts[snapshotPrefix+"decisions:"+p.ID] = enc
		}
	}
	if in.done, err = e.Store.DoneKeys(ctx, e.Profile, change.Onboarding, except); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(in.done))
	for k := range in.done {
		keys = append(keys, string(k))
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
	actions []change.Draft
	keys    map[change.Key]bool
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

// add keeps an action unless this plan has it or an earlier plan did it.
func (b *builder) add(d change.Draft) {
	if b.keys[d.Key] {
		return
	}
	if _, done := b.in.done[d.Key]; done {
		return
	}
	b.keys[d.Key] = true
	b.actions = append(b.actions, d)
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
			b.notes = append(b.notes, remedy.Note(fmt.Sprintf("%d %s are not decided yet and are left out", n, adapter.InfoOf(p.Left).Records),
				remedy.Remedy{Do: remedy.DecideLinks, Workflow: string(change.Onboarding), Arg: p.ID}))
		}
		if n := len(b.in.decisions[p.ID]); n == 0 {
			b.notes = append(b.notes, remedy.Note(fmt.Sprintf("nothing to plan for %s: no review yet", p.ID),
				remedy.Remedy{Do: remedy.DecideLinks, Workflow: string(change.Onboarding), Arg: p.ID}))
		}
	}
	b.group()
	for _, l := range path.Links(b.in.plan.Path, b.in.plan.DocsTool) {
		if b.secondFeed(l) && b.in.onboarding.Settings.HuduFeeds != store.HuduFeedBoth {
			if b.in.onboarding.Settings.HuduFeeds == "" {
				b.note("Path C feeds Hudu from Liongard, so Hudu's HaloPSA matchers are left as they are until you choose what feeds Hudu: " +
					"Liongard alone (--hudu-feeds liongard), or HaloPSA's companies, contacts and tickets too (--hudu-feeds both: two feeds into one " +
					"company, the guide's \"multiple data paths\", kept apart by hand). The wizard's plan screen: f")
			}
			continue
		}
		if err := b.link(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

// secondFeed says whether a link makes a second feed into Hudu: on path
// C, where Liongard feeds Hudu, the links in Hudu's HaloPSA integration.
func (b *builder) secondFeed(l path.Link) bool {
	return b.in.plan.Path == path.C && l.Holder == "hudu" && l.Toward == "halopsa"
}

func (b *builder) create(p review.Pair, d store.Decision) {
	left := b.in.records[p.Left][d.Left.ID]
	rec := adapter.NewRecord{Name: d.Left.Name, Website: left.Domain}
	var detail []string
	if c, err := b.clients.Companies(p.Right); err == nil {
		if prep, ok := c.(adapter.Preparer); ok {
			rec, detail = prep.Prepare(b.in.onboarding, rec)
		}
	}
	info := adapter.InfoOf(p.Right)
	summary := fmt.Sprintf("create %s %q for %s %s", info.Record, rec.Name, adapter.InfoOf(p.Left).Record, d.Left.ID)
	if len(detail) > 0 {
		summary += " (" + strings.Join(detail, ", ") + ")"
	}
	var warnings []string
	existing := b.sameName(p.Right, rec.Name)
	if len(existing) > 0 {
		warning := fmt.Sprintf("%s already has %d of that name", info.Name, len(existing))
		summary += " — " + warning
		warnings = append(warnings, warning+": this makes a second one")
	}
	b.add(change.Draft{Kind: change.Create, System: p.Right, Target: d.Left.System + "/" + d.Left.ID, Key: change.CreateKey(p.Right, d.Left),
		Summary: summary, Warnings: warnings, Payload: change.CreatePayload{Record: rec, For: d.Left, Pair: p.ID, Existing: existing}})
}

// group puts the records this plan creates in the group the settings
// name, in each system that keeps groups (Liongard's Environment Groups).
func (b *builder) group() {
	for _, system := range b.in.plan.Systems {
		c, err := b.clients.Companies(system)
		if err != nil {
			continue
		}
		g, ok := c.(adapter.Grouper)
		if !ok {
			continue
		}
		name, what := g.Group(b.in.onboarding)
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		var creates []change.Key
		for _, a := range b.actions {
			if a.Kind == change.Create && a.System == system {
				creates = append(creates, a.Key)
			}
		}
		if len(creates) == 0 {
			continue
		}
		joined := make([]string, len(creates))
		for i, k := range creates {
			joined[i] = string(k)
		}
		sum := sha256.Sum256([]byte(strings.Join(joined, "\x1e")))
		b.add(change.Draft{Kind: change.Group, System: system, Target: "group/" + name,
			Key:     change.NewKey(change.Group, system, adapter.NameKey(name)+":"+hex.EncodeToString(sum[:6])),
			Summary: fmt.Sprintf("put the %d new %s in the %s %q", len(creates), adapter.InfoOf(system).Records, what, name),
			Depends: creates, Payload: change.GroupPayload{Group: name, Creates: creates}})
	}
}

// link asks the holding system's adapter for the links a path sets.
func (b *builder) link(ctx context.Context, l path.Link) error {
	src := b.in.plan.Source
	toward := l.Toward
	if l.ToSource {
		toward = src
	}
	a, err := adapter.Lookup(l.Holder)
	if err != nil {
		return err
	}
	linker, ok := a.(adapter.Linker)
	if !ok {
		return nil
	}
	req := adapter.LinkRequest{Toward: toward, Source: src, Onboarding: b.in.onboarding, Records: b.in.records}
	if l.Holder != src {
		req.HolderPair = review.NewPair(src, l.Holder).ID
	}
	if toward != src {
		req.TowardPair = review.NewPair(src, toward).ID
	}
	req.Rows = b.rows(req.HolderPair, req.TowardPair, l.Holder, toward)
	lp, err := linker.Links(ctx, b.clients, req)
	if err != nil {
		return err
	}
	fed := map[string]bool{} // source records Liongard feeds too
	if b.secondFeed(l) {
		for _, d := range b.in.decisions[review.NewPair(src, "liongard").ID] {
			if d.State == store.StateCreate || (d.State == store.StateAccepted || d.State == store.StateRemapped) && d.Right.ID != "" {
				fed[d.Left.ID] = true
			}
		}
	}
	for _, d := range lp.Actions {
		// A HaloPSA matcher's sync id is its HaloPSA client's id.
		if p, ok := d.Payload.(change.LinkPayload); ok && fed[p.SyncID] {
			d.Warnings = append(d.Warnings, "this Hudu company is fed by Liongard too: keep HaloPSA's asset sync off, or sort-ruled away from the layouts Liongard fills")
		}
		b.add(d)
	}
	b.notes = append(b.notes, lp.Notes...)
	return nil
}

// rows joins the review's decisions of the holder's and the toward
// system's pairs on the source record, in the order of the holder's.
func (b *builder) rows(holderPair, towardPair, holder, toward string) []adapter.LinkRow {
	byLeft := map[string]int{}
	var rows []adapter.LinkRow
	row := func(d store.Decision) *adapter.LinkRow {
		i, ok := byLeft[d.Left.ID]
		if !ok {
			i = len(rows)
			byLeft[d.Left.ID] = i
			self := adapter.Ref{OK: true, ID: d.Left.ID, Name: d.Left.Name}
			r := adapter.LinkRow{Source: d.Left}
			if holderPair == "" {
				r.Holder = self
			}
			if towardPair == "" {
				r.Toward = self
			}
			rows = append(rows, r)
		}
		return &rows[i]
	}
	if holderPair != "" {
		for _, d := range b.in.decisions[holderPair] {
			row(d).Holder = b.ref(holder, d)
		}
	}
	if towardPair != "" {
		for _, d := range b.in.decisions[towardPair] {
			row(d).Toward = b.ref(toward, d)
		}
	}
	return rows
}

// ref is the record a decision points to: an existing id, or the key of
// the create action that makes it (with its id if an earlier plan did).
func (b *builder) ref(system string, d store.Decision) adapter.Ref {
	switch d.State {
	case store.StateAccepted, store.StateRemapped:
		return adapter.Ref{OK: d.Right.ID != "", ID: d.Right.ID, Name: d.Right.Name}
	case store.StateCreate:
		key := change.CreateKey(system, d.Left)
		if ext, done := b.in.done[key]; done && ext != "" {
			return adapter.Ref{OK: true, ID: ext, Name: d.Left.Name, Created: true}
		}
		return adapter.Ref{OK: true, From: key, Name: d.Left.Name, Created: true}
	}
	return adapter.Ref{}
}

// Remake is the command that makes a fresh onboarding plan.
func (Producer) Remake() string { return "mspwire plan" }
