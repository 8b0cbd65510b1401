package itglue

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mspwire/mspwire/clients/httpx"
)

// Organization is an IT Glue organization: one customer.
type Organization struct {
	ID         int
	Name       string
	TypeID     int
	TypeName   string
	StatusID   int
	StatusName string
	ShortName  string
}

type orgAttrs struct {
	Name       string  `json:"name"`
	TypeID     flexInt `json:"organization-type-id"`
	TypeName   string  `json:"organization-type-name"`
	StatusID   flexInt `json:"organization-status-id"`
	StatusName string  `json:"organization-status-name"`
	ShortName  string  `json:"short-name"`
}

// flexInt reads an id sent as a number or a string.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) > 1 && s[0] == '"' {
		s = s[1 : len(s)-1]
	}
	n, err := strconv.Atoi(s)
	*f = flexInt(n)
	return err
}

func toOrg(r resource[orgAttrs]) Organization {
	id, _ := strconv.Atoi(r.ID)
	a := r.Attributes
	return Organization{ID: id, Name: a.Name, TypeID: int(a.TypeID), TypeName: a.TypeName, StatusID: int(a.StatusID), StatusName: a.StatusName, ShortName: a.ShortName}
}

// OrganizationFilter narrows the organization list; empty means all.
type OrganizationFilter struct {
	TypeIDs   []int
	StatusIDs []int
	Name      string // exact, as IT Glue matches
}

// Organizations lists organizations, 1000 to a page.
func (c *Client) Organizations(ctx context.Context, f OrganizationFilter) ([]Organization, error) {
	q := url.Values{}
	if len(f.TypeIDs) > 0 {
		q.Set("filter[organization_type_id]", joinIDs(f.TypeIDs))
	}
	if len(f.StatusIDs) > 0 {
		q.Set("filter[organization_status_id]", joinIDs(f.StatusIDs))
	}
	if f.Name != "" {
		q.Set("filter[name]", f.Name)
	}
	rs, err := list[orgAttrs](ctx, c, "/organizations", q)
	if err != nil {
		return nil, err
	}
	out := make([]Organization, len(rs))
	for i, r := range rs {
		out[i] = toOrg(r)
	}
	return out, nil
}

// NewOrganization is an organization to create. Zero ids are left out.
type NewOrganization struct {
	Name        string
	TypeID      int
	StatusID    int
	Description string
}

func (n NewOrganization) attrs() map[string]any {
	a := map[string]any{"name": n.Name}
	if n.TypeID != 0 {
		a["organization-type-id"] = n.TypeID
	}
	if n.StatusID != 0 {
		a["organization-status-id"] = n.StatusID
	}
	if n.Description != "" {
		a["description"] = n.Description
	}
	return a
}

// CreateOrganization creates an organization. Never re-sent blindly.
func (c *Client) CreateOrganization(ctx context.Context, n NewOrganization) (Organization, error) {
	r, err := one[orgAttrs](ctx, c, http.MethodPost, "/organizations", "organizations", n.attrs(), true)
	return toOrg(r), err
}

// UpdateOrganization changes the given fields of an organization.
func (c *Client) UpdateOrganization(ctx context.Context, id int, n NewOrganization) (Organization, error) {
	a := n.attrs()
	if n.Name == "" {
		delete(a, "name")
	}
	r, err := one[orgAttrs](ctx, c, http.MethodPatch, "/organizations/"+strconv.Itoa(id), "organizations", a, false)
	return toOrg(r), err
}

// Named is an id and name: organization types and statuses,
// configuration types.
type Named struct {
	ID   int
	Name string
}

type nameAttrs struct {
	Name string `json:"name"`
}

func (c *Client) named(ctx context.Context, path string) ([]Named, error) {
	rs, err := list[nameAttrs](ctx, c, path, nil)
	if err != nil {
		return nil, err
	}
	out := make([]Named, len(rs))
	for i, r := range rs {
		id, _ := strconv.Atoi(r.ID)
		out[i] = Named{ID: id, Name: r.Attributes.Name}
	}
	return out, nil
}

// OrganizationTypes lists the organization types.
func (c *Client) OrganizationTypes(ctx context.Context) ([]Named, error) {
	return c.named(ctx, "/organization_types")
}

// OrganizationStatuses lists the organization statuses.
func (c *Client) OrganizationStatuses(ctx context.Context) ([]Named, error) {
	return c.named(ctx, "/organization_statuses")
}

// ConfigurationTypes lists the configuration types.
func (c *Client) ConfigurationTypes(ctx context.Context) ([]Named, error) {
	return c.named(ctx, "/configuration_types")
}

// FlexibleAssetType is a kind of flexible asset; Liongard's end in "(auto)".
type FlexibleAssetType struct {
	ID      int
	Name    string
	Enabled bool
}

// FlexibleAssetTypes lists the flexible asset types.
func (c *Client) FlexibleAssetTypes(ctx context.Context) ([]FlexibleAssetType, error) {
	rs, err := list[struct {
		Name    string `json:"name"`
		Enabled bool   `json:"enabled"`
	}](ctx, c, "/flexible_asset_types", nil)
	if err != nil {
		return nil, err
	}
	out := make([]FlexibleAssetType, len(rs))
	for i, r := range rs {
		id, _ := strconv.Atoi(r.ID)
		out[i] = FlexibleAssetType{ID: id, Name: r.Attributes.Name, Enabled: r.Attributes.Enabled}
	}
	return out, nil
}

// FlexibleAsset is one flexible asset.
type FlexibleAsset struct {
	ID             int
	Name           string
	OrganizationID int
	TypeID         int
	UpdatedAt      string // RFC 3339, as IT Glue writes it
}

// FlexibleAssets lists the assets of one type (IT Glue requires the type),
// of one organization when organizationID is not 0.
func (c *Client) FlexibleAssets(ctx context.Context, typeID, organizationID int) ([]FlexibleAsset, error) {
	if typeID == 0 {
		return nil, errors.New("IT Glue: flexible assets can only be listed for one flexible asset type")
	}
	q := url.Values{"filter[flexible_asset_type_id]": {strconv.Itoa(typeID)}}
	if organizationID != 0 {
		q.Set("filter[organization_id]", strconv.Itoa(organizationID))
	}
	rs, err := list[struct {
		Name      string  `json:"name"`
		OrgID     flexInt `json:"organization-id"`
		TypeID    flexInt `json:"flexible-asset-type-id"`
		UpdatedAt string  `json:"updated-at"`
	}](ctx, c, "/flexible_assets", q)
	if err != nil {
		return nil, err
	}
	out := make([]FlexibleAsset, len(rs))
	for i, r := range rs {
		id, _ := strconv.Atoi(r.ID)
		out[i] = FlexibleAsset{ID: id, Name: r.Attributes.Name, OrganizationID: int(r.Attributes.OrgID), TypeID: int(r.Attributes.TypeID), UpdatedAt: r.Attributes.UpdatedAt}
	}
	return out, nil
}

// Configuration is a configuration item (server, workstation, …).
type Configuration struct {
	ID             int
	Name           string
	OrganizationID int
	TypeID         int
	TypeName       string
	Archived       bool
}

// Configurations lists configurations, of one organization when
// organizationID is not 0, with one exact name when name is not empty.
func (c *Client) Configurations(ctx context.Context, organizationID int, name string) ([]Configuration, error) {
	q := url.Values{}
	if organizationID != 0 {
		q.Set("filter[organization_id]", strconv.Itoa(organizationID))
	}
	if name != "" {
		q.Set("filter[name]", name)
	}
	rs, err := list[struct {
		Name     string  `json:"name"`
		OrgID    flexInt `json:"organization-id"`
		TypeID   flexInt `json:"configuration-type-id"`
		TypeName string  `json:"configuration-type-name"`
		Archived bool    `json:"archived"`
	}](ctx, c, "/configurations", q)
	if err != nil {
		return nil, err
	}
	out := make([]Configuration, len(rs))
	for i, r := range rs {
		id, _ := strconv.Atoi(r.ID)
		a := r.Attributes
		out[i] = Configuration{ID: id, Name: a.Name, OrganizationID: int(a.OrgID), TypeID: int(a.TypeID), TypeName: a.TypeName, Archived: a.Archived}
	}
	return out, nil
}

// ConnectionReport is what TestConnection found.
type ConnectionReport struct {
	Region        string // US, EU, AU, or "" for another URL
	Organizations int
}

// TestConnection checks the key by reading one organization.
func (c *Client) TestConnection(ctx context.Context) (ConnectionReport, error) {
	var doc listDoc[orgAttrs]
	q := url.Values{"page[size]": {"1"}}
	err := c.api.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/organizations", Query: q}, nil, &doc)
	switch {
	case errors.Is(err, httpx.ErrForbidden):
		return ConnectionReport{}, fmt.Errorf("%w — wrong API key, or the key belongs to another region (US/EU/AU)", err)
	case errors.Is(err, httpx.ErrUnauthorized):
		return ConnectionReport{}, fmt.Errorf("%w — the API key was not accepted; create one under Account > Settings > API Keys", err)
	case err != nil:
		return ConnectionReport{}, err
	}
	return ConnectionReport{Region: c.region, Organizations: doc.Meta.TotalCount}, nil
}
