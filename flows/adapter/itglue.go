package adapter

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/itglue"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// itGlue is the IT Glue adapter: organizations in a region's API, which
// Liongard fills straight (path B) or HaloPSA links to (path A).
type itGlue struct{}

func (itGlue) Info() Info {
	return Info{ID: "itglue", Name: "IT Glue", Record: "IT Glue organization", Records: "IT Glue organizations", Role: path.Documentation, Source: true,
		Fields: []Field{
			{Key: "region", Flag: "region", Title: "IT Glue region or API URL", Help: "us, eu, au — or the API URL",
				Hint: "us, eu, au", Required: true, Or: "url", Default: "us"},
			{Key: "url", Flag: "url", Title: "IT Glue API URL", Help: "instead of --region", FlagOnly: true, Validate: checkURL},
			{Key: "api_key", Title: "API key", Noun: "API key", Secret: true,
				Help: "Pasted, never shown; stored in the OS keyring only once it works"},
		}}
}

// Normalize takes a URL typed in the region field for the URL.
func (itGlue) Normalize(v Values) Values {
	if r := v["region"]; len(r) > 3 {
		v["url"], v["region"] = r, ""
	} else {
		v["region"] = strings.ToLower(r)
	}
	return v
}

// Stored opens a saved connection by its URL, which already says the
// region (IT Glue refuses a region and a URL together).
func (itGlue) Stored(v Values) Values {
	if v["url"] != "" {
		delete(v, "region")
	}
	return v
}

func (itGlue) Open(v Values, secret string) (any, error) {
	return itglue.New(itglue.Config{Region: v["region"], URL: v["url"], APIKey: secret})
}

func (i itGlue) Verify(ctx context.Context, v Values, secret string) (Verified, error) {
	cl, err := i.Open(v, secret)
	if err != nil {
		return Verified{}, err
	}
	r, err := cl.(*itglue.Client).TestConnection(ctx)
	if err != nil {
		return Verified{}, err
	}
	base, _, _ := itglue.ResolveRegion(v["region"], v["url"])
	region := r.Region
	if region == "" {
		region = "custom URL"
	}
	return Verified{BaseURL: base, ActsAs: fmt.Sprintf("region %s, %s", region, plural.N(r.Organizations, "organization", "organizations"))}, nil
}

func (itGlue) RotationChecklist(Values) []string {
	return []string{
		"Update the IT Glue API key in Liongard: Admin > Integrations > IT Glue",
		"Revoke the old key in IT Glue: Account > Settings > API Keys",
	}
}

func (itGlue) Companies(c *Clients) Companies { return itglueCompanies{c} }

// ITGlue is the run's IT Glue client.
func (c *Clients) ITGlue(ctx context.Context) (*itglue.Client, error) {
	return typed[*itglue.Client](ctx, c, "itglue")
}

type itglueCompanies struct{ c *Clients }

// Prepare gives a new organization the status and type Liongard's IT Glue
// filter selects (the first of each), so Liongard sees it (path B).
func (itglueCompanies) Prepare(o store.Onboarding, r NewRecord) (NewRecord, []string) {
	var detail []string
	if s := o.ITGlueStatuses; len(s) > 0 {
		r.Status = s[0]
		detail = append(detail, "status "+r.Status)
	}
	if t := o.ITGlueTypes; len(t) > 0 {
		r.Type = t[0]
		detail = append(detail, "type "+r.Type)
	}
	return r, detail
}

// IT Glue creates one organization per call.
func (i itglueCompanies) Batch() int { return 1 }

func (i itglueCompanies) Inventory(ctx context.Context, o store.Onboarding) ([]store.InventoryRecord, error) {
	c, err := i.c.ITGlue(ctx)
	if err != nil {
		return nil, err
	}
	f, err := ITGlueFilter(ctx, c, o.ITGlueStatuses, o.ITGlueTypes)
	if err != nil {
		return nil, err
	}
	orgs, err := c.Organizations(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]store.InventoryRecord, 0, len(orgs))
	for _, org := range orgs {
		out = append(out, store.InventoryRecord{ExternalID: strconv.Itoa(org.ID), Name: org.Name,
			Extra: map[string]any{"status": org.StatusName, "type": org.TypeName}})
	}
	return out, nil
}

// FindByName asks IT Glue by exact name when there are few to find, and
// reads the whole list (one call per 1,000 organizations) when there are
// many.
func (i itglueCompanies) FindByName(ctx context.Context, names []string) (map[string][]Record, error) {
	c, err := i.c.ITGlue(ctx)
	if err != nil {
		return nil, err
	}
	filters := []itglue.OrganizationFilter{{}}
	if len(names) <= fewNames {
		filters = nil
		for _, n := range names {
			filters = append(filters, itglue.OrganizationFilter{Name: strings.TrimSpace(n)})
		}
	}
	var recs []Record
	for _, f := range filters {
		orgs, err := c.Organizations(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			recs = append(recs, Record{ID: strconv.Itoa(o.ID), Name: o.Name})
		}
	}
	return byName(recs, names), nil
}

// Create makes an organization with the type and status named, which
// Liongard's IT Glue filter must select (path B).
func (i itglueCompanies) Create(ctx context.Context, recs []NewRecord) ([]Record, error) {
	c, err := i.c.ITGlue(ctx)
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, r := range recs {
		var statuses, types []string
		if r.Status != "" {
			statuses = []string{r.Status}
		}
		if r.Type != "" {
			types = []string{r.Type}
		}
		f, err := i.c.itglueIDs(ctx, c, statuses, types)
		if err != nil {
			return out, err
		}
		n := itglue.NewOrganization{Name: r.Name, Description: "Created by mspwire"}
		if len(f.TypeIDs) > 0 {
			n.TypeID = f.TypeIDs[0]
		}
		if len(f.StatusIDs) > 0 {
			n.StatusID = f.StatusIDs[0]
		}
		org, err := c.CreateOrganization(ctx, n)
		if err != nil {
			return out, err
		}
		out = append(out, Record{ID: strconv.Itoa(org.ID), Name: org.Name})
	}
	return out, nil
}

// itglueIDs is ITGlueFilter read once per run: every organization a plan
// creates asks for the same status and type.
func (c *Clients) itglueIDs(ctx context.Context, ic *itglue.Client, statuses, types []string) (itglue.OrganizationFilter, error) {
	key := "itglue:filter:" + strings.Join(statuses, "\x1f") + "\x1e" + strings.Join(types, "\x1f")
	return remember(c, key, func() (itglue.OrganizationFilter, error) { return ITGlueFilter(ctx, ic, statuses, types) })
}

// ITGlueFilter turns status and type names into ids, saying which names
// IT Glue does not have — Liongard's filter needs them exactly.
func ITGlueFilter(ctx context.Context, c *itglue.Client, statuses, types []string) (itglue.OrganizationFilter, error) {
	var f itglue.OrganizationFilter
	for _, part := range []struct {
		names []string
		list  func(context.Context) ([]itglue.Named, error)
		ids   *[]int
		what  string
	}{{statuses, c.OrganizationStatuses, &f.StatusIDs, "status"}, {types, c.OrganizationTypes, &f.TypeIDs, "type"}} {
		if len(part.names) == 0 {
			continue
		}
		live, err := part.list(ctx)
		if err != nil {
			return f, err
		}
		byName := map[string]int{}
		var known []string
		for _, n := range live {
			byName[n.Name] = n.ID
			known = append(known, n.Name)
		}
		for _, name := range part.names {
			id, ok := byName[name]
			if !ok {
				return f, fmt.Errorf("IT Glue has no organization %s %q (it has: %s); Liongard's filter needs the exact name", part.what, name, strings.Join(known, ", "))
			}
			*part.ids = append(*part.ids, id)
		}
	}
	return f, nil
}
