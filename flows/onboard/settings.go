package onboard

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mspwire/mspwire/flows/who"
	"github.com/mspwire/mspwire/store"
)

// SettingsChange is what a plan command changes in the plan settings;
// nil keeps a setting as it is.
type SettingsChange struct {
	LiongardTier            *string // Core or Essentials, any case
	LiongardGroup           *string // "" or "-" for none
	HuduHaloPSAIntegration  *int    // the number in the integration page's URL
	HuduLiongardIntegration *int
	HuduFeeds               *string // path C: liongard (the default) or both
}

// SetPlanSettings checks and stores the settings later plans are made
// from, with an audit line.
func (e Env) SetPlanSettings(ctx context.Context, c SettingsChange) error {
	if c == (SettingsChange{}) {
		return nil
	}
	var tier string
	if c.LiongardTier != nil {
		switch strings.ToLower(strings.TrimSpace(*c.LiongardTier)) {
		case "":
		case "core":
			tier = "Core"
		case "essentials", "essential":
			tier = "Essentials"
		default:
			return fmt.Errorf("--tier %q: choose Core or Essentials", *c.LiongardTier)
		}
	}
	for _, id := range []*int{c.HuduHaloPSAIntegration, c.HuduLiongardIntegration} {
		if id != nil && *id <= 0 {
			return errors.New("--hudu-halopsa-integration and --hudu-liongard-integration are positive numbers: the number in the integration page's URL in Hudu")
		}
	}
	var feeds string
	if c.HuduFeeds != nil {
		switch f := strings.ToLower(strings.TrimSpace(*c.HuduFeeds)); f {
		case "", store.HuduFeedLiongard, store.HuduFeedBoth:
			feeds = f
		default:
			return fmt.Errorf("--hudu-feeds %q: choose liongard (Hudu fed by its Liongard integration alone) or both (its HaloPSA integration too)", *c.HuduFeeds)
		}
	}
	detail := map[string]any{}
	return e.Store.UpdateOnboarding(ctx, e.Profile, func(o *store.Onboarding) error {
		if c.LiongardTier != nil {
			o.Settings.LiongardTier = tier
		}
		if c.LiongardGroup != nil {
			o.Settings.LiongardGroup = strings.TrimSpace(*c.LiongardGroup)
			if o.Settings.LiongardGroup == "-" {
				o.Settings.LiongardGroup = ""
			}
		}
		if c.HuduHaloPSAIntegration != nil {
			o.Settings.HuduHaloPSAIntegration = *c.HuduHaloPSAIntegration
		}
		if c.HuduLiongardIntegration != nil {
			o.Settings.HuduLiongardIntegration = *c.HuduLiongardIntegration
		}
		if c.HuduFeeds != nil {
			o.Settings.HuduFeeds = feeds
		}
		detail["settings"] = o.Settings
		return nil
	}, store.AuditEntry{Profile: e.Profile, Actor: who.Operator(), Event: "plan.settings", Detail: detail})
}
