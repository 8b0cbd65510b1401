// Package billing reconciles licence counts with billed quantities: per
// HaloPSA client and product, the active licensed users Liongard's
// inspector counts in the client's environment (the review's decisions
// say which) against the seats its recurring invoice lines bill. The
// fixes it proposes go through the change engine as plans of kind
// billing.
package billing

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/linkcheck"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/flows/remedy"
	"github.com/mspwire/mspwire/flows/tickets"
	"github.com/mspwire/mspwire/store"
)

// Status is what reconciling one client and product found.
type Status string

// The statuses, in the order a report lists them.
const (
	CheckMapping Status = "check_mapping" // the evidence doubts the client's link to its environment: no money, no plan until checked
	UnderBilled  Status = "under_billed"  // more users than seats billed: revenue not billed
	NotBilled    Status = "not_billed"    // users, and no line bills the product
	OverBilled   Status = "over_billed"   // more seats billed than users: a credit owed
	NoData       Status = "no_data"       // billed, but Liongard has no recent count
	Unmapped     Status = "unmapped"      // billed, but the review links no Liongard environment
	Match        Status = "match"         // counted and billed agree (within the tolerance)
	Ignored      Status = "ignored"       // the operator ignores it until the numbers change
)

// Statuses lists every status in report order.
var Statuses = []Status{CheckMapping, UnderBilled, NotBilled, OverBilled, NoData, Unmapped, Match, Ignored}

// ParseStatus reads a status as filters take it.
func ParseStatus(s string) (Status, bool) {
	for _, x := range Statuses {
		if string(x) == strings.ToLower(strings.TrimSpace(s)) {
			return x, true
		}
	}
	return "", false
}

// Settled says whether a row needs nothing: a match or ignored.
func (s Status) Settled() bool { return s == Match || s == Ignored }

// Words is the status as a person reads it.
func (s Status) Words() string { return strings.ReplaceAll(string(s), "_", "-") }

// MaxAge is how old a count may be: an inspection older than this is no
// data, not a number to bill by.
const MaxAge = 30 * 24 * time.Hour

// Ref names a record of a system.
type Ref = store.RecordRef

// Line is a recurring invoice line that bills the product.
type Line struct {
	InvoiceID  int     `json:"invoice_id"`
	LineID     int     `json:"line_id"`
	Item       string  `json:"item"`
	Quantity   float64 `json:"quantity"`
	UnitPrice  float64 `json:"unit_price"`
	Calculated bool    `json:"calculated"` // HaloPSA computes its quantity: a set quantity would be overwritten
	// NextCreation is when the recurring invoice next bills
	// (nextcreationdate): a quantity set now counts from then.
	NextCreation string `json:"next_creation,omitempty"`
	Currency     string `json:"currency,omitempty"` // as the invoice names it; "" when it names none
}

// Row is one client and product.
type Row struct {
	ID                string     `json:"id"` // "<client id>:<product>", stable
	Client            Ref        `json:"client"`
	Environment       *Ref       `json:"environment"`
	Product           Product    `json:"product"`
	Counted           *int       `json:"counted"`
	LastCount         *int       `json:"last_count,omitempty"` // a count too old to reconcile by (no_data), shown for what it was
	Billed            int        `json:"billed"`
	Difference        *int       `json:"difference"`
	UnitPrice         float64    `json:"unit_price"`
	Currency          string     `json:"currency,omitempty"` // of the line that prices the row, as HaloPSA names it
	MonthlyDifference *float64   `json:"monthly_difference"`
	Status            Status     `json:"status"`
	Line              *Line      `json:"line"`  // the line a quantity fix sets: the largest that bills it
	Lines             []Line     `json:"lines"` // every line that bills it
	CountedAt         *time.Time `json:"counted_at"`
	Metric            string     `json:"metric"`
	Why               string     `json:"why"`
	Choice            string     `json:"choice,omitempty"` // quantity, ticket or ignore, when chosen
	// Ticket is the HaloPSA ticket a plan opened for the row's numbers as
	// they are, read back; InHand says it is still open: the row waits on
	// it, out of the open rows and the open money, until it closes or the
	// numbers move.
	Ticket *TicketRef `json:"ticket,omitempty"`
	InHand bool       `json:"in_hand"`
	Reason string     `json:"reason,omitempty"` // why it is ignored
}

// TicketRef is a ticket a billing plan opened, as HaloPSA has it now.
type TicketRef = tickets.Ref

// RowID is the stable id of a client's product row.
func RowID(clientID int, p Product) string { return strconv.Itoa(clientID) + ":" + string(p) }

// Totals sum a report up.
type Totals struct {
	Rows     int            `json:"rows"`
	ByStatus map[Status]int `json:"by_status"`
	// NotBilledMonthly is what under-billed and not-billed rows leave
	// unbilled each month; OverBilledMonthly what over-billed rows bill
	// too much (a positive number). In the invoices' currency.
	NotBilledMonthly  float64 `json:"not_billed_monthly"`
	OverBilledMonthly float64 `json:"over_billed_monthly"`
	// InHand counts the rows an open ticket holds, and InHandMonthly what
	// they are worth a month (signed): apart from the totals above.
	InHand        int     `json:"in_hand"`
	InHandMonthly float64 `json:"in_hand_monthly"`
}

// Report is a reconciliation.
type Report struct {
	Rows   []Row  `json:"rows"`
	Totals Totals `json:"totals"`
	// Unconfirmed are items billed by proposal: the operator has not
	// confirmed what they bill.
	Unconfirmed []ItemMapping `json:"unconfirmed_items"`
	// Currencies are those the recurring invoices name, sorted: one in
	// most tenants, none when HaloPSA leaves them empty.
	Currencies []string `json:"currencies,omitempty"`
}

// In says which currency the report's money is in, for a sentence's end:
// "USD", or the invoices' own when HaloPSA names none, or all of them
// when the invoices differ (totals then add them as they stand).
func (r Report) In() string {
	switch len(r.Currencies) {
	case 0:
		return "in the invoices' currency"
	case 1:
		return "in " + r.Currencies[0]
	}
	return "in the invoices' currencies, " + strings.Join(r.Currencies, " and ") + ": the totals add them as they stand"
}

// Inputs are what a reconciliation reads.
type Inputs struct {
	// Environments maps a HaloPSA client to its Liongard environment, as
	// the review decided.
	Environments map[int]Ref
	Clients      map[int]string // HaloPSA client names, by id
	Values       []liongard.MetricValue
	Metrics      map[Product]Counting
	Invoices     []halopsa.RecurringInvoice
	Items        []ItemMapping
	Choices      map[string]store.BillingChoice
	Tolerances   map[string]int
	Now          time.Time
	Links        linkcheck.Result         // the evidence against each link; the zero Result doubts none
	SignIns      map[string]metrics.Found // the sign-in metrics the link check reads, by purpose
	Created      map[string]bool          // Liongard environments an applied plan created, by id
	Tickets      map[string][]TicketRef   // the tickets plans opened, by row id, read back from HaloPSA
	Matched      map[string]int64         // rows that were a match in a kept run: the latest such run, by row id
}

// Reconcile compares counted and billed per client and product.
func Reconcile(in Inputs) Report {
	byItem := map[int]ItemMapping{}
	for _, m := range in.Items {
		byItem[m.ItemID] = m
	}
	type key struct {
		client  int
		product Product
	}
	billed := map[key][]Line{}
	names := map[int]string{}
	for id, n := range in.Clients {
		names[id] = n
	}
	usedUnconfirmed := map[int]bool{}
	var currencies []string
	// Sums are over distinct lines and systems: a list read twice over
	// must not bill or count anything twice.
	lineSeen := map[[2]int]bool{}
	for _, inv := range in.Invoices {
		if inv.Disabled {
			continue
		}
		names[inv.ClientID] = inv.ClientName
		if c := inv.Currency(); c != "" && !slices.Contains(currencies, c) {
			currencies = append(currencies, c)
		}
		for _, l := range inv.Lines {
			m := byItem[l.ItemID]
			if l.Inactive || m.Product == "" || m.Product == None || lineSeen[[2]int{inv.ID, l.ID}] {
				continue
			}
			lineSeen[[2]int{inv.ID, l.ID}] = true
			if !m.Confirmed {
				usedUnconfirmed[m.ItemID] = true
			}
			k := key{inv.ClientID, m.Product}
			billed[k] = append(billed[k], Line{InvoiceID: inv.ID, LineID: l.ID, Item: l.Description, Quantity: l.Quantity, NextCreation: inv.NextCreationDate,
				UnitPrice: l.UnitPrice, Calculated: l.Calculated, Currency: inv.Currency()})
		}
	}
	metricOf := map[int]Product{}
	for p, m := range in.Metrics {
		metricOf[m.ID] = p
	}
	type count struct {
		n      int
		at     time.Time
		broken bool
	}
	counted := map[string]map[Product]*count{} // environment id -> product
	valueSeen := map[string]bool{}
	for _, v := range in.Values {
		p, ok := metricOf[v.MetricID]
		if !ok || valueSeen[v.RecordKey()] {
			continue
		}
		valueSeen[v.RecordKey()] = true
		env := strconv.Itoa(v.EnvironmentID)
		if counted[env] == nil {
			counted[env] = map[Product]*count{}
		}
		c := counted[env][p]
		if c == nil {
			c = &count{}
			counted[env][p] = c
		}
		n, readable := v.Count()
		at := v.InspectedAt()
		c.n += n
		c.broken = c.broken || !readable || at.IsZero()
		if c.at.IsZero() || at.Before(c.at) {
			c.at = at // several tenants: as old as the oldest
		}
	}
	prices := listPrices(in)
	seen := map[key]bool{}
	var keys []key
	for k := range billed {
		seen[k] = true
		keys = append(keys, k)
	}
	for client, env := range in.Environments {
		for p := range counted[env.ID] {
			if k := (key{client, p}); !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	var rep Report
	rep.Totals.ByStatus = map[Status]int{}
	sort.Strings(currencies)
	rep.Currencies = currencies
	for _, k := range keys {
		r := Row{ID: RowID(k.client, k.product), Client: Ref{System: "halopsa", ID: strconv.Itoa(k.client), Name: names[k.client]},
			Product: k.product, Lines: billed[k], Metric: in.Metrics[k.product].Name}
		for _, l := range r.Lines {
			r.Billed += int(math.Round(l.Quantity))
			if r.Line == nil || l.Quantity > r.Line.Quantity {
				l := l
				r.Line = &l
			}
		}
		if r.Line != nil {
			r.UnitPrice, r.Currency = r.Line.UnitPrice, r.Line.Currency
		} else if len(currencies) == 1 {
			r.UnitPrice, r.Currency = prices[k.product], currencies[0]
		} else {
			r.UnitPrice = prices[k.product]
		}
		env, mapped := in.Environments[k.client]
		var c *count
		if mapped {
			e := env
			r.Environment = &e
			c = counted[env.ID][k.product]
		}
		switch {
		case !mapped:
			r.Status, r.Why = Unmapped, "the review links this client to no Liongard environment: decide it in the review" // each face says how
		case c == nil && in.Created[env.ID]:
			r.Status, r.Why = NoData, "no "+k.product.Title()+" inspection yet in environment "+env.ID+" (created by mspwire): add the inspector to it in Liongard"
		case c == nil:
			r.Status, r.Why = NoData, "Liongard has no "+k.product.Title()+" inspection in "+env.Name
		case c.broken:
			r.Status, r.Why = NoData, "Liongard's "+k.product.Title()+" count in "+env.Name+" is not a number"
		case in.Now.Sub(c.at) > MaxAge:
			at, last := c.at, c.n
			r.CountedAt, r.LastCount = &at, &last
			r.Status, r.Why = NoData, fmt.Sprintf("the last %s inspection ran %s ago (over 30), counting %s then: run the inspector in Liongard",
				k.product.Title(), plural.N(int(in.Now.Sub(c.at).Hours()/24), "day", "days"), plural.N(last, "user", "users"))
		default:
			n, at := c.n, c.at
			d := n - r.Billed
			r.Counted, r.CountedAt, r.Difference = &n, &at, &d
			if r.UnitPrice > 0 || r.Line != nil { // no line and no price elsewhere: the money is unknown
				money := math.Round(float64(d)*r.UnitPrice*100) / 100
				r.MonthlyDifference = &money
			}
			tol := in.Tolerances[string(k.product)]
			switch {
			case r.Billed == 0 && n > 0:
				r.Status, r.Why = NotBilled, fmt.Sprintf("%s and no recurring line bills %s", plural.N(n, "user", "users"), k.product.Title())
			case d == 0:
				r.Status, r.Why = Match, "counted and billed agree"
			case abs(d) <= tol:
				r.Status, r.Why = Match, fmt.Sprintf("within the tolerance of %s: %s", seats(tol), offBy(d))
			case d > 0:
				r.Status, r.Why = UnderBilled, offBy(d)
			default:
				r.Status, r.Why = OverBilled, offBy(d)
			}
		}
		if r.Counted != nil && *r.Counted == 0 && r.Billed == 0 {
			continue // nobody to count and nothing billed
		}
		if mapped {
			if d, doubted := in.Links.Of(r.Client.ID, env.ID); doubted {
				r.Status, r.Why = CheckMapping, d.String()
			} else if run, ok := in.Matched[r.ID]; ok && r.Counted != nil && farApart(*r.Counted, r.Billed) && !in.Links.Confirmed(r.Client.ID, env.ID) {
				// A client whose numbers agreed before and now are worlds
				// apart was most likely linked to another environment since.
				r.Status, r.Why = CheckMapping, fmt.Sprintf("check the mapping: %s counted where %d are billed, though the numbers agreed in run %d: "+
					"is %s still this client's environment?", plural.N(*r.Counted, "user", "users"), r.Billed, run, env.Name)
			}
		}
		if ch, ok := in.Choices[r.ID]; ok {
			r.Choice = ch.Choice
			if ch.Choice == "ignore" {
				if same(ch.Counted, r.Counted) && ch.Billed != nil && *ch.Billed == r.Billed {
					r.Status, r.Reason, r.Why = Ignored, ch.Reason, "ignored by "+ch.DecidedBy+": "+ch.Reason
				} else {
					r.Choice = "" // the numbers changed: the ignore has ended
				}
			}
		}
		switch r.Status {
		case Match:
			r.Choice = "" // counted and billed agree: an earlier fix is moot
		case Ignored, CheckMapping: // an ignored row keeps its choice, "ignore", beside its reason
		default:
			for _, t := range in.Tickets[r.ID] {
				if t.For == numbers(r, r.Billed) {
					t := t
					r.Ticket, r.InHand = &t, t.Open
				}
			}
		}
		rep.Rows = append(rep.Rows, r)
		rep.Totals.ByStatus[r.Status]++
		if r.InHand {
			rep.Totals.InHand++
			if r.MonthlyDifference != nil {
				rep.Totals.InHandMonthly += *r.MonthlyDifference
			}
			continue
		}
		if r.MonthlyDifference != nil && (r.Status == UnderBilled || r.Status == NotBilled) {
			rep.Totals.NotBilledMonthly += *r.MonthlyDifference
		}
		if r.MonthlyDifference != nil && r.Status == OverBilled {
			rep.Totals.OverBilledMonthly -= *r.MonthlyDifference
		}
	}
	order := map[Status]int{}
	for i, s := range Statuses {
		order[s] = i
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if order[a.Status] != order[b.Status] {
			return order[a.Status] < order[b.Status]
		}
		if a.Client.Name != b.Client.Name {
			return strings.ToLower(a.Client.Name) < strings.ToLower(b.Client.Name)
		}
		return a.ID < b.ID
	})
	rep.Totals.Rows = len(rep.Rows)
	rep.Totals.NotBilledMonthly = math.Round(rep.Totals.NotBilledMonthly*100) / 100
	rep.Totals.OverBilledMonthly = math.Round(rep.Totals.OverBilledMonthly*100) / 100
	for _, m := range in.Items {
		if usedUnconfirmed[m.ItemID] {
			rep.Unconfirmed = append(rep.Unconfirmed, m)
		}
	}
	return rep
}

// Open says how many rows need the operator: neither a match nor
// ignored, nor held by an open ticket.
func (r Report) Open() int {
	n := 0
	for _, row := range r.Rows {
		if row.NeedsSomeone() {
			n++
		}
	}
	return n
}

// NeedsSomeone says whether a row is to act on: neither a match nor
// ignored, nor held by an open ticket.
func (r Row) NeedsSomeone() bool { return !r.Status.Settled() && !r.InHand }

// Row finds a row by id.
func (r Report) Row(id string) (Row, bool) {
	for _, row := range r.Rows {
		if row.ID == id {
			return row, true
		}
	}
	return Row{}, false
}

// listPrices are what a not-billed product would cost a month per user:
// the price on other clients' lines of the item that bills it most often.
func listPrices(in Inputs) map[Product]float64 {
	price := map[int]float64{} // item -> a unit price a line bills it at
	for _, inv := range in.Invoices {
		for _, l := range inv.Lines {
			if l.UnitPrice > 0 {
				price[l.ItemID] = l.UnitPrice
			}
		}
	}
	out, most := map[Product]float64{}, map[Product]int{}
	for _, m := range in.Items {
		if p, ok := price[m.ItemID]; ok && m.Lines > most[m.Product] {
			out[m.Product], most[m.Product] = p, m.Lines
		}
	}
	return out
}

func same(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ticketInstead is the remedy of a row whose quantity cannot be set.
var ticketInstead = remedy.Remedy{Do: remedy.OpenTicket, Workflow: string(change.Billing)}

// CanChoose says whether a row can take a choice: a quantity fix needs a
// counted number and a line HaloPSA does not compute itself; nothing is
// chosen for a match.
func CanChoose(r Row, choice string) error {
	switch {
	case r.Status == Match:
		return fmt.Errorf("%s (%s, %s) is a match: nothing to fix or ignore", r.ID, r.Client.Name, r.Product.Title())
	case choice != "ignore" && r.Status == CheckMapping:
		return remedy.Refuse(fmt.Sprintf("%s (%s): %s — no fix until the link is confirmed or re-mapped", r.ID, r.Client.Name, r.Why),
			remedy.Remedy{Do: remedy.ConfirmLink, Workflow: string(change.Billing), Arg: r.Client.ID})
	case choice == "ticket" && r.Status == Unmapped:
		// A ticket goes to the customer's service desk: mspwire's own
		// missing link is not the customer's to fix.
		return fmt.Errorf("%s (%s) has no Liongard environment in the review: link it there first (a ticket would ask the customer's desk about mspwire's mapping), or ignore the row", r.ID, r.Client.Name)
	case choice == "ticket" && r.Status == NoData:
		return fmt.Errorf("%s (%s, %s) has no recent count to report: run the inspector in Liongard first (a ticket would carry no number), or ignore the row", r.ID, r.Client.Name, r.Product.Title())
	case choice != "quantity":
		return nil
	case r.Status != UnderBilled && r.Status != OverBilled:
		return remedy.Refuse(fmt.Sprintf("%s is %s: only an under- or over-billed row's quantity can be set", r.ID, r.Status.Words()), ticketInstead)
	case r.Line == nil || r.Difference == nil:
		return remedy.Refuse(fmt.Sprintf("%s has no line or no count to set it to", r.ID), ticketInstead)
	case r.Line.Quantity+float64(*r.Difference) < 0:
		return remedy.Refuse(fmt.Sprintf("%s: the other lines that bill %s already bill more than is counted, so no quantity on line %d makes them agree",
			r.ID, r.Product.Title(), r.Line.LineID), ticketInstead)
	case r.Line.Calculated:
		return remedy.Refuse(fmt.Sprintf("%s: HaloPSA calculates the quantity of line %d (%s) itself and would overwrite a number set by hand; "+
			"fix its quantity rule in HaloPSA", r.ID, r.Line.LineID, r.Line.Item), ticketInstead)
	}
	return nil
}

// seats is "1 seat", "2 seats".
func seats(n int) string { return plural.N(n, "seat", "seats") }

// offBy says how counted and billed differ: "2 more users than seats
// billed", "1 seat billed more than users".
func offBy(d int) string {
	if d > 0 {
		return plural.N(d, "more user", "more users") + " than seats billed"
	}
	return plural.N(-d, "more seat", "more seats") + " billed than users"
}

// farApart says whether a count and the seats billed are too far apart
// for one customer: one three times the other, and at least five apart.
func farApart(counted, billed int) bool {
	lo, hi := min(counted, billed), max(counted, billed)
	return hi-lo >= 5 && hi >= 3*lo
}

// HistoryRows are the report's rows as a kept run compares them: open
// while someone must act on it (an open ticket holds it); what counts as
// news is the numbers.
func HistoryRows(rep Report) []history.Row {
	out := make([]history.Row, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		counted := ""
		if r.Counted != nil {
			counted = strconv.Itoa(*r.Counted)
		}
		out = append(out, history.Row{ID: r.ID, Open: r.NeedsSomeone(), Status: string(r.Status),
			Values: map[string]string{"counted": counted, "billed": strconv.Itoa(r.Billed)}})
	}
	return out
}
