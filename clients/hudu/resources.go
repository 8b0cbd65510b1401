package hudu

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mspwire/mspwire/clients/httpx"
)

// Company is a Hudu company (a client space).
type Company struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Nickname    string `json:"nickname"`
	CompanyType string `json:"company_type"`
	City        string `json:"city"`
	Website     string `json:"website"`
	IDNumber    string `json:"id_number"`
	Archived    bool   `json:"archived"`
}

// NewCompany is a company to create.
type NewCompany struct {
	Name        string `json:"name"`
	Nickname    string `json:"nickname,omitempty"`
	CompanyType string `json:"company_type,omitempty"`
	Website     string `json:"website,omitempty"`
	IDNumber    string `json:"id_number,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

// CompanyFilter narrows the company list.
type CompanyFilter struct {
	Name   string // exact
	Search string // Hudu's free-text search
}

// Companies lists companies, page by page until an empty page.
func (c *Client) Companies(ctx context.Context, f CompanyFilter) ([]Company, error) {
	q := url.Values{}
	if f.Name != "" {
		q.Set("name", f.Name)
	}
	if f.Search != "" {
		q.Set("search", f.Search)
	}
	return pages[Company](ctx, c, "/companies", "companies", q, true)
}

// CreateCompany creates a company. Hudu answers 200 with {"company":…}.
// Never re-sent blindly: on a timeout, look before trying again.
func (c *Client) CreateCompany(ctx context.Context, n NewCompany) (Company, error) {
	var out struct {
		Company *Company `json:"company"`
	}
	err := c.api.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/companies", Creates: true}, map[string]any{"company": n}, &out)
	if err != nil {
		return Company{}, err
	}
	if out.Company == nil {
		return Company{}, errors.New("Hudu: POST /api/v1/companies: the answer carried no company")
	}
	return *out.Company, nil
}

// LayoutField is a field of an asset layout.
type LayoutField struct {
	Label     string `json:"label"`
	FieldType string `json:"field_type"`
	Required  bool   `json:"required"`
	Position  int    `json:"position,omitempty"`
}

// AssetLayout is an asset layout.
type AssetLayout struct {
	ID     int           `json:"id"`
	Name   string        `json:"name"`
	Slug   string        `json:"slug"`
	Icon   string        `json:"icon"`
	Active bool          `json:"active"`
	Fields []LayoutField `json:"fields"`
}

// AssetLayouts lists every asset layout (this list takes only page).
func (c *Client) AssetLayouts(ctx context.Context) ([]AssetLayout, error) {
	return pages[AssetLayout](ctx, c, "/asset_layouts", "asset_layouts", nil, false)
}

// AssetLayout reads one layout. Hudu answers a missing id with 200 and
// null; that becomes ErrNotFound here.
func (c *Client) AssetLayout(ctx context.Context, id int) (AssetLayout, error) {
	var out struct {
		Layout *AssetLayout `json:"asset_layout"`
	}
	path := "/asset_layouts/" + strconv.Itoa(id)
	if err := c.get(ctx, path, nil, &out); err != nil {
		return AssetLayout{}, err
	}
	if out.Layout == nil {
		return AssetLayout{}, &httpx.Error{System: "Hudu", Method: http.MethodGet, Path: "/api/v1" + path, Status: http.StatusNotFound,
			Kind: httpx.ErrNotFound, Message: fmt.Sprintf("no asset layout %d (Hudu answered 200 with null)", id)}
	}
	return *out.Layout, nil
}

// NewAssetLayout is a layout to create.
type NewAssetLayout struct {
	Name   string        `json:"name"`
	Icon   string        `json:"icon,omitempty"`
	Active bool          `json:"active"`
	Fields []LayoutField `json:"fields"`
}

// CreateAssetLayout creates a layout.
func (c *Client) CreateAssetLayout(ctx context.Context, n NewAssetLayout) (AssetLayout, error) {
	if n.Fields == nil {
		n.Fields = []LayoutField{}
	}
	var out struct {
		Layout *AssetLayout `json:"asset_layout"`
	}
	err := c.api.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/asset_layouts", Creates: true}, map[string]any{"asset_layout": n}, &out)
	if err != nil {
		return AssetLayout{}, err
	}
	if out.Layout == nil {
		return AssetLayout{}, errors.New("Hudu: POST /api/v1/asset_layouts: the answer carried no asset layout")
	}
	return *out.Layout, nil
}

// Asset is an asset in a company.
type Asset struct {
	ID            int    `json:"id"`
	CompanyID     int    `json:"company_id"`
	AssetLayoutID int    `json:"asset_layout_id"`
	Name          string `json:"name"`
	PrimarySerial string `json:"primary_serial"`
	Archived      bool   `json:"archived"`
}

// Assets lists assets, of one company and one layout when not 0.
func (c *Client) Assets(ctx context.Context, companyID, layoutID int) ([]Asset, error) {
	q := url.Values{}
	if companyID != 0 {
		q.Set("company_id", strconv.Itoa(companyID))
	}
	if layoutID != 0 {
		q.Set("asset_layout_id", strconv.Itoa(layoutID))
	}
	return pages[Asset](ctx, c, "/assets", "assets", q, true)
}

// Matcher links a company of an integration (a HaloPSA client, a Liongard
// environment) to a Hudu company. Hudu's guess is PotentialCompanyID.
type Matcher struct {
	ID                 int    `json:"id"`
	IntegratorID       int    `json:"integrator_id"`
	IntegratorName     string `json:"integrator_name"`
	SyncID             int    `json:"sync_id"`
	Identifier         string `json:"identifier"`
	Name               string `json:"name"`
	PotentialCompanyID *int   `json:"potential_company_id"`
	CompanyID          *int   `json:"company_id"`
	CompanyName        string `json:"company_name"`
}

// Matched filters matchers by whether they are linked yet.
type Matched int

// Matcher filters.
const (
	AllMatchers Matched = iota
	OnlyMatched
	OnlyUnmatched
)

// Matchers lists an integration's matchers. The integration id is the
// number in the URL of the integration's page in Hudu; Hudu fails with a
// 500 without it, so it is required here.
func (c *Client) Matchers(ctx context.Context, integrationID int, which Matched) ([]Matcher, error) {
	if integrationID <= 0 {
		return nil, errors.New("Hudu: matchers are listed per integration; give the integration id (the number in its page's URL in Hudu)")
	}
	q := url.Values{"integration_id": {strconv.Itoa(integrationID)}}
	switch which {
	case OnlyMatched:
		q.Set("matched", "true")
	case OnlyUnmatched:
		q.Set("matched", "false")
	}
	return pages[Matcher](ctx, c, "/matchers", "matchers", q, true)
}

// FirstMatcher reads one matcher of an integration, to learn which
// integrator the id belongs to; ok is false when it has none.
func (c *Client) FirstMatcher(ctx context.Context, integrationID int) (Matcher, bool, error) {
	var body struct {
		Matchers []Matcher `json:"matchers"`
	}
	q := url.Values{"integration_id": {strconv.Itoa(integrationID)}, "page": {"1"}, "page_size": {"1"}}
	if err := c.get(ctx, "/matchers", q, &body); err != nil {
		return Matcher{}, false, err
	}
	if len(body.Matchers) == 0 {
		return Matcher{}, false, nil
	}
	return body.Matchers[0], true, nil
}

// MatcherOf finds the matcher of one record of an integration (its
// sync_id: a HaloPSA client id, a Liongard environment id).
func (c *Client) MatcherOf(ctx context.Context, integrationID, syncID int) (Matcher, bool, error) {
	if integrationID <= 0 {
		return Matcher{}, false, errors.New("Hudu: matchers are listed per integration; give the integration id (the number in its page's URL in Hudu)")
	}
	q := url.Values{"integration_id": {strconv.Itoa(integrationID)}, "sync_id": {strconv.Itoa(syncID)}}
	ms, err := pages[Matcher](ctx, c, "/matchers", "matchers", q, true)
	if err != nil {
		return Matcher{}, false, err
	}
	for _, m := range ms {
		if m.SyncID == syncID {
			return m, true, nil
		}
	}
	return Matcher{}, false, nil
}

// SetMatcherCompany links a matcher to a Hudu company (0 unlinks it).
func (c *Client) SetMatcherCompany(ctx context.Context, matcherID, companyID int) (Matcher, error) {
	var company any
	if companyID != 0 {
		company = companyID
	}
	var out struct {
		Matcher *Matcher `json:"matcher"`
	}
	path := "/matchers/" + strconv.Itoa(matcherID)
	err := c.api.JSON(ctx, httpx.Request{Method: http.MethodPut, Path: path}, map[string]any{"matcher": map[string]any{"company_id": company}}, &out)
	if errors.Is(err, httpx.ErrServer) {
		return Matcher{}, fmt.Errorf("%w — Hudu answers a matcher that does not exist with a 500; list the matchers again", err)
	}
	if err != nil {
		return Matcher{}, err
	}
	if out.Matcher == nil {
		return Matcher{}, fmt.Errorf("Hudu: PUT /api/v1%s: the answer carried no matcher", path)
	}
	return *out.Matcher, nil
}

// APIInfo is what /api_info says.
type APIInfo struct {
	Version string `json:"version"`
	Date    string `json:"date"`
}

// Info reads the instance's version.
func (c *Client) Info(ctx context.Context) (APIInfo, error) {
	var info APIInfo
	err := c.get(ctx, "/api_info", nil, &info)
	return info, err
}

// ConnectionReport is what TestConnection found.
type ConnectionReport struct {
	Version string
}

// ErrTooOld means the instance predates the API this client uses.
var ErrTooOld = errors.New("Hudu is too old")

// TestConnection checks the key and refuses versions before MinVersion.
func (c *Client) TestConnection(ctx context.Context) (ConnectionReport, error) {
	info, err := c.Info(ctx)
	if errors.Is(err, httpx.ErrUnauthorized) {
		return ConnectionReport{}, fmt.Errorf("%w — check the API key (Admin > Basic Information > API Keys) and any IP allow-list on it", err)
	}
	if err != nil {
		return ConnectionReport{}, err
	}
	if compareVersions(info.Version, MinVersion) < 0 {
		return ConnectionReport{Version: info.Version}, fmt.Errorf("%w: this instance runs %s; mspwire needs Hudu %s or newer — upgrade Hudu first",
			ErrTooOld, info.Version, MinVersion)
	}
	return ConnectionReport{Version: info.Version}, nil
}
