package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		"1.5":                           1500 * time.Millisecond, // Liongard sends fractions
		"Fri, 27 Nov 2026 12:00:30 GMT": 30 * time.Second,
		"Fri, 27 Nov 2026 11:59:00 GMT": 0, // in the past
		"soon":                          0,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// A budget's limiter must never let more than Requests start in any
// window of Per, even when the caller sends as fast as it can, and must
// use the whole budget: N requests take as many windows as the vendor's
// rule needs, and hardly more.
func TestBudgetNeverExceedsItsWindowAndUsesAllOfIt(t *testing.T) {
	for _, b := range []Budget{HaloPSABudget, LiongardBudget, ITGlueBudget, HuduBudget, {Requests: 1, Per: time.Second}} {
		lim := b.Limiter()
		start := time.Now()
		var granted []time.Time
		// Ask as soon as allowed, on a simulated clock, for 2.5 budgets' worth.
		at := start
		for len(granted) < b.Requests*5/2 {
			wait, ok := lim.Reserve(at)
			if ok {
				granted = append(granted, at)
				continue
			}
			at = at.Add(wait)
		}
		j := 0
		for i := range granted {
			for granted[i].Sub(granted[j]) >= b.Per {
				j++
			}
			if i-j+1 > b.Requests {
				t.Fatalf("%+v: %d requests inside one window", b, i-j+1)
			}
		}
		// The rule lets request n start after (n-1)/Requests whole windows;
		// the wire margin adds 1 % per window.
		took, least := granted[len(granted)-1].Sub(start), b.Per*time.Duration((len(granted)-1)/b.Requests)
		if took < least || took > least+least/20 {
			t.Errorf("%+v: %d requests took %s; the budget allows them in %s", b, len(granted), took, least)
		}
	}
}

// After a 429 every request waits while one finds out when the vendor
// takes one again; the pace learned from it holds the client, and each
// calm stretch it goes faster until the budget alone rules again.
func TestAfterA429TheWindowLearnsTheVendorsPace(t *testing.T) {
	w := Budget{Requests: 100, Per: time.Minute}.Limiter()
	start := time.Now()
	for i := range 3 { // three got through; the fourth is refused
		if _, ok := w.Reserve(start.Add(time.Duration(i) * time.Second)); !ok {
			t.Fatalf("request %d held", i)
		}
	}
	at := start.Add(3 * time.Second)
	w.Reserve(at)
	if wait := w.Refused(at, 0, time.Second); wait != time.Second {
		t.Fatalf("the first wait %s, want the backoff", wait)
	}
	if _, ok := w.Reserve(at.Add(500 * time.Millisecond)); ok {
		t.Fatal("a request went while the client waits out the 429")
	}
	if _, ok := w.Reserve(at.Add(time.Second)); !ok {
		t.Fatal("the one that finds out was held")
	}
	if _, ok := w.Reserve(at.Add(time.Second + time.Millisecond)); ok {
		t.Fatal("a second went before the first's answer")
	}
	w.Refused(at.Add(time.Second), 0, 2*time.Second) // not yet
	if _, ok := w.Reserve(at.Add(3 * time.Second)); !ok {
		t.Fatal("the next try was held")
	}
	w.Answered(at.Add(3 * time.Second)) // through: three took the vendor 6 s, from the first to this one
	if p := w.Pace(); p != 2*time.Second {
		t.Fatalf("pace %s, want one each 2s", p)
	}
	if _, ok := w.Reserve(at.Add(4 * time.Second)); ok {
		t.Fatal("a request before its paced turn went")
	}
	if _, ok := w.Reserve(at.Add(5 * time.Second)); !ok {
		t.Fatal("the paced turn was held")
	}
	later := at.Add(5 * time.Second)
	for i := 0; w.Pace() > 0; i++ {
		later = later.Add(time.Minute)
		w.Reserve(later)
		if i > 30 {
			t.Fatalf("still paced at %s", w.Pace())
		}
	}
}

func TestBackoffIsBoundedAndJittered(t *testing.T) {
	c := New(Config{System: "X", BaseURL: "https://x.example", BackoffBase: 100 * time.Millisecond, MaxBackoff: time.Second})
	seen := map[time.Duration]bool{}
	for attempt := range 10 {
		for range 20 {
			d := c.backoff(attempt)
			ceiling := min(100*time.Millisecond<<attempt, time.Second)
			if d <= 0 || d > ceiling {
				t.Fatalf("attempt %d: backoff %v outside (0, %v]", attempt, d, ceiling)
			}
			seen[d] = true
		}
	}
	if len(seen) < 50 {
		t.Fatalf("only %d distinct waits: no jitter", len(seen))
	}
}

// 429 with Retry-After (seconds), then success; the wait is honoured.
func TestRetryAfterIsHonoured(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0.3")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	c := New(Config{System: "Vendor", BaseURL: srv.URL, BackoffBase: time.Hour})
	start := time.Now()
	var out struct{ OK bool }
	if err := c.JSON(context.Background(), Request{Method: "GET", Path: "/things"}, nil, &out); err != nil || !out.OK {
		t.Fatalf("%v %v", out, err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Fatalf("retried after %v, before Retry-After's 300ms", waited)
	}
}

// A Retry-After longer than we will wait comes back to the caller.
func TestLongRetryAfterIsReturned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "600")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":"Too many requests"}`))
	}))
	defer srv.Close()
	c := New(Config{System: "Vendor", BaseURL: srv.URL})
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/things"})
	var e *Error
	if !errors.As(err, &e) || e.Kind != ErrRateLimited || e.RetryAfter != 10*time.Minute || !strings.Contains(err.Error(), "retry after 10m0s") {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorsRedactSecretsAndQueries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"message":"key sk-live-123456 is not allowed"}`))
	}))
	defer srv.Close()
	c := New(Config{System: "Vendor", BaseURL: srv.URL, Secrets: func() []string { return []string{"sk-live-123456"} }})
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/things", Query: map[string][]string{"api_key": {"sk-live-123456"}}})
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "sk-live-123456") || !strings.Contains(err.Error(), "Vendor: GET /things: 403 Forbidden: key **** is not allowed") {
		t.Fatalf("err = %q", err)
	}
}

func TestLinksToAnotherHostAreRefused(t *testing.T) {
	c := New(Config{System: "Vendor", BaseURL: "https://api.vendor.example"})
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "https://evil.example/steal"})
	if err == nil || !strings.Contains(err.Error(), "another host") {
		t.Fatalf("err = %v", err)
	}
}

func TestCollectStopsWhereTheVendorSays(t *testing.T) {
	pages := 0
	got, err := Collect(context.Background(), 1, func(_ context.Context, page int) (Page[int], error) {
		pages++
		return Page[int]{Items: []int{page}, More: page < 4}, nil
	})
	if err != nil || len(got) != 4 || pages != 4 {
		t.Fatalf("%v %v after %d pages", got, err, pages)
	}
}

// A vendor that allows 2 requests per rolling window and answers 429 with
// a plain-text body and no Retry-After (as Hudu does): the client waits
// the window out, page after page, and says each time that it waits.
func TestRateLimitIsWaitedOutAndReported(t *testing.T) {
	const window = 400 * time.Millisecond
	var mu sync.Mutex
	var sent []time.Time
	var served, refused atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now := time.Now()
		recent := sent[:0]
		for _, at := range sent {
			if now.Sub(at) < window {
				recent = append(recent, at)
			}
		}
		sent = recent
		if len(sent) >= 2 {
			mu.Unlock()
			refused.Add(1)
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte("Retry later\n"))
			return
		}
		sent = append(sent, now)
		mu.Unlock()
		served.Add(1)
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	c := New(Config{System: "Hudu", BaseURL: srv.URL, Budget: Budget{Requests: 300, Per: window}, BackoffBase: 20 * time.Millisecond})
	var waits []Wait
	var wmu sync.Mutex
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx = WithWaitReporter(ctx, func(w Wait) { wmu.Lock(); waits = append(waits, w); wmu.Unlock() })
	for page := range 7 {
		if _, err := c.Do(ctx, Request{Method: "GET", Path: "/companies"}); err != nil {
			t.Fatalf("page %d: %v (after %d served, %d refused)", page, err, served.Load(), refused.Load())
		}
	}
	if served.Load() != 7 || len(waits) == 0 || waits[0].Reason != "rate limited" || waits[0].System != "Hudu" {
		t.Fatalf("served %d, waits %+v", served.Load(), waits)
	}
	t.Logf("7 pages, %d refused with 429, %d waits reported", refused.Load(), len(waits))
}

// Failures no retry can mend come back at once, saying what is wrong.
func TestWrongPortSchemeOrHostFailAtOnceWithTheReason(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close() // nothing listens there now
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
	defer secure.Close()
	cases := map[string]struct{ base, want string }{
		"connection refused": {closedURL, "nothing answers at " + strings.TrimPrefix(closedURL, "http://") + " (connection refused)"},
		"https to plain":     {strings.Replace(plain.URL, "http://", "https://", 1), "the server answers plain http; use http://"},
		"http to TLS":        {strings.Replace(secure.URL, "https://", "http://", 1), "the server speaks https; use https://"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var waits int
			ctx := WithWaitReporter(context.Background(), func(Wait) { waits++ })
			cl := New(Config{System: "Vendor", BaseURL: c.base})
			_, err := cl.Do(ctx, Request{Method: "GET", Path: "/api"})
			var e *Error
			if !errors.As(err, &e) || !e.Final || !strings.Contains(err.Error(), c.want) || waits != 0 {
				t.Fatalf("err = %v (final %v, %d retries); want %q at once", err, e != nil && e.Final, waits, c.want)
			}
		})
	}
	t.Run("unknown host", func(t *testing.T) {
		cl := New(Config{System: "Vendor", BaseURL: "https://mspwire-test.invalid"})
		_, err := cl.Do(context.Background(), Request{Method: "GET", Path: "/api"})
		if !strings.Contains(fmt.Sprint(errors.Unwrap(err)), "no such host") {
			t.Skipf("this machine's resolver did not answer NXDOMAIN for .invalid: %v", err)
		}
		if !strings.Contains(err.Error(), "the host name mspwire-test.invalid does not exist") {
			t.Fatalf("err = %v", err)
		}
	})
}

// Under a caller's long deadline (the CLI's half hour) each attempt is
// still bounded by the per-attempt timeout: a vendor that accepts the
// connection and never answers is given up on and retried, not waited on.
func TestEachAttemptIsBoundedUnderALongDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select { // the first answer never comes
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	c := New(Config{System: "Vendor", BaseURL: srv.URL, CallTimeout: 200 * time.Millisecond, BackoffBase: time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	var out struct{ OK bool }
	done := make(chan error, 1)
	go func() { done <- c.JSON(ctx, Request{Method: "GET", Path: "/things"}, nil, &out) }()
	select {
	case err := <-done:
		if err != nil || !out.OK || calls.Load() != 2 {
			t.Fatalf("after %d calls: %v %v", calls.Load(), out, err)
		}
	case <-time.After(20 * time.Second): // far above 200 ms, far below the transport's 45 s header timeout
		t.Fatal("an attempt that never got an answer held the call for 20 s: no per-attempt timeout under the caller's deadline")
	}
}

// A server that answers the same page whatever page is asked for is
// caught at the second answer, not read until the deadline.
func TestARepeatedPageStopsTheList(t *testing.T) {
	calls := 0
	_, err := Collect(context.Background(), 1, func(_ context.Context, page int) (Page[string], error) {
		calls++
		return Page[string]{Items: []string{"a", "b"}, More: true}, nil
	})
	if !errors.Is(err, ErrUnexpected) || !strings.Contains(err.Error(), "page 2 is the same as page 1") || calls != 2 {
		t.Fatalf("after %d calls: %v", calls, err)
	}
}

// A request the budget holds back says so, with how long: a screen shows
// the wait instead of a spinner that seems stuck.
func TestABudgetWaitIsReported(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) }))
	defer srv.Close()
	c := New(Config{System: "Hudu", BaseURL: srv.URL, Budget: Budget{Requests: 1, Per: 1500 * time.Millisecond}})
	var waits []Wait
	ctx := WithWaitReporter(context.Background(), func(w Wait) { waits = append(waits, w) })
	for range 2 {
		if _, err := c.Do(ctx, Request{Method: "GET", Path: "/x"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(waits) != 1 || waits[0].For < time.Second || !strings.Contains(waits[0].Reason, "budget") {
		t.Fatalf("waits %+v", waits)
	}
}
