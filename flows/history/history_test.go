package history

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/store"
)

func TestCompareSaysNewChangedAndResolved(t *testing.T) {
	row := func(id string, open bool, status, counted string) Row {
		return Row{ID: id, Open: open, Status: status, Values: map[string]string{"counted": counted}}
	}
	prev := []Row{row("a", true, "under_billed", "12"), row("b", true, "under_billed", "5"), row("c", true, "over_billed", "3"),
		row("d", false, "match", "7"), row("e", true, "no_data", "")}
	cur := []Row{row("a", true, "under_billed", "12"), row("b", true, "under_billed", "6"), row("c", false, "match", "3"),
		row("d", true, "under_billed", "9"), row("f", true, "not_billed", "2")}
	s := Compare(prev, cur)
	if strings.Join(s.New, ",") != "d,f" || strings.Join(s.Resolved, ",") != "c,e" || len(s.Changed) != 1 || s.Changed[0].ID != "b" ||
		strings.Join(s.Changed[0].Moved, ";") != "counted 5 → 6" || !s.Moved() {
		t.Fatalf("%+v", s)
	}
	if Compare(cur, cur).Moved() {
		t.Fatal("the same run twice moved")
	}
}

func TestParseAge(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{"13mo": time.Date(2025, 11, 6, 0, 0, 0, 0, time.UTC), "400d": now.AddDate(0, 0, -400),
		"2w": now.AddDate(0, 0, -14), "1y": now.AddDate(-1, 0, 0)} {
		if got, err := ParseAge(in, now); err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "soon", "3h", "-2d", "0mo"} {
		if _, err := ParseAge(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FirstOpen is when a row's unbroken stretch of open runs began: a row
// settled in between starts again.
func TestFirstOpenIsTheStartOfTheLatestStretch(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs := [][]Row{
		{{ID: "a", Open: true}, {ID: "b", Open: true}},
		{{ID: "a", Open: true}, {ID: "b", Open: false}},
		{{ID: "a", Open: true, Values: map[string]string{"x": "1"}}, {ID: "b", Open: true}},
	}
	var at []time.Time
	for _, rows := range runs {
		if _, _, err := Record(ctx, st, "default", Billing, rows); err != nil {
			t.Fatal(err)
		}
		r, _, _ := st.LastRun(ctx, "default", Billing, 0)
		at = append(at, r.At)
	}
	got, err := FirstOpen(ctx, st, "default", Billing)
	if err != nil || !got["a"].Equal(at[0]) || !got["b"].Equal(at[2]) || len(got) != 2 {
		t.Fatalf("%v %v (runs at %v)", got, err, at)
	}
}
