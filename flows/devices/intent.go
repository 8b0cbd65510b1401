package devices

import (
	"context"
	"strconv"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
)

// replaceFlag is the intent part that is --replace.
const replaceFlag = "--replace"

// Intent is what the operator chose that shapes a devices plan: whether
// it replaces other users, and the review's links.
func (p Producer) Intent(ctx context.Context) (map[string]string, error) {
	links, err := review.LinksDigest(ctx, p.e.Store, p.e.Profile)
	if err != nil {
		return nil, err
	}
	return map[string]string{replaceFlag: strconv.FormatBool(p.Replace), "review links": links}, nil
}

// ProducerOf is the producer of a stored devices plan, with the --replace
// it was made with.
func ProducerOf(e onboard.Env, pl store.Plan) Producer {
	return NewProducer(e, pl.Inputs[change.IntentPrefix+replaceFlag] == "true")
}
