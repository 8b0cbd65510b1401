package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
)

// BenchmarkAcceptTwoThousand is a bulk accept of 2,000 suggestions in one
// decision: what `A` on the review or `match accept --band strong` does for
// a large tenant.
func BenchmarkAcceptTwoThousand(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		st := storetest.Open(b)
		st.EnsureProfile(ctx, "bench")
		var fresh []store.Suggestion
		for i := range 2000 {
			fresh = append(fresh, store.Suggestion{Left: store.RecordRef{System: "halopsa", ID: fmt.Sprint(i), Name: fmt.Sprintf("Client %d", i)},
				Right: store.RecordRef{System: "liongard", ID: fmt.Sprint(i), Name: fmt.Sprintf("Client %d", i)}, Score: 1, Band: "strong"})
		}
		if _, err := st.MergeSuggestions(ctx, "bench", "halopsa:liongard", fresh, nil); err != nil {
			b.Fatal(err)
		}
		ds, err := st.Decisions(ctx, "bench", "halopsa:liongard")
		if err != nil || len(ds) != 2000 {
			b.Fatalf("%d decisions: %v", len(ds), err)
		}
		changes := make([]store.Change, len(ds))
		for i, d := range ds {
			changes[i] = store.Change{ID: d.ID, State: store.StateAccepted}
		}
		b.StartTimer()
		if _, err := st.Decide(ctx, "bench", "operator:bench", changes); err != nil {
			b.Fatal(err)
		}
	}
}
