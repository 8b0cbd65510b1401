package cli_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/store"
)

// A HaloPSA client named with terminal escapes or a newline reaches match
// list and audit inert, one row each.
func TestMatchListAndAuditShowVendorNamesInert(t *testing.T) {
	dir, run := reviewTenant(t)
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := st.Records(ctx, "default", "halopsa")
	recs = append(recs, store.InventoryRecord{ExternalID: "6", Name: "\x1b]0;pwned\x07Evil\x1b[2J"}, store.InventoryRecord{ExternalID: "7", Name: "Two\nLines"})
	if err := st.ReplaceRecords(ctx, "default", "halopsa", recs); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, stderr, code := run("match", "suggest"); code != 0 {
		t.Fatal(stderr)
	}
	args := []string{"match", "new"}
	for _, r := range listRows(t, run) {
		if r.Left.ID == "6" || r.Left.ID == "7" {
			args = append(args, strconv.FormatInt(r.ID, 10))
		}
	}
	if _, stderr, code := run(args...); code != 0 {
		t.Fatal(stderr)
	}
	list, _, _ := run("match", "list")
	audit, _, _ := run("audit")
	for name, out := range map[string]string{"match list": list, "audit": audit} {
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Fatalf("%s prints a raw escape:\n%q", name, out)
		}
		if !strings.Contains(out, `\x1b]0;pwned\aEvil\x1b[2J`) || !strings.Contains(out, `Two\nLines`) {
			t.Fatalf("%s does not show the names inert:\n%s", name, out)
		}
	}
	for _, line := range strings.Split(list, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "Lines") {
			t.Fatalf("a newline in a name broke a row:\n%s", list)
		}
	}
}
