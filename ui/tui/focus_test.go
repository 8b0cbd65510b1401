package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
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

// warnedPlan is the fixed plan with one create of a name Liongard has.
type warnedPlan struct{ fixed }

func (warnedPlan) withWarning(sp SyncPlan) SyncPlan {
	sp.Actions[0].Warnings = []string{"Liongard already has 1 of that name: this makes a second one"}
	return sp
}
func (w warnedPlan) MakePlan(ctx context.Context) (SyncPlan, error) {
	sp, err := w.fixed.MakePlan(ctx)
	return w.withWarning(sp), err
}
func (w warnedPlan) SyncPlan(ctx context.Context, id int64) (SyncPlan, error) {
	sp, err := w.fixed.SyncPlan(ctx, id)
	return w.withWarning(sp), err
}

// A create that makes a second record of a name shows its warning on a
// line of its own, whole at 60 columns, and the typed yes says so again.
func TestPlanWarningsAreShownWholeAndAskedAgain(t *testing.T) {
	w := NewWizard(context.Background(), warnedPlan{fixed{stage: onboard.StagePlan}})
	send(w, tea.WindowSizeMsg{Width: 60, Height: 40})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("enter", "enter")...) // the plan, its first group opened
	view := strings.Join(strings.Fields(xansi.Strip(w.View().Content)), " ")
	if !strings.Contains(view, "! Liongard already has 1 of that name: this makes a second one") {
		t.Fatalf("the warning is not shown whole:\n%s", xansi.Strip(w.View().Content))
	}
	send(w, press("y")...)
	view = strings.Join(strings.Fields(xansi.Strip(w.View().Content)), " ")
	if !strings.Contains(view, "1 of them come with a warning") {
		t.Fatalf("the confirmation does not repeat it:\n%s", xansi.Strip(w.View().Content))
	}
}

// Marking to create a row whose name the other system holds says so, and
// which row took that record.
func TestMarkingATwinToCreateWarns(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	st.SaveOnboarding(ctx, store.Onboarding{Profile: "acme-msp", Path: "A", Source: "halopsa", Answers: []byte(`{"docs_tool":"hudu"}`)})
	st.ReplaceRecords(ctx, "acme-msp", "halopsa", []store.InventoryRecord{{ExternalID: "1", Name: "Acme Dental"}, {ExternalID: "2", Name: "Acme Dental"}})
	st.ReplaceRecords(ctx, "acme-msp", "liongard", []store.InventoryRecord{{ExternalID: "9", Name: "Acme Dental"}})
	st.ReplaceRecords(ctx, "acme-msp", "hudu", []store.InventoryRecord{{ExternalID: "8", Name: "Other"}})
	m, err := review.Open(ctx, st, "acme-msp", "operator:tech")
	if err != nil {
		t.Fatal(err)
	}
	m.Suggest(ctx)
	r := &reviewScreen{model: m}
	var twin, holder store.Decision
	for _, d := range m.All("halopsa:liongard") {
		if d.Right.ID == "" {
			twin = d
		} else {
			holder = d
		}
	}
	got := r.namesakeWarning(twin)
	if want := fmt.Sprintf("row %d took it", holder.ID); twin.ID == 0 || !strings.Contains(got, `Liongard environment "Acme Dental" (9) has this name already`) || !strings.Contains(got, want) {
		t.Fatalf("warning %q (want %q)", got, want)
	}
}

// pathCPlan is a path C plan whose backend keeps what feeds Hudu.
type pathCPlan struct {
	fixed
	feeds *string
}

func (c pathCPlan) plan(sp SyncPlan) SyncPlan {
	sp.Plan.Path, sp.HuduFeeds = "C", *c.feeds
	return sp
}
func (c pathCPlan) MakePlan(ctx context.Context) (SyncPlan, error) {
	sp, err := c.fixed.MakePlan(ctx)
	return c.plan(sp), err
}
func (c pathCPlan) SyncPlan(ctx context.Context, id int64) (SyncPlan, error) {
	sp, err := c.fixed.SyncPlan(ctx, id)
	return c.plan(sp), err
}
func (c pathCPlan) SetHuduFeeds(_ context.Context, feeds string) error {
	*c.feeds = feeds
	return nil
}

// On path C the plan screen says what feeds Hudu, and f chooses it:
// Liongard alone, then HaloPSA too, each time planning again.
func TestPathCPlanChoosesWhatFeedsHudu(t *testing.T) {
	feeds := ""
	w := NewWizard(context.Background(), pathCPlan{fixed{stage: onboard.StagePlan}, &feeds})
	send(w, tea.WindowSizeMsg{Width: 80, Height: 40})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("enter")...)
	flat := func() string { return strings.Join(strings.Fields(xansi.Strip(w.View().Content)), " ") }
	if !strings.Contains(flat(), "What feeds Hudu is not chosen yet") {
		t.Fatalf("the plan does not say what feeds Hudu:\n%s", flat())
	}
	send(w, press("f")...)
	if feeds != store.HuduFeedLiongard || !strings.Contains(flat(), "Hudu is fed by its Liongard integration alone") {
		t.Fatalf("after f: feeds %q:\n%s", feeds, flat())
	}
	send(w, press("f")...)
	if feeds != store.HuduFeedBoth || !strings.Contains(flat(), "Hudu is fed by Liongard and by HaloPSA") {
		t.Fatalf("after f again: feeds %q:\n%s", feeds, flat())
	}
}
