package contract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	simhalo "github.com/mspwire/mspwire/sandbox/halopsa"
	"github.com/mspwire/mspwire/sandbox/world"
)

// Routes Halo serves outside its OpenAPI document, with the reason.
var haloOutsideSpec = map[string]string{
	// The token endpoint belongs to Halo's auth server, not the /api
	// description (api-facts §1.1: HaloAPI-PS, n8n and pyhalopsa all post
	// the client-credentials grant to {base}/auth/token).
	"POST /auth/token": "OAuth2 token endpoint",
}

func TestHaloPSARoutesExistInHalosOpenAPI(t *testing.T) {
	specs := specsOrSkip(t)
	var spec struct {
		Servers []struct{ URL string } `json:"servers"`
		Paths   map[string]map[string]json.RawMessage
	}
	raw, err := os.ReadFile(filepath.Join(specs, "halopsa-openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	prefix := spec.Servers[0].URL // "/api"
	known := map[string]bool{}
	for path, ops := range spec.Paths {
		for method := range ops {
			known[Key(method, prefix+path, true)] = true
		}
	}
	sim := simhalo.New(world.New(1, 1), "t")
	checked := 0
	for _, r := range sim.Routes() {
		pattern := r.Method + " " + r.Pattern
		if _, ok := haloOutsideSpec[pattern]; ok {
			continue
		}
		if !known[Key(r.Method, r.Pattern, true)] {
			t.Errorf("the sandbox serves %s, which Halo's OpenAPI does not have", pattern)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d routes checked", checked)
	}
}

// specsOrSkip finds the vendor specs; in CI they must be there.
func specsOrSkip(t *testing.T) string {
	t.Helper()
	dir, err := SpecsDir()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return dir
}
