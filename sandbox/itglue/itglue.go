// Package itglue simulates IT Glue's JSON:API, written from the vendor facts
// (../shared/api-facts.md §2, §5, §6) — IT Glue publishes no OpenAPI — never
// from mspwire's client.
//
// What it reproduces: x-api-key (401 without one, 403 for a key this region
// does not know); paths straight under the host; JSON:API documents with
// string ids, dashed types and attribute keys (dashed or underscored on
// input); page[number]/page[size] (default 50, at most 1000) with meta
// (current-page, next-page, prev-page, total-pages, total-count) and
// absolute links (self, first, prev, next, last); filters; 415 for a body
// that is not application/vnd.api+json; 422 errors with source pointers and
// integer status; flexible assets that demand their type filter; 3000
// requests per 5 minutes.
package itglue

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

// Keys the sandbox knows. The EU key belongs to another region: this
// simulated US region answers it with 403, as IT Glue does.
const (
	DemoKey = "ITG.sandbox0d5c1f.demo-us-4f7a2e9b1c3d6e8f0a2b4c6d8e0f1a3b"
	EUKey   = "ITG.sandboxeu9e1c.demo-eu-7b3d5f1a9c2e4b6d8f0a1c3e5b7d9f1a"
)

// Page sizes, as documented.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Sim is one simulated IT Glue account.
type Sim struct {
	*simkit.Server
	mu           sync.Mutex
	w            *world.World
	data         *data
	*simkit.Keys        // valid API keys: Add and Revoke them to rotate
	base         string // scheme://host as the client reached us, for links
}

// New makes a simulator over the world.
func New(w *world.World) *Sim {
	s := &Sim{w: w, Keys: simkit.NewKeys()}
	s.Server = simkit.New("itglue", simkit.Options{
		Limit: simkit.Limit{Requests: 3000, Per: 5 * time.Minute}, Seed: w.Seed,
		RateLimited: func(w http.ResponseWriter, _ time.Duration) {
			writeErrors(w, http.StatusTooManyRequests, jerr{Status: 429, Title: "Too Many Requests", Detail: "Rate limit exceeded: 3000 requests per 5 minutes"})
		},
		Reset: s.reset, Dump: s.dump,
		Admin: map[string]http.HandlerFunc{"POST /new-secret": func(w http.ResponseWriter, _ *http.Request) {
			simkit.WriteJSON(w, http.StatusOK, map[string]string{"api_key": s.Issue("ITG.sandbox")})
		}},
	})
	s.reset()
	s.routes()
	return s
}

func (s *Sim) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = seed(s.w)
	s.Keys.Reset(DemoKey)
}

func (s *Sim) routes() {
	s.Handle("GET /organizations", s.authed(s.listOrganizations))
	s.Handle("GET /organizations/{id}", s.authed(s.getOrganization))
	s.Handle("POST /organizations", s.authed(s.createOrganization))
	s.Handle("PATCH /organizations/{id}", s.authed(s.patchOrganization))
	s.Handle("GET /organization_types", s.authed(s.listTypes))
	s.Handle("GET /organization_statuses", s.authed(s.listStatuses))
	s.Handle("GET /flexible_asset_types", s.authed(s.listFlexibleAssetTypes))
	s.Handle("GET /flexible_assets", s.authed(s.listFlexibleAssets))
	s.Handle("GET /configurations", s.authed(s.listConfigurations))
	s.Handle("GET /organizations/{id}/relationships/configurations", s.authed(s.listConfigurations))
	s.Handle("GET /configuration_types", s.authed(s.listConfigurationTypes))
}

// jerr is one JSON:API error. Status is an integer, as IT Glue sends it.
type jerr struct {
	Status int     `json:"status"`
	Title  string  `json:"title"`
	Detail string  `json:"detail,omitempty"`
	Source *source `json:"source,omitempty"`
}

type source struct {
	Pointer string `json:"pointer"`
}

func writeErrors(w http.ResponseWriter, status int, errs ...jerr) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": errs})
}

func writeDoc(w http.ResponseWriter, status int, doc any) {
	w.Header().Set("Content-Type", "application/vnd.api+json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(doc)
}

func (s *Sim) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("x-api-key")
		known := s.Valid(key)
		switch {
		case key == "":
			writeErrors(w, http.StatusUnauthorized, jerr{Status: 401, Title: "Unauthorized", Detail: "Missing x-api-key header"})
		case !known:
			writeErrors(w, http.StatusForbidden, jerr{Status: 403, Title: "Forbidden"})
		default:
			s.mu.Lock()
			s.base = "http://" + r.Host
			s.mu.Unlock()
			h(w, r)
		}
	}
}

// resource is a JSON:API resource object.
type resource struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Attributes map[string]any `json:"attributes"`
}

// list pages resources and writes them with meta and links.
func (s *Sim) list(w http.ResponseWriter, r *http.Request, items []resource) {
	q := r.URL.Query()
	size := DefaultPageSize
	if v, err := strconv.Atoi(q.Get("page[size]")); err == nil && v > 0 {
		size = min(v, MaxPageSize)
	}
	number := 1
	if v, err := strconv.Atoi(q.Get("page[number]")); err == nil && v > 0 {
		number = v
	}
	total := len(items)
	pages := max(1, int(math.Ceil(float64(total)/float64(size))))
	start := min((number-1)*size, total)
	end := min(start+size, total)
	page := items[start:end]
	if page == nil {
		page = []resource{}
	}
	link := func(n int) any {
		if n < 1 || n > pages {
			return nil
		}
		lq := url.Values{}
		for k, v := range q {
			lq[k] = v
		}
		lq.Set("page[number]", strconv.Itoa(n))
		lq.Set("page[size]", strconv.Itoa(size))
		s.mu.Lock()
		base := s.base
		s.mu.Unlock()
		return base + r.URL.Path + "?" + lq.Encode()
	}
	var next, prev any
	if number < pages {
		next = number + 1
	}
	if number > 1 {
		prev = number - 1
	}
	writeDoc(w, http.StatusOK, map[string]any{
		"data": page,
		"meta": map[string]any{"current-page": number, "next-page": next, "prev-page": prev,
			"total-pages": pages, "total-count": total, "filters": map[string]any{}},
		"links": map[string]any{"self": link(number), "first": link(1), "prev": link(number - 1), "next": link(number + 1), "last": link(pages)},
	})
}

// filterIDs reads a comma-separated filter; nil when absent. Keys may be
// underscored or dashed.
func filterIDs(r *http.Request, name string) map[string]bool {
	q := r.URL.Query()
	v := q.Get("filter[" + name + "]")
	if v == "" {
		v = q.Get("filter[" + strings.ReplaceAll(name, "_", "-") + "]")
	}
	if v == "" {
		return nil
	}
	out := map[string]bool{}
	for _, p := range strings.Split(v, ",") {
		out[strings.TrimSpace(p)] = true
	}
	return out
}

// readBody checks the content type (415 otherwise) and decodes a
// {"data":{"type","attributes"}} document, folding dashed attribute keys
// to underscores.
func readBody(w http.ResponseWriter, r *http.Request, wantType string) (map[string]any, bool) {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/vnd.api+json") {
		writeErrors(w, http.StatusUnsupportedMediaType, jerr{Status: 415, Title: "Unsupported Media Type",
			Detail: fmt.Sprintf("Content-Type must be application/vnd.api+json, not %q", ct)})
		return nil, false
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	var doc struct {
		Data *struct {
			Type       string         `json:"type"`
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Data == nil {
		writeErrors(w, http.StatusBadRequest, jerr{Status: 400, Title: "Bad Request", Detail: "The body must be a JSON:API document with a data object"})
		return nil, false
	}
	if t := strings.ReplaceAll(doc.Data.Type, "_", "-"); t != wantType {
		writeErrors(w, http.StatusUnprocessableEntity, jerr{Status: 422, Title: "Unprocessable Entity",
			Detail: "type must be " + wantType, Source: &source{Pointer: "/data/type"}})
		return nil, false
	}
	attrs := map[string]any{}
	for k, v := range doc.Data.Attributes {
		attrs[strings.ReplaceAll(k, "-", "_")] = v
	}
	return attrs, true
}

// intAttr reads an id that clients send as a number or a string.
func intAttr(attrs map[string]any, key string) (int, bool) {
	switch v := attrs[key].(type) {
	case float64:
		return int(v), true
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}
