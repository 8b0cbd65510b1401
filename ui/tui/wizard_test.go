package tui_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/sandbox"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
	"github.com/mspwire/mspwire/ui/backend"
	"github.com/mspwire/mspwire/ui/tui"
)

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
	ctrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
)

func char(c rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: c, Text: string(c)} }

// eventually polls the stored state until cond holds: the database is the
// witness, not the screen's diffs. The deadline is generous for a busy
// machine; nothing is paced by time.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(60 * time.Second)
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

func waitText(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(60*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// tenant is a sandbox, a data directory and a profile for one wizard run.
type tenant struct {
	sb      *sandbox.Sandbox
	st      *store.Store
	kr      *store.Keyring
	dir     string
	profile string
	systems []string
}

func newTenant(t *testing.T, companies int, systems ...string) *tenant {
	t.Helper()
	kr := storetest.Keyring(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sb, err := sandbox.Start(ctx, sandbox.Options{Seed: 3, Companies: companies})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	dir := t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tn := &tenant{sb: sb, st: st, kr: kr.Scoped(st.ID()), dir: dir, profile: storetest.UniqueProfile(), systems: systems}
	st.EnsureProfile(ctx, tn.profile)
	t.Cleanup(func() {
		for _, sys := range adapter.IDs() {
			ref, _ := connect.Ref(tn.profile, sys)
			tn.kr.Delete(context.Background(), ref)
		}
	})
	return tn
}

func (tn *tenant) env() onboard.Env { return onboard.NewEnv(tn.st, tn.kr, tn.profile) }

func (tn *tenant) flows() backend.Flows {
	return backend.Flows{Env: onboard.NewEnv(tn.st, tn.kr, tn.profile), Demo: func(system string) (connect.Values, string) {
		cr := tn.sb.Creds[system]
		return cr.Values(), cr.Secret()
	}}
}

func (tn *tenant) wizard(t *testing.T) *teatest.TestModel {
	return teatest.NewTestModel(t, tui.NewWizard(context.Background(), tn.flows()),
		teatest.WithInitialTermSize(140, 45), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
}

func (tn *tenant) decisions(t *testing.T) []store.Decision {
	rows, err := tn.st.Decisions(context.Background(), tn.profile, "")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// fields is how many fields each system's credential form has.
// formFields is how many fields a system's credential form asks.
func formFields(system string) int {
	n := 0
	for _, f := range adapter.InfoOf(system).Fields {
		if !f.FlagOnly {
			n++
		}
	}
	return n
}

// onboardingKeys are every key an operator presses from home to the
// review, for the given answers (downs per shown question).
func onboardingKeys(answers []int, systems []string, sourceFields int) []tea.Msg {
	keys := []tea.Msg{enter}
	for _, downs := range answers {
		for range downs {
			keys = append(keys, down)
		}
		keys = append(keys, enter)
	}
	keys = append(keys, enter) // take the recommended path
	for _, sys := range systems {
		for range formFields(sys) {
			keys = append(keys, enter)
		}
		keys = append(keys, enter) // next system, once verified
	}
	for range sourceFields {
		keys = append(keys, enter)
	}
	return append(keys, enter) // from the counts to the review
}

// wizardPaths are the operator's keys for each path: downs on each
// question shown (IT Glue's are skipped for Hudu), the systems to connect,
// and the fields of the source-of-truth form.
var wizardPaths = []struct {
	path    string
	answers []int
	systems []string
	source  int
}{
	{"A", []int{0, 1, 0, 0, 0}, adapter.Systems(path.A, "hudu", nil), 1},
	{"B", []int{1, 0, 1, 0, 0, 1, 1}, adapter.Systems(path.B, "itglue", nil), 3},
	{"C", []int{1, 1, 1, 0, 1}, adapter.Systems(path.C, "hudu", nil), 1},
}

// The operator onboards a tenant for each path. Every key — answers,
// forms, confirmations — is sent at once, before the first screen is even
// drawn, as a paste or tmux send-keys would: the wizard applies them in
// order, each to the screen it was meant for.
func TestWizardDrivesEachPathFromABurstOfKeys(t *testing.T) {
	for _, c := range wizardPaths {
		t.Run(c.path, func(t *testing.T) {
			tn := newTenant(t, 60, c.systems...)
			ctx := context.Background()
			tm := tn.wizard(t)
			for _, k := range append(onboardingKeys(c.answers, c.systems, c.source), char('A')) {
				tm.Send(k)
			}
			eventually(t, "the strong suggestions accepted", func() bool {
				for _, d := range tn.decisions(t) {
					if d.State == store.StateAccepted {
						return true
					}
				}
				return false
			})
			tm.Send(ctrlC)
			final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*tui.Wizard)
			if !final.Interrupted {
				t.Error("ctrl+c did not mark the run interrupted (exit 2)")
			}

			o, _ := tn.st.Onboarding(ctx, tn.profile)
			if o.Path != c.path || o.Recommended != c.path || o.Source != "halopsa" {
				t.Fatalf("stored onboarding %+v", o)
			}
			if c.path == "B" && len(o.ITGlueStatuses) == 0 {
				t.Errorf("path B stored no IT Glue statuses: %+v", o)
			}
			counts, _ := tn.st.RecordCounts(ctx, tn.profile)
			for _, sys := range c.systems {
				if counts[sys] == 0 {
					t.Errorf("no %s inventory stored: %v", sys, counts)
				}
			}
			// Secrets only in the keyring: not in the database, not on screen.
			var all []byte
			filepath.Walk(tn.dir, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					b, _ := os.ReadFile(p)
					all = append(all, b...)
				}
				return nil
			})
			for _, sys := range c.systems {
				_, secret := tn.flows().Demo(sys)
				if bytes.Contains(all, []byte(secret)) {
					t.Errorf("the %s secret is in the data dir", sys)
				}
				ref, _ := connect.Ref(tn.profile, sys)
				if got, err := tn.kr.Stored(ctx, ref); err != nil || got.Reveal() != secret {
					t.Errorf("the %s secret is not in the keyring: %v", sys, err)
				}
			}
		})
	}
}

// The operator reviews: bulk-accepts the safe suggestions, undoes that,
// accepts one, re-maps one by searching the other side, marks one to
// create — then quits in the middle. Coming back, the wizard continues at
// the review and every decision is there, read back from SQLite.
func TestReviewQuitAndComeBack(t *testing.T) {
	tn := newTenant(t, 60, adapter.Systems(path.A, "hudu", nil)...)
	tm := tn.wizard(t)
	for _, k := range onboardingKeys([]int{0, 1, 0, 0, 0}, tn.systems, 1) {
		tm.Send(k)
	}
	waitText(t, tm, "to review")
	tm.Send(char('A'))
	eventually(t, "the bulk accept", func() bool { return countState(tn.decisions(t), store.StateAccepted) > 0 })
	tm.Send(char('u'))
	eventually(t, "the undo", func() bool { return countState(tn.decisions(t), store.StateAccepted) == 0 })

	tm.Send(char('n')) // the first row to review: create it in Liongard
	eventually(t, "a row to create", func() bool { return countState(tn.decisions(t), store.StateCreate) == 1 })

	// Re-map the next row by typing part of another record's name.
	var target store.RecordRef
	recs, _ := tn.st.Records(context.Background(), tn.profile, "liongard")
	target = store.RecordRef{ID: recs[len(recs)-1].ExternalID, Name: recs[len(recs)-1].Name}
	tm.Send(down)
	tm.Send(char('m'))
	tm.Type(target.Name)
	tm.Send(enter)
	eventually(t, "the re-map", func() bool {
		for _, d := range tn.decisions(t) {
			if d.State == store.StateRemapped && d.Right.ID == target.ID {
				return true
			}
		}
		return false
	})
	before := decided(tn.decisions(t))
	tm.Send(ctrlC)
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	again := tn.wizard(t)
	waitText(t, again, "continue: review the matches")
	again.Send(enter)
	waitText(t, again, "to review")
	again.Send(ctrlC)
	again.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	after := decided(tn.decisions(t))
	if len(before) == 0 || len(after) != len(before) {
		t.Fatalf("decisions before quitting %v, after coming back %v", before, after)
	}
	for id, state := range before {
		if after[id] != state {
			t.Errorf("row %d: %s before, %s after", id, state, after[id])
		}
	}
}

func countState(rows []store.Decision, state string) int {
	n := 0
	for _, d := range rows {
		if d.State == state {
			n++
		}
	}
	return n
}

func decided(rows []store.Decision) map[int64]string {
	out := map[int64]string{}
	for _, d := range rows {
		if d.State != store.StateSuggested {
			out[d.ID] = d.State + ":" + d.Right.ID
		}
	}
	return out
}

// The rotation screen runs the same rotation as mspwire auth rotate: the
// operator picks HaloPSA, pastes the secret HaloPSA just generated, and sees
// the by-hand checklist.
func TestWizardRotatesACredential(t *testing.T) {
	tn := newTenant(t, 10, "halopsa")
	ctx := context.Background()
	halo := tn.sb.Creds["halopsa"]
	if _, err := tn.flows().Connect(ctx, "halopsa", connect.Values{"url": halo.URL, "client_id": halo.ClientID}, halo.ClientSecret); err != nil {
		t.Fatal(err)
	}
	fresh, _ := tn.sb.HaloPSA.RotateSecret(halo.ClientID)
	tm := tn.wizard(t)
	tm.Send(char('r'))
	tm.Send(enter) // HaloPSA
	tm.Send(tea.PasteMsg{Content: fresh})
	tm.Send(enter)
	ref, _ := connect.Ref(tn.profile, "halopsa")
	eventually(t, "the new secret in the keyring", func() bool {
		s, err := tn.kr.Stored(ctx, ref)
		return err == nil && s.Reveal() == fresh
	})
	waitText(t, tm, "by hand")
	tm.Send(ctrlC)
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if items, _ := tn.st.Checklist(ctx, tn.profile); len(items) == 0 {
		t.Fatal("no checklist after the rotation")
	}
}
