package contract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	simhudu "github.com/mspwire/mspwire/sandbox/hudu"
	"github.com/mspwire/mspwire/sandbox/world"
)

func TestHuduRoutesExistInHudusSwagger(t *testing.T) {
	specs := specsOrSkip(t)
	raw, err := os.ReadFile(filepath.Join(specs, "hudu-swagger-v2.44.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		BasePath string                    `json:"basePath"`
		Paths    map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for path, ops := range spec.Paths {
		for method := range ops {
			known[Key(method, spec.BasePath+path, false)] = true
		}
	}
	checked := 0
	for _, r := range simhudu.New(world.New(1, 1)).Routes() {
		if !known[Key(r.Method, r.Pattern, false)] {
			t.Errorf("the sandbox serves %s %s, which Hudu's Swagger does not have", r.Method, r.Pattern)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d routes checked", checked)
	}
}
