package httpx

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// The API trace: every request and answer, for a person reading what a
// real vendor said (MSPWIRE_DEBUG=api, or --debug-file). Credentials
// never reach it: the headers that carry them are not written, and any
// secret the client knows — plain or base64, as Liongard's header encodes
// it — and any value of a credential-named field is redacted.

var trace struct {
	sync.Mutex
	w io.Writer
}

// Trace sends every call's trace to w from now on; nil stops it.
func Trace(w io.Writer) {
	trace.Lock()
	defer trace.Unlock()
	trace.w = w
}

// traceBodyMax is how much of a body the trace keeps.
const traceBodyMax = 4 << 10

// credentialHeaders carry credentials: written as [redacted].
var credentialHeaders = map[string]bool{"Authorization": true, "X-Api-Key": true, "X-Roar-Api-Key": true, "Cookie": true, "Set-Cookie": true}

// credentialField matches a credential-named field's value in JSON
// ("access_token": "…") or a form (client_secret=…).
var credentialField = regexp.MustCompile(`(?i)("?(?:access_token|refresh_token|id_token|client_secret|api_?key|password|secret|token)"?\s*[:=]\s*"?)([^"&,\s}]+)`)

// traced writes one call to the trace, if one is on.
func (c *Client) traced(r *http.Request, reqBody []byte, status int, header http.Header, body []byte, took time.Duration, callErr error) {
	trace.Lock()
	defer trace.Unlock()
	if trace.w == nil {
		return
	}
	secrets := c.secrets()
	clean := func(s string) string {
		s = credentialField.ReplaceAllString(s, "${1}[redacted]")
		for _, secret := range secrets {
			if len(secret) < 4 {
				continue
			}
			s = strings.ReplaceAll(s, secret, "[redacted]")
			s = strings.ReplaceAll(s, base64.StdEncoding.EncodeToString([]byte(secret)), "[redacted]")
		}
		return s
	}
	var b strings.Builder
	u := *r.URL
	q := u.Query()
	for k := range q {
		if credentialField.MatchString(k + "=x") {
			q.Set(k, "[redacted]")
		}
	}
	u.RawQuery = q.Encode()
	fmt.Fprintf(&b, "* %s %s %s %s\n", time.Now().UTC().Format(time.RFC3339Nano), c.cfg.System, r.Method, clean(unescaped(&u)))
	writeHeaders(&b, "> ", r.Header)
	if len(reqBody) > 0 {
		b.WriteString("> " + clean(cut(reqBody)) + "\n")
	}
	if callErr != nil {
		fmt.Fprintf(&b, "< no answer after %s: %s\n", took.Round(time.Millisecond), clean(callErr.Error()))
	} else {
		fmt.Fprintf(&b, "< %d %s in %s\n", status, http.StatusText(status), took.Round(time.Millisecond))
		writeHeaders(&b, "< ", header)
		if len(body) > 0 {
			b.WriteString("< " + clean(cut(body)) + "\n")
		}
	}
	b.WriteString("\n")
	_, _ = io.WriteString(trace.w, b.String())
}

func unescaped(u *url.URL) string {
	s, err := url.PathUnescape(u.String())
	if err != nil {
		return u.String()
	}
	return s
}

// writeHeaders writes the headers worth reading: content type, rate
// limits, Retry-After; credentials as [redacted].
func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	for k, vs := range h {
		key := http.CanonicalHeaderKey(k)
		switch {
		case credentialHeaders[key]:
			fmt.Fprintf(b, "%s%s: [redacted]\n", prefix, key)
		case key == "Content-Type", key == "Retry-After", strings.HasPrefix(key, "X-Ratelimit"), strings.HasPrefix(key, "Ratelimit"):
			fmt.Fprintf(b, "%s%s: %s\n", prefix, key, strings.Join(vs, ", "))
		}
	}
}

// cut keeps the first traceBodyMax bytes of a body, on one line.
func cut(body []byte) string {
	s := string(body)
	if len(s) > traceBodyMax {
		s = s[:traceBodyMax] + fmt.Sprintf("… (%d bytes in all)", len(body))
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r", `\r`), "\n", `\n`)
}
