// Package liongard is a client for Liongard's v1 and v2 APIs: environments
// and environment groups, inspectors, launchpoints, systems, actionable
// alerts and metric evaluation.
package liongard

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
)

// PageSize is what v2 list calls ask for.
const PageSize = 500

// EvaluatePageSize is what metric evaluations ask for: the largest page
// clients in the wild use (2,000); the spec's example asks for 25 and
// states no maximum. Evaluate is the call Liongard throttles (100 a
// minute), so fewer, larger pages.
const EvaluatePageSize = 2000

// Config is one Liongard connection.
type Config struct {
	// Instance is the instance name (us1, us2, ca1, …), its host name, or a
	// full URL.
	Instance    string
	KeyID       string
	KeySecret   string
	Budget      httpx.Budget  // zero: 2000 per 5 minutes
	HTTP        *http.Client  // optional; its transport is used
	BackoffBase time.Duration // optional, for tests
	PageSize    int           // zero: PageSize for lists, EvaluatePageSize for evaluations
}

// Client talks to one Liongard instance.
type Client struct {
	api      *httpx.Client
	cfg      Config
	base     string
	evalPage int // evaluations' page size
}

var instanceName = regexp.MustCompile(`^[a-z]{2,3}[0-9]{0,2}$`)

// ResolveInstance turns what an operator types into a base URL: "us1" or
// "us1.app.liongard.com" becomes https://us1.app.liongard.com; a URL is
// checked as any other, and a pasted /api/v1 or /api/v2 is dropped.
func ResolveInstance(s string) (string, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch {
	case s == "":
		return "", errors.New("Liongard instance: give its name (us1, us2, ca1, …) or its URL")
	case instanceName.MatchString(s):
		return "https://" + s + ".app.liongard.com", nil
	case !strings.Contains(s, "://") && strings.HasSuffix(strings.TrimRight(s, "/"), ".app.liongard.com"):
		s = "https://" + s
	}
	base, err := httpx.NormalizeBaseURL(s)
	if err != nil {
		return "", fmt.Errorf("Liongard URL: %w", err)
	}
	for _, suffix := range []string{"/api/v1", "/api/v2", "/api"} {
		base = strings.TrimSuffix(base, suffix)
	}
	return base, nil
}

// New checks the configuration and makes a client; nothing is sent yet.
func New(cfg Config) (*Client, error) {
	base, err := ResolveInstance(cfg.Instance)
	if err != nil {
		return nil, err
	}
	cfg.KeyID = strings.TrimSpace(cfg.KeyID)
	if cfg.KeyID == "" || cfg.KeySecret == "" {
		return nil, errors.New("Liongard: both the access key ID and its secret are needed (Account Settings > Access Tokens)")
	}
	if strings.Contains(cfg.KeyID, ":") {
		return nil, errors.New("Liongard: the access key ID cannot contain ':'; give the ID and the secret separately")
	}
	if cfg.Budget.Requests == 0 {
		cfg.Budget = httpx.LiongardBudget
	}
	evalPage := cfg.PageSize // a size given is used for every page: tests page small
	if cfg.PageSize <= 0 {
		cfg.PageSize, evalPage = PageSize, EvaluatePageSize
	}
	c := &Client{cfg: cfg, base: base, evalPage: evalPage}
	c.api = httpx.New(httpx.Config{
		System: "Liongard", BaseURL: base, Budget: cfg.Budget, HTTP: c.httpClient(),
		Authorize: func(_ context.Context, r *http.Request) error {
			r.Header.Set("X-ROAR-API-KEY", c.key())
			return nil
		},
		Secrets:     func() []string { return []string{cfg.KeySecret, c.key()} },
		BackoffBase: cfg.BackoffBase,
	})
	return c, nil
}

// key is the X-ROAR-API-KEY value: base64("<AccessKeyID>:<AccessKeySecret>").
func (c *Client) key() string {
	return base64.StdEncoding.EncodeToString([]byte(c.cfg.KeyID + ":" + c.cfg.KeySecret))
}

// httpClient follows Liongard's redirects to the same host only, keeping the
// key on the new request. A redirected POST or PUT is not followed: Go would
// resend it as a GET without its body.
func (c *Client) httpClient() *http.Client {
	hc := &http.Client{}
	if c.cfg.HTTP != nil {
		hc.Transport = c.cfg.HTTP.Transport
	}
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0]
		switch {
		case len(via) >= 5:
			return errors.New("Liongard: more than 5 redirects")
		case req.URL.Host != first.URL.Host:
			return http.ErrUseLastResponse // never send the key to another host
		case first.Method != http.MethodGet:
			return http.ErrUseLastResponse
		}
		req.Header.Set("X-ROAR-API-KEY", c.key())
		return nil
	}
	return hc
}

// Instance is the host the client talks to.
func (c *Client) Instance() string {
	u, _ := url.Parse(c.base)
	return u.Host
}

// envelope is v2's answer shape.
type envelope[T any] struct {
	Success    bool        `json:"Success"`
	Data       T           `json:"Data"`
	Message    string      `json:"Message"`
	Pagination *Pagination `json:"Pagination"`
}

// Pagination is v2's page information.
type Pagination struct {
	TotalRows   int  `json:"TotalRows"`
	HasMoreRows bool `json:"HasMoreRows"`
	CurrentPage int  `json:"CurrentPage"`
	TotalPages  int  `json:"TotalPages"`
	PageSize    int  `json:"PageSize"`
}

// v2 sends a v2 call and unwraps {Success, Data}; Success false is an error
// even with a 200.
func v2[T any](ctx context.Context, c *Client, req httpx.Request, in any) (T, *Pagination, error) {
	var env envelope[T]
	req.Path = "/api/v2" + req.Path
	if err := c.api.JSON(ctx, req, in, &env); err != nil {
		return env.Data, nil, err
	}
	if !env.Success {
		return env.Data, nil, &httpx.Error{System: "Liongard", Method: req.Method, Path: req.Path, Status: http.StatusOK,
			Kind: httpx.ErrUnexpected, Message: "Success is false: " + env.Message}
	}
	return env.Data, env.Pagination, nil
}

// v1 sends a v1 call; v1 answers bare arrays, objects and integers.
func v1[T any](ctx context.Context, c *Client, req httpx.Request, in any) (T, error) {
	var out T
	req.Path = "/api/v1" + req.Path
	err := c.api.JSON(ctx, req, in, &out)
	return out, err
}

// pagesV2 reads every page of a v2 list until HasMoreRows is false.
func pagesV2[T any](ctx context.Context, c *Client, path string) ([]T, error) {
	return httpx.Collect(ctx, 1, func(ctx context.Context, page int) (httpx.Page[T], error) {
		q := url.Values{"page": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(c.cfg.PageSize)}}
		items, p, err := v2[[]T](ctx, c, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, nil)
		if err != nil {
			return httpx.Page[T]{}, err
		}
		return httpx.Page[T]{Items: items, More: p != nil && p.HasMoreRows && len(items) > 0}, nil
	})
}

// Tier is an environment's licence tier. v1 writes "Essential", v2
// "Essentials"; the client speaks each version's word and reads both.
type Tier string

// Tiers.
const (
	TierCore       Tier = "Core"
	TierEssentials Tier = "Essentials"
)

// v1Word is the tier as v1 spells it.
func (t Tier) v1Word() string {
	if t == TierEssentials {
		return "Essential"
	}
	return string(t)
}

// UnmarshalJSON reads a tier given as a string or as {"Type": …}.
func (t *Tier) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var obj struct {
			Type string `json:"Type"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		s = obj.Type
	}
	if s == "Essential" {
		s = string(TierEssentials)
	}
	*t = Tier(s)
	return nil
}
