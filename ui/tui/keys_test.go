package tui

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"charm.land/bubbles/v2/key"
)

// docs/keys.md is made from the bindings; -update writes it again.
func TestKeyReferenceIsCurrent(t *testing.T) {
	file := filepath.Join("..", "..", "docs", "keys.md")
	want := KeyReference()
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil || string(got) != want {
		t.Fatalf("docs/keys.md is out of date (%v): run go test ./ui/tui -run TestKeyReference -update", err)
	}
}

// Every key a screen offers, in every scene of the golden views, is in
// the reference: a binding cannot be dispatched without being documented.
func TestEveryOfferedKeyIsInTheReference(t *testing.T) {
	var all []key.Binding
	for _, s := range keyReference() {
		all = append(all, s.keys...)
	}
	known := func(b key.Binding) bool {
		return slices.ContainsFunc(all, func(x key.Binding) bool { return slices.Equal(x.Keys(), b.Keys()) && x.Help() == b.Help() })
	}
	for name, build := range scenes(t) {
		w := build()
		for _, b := range w.top().keys() {
			if !known(b) {
				t.Errorf("%s offers %q (%s), which the key reference lacks", name, b.Help().Key, b.Help().Desc)
			}
		}
	}
}
