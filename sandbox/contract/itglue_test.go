package contract

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	simitg "github.com/mspwire/mspwire/sandbox/itglue"
	"github.com/mspwire/mspwire/sandbox/world"
)

// IT Glue publishes no OpenAPI; its routes are the ones api-facts.md §2
// records from the official developer documentation.
var itglueOutsideMethodMentions = map[string]string{
	// §2.3: "GET /configurations or /organizations/:id/relationships/configurations"
	"GET /organizations/{}/relationships/configurations": "api-facts §2.3, Configurations",
}

var methodPath = regexp.MustCompile("`(GET|POST|PATCH|PUT|DELETE) (/[a-z_/:]+)")

func TestITGlueRoutesAreDocumentedInTheFacts(t *testing.T) {
	specs := specsOrSkip(t)
	raw, err := os.ReadFile(filepath.Join(specs, "..", "api-facts.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start, end := strings.Index(text, "## 2. IT Glue"), strings.Index(text, "## 3. Hudu")
	if start < 0 || end < start {
		t.Fatal("api-facts.md has no IT Glue section")
	}
	known := map[string]bool{}
	for _, m := range methodPath.FindAllStringSubmatch(text[start:end], -1) {
		path := regexp.MustCompile(`:[a-z_]+`).ReplaceAllString(m[2], "{}")
		known[Key(m[1], path, false)] = true
	}
	checked := 0
	for _, r := range simitg.New(world.New(1, 1)).Routes() {
		key := Key(r.Method, r.Pattern, false)
		if _, ok := itglueOutsideMethodMentions[key]; ok {
			continue
		}
		if !known[key] {
			t.Errorf("the sandbox serves %s, which api-facts §2 does not record", key)
		}
		checked++
	}
	if checked < 8 {
		t.Fatalf("only %d routes checked", checked)
	}
}
