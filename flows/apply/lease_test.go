package apply_test

import (
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/store"
)

// stampTenant is a profile with a confirmed throw-away plan.
func stampTenant(t *testing.T, box *stampbox) (apply.Env, store.Plan, string) {
	t.Helper()
	t.Cleanup(adapter.Register(stampAdapter{box.srv.URL}))
	dir := t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.EnsureProfile(ctx, "stamps"); err != nil {
		t.Fatal(err)
	}
	env := stampEngine(st, "stamps")
	p, _, err := apply.Make(ctx, env, stamps{}, "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	s, err := apply.Prepare(ctx, env, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(ctx, "yes", "operator:test"); err != nil {
		t.Fatal(err)
	}
	return env, p, filepath.Join(dir, store.FileName)
}

// While one apply runs, a second of the same profile is refused, told
// who holds it; making a plan is refused too. Once the first ends, the
// lease is free.
func TestASecondApplyIsRefusedWhileTheFirstRuns(t *testing.T) {
	box := newStampbox(t, 0)
	env, p, _ := stampTenant(t, box)
	started, release := box.holdNextPost()

	first := make(chan error, 1)
	go func() {
		_, err := apply.RunPlan(ctx, env, p.ID, apply.Options{Actor: "operator:first"})
		first <- err
	}()
	<-started // the first holds the lease and is mid-call
	_, err := apply.RunPlan(ctx, env, p.ID, apply.Options{Actor: "operator:second"})
	if !errors.Is(err, apply.ErrRunning) || !strings.Contains(err.Error(), "is being applied by process") {
		t.Fatalf("the second apply: %v", err)
	}
	if h, running, err := apply.Running(ctx, env); err != nil || !running || h.PID != os.Getpid() || h.Plan != p.ID {
		t.Fatalf("running: %+v %v %v", h, running, err)
	}
	if s, err := apply.Prepare(ctx, env, 0); err != nil || s.Running == nil {
		t.Fatalf("the session does not see the apply running: %+v %v", s, err)
	}
	if _, _, err := apply.Make(ctx, env, stamps{}, "operator:second"); !errors.Is(err, apply.ErrRunning) {
		t.Fatalf("a plan made while an apply runs: %v", err)
	}
	// With Wait, a third waits its turn, hears who it waits for, and
	// finds the plan applied: nothing sent.
	heard := make(chan apply.Holder, 1)
	third := make(chan apply.Result, 1)
	go func() {
		res, err := apply.RunPlan(ctx, env, p.ID, apply.Options{Actor: "operator:third", Wait: true,
			Observer: apply.Observer{Lease: func(h apply.Holder) {
				select {
				case heard <- h:
				default:
				}
			}}})
		if err != nil {
			t.Error(err)
		}
		third <- res
	}()
	if h := <-heard; h.PID != os.Getpid() {
		t.Fatalf("the waiting apply heard of %+v", h)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if res, posts := <-third, box.sent(); !res.AlreadyApplied || posts != stampCount/3 {
		t.Fatalf("the waiting apply: %+v; %d posts for %d stamps in threes", res, posts, stampCount)
	}
	if _, running, _ := apply.Running(ctx, env); running {
		t.Fatal("the lease outlived its apply")
	}
}

// A lease whose holder is gone — its process dead on this host, or no
// heartbeat for over a minute — is taken over; a live one is not.
func TestALeaseOfAGoneHolderIsTakenOver(t *testing.T) {
	box := newStampbox(t, 0)
	env, p, file := stampTenant(t, box)
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	plant := func(pid int, beat time.Time) {
		t.Helper()
		now := time.Now().UTC().Format(time.RFC3339Nano)
		if _, err := db.Exec(`INSERT OR REPLACE INTO apply_leases(profile, plan_id, pid, host, token, started_at, heartbeat_at) VALUES ('stamps', ?, ?, ?, 'planted', ?, ?)`,
			p.ID, pid, host, now, beat.UTC().Format(time.RFC3339Nano)); err != nil {
			t.Fatal(err)
		}
	}
	plant(os.Getppid(), time.Now()) // alive, and heard of just now
	if _, err := apply.RunPlan(ctx, env, p.ID, apply.Options{Actor: "operator:test"}); !errors.Is(err, apply.ErrRunning) {
		t.Fatalf("a live holder's lease was not respected: %v", err)
	}
	plant(dead.Process.Pid, time.Now()) // heard of just now, but its process is gone
	if _, running, _ := apply.Running(ctx, env); running {
		t.Fatal("a dead process is said to be applying")
	}
	plant(os.Getppid(), time.Now().Add(-2*time.Minute)) // alive, but silent for two minutes
	res, err := apply.RunPlan(ctx, env, p.ID, apply.Options{Actor: "operator:test"})
	if err != nil || res.Counts.Done != stampCount {
		t.Fatalf("taking over a silent holder's lease: %+v %v", res.Counts, err)
	}
}
