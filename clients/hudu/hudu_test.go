package hudu_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/hudu"
	simhudu "github.com/mspwire/mspwire/sandbox/hudu"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

var ctx = context.Background()

func sandbox(t testing.TB, seed uint64, companies int) (*simhudu.Sim, string) {
	t.Helper()
	sim := simhudu.New(world.New(seed, companies))
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func connect(t testing.TB, url string, pageSize int) *hudu.Client {
	t.Helper()
	c, err := hudu.New(hudu.Config{URL: url + "/api/v1/", APIKey: simhudu.DemoKey, PageSize: pageSize, BackoffBase: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Listing stops on the first empty page, whatever the page size.
func TestCompaniesStopOnTheEmptyPage(t *testing.T) {
	for _, size := range []int{7, 25, 1000} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			sim, url := sandbox(t, 3, 60)
			got, err := connect(t, url, size).Companies(ctx, hudu.CompanyFilter{})
			if err != nil || len(got) == 0 {
				t.Fatalf("%d companies, %v", len(got), err)
			}
			want := len(got)/size + 1 // every full or partial page, then the empty one
			if len(got)%size != 0 {
				want = len(got)/size + 2
			}
			if n := sim.Count("GET /api/v1/companies"); n != want {
				t.Fatalf("%d requests for %d companies at %d a page, want %d", n, len(got), size, want)
			}
		})
	}
}

func TestCreateCompanyAnswers200AndIsListed(t *testing.T) {
	_, url := sandbox(t, 3, 5)
	c := connect(t, url, 0)
	made, err := c.CreateCompany(ctx, hudu.NewCompany{Name: "Smith & Sons Plumbing", Website: "smithandsons.com"})
	if err != nil || made.ID == 0 {
		t.Fatalf("%+v %v", made, err)
	}
	found, err := c.Companies(ctx, hudu.CompanyFilter{Name: "Smith & Sons Plumbing"})
	if err != nil || len(found) != 1 || found[0].ID != made.ID {
		t.Fatalf("%+v %v", found, err)
	}
	_, err = c.CreateCompany(ctx, hudu.NewCompany{Name: " "})
	var apiErr *httpx.Error
	if !errors.As(err, &apiErr) || apiErr.Status != 422 || len(apiErr.Fields) != 1 || apiErr.Fields[0].Field != "name" {
		t.Fatalf("blank name: %v", err)
	}
}

func TestMissingLayoutIsNotFoundDespiteThe200(t *testing.T) {
	_, url := sandbox(t, 3, 5)
	c := connect(t, url, 0)
	layouts, err := c.AssetLayouts(ctx)
	if err != nil || len(layouts) == 0 {
		t.Fatalf("%v %v", layouts, err)
	}
	one, err := c.AssetLayout(ctx, layouts[0].ID)
	if err != nil || one.Name != layouts[0].Name {
		t.Fatalf("%+v %v", one, err)
	}
	if _, err := c.AssetLayout(ctx, 99999); !errors.Is(err, httpx.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	made, err := c.CreateAssetLayout(ctx, hudu.NewAssetLayout{Name: "Liongard Firewalls", Active: true, Fields: []hudu.LayoutField{{Label: "Serial", FieldType: "Text"}}})
	if err != nil || made.ID == 0 || len(made.Fields) != 1 {
		t.Fatalf("%+v %v", made, err)
	}
}

// The seed decides which of the layouts Hudu's HaloPSA integration needs is
// missing or inactive; both cases must show in the list.
func TestHaloLayoutsMissingOrInactiveBySeed(t *testing.T) {
	find := func(seed uint64) map[string]bool {
		_, url := sandbox(t, seed, 3)
		layouts, err := connect(t, url, 0).AssetLayouts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		active := map[string]bool{}
		for _, l := range layouts {
			active[l.Name] = l.Active
		}
		return active
	}
	if a := find(1); a["Locations"] {
		t.Errorf("seed 1: Locations should be inactive: %v", a)
	}
	if _, present := find(2)["People"]; present {
		t.Error("seed 2: People should be missing")
	}
	if a := find(6); !a["People"] || !a["Locations"] || !a["Computer Assets"] {
		t.Errorf("seed 6: all three should be active: %v", a)
	}
}

func TestMatchersNeedAnIntegrationAndCanBeSet(t *testing.T) {
	sim, url := sandbox(t, 3, 80)
	c := connect(t, url, 0)
	if _, err := c.Matchers(ctx, 0, hudu.AllMatchers); err == nil || !strings.Contains(err.Error(), "integration id") {
		t.Fatalf("err = %v", err)
	}
	// Without integration_id the live server fails with 500; so does the sandbox.
	req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/matchers", nil)
	req.Header.Set("x-api-key", simhudu.DemoKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 500 {
		t.Fatalf("matchers without integration_id: %v %v", resp, err)
	}
	resp.Body.Close()

	all, err := c.Matchers(ctx, simhudu.HaloPSAIntegration, hudu.AllMatchers)
	if err != nil || len(all) == 0 {
		t.Fatal(err)
	}
	unmatched, err := c.Matchers(ctx, simhudu.HaloPSAIntegration, hudu.OnlyUnmatched)
	if err != nil || len(unmatched) == 0 || len(unmatched) >= len(all) {
		t.Fatalf("%d unmatched of %d, %v", len(unmatched), len(all), err)
	}
	var target hudu.Matcher
	for _, m := range unmatched {
		if m.PotentialCompanyID != nil {
			target = m
			break
		}
	}
	set, err := c.SetMatcherCompany(ctx, target.ID, *target.PotentialCompanyID)
	if err != nil || set.CompanyID == nil || *set.CompanyID != *target.PotentialCompanyID || set.CompanyName == "" {
		t.Fatalf("%+v %v", set, err)
	}
	after, _ := c.Matchers(ctx, simhudu.HaloPSAIntegration, hudu.OnlyUnmatched)
	if len(after) != len(unmatched)-1 {
		t.Fatalf("%d unmatched after setting one, had %d", len(after), len(unmatched))
	}
	_, err = c.SetMatcherCompany(ctx, 999999, 1)
	if !errors.Is(err, httpx.ErrServer) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing matcher: %v", err)
	}
	if n := sim.Count("PUT /api/v1/matchers/{id}"); n != 2 {
		t.Fatalf("a PUT on a 500 was repeated: %d requests", n)
	}
}

func TestVersionCheck(t *testing.T) {
	sim, url := sandbox(t, 3, 5)
	c := connect(t, url, 0)
	r, err := c.TestConnection(ctx)
	if err != nil || r.Version != simhudu.Version {
		t.Fatalf("%+v %v", r, err)
	}
	sim.SetVersion("2.19.3")
	_, err = c.TestConnection(ctx)
	if !errors.Is(err, hudu.ErrTooOld) || !strings.Contains(err.Error(), "2.19.3") || !strings.Contains(err.Error(), hudu.MinVersion) {
		t.Fatalf("err = %v", err)
	}
}

func TestBadKeyAndPlainText429(t *testing.T) {
	sim, url := sandbox(t, 3, 5)
	bad, _ := hudu.New(hudu.Config{URL: url, APIKey: "not-the-key-000"})
	_, err := bad.TestConnection(ctx)
	if !errors.Is(err, httpx.ErrUnauthorized) || !strings.Contains(err.Error(), "Bad credentials") || strings.Contains(err.Error(), "not-the-key-000") {
		t.Fatalf("err = %v", err)
	}
	sim.SetFault("GET /api/v1/api_info", simkit.Fault{Burst429: 1})
	if _, err := connect(t, url, 0).Info(ctx); err != nil {
		t.Fatalf("429 then success: %v", err)
	}
	sim.SetLimit(simkit.Limit{Requests: 1, Per: time.Hour})
	c, _ := hudu.New(hudu.Config{URL: url, APIKey: simhudu.DemoKey, BackoffBase: time.Millisecond})
	c.Info(ctx)
	limited, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err = c.Info(limited)
	if !errors.Is(err, httpx.ErrRateLimited) || !strings.Contains(err.Error(), "Retry later") {
		t.Fatalf("err = %v", err)
	}
}

func TestAssetsByCompanyAndLayout(t *testing.T) {
	_, url := sandbox(t, 3, 40)
	c := connect(t, url, 0)
	all, err := c.Assets(ctx, 0, 0)
	if err != nil || len(all) == 0 {
		t.Fatal(err)
	}
	some, err := c.Assets(ctx, all[0].CompanyID, all[0].AssetLayoutID)
	if err != nil || len(some) == 0 {
		t.Fatal(err)
	}
	for _, a := range some {
		if a.CompanyID != all[0].CompanyID || a.AssetLayoutID != all[0].AssetLayoutID {
			t.Fatalf("filter let through %+v", a)
		}
	}
}
