package accounts

import (
	"context"
	"strconv"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
)

// daysFlag is the intent part that is --days.
const daysFlag = "--days"

// Intent is what the operator chose that shapes a stale accounts plan:
// the days, the ticket type and team, and the review's links.
func (p Producer) Intent(ctx context.Context) (map[string]string, error) {
	t, err := p.e.Store.TicketSettingsOf(ctx, p.e.Profile, TicketPurpose)
	if err != nil {
		return nil, err
	}
	links, err := review.LinksDigest(ctx, p.e.Store, p.e.Profile)
	if err != nil {
		return nil, err
	}
	return map[string]string{daysFlag: strconv.Itoa(p.days), "ticket type": strconv.Itoa(t.TypeID), "team": t.Team, "review links": links}, nil
}

// ProducerOf is the producer of a stored stale accounts plan, with the
// --days it was made with (plans made before the days were part of the
// intent kept them as "days").
func ProducerOf(e onboard.Env, pl store.Plan) Producer {
	days, err := strconv.Atoi(pl.Inputs[change.IntentPrefix+daysFlag])
	if err != nil {
		days, _ = strconv.Atoi(pl.Inputs["days"])
	}
	return NewProducer(e, days)
}
