// Package history gives the recurring reviews a memory: each run of
// billing reconcile, devices map and accounts stale is kept as a dated
// snapshot of its rows, and compared with the run before it — which rows
// are new, which changed (and what), which were resolved. A scheduled run
// can then speak only when something moved (--changed).
package history

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mspwire/mspwire/store"
)

// Kinds of runs.
const (
	Billing  = "billing"
	Devices  = "devices"
	Accounts = "accounts"
)

// AccountsKind keeps stale-account runs apart by days: accounts idle 60
// days and 90 days are different lists.
func AccountsKind(days int) string { return fmt.Sprintf("%s:%dd", Accounts, days) }

// Row is one row of a run as the comparison sees it: its id, whether it
// needs someone, and the values whose change is news.
type Row struct {
	ID     string            `json:"id"`
	Open   bool              `json:"open"`
	Status string            `json:"status"`
	Values map[string]string `json:"values,omitempty"`
}

// Change is a row open in both runs whose values moved.
type Change struct {
	ID    string   `json:"id"`
	Moved []string `json:"moved"` // "counted 12 → 14"
}

// SinceLast compares a run with the one before it.
type SinceLast struct {
	Run      int64     `json:"run"` // the earlier run; 0: this is the first
	At       time.Time `json:"at"`
	New      []string  `json:"new"`
	Changed  []Change  `json:"changed"`
	Resolved []string  `json:"resolved"`
}

// Moved says whether anything is new or changed: what a scheduled run
// reports on.
func (s SinceLast) Moved() bool { return len(s.New)+len(s.Changed) > 0 }

// Summary is the comparison in one line.
func (s SinceLast) Summary() string {
	if s.Run == 0 {
		return "the first run kept: later runs say what changed since this one"
	}
	return fmt.Sprintf("since run %d (%s): %d new, %d changed, %d resolved", s.Run, s.At.Local().Format("2006-01-02 15:04"),
		len(s.New), len(s.Changed), len(s.Resolved))
}

// Sentence is Summary as a sentence of its own, for a header line.
func (s SinceLast) Sentence() string {
	sum := s.Summary()
	return strings.ToUpper(sum[:1]) + sum[1:] + "."
}

// Compare says what moved from prev to cur.
func Compare(prev, cur []Row) SinceLast {
	s := SinceLast{New: []string{}, Changed: []Change{}, Resolved: []string{}}
	before := map[string]Row{}
	for _, r := range prev {
		before[r.ID] = r
	}
	now := map[string]bool{}
	for _, r := range cur {
		now[r.ID] = r.Open
		if !r.Open {
			continue
		}
		b, was := before[r.ID]
		switch {
		case !was || !b.Open:
			s.New = append(s.New, r.ID)
		default:
			var moved []string
			if b.Status != r.Status {
				moved = append(moved, fmt.Sprintf("status %s → %s", b.Status, r.Status))
			}
			keys := make([]string, 0, len(r.Values))
			for k := range r.Values {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if b.Values[k] != r.Values[k] {
					moved = append(moved, fmt.Sprintf("%s %s → %s", k, orDash(b.Values[k]), orDash(r.Values[k])))
				}
			}
			if len(moved) > 0 {
				s.Changed = append(s.Changed, Change{ID: r.ID, Moved: moved})
			}
		}
	}
	for _, r := range prev {
		if r.Open && !now[r.ID] {
			s.Resolved = append(s.Resolved, r.ID)
		}
	}
	sort.Strings(s.New)
	sort.Strings(s.Resolved)
	sort.Slice(s.Changed, func(i, j int) bool { return s.Changed[i].ID < s.Changed[j].ID })
	return s
}

func orDash(v string) string {
	if v == "" {
		return "-"
	}
	return v
}

// Record keeps a run and compares it with the one before it. A run that
// found exactly what the last one did is not kept twice: the screens read
// again after every choice, and history grows only when something moved.
func Record(ctx context.Context, st *store.Store, profile, kind string, rows []Row) (SinceLast, int64, error) {
	prev, had, err := st.LastRun(ctx, profile, kind, 0)
	if err != nil {
		return SinceLast{}, 0, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	b, err := json.Marshal(rows)
	if err != nil {
		return SinceLast{}, 0, err
	}
	if had && prev.Rows == string(b) {
		return SinceLast{Run: prev.ID, At: prev.At, New: []string{}, Changed: []Change{}, Resolved: []string{}}, prev.ID, nil
	}
	id, err := st.SaveRun(ctx, profile, kind, time.Now(), string(b))
	if err != nil {
		return SinceLast{}, 0, err
	}
	if !had {
		return SinceLast{New: ids(rows), Changed: []Change{}, Resolved: []string{}}, id, nil
	}
	var before []Row
	if err := json.Unmarshal([]byte(prev.Rows), &before); err != nil {
		return SinceLast{}, id, fmt.Errorf("reading run %d: %w", prev.ID, err)
	}
	s := Compare(before, rows)
	s.Run, s.At = prev.ID, prev.At
	return s, id, nil
}

func ids(rows []Row) []string {
	out := []string{}
	for _, r := range rows {
		if r.Open {
			out = append(out, r.ID)
		}
	}
	sort.Strings(out)
	return out
}

// Entry is one kept run, counted.
type Entry struct {
	Run   int64     `json:"run"`
	At    time.Time `json:"at"`
	Rows  int       `json:"rows"`
	Open  int       `json:"open"`
	Since SinceLast `json:"since_last"`
}

// List is a kind's runs, newest first, each compared with the one before.
func List(ctx context.Context, st *store.Store, profile, kind string) ([]Entry, error) {
	runs, err := st.Runs(ctx, profile, kind)
	if err != nil {
		return nil, err
	}
	parsed := make([][]Row, len(runs))
	for i, r := range runs {
		if err := json.Unmarshal([]byte(r.Rows), &parsed[i]); err != nil {
			return nil, fmt.Errorf("reading run %d: %w", r.ID, err)
		}
	}
	out := make([]Entry, len(runs))
	for i, r := range runs {
		e := Entry{Run: r.ID, At: r.At, Rows: len(parsed[i]), Open: len(ids(parsed[i]))}
		if i+1 < len(runs) {
			e.Since = Compare(parsed[i+1], parsed[i])
			e.Since.Run, e.Since.At = runs[i+1].ID, runs[i+1].At
		} else {
			e.Since = SinceLast{New: ids(parsed[i]), Changed: []Change{}, Resolved: []string{}}
		}
		out[i] = e
	}
	return out, nil
}

// ParseAge reads --older-than: "13mo", "400d", "2y", "12w".
func ParseAge(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	var n int
	var unit string
	if _, err := fmt.Sscanf(s, "%d%s", &n, &unit); err != nil || n <= 0 {
		return time.Time{}, fmt.Errorf("%q: say how old, as 13mo, 400d, 12w or 2y", s)
	}
	switch unit {
	case "d":
		return now.AddDate(0, 0, -n), nil
	case "w":
		return now.AddDate(0, 0, -7*n), nil
	case "mo":
		return now.AddDate(0, -n, 0), nil
	case "y":
		return now.AddDate(-n, 0, 0), nil
	}
	return time.Time{}, fmt.Errorf("%q: the unit is d, w, mo or y", s)
}

// LastSeen is, for each row that had the given status in a kept run of a
// kind, the latest such run.
func LastSeen(ctx context.Context, st *store.Store, profile, kind, status string) (map[string]int64, error) {
	runs, err := st.Runs(ctx, profile, kind)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range runs { // newest first
		var rows []Row
		if err := json.Unmarshal([]byte(r.Rows), &rows); err != nil {
			return nil, fmt.Errorf("reading run %d: %w", r.ID, err)
		}
		for _, row := range rows {
			if _, seen := out[row.ID]; !seen && row.Status == status {
				out[row.ID] = r.ID
			}
		}
	}
	return out, nil
}

// FirstOpen is, for each row open in the latest kept run, when the
// unbroken stretch of runs in which it was open began: how long it has
// waited for someone.
func FirstOpen(ctx context.Context, st *store.Store, profile, kind string) (map[string]time.Time, error) {
	runs, err := st.Runs(ctx, profile, kind)
	if err != nil {
		return nil, err
	}
	out, still := map[string]time.Time{}, map[string]bool{}
	for i, r := range runs { // newest first
		var rows []Row
		if err := json.Unmarshal([]byte(r.Rows), &rows); err != nil {
			return nil, fmt.Errorf("reading run %d: %w", r.ID, err)
		}
		open := map[string]bool{}
		for _, row := range rows {
			open[row.ID] = row.Open
		}
		for id, o := range open {
			if o && (i == 0 || still[id]) {
				out[id] = r.At
			}
		}
		next := map[string]bool{}
		for id := range out {
			if open[id] && (i == 0 || still[id]) {
				next[id] = true
			}
		}
		still = next
		if len(still) == 0 {
			break
		}
	}
	return out, nil
}
