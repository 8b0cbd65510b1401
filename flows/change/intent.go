package change

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// IntentPrefix marks the plan inputs that are the operator's intent: a
// producer's parameters (--replace, --days) and digests of what it reads
// from the operator's own choices (billing choices, item mapping,
// tolerances, ticket type and team, review links).
const IntentPrefix = "intent:"

// Intender producers say what the operator chose that shapes their
// plans, read locally with no vendor call. A plan asked for again with
// any part changed is a new plan, and a plan made before such a change is
// stale: what the operator undid is never written.
type Intender interface {
	Intent(ctx context.Context) (map[string]string, error)
}

// IntentOf is the intent parts a plan's inputs carry, without the prefix.
func IntentOf(inputs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range inputs {
		if part, ok := strings.CutPrefix(k, IntentPrefix); ok {
			out[part] = v
		}
	}
	return out
}

// IntentChanges names the parts of an intent that differ, in order:
// "billing choices", "--days (60 → 90)"; a digest's part by its name.
func IntentChanges(was, now map[string]string) []string {
	parts := map[string]bool{}
	for k := range was {
		parts[k] = true
	}
	for k := range now {
		parts[k] = true
	}
	var changed []string
	for k := range parts {
		w, n := was[k], now[k]
		if w == n {
			continue
		}
		if strings.HasPrefix(w, "#") || strings.HasPrefix(n, "#") {
			changed = append(changed, k) // a digest says nothing to a person
			continue
		}
		changed = append(changed, fmt.Sprintf("%s (%s → %s)", k, orNone(w), orNone(n)))
	}
	sort.Strings(changed)
	return changed
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Digest fingerprints lines whatever their order: "#" and a short hex
// string (the "#" tells a digest from a value a person reads).
func Digest(lines []string) string {
	s := append([]string(nil), lines...)
	sort.Strings(s)
	h := sha256.Sum256([]byte(strings.Join(s, "\n")))
	return "#" + hex.EncodeToString(h[:8])
}
