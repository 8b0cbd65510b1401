package billing

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
)

// Intent is what the operator chose that shapes a billing plan: the
// choices per row, the item mapping, the tolerances, the ticket type and
// team, and the review's links.
func (p Producer) Intent(ctx context.Context) (map[string]string, error) {
	st, profile := p.e.Store, p.e.Profile
	choices, err := st.BillingChoices(ctx, profile)
	if err != nil {
		return nil, err
	}
	var cs []string
	for _, c := range choices {
		cs = append(cs, fmt.Sprintf("%s|%s|%s|%s|%s", c.RowID, c.Choice, c.Reason, intOr(c.Counted), intOr(c.Billed)))
	}
	items, err := st.ItemProducts(ctx, profile)
	if err != nil {
		return nil, err
	}
	var is []string
	for id, m := range items {
		is = append(is, strconv.Itoa(id)+"="+m.Product)
	}
	s, err := st.BillingSettingsOf(ctx, profile)
	if err != nil {
		return nil, err
	}
	var tol []string
	for prod, n := range s.Tolerances {
		if n != 0 {
			tol = append(tol, prod+"="+strconv.Itoa(n))
		}
	}
	sort.Strings(tol)
	links, err := review.LinksDigest(ctx, st, profile)
	if err != nil {
		return nil, err
	}
	intent := map[string]string{
		"billing choices": change.Digest(cs),
		"item mapping":    change.Digest(is),
		"tolerances":      strings.Join(tol, ","),
		"ticket type":     strconv.Itoa(s.TicketTypeID),
		"team":            s.TicketTeam,
		"review links":    links,
	}
	if p.TicketsOnly { // only then: a plan kept before the flag was is not stale for lacking it
		intent[ticketsOnlyFlag] = "true"
	}
	return intent, nil
}

// ticketsOnlyFlag is the intent part that is --tickets-only.
const ticketsOnlyFlag = "--tickets-only"

// ProducerOf is the producer of a stored billing plan, with the
// --tickets-only it was made with.
func ProducerOf(e onboard.Env, pl store.Plan) Producer {
	return Producer{e: e, TicketsOnly: pl.Inputs[change.IntentPrefix+ticketsOnlyFlag] == "true"}
}

// NewSinceLastRun is the rows the latest kept reconciliation found new
// since the one before it. The first kept run is the baseline, not news:
// it has none.
func NewSinceLastRun(ctx context.Context, st *store.Store, profile string) ([]string, error) {
	runs, err := history.List(ctx, st, profile, history.Billing)
	if err != nil || len(runs) == 0 || runs[0].Since.Run == 0 {
		return nil, err
	}
	return runs[0].Since.New, nil
}

func intOr(n *int) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n)
}
