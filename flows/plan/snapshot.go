package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// A plan keeps, beside each input's digest, a small snapshot of it — each
// record's id, name and a short hash — so that a stale plan can name the
// records that changed, not only say that some did. Inventories larger
// than snapshotLimit keep the digest alone.
const (
	snapshotPrefix = "names:"
	snapshotLimit  = 20000
	namedAtMost    = 5
)

// snapshotEntry is one record of an input: Body is what its hash covers;
// Shown, when set, is said of it (a decision's state).
type snapshotEntry struct {
	ID, Name, Body, Shown string
}

type snapshotLine struct{ name, hash, shown string }

func encodeSnapshot(entries []snapshotEntry) (string, bool) {
	if len(entries) > snapshotLimit {
		return "", false
	}
	var b strings.Builder
	for _, e := range entries {
		sum := sha256.Sum256([]byte(e.Body))
		fmt.Fprintf(&b, "%s\x1f%s\x1f%s\x1f%s\x1e", clean(e.ID), clean(e.Name), hex.EncodeToString(sum[:4]), clean(e.Shown))
	}
	return b.String(), true
}

// clean keeps the snapshot's separators out of a vendor's strings.
func clean(s string) string {
	return strings.NewReplacer("\x1e", " ", "\x1f", " ").Replace(s)
}

func decodeSnapshot(s string) map[string]snapshotLine {
	out := map[string]snapshotLine{}
	for _, line := range strings.Split(s, "\x1e") {
		f := strings.Split(line, "\x1f")
		if len(f) == 4 {
			out[f[0]] = snapshotLine{name: f[1], hash: f[2], shown: f[3]}
		}
	}
	return out
}

// namedChanges names up to namedAtMost records that were added, removed
// or changed between two snapshots, and counts the rest; "" when either
// snapshot is missing (an older plan, an inventory too big to keep).
func namedChanges(was, now string) string {
	if was == "" || now == "" {
		return ""
	}
	before, after := decodeSnapshot(was), decodeSnapshot(now)
	var said []string
	for id, a := range after {
		b, ok := before[id]
		switch {
		case !ok:
			said = append(said, fmt.Sprintf("%q is new", a.name))
		case b.hash == a.hash:
		case b.name != a.name:
			said = append(said, fmt.Sprintf("%q is now %q", b.name, a.name))
		case b.shown != a.shown && a.shown != "":
			said = append(said, fmt.Sprintf("%q %s → %s", a.name, orNone(b.shown), a.shown))
		default:
			said = append(said, fmt.Sprintf("%q changed", a.name))
		}
	}
	for id, b := range before {
		if _, ok := after[id]; !ok {
			said = append(said, fmt.Sprintf("%q is gone", b.name))
		}
	}
	if len(said) == 0 {
		return ""
	}
	sort.Strings(said)
	if len(said) > namedAtMost {
		return strings.Join(said[:namedAtMost], ", ") + fmt.Sprintf(" and %d more", len(said)-namedAtMost)
	}
	return strings.Join(said, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
