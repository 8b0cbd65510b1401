// Package review is the company-match review, with no terminal in it: which
// system pairs the tenant's path needs, a row per record of the source of
// truth with mspwire's suggestion and the operator's decision, filters,
// counts, undo and bulk actions. The review screen, the `mspwire match`
// commands and the tests all drive this one model; every decision is in
// SQLite before a call returns.
package review

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/match"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/store"
)

// Pair is two systems whose records the review pairs up; the source of
// truth is on the left.
type Pair struct {
	ID          string `json:"id"` // "halopsa:liongard"
	Left, Right string `json:"-"`
}

// NewPair makes the pair of two system ids.
func NewPair(left, right string) Pair { return Pair{ID: left + ":" + right, Left: left, Right: right} }

// Title names the pair the way an operator says it.
func (p Pair) Title() string { return recordsOf(p.Left) + " ↔ " + recordsOf(p.Right) }

func recordsOf(system string) string { return adapter.InfoOf(system).Records }

// PairsFor is what a path's systems need matched: the source of truth
// against each other system. (Hudu's integration matchers follow from
// these: a matcher carries its HaloPSA client's or Liongard environment's
// id, so the plan links it to the company the review chose.)
func PairsFor(systems []string, source string) []Pair {
	if source == "" {
		source = path.Hub
	}
	var out []Pair
	for _, sys := range systems {
		if sys != source {
			out = append(out, NewPair(source, sys))
		}
	}
	return out
}

// Filter narrows the rows shown.
type Filter struct {
	Band        string // "", "exact", "strong", "review", or "none" (nothing suggested)
	State       string // "", a decision state, or "todo" (suggested or rejected)
	Text        string // in either name or id, any case
	Duplicates  bool   // only rows flagged as duplicates
	Stale       bool   // only stale rows
	HideDecided bool
}

// Counts are the review's totals for one pair.
type Counts struct {
	Total      int `json:"total"`
	Accepted   int `json:"accepted"` // accepted or re-mapped
	ToReview   int `json:"to_review"`
	New        int `json:"new"`
	Ignored    int `json:"ignored"`
	Stale      int `json:"stale"`
	Duplicates int `json:"duplicates"`
}

// String is the count line at the top of the screen.
func (c Counts) String() string {
	s := fmt.Sprintf("%s accepted · %s to review · %s new · %s ignored", thousands(c.Accepted), thousands(c.ToReview), thousands(c.New), thousands(c.Ignored))
	if c.Stale > 0 {
		s += fmt.Sprintf(" · %s stale", thousands(c.Stale))
	}
	if c.Duplicates > 0 {
		s += fmt.Sprintf(" · %s duplicates", thousands(c.Duplicates))
	}
	return s
}

// Model is one profile's review.
type Model struct {
	st      *store.Store
	profile string
	actor   string
	pairs   []Pair
	pair    Pair
	rows    map[string][]store.Decision // by pair, in display order
	where   map[int64][2]int            // row id -> index of its pair, index in it
	rights  map[string][]store.RecordRef
	filter  Filter
	view    []int // indexes into rows[pair.ID] that pass the filter
}

// ErrNoPath means the profile has no path yet, so nothing to review.
var ErrNoPath = remedy.Refuse("no integration path chosen yet", remedy.Remedy{Do: remedy.ChoosePath})

// Open reads the profile's review: its pairs, rows and the other systems'
// records. actor is who makes the decisions.
func Open(ctx context.Context, st *store.Store, profile, actor string) (*Model, error) {
	o, err := st.Onboarding(ctx, profile)
	if err != nil {
		return nil, err
	}
	if o.Path == "" {
		return nil, ErrNoPath
	}
	var a path.Answers
	_ = unmarshalAnswers(o.Answers, &a)
	systems, err := adapter.SystemsOf(ctx, st, profile, path.ID(o.Path), a.DocsTool)
	if err != nil {
		return nil, err
	}
	m := &Model{st: st, profile: profile, actor: actor, pairs: PairsFor(systems, o.Source)}
	if err := m.reload(ctx); err != nil {
		return nil, err
	}
	m.pair = m.pairs[0]
	m.refilter()
	return m, nil
}

// reload reads every pair's rows and the records a row may be re-mapped to.
func (m *Model) reload(ctx context.Context) error {
	all, err := m.st.Decisions(ctx, m.profile, "")
	if err != nil {
		return err
	}
	m.rows, m.where, m.rights = map[string][]store.Decision{}, map[int64][2]int{}, map[string][]store.RecordRef{}
	for _, d := range all {
		m.rows[d.Pair] = append(m.rows[d.Pair], d)
	}
	for pi, p := range m.pairs {
		for i, d := range m.rows[p.ID] {
			m.where[d.ID] = [2]int{pi, i}
		}
		if _, ok := m.rights[p.Right]; ok {
			continue
		}
		recs, err := m.st.Records(ctx, m.profile, p.Right)
		if err != nil {
			return err
		}
		refs := make([]store.RecordRef, len(recs))
		for i, r := range recs {
			refs[i] = store.RecordRef{System: p.Right, ID: r.ExternalID, Name: r.Name}
		}
		m.rights[p.Right] = refs
	}
	return nil
}

// Pairs are the pairs this profile's path needs, in order.
func (m *Model) Pairs() []Pair { return m.pairs }

// Pair is the pair in view.
func (m *Model) Pair() Pair { return m.pair }

// SetPair puts another pair in view, keeping the filter.
func (m *Model) SetPair(id string) error {
	for _, p := range m.pairs {
		if p.ID == id {
			m.pair = p
			m.refilter()
			return nil
		}
	}
	var ids []string
	for _, p := range m.pairs {
		ids = append(ids, p.ID)
	}
	return fmt.Errorf("pair %q is not one this path needs; its pairs are %s", id, strings.Join(ids, ", "))
}

// NextPair moves to the next pair, round the end.
func (m *Model) NextPair() {
	for i, p := range m.pairs {
		if p.ID == m.pair.ID {
			m.pair = m.pairs[(i+1)%len(m.pairs)]
			m.refilter()
			return
		}
	}
}

// Filter is the filter in use.
func (m *Model) Filter() Filter { return m.filter }

// SetFilter changes what is shown.
func (m *Model) SetFilter(f Filter) {
	m.filter = f
	m.refilter()
}

// Len is how many rows pass the filter.
func (m *Model) Len() int { return len(m.view) }

// At is the i-th row in view.
func (m *Model) At(i int) store.Decision { return m.rows[m.pair.ID][m.view[i]] }

// Index is where a row is in view, or -1.
func (m *Model) Index(id int64) int {
	w, ok := m.where[id]
	if !ok || m.pairs[w[0]].ID != m.pair.ID {
		return -1
	}
	i := sort.SearchInts(m.view, w[1])
	if i < len(m.view) && m.view[i] == w[1] {
		return i
	}
	return -1
}

// Row finds a row of any pair by id.
func (m *Model) Row(id int64) (store.Decision, bool) {
	w, ok := m.where[id]
	if !ok {
		return store.Decision{}, false
	}
	return m.rows[m.pairs[w[0]].ID][w[1]], true
}

// All is every row of a pair ("" for every pair), unfiltered.
func (m *Model) All(pair string) []store.Decision {
	if pair != "" {
		return m.rows[pair]
	}
	var out []store.Decision
	for _, p := range m.pairs {
		out = append(out, m.rows[p.ID]...)
	}
	return out
}

func (m *Model) refilter() {
	rows := m.rows[m.pair.ID]
	m.view = m.view[:0]
	text := strings.ToLower(strings.TrimSpace(m.filter.Text))
	for i, d := range rows {
		if m.passes(d, text) {
			m.view = append(m.view, i)
		}
	}
}

func (m *Model) passes(d store.Decision, text string) bool {
	f := m.filter
	switch {
	case f.Band == "none" && d.Right.ID != "",
		f.Band != "" && f.Band != "none" && d.Band != f.Band,
		f.State == "todo" && d.Decided(),
		f.State != "" && f.State != "todo" && d.State != f.State,
		f.Duplicates && d.Duplicate == "",
		f.Stale && d.Stale == "",
		f.HideDecided && d.Decided() && d.Stale == "":
		return false
	}
	if text == "" {
		return true
	}
	for _, s := range []string{d.Left.Name, d.Left.ID, d.Right.Name, d.Right.ID} {
		if strings.Contains(strings.ToLower(s), text) {
			return true
		}
	}
	return false
}

// Counts are the totals of the pair in view.
func (m *Model) Counts() Counts { return CountsOf(m.rows[m.pair.ID]) }

// CountsOf counts rows.
func CountsOf(rows []store.Decision) Counts {
	c := Counts{Total: len(rows)}
	for _, d := range rows {
		switch d.State {
		case store.StateAccepted, store.StateRemapped:
			c.Accepted++
		case store.StateCreate:
			c.New++
		case store.StateIgnore:
			c.Ignored++
		default:
			c.ToReview++
		}
		if d.Stale != "" {
			c.Stale++
		}
		if d.Duplicate != "" {
			c.Duplicates++
		}
	}
	return c
}

// Accept takes the suggested record of each row.
func (m *Model) Accept(ctx context.Context, ids ...int64) error {
	return m.decide(ctx, store.StateAccepted, ids)
}

// Reject says the suggested record is not the one; the row stays to review.
func (m *Model) Reject(ctx context.Context, ids ...int64) error {
	return m.decide(ctx, store.StateRejected, ids)
}

// Create marks rows whose record is to be created in the other system.
func (m *Model) Create(ctx context.Context, ids ...int64) error {
	return m.decide(ctx, store.StateCreate, ids)
}

// Ignore leaves rows' records out of the other system.
func (m *Model) Ignore(ctx context.Context, ids ...int64) error {
	return m.decide(ctx, store.StateIgnore, ids)
}

// Remap links a row to another record of the other system.
func (m *Model) Remap(ctx context.Context, id int64, rightID string) error {
	d, ok := m.Row(id)
	if !ok {
		return fmt.Errorf("%w %d", store.ErrNoDecision, id)
	}
	r, err := m.RightRecord(d.ID, rightID)
	if err != nil {
		return err
	}
	return m.Apply(ctx, []store.Change{{ID: id, State: store.StateRemapped, Right: r}})
}

// RightRecord finds a record of a row's other system by id.
func (m *Model) RightRecord(rowID int64, rightID string) (store.RecordRef, error) {
	d, ok := m.Row(rowID)
	if !ok {
		return store.RecordRef{}, fmt.Errorf("%w %d", store.ErrNoDecision, rowID)
	}
	for _, r := range m.rights[d.Right.System] {
		if r.ID == rightID {
			return r, nil
		}
	}
	return store.RecordRef{}, fmt.Errorf("%s has no record %q (fetch the inventories again if it is new)", systemName(d.Right.System), rightID)
}

// AcceptSafe accepts every row in view whose suggestion is exact or strong
// and that nobody has decided yet; it returns how many.
func (m *Model) AcceptSafe(ctx context.Context) (int, error) {
	ids := m.SafeIDs()
	return len(ids), m.decide(ctx, store.StateAccepted, ids)
}

// AcceptSafeIn accepts the safe rows of every pair (or only pair), as one
// action: one transaction, one undo step, however many pairs it spans. It
// says how many it accepted and how many strong ones it left for a person
// (their match has a twin).
func (m *Model) AcceptSafeIn(ctx context.Context, pair string) (accepted, left int, err error) {
	current := m.pair.ID
	var ids []int64
	for _, p := range m.pairs {
		if pair != "" && p.ID != pair {
			continue
		}
		m.pair = p
		m.refilter()
		ids = append(ids, m.SafeIDs()...)
		left += m.HeldBack()
	}
	_ = m.SetPair(current)
	if len(ids) == 0 {
		return 0, left, nil
	}
	return len(ids), left, m.decide(ctx, store.StateAccepted, ids)
}

// HeldBack counts the rows in view bulk accept leaves for a person: exact
// or strong, undecided, but their match has a twin.
func (m *Model) HeldBack() int {
	n := 0
	for i := range m.view {
		d := m.At(i)
		if d.State == store.StateSuggested && d.Right.ID != "" && (d.Band == string(match.BandExact) || d.Band == string(match.BandStrong)) && d.Duplicate != "" {
			n++
		}
	}
	return n
}

// SafeIDs are the rows in view whose suggestion may be accepted without a
// look: exact or strong, nobody has decided, no duplicate in doubt.
func (m *Model) SafeIDs() []int64 {
	var ids []int64
	for i := range m.view {
		d := m.At(i)
		if d.State == store.StateSuggested && d.Right.ID != "" && (d.Band == string(match.BandExact) || d.Band == string(match.BandStrong)) && d.Duplicate == "" {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// Undo takes back the last action, this run's or an earlier one's; it
// returns how many rows it restored.
func (m *Model) Undo(ctx context.Context) (int, error) {
	restored, err := m.UndoWrite(ctx)
	if err != nil {
		return 0, err
	}
	m.Put(restored)
	return len(restored), nil
}

// UndoWrite takes back the last action in SQLite only, and returns the
// rows as they are again; Put shows them. Safe while the model is drawn.
func (m *Model) UndoWrite(ctx context.Context) ([]store.Decision, error) {
	return m.st.Undo(ctx, m.profile, m.actor)
}

func (m *Model) decide(ctx context.Context, state string, ids []int64) error {
	changes := make([]store.Change, len(ids))
	for i, id := range ids {
		changes[i] = store.Change{ID: id, State: state}
	}
	return m.Apply(ctx, changes)
}

// Apply writes changes as one action (one transaction), then shows them.
func (m *Model) Apply(ctx context.Context, changes []store.Change) error {
	done, err := m.Write(ctx, changes)
	if err != nil {
		return err
	}
	m.Put(done)
	return nil
}

// Write stores changes as one action and returns the rows as stored,
// without showing them: a screen runs it off its update loop, then Put.
func (m *Model) Write(ctx context.Context, changes []store.Change) ([]store.Decision, error) {
	for _, c := range changes {
		if _, ok := m.Row(c.ID); !ok {
			return nil, fmt.Errorf("%w %d in profile %q (see mspwire match list)", store.ErrNoDecision, c.ID, m.profile)
		}
	}
	if err := m.oneToOne(changes); err != nil {
		return nil, err
	}
	return m.st.Decide(ctx, m.profile, m.actor, changes)
}

// oneToOne refuses changes that would link one record to two rows: each
// record of the other system belongs to one source record at most.
func (m *Model) oneToOne(changes []store.Change) error {
	changing := map[int64]store.Change{}
	for _, c := range changes {
		changing[c.ID] = c
	}
	holds := func(d store.Decision) string { // the record a row holds after the changes, if any
		if c, ok := changing[d.ID]; ok {
			switch c.State {
			case store.StateRemapped:
				return c.Right.ID
			case store.StateAccepted:
				return d.Right.ID
			}
			return ""
		}
		if d.State == store.StateAccepted || d.State == store.StateRemapped {
			return d.Right.ID
		}
		return ""
	}
	for _, c := range changes {
		d, _ := m.Row(c.ID)
		want := holds(d)
		if want == "" {
			continue
		}
		for _, other := range m.rows[d.Pair] {
			if other.ID != d.ID && holds(other) == want {
				return fmt.Errorf("%s %s is already linked to row %d (%s '%s'): reject or re-map row %d first, or mark row %d to create",
					adapter.InfoOf(d.Right.System).Record, want, other.ID, other.Left.ID, other.Left.Name, other.ID, d.ID)
			}
		}
	}
	return nil
}

// Put replaces rows in memory with their stored state.
func (m *Model) Put(ds []store.Decision) {
	for _, d := range ds {
		if w, ok := m.where[d.ID]; ok {
			m.rows[m.pairs[w[0]].ID][w[1]] = d
		}
	}
	m.refilter()
}

// Search finds records of the pair's other system by name or id, for
// re-mapping as the operator types: names that start with the text first.
func (m *Model) Search(text string, limit int) []store.RecordRef {
	text = strings.ToLower(strings.TrimSpace(text))
	var starts, contains []store.RecordRef
	for _, r := range m.rights[m.pair.Right] {
		name := strings.ToLower(r.Name)
		switch {
		case text == "" || strings.HasPrefix(name, text) || r.ID == text:
			starts = append(starts, r)
		case strings.Contains(name, text):
			contains = append(contains, r)
		}
		if len(starts) >= limit {
			break
		}
	}
	return append(starts, contains...)[:min(limit, len(starts)+len(contains))]
}

// Namesakes are the records of a row's other system named as its record
// is, and the rows that took each: creating it would make a second one.
func (m *Model) Namesakes(id int64) []Namesake {
	d, ok := m.Row(id)
	if !ok {
		return nil
	}
	key := adapter.NameKey(d.Left.Name)
	var out []Namesake
	for _, r := range m.rights[d.Right.System] {
		if adapter.NameKey(r.Name) != key {
			continue
		}
		n := Namesake{Record: r}
		for _, other := range m.rows[d.Pair] {
			if other.ID != id && other.Right.ID == r.ID && (other.State == store.StateAccepted || other.State == store.StateRemapped || other.State == store.StateSuggested) {
				n.TakenBy = other.ID
			}
		}
		out = append(out, n)
	}
	return out
}

// Namesake is a record of the same name, and the row that holds it (0 for
// none).
type Namesake struct {
	Record  store.RecordRef
	TakenBy int64
}

func systemName(id string) string { return adapter.InfoOf(id).Name }

// thousands writes 1204 as "1,204".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
