// Package liongard simulates a Liongard instance's v1 and v2 APIs, written
// from the vendor facts (../shared/api-facts.md §4–§6) and Liongard's OpenAPI
// documents, never from mspwire's client.
//
// What it reproduces: X-ROAR-API-KEY = base64(AccessKeyID:Secret); a 301 from
// a collection path without its trailing slash to the slashed one (GET only —
// a redirected POST would lose its body); v1 bare arrays and bare-integer
// counts with fields[] projection and conditions[]; v2 {Success, Data,
// Pagination} envelopes and {Success:false, Message} errors, including the
// vendor's "Enitity not found"; Tier "Essential" in v1 and "Essentials" in
// v2; alerts at /tasks; metrics evaluate bodies that must carry Pagination
// and (possibly empty) Filters and Sorting; 2000 requests per 5 minutes with
// Retry-After in (fractional) seconds and X-RateLimit-* headers.
package liongard

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

// AccessKey is an access token from Account Settings > Access Tokens.
type AccessKey struct {
	ID      string
	Secret  string
	Expires time.Time // zero: never
}

// DemoKey is what `mspwire demo` offers.
var DemoKey = AccessKey{ID: "lg-demo-7c41e0", Secret: "lg-demo-secret-b8f3a2d94e1c60f7", Expires: time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)}

// Limit is Liongard's published budget.
var Limit = simkit.Limit{Requests: 2000, Per: 5 * time.Minute}

// Sim is one simulated Liongard instance.
type Sim struct {
	*simkit.Server
	mu   sync.Mutex
	w    *world.World
	keys map[string]AccessKey
	data *data
	// ticketer opens the PSA tickets of alert templates (SetTicketer).
	ticketer Ticketer
	// flexPusher refreshes IT Glue's flexible assets (SetFlexPusher).
	flexPusher FlexPusher
}

// New makes a simulator over the world.
func New(w *world.World) *Sim {
	s := &Sim{w: w}
	s.Server = simkit.New("liongard", simkit.Options{
		Limit: Limit, Seed: w.Seed, RateLimited: s.rateLimited, Reset: s.reset, Dump: s.dump,
		Admin: map[string]http.HandlerFunc{"POST /new-secret": func(w http.ResponseWriter, _ *http.Request) {
			k := s.NewKey()
			simkit.WriteJSON(w, http.StatusOK, map[string]any{"access_key_id": k.ID, "access_key_secret": k.Secret, "expires": k.Expires.Format(time.DateOnly)})
		}, "POST /templates": s.adminTemplates, "POST /flexible-assets": s.adminFlexibleAssets},
	})
	s.reset()
	s.routes()
	return s
}

func (s *Sim) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = map[string]AccessKey{DemoKey.ID: DemoKey}
	s.data = seed(s.w)
	seedTemplates(s.data, s.w.Clean)
}

// NewKey issues a new access key, as Account Settings > Access Tokens
// does; the old keys stay valid until deleted.
func (s *Sim) NewKey() AccessKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.keys)
	k := AccessKey{ID: fmt.Sprintf("lg-key-%d-%x", n, time.Now().UnixNano()&0xffffff),
		Secret: fmt.Sprintf("lg-secret-%d-%x", n, time.Now().UnixNano()), Expires: time.Now().AddDate(1, 0, 0).UTC().Truncate(24 * time.Hour)}
	s.keys[k.ID] = k
	return k
}

// AddKey adds an access key, e.g. an expired one for a test.
func (s *Sim) AddKey(k AccessKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[k.ID] = k
}

func (s *Sim) routes() {
	for _, v := range []string{"v1", "v2"} {
		s.collection(v, "environments")
	}
	s.collection("v1", "inspectors")
	s.collection("v1", "launchpoints")
	s.collection("v1", "systems")
	s.collection("v1", "tasks")
	s.collection("v2", "environment-groups")

	s.Handle("GET /api/v1/environments/count", s.authed(s.count(func(d *data) int { return len(d.envs) })))
	s.Handle("GET /api/v1/environments/{id}", s.authed(s.v1GetEnvironment))
	s.Handle("POST /api/v1/environments", s.authed(s.v1CreateEnvironment))
	s.Handle("PUT /api/v1/environments/{id}", s.authed(s.v1UpdateEnvironment))
	s.Handle("GET /api/v1/tasks/count", s.authed(s.count(func(d *data) int { return len(d.tasks) })))
	s.Handle("GET /api/v1/systems/count", s.authed(s.count(func(d *data) int { return len(d.systems) })))
	s.Handle("GET /api/v1/launchpoints/{id}/run", s.authed(s.v1RunLaunchpoint))
	s.Handle("POST /api/v1/launchpoints/run", s.authed(s.v1BulkRun))

	s.Handle("GET /api/v2/environments/count", s.authed(s.v2CountEnvironments))
	s.Handle("GET /api/v2/environments/{id}", s.authed(s.v2GetEnvironment))
	s.Handle("POST /api/v2/environments/{$}", s.authed(s.v2CreateEnvironment))
	s.Handle("POST /api/v2/environments", s.authed(s.v2CreateEnvironment))
	s.Handle("PUT /api/v2/environments/{id}", s.authed(s.v2UpdateEnvironment))
	s.Handle("POST /api/v2/environments/bulk", s.authed(s.v2BulkCreateEnvironments))
	s.Handle("POST /api/v2/environment-groups", s.authed(s.v2CreateGroup))
	s.Handle("PUT /api/v2/environment-groups/{id}", s.authed(s.v2UpdateGroup))
	s.metricRoutes()
}

// collection serves GET /api/{v}/{name}/ and answers the unslashed path
// with a 301 to it, as Liongard's edge does.
func (s *Sim) collection(version, name string) {
	base := "/api/" + version + "/" + name
	handlers := map[string]http.HandlerFunc{
		"v1/environments": s.v1ListEnvironments, "v1/inspectors": s.v1ListInspectors,
		"v1/launchpoints": s.v1ListLaunchpoints, "v1/systems": s.v1ListSystems, "v1/tasks": s.v1ListTasks, "v1/metrics": s.v1ListMetrics,
		"v2/environments": s.v2ListEnvironments, "v2/environment-groups": s.v2ListGroups,
	}
	s.Handle("GET "+base, func(w http.ResponseWriter, r *http.Request) {
		target := base + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
	})
	s.Handle("GET "+base+"/{$}", s.authed(handlers[version+"/"+name]))
}

// authed checks X-ROAR-API-KEY: base64("<AccessKeyID>:<AccessKeySecret>").
func (s *Sim) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		raw := r.Header.Get("X-ROAR-API-KEY")
		if raw == "" {
			if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer") {
				failure(w, http.StatusUnauthorized, "Malformed authorization header")
				return
			}
			failure(w, http.StatusUnauthorized, "Session appears to be invalid")
			return
		}
		decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(raw))
		id, secret, ok := strings.Cut(string(decoded), ":")
		s.mu.Lock()
		key, known := s.keys[id]
		s.mu.Unlock()
		switch {
		case err != nil || !ok || !known || key.Secret != secret:
			failure(w, http.StatusUnauthorized, "Session appears to be invalid")
		case !key.Expires.IsZero() && time.Now().After(key.Expires):
			failure(w, http.StatusUnauthorized, "Access key has expired")
		default:
			h(w, r)
		}
	}
}

// failure is Liongard's error envelope.
func failure(w http.ResponseWriter, status int, msg string) {
	simkit.WriteJSON(w, status, map[string]any{"Success": false, "Message": msg})
}

func (s *Sim) rateLimited(w http.ResponseWriter, retryAfter time.Duration) {
	secs := math.Max(retryAfter.Seconds(), 0.001)
	w.Header().Set("Retry-After", strconv.FormatFloat(secs, 'f', 3, 64))
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(Limit.Requests))
	w.Header().Set("X-RateLimit-Remaining", "0")
	w.Header().Set("X-RateLimit-Reset", time.Now().Add(retryAfter).UTC().Format(time.RFC3339))
	simkit.WriteJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too many requests, please try again later."})
}

// ok writes the v2 envelope.
func ok(w http.ResponseWriter, data any, pagination *pagination) {
	body := map[string]any{"Success": true, "Data": data}
	if pagination != nil {
		body["Pagination"] = pagination
	}
	simkit.WriteJSON(w, http.StatusOK, body)
}

type pagination struct {
	TotalRows   int  `json:"TotalRows"`
	HasMoreRows bool `json:"HasMoreRows"`
	CurrentPage int  `json:"CurrentPage"`
	TotalPages  int  `json:"TotalPages"`
	PageSize    int  `json:"PageSize"`
}

// MaxPageSize caps v2 pages (a client in the wild assumes 2000).
const MaxPageSize = 2000

// page slices items by page/pageSize; without them the whole list comes back.
func page[T any](items []T, pageNo, size int) ([]T, *pagination) {
	if pageNo <= 0 && size <= 0 {
		return items, nil
	}
	pageNo = max(pageNo, 1)
	if size <= 0 {
		size = 25
	}
	size = min(size, MaxPageSize)
	total := len(items)
	start := min((pageNo-1)*size, total)
	end := min(start+size, total)
	pages := (total + size - 1) / size
	return items[start:end], &pagination{TotalRows: total, HasMoreRows: end < total, CurrentPage: pageNo, TotalPages: pages, PageSize: size}
}

func queryInt(r *http.Request, names ...string) int {
	for _, n := range names {
		if v, err := strconv.Atoi(r.URL.Query().Get(n)); err == nil {
			return v
		}
	}
	return 0
}

// decode reads a JSON body, answering 400 in Liongard's form when it is not.
func decode(w http.ResponseWriter, r *http.Request, into any) bool {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err := json.Unmarshal(body, into); err != nil {
		failure(w, http.StatusBadRequest, "Failure")
		return false
	}
	return true
}

func pathID(r *http.Request) int {
	id, _ := strconv.Atoi(r.PathValue("id"))
	return id
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func errorf(w http.ResponseWriter, format string, a ...any) {
	failure(w, http.StatusBadRequest, fmt.Sprintf(format, a...))
}
