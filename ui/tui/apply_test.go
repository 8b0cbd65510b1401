package tui_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mspwire/mspwire/flows/crash"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
	"github.com/mspwire/mspwire/ui/backend"
	"github.com/mspwire/mspwire/ui/tui"
)

// The whole story, for each path: the operator answers, connects, fetches,
// reviews (bulk-accepts the safe matches, marks some clients to create),
// and looks at the plan. A second program confirms the plan by typing yes
// and is killed in the middle of the apply, right after a vendor answered
// and before the journal heard of it. The wizard started again offers, on
// home, to finish; it does, and each record is in the vendor exactly once.
func TestWizardAppliesEachPathAndFinishesAfterAKill(t *testing.T) {
	if !crash.Enabled {
		t.Skip("needs the crash points: go test -tags crashpoints (make test sets it)")
	}
	// The killed program's calls that never left may still land, for all
	// the resume knows, until the call timeout: a short one keeps its wait
	// short.
	t.Setenv("MSPWIRE_CALL_TIMEOUT", "3s")
	for _, c := range wizardPaths {
		t.Run(c.path, func(t *testing.T) {
			t.Parallel() // each path its own sandbox, data directory and profile; the resumes' waits overlap
			tn := newTenant(t, 60, c.systems...)
			ctx := context.Background()

			// First question to the plan: a burst of keys, then the review.
			tm := tn.wizard(t)
			for _, k := range onboardingKeys(c.answers, c.systems, c.source) {
				tm.Send(k)
			}
			waitText(t, tm, "to review")
			keys := []tea.Msg{char('A'), char('n'), char('n'), char('n'), char('p'), char('A'), char('n'), char('n')}
			for _, k := range keys {
				tm.Send(k)
			}
			eventually(t, "the review's decisions", func() bool {
				return countState(tn.decisions(t), store.StateCreate) >= 5
			})
			tm.Send(enter) // plan the sync
			waitText(t, tm, "press y and type yes")
			tm.Send(ctrlC)
			tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
			before := flowtest.Census(t, tn.env())

			// Another program confirms and applies; it is killed mid-way.
			child := exec.Command(os.Args[0], "-test.run=^TestWizardChild$", "-test.v")
			child.Env = append(os.Environ(), "MSPWIRE_WIZARD_CHILD="+tn.dir, "MSPWIRE_WIZARD_PROFILE="+tn.profile,
				"MSPWIRE_TEST_CRASH_AFTER=reply#1", "GORACE=atexit_sleep_ms=0")
			var out bytes.Buffer
			child.Stdout, child.Stderr = &out, &out
			err := child.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Exited() {
				t.Fatalf("the program applying was not killed (%v):\n%s", err, out.String())
			}
			p, err := tn.st.LatestPlan(ctx, tn.profile)
			if err != nil || p.ConfirmedAt == nil || p.FinishedAt != nil {
				t.Fatalf("after the kill the plan is %+v (%v), want confirmed and unfinished", p, err)
			}
			actions, _ := tn.st.Actions(ctx, p.ID)
			want := flowtest.Intended(t, actions)
			if len(want) == 0 {
				t.Fatalf("the plan creates nothing: %d actions", len(actions))
			}

			// Started again: home offers to finish, and it finishes.
			again := tn.wizard(t)
			waitText(t, again, "press a to finish it")
			again.Send(char('a'))
			waitText(t, again, "Applied. Press enter")

			// Then the pitfalls: the sandbox plants them; the last
			// question is answered yes from the screen.
			again.Send(char('d'))
			waitText(t, again, "halopsa-api-agents")
			for range 40 {
				again.Send(down)
			}
			again.Send(char('y'))
			eventually(t, "the answer stored", func() bool {
				a, _ := tn.st.Answers(ctx, tn.profile)
				return len(a) == 1
			})
			again.Send(ctrlC)
			again.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
			if p, _ = tn.st.PlanByID(ctx, tn.profile, p.ID); p.FinishedAt == nil {
				t.Fatal("the plan is not finished after the resume")
			}
			flowtest.HoldsOnce(t, before, flowtest.Census(t, tn.env()), want)
			inFlight := 0
			for _, a := range actions {
				if a.State == store.ActionInFlight {
					inFlight++
				}
			}
			if inFlight == 0 {
				t.Error("the kill left no call in flight: the resume looked nothing up")
			}
			t.Logf("path %s: %d actions, creates %v, %d left in flight by the kill", c.path, len(actions), want, inFlight)
		})
	}
}

// TestWizardChild is the program that gets killed: it runs the wizard on
// the parent's data directory, from home to a confirmed apply. Only the
// test above starts it.
func TestWizardChild(t *testing.T) {
	dir := os.Getenv("MSPWIRE_WIZARD_CHILD")
	if dir == "" {
		t.Skip("run by TestWizardAppliesEachPathAndFinishesAfterAKill")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kr := storetest.Keyring(t).Scoped(st.ID())
	w := tui.NewWizard(ctx, backend.Flows{Env: onboard.NewEnv(st, kr, os.Getenv("MSPWIRE_WIZARD_PROFILE"))})
	tm := teatest.NewTestModel(t, w, teatest.WithInitialTermSize(140, 45), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	tm.Send(char('p'))
	tm.Send(char('y'))
	waitText(t, tm, "Apply plan")
	tm.Type("yes")
	tm.Send(enter)
	waitText(t, tm, "Applied. Press enter") // only if the kill never came
	t.Error("the apply finished: the crash point was never reached")
}
