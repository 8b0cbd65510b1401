package onboard

import (
	"context"
	"fmt"
	"strings"

	"github.com/mspwire/mspwire/clients/hudu"
)

// The layouts Hudu's HaloPSA integration files contacts, sites and devices
// under: they must exist and be active before the first sync.
var huduHaloLayouts = []string{"People", "Locations", "Computer Assets"}

// huduHaloIntegration is the HaloPSA integration's id in Hudu (the number
// in its page's URL); the sandbox and a fresh Hudu give it 1.
const huduHaloIntegration = 1

// Verifies says whether mspwire checks a step through the APIs (or, for
// credentials, by verifying each one); the other steps are the operator's
// to check and tick.
func Verifies(stepID string) bool {
	switch stepID {
	case "credentials", "halopsa-agent", "halopsa-app", "hudu-halopsa", "flexible-assets":
		return true
	}
	return false
}

// VerifySteps looks, through the vendors' APIs, at the steps whose outcome
// an API can see. A step found done is marked "verified"; for one that is
// not, the finding says what is missing. Steps no API can see are left to
// the operator's tick.
func (e Env) VerifySteps(ctx context.Context) (map[string]string, error) {
	p, err := e.Plan(ctx)
	if err != nil {
		return nil, err
	}
	findings := map[string]string{}
	for _, s := range p.Steps {
		ok, finding, err := e.verifyStep(ctx, s.ID)
		switch {
		case err != nil:
			findings[s.ID] = "could not check: " + err.Error()
		case ok:
			if err := e.Store.MarkStep(ctx, e.Profile, s.ID, "verified"); err != nil {
				return nil, err
			}
		case finding != "":
			findings[s.ID] = finding
		}
	}
	return findings, nil
}

// verifyStep checks one step; ok false with no finding means no API can see it.
func (e Env) verifyStep(ctx context.Context, id string) (ok bool, finding string, err error) {
	switch id {
	case "halopsa-agent", "halopsa-app":
		c, err := e.HaloPSA(ctx)
		if err != nil {
			return false, "", err
		}
		r, err := c.TestConnection(ctx)
		if err != nil {
			return false, "", err
		}
		if id == "halopsa-app" {
			return true, "", nil // the application's credentials work
		}
		var gaps []string
		if !r.Agent.IsAPIAgent {
			gaps = append(gaps, fmt.Sprintf("%q is not an API-only agent", r.Agent.Name))
		}
		if len(r.Agent.Teams) == 0 && r.Agent.Team == "" {
			gaps = append(gaps, fmt.Sprintf("agent %q is in no team", r.Agent.Name))
		}
		if len(r.Missing) > 0 {
			gaps = append(gaps, "missing permissions: "+strings.Join(r.Missing, ", "))
		}
		return len(gaps) == 0, strings.Join(gaps, "; "), nil
	case "hudu-halopsa":
		c, err := e.Hudu(ctx)
		if err != nil {
			return false, "", err
		}
		layouts, err := c.AssetLayouts(ctx)
		if err != nil {
			return false, "", err
		}
		active := map[string]bool{}
		for _, l := range layouts {
			active[l.Name] = l.Active
		}
		var gaps []string
		for _, name := range huduHaloLayouts {
			state, exists := active[name]
			switch {
			case !exists:
				gaps = append(gaps, fmt.Sprintf("asset layout %q is missing", name))
			case !state:
				gaps = append(gaps, fmt.Sprintf("asset layout %q is inactive", name))
			}
		}
		matched, err := c.Matchers(ctx, huduHaloIntegration, hudu.OnlyMatched)
		if err != nil {
			return false, "", err
		}
		if len(matched) == 0 {
			gaps = append(gaps, "no HaloPSA company is matched in Hudu yet")
		}
		return len(gaps) == 0, strings.Join(gaps, "; "), nil
	case "flexible-assets":
		c, err := e.ITGlue(ctx)
		if err != nil {
			return false, "", err
		}
		types, err := c.FlexibleAssetTypes(ctx)
		if err != nil {
			return false, "", err
		}
		for _, t := range types {
			if strings.HasSuffix(t.Name, "(auto)") && t.Enabled {
				return true, "", nil
			}
		}
		return false, "IT Glue has no Liongard (auto) flexible asset type yet", nil
	}
	return false, "", nil
}
