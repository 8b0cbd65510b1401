package world

import (
	"reflect"
	"strings"
	"testing"
)

func TestSameSeedSameWorld(t *testing.T) {
	a, b := New(9, 200), New(9, 200)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed made two different worlds")
	}
	if reflect.DeepEqual(a.Customers, New(10, 200).Customers) {
		t.Fatal("different seeds made the same world")
	}
	if len(a.Customers) != 200 {
		t.Fatalf("%d customers", len(a.Customers))
	}
}

// The world must hold every kind of mess the matcher and the checks meet.
func TestWorldHasEveryVariation(t *testing.T) {
	w := New(1, 600)
	seen := map[string]int{}
	inactive := 0
	for _, c := range w.Customers {
		for sys, how := range c.Variation {
			for _, part := range strings.Split(how, "+") {
				seen[part]++
			}
			for _, r := range c.In[sys] {
				if r.Inactive {
					inactive++
				}
			}
		}
	}
	for _, want := range []string{"same", "no legal suffix", "& as and", "typo", "location qualifier",
		"bracketed location", "leading The", "renamed", "missing", "duplicate"} {
		if seen[want] == 0 {
			t.Errorf("no %q in a world of 600: %v", want, seen)
		}
	}
	if inactive == 0 {
		t.Error("no inactive clients")
	}
	for _, sys := range []string{HaloPSA, Liongard, ITGlue, Hudu} {
		if n := len(w.Records(sys)); n < 400 || n > 650 {
			t.Errorf("%s has %d records for 600 customers", sys, n)
		}
	}
}
