package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
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
	CallTimeout time.Duration // per attempt, or the context's deadline if earlier; 0: CallTimeout()
	MaxRetries  int           // after a server or network failure; 0: 4
	BackoffBase time.Duration // 0: 500 ms; doubled per attempt with full jitter
	MaxBackoff  time.Duration // 0: 30 s; the longest wait after a server or network failure
	// MaxRateWait bounds the time spent waiting out 429s in one call when the
	// context has no deadline; 0: 10 minutes. With a deadline, the deadline.
	MaxRateWait time.Duration
}

// DefaultBackoffBase is the first retry's longest wait when a Config sets
// none. Tests of whole commands lower it once, before any client is made,
// so none waits out a real backoff.
var DefaultBackoffBase = 500 * time.Millisecond

// CallTimeout is how long one attempt of a call may take: 60 s, or
// MSPWIRE_CALL_TIMEOUT (a Go duration, e.g. 2m for a slow tenant). It
// also bounds how long a call a killed run left in flight may still land.
func CallTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("MSPWIRE_CALL_TIMEOUT")); err == nil && d > 0 {
		return d
	}
	return 60 * time.Second
}

// Client sends requests for one vendor connection.
type Client struct {
	cfg     Config
	limiter *Window

	mu      sync.Mutex
	refusal *Error // the vendor's last 429, for a request that waits out the pace it set
}

// New makes a client. The limiter is per client: one client per connection.
func New(cfg Config) *Client {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 0, Transport: defaultTransport()}
	}
	if cfg.HTTP.CheckRedirect == nil {
		hc := *cfg.HTTP
		hc.CheckRedirect = sameOrigin(cfg.System)
		cfg.HTTP = &hc
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = CallTimeout()
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 4
	}
	if cfg.BackoffBase == 0 {
		cfg.BackoffBase = DefaultBackoffBase
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.MaxRateWait == 0 {
		cfg.MaxRateWait = 10 * time.Minute
	}
	if cfg.VendorMessage == nil {
		cfg.VendorMessage = GenericMessage
	}
	return &Client{cfg: cfg, limiter: cfg.Budget.Limiter()}
}

// RedirectError is a redirect to another scheme, host or port, not
// followed: the request carries credentials (an API key header, a token
// request's client secret) that must not go anywhere else.
type RedirectError struct {
	System string
	To     *url.URL
}

func (e *RedirectError) Error() string {
	to := e.To.Scheme + "://" + e.To.Host + e.To.Path
	return fmt.Sprintf("%s redirects to %s: check the URL; mspwire does not send credentials to another host", e.System, to)
}

// sameOrigin follows a redirect only to the scheme, host and port the
// request was sent to (a trailing-slash redirect, say).
func sameOrigin(system string) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		switch {
		case len(via) >= 10:
			return fmt.Errorf("%s: more than 10 redirects", system)
		case req.URL.Scheme != first.Scheme || req.URL.Hostname() != first.Hostname() || port(req.URL) != port(first):
			return &RedirectError{System: system, To: req.URL}
		}
		return nil
	}
}

// port is a URL's port, the scheme's own when none is written.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "http" {
		return "80"
	}
	return "443"
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
	// Reads marks a call of another method that only reads (Liongard's
	// POST /metrics/evaluate): a read memo keeps its answer by its body,
	// and forgets nothing for it.
	Reads bool
}

// Response is a successful answer (2xx).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends the request with rate limiting, retries and a deadline per
// attempt, and turns any non-2xx answer into an *Error. A 429 is waited out
// (Retry-After, the rate-limit reset, or backing off up to the vendor's
// window) for as long as ctx allows; each wait is reported to the
// context's WaitReporter.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	target, err := c.resolve(req)
	if err != nil {
		return nil, err
	}
	memo, key := c.memoFor(ctx, req, target.String())
	if memo != nil {
		if resp, ok := memo.get(key); ok {
			return resp, nil
		}
	}
	resp, err := c.send(ctx, req, target)
	if err == nil && memo != nil {
		memo.put(key, resp)
	}
	return resp, err
}

// send is Do's call to the vendor.
func (c *Client) send(ctx context.Context, req Request, target *url.URL) (*Response, error) {
	rateLimitedSince := time.Time{}
	var last error
	for attempt := 0; ; attempt++ {
		if err := c.waitTurn(ctx); err != nil {
			if stopped(ctx) {
				return nil, c.notSent(req)
			}
			if last != nil {
				return nil, last // the deadline came while waiting: the vendor's answer says more
			}
			return nil, c.networkError(req, err)
		}
		resp, err := c.attempt(ctx, req, target)
		var e *Error
		if !errors.As(err, &e) || e.Kind != ErrRateLimited {
			c.limiter.Answered(time.Now())
		}
		if err == nil {
			return resp, nil
		}
		var wait time.Duration
		var retry bool
		if errors.As(err, &e) && e.Kind == ErrRateLimited {
			c.mu.Lock()
			c.refusal = e
			c.mu.Unlock()
			if rateLimitedSince.IsZero() {
				rateLimitedSince = time.Now()
			}
			wait, retry = c.rateLimitWait(ctx, e, attempt, rateLimitedSince)
		} else {
			wait, retry = c.shouldRetry(req, err, attempt)
		}
		if !retry {
			return nil, err
		}
		last = err
		reportWait(ctx, Wait{System: c.cfg.System, For: wait, Attempt: attempt + 2, Reason: waitReason(err)})
		select {
		case <-ctx.Done():
			if stopped(ctx) && (e == nil || e.Kind == ErrRateLimited) {
				return nil, c.notSent(req) // a 429 was refused unprocessed: nothing landed
			}
			return nil, err
		case <-time.After(wait):
		}
	}
}

// stopped says the caller cancelled the call (an interruption), as
// against a deadline that came.
func stopped(ctx context.Context) bool { return errors.Is(ctx.Err(), context.Canceled) }

// notSent is the error of a request stopped before it was sent.
func (c *Client) notSent(req Request) error {
	return &Error{System: c.cfg.System, Method: req.Method, Path: pathOnly(req.Path), Kind: ErrNotSent, Err: context.Canceled}
}

// attempt sends the request once, under the per-attempt deadline or the
// caller's, whichever comes first: a command's half-hour deadline must not
// let one silent call hang for all of it.
func (c *Client) attempt(ctx context.Context, req Request, target *url.URL) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	return c.once(ctx, req, target)
}

// waitTurn waits for the budget, or the pace a 429 set. A deadline that
// comes while the client waits out a 429 is the vendor's rate limit, and
// says so in the vendor's words.
func (c *Client) waitTurn(ctx context.Context) error {
	err := c.limiter.WaitTold(ctx, func(d time.Duration) {
		if d >= time.Second { // shorter ones pass unseen
			reason := "keeping to the vendor's request budget"
			if c.limiter.holding() {
				reason = "rate limited"
			}
			reportWait(ctx, Wait{System: c.cfg.System, For: d, Reason: reason})
		}
	})
	if err == nil || !c.limiter.holding() {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refusal == nil {
		return err
	}
	e := *c.refusal
	e.Message = strings.TrimSpace(e.Message + " (the deadline came while waiting for the vendor's rate limit)")
	return &e
}

// rateLimitWait says how long to wait after a 429: until the client's next
// turn at the pace the refusal set (no sooner than the vendor's
// Retry-After), or without a budget what the vendor said or a growing
// backoff; not at all if that would pass the deadline or the longest total
// wait.
func (c *Client) rateLimitWait(ctx context.Context, e *Error, attempt int, since time.Time) (time.Duration, bool) {
	window := c.cfg.Budget.Per
	if window <= 0 {
		window = time.Minute
	}
	backoff := min(2*c.cfg.BackoffBase<<min(attempt, 16), window)
	backoff += time.Duration(rand.Int64N(int64(backoff)/4 + 1)) // spread concurrent callers
	// The whole client waits while this one finds out when the vendor
	// takes a request again, then keeps the pace it learned.
	wait := c.limiter.Refused(time.Now(), e.RetryAfter, backoff)
	deadline := since.Add(c.cfg.MaxRateWait)
	if d, ok := ctx.Deadline(); ok {
		deadline = d
	}
	if time.Now().Add(wait).After(deadline) {
		e.Message = strings.TrimSpace(e.Message + fmt.Sprintf(" (still rate limited after waiting %s; the next wait, %s, would pass the deadline)",
			time.Since(since).Round(time.Second), wait.Round(time.Second)))
		return 0, false
	}
	return wait, true
}

// Wait is a pause before another attempt, for a screen to show.
type Wait struct {
	System  string
	For     time.Duration
	Attempt int    // the attempt about to be made, counting from 1; 0 for a request's first
	Reason  string // "rate limited", "503 Service Unavailable", "network error"
}

// WaitReporter is told of every wait before a retry.
type WaitReporter func(Wait)

type waitKey struct{}

// WithWaitReporter makes every client call under ctx report its waits.
func WithWaitReporter(ctx context.Context, r WaitReporter) context.Context {
	return context.WithValue(ctx, waitKey{}, r)
}

func reportWait(ctx context.Context, w Wait) {
	if r, ok := ctx.Value(waitKey{}).(WaitReporter); ok && r != nil {
		r(w)
	}
}

func waitReason(err error) string {
	var e *Error
	switch {
	case !errors.As(err, &e):
		return "error"
	case e.Kind == ErrRateLimited:
		return "rate limited"
	case e.Status != 0:
		return fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	}
	return "network error"
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
	start := time.Now()
	resp, err := c.cfg.HTTP.Do(r)
	if err != nil {
		c.traced(r, req.Body, 0, nil, nil, time.Since(start), err)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
			// net/http reports the deadline's cause ("gave up after 2s"),
			// which need not say it is one.
			err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
		return nil, c.networkError(req, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	c.traced(r, req.Body, resp.StatusCode, resp.Header, data, time.Since(start), err)
	if err != nil {
		return nil, c.networkError(req, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
	}
	if resp.StatusCode == http.StatusBadRequest && bytes.Contains(data, []byte("HTTP request to an HTTPS server")) {
		return nil, &Error{System: c.cfg.System, Method: req.Method, Path: pathOnly(target.Path), Status: resp.StatusCode, Kind: ErrNetwork,
			Final: true, Message: "the server speaks https; use https://" + target.Host}
	}
	msg, fields := c.cfg.VendorMessage(resp.StatusCode, data)
	secrets := c.secrets()
	for i := range fields {
		fields[i].Message = redact(fields[i].Message, secrets)
	}
	return nil, &Error{
		System: c.cfg.System, Method: req.Method, Path: pathOnly(target.Path), Status: resp.StatusCode,
		Kind: kindOf(resp.StatusCode), Message: redact(msg, secrets), Fields: fields,
		RetryAfter: retryAfter(resp.Header, time.Now()),
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
	msg, final := "could not reach the server", false
	var redirect *RedirectError
	switch {
	case errors.As(err, &redirect):
		return &Error{System: c.cfg.System, Method: req.Method, Path: pathOnly(req.Path), Kind: ErrNetwork,
			Message: redirect.Error(), Final: true}
	case errors.Is(err, context.DeadlineExceeded):
		msg = "no answer before the deadline; the server may be slow or unreachable — check the URL and try again"
	case errors.Is(err, context.Canceled):
		// Stopped mid-call: the request may have reached the vendor.
		return &Error{System: c.cfg.System, Method: req.Method, Path: pathOnly(req.Path), Kind: ErrNetwork,
			Message: "interrupted while waiting for the answer; it may have landed", Err: context.Canceled}
	default:
		if m := diagnose(err, c.cfg.BaseURL); m != "" {
			msg, final = m, true
		}
	}
	// url.Error repeats the full URL, query included; keep only its cause.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &Error{System: c.cfg.System, Method: req.Method, Path: pathOnly(req.Path), Kind: ErrNetwork,
		Message: msg, Final: final, Err: errors.New(redact(err.Error(), c.secrets()))}
}

// diagnose names the network failures no retry can mend: nothing listens
// there, the name does not exist, http and https mixed up, an untrusted
// certificate. "" for the others (a reset, a timeout), which may pass.
func diagnose(err error, base string) string {
	u, _ := url.Parse(base)
	host := ""
	if u != nil {
		host = u.Host
	}
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("nothing answers at %s (connection refused): check the URL and the port", host)
	case errors.As(err, &dns) && dns.IsNotFound:
		return fmt.Sprintf("the host name %s does not exist: check the URL for a typo", dns.Name)
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "the server answers plain http; use http://" + host
	case errors.As(err, &cert), errors.As(err, &unknownAuthority), errors.As(err, &hostname):
		return "the server's certificate is not trusted by this machine (" + err.Error() + "); check the URL, or the proxy in between"
	}
	return ""
}

// shouldRetry decides whether and how long to wait before another attempt
// after a failure that is not a 429.
func (c *Client) shouldRetry(req Request, err error, attempt int) (time.Duration, bool) {
	var e *Error
	if !errors.As(err, &e) || attempt >= c.cfg.MaxRetries {
		return 0, false
	}
	switch {
	case req.Creates:
		return 0, false
	case e.Kind == ErrNetwork:
		if e.Final || errors.Is(e.Err, context.Canceled) || strings.Contains(e.Message, "cancelled") {
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

// retryAfter is how long the vendor asks us to wait: Retry-After, or the
// time until X-RateLimit-Reset (Liongard sends both).
func retryAfter(h http.Header, now time.Time) time.Duration {
	if d := parseRetryAfter(h.Get("Retry-After"), now); d > 0 {
		return d
	}
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(h.Get("X-RateLimit-Reset"))); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
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

// Get reads one GET answer as the vendor wrote it: what the preflight
// (mspwire doctor --api) checks the fields of.
func (c *Client) Get(ctx context.Context, path string, q url.Values) (json.RawMessage, error) {
	var out json.RawMessage
	err := c.JSON(ctx, Request{Method: http.MethodGet, Path: path, Query: q}, nil, &out)
	return out, err
}
