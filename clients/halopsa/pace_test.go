package halopsa_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/httpx"
	simhalo "github.com/mspwire/mspwire/sandbox/halopsa"
)

// HaloPSA limits harder than it documents and answers 429 with no
// Retry-After: the client learns the pace once and keeps to it. Time runs
// thirty times fast here: a documented 300 per 10 s, and 5 a second set
// through the sandbox's POST /_sandbox/limit (the field's "5 per 10 s").
func TestAStricterLimitIsPacedNotBounced(t *testing.T) {
	sim, url := sandbox(t, 120)
	limit, _ := json.Marshal(map[string]any{"requests": 5, "per": time.Second})
	resp, err := http.Post(url+"/_sandbox/limit", "application/json", bytes.NewReader(limit))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_sandbox/limit: %v %v", resp, err)
	}
	resp.Body.Close()
	c, err := halopsa.New(halopsa.Config{BaseURL: url, ClientID: simhalo.DemoApp.ClientID, ClientSecret: simhalo.DemoApp.ClientSecret,
		BackoffBase: 100 * time.Millisecond, PageSize: 3, Budget: httpx.Budget{Requests: 300, Per: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := c.ListClients(ctx, halopsa.ListClientsOptions{IncludeInactive: true})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	refused := sim.Injected()["over_limit"]
	windows := int(took/time.Second) + 1
	t.Logf("%d clients in %d requests over %s (%d windows of the limit): %d refused with 429", len(got), sim.Count("GET /api/Client"),
		took.Round(100*time.Millisecond), windows, refused)
	if refused > 3+windows/4 {
		t.Fatalf("%d refused in %d windows", refused, windows)
	}
}
