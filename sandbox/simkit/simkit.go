// Package simkit is what every vendor simulator shares: a router that
// records its routes (for the contract tests), a rolling-window rate limit,
// per-route fault injection and the /_sandbox/ admin API.
package simkit

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Route is one method and path pattern a simulator serves, in the vendor's
// spelling ("GET /api/Client/{id}").
type Route struct {
	Method  string
	Pattern string
}

// Fault is what to do to requests on a route (or "*" for all).
type Fault struct {
	ErrorRate float64       `json:"error_rate"` // share of requests answered with Status
	Status    int           `json:"status"`     // default 500
	Latency   time.Duration `json:"latency"`    // added before answering
	Burst429  int           `json:"burst_429"`  // the next N requests get the vendor's 429
	Drop      bool          `json:"drop"`       // close the connection without answering
	DropNext  int           `json:"drop_next"`  // drop the next N requests only
	HangNext  int           `json:"hang_next"`  // hold the next N requests until the client gives up
	// LoseReply is the share of requests carried out and then answered by
	// a closed connection: the write landed, the client cannot know.
	LoseReply float64 `json:"lose_reply"`
	// GarbleNext carries out the next N requests and answers each 200
	// with a body that is not JSON (a proxy's page): the write landed.
	GarbleNext int `json:"garble_next"`
	// Busy is how long the vendor works on a request before it has
	// carried it out: unlike Latency, the work goes on when the client has
	// gone (killed mid-call), as a real server's does.
	Busy time.Duration `json:"busy"`
}

// Limit is a rolling-window budget: at most Requests in any Per.
type Limit struct {
	Requests int           `json:"requests"`
	Per      time.Duration `json:"per"`
}

// Server is a simulator's HTTP face.
type Server struct {
	Name string
	mux  *http.ServeMux

	mu      sync.Mutex
	routes  []Route
	faults  map[string]*Fault // by pattern, "*" for all
	limit   Limit
	hits    []time.Time
	rng     *rand.Rand
	counts  map[string]int // requests per pattern, for tests and the state dump
	faulted map[string]int // injected faults by kind
	reject  func(w http.ResponseWriter, retryAfter time.Duration)
	fold    bool // paths are case-insensitive (HaloPSA)
	onReset func()
	dump    func() any
	extra   map[string]http.HandlerFunc
	now     func() time.Time // the rate limit's clock; nil: time.Now
}

// Options configure a Server.
type Options struct {
	Limit         Limit
	Seed          uint64
	CaseFoldPaths bool
	// RateLimited writes the vendor's own 429.
	RateLimited func(w http.ResponseWriter, retryAfter time.Duration)
	Reset       func()     // restore the seeded world
	Dump        func() any // the state as JSON
	// Admin adds vendor-specific admin calls, keyed "POST /rotate-secret"
	// (served under /_sandbox/).
	Admin map[string]http.HandlerFunc
	// Now is the rate limit's clock; nil: the real one (tests pass theirs).
	Now func() time.Time
}

// New makes a server.
func New(name string, o Options) *Server {
	return &Server{
		Name: name, mux: http.NewServeMux(), faults: map[string]*Fault{}, limit: o.Limit,
		rng: rand.New(rand.NewPCG(o.Seed, 7)), counts: map[string]int{}, faulted: map[string]int{}, reject: o.RateLimited,
		fold: o.CaseFoldPaths, onReset: o.Reset, dump: o.Dump, extra: o.Admin, now: o.Now,
	}
}

// Handle registers a vendor route. Pattern is "METHOD /path/{var}".
func (s *Server) Handle(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, Route{Method: method, Pattern: path})
	key := pattern
	if s.fold {
		key = method + " " + strings.ToLower(path)
	}
	s.mux.HandleFunc(key, s.wrap(pattern, h))
}

// Routes lists the vendor routes served.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Count is how many requests reached a route pattern ("GET /api/Client").
func (s *Server) Count(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[pattern]
}

// Total is how many requests reached the vendor's routes.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.counts {
		n += c
	}
	return n
}

// Injected counts the faults injected so far, by kind ("500", "429",
// "drop", "lost_reply", "hang"), and the requests refused by the rate
// limit ("over_limit").
func (s *Server) Injected() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.faulted))
	for k, v := range s.faulted {
		out[k] = v
	}
	return out
}

// SetLimit switches the rate budget; zero Requests turns it off.
func (s *Server) SetLimit(l Limit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit, s.hits = l, nil
}

// SetFault sets the fault for a route pattern, or "*" for every route.
func (s *Server) SetFault(pattern string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[pattern] = &f
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string]*Fault{}
}

// ServeHTTP serves the admin API and the vendor routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
		s.admin(w, r)
		return
	}
	if s.fold {
		r.URL.Path = strings.ToLower(r.URL.Path)
		r.URL.RawPath = ""
	}
	s.mux.ServeHTTP(w, r)
}

// wrap applies rate limit and faults before the vendor handler.
func (s *Server) wrap(pattern string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.counts[pattern]++
		f := s.fault(pattern)
		now := time.Now
		if s.now != nil {
			now = s.now
		}
		limited, retryAfter := s.overLimit(now())
		switch {
		case f.hang:
			s.faulted["hang"]++
		case f.drop:
			s.faulted["drop"]++
		case f.tooMany:
			s.faulted["429"]++
		case limited:
			s.faulted["over_limit"]++
		case f.fail:
			s.faulted[strconv.Itoa(f.status)]++
		case f.loseReply:
			s.faulted["lost_reply"]++
		case f.garble:
			s.faulted["garbled"]++
		}
		s.mu.Unlock()

		if f.Busy > 0 {
			time.Sleep(f.Busy) // the vendor's own work: a client that left does not stop it
			r = r.WithContext(context.WithoutCancel(r.Context()))
		}
		if f.Latency > 0 {
			select {
			case <-time.After(f.Latency):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case f.hang:
			<-r.Context().Done()
			return
		case f.drop:
			drop(w)
			return
		case f.tooMany || limited:
			s.reject(w, retryAfter)
			return
		case f.fail:
			WriteJSON(w, f.status, map[string]any{"message": "injected fault"})
			return
		case f.loseReply:
			h(discard{header: http.Header{}}, r)
			drop(w)
			return
		case f.garble:
			h(discard{header: http.Header{}}, r)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("<html><body>Request accepted</body></html>"))
			return
		}
		h(w, r)
	}
}

type decided struct {
	Latency, Busy                                time.Duration
	hang, drop, tooMany, fail, loseReply, garble bool
	status                                       int
}

// discard is an answer nobody will read.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// fault decides, under the lock, what happens to this request.
func (s *Server) fault(pattern string) decided {
	var d decided
	for _, key := range []string{pattern, "*"} {
		f := s.faults[key]
		if f == nil {
			continue
		}
		d.Latency = max(d.Latency, f.Latency)
		d.Busy = max(d.Busy, f.Busy)
		switch {
		case f.HangNext > 0:
			f.HangNext--
			d.hang = true
		case f.DropNext > 0:
			f.DropNext--
			d.drop = true
		case f.GarbleNext > 0:
			f.GarbleNext--
			d.garble = true
		case f.Drop:
			d.drop = true
		case f.Burst429 > 0:
			f.Burst429--
			d.tooMany = true
		case f.ErrorRate > 0 && s.rng.Float64() < f.ErrorRate:
			d.fail, d.status = true, f.Status
			if d.status == 0 {
				d.status = http.StatusInternalServerError
			}
		case f.LoseReply > 0 && s.rng.Float64() < f.LoseReply:
			d.loseReply = true
		}
	}
	return d
}

// overLimit counts this request against the rolling window; when full it
// says how long until the oldest request leaves it.
func (s *Server) overLimit(now time.Time) (bool, time.Duration) {
	if s.limit.Requests <= 0 {
		return false, 0
	}
	cut := now.Add(-s.limit.Per)
	i := 0
	for i < len(s.hits) && !s.hits[i].After(cut) {
		i++
	}
	s.hits = s.hits[i:]
	if len(s.hits) >= s.limit.Requests {
		return true, s.hits[0].Sub(cut)
	}
	s.hits = append(s.hits, now)
	return false, 0
}

// drop closes the connection without an answer, like a proxy that died.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// admin is the /_sandbox/ API: state, reset, faults, limit, counts, and
// the faults injected so far.
func (s *Server) admin(w http.ResponseWriter, r *http.Request) {
	call := r.Method + " " + strings.TrimPrefix(r.URL.Path, "/_sandbox")
	if h, ok := s.extra[call]; ok {
		h(w, r)
		return
	}
	switch call {
	case "GET /state":
		var state any
		if s.dump != nil {
			state = s.dump()
		}
		WriteJSON(w, http.StatusOK, state)
	case "POST /reset":
		if s.onReset != nil {
			s.onReset()
		}
		s.ClearFaults()
		s.mu.Lock()
		s.hits, s.counts = nil, map[string]int{}
		s.mu.Unlock()
		WriteJSON(w, http.StatusOK, map[string]string{"reset": s.Name})
	case "POST /faults":
		var body struct {
			Route string `json:"route"`
			Fault
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if body.Route == "" {
			body.Route = "*"
		}
		s.SetFault(body.Route, body.Fault)
		WriteJSON(w, http.StatusOK, body)
	case "DELETE /faults":
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	case "POST /limit":
		var l Limit
		if err := json.NewDecoder(r.Body).Decode(&l); err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		s.SetLimit(l)
		WriteJSON(w, http.StatusOK, l)
	case "GET /injected":
		WriteJSON(w, http.StatusOK, s.Injected())
	case "GET /counts":
		s.mu.Lock()
		counts := make(map[string]int, len(s.counts))
		for k, v := range s.counts {
			counts[k] = v
		}
		s.mu.Unlock()
		WriteJSON(w, http.StatusOK, counts)
	default:
		WriteJSON(w, http.StatusNotFound, map[string]string{"error": "unknown sandbox admin call " + r.Method + " " + r.URL.Path})
	}
}

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Keys is a set of valid API keys, for vendors whose keys can be created
// and revoked.
type Keys struct {
	mu  sync.Mutex
	set map[string]bool
}

// NewKeys starts with the given keys valid.
func NewKeys(keys ...string) *Keys {
	k := &Keys{}
	k.Reset(keys...)
	return k
}

// Add makes a key valid, as creating one in the vendor's console does.
func (k *Keys) Add(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.set[key] = true
}

// Issue makes a new valid key with the prefix, as the vendor's console
// does when an admin creates one; the old keys stay valid until revoked.
func (k *Keys) Issue(prefix string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	key := fmt.Sprintf("%s-%d-%x", prefix, len(k.set), time.Now().UnixNano())
	k.set[key] = true
	return key
}

// Revoke makes a key invalid.
func (k *Keys) Revoke(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.set, key)
}

// Reset makes exactly these keys valid, as a fresh account has.
func (k *Keys) Reset(keys ...string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.set = map[string]bool{}
	for _, key := range keys {
		k.set[key] = true
	}
}

// Valid says whether a key is valid.
func (k *Keys) Valid(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.set[key]
}
