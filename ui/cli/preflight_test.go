package cli_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/ui/cli"
)

// stripAssetUsers is HaloPSA behind a proxy that drops `users` from every
// asset it lists: a tenant whose API answers otherwise than documented.
func stripAssetUsers(t *testing.T, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(r *http.Response) error {
		if r.Request.URL.Path != "/api/Asset" || r.StatusCode != http.StatusOK {
			return nil
		}
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return err
		}
		var page map[string]any
		if json.Unmarshal(body, &page) == nil {
			if assets, ok := page["assets"].([]any); ok {
				for _, a := range assets {
					if m, ok := a.(map[string]any); ok {
						delete(m, "users")
					}
				}
				body, _ = json.Marshal(page)
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// doctor --api passes on the sandbox; behind a proxy that drops a field
// mspwire reads, it names the route, the field and what breaks, and the
// apply of a plan that stands on the route refuses to start.
func TestPreflightNamesAFieldTheVendorDropped(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	sb := serveSandbox(t, 30, 1)
	onboardPathA(t, s, sb)
	out, stderr, code := s.run("", "doctor", "--api")
	if code != 0 || !strings.Contains(out, "ok    HaloPSA GET /api/Asset") || !strings.Contains(out, "ok    Liongard GET /api/v1/metrics") ||
		!strings.Contains(out, "ok    Hudu GET /companies") || !strings.Contains(stderr, "nothing written") {
		t.Fatalf("doctor --api on the sandbox: exit %d\n%s\n%s", code, out, stderr)
	}

	// The guide's alert test through the CLI: it names a result either way
	// (the world plants broken templates; flows/verify tests each).
	out, stderr, code = s.run("", "verify", "alerts", "--wait", "1s")
	if !(code == 0 && strings.HasPrefix(out, "Passed: alert ") || code == cli.ExitFindings && strings.HasPrefix(out, "Broken at the ")) ||
		!strings.Contains(stderr, "Running ") {
		t.Fatalf("verify alerts: exit %d\n%s\n%s", code, out, stderr)
	}

	c := sb.creds["halopsa"]
	c.URL = stripAssetUsers(t, c.URL)
	sb.creds["halopsa"] = c
	loginServed(t, s, sb, "halopsa")
	out, _, code = s.run("", "doctor", "--api")
	if code != cli.ExitFindings || !strings.Contains(out, "FAIL  HaloPSA GET /api/Asset: `users` is missing — it breaks devices map and devices plan") ||
		strings.Contains(out, "FAIL  HaloPSA GET /api/Client") {
		t.Fatalf("doctor --api behind the proxy: exit %d\n%s", code, out)
	}
	if _, stderr, code := s.run("", "devices", "plan"); code != 0 {
		t.Fatalf("devices plan: exit %d: %s", code, stderr)
	}
	if _, stderr, code := s.run("", "apply", "--yes"); code == 0 || !strings.Contains(stderr, "found routes this plan stands on") ||
		!strings.Contains(stderr, "halopsa GET /api/Asset: `users` is missing") {
		t.Fatalf("the apply went ahead: exit %d: %s", code, stderr)
	}
}
