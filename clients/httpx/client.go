package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Config describes one vendor connection.
type Config struct {
	System  string // for messages: "HaloPSA"
	BaseURL string // already normalised
	Budget  Budget // requests allowed; the vendor's published default unless overridden
	// Authorize adds credentials to a request; called before every attempt,
	// so a renewed token is picked up by a retry.
	Authorize func(ctx context.Context, r *http.Request) error
	// VendorMessage pulls the vendor's message and field errors out of an
	// error body; nil uses a generic reader.
	VendorMessage func(status int, body []byte) (string, []FieldError)
	// Secrets are redacted from every error text.
	Secrets func() []string

	HTTP        *http.Client  // nil: a client with sane transport timeouts
	CallTimeout time.Duration // per call, if the context has no earlier deadline; 0: 60 s
	MaxRetries  int           // 0: 4
	BackoffBase time.Duration // 0: 500 ms; doubled per attempt with full jitter
	MaxBackoff  time.Duration // 0: 30 s; a longer Retry-After is returned as an error
}

// Client sends requests for one vendor connection.
type Client struct {
	cfg     Config
	limiter *rate.Limiter
}

// New makes a client. The limiter is per client: one client per connection.
func New(cfg Config) *Client {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 0, Transport: defaultTransport()}
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = 60 * time.Second
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 4
	}
	if cfg.BackoffBase == 0 {
		cfg.BackoffBase = 500 * time.Millisecond
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.VendorMessage == nil {
		cfg.VendorMessage = GenericMessage
	}
	return &Client{cfg: cfg, limiter: cfg.Budget.Limiter()}
}

func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 45 * time.Second
	t.TLSHandshakeTimeout = 10 * time.Second
	return t
}

// BaseURL is the connection's base URL.
func (c *Client) BaseURL() string { return c.cfg.BaseURL }

// Request is one API call. Path is relative to the base URL, or absolute on
// the same host (IT Glue's links.next).
type Request struct {
	Method      string
	Path        string
	Query       url.Values
	Body        []byte
	ContentType string
	Header      http.Header
	// Anonymous skips Authorize: the call that fetches a token.
	Anonymous bool
	// Creates marks a call that makes a record. It is retried only after a
	// 429 (the vendor refused it unprocessed), never after a timeout or a 5xx
	// that might have landed: the caller decides, after looking.
	Creates bool
}

// Response is a successful answer (2xx).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends the request with rate limiting, retries and a deadline, and turns
// any non-2xx answer into an *Error.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.CallTimeout)
		defer cancel()
	}
	target, err := c.resolve(req)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, c.networkError(req, err)
		}
		resp, err := c.once(ctx, req, target)
		if err == nil {
			return resp, nil
		}
		wait, retry := c.shouldRetry(req, err, attempt)
		if !retry {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
	}
}

// JSON sends in (if not nil) as JSON and decodes the answer into out (if
// not nil).
func (c *Client) JSON(ctx context.Context, req Request, in, out any) error {
	if in != nil {
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		req.Body = body
		if req.ContentType == "" {
			req.ContentType = "application/json"
		}
	}
	resp, err := c.Do(ctx, req)
	if err != nil {
		return err
	}
	return c.Decode(req, resp, out)
}

// Decode reads a JSON answer into out, with an error that names the call.
func (c *Client) Decode(req Request, resp *Response, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &Error{System: c.cfg.System, Method: req.Method, Path: pathOnly(req.Path), Status: resp.Status,
			Kind: ErrUnexpected, Message: "the answer is not the JSON expected: " + err.Error()}
	}
	return nil
}

func (c *Client) resolve(req Request) (*url.URL, error) {
	base, err := url.Parse(c.cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("%s: base URL: %w", c.cfg.System, err)
	}
	var u *url.URL
	if strings.Contains(req.Path, "://") {
		u, err = url.Parse(req.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.cfg.System, err)
		}
		if u.Host != base.Host {
			return nil, fmt.Errorf("%s: refusing to follow a link to another host (%s)", c.cfg.System, u.Host)
		}
	} else {
		u = base.JoinPath(req.Path)
		if !strings.HasPrefix(u.Path, "/") {
			u.Path = "/" + u.Path
		}
		if strings.HasSuffix(req.Path, "/") && !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
	}
	if len(req.Query) > 0 {
		q := u.Query()
		for k, vs := range req.Query {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

func (c *Client) once(ctx context.Context, req Request, target *url.URL) (*Response, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	r, err := http.NewRequestWithContext(ctx, req.Method, target.String(), body)
	if err != nil {
		return nil, err
	}
	for k, vs := range req.Header {
		r.Header[k] = vs
	}
	if req.ContentType != "" {
		r.Header.Set("Content-Type", req.ContentType)
	}
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
	r.Header.Set("User-Agent", "mspwire")
	if c.cfg.Authorize != nil && !req.Anonymous {
		if err := c.cfg.Authorize(ctx, r); err != nil {
			return nil, err
		}
	}
	resp, err := c.cfg.HTTP.Do(r)
	if err != nil {
		return nil, c.networkError(req, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, c.networkError(req, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
	}
	msg, fields := c.cfg.VendorMessage(resp.StatusCode, data)
	secrets := c.secrets()
	for i := range fields {
		fields[i].Message = redact(fields[i].Message, secrets)
	}
	return nil, &Error{
		System: c.cfg.System, Method: req.Method, Path: pathOnly(target.Path), Status: resp.StatusCode,
		Kind: kindOf(resp.StatusCode), Message: redact(msg, secrets), Fields: fields,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

func (c *Client) secrets() []string {
	if c.cfg.Secrets == nil {
		return nil
	}
	return c.cfg.Secrets()
}

func (c *Client) networkError(req Request, err error) error {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return err
	}
	msg := "could not reach the server"
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		msg = "no answer before the deadline; the server may be slow or unreachable — check the URL and try again"
	case errors.Is(err, context.Canceled):
		msg = "cancelled"
	}
	// url.Error repeats the full URL, query included; keep only its cause.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &Error{System: c.cfg.System, Method: req.Method, Path: pathOnly(req.Path), Kind: ErrNetwork,
		Message: msg, Err: errors.New(redact(err.Error(), c.secrets()))}
}

// shouldRetry decides whether and how long to wait before another attempt.
func (c *Client) shouldRetry(req Request, err error, attempt int) (time.Duration, bool) {
	var e *Error
	if !errors.As(err, &e) || attempt >= c.cfg.MaxRetries {
		return 0, false
	}
	switch {
	case e.Kind == ErrRateLimited:
		if e.RetryAfter > c.cfg.MaxBackoff {
			return 0, false // longer than we will sit still; the caller is told when
		}
		if e.RetryAfter > 0 {
			return e.RetryAfter, true
		}
	case req.Creates:
		return 0, false
	case e.Kind == ErrNetwork:
		if errors.Is(e.Err, context.Canceled) || strings.Contains(e.Message, "cancelled") {
			return 0, false
		}
	case e.Status == http.StatusBadGateway, e.Status == http.StatusServiceUnavailable, e.Status == http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	if e.RetryAfter > 0 && e.RetryAfter <= c.cfg.MaxBackoff {
		return e.RetryAfter, true
	}
	return c.backoff(attempt), true
}

// backoff is exponential with full jitter: a random wait in [0, base·2^n].
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := c.cfg.BackoffBase << min(attempt, 16)
	if ceiling > c.cfg.MaxBackoff || ceiling <= 0 {
		ceiling = c.cfg.MaxBackoff
	}
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

// parseRetryAfter reads seconds (Liongard sends fractions) or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// pathOnly drops any query from a path for messages: queries may carry
// search terms or, with careless vendors, keys.
func pathOnly(p string) string {
	if u, err := url.Parse(p); err == nil {
		return u.Path
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}

// GenericMessage reads the usual error shapes: {"message"}, {"Message"},
// {"error", "error_description"}, {"errors": …}; otherwise the start of a
// plain-text body.
func GenericMessage(_ int, body []byte) (string, []FieldError) {
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		var parts []string
		for _, k := range []string{"error", "error_description", "message", "Message", "errorMessage", "detail", "title"} {
			if s, ok := m[k].(string); ok && s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, ": "), nil
		}
	}
	text := strings.TrimSpace(string(body))
	if len(text) > 300 {
		text = text[:300] + "…"
	}
	return text, nil
}
