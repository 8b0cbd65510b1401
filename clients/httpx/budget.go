package httpx

import (
	"context"
	"sync"
	"time"
)

// Budget is a vendor's published request limit: Requests per Per.
type Budget struct {
	Requests int
	Per      time.Duration
}

// The vendors' published budgets (see ../shared/api-facts.md).
var (
	HaloPSABudget  = Budget{300, 5 * time.Minute}  // hosted HaloPSA, rolling window
	LiongardBudget = Budget{2000, 5 * time.Minute} // Liongard v1/v2
	ITGlueBudget   = Budget{3000, 5 * time.Minute} // IT Glue
	HuduBudget     = Budget{300, time.Minute}      // Hudu
)

// Window is a rolling-window limiter: it lets at most its budget of
// requests start in any window of the budget's length, the rule the
// vendors count by, so a run uses its whole budget and no more. (A token
// bucket either overshoots a rolling window by its burst or, to avoid
// that, wastes a tenth of the budget.) A request waits for the oldest in
// the window to leave it, plus a hundredth of the window for the time
// requests spend on the wire.
//
// A 429 says the vendor counts more strictly than it documents, or counts
// other callers. The window then slows the whole client, not just the
// refused request: every request waits while one finds out when the vendor
// lets one through again (its Retry-After says so at once; without one the
// waits double), and from what got through before the 429 and how long
// the vendor held the next one back, the window learns the vendor's pace
// and keeps to it, evenly spread. Each stretch of that length without a
// 429 it goes a fifth faster, until it is back at the budget: at most about
// one request per window is refused once the pace is learned.
type Window struct {
	mu       sync.Mutex
	full     int
	per      time.Duration
	margin   time.Duration
	sent     []time.Time // start times inside the last window, oldest first
	refusals []time.Time // the 429s inside it

	// After a 429.
	probeAt  time.Time     // while finding out: the next request may try then, one only
	probeOut bool          // that one is out
	through  int           // requests that got through before the 429
	firstOK  time.Time     // when the first of them started
	interval time.Duration // while paced: one request per interval; 0: not paced
	tooFast  time.Duration // a pace the vendor refused: speed-ups stop short of it
	next     time.Time     // while paced, the next request starts no sooner
	calm     time.Time     // the last 429, or the last speed-up
}

// Limiter makes the budget's limiter; a budget of zero limits nothing.
func (b Budget) Limiter() *Window {
	return &Window{full: b.Requests, per: b.Per, margin: b.Per / 100}
}

func (w *Window) limits() bool { return w != nil && w.full > 0 && w.per > 0 }

// forget drops what left the window by now.
func (w *Window) forget(now time.Time) {
	cut := now.Add(-w.per - w.margin)
	i := 0
	for i < len(w.sent) && !w.sent[i].After(cut) {
		i++
	}
	w.sent = w.sent[i:]
	j := 0
	for j < len(w.refusals) && !w.refusals[j].After(cut) {
		j++
	}
	w.refusals = w.refusals[j:]
}

// holding says requests wait for a 429's sake: one finds out when the
// vendor takes one again, or the client keeps a pace it learned.
func (w *Window) holding() bool {
	if !w.limits() {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.finding() || w.interval > 0
}

// finding says a request is out to learn when the vendor takes one again.
func (w *Window) finding() bool { return !w.probeAt.IsZero() }

// documented is the budget's own pace: one request per this.
func (w *Window) documented() time.Duration { return w.per / time.Duration(w.full) }

// Reserve takes a turn at now, or says how long until one is free.
func (w *Window) Reserve(now time.Time) (time.Duration, bool) {
	if !w.limits() {
		return 0, true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.finding() {
		switch {
		case w.probeOut:
			return 50 * time.Millisecond, false // its answer says what next
		case now.Before(w.probeAt):
			return w.probeAt.Sub(now), false
		}
		w.probeOut = true
		w.sent = append(w.sent, now)
		return 0, true
	}
	if w.interval > 0 {
		if stretch := time.Duration(w.through) * w.interval; now.Sub(w.calm) >= stretch {
			// Calm for a while: a little faster, but not as fast as a pace
			// the vendor refused.
			w.interval = max(w.interval-w.interval/5, w.tooFast+w.tooFast/20)
			w.calm = now
			if w.interval <= w.documented() {
				w.interval, w.tooFast = 0, 0
			}
		}
	}
	w.forget(now)
	if len(w.sent) >= w.full {
		oldest := w.sent[len(w.sent)-w.full]
		return oldest.Add(w.per + w.margin).Sub(now), false
	}
	if w.interval > 0 && now.Before(w.next) {
		return w.next.Sub(now), false
	}
	w.sent = append(w.sent, now)
	if w.interval > 0 {
		w.next = now.Add(w.interval)
	}
	return 0, true
}

// Refused takes a 429 at now, for which the vendor asked to wait
// retryAfter (0 when it did not say) or, without that, the refused
// request would back off for backoff; it says how long until the next
// request may try.
func (w *Window) Refused(now time.Time, retryAfter, backoff time.Duration) time.Duration {
	if !w.limits() {
		if retryAfter > 0 {
			return retryAfter
		}
		return backoff
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.forget(now)
	if !w.finding() {
		if w.interval > 0 {
			w.tooFast = max(w.tooFast, w.interval) // this pace was refused
		}
		// What got through before this 429 is what the vendor takes in
		// its window.
		w.through, w.firstOK = 0, time.Time{}
		refused := map[time.Time]bool{}
		for _, r := range w.refusals {
			refused[r] = true
		}
		for _, at := range w.sent[:max(0, len(w.sent)-1)] {
			if !refused[at] {
				if w.through == 0 {
					w.firstOK = at
				}
				w.through++
			}
		}
		w.through = max(1, w.through)
		if w.firstOK.IsZero() {
			w.firstOK = now
		}
	}
	w.refusals = append(w.refusals, now)
	w.probeOut = false
	wait := backoff
	if retryAfter > 0 {
		wait = retryAfter
	}
	w.probeAt = now.Add(wait)
	return wait
}

// Answered takes an answer that was no 429 (or no answer at all): after
// a 429 it is the vendor letting one through again, and sets the pace.
func (w *Window) Answered(now time.Time) {
	if !w.limits() {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.finding() || !w.probeOut {
		return
	}
	// The vendor took `through` requests in the time from the first of
	// them to this one: its window, at the most.
	window := now.Sub(w.firstOK)
	w.interval = max(window/time.Duration(w.through), w.documented(), w.tooFast+w.tooFast/4)
	w.probeAt, w.probeOut = time.Time{}, false
	w.calm, w.next = now, now.Add(w.interval)
}

// Wait blocks until a request may start.
func (w *Window) Wait(ctx context.Context) error { return w.WaitTold(ctx, nil) }

// WaitTold is Wait, telling held how long it expects to wait when it
// must: a screen shows the wait, not a frozen spinner.
func (w *Window) WaitTold(ctx context.Context, held func(time.Duration)) error {
	told := false
	for {
		wait, ok := w.Reserve(time.Now())
		if ok {
			return nil
		}
		if !told && held != nil {
			held(wait)
			told = true
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Pace is the gap the window keeps between requests after a 429; 0 while
// it keeps to the budget alone.
func (w *Window) Pace() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.interval
}
