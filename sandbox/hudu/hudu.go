// Package hudu simulates a Hudu instance's REST API, written from the vendor
// facts (../shared/api-facts.md §3, §5, §6) and Hudu's Swagger, never from
// mspwire's client. Where the Swagger and a live server disagree, it follows
// the live server.
//
// What it reproduces: x-api-key; /api/v1; singular-key bodies
// ({"company":{…}}) and plural-key lists ({"companies":[…]}) paged with page
// (25 by default) and page_size, answering an empty list past the end;
// 200, not 201, on company create; 200 with body null for a missing asset
// layout; matchers that need integration_id (500 without) and a 500 for a
// missing matcher; Rails-style errors; 300 requests per minute with a
// plain-text 429.
package hudu

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

// DemoKey is the API key `mspwire demo` offers.
const DemoKey = "hudu-demo-key-3e8c1b7a9d2f4e6a"

// Version is what /api/v1/api_info reports unless changed.
const Version = "2.44.0"

// Integration ids, as in the URL of each integration's page in Hudu.
const (
	HaloPSAIntegration  = 1
	LiongardIntegration = 2
)

// DefaultPageSize is Hudu's documented page.
const DefaultPageSize = 25

// Sim is one simulated Hudu instance.
type Sim struct {
	*simkit.Server
	mu           sync.Mutex
	w            *world.World
	version      string
	data         *data
	*simkit.Keys // valid API keys: Add and Revoke them to rotate
}

// New makes a simulator over the world.
func New(w *world.World) *Sim {
	s := &Sim{w: w, version: Version, Keys: simkit.NewKeys()}
	s.Server = simkit.New("hudu", simkit.Options{
		Limit: simkit.Limit{Requests: 300, Per: time.Minute}, Seed: w.Seed,
		RateLimited: func(w http.ResponseWriter, _ time.Duration) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte("Retry later\n"))
		},
		Reset: s.reset, Dump: s.dump,
		Admin: map[string]http.HandlerFunc{"POST /new-secret": func(w http.ResponseWriter, _ *http.Request) {
			simkit.WriteJSON(w, http.StatusOK, map[string]string{"api_key": s.Issue("hudu-key")})
		}},
	})
	s.reset()
	s.routes()
	return s
}

// SetVersion changes the version api_info reports, to test old instances.
func (s *Sim) SetVersion(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version = v
}

func (s *Sim) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = seed(s.w)
	s.Keys.Reset(DemoKey)
}

func (s *Sim) routes() {
	s.Handle("GET /api/v1/api_info", s.authed(s.apiInfo))
	s.Handle("GET /api/v1/companies", s.authed(s.listCompanies))
	s.Handle("POST /api/v1/companies", s.authed(s.createCompany))
	s.Handle("GET /api/v1/companies/{id}", s.authed(s.getCompany))
	s.Handle("GET /api/v1/asset_layouts", s.authed(s.listLayouts))
	s.Handle("POST /api/v1/asset_layouts", s.authed(s.createLayout))
	s.Handle("GET /api/v1/asset_layouts/{id}", s.authed(s.getLayout))
	s.Handle("GET /api/v1/assets", s.authed(s.listAssets))
	s.Handle("GET /api/v1/companies/{company_id}/assets", s.authed(s.listAssets))
	s.Handle("GET /api/v1/matchers", s.authed(s.listMatchers))
	s.Handle("PUT /api/v1/matchers/{id}", s.authed(s.updateMatcher))
}

func (s *Sim) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.Valid(r.Header.Get("x-api-key")) {
			simkit.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "Bad credentials"})
			return
		}
		h(w, r)
	}
}

func (s *Sim) apiInfo(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	v := s.version
	s.mu.Unlock()
	simkit.WriteJSON(w, http.StatusOK, map[string]string{"version": v, "date": "2026-10-14"})
}

// paged writes {key: page} by page/page_size; past the end the list is empty.
func paged[T any](w http.ResponseWriter, r *http.Request, key string, items []T, pageSizeAllowed bool) {
	size := DefaultPageSize
	if pageSizeAllowed {
		if v, err := strconv.Atoi(r.URL.Query().Get("page_size")); err == nil && v > 0 {
			size = v
		}
	}
	page := 1
	if v, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && v > 0 {
		page = v
	}
	start := min((page-1)*size, len(items))
	end := min(start+size, len(items))
	out := items[start:end]
	if out == nil {
		out = []T{}
	}
	simkit.WriteJSON(w, http.StatusOK, map[string]any{key: out})
}

// unwrap reads a singular-key body; a missing key is Rails' 400.
func unwrap(w http.ResponseWriter, r *http.Request, key string) (map[string]any, bool) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	var body map[string]json.RawMessage
	_ = json.Unmarshal(raw, &body)
	var inner map[string]any
	if body[key] == nil || json.Unmarshal(body[key], &inner) != nil || len(inner) == 0 {
		simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "Parameter missing",
			"details": "param is missing or the value is empty: " + key})
		return nil, false
	}
	return inner, true
}

func blank(v any) bool {
	s, _ := v.(string)
	return strings.TrimSpace(s) == ""
}

func serverError(w http.ResponseWriter) {
	simkit.WriteJSON(w, http.StatusInternalServerError, map[string]any{"status": 500, "error": "Internal Server Error"})
}
