package review

import (
	"context"

	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/store"
)

// Joined says, for each record of system a, the record of system b the
// review links it to, as a person decided it (accepted or re-mapped):
// directly when a is the source of truth, through the source's record
// otherwise. names holds the names of a's records the review knows.
func Joined(ctx context.Context, st *store.Store, profile, source, a, b string) (links map[string]store.RecordRef, names map[string]string, err error) {
	chosen := func(pair string) (map[string]store.RecordRef, map[string]store.RecordRef, error) {
		ds, err := st.Decisions(ctx, profile, pair)
		if err != nil {
			return nil, nil, err
		}
		out, lefts := map[string]store.RecordRef{}, map[string]store.RecordRef{}
		for _, d := range ds {
			lefts[d.Left.ID] = d.Left
			if (d.State == store.StateAccepted || d.State == store.StateRemapped) && d.Right.ID != "" {
				out[d.Left.ID] = d.Right
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

// ClientsOf maps each Liongard environment to the HaloPSA client the
// review links it to: what the workflows that start from Liongard's
// inspections (devices, stale accounts) report by.
func ClientsOf(ctx context.Context, st *store.Store, profile, source string) (map[string]store.RecordRef, error) {
	links, names, err := Joined(ctx, st, profile, source, "halopsa", "liongard")
	if err != nil {
		return nil, err
	}
	out := map[string]store.RecordRef{}
	for client, env := range links {
		out[env.ID] = store.RecordRef{System: "halopsa", ID: client, Name: names[client]}
	}
	return out, nil
}

// LinksDigest fingerprints the review's HaloPSA ↔ Liongard links as every
// workflow reads them: a plan made over other links is another plan.
func LinksDigest(ctx context.Context, st *store.Store, profile string) (string, error) {
	o, err := st.Onboarding(ctx, profile)
	if err != nil {
		return "", err
	}
	links, err := ClientsOf(ctx, st, profile, o.Source)
	if err != nil {
		return "", err
	}
	lines := make([]string, 0, len(links))
	for env, client := range links {
		lines = append(lines, env+"="+client.ID)
	}
	return change.Digest(lines), nil
}
