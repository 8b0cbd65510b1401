package apply

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/mspwire/mspwire/store"
)

// ErrRunning means another process is applying a plan of the profile.
var ErrRunning = errors.New("an apply is running")

// The lease's timing: a holder renews it every heartbeat; one not heard of
// for leaseLost is taken to be gone, wherever it ran.
const (
	heartbeat = 15 * time.Second
	leaseLost = time.Minute
)

// Holder is the process applying a profile's plan.
type Holder struct {
	Plan  int64     `json:"plan_id"`
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
}

func (h Holder) String() string {
	where := ""
	if h.Host != thisHost() {
		where = " on " + h.Host
	}
	return fmt.Sprintf("plan %d is being applied by process %d%s since %s", h.Plan, h.PID, where, h.Since.Local().Format("15:04"))
}

func holderOf(l store.Lease) Holder {
	return Holder{Plan: l.PlanID, PID: l.PID, Host: l.Host, Since: l.Started}
}

func thisHost() string {
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return h
}

// alive says whether a lease's holder may still be at work: it renewed
// the lease within the last minute and, on this host, its process lives.
func alive(l store.Lease) bool {
	if time.Since(l.Heartbeat) > leaseLost {
		return false
	}
	if l.Host == thisHost() {
		return processAlive(l.PID)
	}
	return true
}

// Running is the live holder of the profile's lease, if any.
func Running(ctx context.Context, env Env) (Holder, bool, error) {
	l, held, err := env.Store.HeldLease(ctx, env.Profile)
	if err != nil || !held || !alive(l) {
		return Holder{}, false, err
	}
	return holderOf(l), true, nil
}

// lease is this process's hold on the profile's apply.
type lease struct {
	store.Lease
	st       *store.Store
	stop     chan struct{}
	stopped  chan struct{}
	lost     context.CancelCauseFunc
	tookOver *Holder // the holder it took over from, gone
}

// acquire takes the profile's lease for plan, or says who holds it; with
// wait it waits for the holder to finish, telling waiting each time it
// looks.
func acquire(ctx context.Context, env Env, plan int64, wait bool, waiting func(Holder)) (*lease, context.Context, error) {
	token := make([]byte, 8)
	_, _ = rand.Read(token)
	want := store.Lease{Profile: env.Profile, PlanID: plan, PID: os.Getpid(), Host: thisHost(), Token: hex.EncodeToString(token)}
	for {
		before, ok, err := env.Store.TakeLease(ctx, want, alive)
		if err != nil {
			return nil, ctx, err
		}
		if ok {
			l := &lease{Lease: want, st: env.Store, stop: make(chan struct{}), stopped: make(chan struct{})}
			if before.Token != "" {
				h := holderOf(before)
				l.tookOver = &h
			}
			run, cancel := context.WithCancelCause(ctx)
			l.lost = cancel
			go l.beat(run)
			return l, run, nil
		}
		h := holderOf(before)
		if !wait {
			return nil, ctx, fmt.Errorf("%w: %s. Nothing was sent. Wait for it to finish (mspwire apply --wait waits), or, if that process is gone, run again in a minute", ErrRunning, h)
		}
		if waiting != nil {
			waiting(h)
		}
		select {
		case <-ctx.Done():
			return nil, ctx, context.Cause(ctx)
		case <-time.After(time.Second):
		}
	}
}

// beat renews the lease until release; a lease another process took over
// (this one was taken for gone) stops the run.
func (l *lease) beat(ctx context.Context) {
	defer close(l.stopped)
	t := time.NewTicker(heartbeat)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
			if mine, err := l.st.RenewLease(context.WithoutCancel(ctx), l.Lease); err == nil && !mine {
				l.lost(errors.New("another mspwire took over this apply's lease (it had not been heard of for a minute); what was sent is in the journal"))
				return
			}
		}
	}
}

// release gives the lease up.
func (l *lease) release(ctx context.Context) {
	close(l.stop)
	<-l.stopped
	l.lost(nil)
	_ = l.st.ReleaseLease(context.WithoutCancel(ctx), l.Lease)
}
