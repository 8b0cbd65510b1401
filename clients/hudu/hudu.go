// Package hudu is a client for Hudu's REST API: companies, asset layouts,
// assets, integration matchers (Hudu's "Match Companies" step) and api_info.
package hudu

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

// PageSize is what list calls ask for where Hudu honours page_size; the
// official PowerShell module asks for 1000.
const PageSize = 1000

// MinVersion is the oldest Hudu whose API this client relies on: HuduAPI,
// Hudu's official PowerShell module, refuses anything older.
const MinVersion = "2.21"

// Config is one Hudu connection.
type Config struct {
	URL         string // https://docs.example.com (the API is under /api/v1)
	APIKey      string
	Budget      httpx.Budget  // zero: 300 per minute
	HTTP        *http.Client  // optional
	BackoffBase time.Duration // optional, for tests
	PageSize    int           // zero: PageSize
}

// Client talks to one Hudu instance.
type Client struct {
	api *httpx.Client
	cfg Config
}

// New checks the configuration and makes a client; nothing is sent yet.
func New(cfg Config) (*Client, error) {
	base, err := httpx.NormalizeBaseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("Hudu URL: %w", err)
	}
	base = strings.TrimSuffix(base, "/api/v1") // pasted with the API path
	cfg.APIKey = strings.TrimSpace(cfg.APIKey)
	if cfg.APIKey == "" {
		return nil, errors.New("Hudu: the API key is empty (Admin > Basic Information > API Keys)")
	}
	if cfg.Budget.Requests == 0 {
		cfg.Budget = httpx.HuduBudget
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = PageSize
	}
	c := &Client{cfg: cfg}
	c.api = httpx.New(httpx.Config{
		System: "Hudu", BaseURL: base + "/api/v1", Budget: cfg.Budget, HTTP: cfg.HTTP,
		Authorize: func(_ context.Context, r *http.Request) error {
			r.Header.Set("x-api-key", cfg.APIKey)
			return nil
		},
		VendorMessage: vendorMessage,
		Secrets:       func() []string { return []string{cfg.APIKey} },
		BackoffBase:   cfg.BackoffBase,
	})
	return c, nil
}

// vendorMessage adds Rails-style {"errors":{"name":["can't be blank"]}}
// fields to the usual {"error","details"} / {"message"} / plain text.
func vendorMessage(status int, body []byte) (string, []httpx.FieldError) {
	var doc struct {
		Errors  map[string][]string `json:"errors"`
		Error   string              `json:"error"`
		Details string              `json:"details"`
	}
	if err := json.Unmarshal(body, &doc); err == nil && len(doc.Errors) > 0 {
		var fields []httpx.FieldError
		for _, k := range sortedKeys(doc.Errors) {
			fields = append(fields, httpx.FieldError{Field: k, Message: strings.Join(doc.Errors[k], ", ")})
		}
		return "the request was refused", fields
	}
	if doc.Error != "" && doc.Details != "" {
		return doc.Error + ": " + doc.Details, nil
	}
	return httpx.GenericMessage(status, body)
}

// get reads a list page or a record; the answer is the wrapper object.
func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	return c.api.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, nil, out)
}

// pages reads a Hudu list page after page until a page comes back empty,
// the end signal every Hudu list shares. withSize says whether the endpoint
// takes page_size.
func pages[T any](ctx context.Context, c *Client, path, key string, q url.Values, withSize bool) ([]T, error) {
	return httpx.Collect(ctx, 1, func(ctx context.Context, page int) (httpx.Page[T], error) {
		pq := url.Values{"page": {strconv.Itoa(page)}}
		if withSize {
			pq.Set("page_size", strconv.Itoa(c.cfg.PageSize))
		}
		for k, v := range q {
			pq[k] = v
		}
		var body map[string][]T
		if err := c.get(ctx, path, pq, &body); err != nil {
			return httpx.Page[T]{}, err
		}
		items, ok := body[key]
		if !ok {
			return httpx.Page[T]{}, fmt.Errorf("Hudu: GET /api/v1%s: the answer has no %q list", path, key)
		}
		return httpx.Page[T]{Items: items, More: len(items) > 0}, nil
	})
}

// compareVersions compares dotted versions: -1, 0 or 1.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
