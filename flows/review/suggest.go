package review

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mspwire/mspwire/flows/match"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/store"
)

func unmarshalAnswers(raw []byte, v any) error { return json.Unmarshal(raw, v) }

// candidatesPerRow is how many records the detail pane offers to re-map to.
const candidatesPerRow = 3

// Suggest matches each pair's stored inventories (all pairs, or those
// named) and merges the suggestions into the rows: decisions a person made
// are kept. It can take a while on big lists; it stops when ctx ends.
func (m *Model) Suggest(ctx context.Context, pairIDs ...string) (map[string]store.MergeCounts, error) {
	out := map[string]store.MergeCounts{}
	for _, p := range m.pairs {
		if len(pairIDs) > 0 && !contains(pairIDs, p.ID) {
			continue
		}
		c, err := m.suggestPair(ctx, p)
		if err != nil {
			return out, fmt.Errorf("%s: %w", p.ID, err)
		}
		out[p.ID] = c
	}
	for _, id := range pairIDs {
		if _, ok := out[id]; !ok {
			return out, m.SetPair(id) // names the pairs there are
		}
	}
	if err := m.reload(ctx); err != nil {
		return out, err
	}
	m.refilter()
	return out, nil
}

func (m *Model) suggestPair(ctx context.Context, p Pair) (store.MergeCounts, error) {
	lefts, err := m.st.Records(ctx, m.profile, p.Left)
	if err != nil {
		return store.MergeCounts{}, err
	}
	rights, err := m.st.Records(ctx, m.profile, p.Right)
	if err != nil {
		return store.MergeCounts{}, err
	}
	if len(lefts) == 0 || len(rights) == 0 {
		empty := p.Left
		if len(lefts) > 0 {
			empty = p.Right
		}
		return store.MergeCounts{}, remedy.Refuse(fmt.Sprintf("no %s inventory yet", systemName(empty)), remedy.Remedy{Do: remedy.FetchInventories})
	}
	var l, r []match.Record
	for _, rec := range lefts {
		if !rec.Inactive { // an inactive client is not onboarded anywhere
			l = append(l, match.Record{ID: rec.ExternalID, Name: rec.Name, Domain: rec.Domain})
		}
	}
	rightNames := map[string]string{}
	for _, rec := range rights {
		r = append(r, match.Record{ID: rec.ExternalID, Name: rec.Name, Domain: rec.Domain})
		rightNames[rec.ExternalID] = rec.Name
	}
	res, err := match.MatchContext(ctx, l, r, match.Options{Candidates: candidatesPerRow})
	if err != nil {
		return store.MergeCounts{}, err
	}
	leftNames := map[string]string{}
	for _, rec := range l {
		leftNames[rec.ID] = rec.Name
	}
	chosen := map[string]match.Suggestion{}
	for _, s := range res.Suggestions {
		chosen[s.LeftID] = s
	}
	cands := map[string][]store.CandidateRef{}
	for _, c := range res.Candidates {
		cands[c.LeftID] = append(cands[c.LeftID], store.CandidateRef{ID: c.RightID, Name: rightNames[c.RightID], Score: c.Score, Band: string(c.Band)})
	}
	dups := duplicateNotes(res.Duplicates, leftNames, rightNames, chosen)
	holder := map[string]string{} // right id -> the left record it went to
	for left, c := range chosen {
		holder[c.RightID] = left
	}
	fresh := make([]store.Suggestion, 0, len(l))
	for _, rec := range l {
		s := store.Suggestion{Left: store.RecordRef{System: p.Left, ID: rec.ID, Name: rec.Name}, Right: store.RecordRef{System: p.Right},
			Candidates: cands[rec.ID], Duplicate: dups[rec.ID]}
		if c, ok := chosen[rec.ID]; ok {
			s.Right.ID, s.Right.Name = c.RightID, rightNames[c.RightID]
			s.Score, s.Band, s.Reason = c.Score, string(c.Band), c.Reason
		} else if best := cands[rec.ID]; len(best) > 0 && holder[best[0].ID] != "" && best[0].Score >= match.DefaultFloor {
			// One to one: its best match went to another record, its twin.
			s.Reason = fmt.Sprintf("its best match, %s '%s' (%.2f), went to %s '%s', its twin: re-map one of them, or create this one",
				best[0].ID, best[0].Name, best[0].Score, holder[best[0].ID], leftNames[holder[best[0].ID]])
		} else {
			s.Reason = "no record of " + systemName(p.Right) + " is close enough"
		}
		fresh = append(fresh, s)
	}
	return m.st.MergeSuggestions(ctx, m.profile, p.ID, fresh, rightNames)
}

// duplicateNotes says, per left record, which other record of either list
// it looks the same as: a left record twice in its own list, or a left
// record whose suggested partner has a twin in the other list.
func duplicateNotes(dups []match.Duplicate, leftNames, rightNames map[string]string, chosen map[string]match.Suggestion) map[string]string {
	notes := map[string]string{}
	rightTwin := map[string]string{}
	for _, d := range dups {
		switch d.Side {
		case match.Left:
			notes[d.FirstID] = fmt.Sprintf("looks the same as %s '%s' of the same list", d.SecondID, leftNames[d.SecondID])
			notes[d.SecondID] = fmt.Sprintf("looks the same as %s '%s' of the same list", d.FirstID, leftNames[d.FirstID])
		case match.Right:
			rightTwin[d.FirstID] = d.SecondID
			rightTwin[d.SecondID] = d.FirstID
		}
	}
	for left, s := range chosen {
		if twin, ok := rightTwin[s.RightID]; ok && notes[left] == "" {
			notes[left] = fmt.Sprintf("its match has a twin in the other list: %s '%s'", twin, rightNames[twin])
		}
	}
	return notes
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
