// Package preflight reads one page of every route mspwire depends on, with
// the stored credentials, and checks that the answers carry the fields its
// flows read — names, types and paging envelopes — before anything is
// written to a real tenant. A vendor that answers otherwise than its
// documentation is found here, with the commands it would break, not half
// way through an apply. It only reads.
package preflight

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/store"
)

// Route is one GET mspwire depends on, and what it reads in the answer.
type Route struct {
	System string
	Path   string
	Query  url.Values
	// List is where the records are: a key of the answer, "" for an answer
	// that is the list itself.
	List string
	// Top are fields of the answer around the list (a paging envelope);
	// Fields are fields of its first record, dotted for nesting
	// ("attributes.name"), each with the JSON kind it must have.
	Top, Fields []Field
	// Then checks the first element of an array field of the first record
	// ("lines" of a recurring invoice), when there is one.
	Then *Nested
	// Affects says, in words, what stands on the route; Kinds the plan
	// kinds whose apply waits for it to pass.
	Affects string
	Kinds   []change.PlanKind
}

// Field is a field and the kind of JSON value it must hold: "number",
// "string", "bool", "array", "object"; "" for any.
type Field struct{ Name, Kind string }

// Nested checks the first element of an array field.
type Nested struct {
	Field  string
	Fields []Field
}

// Finding is what one route answered.
type Finding struct {
	System  string            `json:"system"`
	Route   string            `json:"route"` // "GET /api/Asset"
	OK      bool              `json:"ok"`
	Problem string            `json:"problem,omitempty"` // what is wrong, in words
	Affects string            `json:"affects,omitempty"`
	Kinds   []change.PlanKind `json:"kinds,omitempty"`
	Note    string            `json:"note,omitempty"` // checked less than fully (an empty list)
}

// Report is a preflight.
type Report struct {
	Findings []Finding `json:"findings"`
}

// Failed are the findings that are not OK.
func (r Report) Failed() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if !f.OK {
			out = append(out, f)
		}
	}
	return out
}

// prober is what every client offers the preflight: a raw GET.
type prober interface {
	Probe(ctx context.Context, path string, q url.Values) (json.RawMessage, error)
}

// Run probes every route of the systems configured in the profile.
func Run(ctx context.Context, e onboard.Env, systems []string) Report {
	var rep Report
	for _, r := range Routes {
		if !contains(systems, r.System) {
			continue
		}
		f := Finding{System: r.System, Route: "GET " + r.Path, Affects: r.Affects, Kinds: r.Kinds}
		p, err := clientOf(ctx, e, r.System)
		if err == nil {
			var raw json.RawMessage
			if raw, err = p.Probe(ctx, r.Path, r.Query); err == nil {
				f.Problem, f.Note = Check(r, raw)
				f.OK = f.Problem == ""
			}
		}
		if err != nil {
			f.Problem = err.Error()
		}
		rep.Findings = append(rep.Findings, f)
	}
	return rep
}

func clientOf(ctx context.Context, e onboard.Env, system string) (prober, error) {
	switch system {
	case "halopsa":
		c, err := e.HaloPSA(ctx)
		return c, err
	case "liongard":
		c, err := e.Liongard(ctx)
		return c, err
	case "itglue":
		c, err := e.ITGlue(ctx)
		return c, err
	case "hudu":
		c, err := e.Hudu(ctx)
		return c, err
	}
	return nil, fmt.Errorf("no routes for %s", system)
}

// Check reads one answer against a route: "" when it holds every field
// mspwire reads, or what is missing or of another kind.
func Check(r Route, raw json.RawMessage) (problem, note string) {
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return "the answer is not JSON", ""
	}
	var bad []string
	top, _ := doc.(map[string]any)
	for _, f := range r.Top {
		if why := kindOf(lookup(top, f.Name), f); why != "" {
			bad = append(bad, why)
		}
	}
	list := doc
	if r.List != "" {
		if top == nil || top[r.List] == nil {
			return fmt.Sprintf("the answer has no %q list", r.List), ""
		}
		list = top[r.List]
	}
	records, ok := list.([]any)
	if !ok {
		return fmt.Sprintf("%s is not a list", describeList(r.List)), ""
	}
	if len(records) == 0 {
		return strings.Join(bad, "; "), "no record to check the fields of"
	}
	first, _ := records[0].(map[string]any)
	for _, f := range r.Fields {
		if why := kindOf(lookup(first, f.Name), f); why != "" {
			bad = append(bad, why)
		}
	}
	if r.Then != nil {
		if inner, _ := lookup(first, r.Then.Field).([]any); len(inner) > 0 {
			rec, _ := inner[0].(map[string]any)
			for _, f := range r.Then.Fields {
				if why := kindOf(lookup(rec, f.Name), Field{Name: r.Then.Field + "[]." + f.Name, Kind: f.Kind}); why != "" {
					bad = append(bad, why)
				}
			}
		}
	}
	return strings.Join(bad, "; "), ""
}

func describeList(key string) string {
	if key == "" {
		return "the answer"
	}
	return fmt.Sprintf("%q", key)
}

// missing marks a field absent from the answer.
type missing struct{}

func lookup(m map[string]any, dotted string) any {
	var v any = m
	for _, part := range strings.Split(dotted, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return missing{}
		}
		if v, ok = obj[part]; !ok {
			return missing{}
		}
	}
	return v
}

// kindOf says what is wrong with a value for a field, or "".
func kindOf(v any, f Field) string {
	if _, gone := v.(missing); gone {
		return fmt.Sprintf("`%s` is missing", f.Name)
	}
	if v == nil || f.Kind == "" {
		return "" // null is how vendors say "none"
	}
	var got string
	switch v.(type) {
	case float64:
		got = "number"
	case string:
		got = "string"
	case bool:
		got = "bool"
	case []any:
		got = "array"
	case map[string]any:
		got = "object"
	}
	if got != f.Kind {
		return fmt.Sprintf("`%s` is a %s, not a %s", f.Name, got, f.Kind)
	}
	return ""
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Blocking says which failed findings stand in the way of a plan kind, from
// a stored preflight: the routes its apply depends on.
func Blocking(failed []Finding, kind change.PlanKind) []string {
	var out []string
	for _, f := range failed {
		for _, k := range f.Kinds {
			if k == kind {
				out = append(out, fmt.Sprintf("%s %s: %s", f.System, f.Route, f.Problem))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Save keeps a preflight's failed routes, for Gate.
func Save(ctx context.Context, st *store.Store, profile string, rep Report) error {
	failed := rep.Failed()
	if failed == nil {
		failed = []Finding{}
	}
	b, err := json.Marshal(failed)
	if err != nil {
		return err
	}
	return st.SavePreflight(ctx, profile, time.Now(), string(b))
}

// Gate says, for the change engine, why a plan kind may not be applied:
// the routes it stands on that the last preflight found broken. No
// preflight, or one that passed, lets everything through.
func Gate(st *store.Store, profile string) func(context.Context, change.PlanKind) (string, error) {
	return func(ctx context.Context, kind change.PlanKind) (string, error) {
		at, raw, ok, err := st.Preflight(ctx, profile)
		if err != nil || !ok {
			return "", err
		}
		var failed []Finding
		if err := json.Unmarshal([]byte(raw), &failed); err != nil {
			return "", fmt.Errorf("reading the last preflight: %w", err)
		}
		blocking := Blocking(failed, kind)
		if len(blocking) == 0 {
			return "", nil
		}
		return fmt.Sprintf("the preflight of %s (mspwire doctor --api) found routes this plan stands on answering otherwise than mspwire reads them: %s; "+
			"run mspwire doctor --api again once the vendor or the credentials are fixed", at.Local().Format("2006-01-02 15:04"), strings.Join(blocking, "; ")), nil
	}
}
