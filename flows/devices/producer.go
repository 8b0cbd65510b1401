package devices

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/store"
)

// Producer makes plans of kind devices: set the last user on each asset
// that has none, and, with Replace, on each that has another.
type Producer struct {
	e       onboard.Env
	Replace bool
}

// NewProducer is the devices plan kind's producer over a profile.
func NewProducer(e onboard.Env, replace bool) Producer { return Producer{e: e, Replace: replace} }

// Kind is devices.
func (Producer) Kind() change.PlanKind { return change.Devices }

// Remake is the command that makes a fresh devices plan, with the flags
// this one was made with.
func (p Producer) Remake() string {
	if p.Replace {
		return "mspwire devices plan --replace"
	}
	return "mspwire devices plan"
}

// assetPrefix marks a plan input that is one asset's users: "asset:<id>"
// -> "<users then>/<user set>", so a stale plan names the assets whose
// users changed, and one this plan set is not taken for a change.
const assetPrefix = "asset:"

// Produce maps afresh and proposes the assignments.
func (p Producer) Produce(ctx context.Context) (change.Proposal, error) {
	rep, _, err := Build(ctx, p.e)
	if err != nil {
		return change.Proposal{}, err
	}
	prop := change.Proposal{Inputs: map[string]string{}}
	differs := 0
	for _, r := range rep.Rows {
		switch {
		case r.Status == Differs && !p.Replace:
			differs++
			continue
		case r.Status != ToSet && r.Status != Differs:
			continue
		}
		pl := change.AssetUserPayload{AssetID: r.Asset.ID, Asset: r.Asset.Name, UserIDs: []int{r.User.ID}, User: r.User.Name, Client: r.Client.Name, Was: r.Asset.ids}
		d := change.Draft{Kind: change.AssetUser, System: "halopsa", Target: "asset/" + strconv.Itoa(r.Asset.ID),
			Key:     change.NewKey(change.AssetUser, "halopsa", fmt.Sprintf("asset/%d=%d", r.Asset.ID, r.User.ID)),
			Summary: fmt.Sprintf("Set %s's asset %s to %s (last logon %s)", r.Client.Name, r.Asset.Name, r.User.Name, r.LastUser), Payload: pl}
		if r.Status == Differs {
			d.Warnings = append(d.Warnings, "replaces "+strings.Join(r.Asset.Users, ", ")+" on the asset")
		}
		prop.Actions = append(prop.Actions, d)
		prop.Inputs[assetPrefix+strconv.Itoa(r.Asset.ID)] = ids(r.Asset.ids) + "/" + strconv.Itoa(r.User.ID)
	}
	if differs > 0 {
		prop.Notes = append(prop.Notes, remedy.Note(fmt.Sprintf("%s another user than their last logon and %s left as %s", plural.N(differs, "asset holds", "assets hold"),
			map[bool]string{true: "is", false: "are"}[differs == 1], map[bool]string{true: "it is", false: "they are"}[differs == 1]),
			remedy.Remedy{Do: remedy.ReplaceUsers, Workflow: string(change.Devices)}))
	}
	return prop, nil
}

// Stale names the assets whose users changed since the plan was made,
// other than to the user the plan sets.
func (p Producer) Stale(ctx context.Context, pl store.Plan) ([]string, error) {
	_, in, err := Build(ctx, p.e)
	if err != nil {
		return nil, err
	}
	now := map[string]string{}
	for _, a := range in.Assets {
		var us []int
		for _, u := range a.Users {
			us = append(us, u.ID)
		}
		now[strconv.Itoa(a.ID)] = ids(us)
	}
	var keys []string
	for k := range pl.Inputs {
		if id, ok := strings.CutPrefix(k, assetPrefix); ok {
			keys = append(keys, id)
		}
	}
	sort.Strings(keys)
	var moved []string
	for _, id := range keys {
		was, target, _ := strings.Cut(pl.Inputs[assetPrefix+id], "/")
		users, found := now[id]
		switch {
		case !found:
			moved = append(moved, "asset "+id+" is gone")
		case users != was && users != target:
			moved = append(moved, fmt.Sprintf("asset %s now has users [%s], had [%s]", id, users, was))
		}
	}
	if len(moved) == 0 {
		return nil, nil
	}
	out := fmt.Sprintf("the users of %s changed (%s", plural.N(len(moved), "asset", "assets"), strings.Join(moved[:min(5, len(moved))], "; "))
	if len(moved) > 5 {
		out += fmt.Sprintf("; and %d more", len(moved)-5)
	}
	return []string{out + ")"}, nil
}

func ids(xs []int) string {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}
