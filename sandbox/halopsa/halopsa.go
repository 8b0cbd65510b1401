// Package halopsa simulates a hosted HaloPSA tenant's REST API, written from
// the vendor facts (../shared/api-facts.md §1, §5, §6) and Halo's own
// OpenAPI document, never from mspwire's client.
//
// What it reproduces: the OAuth2 client-credentials token endpoint at
// /auth/token (form-encoded, optional tenant, OpenIddict-style errors);
// Bearer tokens that expire; case-insensitive paths; POST-an-array upserts;
// pageinate/page_no/page_size paging with {page_no, page_size, record_count,
// <plural>} wrappers and count= without paging; bare arrays for Agent, Team,
// TicketType, Status, Priority and SLA; permissions as the intersection of
// the application's scopes and its agent; a 300-per-rolling-5-minutes 429
// with Halo's text and no Retry-After.
package halopsa

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

// MaxPageSize is the largest page the simulator serves; larger requests
// get this many. Halo documents no maximum; 1000 is what the most used
// client (HaloAPI-PS) asks for and gets.
const MaxPageSize = 1000

// App is an API application: Configuration > Integrations > Halo API.
type App struct {
	ClientID     string
	ClientSecret string
	AgentID      int
	Scopes       []string // "all", or e.g. "read:customers"
}

// Demo applications. The first is what `mspwire demo` offers; the second
// lacks Liongard's permissions, for the "missing permissions" path.
var (
	DemoApp    = App{ClientID: "3c0f4e7a-demo-halo-liongard", ClientSecret: "halo-demo-secret-5f2b9d1c7e8a4036", AgentID: 2, Scopes: []string{"all"}}
	LimitedApp = App{ClientID: "9a1d2b3c-demo-halo-readonly", ClientSecret: "halo-readonly-secret-0c4d8e2f6a1b", AgentID: 3, Scopes: []string{"read:customers", "read:tickets"}}
)

// Sim is one simulated tenant.
type Sim struct {
	*simkit.Server
	Tenant string

	mu       sync.Mutex
	w        *world.World
	apps     map[string]App
	tokens   map[string]token
	tokenTTL time.Duration
	clock    func() time.Time // when tokens are issued and expire; nil: the real one
	nextTok  int
	data     *data
}

type token struct {
	app     App
	expires time.Time
}

// New makes a simulator over the world.
func New(w *world.World, tenant string) *Sim {
	s := &Sim{Tenant: tenant, w: w, tokenTTL: time.Hour}
	s.Server = simkit.New("halopsa", simkit.Options{
		Limit:         simkit.Limit{Requests: 300, Per: 5 * time.Minute},
		Seed:          w.Seed,
		CaseFoldPaths: true,
		RateLimited:   rateLimited,
		Reset:         s.reset,
		Dump:          s.dump,
		Admin:         map[string]http.HandlerFunc{"POST /rotate-secret": s.adminRotateSecret, "POST /new-secret": s.adminRotateSecret, "POST /keep": s.adminKeep},
	})
	s.reset()
	s.routes()
	return s
}

// SetTokenTTL changes how long new tokens live, to test renewal.
func (s *Sim) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenTTL = d
}

// SetClock sets the clock tokens are issued and expire by, so a test moves
// time on instead of waiting for it.
func (s *Sim) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

// now is the token clock; s.mu held.
func (s *Sim) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

// RotateSecret gives an application a new client secret. As in HaloPSA, the
// old secret stops working at once (tokens already issued live on).
func (s *Sim) RotateSecret(clientID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.apps[clientID]
	if !ok {
		return "", false
	}
	s.nextTok++
	app.ClientSecret = fmt.Sprintf("halo-rotated-secret-%d-%d", s.nextTok, time.Now().UnixNano())
	s.apps[clientID] = app
	return app.ClientSecret, true
}

func (s *Sim) adminRotateSecret(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ClientID string `json:"client_id"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	if body.ClientID == "" {
		body.ClientID = DemoApp.ClientID
	}
	secret, ok := s.RotateSecret(body.ClientID)
	if !ok {
		simkit.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "no application " + body.ClientID})
		return
	}
	simkit.WriteJSON(w, http.StatusOK, map[string]string{"client_id": body.ClientID, "client_secret": secret})
}

// RenameClient renames a client, as an agent would in Halo's console (the
// API's upsert does the same): to test names that changed after a decision.
func (s *Sim) RenameClient(id int, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.data.clients[id]
	if c == nil {
		return false
	}
	// Halo joins a record's client_name at read time: every record shows
	// the new name.
	c.Name = name
	s.data.sites[c.MainSiteID].ClientName = name
	for _, inv := range s.data.invoices {
		if inv.ClientID == id {
			inv.ClientName = name
		}
	}
	for _, a := range s.data.assets {
		if a.ClientID == id {
			a.ClientName = name
		}
	}
	for i := range s.data.users {
		if s.data.users[i].ClientID == id {
			s.data.users[i].ClientName = name
		}
	}
	for i := range s.data.tickets {
		if s.data.tickets[i].ClientID == id {
			s.data.tickets[i].ClientName = name
		}
	}
	return true
}

// ExpireTokens ends every token now, as a restart of Halo's auth server would.
func (s *Sim) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]token{}
}

func (s *Sim) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps = map[string]App{DemoApp.ClientID: DemoApp, LimitedApp.ClientID: LimitedApp}
	s.tokens = map[string]token{}
	s.data = seed(s.w)
}

func (s *Sim) routes() {
	s.Handle("POST /auth/token", s.token)
	s.Handle("GET /api/Client", s.authed("read:customers", s.listClients))
	s.Handle("GET /api/Client/{id}", s.authed("read:customers", s.getClient))
	s.Handle("POST /api/Client", s.authed("edit:customers", s.postClients))
	s.Handle("GET /api/Site", s.authed("read:customers", s.listSites))
	s.Handle("POST /api/Site", s.authed("edit:customers", s.postSites))
	s.Handle("GET /api/Agent", s.authed("", s.listAgents))
	s.Handle("GET /api/Agent/me", s.authed("", s.me))
	s.Handle("GET /api/Team", s.authed("", s.listTeams))
	s.Handle("GET /api/TicketType", s.authed("read:tickets", s.listTicketTypes))
	s.Handle("GET /api/TicketType/{id}", s.authed("read:tickets", s.getTicketType))
	s.Handle("GET /api/Status", s.authed("read:tickets", s.listStatuses))
	s.Handle("GET /api/Priority", s.authed("read:tickets", s.listPriorities))
	s.Handle("GET /api/SLA", s.authed("read:tickets", s.listSLAs))
	s.billingRoutes()
	s.assetRoutes()
}

// rateLimited is Halo's 429: its own sentence, no Retry-After (clients in the
// wild back off on their own; none reads one).
func rateLimited(w http.ResponseWriter, _ time.Duration) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte("Rate Limit Reached - 300 Requests per rolling 5 minute window"))
}

// token is the OAuth2 client-credentials grant. Hosted Halo takes the
// tenant from the host, so ?tenant= and a tenant form field are optional,
// but a wrong one is refused.
func (s *Sim) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request must be form-encoded (application/x-www-form-urlencoded).")
		return
	}
	if t := r.Form.Get("tenant"); t != "" && !strings.EqualFold(t, s.Tenant) {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The specified tenant is not valid.")
		return
	}
	if gt := r.Form.Get("grant_type"); gt != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The specified 'grant_type' is not supported.")
		return
	}
	s.mu.Lock()
	app, ok := s.apps[r.Form.Get("client_id")]
	s.mu.Unlock()
	if !ok || app.ClientSecret != r.Form.Get("client_secret") {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "The specified client credentials are invalid.")
		return
	}
	granted, ok := grant(app.Scopes, strings.Fields(r.Form.Get("scope")))
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_scope", "The specified 'scope' is not allowed for this application.")
		return
	}
	s.mu.Lock()
	s.nextTok++
	access := "halo-sandbox-token-" + strconv.Itoa(s.nextTok) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	ttl := s.tokenTTL
	s.tokens[access] = token{app: App{ClientID: app.ClientID, AgentID: app.AgentID, Scopes: granted}, expires: s.now().Add(ttl)}
	s.mu.Unlock()
	simkit.WriteJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "access_token": access, "expires_in": int(ttl.Seconds()),
		"scope": strings.Join(granted, " "),
	})
}

// grant is what a token may do: the requested scopes the application allows;
// "all" asked of an application with less gets what it has.
func grant(allowed, requested []string) ([]string, bool) {
	if len(requested) == 0 {
		requested = []string{"all"}
	}
	has := map[string]bool{}
	for _, a := range allowed {
		has[a] = true
	}
	var out []string
	for _, q := range requested {
		switch {
		case has["all"] || has[q]:
			out = append(out, q)
		case q == "all":
			out = append(out, allowed...)
		default:
			return nil, false
		}
	}
	return out, true
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	simkit.WriteJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// authed checks the Bearer token and the scope a route needs ("" = any).
func (s *Sim) authed(scope string, h func(w http.ResponseWriter, r *http.Request, app App)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		tok, found := s.tokens[strings.TrimSpace(raw)]
		expired := found && s.now().After(tok.expires)
		s.mu.Unlock()
		if !ok || !found || expired {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The access token is not valid."`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if scope != "" && !allows(tok.app.Scopes, scope) {
			simkit.WriteJSON(w, http.StatusForbidden, map[string]string{
				"ClassName": "HaloApiException",
				"Message":   "You do not have permission to perform this action (" + scope + ").",
			})
			return
		}
		h(w, r, tok.app)
	}
}

// allows: "all" covers everything, edit:x covers read:x.
func allows(scopes []string, need string) bool {
	for _, s := range scopes {
		if s == "all" || s == need || strings.TrimPrefix(need, "read:") != need && s == "edit:"+strings.TrimPrefix(need, "read:") {
			return true
		}
	}
	return false
}

// boolParam reads Halo's booleans as clients send them: true, True, 1.
func boolParam(r *http.Request, name string) (bool, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, false
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	return b && err == nil, true
}

func intParam(r *http.Request, name string, def int) int {
	if n, err := strconv.Atoi(r.URL.Query().Get(name)); err == nil {
		return n
	}
	return def
}

// paged applies Halo's list conventions and writes the wrapper.
func paged[T any](w http.ResponseWriter, r *http.Request, key string, items []T) {
	total := len(items)
	body := map[string]any{"record_count": total}
	if paginate, _ := boolParam(r, "pageinate"); paginate {
		size := min(max(intParam(r, "page_size", 50), 1), MaxPageSize)
		page := max(intParam(r, "page_no", 1), 1)
		start := min((page-1)*size, total)
		end := min(start+size, total)
		body["page_no"], body["page_size"] = page, size
		items = items[start:end]
	} else if n := intParam(r, "count", 0); n > 0 && n < len(items) {
		items = items[:n]
	}
	if items == nil {
		items = []T{}
	}
	body[key] = items
	simkit.WriteJSON(w, http.StatusOK, body)
}

func sortedIDs[T any](m map[int]T) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}
