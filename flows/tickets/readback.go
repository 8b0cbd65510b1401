package tickets

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/store"
)

// Ref is a ticket a plan opened, as HaloPSA has it now.
type Ref struct {
	ID       int    `json:"id"`
	Status   string `json:"status"`
	Open     bool   `json:"open"`
	OpenedAt string `json:"opened_at"`
	// For is what the ticket was opened about, as its key says after the
	// subject: a row's numbers, a client's accounts' digest.
	For string `json:"-"`
}

// ReadBack reads the tickets the done actions of a plan kind opened, whose
// keys' subjects start with prefix ("billing/"), from HaloPSA: by the
// subject after prefix (up to the next "/"), each with what it was for.
// Open is whether its status is one excludeclosed keeps; a ticket HaloPSA
// no longer has is closed.
func ReadBack(ctx context.Context, st *store.Store, profile string, halo *halopsa.Client, kind store.PlanKind, prefix string) (map[string][]Ref, error) {
	done, err := st.DoneKeys(ctx, profile, kind, 0)
	if err != nil {
		return nil, err
	}
	keyPrefix := "ticket:halopsa:" + prefix
	out := map[string][]Ref{}
	var open map[int]string
	for key, ext := range done {
		rest, ok := strings.CutPrefix(string(key), keyPrefix)
		id, err := strconv.Atoi(ext)
		subject, about, cut := strings.Cut(rest, "/")
		if !ok || err != nil || !cut {
			continue
		}
		if open == nil {
			if open, err = halo.OpenStatuses(ctx); err != nil {
				return nil, fmt.Errorf("reading HaloPSA's ticket statuses: %w", err)
			}
		}
		ref := Ref{ID: id, Status: "not in HaloPSA any more", For: about}
		t, err := halo.Ticket(ctx, id)
		switch {
		case errors.Is(err, httpx.ErrNotFound):
		case err != nil:
			return nil, fmt.Errorf("reading HaloPSA's ticket %d: %w", id, err)
		default:
			ref.OpenedAt = t.DateOccurred
			if ref.Status, ref.Open = open[t.StatusID]; !ref.Open {
				ref.Status = "closed"
			}
		}
		out[subject] = append(out[subject], ref)
	}
	return out, nil
}
