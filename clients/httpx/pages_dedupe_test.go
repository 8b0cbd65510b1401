package httpx_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/clients/httpx"
)

type seat struct {
	ID  int `json:"id"`
	Qty int `json:"qty"`
}

// pagesOf serves a list's pages as an offset list does while a record is
// added at its front between two reads: the second page starts with the
// first page's last record again.
func pagesOf(pages ...[]seat) func(context.Context, int) (httpx.Page[seat], error) {
	return func(_ context.Context, page int) (httpx.Page[seat], error) {
		return httpx.Page[seat]{Items: pages[page-1], More: page < len(pages)}, nil
	}
}

// An overlap between pages is counted once: the sum over the list is the
// sum over distinct records (16 seats, not 32).
func TestOverlappingPagesAreCountedOnce(t *testing.T) {
	got, err := httpx.Collect(context.Background(), 1, pagesOf(
		[]seat{{1, 4}, {2, 12}},
		[]seat{{2, 12}, {3, 0}},
	))
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, s := range got {
		sum += s.Qty
	}
	if len(got) != 3 || sum != 16 {
		t.Fatalf("%d records summing to %d, want 3 summing to 16: %v", len(got), sum, got)
	}
}

// A record that comes twice with other values moved or changed while the
// list was read: the read cannot be trusted and is refused.
func TestARecordChangedMidReadIsRefused(t *testing.T) {
	_, err := httpx.Collect(context.Background(), 1, pagesOf(
		[]seat{{1, 4}, {2, 12}},
		[]seat{{2, 13}, {3, 0}},
	))
	if !errors.Is(err, httpx.ErrUnexpected) || !strings.Contains(err.Error(), "record 2 came twice") {
		t.Fatalf("want the read refused, naming record 2: %v", err)
	}
}
