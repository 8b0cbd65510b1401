package review_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
)

var ctx = context.Background()

func records(names ...string) []store.InventoryRecord {
	out := make([]store.InventoryRecord, len(names))
	for i, n := range names {
		id, name, _ := strings.Cut(n, "=")
		out[i] = store.InventoryRecord{ExternalID: id, Name: name}
	}
	return out
}

// tenant makes a profile on path A (HaloPSA, Liongard, Hudu) with inventories.
func tenant(t *testing.T) (*store.Store, string) {
	t.Helper()
	st := storetest.Open(t)
	const p = "acme-msp"
	if err := st.SaveOnboarding(ctx, store.Onboarding{Profile: p, Path: "A", Source: "halopsa", Answers: []byte(`{"docs_tool":"hudu"}`)}); err != nil {
		t.Fatal(err)
	}
	for sys, recs := range map[string][]store.InventoryRecord{
		"halopsa":  records("1=Acme Dental, Inc.", "2=Bayside Veterinary Clinic", "3=Cedar Accounting", "4=Summit Roofing", "5=Zephyr Labs", "6=Summit Roofing LLC"),
		"liongard": records("10=ACME DENTAL", "11=Bayside Veterinary", "12=Cedar Accountants Group", "13=Summit Roofing"),
		"hudu":     records("20=Acme Dental", "21=Bayside Vet Clinic", "22=Summit Roofing"),
	} {
		if err := st.ReplaceRecords(ctx, p, sys, recs); err != nil {
			t.Fatal(err)
		}
	}
	return st, p
}

func rowOf(t *testing.T, m *review.Model, pair, leftID string) store.Decision {
	t.Helper()
	for _, d := range m.All(pair) {
		if d.Left.ID == leftID {
			return d
		}
	}
	t.Fatalf("no row for %s in %s", leftID, pair)
	return store.Decision{}
}

// The operator reviews HaloPSA clients against Liongard environments:
// accepts what is safe in bulk, rejects one, re-maps it, marks one to be
// created and ignores one; undoes the last; comes back in a new run and
// finds every decision as it left it.
func TestOperatorReviewsAndComesBack(t *testing.T) {
	st, p := tenant(t)
	m, err := review.Open(ctx, st, p, "operator:alice")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(m.Pairs()); got != 2 || m.Pair().ID != "halopsa:liongard" {
		t.Fatalf("pairs %v", m.Pairs())
	}
	if _, err := m.Suggest(ctx); err != nil {
		t.Fatal(err)
	}
	if m.Len() != 6 || m.Counts().ToReview != 6 {
		t.Fatalf("%d rows, counts %+v", m.Len(), m.Counts())
	}
	n, err := m.AcceptSafe(ctx)
	if err != nil || n == 0 {
		t.Fatalf("bulk accept: %d %v", n, err)
	}
	acme := rowOf(t, m, "halopsa:liongard", "1")
	if acme.State != store.StateAccepted || acme.Right.ID != "10" || acme.DecidedBy != "operator:alice" {
		t.Fatalf("Acme: %+v", acme)
	}
	cedar := rowOf(t, m, "halopsa:liongard", "3")
	if err := m.Reject(ctx, cedar.ID); err == nil {
		t.Fatal("rejected a row with no suggestion")
	}
	if err := m.Remap(ctx, cedar.ID, "12"); err != nil {
		t.Fatal(err)
	}
	bayside := rowOf(t, m, "halopsa:liongard", "2") // "Bayside Veterinary": for a person to confirm, not bulk
	if bayside.State != store.StateSuggested || bayside.Band != "review" {
		t.Fatalf("Bayside: %+v", bayside)
	}
	if err := m.Reject(ctx, bayside.ID); err != nil || rowOf(t, m, "halopsa:liongard", "2").State != store.StateRejected {
		t.Fatalf("reject: %v", err)
	}
	zephyr := rowOf(t, m, "halopsa:liongard", "5")
	if err := m.Create(ctx, zephyr.ID); err != nil {
		t.Fatal(err)
	}
	dup := rowOf(t, m, "halopsa:liongard", "6")
	if dup.Duplicate == "" {
		t.Errorf("Summit Roofing twice in HaloPSA is not flagged: %+v", dup)
	}
	if err := m.Ignore(ctx, dup.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := m.Undo(ctx); err != nil || n != 1 || rowOf(t, m, "halopsa:liongard", "6").State == store.StateIgnore {
		t.Fatalf("undo: %d %v", n, err)
	}
	if err := m.Remap(ctx, dup.ID, "999"); err == nil || !strings.Contains(err.Error(), `no record "999"`) {
		t.Fatalf("re-map to a record that does not exist: %v", err)
	}

	again, err := review.Open(ctx, st, p, "operator:bob")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		left, state, right string
	}{{"1", "accepted", "10"}, {"3", "remapped", "12"}, {"5", "create", ""}, {"6", "suggested", "13"}} {
		got := rowOf(t, again, "halopsa:liongard", want.left)
		if got.State != want.state || got.Right.ID != want.right && want.state != "suggested" {
			t.Errorf("after coming back, %s is %s → %q, want %s → %q", want.left, got.State, got.Right.ID, want.state, want.right)
		}
	}
	log, _ := st.AuditLog(ctx, p)
	events := map[string]int{}
	for _, e := range log {
		events[e.Event]++
	}
	for _, e := range []string{"match.accepted", "match.rejected", "match.remapped", "match.create", "match.ignore", "match.undone", "match.suggested"} {
		if events[e] == 0 {
			t.Errorf("no %s in the audit log: %v", e, events)
		}
	}
}

// New inventories re-suggest, but never undo a person's decision: a record
// that vanished or was renamed makes the decision stale, shown, not dropped.
func TestResuggestKeepsDecisionsAndMarksStale(t *testing.T) {
	st, p := tenant(t)
	m, _ := review.Open(ctx, st, p, "operator")
	if _, err := m.Suggest(ctx); err != nil {
		t.Fatal(err)
	}
	acme, bayside := rowOf(t, m, "halopsa:liongard", "1"), rowOf(t, m, "halopsa:liongard", "2")
	m.Accept(ctx, acme.ID, bayside.ID)
	st.ReplaceRecords(ctx, p, "liongard", records("10=Acme Dental Group", "12=Cedar Accountants Group", "13=Summit Roofing"))
	st.ReplaceRecords(ctx, p, "halopsa", records("1=Acme Dental, Inc.", "2=Bayside Veterinary Clinic", "4=Summit Roofing"))
	if _, err := m.Suggest(ctx); err != nil {
		t.Fatal(err)
	}
	acme, bayside = rowOf(t, m, "halopsa:liongard", "1"), rowOf(t, m, "halopsa:liongard", "2")
	if acme.State != store.StateAccepted || !strings.Contains(acme.Stale, "renamed from 'ACME DENTAL' to 'Acme Dental Group'") {
		t.Errorf("renamed right record: %+v", acme)
	}
	if bayside.State != store.StateAccepted || !strings.Contains(bayside.Stale, "no longer in the list") {
		t.Errorf("vanished right record: %+v", bayside)
	}
	m.SetFilter(review.Filter{Stale: true})
	if m.Len() != 2 {
		t.Errorf("%d stale rows shown, want 2", m.Len())
	}
	for _, d := range m.All("halopsa:liongard") {
		if d.Left.ID == "3" {
			t.Errorf("the undecided row of a client that left HaloPSA was kept: %+v", d)
		}
	}
}

func TestFiltersAndSearch(t *testing.T) {
	st, p := tenant(t)
	m, _ := review.Open(ctx, st, p, "operator")
	m.Suggest(ctx)
	m.SetFilter(review.Filter{Text: "summit"})
	if m.Len() != 2 {
		t.Fatalf("text filter: %d rows", m.Len())
	}
	m.SetFilter(review.Filter{Duplicates: true})
	if m.Len() != 2 {
		t.Fatalf("duplicates filter: %d rows", m.Len())
	}
	m.SetFilter(review.Filter{})
	m.AcceptSafe(ctx)
	m.SetFilter(review.Filter{HideDecided: true})
	for i := range m.Len() {
		if m.At(i).Decided() {
			t.Fatalf("a decided row is shown with decided rows hidden: %+v", m.At(i))
		}
	}
	// "Nothing suggested" stays so after the safe rows are accepted.
	m.SetFilter(review.Filter{Band: "none"})
	if m.Len() == 0 {
		t.Fatal("no row without a suggestion")
	}
	for i := range m.Len() {
		if d := m.At(i); d.Right.ID != "" {
			t.Fatalf("a row with a record is shown as having none: %+v", d)
		}
	}
	if got := m.Search("ced", 5); len(got) != 1 || got[0].ID != "12" {
		t.Fatalf("search: %+v", got)
	}
	m.NextPair()
	if m.Pair().ID != "halopsa:hudu" || m.Pair().Title() != "HaloPSA clients ↔ Hudu companies" {
		t.Fatalf("next pair: %+v", m.Pair())
	}
}
