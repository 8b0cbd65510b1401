package itglue_test

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
	"github.com/mspwire/mspwire/clients/itglue"
	simitg "github.com/mspwire/mspwire/sandbox/itglue"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

var ctx = context.Background()

func sandbox(t testing.TB, companies int) (*simitg.Sim, string) {
	t.Helper()
	sim := simitg.New(world.New(11, companies))
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func connect(t testing.TB, url, key string) *itglue.Client {
	t.Helper()
	c, err := itglue.New(itglue.Config{URL: url, APIKey: key, BackoffBase: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestResolveRegion(t *testing.T) {
	for region, want := range map[string]string{"us": "https://api.itglue.com", "EU": "https://api.eu.itglue.com", "au": "https://api.au.itglue.com"} {
		base, name, err := itglue.ResolveRegion(region, "")
		if err != nil || base != want || name != strings.ToUpper(region) {
			t.Errorf("%s: %s %s %v", region, base, name, err)
		}
	}
	if _, name, err := itglue.ResolveRegion("", "https://api.eu.itglue.com/"); err != nil || name != "EU" {
		t.Errorf("EU URL: %s %v", name, err)
	}
	for _, bad := range [][2]string{{"uk", ""}, {"", ""}, {"us", "https://api.itglue.com"}} {
		if _, _, err := itglue.ResolveRegion(bad[0], bad[1]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// 10,000 organizations in ten pages of 1000, following links.next.
func TestTenThousandOrganizationsInTenRequests(t *testing.T) {
	sim, url := sandbox(t, 12000)
	c := connect(t, url, simitg.DemoKey)
	all, err := c.Organizations(ctx, itglue.OrganizationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(all); i < 10000; i++ {
		if _, err := c.CreateOrganization(ctx, itglue.NewOrganization{Name: fmt.Sprintf("Filler %05d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if len(all) > 10000 {
		t.Fatalf("the world has %d organizations; pick a smaller one", len(all))
	}
	before := sim.Count("GET /organizations")
	got, err := c.Organizations(ctx, itglue.OrganizationFilter{})
	if err != nil || len(got) != 10000 {
		t.Fatalf("%d organizations, %v", len(got), err)
	}
	if n := sim.Count("GET /organizations") - before; n != 10 {
		t.Fatalf("%d requests, want 10", n)
	}
}

func TestPagingPastOneThousandKeepsEveryOrganizationOnce(t *testing.T) {
	_, url := sandbox(t, 1600)
	c := connect(t, url, simitg.DemoKey)
	got, err := c.Organizations(ctx, itglue.OrganizationFilter{})
	if err != nil || len(got) <= 1000 {
		t.Fatalf("%d organizations, %v", len(got), err)
	}
	seen := map[int]bool{}
	for _, o := range got {
		if seen[o.ID] {
			t.Fatalf("organization %d twice", o.ID)
		}
		seen[o.ID] = true
	}
}

func TestStatusAndTypeFiltersShowWhoLiongardWouldMiss(t *testing.T) {
	_, url := sandbox(t, 400)
	c := connect(t, url, simitg.DemoKey)
	statuses, err := c.OrganizationStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	types, err := c.OrganizationTypes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := func(list []itglue.Named, name string) int {
		for _, n := range list {
			if n.Name == name {
				return n.ID
			}
		}
		t.Fatalf("no %q in %v", name, list)
		return 0
	}
	all, _ := c.Organizations(ctx, itglue.OrganizationFilter{})
	activeCustomers, err := c.Organizations(ctx, itglue.OrganizationFilter{StatusIDs: []int{id(statuses, "Active")}, TypeIDs: []int{id(types, "Customer")}})
	if err != nil {
		t.Fatal(err)
	}
	onboarding, _ := c.Organizations(ctx, itglue.OrganizationFilter{StatusIDs: []int{id(statuses, "Onboarding")}})
	if len(activeCustomers) == 0 || len(onboarding) == 0 || len(activeCustomers)+len(onboarding) >= len(all) {
		t.Fatalf("all %d, active customers %d, onboarding %d", len(all), len(activeCustomers), len(onboarding))
	}
	for _, o := range activeCustomers {
		if o.StatusName != "Active" || o.TypeName != "Customer" {
			t.Fatalf("filter let through %+v", o)
		}
	}
}

func TestWrongRegionKeyIsExplained(t *testing.T) {
	_, url := sandbox(t, 5)
	_, err := connect(t, url, simitg.EUKey).TestConnection(ctx)
	if !errors.Is(err, httpx.ErrForbidden) || !strings.Contains(err.Error(), "another region (US/EU/AU)") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), simitg.EUKey) {
		t.Fatal("the key is in the error")
	}
}

func TestConnectionReportsRegionAndCount(t *testing.T) {
	_, url := sandbox(t, 50)
	r, err := connect(t, url, simitg.DemoKey).TestConnection(ctx)
	if err != nil || r.Organizations == 0 || r.Region != "" {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestValidationErrorsCarryPointers(t *testing.T) {
	_, url := sandbox(t, 5)
	c := connect(t, url, simitg.DemoKey)
	_, err := c.CreateOrganization(ctx, itglue.NewOrganization{Name: "Acme", TypeID: 999, StatusID: 998})
	var apiErr *httpx.Error
	if !errors.As(err, &apiErr) || apiErr.Status != 422 || len(apiErr.Fields) != 2 ||
		apiErr.Fields[0].Field != "/data/attributes/organization-status-id" || !strings.Contains(apiErr.Fields[0].Message, "must exist") {
		t.Fatalf("err = %#v", err)
	}
	_, err = c.CreateOrganization(ctx, itglue.NewOrganization{Name: " "})
	if !errors.As(err, &apiErr) || len(apiErr.Fields) != 1 || apiErr.Fields[0].Field != "/data/attributes/name" {
		t.Fatalf("blank name: %v", err)
	}
	o, err := c.CreateOrganization(ctx, itglue.NewOrganization{Name: "Acme Dental"})
	if err != nil || o.ID == 0 || o.StatusName != "Active" {
		t.Fatalf("%+v %v", o, err)
	}
	up, err := c.UpdateOrganization(ctx, o.ID, itglue.NewOrganization{Description: "Dental practice, 3 sites"})
	if err != nil || up.Name != "Acme Dental" {
		t.Fatalf("patch: %+v %v", up, err)
	}
}

// A body sent as plain JSON is refused with 415, and the JSON:API error
// reads as a sentence.
func TestWrongContentTypeIsRefused(t *testing.T) {
	_, url := sandbox(t, 5)
	req, _ := http.NewRequest(http.MethodPost, url+"/organizations", strings.NewReader(`{"data":{"type":"organizations","attributes":{"name":"X"}}}`))
	req.Header.Set("x-api-key", simitg.DemoKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// A GET carrying the JSON:API content type and no body is fine.
	req, _ = http.NewRequest(http.MethodGet, url+"/organization_types", nil)
	req.Header.Set("x-api-key", simitg.DemoKey)
	req.Header.Set("Content-Type", "application/vnd.api+json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET with a content type: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestTooManyRequestsThenSuccess(t *testing.T) {
	sim, url := sandbox(t, 5)
	sim.SetFault("GET /organization_types", simkit.Fault{Burst429: 2})
	types, err := connect(t, url, simitg.DemoKey).OrganizationTypes(ctx)
	if err != nil || len(types) == 0 {
		t.Fatalf("%v %v", types, err)
	}
	if n := sim.Count("GET /organization_types"); n != 3 {
		t.Fatalf("%d requests", n)
	}
}

func TestFlexibleAssetsNeedTheirTypeAndConfigurationsCollide(t *testing.T) {
	_, url := sandbox(t, 60)
	c := connect(t, url, simitg.DemoKey)
	if _, err := c.FlexibleAssets(ctx, 0, 0); err == nil {
		t.Fatal("listing flexible assets without a type was allowed")
	}
	fats, err := c.FlexibleAssetTypes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	auto := 0
	for _, ft := range fats {
		if strings.HasSuffix(ft.Name, "(auto)") {
			assets, err := c.FlexibleAssets(ctx, ft.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			auto += len(assets)
		}
	}
	if auto == 0 {
		t.Fatal("no Liongard (auto) flexible assets")
	}
	dcs, err := c.Configurations(ctx, 0, "DC01")
	if err != nil || len(dcs) == 0 || dcs[0].TypeName != "Server" {
		t.Fatalf("configurations named DC01: %+v %v", dcs, err)
	}
	ctypes, err := c.ConfigurationTypes(ctx)
	if err != nil || len(ctypes) < 5 {
		t.Fatalf("configuration types %v %v", ctypes, err)
	}
}
