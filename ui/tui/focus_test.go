package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/mspwire/mspwire/flows/onboard"
)

// After five answers, at any size from 60×20 up, the question being
// answered shows whole — its title and every option — and PgDn scrolls
// where the view says "(pgdn)".
func TestTheQuestionBeingAnsweredStaysInView(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {80, 24}, {100, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			w := NewWizard(context.Background(), fixed{stage: onboard.StageQuestions})
			send(w, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
			send(w, press("enter", "enter", "down", "enter", "enter", "enter", "enter")...) // five answered, IT Glue's shown
			view := xansi.Strip(w.View().Content)
			flat := strings.Join(strings.Fields(view), " ")
			for _, want := range []string{"Will someone own and maintain", "Not really", "Yes"} {
				if !strings.Contains(flat, want) {
					t.Fatalf("the focused question lacks %q:\n%s", want, view)
				}
			}
			if !strings.Contains(view, "more above") {
				return // it all fits: nothing to scroll
			}
			before := view
			send(w, tea.KeyPressMsg{Code: tea.KeyPgUp})
			if after := xansi.Strip(w.View().Content); after == before {
				t.Fatalf("pgup did not scroll:\n%s", after)
			}
		})
	}
}
