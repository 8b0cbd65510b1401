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

	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/sandbox"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
	"github.com/mspwire/mspwire/ui/tui"
)

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
)

// eventually polls a condition on the stored state: the screen's diffs are
// no reliable witness, the database is.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// press sends keys at a person's pace: huh moves between fields through
// commands, so a key sent at once may reach the field before.
func press(tm *teatest.TestModel, keys ...tea.KeyPressMsg) {
	for _, k := range keys {
		tm.Send(k)
		time.Sleep(100 * time.Millisecond)
	}
}

func waitText(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// The operator runs the wizard against the sandbox for each path: answers
// the questions, takes the recommended path, accepts the demo credentials
// system by system, keeps HaloPSA as the source, and lands on the steps.
func TestWizardDrivesEachPath(t *testing.T) {
	cases := []struct {
		path    string
		answers []int // how many times to press down on each question
		systems []string
	}{
		{"A", []int{0, 1, 0, 0, 0, 0, 0}, []string{"halopsa", "liongard", "hudu"}},
		{"B", []int{1, 0, 1, 0, 0, 1, 1}, []string{"halopsa", "liongard", "itglue"}},
		{"C", []int{1, 1, 1, 0, 0, 1, 0}, []string{"halopsa", "liongard", "hudu"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			kr := storetest.Keyring(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sb, err := sandbox.Start(ctx, sandbox.Options{Seed: 3, Companies: 60})
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			dir := t.TempDir()
			st, err := store.Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			profile := storetest.UniqueProfile()
			st.EnsureProfile(ctx, profile)
			t.Cleanup(func() {
				for _, sys := range c.systems {
					ref, _ := connect.Ref(profile, sys)
					kr.Delete(context.Background(), ref)
				}
			})
			env := onboard.Env{Store: st, Keyring: kr, Profile: profile}
			demo := func(system string) (connect.Fields, string) {
				cr := sb.Creds[system]
				return connect.Fields{URL: cr.URL, ClientID: cr.ClientID, KeyID: cr.KeyID}, cr.ClientSecret + cr.KeySecret + cr.APIKey
			}
			tm := teatest.NewTestModel(t, tui.NewWizard(ctx, tui.Flows{Env: env, Demo: demo}),
				teatest.WithInitialTermSize(140, 45), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

			waitText(t, tm, "onboard a tenant")
			press(tm, enter)
			waitText(t, tm, "Where do your technicians")
			for _, downs := range c.answers {
				for range downs {
					press(tm, down)
				}
				press(tm, enter)
			}
			eventually(t, "the answers", func() bool { o, _ := st.Onboarding(ctx, profile); return o.Recommended != "" })
			if o, _ := st.Onboarding(ctx, profile); o.Recommended != c.path {
				t.Fatalf("recommended %s, want %s (%s)", o.Recommended, c.path, o.Reason)
			}
			press(tm, enter) // take the recommended path
			for _, sys := range c.systems {
				time.Sleep(100 * time.Millisecond)
				for range fieldsOf(sys) {
					press(tm, enter)
				}
				eventually(t, sys+" connected", func() bool {
					conn, err := st.Connection(ctx, profile, sys)
					return err == nil && !conn.VerifiedAt.IsZero()
				})
				time.Sleep(100 * time.Millisecond) // let the result screen arrive before leaving it
				press(tm, enter)
			}
			fields := 1
			if c.path == "B" {
				fields = 3 // source, then IT Glue statuses and types
			}
			time.Sleep(300 * time.Millisecond) // the source form (and IT Glue's lists)
			for range fields {
				press(tm, enter)
			}
			eventually(t, "the inventories", func() bool {
				counts, _ := st.RecordCounts(ctx, profile)
				return len(counts) == 3
			})
			waitText(t, tm, "steps done")
			eventually(t, "the verified steps", func() bool {
				done, _ := st.DoneSteps(ctx, profile)
				return done["halopsa-app"] != ""
			})
			tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
			tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

			o, _ := st.Onboarding(ctx, profile)
			if o.Path != c.path || o.Source != "halopsa" {
				t.Fatalf("stored onboarding %+v", o)
			}
			counts, _ := st.RecordCounts(ctx, profile)
			for _, sys := range c.systems {
				if counts[sys] == 0 {
					t.Errorf("no %s inventory stored: %v", sys, counts)
				}
			}
			if done, _ := st.DoneSteps(ctx, profile); done["halopsa-agent"] != "verified" || done["halopsa-app"] != "verified" {
				t.Errorf("the steps the HaloPSA API can see were not verified: %v", done)
			}
			if c.path == "B" && len(o.ITGlueStatuses) == 0 {
				t.Errorf("path B stored no IT Glue statuses: %+v", o)
			}
			// Secrets only in the keyring: not in the database, not on screen.
			var all []byte
			filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					b, _ := os.ReadFile(p)
					all = append(all, b...)
				}
				return nil
			})
			for _, sys := range c.systems {
				_, secret := demo(sys)
				if bytes.Contains(all, []byte(secret)) {
					t.Errorf("the %s secret is in the data dir", sys)
				}
				ref, _ := connect.Ref(profile, sys)
				if got, err := kr.Stored(ctx, ref); err != nil || got.Reveal() != secret {
					t.Errorf("the %s secret is not in the keyring: %v", sys, err)
				}
			}
		})
	}
}

// fieldsOf is how many fields each system's credential form has.
func fieldsOf(system string) []struct{} {
	n := map[string]int{"halopsa": 5, "liongard": 3, "itglue": 2, "hudu": 2}[system]
	return make([]struct{}, n)
}

// The rotation screen runs the same rotation as mspwire auth rotate: the
// operator picks HaloPSA, pastes the secret HaloPSA just generated, and sees
// the by-hand checklist.
func TestWizardRotatesACredential(t *testing.T) {
	kr := storetest.Keyring(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb, err := sandbox.Start(ctx, sandbox.Options{Seed: 3, Companies: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	st := storetest.Open(t)
	profile := storetest.UniqueProfile()
	ref, _ := connect.Ref(profile, "halopsa")
	t.Cleanup(func() { kr.Delete(context.Background(), ref) })
	flows := tui.Flows{Env: onboard.Env{Store: st, Keyring: kr, Profile: profile}}
	halo := sb.Creds["halopsa"]
	if _, err := flows.Connect(ctx, "halopsa", connect.Fields{URL: halo.URL, ClientID: halo.ClientID}, halo.ClientSecret); err != nil {
		t.Fatal(err)
	}
	fresh, _ := sb.HaloPSA.RotateSecret(halo.ClientID)

	tm := teatest.NewTestModel(t, tui.NewWizard(ctx, flows), teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitText(t, tm, "rotate a credential")
	press(tm, tea.KeyPressMsg{Code: 'r', Text: "r"})
	waitText(t, tm, "Which credential?")
	press(tm, enter)
	tm.Type(fresh)
	time.Sleep(100 * time.Millisecond)
	press(tm, enter)
	eventually(t, "the new secret in the keyring", func() bool {
		s, err := kr.Stored(ctx, ref)
		return err == nil && s.Reveal() == fresh
	})
	waitText(t, tm, "by hand")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if items, _ := st.Checklist(ctx, profile); len(items) == 0 {
		t.Fatal("no checklist after the rotation")
	}
}
