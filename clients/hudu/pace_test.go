package hudu_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/hudu"
	simhudu "github.com/mspwire/mspwire/sandbox/hudu"
)

// Hudu limits harder than it documents (here 2 requests a second, set
// through the sandbox's POST /_sandbox/limit) and answers 429 with no
// Retry-After. A long list is read with the whole client slowed to the
// pace it learns from the first refusals, not bounced request by request:
// once learned, at most one refusal a window.
func TestAStricterLimitIsPacedNotBounced(t *testing.T) {
	sim, url := sandbox(t, 4, 60)
	limit, _ := json.Marshal(map[string]any{"requests": 2, "per": time.Second})
	resp, err := http.Post(url+"/_sandbox/limit", "application/json", bytes.NewReader(limit))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_sandbox/limit: %v %v", resp, err)
	}
	resp.Body.Close()
	c, err := hudu.New(hudu.Config{URL: url, APIKey: simhudu.DemoKey, PageSize: 4, BackoffBase: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := c.Companies(ctx, hudu.CompanyFilter{})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	requests, refused := sim.Count("GET /api/v1/companies"), sim.Injected()["over_limit"]
	windows := int(took/time.Second) + 1
	t.Logf("%d companies in %d requests over %s (%d windows of the limit): %d refused with 429", len(got), requests, took.Round(100*time.Millisecond), windows, refused)
	// A few to learn the pace, then hardly any (bounced request by
	// request, about half were refused).
	if refused > 3+windows/4 {
		t.Fatalf("%d of %d requests refused in %d windows", refused, requests, windows)
	}
}
