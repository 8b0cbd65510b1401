package display

import (
	"encoding/json"
	"testing"
)

func TestVendorStringsCannotDriveTheTerminal(t *testing.T) {
	for in, want := range map[string]string{
		"Acme Dental, Inc.":    "Acme Dental, Inc.",
		"Zürich AG – 株式会社":     "Zürich AG – 株式会社",
		"\x1b]0;pwned\x07Acme": `\x1b]0;pwned\aAcme`,
		"Evil\x1b[2J":          `Evil\x1b[2J`,
		"Two\nLines":           `Two\nLines`,
		"over\rwrite":          `over\rwrite`,
		"rev\u202edlrow":       `rev\u202edlrow`,
		"c1\u009bcontrol":      `c1\u009bcontrol`,
		"bad \xff byte":        `bad \xff byte`,
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Text("line one\n\tline two\x1b[2J"); got != "line one\n\tline two\\x1b[2J" {
		t.Errorf("Text kept the wrong things: %q", got)
	}
}

// --json output carries bidi overrides and C1 controls escaped, and reads
// back as the same strings.
func TestJSONEscapesWhatCouldDriveTheTerminal(t *testing.T) {
	in := map[string]string{"name": "rev\u202edlrow c1\u009b del\x7f Zürich 株式会社 \x1b[2J"}
	raw, _ := json.Marshal(in)
	out := JSON(raw)
	for _, bad := range []string{"\u202e", "\u009b", "\x7f", "\x1b"} {
		if string(out) != "" && containsRaw(out, bad) {
			t.Errorf("%q is still raw in %s", bad, out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["name"] != in["name"] {
		t.Fatalf("read back %q (%v), want %q", back["name"], err, in["name"])
	}
}

func containsRaw(b []byte, r string) bool {
	for i := 0; i+len(r) <= len(b); i++ {
		if string(b[i:i+len(r)]) == r {
			return true
		}
	}
	return false
}
