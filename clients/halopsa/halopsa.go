// Package halopsa is a client for HaloPSA's REST API: OAuth2 client
// credentials, clients and sites, agents and teams, ticket types with their
// field configuration, statuses, priorities and SLAs, recurring invoices.
package halopsa

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
	"sync"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
)

// PageSize is what list calls ask for: the largest page Halo is known to
// serve (HaloPSA documents no maximum; its most used client asks for 1000).
const PageSize = 1000

// Config is one HaloPSA connection.
type Config struct {
	BaseURL      string // https://acme.halopsa.com
	ClientID     string
	ClientSecret string
	Tenant       string        // optional; hosted Halo reads it from the host
	Budget       httpx.Budget  // zero: hosted Halo's 300 per 5 minutes
	HTTP         *http.Client  // optional
	BackoffBase  time.Duration // optional, for tests
	PageSize     int           // zero: PageSize
	// Now is the token's clock: when it was fetched and when it is renewed
	// (nil: the real one; tests pass theirs).
	Now func() time.Time
}

// Client talks to one HaloPSA tenant. Its token lives in memory only.
type Client struct {
	api    *httpx.Client
	cfg    Config
	mu     sync.Mutex
	token  string
	scope  []string
	expiry time.Time
}

// New checks the configuration and makes a client; nothing is sent yet.
func New(cfg Config) (*Client, error) {
	base, err := httpx.NormalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("HaloPSA URL: %w", err)
	}
	cfg.BaseURL = base
	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	if cfg.ClientID == "" {
		return nil, errors.New("HaloPSA: the client ID is empty")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("HaloPSA: the client secret is empty")
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = PageSize
	}
	if cfg.Budget.Requests == 0 {
		cfg.Budget = httpx.HaloPSABudget
	}
	c := &Client{cfg: cfg}
	c.api = httpx.New(httpx.Config{
		System: "HaloPSA", BaseURL: base, Budget: cfg.Budget, HTTP: cfg.HTTP,
		Authorize:     c.authorize,
		VendorMessage: vendorMessage,
		Secrets:       c.secrets,
		BackoffBase:   cfg.BackoffBase,
		// Halo's window is five minutes and it sends no Retry-After, so
		// wait longer between tries than for the other vendors.
		MaxBackoff: time.Minute, MaxRetries: 6,
	})
	return c, nil
}

func (c *Client) secrets() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return []string{c.cfg.ClientSecret, c.token}
}

// tokenResponse is the OAuth2 answer.
type tokenResponse struct {
	TokenType   string `json:"token_type"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// authorize adds the Bearer token, fetching or renewing it first when it is
// missing or has under a minute (or a tenth of its life) left.
func (c *Client) authorize(ctx context.Context, r *http.Request) error {
	tok, err := c.currentToken(ctx)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

func (c *Client) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now()
	}
	return time.Now()
}

func (c *Client) currentToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	tok, exp := c.token, c.expiry
	c.mu.Unlock()
	if tok != "" && c.now().Before(exp) {
		return tok, nil
	}
	return c.fetchToken(ctx)
}

func (c *Client) fetchToken(ctx context.Context) (string, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.cfg.ClientID},
		"client_secret": {c.cfg.ClientSecret},
		"scope":         {"all"},
	}
	req := httpx.Request{Method: http.MethodPost, Path: "/auth/token", Body: []byte(form.Encode()),
		ContentType: "application/x-www-form-urlencoded", Anonymous: true}
	if c.cfg.Tenant != "" {
		req.Query = url.Values{"tenant": {c.cfg.Tenant}}
	}
	var tr tokenResponse
	if err := c.api.JSON(ctx, req, nil, &tr); err != nil {
		var apiErr *httpx.Error
		if errors.As(err, &apiErr) && (apiErr.Status == http.StatusUnauthorized || apiErr.Status == http.StatusBadRequest) {
			return "", fmt.Errorf("%w — check the client ID and secret under Configuration > Integrations > HaloPSA API "+
				"(a new secret replaces the old one at once), and the tenant if you gave one", err)
		}
		return "", err
	}
	if tr.AccessToken == "" {
		return "", errors.New("HaloPSA: POST /auth/token: the answer carried no access_token")
	}
	life := time.Duration(tr.ExpiresIn) * time.Second
	if life <= 0 {
		life = time.Hour
	}
	margin := min(time.Minute, life/10)
	c.mu.Lock()
	c.token, c.scope, c.expiry = tr.AccessToken, strings.Fields(tr.Scope), c.now().Add(life-margin)
	c.mu.Unlock()
	return tr.AccessToken, nil
}

// forgetToken drops a token the server refused.
func (c *Client) forgetToken(refused string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == refused {
		c.token = ""
	}
}

// do sends a call and, on a 401, renews the token once and tries again. A
// 401 means the call was not processed, so even a create may be re-sent.
func (c *Client) do(ctx context.Context, req httpx.Request, in, out any) error {
	c.mu.Lock()
	used := c.token
	c.mu.Unlock()
	err := c.api.JSON(ctx, req, in, out)
	if !errors.Is(err, httpx.ErrUnauthorized) {
		return err
	}
	c.forgetToken(used)
	return c.api.JSON(ctx, req, in, out)
}

// vendorMessage reads Halo's error shapes: a map of field path to message
// on 400 ({"[0].name": "..."}), {"Message"} / {"ClassName","Message"},
// OAuth2's {"error","error_description"}, or plain text (the 429).
func vendorMessage(status int, body []byte) (string, []httpx.FieldError) {
	var m map[string]any
	if json.Unmarshal(body, &m) == nil && status == http.StatusBadRequest {
		if _, oauth := m["error"]; !oauth {
			if _, plain := m["Message"]; !plain {
				var fields []httpx.FieldError
				for k, v := range m {
					if s, ok := v.(string); ok {
						fields = append(fields, httpx.FieldError{Field: k, Message: s})
					}
				}
				sort.Slice(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
				if len(fields) > 0 {
					return "the request was refused", fields
				}
			}
		}
	}
	return httpx.GenericMessage(status, body)
}

// listPage is Halo's paginated wrapper; the list key varies.
type listPage[T any] struct {
	PageNo      int `json:"page_no"`
	PageSize    int `json:"page_size"`
	RecordCount int `json:"record_count"`
	items       []T
}

// list reads every page of a wrapped list: pageinate=true, page_no from 1,
// until page_no × page_size reaches record_count.
func list[T any](ctx context.Context, c *Client, path, key string, query url.Values) ([]T, error) {
	return httpx.Collect(ctx, 1, func(ctx context.Context, page int) (httpx.Page[T], error) {
		q := url.Values{"pageinate": {"true"}, "page_size": {strconv.Itoa(c.cfg.PageSize)}, "page_no": {strconv.Itoa(page)}}
		for k, v := range query {
			q[k] = v
		}
		var raw map[string]json.RawMessage
		if err := c.do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, nil, &raw); err != nil {
			return httpx.Page[T]{}, err
		}
		var p listPage[T]
		if err := decodeWrapper(raw, key, &p); err != nil {
			return httpx.Page[T]{}, fmt.Errorf("HaloPSA: GET %s: %w", path, err)
		}
		size := p.PageSize
		if size == 0 {
			size = c.cfg.PageSize
		}
		more := len(p.items) > 0 && page*size < p.RecordCount
		return httpx.Page[T]{Items: p.items, More: more}, nil
	})
}

func decodeWrapper[T any](raw map[string]json.RawMessage, key string, p *listPage[T]) error {
	for k, dst := range map[string]any{"page_no": &p.PageNo, "page_size": &p.PageSize, "record_count": &p.RecordCount, key: &p.items} {
		v, ok := raw[k]
		if !ok {
			if k == key {
				return fmt.Errorf("the answer has no %q list", key)
			}
			continue
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

// bare reads a list Halo answers as a plain JSON array.
func bare[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var out []T
	err := c.do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: query}, nil, &out)
	return out, err
}

// jsonOneOrMany reads a POST answer that may be one object or an array
// (Halo's answer to a one-item POST is not documented either way).
type jsonOneOrMany[T any] struct{ items []T }

func (j *jsonOneOrMany[T]) UnmarshalJSON(b []byte) error {
	trimmed := strings.TrimSpace(string(b))
	if strings.HasPrefix(trimmed, "[") {
		return json.Unmarshal(b, &j.items)
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	j.items = []T{one}
	return nil
}

// BaseURL is the tenant's normalised base URL.
func (c *Client) BaseURL() string { return c.cfg.BaseURL }
