package verify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/itglue"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/review"
)

// Flexible is what the flexible-asset test found.
type Flexible struct {
	Environment  string   `json:"environment"`
	Organization string   `json:"organization"`
	Inspections  []string `json:"inspections"`
	Assets       []string `json:"assets"` // the "(auto)" assets that appeared or were refreshed
	Passed       bool     `json:"passed"`
	Why          string   `json:"why"`
}

// FlexibleAssets is the guide's path B test: "run an inspection manually
// … verify the Flexible Asset appears in IT Glue". It runs the inspections
// of one Liongard environment linked to an IT Glue organization whose
// inspectors have an "(auto)" flexible asset type, and waits for their
// assets to appear or be refreshed in that organization. Options.Client
// names the environment or the organization.
func FlexibleAssets(ctx context.Context, e onboard.Env, o Options) (Flexible, error) {
	o = o.defaults()
	var res Flexible
	lg, err := e.Liongard(ctx)
	if err != nil {
		return res, err
	}
	itg, err := e.ITGlue(ctx)
	if err != nil {
		return res, err
	}
	ob, err := e.Store.Onboarding(ctx, e.Profile)
	if err != nil {
		return res, err
	}
	links, names, err := review.Joined(ctx, e.Store, e.Profile, ob.Source, "liongard", "itglue")
	if err != nil {
		return res, err
	}
	if len(links) == 0 {
		return res, errors.New("the review links no Liongard environment to an IT Glue organization yet: decide the review first")
	}
	types, err := itg.FlexibleAssetTypes(ctx)
	if err != nil {
		return res, fmt.Errorf("reading IT Glue's flexible asset types: %w", err)
	}
	auto := map[string]itglue.FlexibleAssetType{} // inspector alias -> its "(auto)" type
	for _, t := range types {
		if alias, ok := strings.CutSuffix(t.Name, " (auto)"); ok && t.Enabled {
			auto[alias] = t
		}
	}
	if len(auto) == 0 {
		return res, errors.New(`IT Glue has no "(auto)" flexible asset type: turn Flexible Assets on in Liongard (Admin > Integrations > IT Glue > Flexible Assets) first`)
	}
	lps, err := lg.Launchpoints(ctx)
	if err != nil {
		return res, fmt.Errorf("reading Liongard's launchpoints: %w", err)
	}
	var env string
	var run []liongard.Launchpoint
	for envID, org := range links {
		name := names[envID]
		if o.Client != "" && !strings.EqualFold(name, o.Client) && !strings.EqualFold(org.Name, o.Client) && envID != o.Client {
			continue
		}
		var mine []liongard.Launchpoint
		for _, lp := range lps {
			if _, ok := auto[lp.Inspector.Alias]; ok && lp.Enabled && strconv.Itoa(lp.EnvironmentID) == envID {
				mine = append(mine, lp)
			}
		}
		if len(mine) > 0 && (env == "" || name < names[env]) {
			env, run, res.Environment, res.Organization = envID, mine, name, org.Name
		}
	}
	if env == "" {
		if o.Client != "" {
			return res, fmt.Errorf("no linked environment or organization named %q has an inspection with an \"(auto)\" flexible asset type", o.Client)
		}
		return res, errors.New(`no linked environment has an inspection with an "(auto)" flexible asset type`)
	}
	orgID, _ := strconv.Atoi(links[env].ID)
	var ids []int
	for _, lp := range run {
		ids = append(ids, lp.ID)
		res.Inspections = append(res.Inspections, lp.Alias)
	}
	// What the organization holds before: an asset that appears or whose
	// update time moves is the inspection's (no clock is compared).
	before := map[int]string{}
	assets := func() ([]itglue.FlexibleAsset, error) {
		var all []itglue.FlexibleAsset
		for _, lp := range run {
			fas, err := itg.FlexibleAssets(ctx, auto[lp.Inspector.Alias].ID, orgID)
			if err != nil {
				return nil, fmt.Errorf("reading IT Glue's flexible assets: %w", err)
			}
			all = append(all, fas...)
		}
		return all, nil
	}
	had, err := assets()
	if err != nil {
		return res, err
	}
	for _, fa := range had {
		before[fa.ID] = fa.UpdatedAt
	}
	start := o.Now()
	o.Progress(fmt.Sprintf("Running %s of %s in Liongard: %s", plural.N(len(ids), "inspection", "inspections"), res.Environment, strings.Join(res.Inspections, ", ")))
	if _, err := lg.RunInspections(ctx, ids); err != nil {
		return res, fmt.Errorf("running the inspections: %w", err)
	}
	for {
		now, err := assets()
		if err != nil {
			return res, err
		}
		seen := map[string]bool{}
		for _, fa := range now {
			if was, ok := before[fa.ID]; (!ok || was != fa.UpdatedAt) && strings.HasSuffix(fa.Name, "(auto)") && !seen[fa.Name] {
				seen[fa.Name] = true
				res.Assets = append(res.Assets, fa.Name)
			}
		}
		if len(res.Assets) > 0 {
			res.Passed, res.Why = true, fmt.Sprintf("the inspection refreshed %s in %s", strings.Join(res.Assets, ", "), res.Organization)
			return res, nil
		}
		waited := o.Now().Sub(start)
		if waited >= o.Deadline {
			res.Why = fmt.Sprintf("no \"(auto)\" flexible asset appeared in %s within %s of the inspection: Flexible Asset Auto-Updating is off for its type "+
				"in Liongard (Admin > Integrations > IT Glue > Flexible Assets), or the environment is mapped to another organization", res.Organization, o.Deadline)
			return res, nil
		}
		o.Progress(fmt.Sprintf("Waiting for the flexible asset: %s of %s", waited.Round(time.Second), o.Deadline))
		if err := o.Sleep(ctx, min(o.Poll, o.Deadline-waited)); err != nil {
			return res, err
		}
	}
}
