package httpx

import (
	"time"

	"golang.org/x/time/rate"
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

// Limiter turns a budget into a token bucket that can never exceed it in
// any window of length Per: a burst of a tenth of the budget up front, the
// rest spread evenly. (A bucket refilling at Requests/Per with any burst
// at all would overshoot a rolling window by the burst.)
func (b Budget) Limiter() *rate.Limiter {
	if b.Requests <= 0 || b.Per <= 0 {
		return rate.NewLimiter(rate.Inf, 1)
	}
	burst := max(1, b.Requests/10)
	refill := b.Requests - burst
	if refill <= 0 {
		return rate.NewLimiter(rate.Every(b.Per), burst)
	}
	return rate.NewLimiter(rate.Limit(float64(refill)/b.Per.Seconds()), burst)
}
