package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/store"
)

// hostile carries what a vendor's name or error text could use to drive a
// terminal: OSC 52 (write the clipboard), OSC 0 (the title), a screen
// clear, a C1 CSI and a right-to-left override.
const hostile = "Acme\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\u009b31m\u202edlrow"

// The plan lists, the apply's progress lines and --json carry a vendor's
// strings inert: no raw escape, C1 or bidi character reaches the terminal,
// and the JSON still reads back as the same text.
func TestPlanAndApplyLinesShowVendorStringsInert(t *testing.T) {
	a := store.Action{ID: 1, Kind: "ticket", System: "halopsa", Summary: "Open a ticket for " + hostile, Warnings: []string{"warns " + hostile},
		State: store.ActionFailed, Error: "HaloPSA: " + hostile}
	p := store.Plan{ID: 3, Kind: "stale_accounts", Notes: []string{"note " + hostile}}
	var plain bytes.Buffer
	writeSyncPlan(&plain, p, []store.Action{a}, true)
	plain.WriteString(progressLine(apply.Event{Action: a, Counts: apply.Counts{Total: 1, Failed: 1}}) + "\n")
	plain.WriteString(waitLine(apply.Wait{System: "HaloPSA", Reason: hostile}) + "\n")
	if bad := raw(plain.String()); bad != "" {
		t.Fatalf("a raw %q reached the terminal:\n%q", bad, plain.String())
	}
	if !strings.Contains(plain.String(), `\x1b]52;c;`) || !strings.Contains(plain.String(), `\u202edlrow`) {
		t.Fatalf("the names are not shown inert:\n%s", plain.String())
	}
	var out bytes.Buffer
	g := &globals{io: IO{Out: &out}}
	if err := jsonOut(g).Encode(viewOf(&apply.Session{Plan: p, Actions: []store.Action{a}})); err != nil {
		t.Fatal(err)
	}
	if bad := raw(out.String()); bad != "" {
		t.Fatalf("--json carries a raw %q:\n%s", bad, out.String())
	}
	var back struct {
		Actions []struct {
			Summary string `json:"summary"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || len(back.Actions) != 1 || back.Actions[0].Summary != a.Summary {
		t.Fatalf("--json reads back as %+v (%v)", back, err)
	}
}

// raw is the first character of s that could drive a terminal.
func raw(s string) string {
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return string(r)
		}
	}
	return ""
}
