package adapter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/hudu"
	"github.com/mspwire/mspwire/store"
)

type huduCompanies struct{ c *Clients }

// Hudu creates one company per call.
func (h huduCompanies) Batch() int { return 1 }

func (h huduCompanies) Inventory(ctx context.Context, _ store.Onboarding) ([]store.InventoryRecord, error) {
	c, err := h.c.Hudu(ctx)
	if err != nil {
		return nil, err
	}
	companies, err := c.Companies(ctx, hudu.CompanyFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]store.InventoryRecord, 0, len(companies))
	for _, co := range companies {
		out = append(out, store.InventoryRecord{ExternalID: strconv.Itoa(co.ID), Name: co.Name, Domain: co.Website, Inactive: co.Archived})
	}
	return out, nil
}

// FindByName asks Hudu by exact name, one call per name.
func (h huduCompanies) FindByName(ctx context.Context, names []string) (map[string][]Record, error) {
	c, err := h.c.Hudu(ctx)
	if err != nil {
		return nil, err
	}
	var recs []Record
	for _, n := range names {
		cs, err := c.Companies(ctx, hudu.CompanyFilter{Name: strings.TrimSpace(n)})
		if err != nil {
			return nil, err
		}
		for _, co := range cs {
			recs = append(recs, Record{ID: strconv.Itoa(co.ID), Name: co.Name})
		}
	}
	return byName(recs, names), nil
}

func (h huduCompanies) Create(ctx context.Context, recs []NewRecord) ([]Record, error) {
	c, err := h.c.Hudu(ctx)
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, r := range recs {
		co, err := c.CreateCompany(ctx, hudu.NewCompany{Name: r.Name, Website: r.Website, CompanyType: "Customer"})
		if err != nil {
			return out, err
		}
		out = append(out, Record{ID: strconv.Itoa(co.ID), Name: co.Name})
	}
	return out, nil
}

// Matcher is a Hudu integration's record (a HaloPSA client, a Liongard
// environment) and the Hudu company it is linked to.
type Matcher struct {
	ID        string `json:"id"`
	SyncID    string `json:"sync_id"`
	Name      string `json:"name"`
	CompanyID string `json:"company_id"` // "" when not linked
}

// ErrNoIntegration means Hudu's integration id is not known.
var ErrNoIntegration = errors.New("Hudu integration id unknown")

// Matchers lists a Hudu integration's matchers by sync id.
func (c *Clients) Matchers(ctx context.Context, integrationID int) (map[string]Matcher, error) {
	if integrationID <= 0 {
		return nil, ErrNoIntegration
	}
	hc, err := c.Hudu(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := hc.Matchers(ctx, integrationID, hudu.AllMatchers)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Matcher, len(ms))
	for _, m := range ms {
		out[strconv.Itoa(m.SyncID)] = toMatcher(m)
	}
	return out, nil
}

func toMatcher(m hudu.Matcher) Matcher {
	out := Matcher{ID: strconv.Itoa(m.ID), SyncID: strconv.Itoa(m.SyncID), Name: m.Name}
	if m.CompanyID != nil {
		out.CompanyID = strconv.Itoa(*m.CompanyID)
	}
	return out
}

// MatcherOf reads one matcher of an integration by its sync id.
func (c *Clients) MatcherOf(ctx context.Context, integrationID int, syncID string) (Matcher, bool, error) {
	hc, err := c.Hudu(ctx)
	if err != nil {
		return Matcher{}, false, err
	}
	id, err := strconv.Atoi(syncID)
	if err != nil {
		return Matcher{}, false, fmt.Errorf("sync id %q is not a number", syncID)
	}
	m, ok, err := hc.MatcherOf(ctx, integrationID, id)
	return toMatcher(m), ok, err
}

// LinkMatcher links a matcher to a Hudu company. Setting the same company
// again changes nothing, so it is safe to repeat.
func (c *Clients) LinkMatcher(ctx context.Context, matcherID, companyID string) error {
	hc, err := c.Hudu(ctx)
	if err != nil {
		return err
	}
	mid, err := strconv.Atoi(matcherID)
	if err != nil {
		return fmt.Errorf("Hudu matcher id %q is not a number", matcherID)
	}
	cid, err := strconv.Atoi(companyID)
	if err != nil {
		return fmt.Errorf("Hudu company id %q is not a number", companyID)
	}
	m, err := hc.SetMatcherCompany(ctx, mid, cid)
	if err != nil {
		return err
	}
	if m.CompanyID == nil || *m.CompanyID != cid {
		return fmt.Errorf("Hudu did not link matcher %d to company %d", mid, cid)
	}
	return nil
}

// FindIntegration looks for the Hudu integration whose matchers carry the
// integrator's name ("HaloPSA", "Liongard"), trying the first ids. Hudu
// has no list of integrations; the id is the number in the URL of the
// integration's page.
func (c *Clients) FindIntegration(ctx context.Context, integrator string) (int, error) {
	hc, err := c.Hudu(ctx)
	if err != nil {
		return 0, err
	}
	for id := 1; id <= 12; id++ {
		m, ok, err := hc.FirstMatcher(ctx, id)
		switch {
		case errors.Is(err, httpx.ErrServer):
			continue // Hudu answers an unknown integration with a 500
		case err != nil:
			return 0, err
		case ok && strings.EqualFold(m.IntegratorName, integrator):
			return id, nil
		}
	}
	return 0, fmt.Errorf("%w: no Hudu integration among ids 1–12 has %s matchers; give its id (the number in the URL of Admin > Integrations > %s in Hudu)",
		ErrNoIntegration, integrator, integrator)
}
