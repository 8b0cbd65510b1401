package contract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	simlg "github.com/mspwire/mspwire/sandbox/liongard"
	"github.com/mspwire/mspwire/sandbox/world"
)

// Routes outside the copies in ../shared/specs, with where they are documented.
var liongardOutsideSpec = map[string]string{
	// The newer v2 description (Corey-Fogg/liongard-api-spec-v3,
	// reference/Liongard_v2_OAS.yml @8316bf5) has environment groups; the
	// older copy in shared/specs does not.
	"POST /api/v2/environment-groups":   "LG-V2-OAS @8316bf5",
	"PUT /api/v2/environment-groups/{}": "LG-V2-OAS @8316bf5",
	"GET /api/v2/environment-groups":    "LG-V2-OAS @8316bf5",
}

func TestLiongardRoutesExistInLiongardsOpenAPI(t *testing.T) {
	specs := specsOrSkip(t)
	known := map[string]bool{}
	for _, f := range []struct{ file, prefix string }{
		{"liongard-v1-openapi.yml", "/api/v1"},
		{"liongard-v2-openapi.yml", "/api/v2"},
	} {
		raw, err := os.ReadFile(filepath.Join(specs, f.file))
		if err != nil {
			t.Fatal(err)
		}
		var spec struct {
			Servers []struct{ URL string } `yaml:"servers"`
			Paths   map[string]map[string]any
		}
		if err := yaml.Unmarshal(raw, &spec); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(spec.Servers[0].URL, f.prefix) {
			t.Fatalf("%s: server %s does not end in %s", f.file, spec.Servers[0].URL, f.prefix)
		}
		for path, ops := range spec.Paths {
			for method := range ops {
				known[Key(method, f.prefix+path, false)] = true
			}
		}
	}
	sim := simlg.New(world.New(1, 1))
	checked := 0
	for _, r := range sim.Routes() {
		key := Key(r.Method, r.Pattern, false)
		if _, ok := liongardOutsideSpec[key]; ok {
			continue
		}
		if !known[key] {
			t.Errorf("the sandbox serves %s %s, which Liongard's OpenAPI does not have", r.Method, r.Pattern)
		}
		checked++
	}
	if checked < 15 {
		t.Fatalf("only %d routes checked", checked)
	}
}
