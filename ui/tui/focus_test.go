package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/status"
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

// A confirmed plan whose inputs changed is offered on home as stale, not
// as an apply to finish that a would then refuse; the steps are on home.
func TestHomeCallsAStalePlanStale(t *testing.T) {
	h := newHome()
	h.update(statusMsg{report: status.Report{Plan: &status.Plan{ID: 3, Total: 4, ConfirmedAt: &verifiedAt,
		States: map[string]int{"pending": 4}, Stale: []string{"review decisions for halopsa:liongard changed"}}}, stage: onboard.StageSteps})
	view := strings.Join(strings.Fields(xansi.Strip(h.view(120, 30))), " ")
	if !strings.Contains(view, "plan 3: stale") || strings.Contains(view, "press a") {
		t.Fatalf("home:\n%s", view)
	}
	for _, k := range h.keys() {
		if k.Help().Key == keyFinish.Help().Key {
			t.Fatal("home offers to finish a stale plan")
		}
	}
	if !strings.Contains(view, "press s") {
		t.Fatalf("home does not offer the steps:\n%s", view)
	}
}
