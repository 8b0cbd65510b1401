package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
)

// A HaloPSA client named with terminal escapes (retitle the window, clear
// the screen) or a newline reaches the review's table and detail inert,
// one row each.
func TestTheReviewDrawsVendorNamesInert(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	st.SaveOnboarding(ctx, store.Onboarding{Profile: "acme-msp", Path: "A", Source: "halopsa", Answers: []byte(`{"docs_tool":"hudu"}`)})
	st.ReplaceRecords(ctx, "acme-msp", "halopsa", []store.InventoryRecord{{ExternalID: "1", Name: "\x1b]0;pwned\x07Acme\x1b[2J"}, {ExternalID: "2", Name: "Two\nLines"}})
	st.ReplaceRecords(ctx, "acme-msp", "liongard", []store.InventoryRecord{{ExternalID: "9", Name: "Acme"}})
	st.ReplaceRecords(ctx, "acme-msp", "hudu", []store.InventoryRecord{{ExternalID: "8", Name: "Acme"}})
	m, err := review.Open(ctx, st, "acme-msp", "operator:tech")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Suggest(ctx); err != nil {
		t.Fatal(err)
	}
	w := NewWizard(ctx, fixed{stage: onboard.StageReview, review: m})
	send(w, tea.WindowSizeMsg{Width: 140, Height: 40})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("enter")...)
	view := w.top().view(136, 36)
	if strings.Contains(view, "\x1b]") || strings.Contains(view, "\x1b[2J") || strings.Contains(view, "\x07") {
		t.Fatalf("a vendor's escape reaches the terminal raw:\n%q", view) // (lipgloss's own styles are CSI m sequences)
	}
	if !strings.Contains(view, `\x1b]0;pwned\aAcme\x1b[2J`) || !strings.Contains(view, `Two\nLines`) {
		t.Fatalf("the names are not shown inert:\n%s", view)
	}
}
