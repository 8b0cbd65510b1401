package adapter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/hudu"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/store"
)

// huduAdapter is the Hudu adapter: companies, and the matchers by which
// Hudu's HaloPSA and Liongard integrations say which company is whose.
type huduAdapter struct{}

func (huduAdapter) Info() Info {
	return Info{ID: "hudu", Name: "Hudu", Record: "Hudu company", Records: "Hudu companies", Role: path.Documentation,
		Fields: []Field{
			{Key: "url", Flag: "url", Title: "Hudu URL", Help: "e.g. https://docs.yourmsp.com", Required: true, Validate: checkURL},
			{Key: "api_key", Title: "API key", Noun: "API key", Secret: true,
				Help: "Pasted, never shown; stored in the OS keyring only once it works"},
		}}
}

func (huduAdapter) Open(v Values, secret string) (any, error) {
	return hudu.New(hudu.Config{URL: v["url"], APIKey: secret})
}

func (h huduAdapter) Verify(ctx context.Context, v Values, secret string) (Verified, error) {
	cl, err := h.Open(v, secret)
	if err != nil {
		return Verified{}, err
	}
	r, err := cl.(*hudu.Client).TestConnection(ctx)
	if errors.Is(err, hudu.ErrTooOld) {
		return Verified{}, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if err != nil {
		return Verified{}, err
	}
	base, _ := httpx.NormalizeBaseURL(v["url"])
	return Verified{BaseURL: strings.TrimSuffix(base, "/api/v1"), ActsAs: "Hudu " + r.Version}, nil
}

func (huduAdapter) RotationChecklist(Values) []string {
	return []string{"Revoke the old key in Hudu: Admin > Basic Information > API Keys"}
}

func (huduAdapter) Companies(c *Clients) Companies { return huduCompanies{c} }

func (huduAdapter) Executors(c *Clients) map[change.Kind]Executor {
	return map[change.Kind]Executor{change.Link: huduMatcherLinks{c}}
}

// Hudu is the run's Hudu client.
func (c *Clients) Hudu(ctx context.Context) (*hudu.Client, error) {
	return typed[*hudu.Client](ctx, c, "hudu")
}

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

// FindByName asks Hudu by exact name when there are few to find, and
// reads the whole list when there are many: a name costs two calls (its
// page and the empty one that ends it), the list one per 1,000 companies.
func (h huduCompanies) FindByName(ctx context.Context, names []string) (map[string][]Record, error) {
	c, err := h.c.Hudu(ctx)
	if err != nil {
		return nil, err
	}
	filters := []hudu.CompanyFilter{{}}
	if len(names) <= fewNames {
		filters = nil
		for _, n := range names {
			filters = append(filters, hudu.CompanyFilter{Name: strings.TrimSpace(n)})
		}
	}
	var recs []Record
	for _, f := range filters {
		cs, err := c.Companies(ctx, f)
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

// LinkMatcher is the link a Hudu integration's matcher keeps: the Hudu
// company its HaloPSA client or Liongard environment documents.
const LinkMatcher = "hudu_matcher"

// huduMatcherLinks links integration matchers to Hudu companies, one call
// each. A link left in doubt is looked up in the matcher list — read once
// per integration for all of them — before it is sent again.
type huduMatcherLinks struct{ c *Clients }

func (huduMatcherLinks) Batch() int { return 1 }

// Repeatable: linking a matcher to the company it holds changes nothing.
func (huduMatcherLinks) Repeatable() {}

func (e huduMatcherLinks) Send(ctx context.Context, run Run, actions []store.Action) []Outcome {
	out := make([]Outcome, len(actions))
	for i, a := range actions {
		p, err := change.Decode[change.LinkPayload](a)
		if err == nil && p.Field != LinkMatcher {
			err = fmt.Errorf("Hudu cannot set link %q", p.Field)
		}
		var target, value string
		if err == nil {
			target, err = resolve(run, p.Target, p.TargetFrom)
		}
		if err == nil {
			value, err = resolve(run, p.Value, p.ValueFrom)
		}
		if err == nil {
			err = e.c.linkMatcher(ctx, target, value)
		}
		out[i] = Outcome{ExternalID: value, Err: err}
	}
	return out
}

// Look reads each integration's matchers once and says which links hold
// the company they would set; a value not known yet (its create not done)
// is not linked.
func (e huduMatcherLinks) Look(ctx context.Context, run Run, actions []store.Action) (map[int64]string, error) {
	lists := map[int]map[string]Matcher{}
	landed := map[int64]string{}
	for _, a := range actions {
		p, err := change.Decode[change.LinkPayload](a)
		if err != nil {
			return nil, err
		}
		value, err := resolve(run, p.Value, p.ValueFrom)
		if err != nil {
			continue
		}
		ms, ok := lists[p.Integration]
		if !ok {
			if ms, err = e.c.Matchers(ctx, p.Integration); err != nil {
				return nil, err
			}
			lists[p.Integration] = ms
		}
		if m, ok := ms[p.SyncID]; ok && m.CompanyID == value {
			landed[a.ID] = value
		}
	}
	return landed, nil
}

// linkMatcher links a matcher to a Hudu company. Setting the same company
// again changes nothing, so it is safe to repeat.
func (c *Clients) linkMatcher(ctx context.Context, matcherID, companyID string) error {
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
