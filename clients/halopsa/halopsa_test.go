package halopsa_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/httpx"
	simhalo "github.com/mspwire/mspwire/sandbox/halopsa"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

var ctx = context.Background()

// sandbox serves a simulated tenant over real loopback HTTP.
func sandbox(t testing.TB, companies int) (*simhalo.Sim, string) {
	t.Helper()
	sim := simhalo.New(world.New(42, companies), "sandbox")
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func connect(t testing.TB, url string, app simhalo.App, pageSize int) *halopsa.Client {
	t.Helper()
	c, err := halopsa.New(halopsa.Config{BaseURL: url + "/", ClientID: app.ClientID, ClientSecret: app.ClientSecret,
		BackoffBase: 5 * time.Millisecond, PageSize: pageSize})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPaginationAtPageSizeBoundaries(t *testing.T) {
	const pageSize = 5
	for _, n := range []int{0, 1, pageSize, pageSize + 1, 3 * pageSize} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			sim, url := sandbox(t, 0)
			c := connect(t, url, simhalo.DemoApp, pageSize)
			var fresh []halopsa.NewClient
			for i := range n {
				fresh = append(fresh, halopsa.NewClient{Name: fmt.Sprintf("Client %02d", i)})
			}
			if _, err := c.CreateClients(ctx, fresh); err != nil {
				t.Fatal(err)
			}
			got, err := c.ListClients(ctx, halopsa.ListClientsOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("listed %d clients, want %d", len(got), n)
			}
			seen := map[int]bool{}
			for _, cl := range got {
				if seen[cl.ID] {
					t.Fatalf("client %d listed twice", cl.ID)
				}
				seen[cl.ID] = true
			}
			wantPages := max(1, (n+pageSize-1)/pageSize)
			if pages := sim.Count("GET /api/Client"); pages != wantPages {
				t.Fatalf("%d page requests for %d clients, want %d", pages, n, wantPages)
			}
		})
	}
}

func TestInactiveClientsOnlyWhenAsked(t *testing.T) {
	_, url := sandbox(t, 400)
	c := connect(t, url, simhalo.DemoApp, 0)
	active, err := c.ListClients(ctx, halopsa.ListClientsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	inactive := 0
	for _, cl := range all {
		if cl.Inactive {
			inactive++
		}
	}
	if inactive == 0 || len(all)-inactive != len(active) {
		t.Fatalf("%d active, %d in all with %d inactive", len(active), len(all), inactive)
	}
}

func TestExpiredTokenIsRenewedOnce(t *testing.T) {
	sim, url := sandbox(t, 20)
	c := connect(t, url, simhalo.DemoApp, 0)
	if _, err := c.ListTeams(ctx); err != nil {
		t.Fatal(err)
	}
	sim.ExpireTokens() // mid-run, as when Halo's auth server restarts
	if _, err := c.ListTeams(ctx); err != nil {
		t.Fatalf("after the token expired: %v", err)
	}
	if n := sim.Count("POST /auth/token"); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
}

func TestShortLivedTokenIsRenewedBeforeExpiry(t *testing.T) {
	// One clock for Halo and the client, moved on by the test.
	var mu sync.Mutex
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return at }
	sim, url := sandbox(t, 5)
	sim.SetTokenTTL(2 * time.Second) // renewed a tenth of its life early: after 1.8 s
	sim.SetClock(now)
	c, err := halopsa.New(halopsa.Config{BaseURL: url, ClientID: simhalo.DemoApp.ClientID, ClientSecret: simhalo.DemoApp.ClientSecret, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.ListStatuses(ctx); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		at = at.Add(900 * time.Millisecond)
		mu.Unlock()
	}
	if n := sim.Count("GET /api/Status"); n != 3 {
		t.Fatalf("%d status requests, want 3 (no 401 retries)", n)
	}
	if n := sim.Count("POST /auth/token"); n < 2 {
		t.Fatalf("%d token requests: the token was not renewed", n)
	}
}

func TestTooManyRequestsThenSuccess(t *testing.T) {
	sim, url := sandbox(t, 30)
	sim.SetFault("GET /api/Client", simkit.Fault{Burst429: 2})
	c := connect(t, url, simhalo.DemoApp, 0)
	got, err := c.ListClients(ctx, halopsa.ListClientsOptions{})
	if err != nil || len(got) == 0 {
		t.Fatalf("%d clients, %v", len(got), err)
	}
	if n := sim.Count("GET /api/Client"); n != 3 {
		t.Fatalf("%d requests, want 3 (two 429s, then the page)", n)
	}
}

func TestRateLimitNeverTrippedAndExhaustionExplained(t *testing.T) {
	sim, url := sandbox(t, 5)
	sim.SetLimit(simkit.Limit{Requests: 3, Per: time.Hour})
	c, err := halopsa.New(halopsa.Config{BaseURL: url, ClientID: simhalo.DemoApp.ClientID, ClientSecret: simhalo.DemoApp.ClientSecret,
		BackoffBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// Waiting out a 429 stops at the caller's deadline, and says so.
	limited, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var last error
	for range 6 {
		_, last = c.ListTeams(limited)
	}
	if !errors.Is(last, httpx.ErrRateLimited) || !strings.Contains(last.Error(), "Rate Limit Reached - 300 Requests per rolling 5 minute window") {
		t.Fatalf("err = %v; want Halo's own 429 text", last)
	}
}

func TestBadSecretIsUnauthorizedAndNotEchoed(t *testing.T) {
	_, url := sandbox(t, 5)
	const wrong = "definitely-not-the-secret-42"
	c := connect(t, url, simhalo.App{ClientID: simhalo.DemoApp.ClientID, ClientSecret: wrong}, 0)
	_, err := c.TestConnection(ctx)
	if !errors.Is(err, httpx.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	for _, want := range []string{"HaloPSA", "POST /auth/token", "401", "invalid_client", "Configuration > Integrations > HaloPSA API"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), wrong) {
		t.Fatal("the secret is in the error text")
	}
}

func TestWrongTenantIsExplained(t *testing.T) {
	_, url := sandbox(t, 5)
	c, _ := halopsa.New(halopsa.Config{BaseURL: url, ClientID: simhalo.DemoApp.ClientID, ClientSecret: simhalo.DemoApp.ClientSecret, Tenant: "other"})
	_, err := c.TestConnection(ctx)
	if !errors.Is(err, httpx.ErrValidation) || !strings.Contains(err.Error(), "tenant") {
		t.Fatalf("err = %v", err)
	}
}

func TestForbiddenNamesThePermission(t *testing.T) {
	_, url := sandbox(t, 5)
	c := connect(t, url, simhalo.LimitedApp, 0)
	_, err := c.ListRecurringInvoices(ctx, 0)
	if !errors.Is(err, httpx.ErrForbidden) || !strings.Contains(err.Error(), "read:invoices") || !strings.Contains(err.Error(), "GET /api/RecurringInvoice") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectionReportsAgentAndMissingPermissions(t *testing.T) {
	_, url := sandbox(t, 5)
	full, err := connect(t, url, simhalo.DemoApp, 0).TestConnection(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if full.Agent.Name != "Liongard API" || !full.Agent.IsAPIAgent || len(full.Missing) != 0 || len(full.Notes) != 0 {
		t.Fatalf("demo app: %+v", full)
	}
	limited, err := connect(t, url, simhalo.LimitedApp, 0).TestConnection(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"edit:tickets", "edit:customers", "read:assets", "edit:assets"}
	if fmt.Sprint(limited.Missing) != fmt.Sprint(want) {
		t.Errorf("missing %v, want %v", limited.Missing, want)
	}
	if len(limited.Notes) != 1 || !strings.Contains(limited.Notes[0], "in no team") {
		t.Errorf("notes %v: want the agent-without-team warning", limited.Notes)
	}
}

func TestDroppedConnectionIsRetriedForReads(t *testing.T) {
	sim, url := sandbox(t, 10)
	c := connect(t, url, simhalo.DemoApp, 0)
	sim.SetFault("GET /api/Team", simkit.Fault{DropNext: 1})
	if _, err := c.ListTeams(ctx); err != nil {
		t.Fatalf("one dropped connection should be retried: %v", err)
	}
	sim.SetFault("GET /api/Team", simkit.Fault{Drop: true})
	_, err := c.ListTeams(ctx)
	if !errors.Is(err, httpx.ErrNetwork) || !strings.Contains(err.Error(), "GET /api/Team") {
		t.Fatalf("err = %v, want a network error naming the call", err)
	}
}

func TestCreateIsNotResentAfterAServerError(t *testing.T) {
	sim, url := sandbox(t, 0)
	c := connect(t, url, simhalo.DemoApp, 0)
	sim.SetFault("POST /api/Client", simkit.Fault{ErrorRate: 1, Status: 503})
	_, err := c.CreateClients(ctx, []halopsa.NewClient{{Name: "Acme Dental"}})
	if !errors.Is(err, httpx.ErrServer) {
		t.Fatalf("err = %v", err)
	}
	if n := sim.Count("POST /api/Client"); n != 1 {
		t.Fatalf("the create was sent %d times; a create must not be re-sent blindly", n)
	}
}

func TestSlowServerMeetsTheDeadline(t *testing.T) {
	sim, url := sandbox(t, 5)
	c := connect(t, url, simhalo.DemoApp, 0)
	if _, err := c.ListTeams(ctx); err != nil { // token first, so the deadline hits the slow call
		t.Fatal(err)
	}
	sim.SetFault("GET /api/Status", simkit.Fault{Latency: 5 * time.Second})
	dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err := c.ListStatuses(dctx)
	if !errors.Is(err, httpx.ErrNetwork) || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("err = %v", err)
	}
}

func TestValidationErrorCarriesFields(t *testing.T) {
	_, url := sandbox(t, 0)
	c := connect(t, url, simhalo.DemoApp, 0)
	_, err := c.CreateClients(ctx, []halopsa.NewClient{{Name: "Fine"}, {Name: "  "}})
	var apiErr *httpx.Error
	if !errors.As(err, &apiErr) || apiErr.Kind != httpx.ErrValidation || len(apiErr.Fields) != 1 || apiErr.Fields[0].Field != "[1].name" {
		t.Fatalf("err = %#v", err)
	}
}

func TestTicketTypeFieldConfigurationShowsMandatoryFields(t *testing.T) {
	_, url := sandbox(t, 0)
	c := connect(t, url, simhalo.DemoApp, 0)
	types, err := c.ListTicketTypes(ctx)
	if err != nil || len(types) == 0 {
		t.Fatalf("%v, %v", types, err)
	}
	var mandatory []string
	for _, tt := range types {
		full, err := c.TicketType(ctx, tt.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Fields) == 0 {
			t.Errorf("ticket type %q came without its fields", full.Name)
		}
		if full.HasMandatoryTechFields {
			mandatory = append(mandatory, full.Name)
		}
	}
	if fmt.Sprint(mandatory) != "[Change Request]" {
		t.Fatalf("mandatory-field ticket types %v", mandatory)
	}
}

func TestReferenceListsAndInvoices(t *testing.T) {
	_, url := sandbox(t, 30)
	c := connect(t, url, simhalo.DemoApp, 0)
	agents, err := c.ListAgents(ctx)
	if err != nil || len(agents) < 3 {
		t.Fatalf("agents %v, %v", agents, err)
	}
	slas, err := c.ListSLAs(ctx)
	if err != nil || len(slas) != 1 || len(slas[0].Priorities) != 4 {
		t.Fatalf("slas %+v, %v", slas, err)
	}
	prios, err := c.ListPriorities(ctx)
	if err != nil || len(prios) != 4 {
		t.Fatalf("priorities %+v, %v", prios, err)
	}
	invoices, err := c.ListRecurringInvoices(ctx, 0)
	if err != nil || len(invoices) == 0 || len(invoices[0].Lines) == 0 {
		t.Fatalf("invoices %+v, %v", invoices, err)
	}
	sites, err := c.ListSites(ctx, invoices[0].ClientID)
	if err != nil || len(sites) != 1 || sites[0].ClientID != invoices[0].ClientID {
		t.Fatalf("sites %+v, %v", sites, err)
	}
}

// 5,000 clients in the fewest pages the API allows, well inside the rate
// limit: a token and five pages of 1000.
func TestFiveThousandClientsInFivePages(t *testing.T) {
	sim, url := sandbox(t, 0)
	c := connect(t, url, simhalo.DemoApp, 0)
	seedClients(t, c, 5000)
	before := sim.Count("GET /api/Client")
	got, err := c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true})
	if err != nil || len(got) != 5000 {
		t.Fatalf("%d clients, %v", len(got), err)
	}
	if pages := sim.Count("GET /api/Client") - before; pages != 5 {
		t.Fatalf("%d pages, want 5", pages)
	}
}

func BenchmarkListFiveThousandClients(b *testing.B) {
	sim, url := sandbox(b, 0)
	seedClients(b, connect(b, url, simhalo.DemoApp, 0), 5000)
	b.ResetTimer()
	for range b.N {
		sim.SetLimit(simkit.Limit{Requests: 300, Per: 5 * time.Minute}) // a fresh window per run
		before := sim.Count("GET /api/Client") + sim.Count("POST /auth/token")
		c := connect(b, url, simhalo.DemoApp, 0)
		got, err := c.ListClients(ctx, halopsa.ListClientsOptions{})
		if err != nil || len(got) != 5000 {
			b.Fatalf("%d clients, %v", len(got), err)
		}
		b.ReportMetric(float64(sim.Count("GET /api/Client")+sim.Count("POST /auth/token")-before), "requests/op")
	}
}

func seedClients(t testing.TB, c *halopsa.Client, n int) {
	t.Helper()
	for start := 0; start < n; start += 1000 {
		var batch []halopsa.NewClient
		for i := start; i < min(n, start+1000); i++ {
			batch = append(batch, halopsa.NewClient{Name: fmt.Sprintf("Customer %05d", i)})
		}
		if _, err := c.CreateClients(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
}

// GET /api/Users?asset_id= lists the users assigned to that asset, as
// HaloPSA's spec says, not every user.
func TestUsersOfAnAsset(t *testing.T) {
	_, url := sandbox(t, 60)
	c := connect(t, url, simhalo.DemoApp, 0)
	ctx := context.Background()
	assets, err := c.ListAssets(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := c.ListUsers(ctx, 0)
	checked := 0
	for _, a := range assets {
		if len(a.Users) == 0 {
			continue
		}
		us, err := c.UsersOfAsset(ctx, a.ID)
		if err != nil || len(us) != len(a.Users) || len(us) == len(all) {
			t.Fatalf("asset %d has %d users; asset_id lists %d of %d (%v)", a.ID, len(a.Users), len(us), len(all), err)
		}
		if checked++; checked == 3 {
			break
		}
	}
	if checked == 0 {
		t.Fatal("no asset with users")
	}
}
