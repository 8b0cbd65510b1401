package halopsa

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

// Recurring invoices, items and tickets, written from api-facts-ops.md §C:
// an InvoiceHeader with its InvoiceDetail lines, updated by POSTing the
// header with all its lines; tickets created as an array of Faults, the
// ticket type's mandatory fields enforced.

// invoiceLine is Halo's InvoiceDetail, with the fields §C.1 names. The
// quantity_* fields are arrays of the rules Halo computes a quantity from.
type invoiceLine struct {
	ID                   int     `json:"id"`
	IHID                 int     `json:"ihid"`
	ItemID               int     `json:"_itemid"`
	ItemCode             string  `json:"item_code"`
	ItemShortDescription string  `json:"item_shortdescription"`
	QtyOrder             float64 `json:"qty_order"`
	UnitPrice            float64 `json:"unit_price"`
	NetAmount            float64 `json:"net_amount"`
	QuantityType         int     `json:"recurring_invoice_quantity_type"`
	QuantityLicences     []any   `json:"quantity_licences"`
	QuantityUsers        []any   `json:"quantity_users"`
	QuantityAssets       []any   `json:"quantity_assets"`
	Calculated           bool    `json:"_is_calculated_line"`
	Inactive             bool    `json:"isinactive"`
	ContractID           int     `json:"contract_id"`
}

// The world's MSP bills in US dollars.
var (
	usd     = "USD"
	usdCode = 1
)

// recurringInvoice is Halo's InvoiceHeader for a recurring invoice.
type recurringInvoice struct {
	ID                 int           `json:"id"`
	ClientID           int           `json:"client_id"`
	ClientName         string        `json:"client_name"`
	SiteID             int           `json:"site_id"`
	ContractID         int           `json:"contract_id"`
	ContractRef        string        `json:"contract_ref"`
	InvoiceDate        string        `json:"invoice_date"`
	NextCreationDate   string        `json:"nextcreationdate"`
	Period             int           `json:"period"`
	IsRecurringInvoice bool          `json:"is_recurring_invoice"`
	Disabled           bool          `json:"disabled"`
	ContainsCalculated bool          `json:"contains_calculated_quantity"`
	Lines              []invoiceLine `json:"lines,omitempty"`
	Notes              string        `json:"notes_1"`
	// The invoice's currency: the spec's InvoiceHeader has currency,
	// currency_code (an id) and currency_code_name, all nullable.
	Currency         *string `json:"currency"`
	CurrencyCode     *int    `json:"currency_code"`
	CurrencyCodeName *string `json:"currency_code_name"`
}

// item is Halo's Item: what a line bills.
type item struct {
	ID                int     `json:"id"`
	Name              string  `json:"name"`
	Description       string  `json:"description"`
	InternalReference string  `json:"internalreference"`
	ExternalReference string  `json:"externalreference"`
	SupplierPartCode  string  `json:"supplier_part_code"`
	IsRecurring       bool    `json:"isrecurringitem"`
	RecurringPrice    float64 `json:"recurringprice"`
	RecurringCost     float64 `json:"recurringcost"`
}

// ticket is the part of Halo's Faults the simulator keeps.
type ticket struct {
	ID           int    `json:"id"`
	Summary      string `json:"summary"`
	Details      string `json:"details"`
	TicketTypeID int    `json:"tickettype_id"`
	ClientID     int    `json:"client_id"`
	ClientName   string `json:"client_name"`
	SiteID       int    `json:"site_id"`
	Team         string `json:"team"`
	StatusID     int    `json:"status_id"`
	DateOccurred string `json:"dateoccurred"`
	ThirdPartyID string `json:"third_party_id_string,omitempty"`
}

// catalogue is the MSP's item list: names as MSPs write them, including
// ones that name Microsoft without counting its users.
var catalogue = []item{
	{ID: 201, Name: "Microsoft 365 Business Premium", InternalReference: "M365-BP", SupplierPartCode: "CFQ7TTC0LCHC", IsRecurring: true, RecurringPrice: 22, RecurringCost: 19.8},
	{ID: 202, Name: "Microsoft 365 Business Basic", InternalReference: "M365-BB", SupplierPartCode: "CFQ7TTC0LH18", IsRecurring: true, RecurringPrice: 6, RecurringCost: 5.4},
	{ID: 203, Name: "Google Workspace Business Standard", InternalReference: "GWS-STD", IsRecurring: true, RecurringPrice: 14, RecurringCost: 12},
	{ID: 204, Name: "Managed Workstation", InternalReference: "MW-100", IsRecurring: true, RecurringPrice: 45, RecurringCost: 9},
	{ID: 205, Name: "Managed Server", InternalReference: "MS-200", IsRecurring: true, RecurringPrice: 150, RecurringCost: 30},
	{ID: 206, Name: "Backup 1TB", InternalReference: "BKP-1TB", IsRecurring: true, RecurringPrice: 80, RecurringCost: 40},
	{ID: 207, Name: "Microsoft Azure consumption", InternalReference: "AZ-CONS", IsRecurring: true},
	{ID: 208, Name: "Office 365 E3 (legacy)", InternalReference: "O365-E3", IsRecurring: true, RecurringPrice: 23, RecurringCost: 20.7},
	{ID: 209, Name: "G Suite Basic (legacy)", InternalReference: "GS-BASIC", IsRecurring: true, RecurringPrice: 6, RecurringCost: 6},
	{ID: 210, Name: "Security Awareness Training", InternalReference: "SAT-USER", IsRecurring: true, RecurringPrice: 3, RecurringCost: 1},
	{ID: 211, Name: "Onsite hour", InternalReference: "LAB-ONS", RecurringPrice: 0},
}

func catalogued(id int) item {
	for _, it := range catalogue {
		if it.ID == id {
			return it
		}
	}
	panic(fmt.Sprintf("sandbox: no item %d", id))
}

// seedBilling gives each active client that the world licenses a
// recurring invoice billing its seats (world.Licences: what it plants),
// and every third other active client one for its devices only.
func seedBilling(d *data, w *world.World, owners map[int]world.Owned) {
	d.items = catalogue
	d.nextLine = 90001
	d.nextTicket = 4001
	for i, id := range sortedIDs(d.clients) {
		c, o := d.clients[id], owners[id]
		if c.Inactive || o.Name != o.Customer.In[world.HaloPSA][0].Name {
			continue
		}
		lic := w.Licences(o.Customer)
		if lic.Product == "" && i%3 != 0 {
			continue
		}
		inv := &recurringInvoice{ID: 100 + i, ClientID: c.ID, ClientName: c.Name, SiteID: c.MainSiteID, ContractID: 500 + i,
			ContractRef: fmt.Sprintf("MSA-%04d", c.ID), InvoiceDate: "2026-11-01T00:00:00", NextCreationDate: "2026-12-01T00:00:00",
			Period: 1, IsRecurringInvoice: true, CurrencyCode: &usdCode, CurrencyCodeName: &usd}
		add := func(itemID int, qty float64, calculated bool) {
			it := catalogued(itemID)
			l := invoiceLine{ID: inv.ID*10 + len(inv.Lines) + 1, IHID: inv.ID, ItemID: it.ID, ItemCode: it.InternalReference,
				ItemShortDescription: it.Name, QtyOrder: qty, UnitPrice: it.RecurringPrice, NetAmount: qty * it.RecurringPrice,
				QuantityLicences: []any{}, QuantityUsers: []any{}, QuantityAssets: []any{}, Calculated: calculated, ContractID: inv.ContractID}
			if calculated {
				l.QuantityType = 2
				l.QuantityUsers = []any{map[string]any{"id": l.ID, "invoice_line_id": l.ID, "kind": 1, "type_name": "Users"}}
				inv.ContainsCalculated = true
			}
			inv.Lines = append(inv.Lines, l)
		}
		add(204, float64(3+o.Customer.ID%40), false)
		if lic.Billed > 0 {
			seats := float64(lic.Billed)
			switch {
			case lic.Product == world.M365 && lic.Split:
				add(201, seats-2, false)
				add(202, 2, false)
			case lic.Product == world.M365:
				add([]int{201, 201, 201, 208}[o.Customer.ID%4], seats, o.Customer.ID%29 == 0)
			default:
				add([]int{203, 203, 209}[o.Customer.ID%3], seats, false)
			}
		}
		if o.Customer.ID%5 == 0 {
			add(210, float64(lic.Users+1), false)
		}
		d.invoices = append(d.invoices, inv)
	}
}

func (s *Sim) billingRoutes() {
	s.Handle("GET /api/RecurringInvoice", s.authed("read:invoices", s.listRecurringInvoices))
	s.Handle("GET /api/RecurringInvoice/{id}", s.authed("read:invoices", s.getRecurringInvoice))
	s.Handle("POST /api/RecurringInvoice", s.authed("edit:invoices", s.postRecurringInvoices))
	s.Handle("GET /api/Item", s.authed("read:items", s.listItems))
	s.Handle("GET /api/Tickets", s.authed("read:tickets", s.listTickets))
	s.Handle("GET /api/Tickets/{id}", s.authed("read:tickets", s.getTicket))
	s.Handle("POST /api/Tickets", s.authed("edit:tickets", s.postTickets))
}

func (s *Sim) listRecurringInvoices(w http.ResponseWriter, r *http.Request, _ App) {
	clientID := intParam(r, "client_id", 0)
	lines, _ := boolParam(r, "includelines")
	s.mu.Lock()
	out := []recurringInvoice{}
	for _, inv := range s.data.invoices {
		if clientID != 0 && inv.ClientID != clientID {
			continue
		}
		c := *inv
		if !lines {
			c.Lines = nil
		}
		out = append(out, c)
	}
	s.mu.Unlock()
	paged(w, r, "invoices", out)
}

func (s *Sim) getRecurringInvoice(w http.ResponseWriter, r *http.Request, _ App) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, inv := range s.data.invoices {
		if inv.ID == id {
			simkit.WriteJSON(w, http.StatusOK, inv)
			return
		}
	}
	simkit.WriteJSON(w, http.StatusNotFound, map[string]string{"Message": fmt.Sprintf("Recurring invoice %d not found", id)})
}

// postRecurringInvoices updates headers: the fields sent change, and when
// lines are sent they become the invoice's lines — a line left out is
// deleted (UNCERTAIN in Halo; practitioners send every line back, which
// is safe either way). A line without an id is added.
func (s *Sim) postRecurringInvoices(w http.ResponseWriter, r *http.Request, _ App) {
	items, ok := decodeArray(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []recurringInvoice
	for n, in := range items {
		var inv *recurringInvoice
		for _, x := range s.data.invoices {
			if x.ID == num(in, "id") {
				inv = x
			}
		}
		if inv == nil {
			simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{fmt.Sprintf("[%d].id", n): "Recurring invoice not found; creating one is not simulated."})
			return
		}
		if v, has := in["disabled"].(bool); has {
			inv.Disabled = v
		}
		if v, has := str(in, "notes_1"); has {
			inv.Notes = v
		}
		raw, has := in["lines"].([]any)
		if !has {
			out = append(out, *inv)
			continue
		}
		old := map[int]invoiceLine{}
		for _, l := range inv.Lines {
			old[l.ID] = l
		}
		var lines []invoiceLine
		for _, x := range raw {
			m, _ := x.(map[string]any)
			l, known := old[num(m, "id")]
			if !known {
				l = invoiceLine{ID: s.data.nextLine, IHID: inv.ID, ContractID: inv.ContractID, QuantityLicences: []any{}, QuantityUsers: []any{}, QuantityAssets: []any{}}
				s.data.nextLine++
				if it := num(m, "_itemid"); it != 0 {
					for _, c := range s.data.items {
						if c.ID == it {
							l.ItemID, l.ItemCode, l.ItemShortDescription, l.UnitPrice = c.ID, c.InternalReference, c.Name, c.RecurringPrice
						}
					}
				}
			}
			if q, isNum := m["qty_order"].(float64); isNum && !s.data.keepQuantities {
				l.QtyOrder = q
			}
			if p, isNum := m["unit_price"].(float64); isNum {
				l.UnitPrice = p
			}
			if d, isText := str(m, "item_shortdescription"); isText {
				l.ItemShortDescription = d
			}
			l.NetAmount = l.QtyOrder * l.UnitPrice
			lines = append(lines, l)
		}
		inv.Lines = lines
		out = append(out, *inv)
	}
	if len(out) == 1 {
		simkit.WriteJSON(w, http.StatusOK, out[0])
		return
	}
	simkit.WriteJSON(w, http.StatusOK, out)
}

func (s *Sim) listItems(w http.ResponseWriter, r *http.Request, _ App) {
	search := strings.ToLower(r.URL.Query().Get("search"))
	recurring, _ := boolParam(r, "recurringonly")
	s.mu.Lock()
	out := []item{}
	for _, it := range s.data.items {
		if recurring && !it.IsRecurring || search != "" && !strings.Contains(strings.ToLower(it.Name), search) {
			continue
		}
		out = append(out, it)
	}
	s.mu.Unlock()
	paged(w, r, "items", out)
}

func (s *Sim) listTickets(w http.ResponseWriter, r *http.Request, _ App) {
	clientID := intParam(r, "client_id", 0)
	search := strings.ToLower(r.URL.Query().Get("search"))
	s.mu.Lock()
	out := []ticket{}
	for _, t := range s.data.tickets {
		if clientID != 0 && t.ClientID != clientID || search != "" && !strings.Contains(strings.ToLower(t.Summary), search) {
			continue
		}
		out = append(out, t)
	}
	s.mu.Unlock()
	paged(w, r, "tickets", out)
}

func (s *Sim) getTicket(w http.ResponseWriter, r *http.Request, _ App) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.data.tickets {
		if t.ID == id {
			simkit.WriteJSON(w, http.StatusOK, t)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("Ticket not found"))
}

// updateTicket is POST /api/Tickets with a known id: Halo's upsert, here
// the status (an agent closing the ticket).
func (s *Sim) updateTicket(in map[string]any) (ticket, bool) {
	id := num(in, "id")
	for i := range s.data.tickets {
		if s.data.tickets[i].ID == id {
			if st := num(in, "status_id"); st != 0 {
				s.data.tickets[i].StatusID = st
			}
			return s.data.tickets[i], true
		}
	}
	return ticket{}, false
}

// postTickets creates tickets from an array of Faults. A ticket type's
// mandatory fields (technew 2) other than summary and details must come
// in customfields, or Halo refuses the whole array with its CODE: text,
// the top cause of failed integration tickets (api-facts §1.4).
func (s *Sim) postTickets(w http.ResponseWriter, r *http.Request, _ App) {
	items, ok := decodeArray(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var made []ticket
	if len(items) == 1 && num(items[0], "id") != 0 {
		if t, ok := s.updateTicket(items[0]); ok {
			simkit.WriteJSON(w, http.StatusOK, t)
			return
		}
		simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{"[0].id": "The ticket does not exist."})
		return
	}
	for n, in := range items {
		summary, _ := str(in, "summary")
		if strings.TrimSpace(summary) == "" {
			simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{fmt.Sprintf("[%d].summary", n): "A summary is required."})
			return
		}
		c := s.data.clients[num(in, "client_id")]
		if c == nil {
			simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{fmt.Sprintf("[%d].client_id", n): "The client does not exist."})
			return
		}
		typeID := num(in, "tickettype_id")
		if typeID == 0 {
			typeID = 1
		}
		tt := s.typeOf(typeID)
		if tt == nil {
			simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{fmt.Sprintf("[%d].tickettype_id", n): "The ticket type does not exist."})
			return
		}
		given := map[int]bool{}
		if cf, isList := in["customfields"].([]any); isList {
			for _, x := range cf {
				if m, isObj := x.(map[string]any); isObj && fmt.Sprint(m["value"]) != "" && m["value"] != nil {
					given[num(m, "id")] = true
				}
			}
		}
		if refused := tt.missing(given); refused != "" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(refused))
			return
		}
		details, _ := str(in, "details")
		team, _ := str(in, "team")
		if team == "" {
			team = tt.DefaultTeam
		}
		third, _ := str(in, "third_party_id_string")
		t := newTicket(s.data.nextTicket+len(made), c, tt, summary, details, team)
		t.ThirdPartyID = third
		made = append(made, t)
	}
	s.data.tickets = append(s.data.tickets, made...)
	s.data.nextTicket += len(made)
	if len(made) == 1 {
		simkit.WriteJSON(w, http.StatusOK, made[0])
		return
	}
	simkit.WriteJSON(w, http.StatusOK, made)
}

// adminKeep makes HaloPSA answer quantity writes as done and keep the old
// numbers: {"quantities": true}.
func (s *Sim) adminKeep(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Quantities bool `json:"quantities"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	s.mu.Lock()
	s.data.keepQuantities = body.Quantities
	s.mu.Unlock()
	simkit.WriteJSON(w, http.StatusOK, body)
}

// OpenForCustomer opens a ticket for the client of a world customer, as
// an integration (Liongard's alert templates) does through the API: the
// ticket type's mandatory fields refuse it as POST /api/Tickets would.
func (s *Sim) OpenForCustomer(customerID int, summary, details string, typeID int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	account := fmt.Sprintf("CUST%05d", customerID)
	var c *client
	for _, x := range s.data.clients {
		if x.AccountsID == account && (c == nil || x.ID < c.ID) {
			c = x
		}
	}
	if c == nil {
		return 0, fmt.Errorf("no client of customer %d", customerID)
	}
	tt := s.typeOf(typeID)
	if tt == nil {
		return 0, fmt.Errorf("no ticket type %d", typeID)
	}
	if refused := tt.missing(nil); refused != "" {
		return 0, errors.New(refused)
	}
	t := newTicket(s.data.nextTicket, c, tt, summary, details, tt.DefaultTeam)
	s.data.tickets = append(s.data.tickets, t)
	s.data.nextTicket++
	return t.ID, nil
}

func (s *Sim) typeOf(id int) *ticketType {
	for i := range s.data.types {
		if s.data.types[i].ID == id {
			return &s.data.types[i]
		}
	}
	return nil
}

// missing is Halo's refusal of a ticket that lacks one of the type's
// mandatory fields (technew 2) other than summary and details, "" if none.
func (tt *ticketType) missing(given map[int]bool) string {
	for _, f := range tt.Fields {
		if f.TechNew == 2 && f.FieldName != "summary" && f.FieldName != "details" && !given[f.FieldID] {
			return "CODE:APP03/2 Please select the " + f.FieldName + " to approve"
		}
	}
	return ""
}

func newTicket(id int, c *client, tt *ticketType, summary, details, team string) ticket {
	return ticket{ID: id, Summary: summary, Details: details, TicketTypeID: tt.ID, ClientID: c.ID, ClientName: c.Name, SiteID: c.MainSiteID,
		Team: team, StatusID: tt.InitialStatus, DateOccurred: time.Now().UTC().Format("2006-01-02T15:04:05")}
}
