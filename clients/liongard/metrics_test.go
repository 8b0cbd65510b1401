package liongard_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/liongard"
	simlg "github.com/mspwire/mspwire/sandbox/liongard"
	"github.com/mspwire/mspwire/sandbox/world"
)

// The library's licensed-user metric counts what the world says each
// customer's Microsoft 365 tenant has; counts come back as numbers or as
// numeric strings and both read.
func TestLicensedUsersAreCountedAsTheWorldHasThem(t *testing.T) {
	_, url := sandbox(t, 80)
	c := connect(t, url, simlg.DemoKey, 25)
	metrics, err := c.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var licensed liongard.Metric
	for _, m := range metrics {
		if m.Key() == "5e544b81-36c4-497e-af78-2c245160ac6f" {
			licensed = m
		}
	}
	if licensed.ID == 0 || licensed.Inspector.Alias != "Microsoft 365" {
		t.Fatalf("no library licensed-user metric in %+v", metrics)
	}
	values, err := c.EvaluateMetrics(ctx, []string{licensed.Key()})
	if err != nil {
		t.Fatal(err)
	}
	w := world.New(7, 80)
	want := map[string]int{}
	for i := range w.Customers {
		if l := w.Licences(&w.Customers[i]); l.Product == world.M365 && len(w.Customers[i].In[world.Liongard]) > 0 {
			want[w.Customers[i].In[world.Liongard][0].Name] = l.Users
		}
	}
	strs := 0
	for _, v := range values {
		n, ok := v.Count()
		if !ok || n != want[v.EnvironmentName] {
			t.Errorf("%s: counted %v, the world has %d", v.EnvironmentName, v.Value, want[v.EnvironmentName])
		}
		if _, isText := v.Value.(string); isText {
			strs++
		}
		if v.InspectedAt().IsZero() {
			t.Errorf("%s: no inspection date in %q", v.EnvironmentName, v.TimelineDate)
		}
	}
	if len(values) != len(want) || len(values) < 10 || strs == 0 {
		t.Fatalf("%d values (%d as strings) for %d Microsoft 365 customers", len(values), strs, len(want))
	}
}

// A metric is created once with the latest inspector version; its query
// is really evaluated, a bad one is refused, and a second of the same name
// too.
func TestCreatedMetricIsEvaluated(t *testing.T) {
	_, url := sandbox(t, 60)
	c := connect(t, url, simlg.DemoKey, 0)
	ins, err := c.Inspectors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gws := 0
	for _, i := range ins {
		if i.Alias == "Google Workspace" {
			gws = i.ID
		}
	}
	v, err := c.LatestInspectorVersion(ctx, gws)
	if err != nil || v.ID == 0 {
		t.Fatalf("latest version %+v, %v", v, err)
	}
	m, err := c.CreateMetric(ctx, liongard.NewMetric{Name: "mspwire: Google Workspace active users", InspectorID: gws,
		InspectorVersionID: v.ID, Query: "length(Users[?suspended != `true` && archived != `true`])", Display: true})
	if err != nil || m.ID == 0 || m.Key() == "" {
		t.Fatalf("created %+v, %v", m, err)
	}
	values, err := c.EvaluateMetrics(ctx, []string{m.Key()})
	if err != nil || len(values) == 0 {
		t.Fatalf("%d values, %v", len(values), err)
	}
	for _, x := range values {
		if n, ok := x.Count(); !ok || n < 4 {
			t.Fatalf("%s counted %v", x.EnvironmentName, x.Value)
		}
	}
	_, err = c.CreateMetric(ctx, liongard.NewMetric{Name: "bad", InspectorID: gws, InspectorVersionID: v.ID, Query: "Users[?x == "})
	if !errors.Is(err, httpx.ErrValidation) || !strings.Contains(err.Error(), "JMESPath") {
		t.Fatalf("a bad query: %v", err)
	}
	_, err = c.CreateMetric(ctx, liongard.NewMetric{Name: m.Name, InspectorID: gws, InspectorVersionID: v.ID, Query: "length(Users)"})
	if !errors.Is(err, httpx.ErrValidation) {
		t.Fatalf("a second metric of the same name: %v", err)
	}
	envs, _ := c.Environments(ctx)
	lps, err := c.RelatedLaunchpoints(ctx, envs[0].ID)
	if err != nil || len(lps) == 0 || lps[0].SystemID == 0 || lps[0].InspectorName == "" {
		t.Fatalf("related launchpoints %+v, %v", lps, err)
	}
}

// Evaluate is throttled above 100 calls a minute, with Retry-After and
// X-RateLimit-* as Liongard documents them.
func TestEvaluateIsThrottledAboveAHundredAMinute(t *testing.T) {
	_, url := sandbox(t, 5)
	body := `{"Metrics":[41],"Filters":[],"Sorting":[],"Pagination":{"Page":1,"PageSize":25}}`
	var last *http.Response
	for i := 0; i <= simlg.EvaluateLimit; i++ {
		resp := evaluate(t, url, body)
		resp.Body.Close()
		if i < simlg.EvaluateLimit && resp.StatusCode != http.StatusOK {
			t.Fatalf("call %d: %d", i+1, resp.StatusCode)
		}
		last = resp
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" || last.Header.Get("X-RateLimit-Limit") != "100" {
		t.Fatalf("call 101: %d, Retry-After %q, limit %q", last.StatusCode, last.Header.Get("Retry-After"), last.Header.Get("X-RateLimit-Limit"))
	}
}

// Evaluate honours EvaluateMetricRequest.Sorting (SortBy, Direction), as
// the v2 spec has it.
func TestEvaluateSortsAsAsked(t *testing.T) {
	_, url := sandbox(t, 40)
	ids := func(direction string) []int {
		resp := evaluate(t, url, `{"Metrics":[41],"Filters":[],"Sorting":[{"SortBy":"SystemID","Direction":"`+direction+`"}],"Pagination":{"Page":1,"PageSize":100}}`)
		defer resp.Body.Close()
		var out struct {
			Data []liongard.MetricValue `json:"Data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Data) < 5 {
			t.Fatalf("%d values, %v", len(out.Data), err)
		}
		var ids []int
		for _, v := range out.Data {
			ids = append(ids, v.SystemID)
		}
		return ids
	}
	asc, desc := ids("ASC"), ids("DESC")
	if !sort.IntsAreSorted(asc) || asc[0] != desc[len(desc)-1] || desc[0] < desc[len(desc)-1] {
		t.Fatalf("ASC %v, DESC %v", asc, desc)
	}
}

// evaluate posts a raw evaluate request with the demo key, as Liongard's
// API takes it: the request mspwire's client would not send.
func evaluate(t *testing.T, url, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v2/metrics/evaluate", strings.NewReader(body))
	req.Header.Set("X-ROAR-API-KEY", base64.StdEncoding.EncodeToString([]byte(simlg.DemoKey.ID+":"+simlg.DemoKey.Secret)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
