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

// Window is a rolling-window limiter: it lets at most its capacity of
// requests start in any window of the budget's length, the rule the
// vendors count by, so a run uses its whole budget and no more. (A token
// bucket either overshoots a rolling window by its burst or, to avoid
// that, wastes a tenth of the budget.) A request waits for the oldest in
// the window to leave it, plus a hundredth of the window for the time
// requests spend on the wire.
//
// After a 429 the capacity shrinks by a quarter (to an eighth at the
// least): the vendor counts other callers, or counts differently. It
// comes back whole after a window without one.
type Window struct {
	mu       sync.Mutex
	full     int
	capacity int
	per      time.Duration
	margin   time.Duration
	sent     []time.Time // start times inside the last window, oldest first
	shrunk   time.Time
}

// Limiter makes the budget's limiter; a budget of zero limits nothing.
func (b Budget) Limiter() *Window {
	return &Window{full: b.Requests, capacity: b.Requests, per: b.Per, margin: b.Per / 100}
}

// Reserve takes a turn at now, or says how long until one is free.
func (w *Window) Reserve(now time.Time) (time.Duration, bool) {
	if w == nil || w.full <= 0 || w.per <= 0 {
		return 0, true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.capacity < w.full && !w.shrunk.IsZero() && now.Sub(w.shrunk) >= w.per {
		w.capacity = w.full
	}
	cut := now.Add(-w.per - w.margin)
	i := 0
	for i < len(w.sent) && !w.sent[i].After(cut) {
		i++
	}
	w.sent = w.sent[i:]
	if len(w.sent) < w.capacity {
		w.sent = append(w.sent, now)
		return 0, true
	}
	oldest := w.sent[len(w.sent)-w.capacity]
	return oldest.Add(w.per + w.margin).Sub(now), false
}

// Wait blocks until a request may start.
func (w *Window) Wait(ctx context.Context) error {
	for {
		wait, ok := w.Reserve(time.Now())
		if ok {
			return nil
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

// Shrink lowers the capacity after a 429.
func (w *Window) Shrink() {
	if w == nil || w.full <= 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.capacity = max(w.capacity*3/4, w.full/8, 1)
	w.shrunk = time.Now()
}

// Capacity is how many requests the window now lets start.
func (w *Window) Capacity() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.capacity
}
