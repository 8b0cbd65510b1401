package review

import (
	"context"
	"sort"
	"strings"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/store"
)

// Joined says, for each record of system a, the record of system b the
// review links it to, as a person decided it (accepted or re-mapped):
// directly when a is the source of truth, through the source's record
// otherwise. names holds the names of a's records the review knows.
func Joined(ctx context.Context, st *store.Store, profile, source, a, b string) (links map[string]store.RecordRef, names map[string]string, err error) {
	made, err := st.DoneKeys(ctx, profile, change.Onboarding, 0)
	if err != nil {
		return nil, nil, err
	}
	chosen := func(pair string) (map[string]store.RecordRef, map[string]store.RecordRef, error) {
		ds, err := st.Decisions(ctx, profile, pair)
		if err != nil {
			return nil, nil, err
		}
		_, right, _ := strings.Cut(pair, ":")
		out, lefts := map[string]store.RecordRef{}, map[string]store.RecordRef{}
		for _, d := range ds {
			lefts[d.Left.ID] = d.Left
			switch {
			case (d.State == store.StateAccepted || d.State == store.StateRemapped) && d.Right.ID != "":
				out[d.Left.ID] = d.Right
			case d.State == store.StateCreate:
				// A record an applied plan created is linked as any other.
				if id := made[change.CreateKey(right, d.Left)]; id != "" {
					out[d.Left.ID] = store.RecordRef{System: right, ID: id, Name: d.Left.Name}
				}
			}
		}
		return out, lefts, nil
	}
	links, names = map[string]store.RecordRef{}, map[string]string{}
	if source == "" || source == a {
		direct, lefts, err := chosen(a + ":" + b)
		if err != nil {
			return nil, nil, err
		}
		for id, r := range lefts {
			names[id] = r.Name
		}
		return direct, names, nil
	}
	toA, _, err := chosen(source + ":" + a)
	if err != nil {
		return nil, nil, err
	}
	toB, _, err := chosen(source + ":" + b)
	if err != nil {
		return nil, nil, err
	}
	for left, ra := range toA {
		names[ra.ID] = ra.Name
		if rb, ok := toB[left]; ok {
			links[ra.ID] = rb
		}
	}
	return links, names, nil
}

// Created lists the records of a system an applied onboarding plan
// created, by id: a workflow says "created by mspwire" of them.
func Created(ctx context.Context, st *store.Store, profile, system string) (map[string]bool, error) {
	made, err := st.DoneKeys(ctx, profile, change.Onboarding, 0)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	prefix := string(change.NewKey(change.Create, system, ""))
	for key, id := range made {
		if id != "" && strings.HasPrefix(string(key), prefix) {
			out[id] = true
		}
	}
	return out, nil
}

// Link is a HaloPSA client and the Liongard environment the review links
// it to.
type Link struct {
	Client      store.RecordRef `json:"client"`
	Environment store.RecordRef `json:"environment"`
}

// Links lists the review's HaloPSA ↔ Liongard links, one per client, in
// client id order; two clients may name one environment.
func Links(ctx context.Context, st *store.Store, profile, source string) ([]Link, error) {
	links, names, err := Joined(ctx, st, profile, source, "halopsa", "liongard")
	if err != nil {
		return nil, err
	}
	out := make([]Link, 0, len(links))
	for client, env := range links {
		out = append(out, Link{Client: store.RecordRef{System: "halopsa", ID: client, Name: names[client]}, Environment: env})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Client.ID < out[j].Client.ID })
	return out, nil
}

// ClientsOf maps each Liongard environment to the HaloPSA client the
// review links it to: what the workflows that start from Liongard's
// inspections (devices, stale accounts) report by. An environment two
// clients name goes to the first by id; the link check flags both.
func ClientsOf(ctx context.Context, st *store.Store, profile, source string) (map[string]store.RecordRef, error) {
	links, err := Links(ctx, st, profile, source)
	if err != nil {
		return nil, err
	}
	out := map[string]store.RecordRef{}
	for _, l := range links {
		if _, taken := out[l.Environment.ID]; !taken {
			out[l.Environment.ID] = l.Client
		}
	}
	return out, nil
}

// LinksDigest fingerprints the review's HaloPSA ↔ Liongard links as every
// workflow reads them, with the links the operator confirmed against the
// evidence: a plan made over other links is another plan.
func LinksDigest(ctx context.Context, st *store.Store, profile string) (string, error) {
	o, err := st.Onboarding(ctx, profile)
	if err != nil {
		return "", err
	}
	links, err := Links(ctx, st, profile, o.Source)
	if err != nil {
		return "", err
	}
	confirmed, err := st.LinkConfirmations(ctx, profile)
	if err != nil {
		return "", err
	}
	lines := make([]string, 0, len(links))
	for _, l := range links {
		line := l.Environment.ID + "=" + l.Client.ID
		if _, ok := confirmed[store.LinkKey(l.Client.ID, l.Environment.ID)]; ok {
			line += " confirmed"
		}
		lines = append(lines, line)
	}
	return change.Digest(lines), nil
}
