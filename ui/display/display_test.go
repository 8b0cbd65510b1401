package display

import "testing"

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
