package liongard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
)

// Environment is a Liongard environment: one customer.
type Environment struct {
	ID          int    `json:"ID"`
	Name        string `json:"Name"`
	ShortName   string `json:"ShortName"`
	Description string `json:"Description"`
	Status      int    `json:"Status"` // 1 = active
	Visible     bool   `json:"Visible"`
	Tier        Tier   `json:"Tier"`
	Parent      *int   `json:"Parent"`
}

// NewEnvironment is an environment to create.
type NewEnvironment struct {
	Name        string
	Description string
	Parent      *int
	ShortName   string // v2 only
	Tier        Tier   // empty: Core
}

// EnvironmentUpdate changes an environment (v1 wants every field).
type EnvironmentUpdate struct {
	Name        string
	Description string
	Parent      *int
	Status      int
	Tier        Tier
}

// EnvironmentGroup is a v2 environment group.
type EnvironmentGroup struct {
	ID                     int    `json:"ID,omitempty"`
	Name                   string `json:"Name"`
	Description            string `json:"Description"`
	AutoAddNewEnvironments bool   `json:"AutoAddNewEnvironments"`
	Environments           []int  `json:"Environments"`
}

// Inspector is a kind of inspection (Active Directory, Microsoft 365, …).
type Inspector struct {
	ID    int    `json:"ID"`
	Name  string `json:"Name"`
	Alias string `json:"Alias"`
}

// Launchpoint is a configured inspection of one target.
type Launchpoint struct {
	ID            int       `json:"ID"`
	EnvironmentID int       `json:"EnvironmentID"`
	Inspector     Inspector `json:"Inspector"`
	Alias         string    `json:"Alias"`
	Enabled       bool      `json:"Enabled"`
}

// System is what a launchpoint inspects; its name is what IT Glue's Pro
// Sync matches configurations by.
type System struct {
	ID          int       `json:"ID"`
	Name        string    `json:"Name"`
	Environment Ref       `json:"Environment"`
	Inspector   Inspector `json:"Inspector"`
	Launchpoint Ref       `json:"Launchpoint"`
}

// Ref is a nested record's id and name.
type Ref struct {
	ID   int    `json:"ID"`
	Name string `json:"Name"`
}

// Alert is an actionable alert (v1 calls them tasks).
type Alert struct {
	ID          int    `json:"ID"`
	CommonID    string `json:"CommonID"`
	Name        string `json:"Name"`
	Description string `json:"Description"`
	Environment Ref    `json:"Environment"`
	Priority    Ref    `json:"Priority"`
	Status      Ref    `json:"Status"`
	Rule        Ref    `json:"Rule"`
	Launchpoint Ref    `json:"Launchpoint"`
	CreatedOn   string `json:"CreatedOn"`
	// ExternalID is the PSA ticket the alert's template opened, if any
	// (the spec says an integer; nothing documents it further).
	ExternalID *int `json:"ExternalID"`
}

// MetricValue is one system's value of one metric at its latest
// inspection (TimelineDate).
type MetricValue struct {
	SystemID        int    `json:"SystemID"`
	FriendlyName    string `json:"FriendlyName"`
	InspectorName   string `json:"InspectorName"`
	EnvironmentID   int    `json:"EnvironmentID"`
	EnvironmentName string `json:"EnvironmentName"`
	MetricID        int    `json:"MetricID"`
	MetricUUID      string `json:"MetricUUID"`
	MetricName      string `json:"MetricName"`
	TimelineID      int    `json:"TimelineID"`
	TimelineDate    string `json:"TimelineDate"`
	Value           any    `json:"Value"`
}

// RecordKey is a value's identity in a list of evaluations: one per
// metric and system (of its environment).
func (v MetricValue) RecordKey() string {
	return fmt.Sprintf("metric %d environment %d system %d", v.MetricID, v.EnvironmentID, v.SystemID)
}

// Count reads the value as a whole number: Liongard returns a count as a
// number on one system and as a numeric string ("12") on another.
func (v MetricValue) Count() (int, bool) {
	switch x := v.Value.(type) {
	case float64:
		if x == float64(int(x)) && x >= 0 {
			return int(x), true
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil && n >= 0 {
			return n, true
		}
	}
	return 0, false
}

// InspectedAt is when the value's inspection ran (zero when unreadable).
func (v MetricValue) InspectedAt() time.Time {
	t, err := time.Parse(time.RFC3339Nano, v.TimelineDate)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Metric is a Liongard metric: a JMESPath query of one inspector's data.
// v1 spells the UUID field "UUIDS"; v2 and clients in the wild "UUID".
type Metric struct {
	ID             int             `json:"ID"`
	Name           string          `json:"Name"`
	UUID           string          `json:"UUID"`
	UUIDS          string          `json:"UUIDS"`
	Inspector      Inspector       `json:"Inspector"`
	MetricDisplay  bool            `json:"MetricDisplay"`
	MetricVersions []MetricVersion `json:"MetricVersions"`
}

// MetricVersion is a metric's query for one inspector version.
type MetricVersion struct {
	ID                 int    `json:"ID"`
	InspectorVersionID int    `json:"InspectorVersionID"`
	Query              string `json:"Query"`
}

// Key is the metric's UUID, whichever field carried it.
func (m Metric) Key() string {
	if m.UUID != "" {
		return m.UUID
	}
	return m.UUIDS
}

// NewMetric is a metric to create: a valid JMESPath query for the
// inspector's version (the latest, by the spec's advice).
type NewMetric struct {
	Name               string
	InspectorID        int
	InspectorVersionID int
	Query              string
	Display            bool // shown in Liongard and to integrations
}

// InspectorVersion is one release of an inspector.
type InspectorVersion struct {
	ID   int    `json:"ID"`
	Name string `json:"Name"`
}

// LaunchpointEntity is a launchpoint as an environment's related entities
// list it: with its system and inspector.
type LaunchpointEntity struct {
	ID            int    `json:"ID"`
	Alias         string `json:"Alias"`
	SystemID      int    `json:"SystemID"`
	InspectorID   int    `json:"InspectorID"`
	InspectorName string `json:"InspectorName"`
	Enabled       bool   `json:"Enabled"`
}

// V1 list calls use the paths as v1 documents them, without a trailing
// slash; Liongard redirects them to the slashed path and the client follows.

// V1Environments lists environments through v1 (a bare array, one call).
func (c *Client) V1Environments(ctx context.Context) ([]Environment, error) {
	return v1[[]Environment](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/environments"}, nil)
}

// V1CountEnvironments counts environments through v1 (a bare integer).
func (c *Client) V1CountEnvironments(ctx context.Context) (int, error) {
	return v1[int](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/environments/count"}, nil)
}

// V1CreateEnvironment creates an environment through v1, which returns it
// whole. Never re-sent blindly: on a timeout, look before trying again.
func (c *Client) V1CreateEnvironment(ctx context.Context, e NewEnvironment) (Environment, error) {
	if err := checkName(e.Name); err != nil {
		return Environment{}, err
	}
	body := map[string]any{"Name": e.Name, "Description": e.Description, "Parent": e.Parent, "Tier": tierOr(e.Tier).v1Word()}
	return v1[Environment](ctx, c, httpx.Request{Method: http.MethodPost, Path: "/environments", Creates: true}, body)
}

// V1UpdateEnvironment updates an environment through v1.
func (c *Client) V1UpdateEnvironment(ctx context.Context, id int, u EnvironmentUpdate) (Environment, error) {
	if err := checkName(u.Name); err != nil {
		return Environment{}, err
	}
	body := map[string]any{"Name": u.Name, "Description": u.Description, "Parent": u.Parent, "Status": u.Status, "Tier": tierOr(u.Tier).v1Word()}
	return v1[Environment](ctx, c, httpx.Request{Method: http.MethodPut, Path: "/environments/" + strconv.Itoa(id)}, body)
}

// Environments lists every environment through v2, page by page.
func (c *Client) Environments(ctx context.Context) ([]Environment, error) {
	return pagesV2[Environment](ctx, c, "/environments/")
}

// CountEnvironments counts environments through v2.
func (c *Client) CountEnvironments(ctx context.Context) (int, error) {
	n, _, err := v2[int](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/environments/count"}, nil)
	return n, err
}

// CreateEnvironment creates an environment through v2.
func (c *Client) CreateEnvironment(ctx context.Context, e NewEnvironment) (Environment, error) {
	if err := checkName(e.Name); err != nil {
		return Environment{}, err
	}
	body := map[string]any{"Name": e.Name, "Description": e.Description, "Parent": e.Parent, "ShortName": e.ShortName, "Tier": string(tierOr(e.Tier))}
	out, _, err := v2[[]Environment](ctx, c, httpx.Request{Method: http.MethodPost, Path: "/environments/", Creates: true}, body)
	if err != nil {
		return Environment{}, err
	}
	if len(out) != 1 {
		return Environment{}, fmt.Errorf("Liongard: POST /api/v2/environments/: expected the new environment, got %d records", len(out))
	}
	return out[0], nil
}

// MaxBulk is how many environments mspwire sends in one bulk create: small
// enough that a lost answer leaves few to look up.
const MaxBulk = 50

// CreateEnvironments creates environments in one v2 bulk call, answered
// in the order sent. Liongard's OAS says the answer is an array of
// {Success, Data} objects; clients in the wild read one {Success, Data}
// object: both are read. Never re-sent blindly: on a timeout, look first.
func (c *Client) CreateEnvironments(ctx context.Context, envs []NewEnvironment) ([]Environment, error) {
	if len(envs) == 0 {
		return nil, nil
	}
	body := make([]map[string]any, len(envs))
	for i, e := range envs {
		if err := checkName(e.Name); err != nil {
			return nil, err
		}
		body[i] = map[string]any{"Name": e.Name, "Description": e.Description, "Parent": e.Parent, "ShortName": e.ShortName, "Tier": string(tierOr(e.Tier))}
	}
	req := httpx.Request{Method: http.MethodPost, Path: "/api/v2/environments/bulk", Creates: true}
	var raw json.RawMessage
	if err := c.api.JSON(ctx, req, body, &raw); err != nil {
		return nil, err
	}
	out, err := bulkAnswer(raw)
	if err != nil {
		return nil, fmt.Errorf("Liongard: POST %s: %w", req.Path, err)
	}
	if len(out) != len(envs) {
		return out, fmt.Errorf("Liongard: POST %s: sent %d environments, %d came back", req.Path, len(envs), len(out))
	}
	return out, nil
}

// bulkAnswer reads {Success, Data:[…]} or [{Success, Data:[…]}, …].
func bulkAnswer(raw json.RawMessage) ([]Environment, error) {
	var one envelope[[]Environment]
	if err := json.Unmarshal(raw, &one); err == nil {
		if !one.Success {
			return nil, errors.New("Success is false: " + one.Message)
		}
		return one.Data, nil
	}
	var many []envelope[[]Environment]
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("unreadable answer: %w", err)
	}
	var out []Environment
	for _, e := range many {
		if !e.Success {
			return out, errors.New("Success is false: " + e.Message)
		}
		out = append(out, e.Data...)
	}
	return out, nil
}

// UpdateEnvironmentGroup replaces a group's name, description and
// environments.
func (c *Client) UpdateEnvironmentGroup(ctx context.Context, g EnvironmentGroup) (EnvironmentGroup, error) {
	if g.Environments == nil {
		g.Environments = []int{}
	}
	out, _, err := v2[EnvironmentGroup](ctx, c, httpx.Request{Method: http.MethodPut, Path: "/environment-groups/" + strconv.Itoa(g.ID)}, g)
	return out, err
}

// EnvironmentGroups lists every environment group.
func (c *Client) EnvironmentGroups(ctx context.Context) ([]EnvironmentGroup, error) {
	return pagesV2[EnvironmentGroup](ctx, c, "/environment-groups/")
}

// CreateEnvironmentGroup creates a group of environments.
func (c *Client) CreateEnvironmentGroup(ctx context.Context, g EnvironmentGroup) (EnvironmentGroup, error) {
	if err := checkName(g.Name); err != nil {
		return EnvironmentGroup{}, err
	}
	if g.Environments == nil {
		g.Environments = []int{}
	}
	out, _, err := v2[EnvironmentGroup](ctx, c, httpx.Request{Method: http.MethodPost, Path: "/environment-groups", Creates: true}, g)
	return out, err
}

// Inspectors lists the inspector kinds.
func (c *Client) Inspectors(ctx context.Context) ([]Inspector, error) {
	return v1[[]Inspector](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/inspectors"}, nil)
}

// Launchpoints lists every launchpoint.
func (c *Client) Launchpoints(ctx context.Context) ([]Launchpoint, error) {
	return v1[[]Launchpoint](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/launchpoints"}, nil)
}

// Systems lists every system.
func (c *Client) Systems(ctx context.Context) ([]System, error) {
	return v1[[]System](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/systems"}, nil)
}

// Alerts lists the actionable alerts (v1 /tasks).
func (c *Client) Alerts(ctx context.Context) ([]Alert, error) {
	return v1[[]Alert](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/tasks"}, nil)
}

// bulkRun is POST /launchpoints/run's answer.
type bulkRun struct {
	Results []struct {
		ID int `json:"ID"`
	} `json:"results"`
	Errors []struct {
		ID      int    `json:"ID"`
		Message string `json:"Message"`
	} `json:"errors"`
}

// RunInspections starts the launchpoints' inspections now (POST
// /launchpoints/run); it says which Liongard refused, and why. Inspections
// run on Liongard's agents: their alerts come later.
func (c *Client) RunInspections(ctx context.Context, launchpoints []int) (refused map[int]string, err error) {
	out, err := v1[bulkRun](ctx, c, httpx.Request{Method: http.MethodPost, Path: "/launchpoints/run"}, map[string]any{"LaunchPoints": launchpoints})
	if err != nil {
		return nil, err
	}
	refused = map[int]string{}
	for _, e := range out.Errors {
		refused[e.ID] = e.Message
	}
	return refused, nil
}

// Metrics lists the metrics the instance has: Liongard's library and the
// partner's own (v1, a bare array).
func (c *Client) Metrics(ctx context.Context) ([]Metric, error) {
	return v1[[]Metric](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/metrics"}, nil)
}

// CreateMetric creates a metric. Never re-sent blindly: on a timeout, look
// for it by name before trying again.
func (c *Client) CreateMetric(ctx context.Context, m NewMetric) (Metric, error) {
	if err := checkName(m.Name); err != nil {
		return Metric{}, err
	}
	body := map[string]any{"Name": m.Name, "InspectorID": m.InspectorID, "MetricDisplay": m.Display, "ChangesEnabled": false,
		"Queries": []map[string]any{{"Query": m.Query, "InspectorVersionID": m.InspectorVersionID}}}
	return v1[Metric](ctx, c, httpx.Request{Method: http.MethodPost, Path: "/metrics", Creates: true}, body)
}

// LatestInspectorVersion is the newest release of an inspector: the
// highest id, as the spec says.
func (c *Client) LatestInspectorVersion(ctx context.Context, inspectorID int) (InspectorVersion, error) {
	q := url.Values{"orderBy[]": {"desc"}}
	vs, err := v1[[]InspectorVersion](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/inspector/" + strconv.Itoa(inspectorID) + "/versions", Query: q}, nil)
	if err != nil {
		return InspectorVersion{}, err
	}
	if len(vs) == 0 {
		return InspectorVersion{}, fmt.Errorf("Liongard: inspector %d has no versions", inspectorID)
	}
	latest := vs[0]
	for _, v := range vs {
		if v.ID > latest.ID {
			latest = v
		}
	}
	return latest, nil
}

// RelatedLaunchpoints lists an environment's launchpoints, each with its
// system (v2 related entities): the cheapest way from an environment to
// its systems.
func (c *Client) RelatedLaunchpoints(ctx context.Context, environmentID int) ([]LaunchpointEntity, error) {
	out, _, err := v2[struct {
		LaunchPoints []LaunchpointEntity `json:"LaunchPoints"`
	}](ctx, c, httpx.Request{Method: http.MethodGet, Path: "/environments/" + strconv.Itoa(environmentID) + "/relatedEntities"}, nil)
	return out.LaunchPoints, err
}

// EvaluateMetrics reads the values of metrics (ids or UUIDs) for every
// system, page by page. Liongard wants Filters and Sorting present even
// when empty.
func (c *Client) EvaluateMetrics(ctx context.Context, metrics []string) ([]MetricValue, error) {
	if len(metrics) == 0 {
		return nil, errors.New("Liongard: name at least one metric to evaluate")
	}
	ids := make([]any, len(metrics))
	for i, m := range metrics {
		if n, err := strconv.Atoi(m); err == nil {
			ids[i] = n
		} else {
			ids[i] = m
		}
	}
	return httpx.Collect(ctx, 1, func(ctx context.Context, page int) (httpx.Page[MetricValue], error) {
		// Sorted by system, so pages read one after another stay in one order.
		body := map[string]any{"Metrics": ids, "Filters": []any{}, "Sorting": []map[string]string{{"SortBy": "SystemID", "Direction": "ASC"}},
			"Pagination": map[string]int{"Page": page, "PageSize": c.evalPage}}
		items, p, err := v2[[]MetricValue](ctx, c, httpx.Request{Method: http.MethodPost, Path: "/metrics/evaluate", Reads: true}, body)
		if err != nil {
			return httpx.Page[MetricValue]{}, err
		}
		return httpx.Page[MetricValue]{Items: items, More: p != nil && p.HasMoreRows && len(items) > 0}, nil
	})
}

// ConnectionReport is what TestConnection found.
type ConnectionReport struct {
	Instance     string // host name
	Environments int
}

// TestConnection checks the key by counting environments.
func (c *Client) TestConnection(ctx context.Context) (ConnectionReport, error) {
	n, err := c.CountEnvironments(ctx)
	if err != nil {
		if errors.Is(err, httpx.ErrUnauthorized) {
			return ConnectionReport{}, fmt.Errorf("%w — check the access key ID and secret (Account Settings > Access Tokens); "+
				"keys expire on the date chosen when they were made", err)
		}
		return ConnectionReport{}, err
	}
	return ConnectionReport{Instance: c.Instance(), Environments: n}, nil
}

func tierOr(t Tier) Tier {
	if t == "" {
		return TierCore
	}
	return t
}

func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("Liongard: a name is needed")
	}
	return nil
}
