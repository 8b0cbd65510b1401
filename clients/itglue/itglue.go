// Package itglue is a client for IT Glue's JSON:API: organizations with
// their types and statuses, flexible asset types and assets, configurations
// and configuration types.
package itglue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
)

// PageSize is what list calls ask for: IT Glue's maximum.
const PageSize = 1000

// Regions and their API hosts.
var Regions = map[string]string{
	"us": "https://api.itglue.com",
	"eu": "https://api.eu.itglue.com",
	"au": "https://api.au.itglue.com",
}

// MediaType is JSON:API's content type, which IT Glue insists on for bodies.
const MediaType = "application/vnd.api+json"

// Config is one IT Glue connection.
type Config struct {
	Region      string // us, eu or au; or leave empty and give URL
	URL         string // a full base URL instead of a region
	APIKey      string
	Budget      httpx.Budget  // zero: 3000 per 5 minutes
	HTTP        *http.Client  // optional
	BackoffBase time.Duration // optional, for tests
	PageSize    int           // zero: PageSize
}

// Client talks to one IT Glue account.
type Client struct {
	api    *httpx.Client
	cfg    Config
	region string
}

// ResolveRegion gives the base URL for a region or a URL, and the region's
// name ("" for a URL outside the three).
func ResolveRegion(region, rawURL string) (base, name string, err error) {
	region = strings.ToLower(strings.TrimSpace(region))
	switch {
	case region != "" && rawURL != "":
		return "", "", errors.New("IT Glue: give a region or a URL, not both")
	case region != "":
		base, ok := Regions[region]
		if !ok {
			return "", "", fmt.Errorf("IT Glue region %q: choose us, eu or au", region)
		}
		return base, strings.ToUpper(region), nil
	case rawURL == "":
		return "", "", errors.New("IT Glue: choose a region (us, eu, au) or give the API URL")
	}
	base, err = httpx.NormalizeBaseURL(rawURL)
	if err != nil {
		return "", "", fmt.Errorf("IT Glue URL: %w", err)
	}
	for r, host := range Regions {
		if base == host {
			return base, strings.ToUpper(r), nil
		}
	}
	return base, "", nil
}

// New checks the configuration and makes a client; nothing is sent yet.
func New(cfg Config) (*Client, error) {
	base, region, err := ResolveRegion(cfg.Region, cfg.URL)
	if err != nil {
		return nil, err
	}
	cfg.APIKey = strings.TrimSpace(cfg.APIKey)
	if cfg.APIKey == "" {
		return nil, errors.New("IT Glue: the API key is empty (Account > Settings > API Keys)")
	}
	if cfg.Budget.Requests == 0 {
		cfg.Budget = httpx.ITGlueBudget
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = PageSize
	}
	c := &Client{cfg: cfg, region: region}
	c.api = httpx.New(httpx.Config{
		System: "IT Glue", BaseURL: base, Budget: cfg.Budget, HTTP: cfg.HTTP,
		Authorize: func(_ context.Context, r *http.Request) error {
			r.Header.Set("x-api-key", cfg.APIKey)
			r.Header.Set("Accept", MediaType)
			return nil
		},
		VendorMessage: vendorMessage,
		Secrets:       func() []string { return []string{cfg.APIKey} },
		BackoffBase:   cfg.BackoffBase,
	})
	return c, nil
}

// Region is the region's name (US, EU, AU), or "" for another URL.
func (c *Client) Region() string { return c.region }

// vendorMessage reads JSON:API errors: titles and details become the
// message, source pointers become field errors.
func vendorMessage(status int, body []byte) (string, []httpx.FieldError) {
	var doc struct {
		Errors []struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
			Source *struct {
				Pointer string `json:"pointer"`
			} `json:"source"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &doc) != nil || len(doc.Errors) == 0 {
		return httpx.GenericMessage(status, body)
	}
	var msgs []string
	var fields []httpx.FieldError
	for _, e := range doc.Errors {
		text := strings.TrimSpace(strings.Join(nonEmpty(e.Title, e.Detail), ": "))
		if e.Source != nil && e.Source.Pointer != "" {
			fields = append(fields, httpx.FieldError{Field: e.Source.Pointer, Message: text})
			continue
		}
		msgs = append(msgs, text)
	}
	return strings.Join(msgs, "; "), fields
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// resource is a JSON:API resource object with typed attributes.
type resource[A any] struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes A      `json:"attributes"`
}

type listDoc[A any] struct {
	Data []resource[A] `json:"data"`
	Meta struct {
		NextPage   *int `json:"next-page"`
		TotalCount int  `json:"total-count"`
	} `json:"meta"`
	Links struct {
		Next string `json:"next"`
	} `json:"links"`
}

// list reads every page: the first call asks for the biggest page, then
// links.next is followed while meta.next-page says there is one.
func list[A any](ctx context.Context, c *Client, path string, query url.Values) ([]resource[A], error) {
	q := url.Values{"page[size]": {strconv.Itoa(c.cfg.PageSize)}, "page[number]": {"1"}}
	for k, v := range query {
		q[k] = v
	}
	next := ""
	return httpx.Collect(ctx, 1, func(ctx context.Context, page int) (httpx.Page[resource[A]], error) {
		req := httpx.Request{Method: http.MethodGet, Path: path, Query: q}
		if page > 1 {
			req = httpx.Request{Method: http.MethodGet, Path: next}
		}
		var doc listDoc[A]
		if err := c.api.JSON(ctx, req, nil, &doc); err != nil {
			return httpx.Page[resource[A]]{}, err
		}
		next = doc.Links.Next
		more := doc.Meta.NextPage != nil && next != "" && len(doc.Data) > 0
		return httpx.Page[resource[A]]{Items: doc.Data, More: more}, nil
	})
}

// one sends a single-resource document and reads one back.
func one[A any](ctx context.Context, c *Client, method, path, typ string, attrs any, creates bool) (resource[A], error) {
	body, err := json.Marshal(map[string]any{"data": map[string]any{"type": typ, "attributes": attrs}})
	if err != nil {
		return resource[A]{}, err
	}
	var doc struct {
		Data resource[A] `json:"data"`
	}
	req := httpx.Request{Method: method, Path: path, Body: body, ContentType: MediaType, Creates: creates}
	resp, err := c.api.Do(ctx, req)
	if err != nil {
		return doc.Data, err
	}
	return doc.Data, c.api.Decode(req, resp, &doc)
}

func joinIDs(ids []int) string {
	sorted := append([]int(nil), ids...)
	sort.Ints(sorted)
	parts := make([]string, len(sorted))
	for i, id := range sorted {
		parts[i] = strconv.Itoa(id)
	}
	return strings.Join(parts, ",")
}
