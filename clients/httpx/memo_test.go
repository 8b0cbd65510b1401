package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Under a read memo a GET is asked of the vendor once per URL; a write
// in its scope forgets what it holds; without one, every GET is sent.
func TestReadMemoAsksEachGETOnce(t *testing.T) {
	var gets, posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets.Add(1)
		} else {
			posts.Add(1)
		}
		_, _ = w.Write([]byte(`{"n":` + r.URL.Query().Get("page") + `}`))
	}))
	defer srv.Close()
	c := New(Config{System: "Vendor", BaseURL: srv.URL})
	get := func(ctx context.Context, page string) string {
		t.Helper()
		resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/api/Client", Query: map[string][]string{"page": {page}}})
		if err != nil {
			t.Fatal(err)
		}
		body := string(resp.Body)
		resp.Body[0] = 'X' // the caller's copy: the memo keeps its own
		return body
	}

	ctx := WithReadMemo(context.Background())
	if a, b := get(ctx, "1"), get(ctx, "1"); a != `{"n":1}` || b != a || gets.Load() != 1 {
		t.Fatalf("twice under the memo: %q, %q, %d GETs", a, b, gets.Load())
	}
	if get(ctx, "2"); gets.Load() != 2 {
		t.Fatalf("another page: %d GETs", gets.Load())
	}
	if _, err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/api/Client", Body: []byte(`[]`)}); err != nil {
		t.Fatal(err)
	}
	if get(ctx, "1"); gets.Load() != 3 || posts.Load() != 1 {
		t.Fatalf("after a write: %d GETs, %d POSTs", gets.Load(), posts.Load())
	}
	get(context.Background(), "1")
	get(context.Background(), "1")
	if gets.Load() != 5 {
		t.Fatalf("without a memo: %d GETs, want 5", gets.Load())
	}
}
