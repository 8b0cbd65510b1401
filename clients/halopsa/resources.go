package halopsa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/clients/httpx"
)

// ClientRecord is a HaloPSA client (customer) record; Halo's schema is "Area".
type ClientRecord struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	TopLevelID   int    `json:"toplevel_id"`
	TopLevelName string `json:"toplevel_name"`
	Inactive     bool   `json:"inactive"`
	Website      string `json:"website"`
	Notes        string `json:"notes"`
	MainSiteID   int    `json:"main_site_id"`
	AccountsID   string `json:"accountsid"`
	// ITGlueID is the IT Glue organization HaloPSA's IT Glue integration
	// links the client to (schema Area, "itglue_id"; a string).
	ITGlueID string `json:"itglue_id"`
}

// NewClient is a client to create.
type NewClient struct {
	Name       string `json:"name"`
	TopLevelID int    `json:"toplevel_id,omitempty"`
	Website    string `json:"website,omitempty"`
	Notes      string `json:"notes,omitempty"`
	Inactive   bool   `json:"inactive"`
}

// Site is a client's site.
type Site struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	ClientID   int    `json:"client_id"`
	ClientName string `json:"client_name"`
	Inactive   bool   `json:"inactive"`
}

// Agent is a HaloPSA agent (schema "Uname").
type Agent struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	IsDisabled bool   `json:"isdisabled"`
	IsAPIAgent bool   `json:"isapiagent"`
	Team       string `json:"team"`
	Teams      []struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	} `json:"teams"`
}

// Team is a HaloPSA team (schema "SectionDetail").
type Team struct {
	ID             int    `json:"id"`
	Name           string `json:"name"`
	DepartmentName string `json:"department_name"`
	Inactive       bool   `json:"inactive"`
}

// TicketField is one field of a ticket type's form.
type TicketField struct {
	FieldID   int    `json:"fieldid"`
	FieldName string `json:"fieldname"`
	TechNew   int    `json:"technew"`
}

// TicketType is a ticket type (schema "RequestType").
type TicketType struct {
	ID                     int           `json:"id"`
	Name                   string        `json:"name"`
	Visible                bool          `json:"visible"`
	HasMandatoryTechFields bool          `json:"hasmandatorytechfields"`
	HasMandatoryUserFields bool          `json:"hasmandatoryuserfields"`
	DefaultTeam            string        `json:"default_team"`
	DefaultPriority        int           `json:"default_priority"`
	InitialStatus          int           `json:"initial_status"`
	Fields                 []TicketField `json:"fields"`
}

// Status is a ticket status (schema "TStatus"); Type 2 is closed.
type Status struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Type     int    `json:"type"`
	Sequence int    `json:"sequence"`
}

// Priority is a priority within an SLA (schema "Policy").
type Priority struct {
	ID         int     `json:"id"`
	SLAID      int     `json:"slaid"`
	PriorityID int     `json:"priorityid"`
	Name       string  `json:"name"`
	FixTime    float64 `json:"fixtime"`
	FixUnits   string  `json:"fixunits"`
}

// SLA is a service level agreement (schema "SlaHead").
type SLA struct {
	ID         int        `json:"id"`
	Name       string     `json:"name"`
	Priorities []Priority `json:"priorities"`
}

// InvoiceLine is a line of a recurring invoice (schema "InvoiceDetail").
type InvoiceLine struct {
	ID          int     `json:"id"`
	InvoiceID   int     `json:"ihid"`
	ItemID      int     `json:"_itemid"`
	ItemCode    string  `json:"item_code"`
	Description string  `json:"item_shortdescription"`
	Quantity    float64 `json:"qty_order"`
	UnitPrice   float64 `json:"unit_price"`
	NetAmount   float64 `json:"net_amount"`
	// Calculated lines get their quantity from Halo's own counts (users,
	// assets, licences): set by hand, Halo would overwrite it.
	Calculated bool `json:"_is_calculated_line"`
	Inactive   bool `json:"isinactive"`
}

// RecurringInvoice is a recurring invoice (schema "InvoiceHeader").
type RecurringInvoice struct {
	ID          int           `json:"id"`
	ClientID    int           `json:"client_id"`
	ClientName  string        `json:"client_name"`
	ContractRef string        `json:"contract_ref"`
	Disabled    bool          `json:"disabled"`
	Lines       []InvoiceLine `json:"lines"`
	// NextCreationDate is when the invoice next bills.
	NextCreationDate string `json:"nextcreationdate"`
	// The invoice's currency, when HaloPSA names it (both nullable).
	CurrencyCodeName string `json:"currency_code_name"`
	CurrencyText     string `json:"currency"`
}

// Currency is the invoice's currency as HaloPSA names it ("USD"), or ""
// when it names none.
func (r RecurringInvoice) Currency() string {
	if r.CurrencyCodeName != "" {
		return r.CurrencyCodeName
	}
	return r.CurrencyText
}

// Item is a product or service lines bill (schema "Item").
type Item struct {
	ID                int     `json:"id"`
	Name              string  `json:"name"`
	Description       string  `json:"description"`
	InternalReference string  `json:"internalreference"`
	ExternalReference string  `json:"externalreference"`
	SupplierPartCode  string  `json:"supplier_part_code"`
	IsRecurring       bool    `json:"isrecurringitem"`
	RecurringPrice    float64 `json:"recurringprice"`
}

// Ticket is a HaloPSA ticket (schema "Faults"), the fields mspwire reads.
type Ticket struct {
	ID           int    `json:"id"`
	Summary      string `json:"summary"`
	Details      string `json:"details"`
	TicketTypeID int    `json:"tickettype_id"`
	ClientID     int    `json:"client_id"`
	Team         string `json:"team"`
	StatusID     int    `json:"status_id"`
	DateOccurred string `json:"dateoccurred"`
}

// NewTicket is a ticket to open. Fields holds the ticket type's mandatory
// custom fields by id, which Halo refuses the ticket without.
type NewTicket struct {
	Summary      string
	Details      string
	TicketTypeID int
	ClientID     int
	Team         string
	Fields       map[int]string
}

// ListClientsOptions filter the client list.
type ListClientsOptions struct {
	IncludeInactive bool
	Search          string
}

// ListClients reads every client, 1000 to a page.
func (c *Client) ListClients(ctx context.Context, o ListClientsOptions) ([]ClientRecord, error) {
	q := url.Values{"includeactive": {"true"}}
	if o.IncludeInactive {
		q.Set("includeinactive", "true")
	}
	if o.Search != "" {
		q.Set("search", o.Search)
	}
	return list[ClientRecord](ctx, c, "/api/Client", "clients", q)
}

// CreateClients creates clients in one POST of an array. It is never
// retried blindly: on a timeout the caller must look before trying again.
func (c *Client) CreateClients(ctx context.Context, clients []NewClient) ([]ClientRecord, error) {
	if len(clients) == 0 {
		return nil, nil
	}
	req := httpx.Request{Method: http.MethodPost, Path: "/api/Client", Creates: true}
	var raw jsonOneOrMany[ClientRecord]
	if err := c.do(ctx, req, clients, &raw); err != nil {
		return nil, err
	}
	return raw.items, nil
}

// GetClient reads one client (a bare object).
func (c *Client) GetClient(ctx context.Context, id int) (ClientRecord, error) {
	var out ClientRecord
	err := c.do(ctx, httpx.Request{Method: http.MethodGet, Path: "/api/Client/" + strconv.Itoa(id)}, nil, &out)
	return out, err
}

// ITGlueLink is a client and the IT Glue organization to link it to.
type ITGlueLink struct {
	ClientID int
	OrgID    string // "" unlinks
}

// SetClientITGlueIDs links clients to IT Glue organizations in one POST:
// an update of each client's one field, Halo's array upsert.
func (c *Client) SetClientITGlueIDs(ctx context.Context, links []ITGlueLink) ([]ClientRecord, error) {
	body := make([]map[string]any, len(links))
	for i, l := range links {
		body[i] = map[string]any{"id": l.ClientID, "itglue_id": l.OrgID}
	}
	var raw jsonOneOrMany[ClientRecord]
	if err := c.do(ctx, httpx.Request{Method: http.MethodPost, Path: "/api/Client"}, body, &raw); err != nil {
		return nil, err
	}
	if len(raw.items) != len(links) {
		return raw.items, fmt.Errorf("HaloPSA: POST /api/Client: sent %d clients, %d came back", len(links), len(raw.items))
	}
	return raw.items, nil
}

// ListSites reads a client's sites (every site when clientID is 0).
func (c *Client) ListSites(ctx context.Context, clientID int) ([]Site, error) {
	q := url.Values{}
	if clientID != 0 {
		q.Set("client_id", strconv.Itoa(clientID))
	}
	return list[Site](ctx, c, "/api/Site", "sites", q)
}

// Me is the agent the application acts as.
func (c *Client) Me(ctx context.Context) (Agent, error) {
	var a Agent
	err := c.do(ctx, httpx.Request{Method: http.MethodGet, Path: "/api/Agent/me"}, nil, &a)
	return a, err
}

// ListAgents reads every agent, API-only agents included.
func (c *Client) ListAgents(ctx context.Context) ([]Agent, error) {
	return bare[Agent](ctx, c, "/api/Agent", url.Values{"includeapiagents": {"true"}, "includeenabled": {"true"}})
}

// ListTeams reads every team.
func (c *Client) ListTeams(ctx context.Context) ([]Team, error) {
	return bare[Team](ctx, c, "/api/Team", nil)
}

// ListTicketTypes reads the ticket types, without their field configuration.
func (c *Client) ListTicketTypes(ctx context.Context) ([]TicketType, error) {
	return bare[TicketType](ctx, c, "/api/TicketType", nil)
}

// TicketType reads one ticket type with its field configuration, which says
// whether agents must fill fields an integration cannot.
func (c *Client) TicketType(ctx context.Context, id int) (TicketType, error) {
	var t TicketType
	q := url.Values{"includedetails": {"true"}, "includeconfig": {"true"}}
	err := c.do(ctx, httpx.Request{Method: http.MethodGet, Path: "/api/TicketType/" + strconv.Itoa(id), Query: q}, nil, &t)
	return t, err
}

// Ticket reads one ticket.
func (c *Client) Ticket(ctx context.Context, id int) (Ticket, error) {
	var t Ticket
	err := c.do(ctx, httpx.Request{Method: http.MethodGet, Path: "/api/Tickets/" + strconv.Itoa(id)}, nil, &t)
	return t, err
}

// OpenStatuses are the statuses of tickets not closed (excludeclosed), by
// id: a ticket in any other status is closed.
func (c *Client) OpenStatuses(ctx context.Context) (map[int]string, error) {
	sts, err := bare[Status](ctx, c, "/api/Status", url.Values{"excludeclosed": {"true"}})
	if err != nil {
		return nil, err
	}
	out := map[int]string{}
	for _, st := range sts {
		out[st.ID] = st.Name
	}
	return out, nil
}

// ListStatuses reads the ticket statuses.
func (c *Client) ListStatuses(ctx context.Context) ([]Status, error) {
	return bare[Status](ctx, c, "/api/Status", nil)
}

// ListPriorities reads the priorities of every SLA.
func (c *Client) ListPriorities(ctx context.Context) ([]Priority, error) {
	return bare[Priority](ctx, c, "/api/Priority", nil)
}

// ListSLAs reads the SLAs with their priorities.
func (c *Client) ListSLAs(ctx context.Context) ([]SLA, error) {
	return bare[SLA](ctx, c, "/api/SLA", url.Values{"showpriorities": {"true"}})
}

// ListRecurringInvoices reads recurring invoices with their lines (of one
// client when clientID is not 0), for billing reconciliation.
func (c *Client) ListRecurringInvoices(ctx context.Context, clientID int) ([]RecurringInvoice, error) {
	q := url.Values{"includelines": {"true"}}
	if clientID != 0 {
		q.Set("client_id", strconv.Itoa(clientID))
	}
	return list[RecurringInvoice](ctx, c, "/api/RecurringInvoice", "invoices", q)
}

// RecurringInvoice reads one recurring invoice with its lines.
func (c *Client) RecurringInvoice(ctx context.Context, id int) (RecurringInvoice, error) {
	var out RecurringInvoice
	err := c.do(ctx, httpx.Request{Method: http.MethodGet, Path: "/api/RecurringInvoice/" + strconv.Itoa(id)}, nil, &out)
	return out, err
}

// SetLineQuantity sets one line's quantity to qty (never adds to it). It
// reads the invoice and posts the header back with every line as read,
// the one changed — the update practitioners trust; /updatelines "can
// cause issues", and a line left out of lines[] may be deleted. Each
// line is sent back as Halo gave it, fields mspwire does not know kept.
// Sending it again sets the same number: safe to repeat.
func (c *Client) SetLineQuantity(ctx context.Context, invoiceID, lineID int, qty float64) (RecurringInvoice, error) {
	path := "/api/RecurringInvoice/" + strconv.Itoa(invoiceID)
	var raw map[string]json.RawMessage
	if err := c.do(ctx, httpx.Request{Method: http.MethodGet, Path: path}, nil, &raw); err != nil {
		return RecurringInvoice{}, err
	}
	var lines []map[string]any
	if err := json.Unmarshal(raw["lines"], &lines); err != nil {
		return RecurringInvoice{}, fmt.Errorf("HaloPSA: GET %s: the lines are unreadable: %w", path, err)
	}
	found := false
	for _, l := range lines {
		if id, _ := l["id"].(float64); int(id) == lineID {
			l["qty_order"], found = qty, true
		}
	}
	if !found {
		return RecurringInvoice{}, fmt.Errorf("HaloPSA: recurring invoice %d has no line %d any more", invoiceID, lineID)
	}
	body := []map[string]any{{"id": invoiceID, "lines": lines}}
	var out jsonOneOrMany[RecurringInvoice]
	if err := c.do(ctx, httpx.Request{Method: http.MethodPost, Path: "/api/RecurringInvoice"}, body, &out); err != nil {
		return RecurringInvoice{}, err
	}
	if len(out.items) != 1 {
		return RecurringInvoice{}, fmt.Errorf("HaloPSA: POST /api/RecurringInvoice: expected the invoice back, got %d", len(out.items))
	}
	return out.items[0], nil
}

// ListItems reads the items lines can bill.
func (c *Client) ListItems(ctx context.Context) ([]Item, error) {
	return list[Item](ctx, c, "/api/Item", "items", nil)
}

// ListTickets reads a client's tickets whose summary contains search.
func (c *Client) ListTickets(ctx context.Context, clientID int, search string) ([]Ticket, error) {
	q := url.Values{}
	if clientID != 0 {
		q.Set("client_id", strconv.Itoa(clientID))
	}
	if search != "" {
		q.Set("search", search)
	}
	return list[Ticket](ctx, c, "/api/Tickets", "tickets", q)
}

// CreateTicket opens a ticket. Never re-sent blindly: on a timeout, look
// for it (ListTickets by its summary) before trying again.
func (c *Client) CreateTicket(ctx context.Context, t NewTicket) (Ticket, error) {
	if strings.TrimSpace(t.Summary) == "" {
		return Ticket{}, errors.New("HaloPSA: a ticket needs a summary")
	}
	in := map[string]any{"summary": t.Summary, "details": t.Details, "tickettype_id": t.TicketTypeID, "client_id": t.ClientID}
	if t.Team != "" {
		in["team"] = t.Team
	}
	if len(t.Fields) > 0 {
		var cf []map[string]any
		for id, v := range t.Fields {
			cf = append(cf, map[string]any{"id": id, "value": v})
		}
		in["customfields"] = cf
	}
	var out jsonOneOrMany[Ticket]
	if err := c.do(ctx, httpx.Request{Method: http.MethodPost, Path: "/api/Tickets", Creates: true}, []map[string]any{in}, &out); err != nil {
		return Ticket{}, err
	}
	if len(out.items) != 1 {
		return Ticket{}, fmt.Errorf("HaloPSA: POST /api/Tickets: expected the ticket back, got %d", len(out.items))
	}
	return out.items[0], nil
}

// Asset is a HaloPSA asset (schema "Device"): a workstation, with the
// users it is assigned to.
type Asset struct {
	ID              int       `json:"id"`
	InventoryNumber string    `json:"inventory_number"`
	KeyField        string    `json:"key_field"` // the asset type's key field: typically the hostname
	ClientID        int       `json:"client_id"`
	AssetTypeName   string    `json:"assettype_name"`
	Inactive        bool      `json:"inactive"`
	Users           []UserRef `json:"users"`
}

// UserRef is a user as an asset lists it.
type UserRef struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	EmailAddress string `json:"emailaddress"`
}

// User is a HaloPSA user (schema "Users"): a customer's contact. SiteID is
// a double in Halo's schema.
type User struct {
	ID           int     `json:"id"`
	Name         string  `json:"name"`
	EmailAddress string  `json:"emailaddress"`
	Login        string  `json:"login"`
	ClientID     int     `json:"client_id"`
	SiteID       float64 `json:"site_id"`
	Inactive     bool    `json:"inactive"`
}

// ListAssets reads every asset (of one client when clientID is not 0).
func (c *Client) ListAssets(ctx context.Context, clientID int) ([]Asset, error) {
	q := url.Values{"includeuser": {"true"}}
	if clientID != 0 {
		q.Set("client_id", strconv.Itoa(clientID))
	}
	return list[Asset](ctx, c, "/api/Asset", "assets", q)
}

// ListUsers reads every user (of one client when clientID is not 0).
func (c *Client) ListUsers(ctx context.Context, clientID int) ([]User, error) {
	q := url.Values{}
	if clientID != 0 {
		q.Set("client_id", strconv.Itoa(clientID))
	}
	return list[User](ctx, c, "/api/Users", "users", q)
}

// UsersOfAsset reads the users assigned to an asset (GET /api/Users
// asset_id: "Filter by Users assigned to a particular asset").
func (c *Client) UsersOfAsset(ctx context.Context, assetID int) ([]User, error) {
	return list[User](ctx, c, "/api/Users", "users", url.Values{"asset_id": {strconv.Itoa(assetID)}})
}

// AssetUsers is the set of users one asset is to have.
type AssetUsers struct {
	AssetID int
	UserIDs []int
}

// SetAssetUsers makes users the asset's users — a set, not an append, so
// sending it again leaves the same — through POST /api/Asset with
// [{id, users:[{id}]}], as integrations in the wild do.
func (c *Client) SetAssetUsers(ctx context.Context, assetID int, userIDs ...int) (Asset, error) {
	out, err := c.SetUsersOfAssets(ctx, []AssetUsers{{AssetID: assetID, UserIDs: userIDs}})
	if err != nil {
		return Asset{}, err
	}
	return out[0], nil
}

// SetUsersOfAssets sets the users of several assets in one call (the
// endpoint takes an array, as client creates do): the assets as HaloPSA
// answers them, one per set sent.
func (c *Client) SetUsersOfAssets(ctx context.Context, sets []AssetUsers) ([]Asset, error) {
	body := make([]map[string]any, len(sets))
	for i, s := range sets {
		users := make([]map[string]int, len(s.UserIDs))
		for j, id := range s.UserIDs {
			users[j] = map[string]int{"id": id}
		}
		body[i] = map[string]any{"id": s.AssetID, "users": users}
	}
	var out jsonOneOrMany[Asset]
	if err := c.do(ctx, httpx.Request{Method: http.MethodPost, Path: "/api/Asset"}, body, &out); err != nil {
		return nil, err
	}
	if len(out.items) != len(sets) {
		return nil, fmt.Errorf("HaloPSA: POST /api/Asset: expected %d assets back, got %d", len(sets), len(out.items))
	}
	return out.items, nil
}

// LiongardScopes are what Liongard's HaloPSA integration needs: tickets,
// clients and assets, read and write.
var LiongardScopes = []string{"read:tickets", "edit:tickets", "read:customers", "edit:customers", "read:assets", "edit:assets"}

// ConnectionReport is what TestConnection found.
type ConnectionReport struct {
	Agent   Agent
	Scopes  []string // what the token was granted
	Missing []string // of LiongardScopes
	Notes   []string // best-practice warnings
}

// TestConnection fetches a token, reads the agent the application acts as,
// and says which of Liongard's permissions the token lacks.
func (c *Client) TestConnection(ctx context.Context) (ConnectionReport, error) {
	var r ConnectionReport
	if _, err := c.fetchToken(ctx); err != nil {
		return r, err
	}
	me, err := c.Me(ctx)
	if err != nil {
		if errors.Is(err, httpx.ErrForbidden) {
			return r, fmt.Errorf("%w — the application's agent may not read its own record; give the agent API access", err)
		}
		return r, err
	}
	r.Agent = me
	c.mu.Lock()
	r.Scopes = append([]string(nil), c.scope...)
	c.mu.Unlock()
	for _, need := range LiongardScopes {
		if !covers(r.Scopes, need) {
			r.Missing = append(r.Missing, need)
		}
	}
	if !me.IsAPIAgent {
		r.Notes = append(r.Notes, fmt.Sprintf("the application acts as %q, a regular agent; create a dedicated API-only agent for each integration", me.Name))
	}
	if len(me.Teams) == 0 && me.Team == "" {
		r.Notes = append(r.Notes, fmt.Sprintf("agent %q is in no team; assign it the team Liongard should create tickets for", me.Name))
	}
	return r, nil
}

// covers: "all" grants everything, edit:x includes read:x.
func covers(scopes []string, need string) bool {
	for _, s := range scopes {
		if s == "all" || s == need {
			return true
		}
		if area, ok := strings.CutPrefix(need, "read:"); ok && s == "edit:"+area {
			return true
		}
	}
	return false
}
