package connect_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mspwire/mspwire/flows/connect"
)

// A vendor URL that redirects to another host is not followed: the
// credentials — Hudu's and IT Glue's x-api-key, HaloPSA's client secret
// in the re-posted token request — never reach it, and the error says
// where the URL pointed.
func TestCredentialsNeverFollowARedirectToAnotherHost(t *testing.T) {
	const secret = "s3cret-that-must-stay-home"
	for _, system := range []string{"hudu", "itglue", "halopsa"} {
		for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			var mu sync.Mutex
			var leaked []string
			elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				leaked = append(leaked, r.Method+" "+r.URL.Path+" "+r.Header.Get("x-api-key")+" "+string(body))
				mu.Unlock()
				w.Write([]byte(`{}`))
			}))
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, elsewhere.URL+r.URL.Path, code)
			}))
			v := connect.Values{"url": front.URL, "client_id": "app-1"}
			_, err := connect.Verify(context.Background(), system, v, secret)
			front.Close()
			elsewhere.Close()
			mu.Lock()
			got := strings.Join(leaked, "; ")
			mu.Unlock()
			if got != "" {
				t.Errorf("%s, %d: the other host was sent: %s", system, code, got)
			}
			if err == nil || !strings.Contains(err.Error(), "redirects to "+elsewhere.URL) || !strings.Contains(err.Error(), "does not send credentials to another host") {
				t.Errorf("%s, %d: %v", system, code, err)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("%s, %d: the error shows the secret: %v", system, code, err)
			}
		}
	}
}
