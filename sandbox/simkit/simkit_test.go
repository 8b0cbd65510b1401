package simkit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mspwire/mspwire/sandbox/simkit"
)

func server(t *testing.T, limit simkit.Limit) (*simkit.Server, *httptest.Server, *int) {
	return serverAt(t, limit, nil)
}

// serverAt is server with the rate limit's clock given.
func serverAt(t *testing.T, limit simkit.Limit, now func() time.Time) (*simkit.Server, *httptest.Server, *int) {
	t.Helper()
	resets := 0
	s := simkit.New("test", simkit.Options{
		Limit: limit, Seed: 1, Now: now,
		RateLimited: func(w http.ResponseWriter, retryAfter time.Duration) {
			w.Header().Set("Retry-After", retryAfter.Round(time.Millisecond).String())
			w.WriteHeader(http.StatusTooManyRequests)
		},
		Reset: func() { resets++ },
		Dump:  func() any { return map[string]int{"things": 3} },
	})
	s.Handle("GET /things", func(w http.ResponseWriter, r *http.Request) { simkit.WriteJSON(w, 200, []int{1, 2, 3}) })
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv, &resets
}

func get(t *testing.T, url string) int {
	t.Helper()
	// No keep-alive: Go's transport silently retries a GET whose reused
	// connection was dropped, which would hide the drop.
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(url)
	if err != nil {
		return -1
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestRollingWindowLimit(t *testing.T) {
	// The window's clock is the test's: it passes when the test says so.
	var mu sync.Mutex
	clock := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	_, srv, _ := serverAt(t, simkit.Limit{Requests: 3, Per: 2 * time.Second}, now)
	var codes []int
	for range 4 {
		codes = append(codes, get(t, srv.URL+"/things"))
	}
	if fmt.Sprint(codes) != "[200 200 200 429]" {
		t.Fatalf("codes %v", codes)
	}
	mu.Lock()
	clock = clock.Add(2050 * time.Millisecond) // past the window
	mu.Unlock()
	if code := get(t, srv.URL+"/things"); code != 200 {
		t.Fatalf("after the window: %d", code)
	}
}

func TestFaults(t *testing.T) {
	s, srv, _ := server(t, simkit.Limit{})
	s.SetFault("GET /things", simkit.Fault{Burst429: 1})
	if code := get(t, srv.URL+"/things"); code != 429 {
		t.Fatalf("burst: %d", code)
	}
	s.SetFault("GET /things", simkit.Fault{DropNext: 1})
	if code := get(t, srv.URL+"/things"); code != -1 {
		t.Fatalf("drop: %d", code)
	}
	if code := get(t, srv.URL+"/things"); code != 200 {
		t.Fatalf("after one drop: %d", code)
	}
	s.SetFault("*", simkit.Fault{ErrorRate: 1, Status: 503})
	if code := get(t, srv.URL+"/things"); code != 503 {
		t.Fatalf("error rate 1: %d", code)
	}
	s.ClearFaults()
	if s.Count("GET /things") != 4 {
		t.Fatalf("count %d", s.Count("GET /things"))
	}
}

func TestAdminAPI(t *testing.T) {
	s, srv, resets := server(t, simkit.Limit{})
	post := func(path, body string) int {
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/_sandbox/faults", `{"route":"GET /things","burst_429":2}`); code != 200 {
		t.Fatalf("faults: %d", code)
	}
	var codes []int
	for range 3 {
		codes = append(codes, get(t, srv.URL+"/things"))
	}
	if fmt.Sprint(codes) != "[429 429 200]" {
		t.Fatalf("the fault set through the admin API did not apply: %v", codes)
	}
	resp, err := http.Get(srv.URL + "/_sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte(`"things":3`)) {
		t.Fatalf("state: %s", body)
	}
	if code := post("/_sandbox/limit", `{"requests":1,"per":60000000000}`); code != 200 {
		t.Fatalf("limit: %d", code)
	}
	first, second := get(t, srv.URL+"/things"), get(t, srv.URL+"/things")
	if first != 200 || second != 429 {
		t.Fatalf("the limit set through the admin API did not apply: %d, %d", first, second)
	}
	if code := post("/_sandbox/reset", ``); code != 200 || *resets != 1 || s.Count("GET /things") != 0 {
		t.Fatalf("reset: %d, resets %d", code, *resets)
	}
	resp, _ = http.Get(srv.URL + "/_sandbox/counts")
	var counts map[string]int
	json.NewDecoder(resp.Body).Decode(&counts)
	resp.Body.Close()
	if len(counts) != 0 {
		t.Fatalf("counts after reset: %v", counts)
	}
}
