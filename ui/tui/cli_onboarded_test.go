package tui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/backend"
)

// A tenant onboarded with the CLI twins — path set without the questions,
// credentials, source, inventories, decisions — opens the wizard where it
// stands: home offers billing, devices and stale accounts (b, w, u).
func TestACLIOnboardedTenantReachesTheWorkflowsInTheWizard(t *testing.T) {
	tn := flowtest.Onboarded(t, 40, false)
	ctx := context.Background()
	if err := tn.Env.Store.UpdateOnboarding(ctx, tn.Env.Profile, func(o *store.Onboarding) error {
		o.Answers = nil // mspwire path set A: no questions answered
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	w := NewWizard(ctx, backend.Flows{Env: tn.Env})
	send(w, tea.WindowSizeMsg{Width: 120, Height: 40})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	h, ok := w.top().(*homeScreen)
	if !ok {
		t.Fatalf("the wizard opens on %s", w.top().title())
	}
	offered := map[string]bool{}
	for _, k := range h.keys() {
		offered[k.Help().Key] = true
	}
	for _, k := range []string{"b", "w", "u"} {
		if !offered[k] {
			t.Fatalf("home at stage %q does not offer %s: %v", h.stage, k, offered)
		}
	}
}
