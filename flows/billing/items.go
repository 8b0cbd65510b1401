package billing

import (
	"strings"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/store"
)

// Product is what a recurring line bills, as Liongard counts it.
type Product string

// The products billing reconciles, and "none" for items that count
// neither.
const (
	M365            Product = "m365"
	GoogleWorkspace Product = "google_workspace"
	None            Product = "none"
)

// Products are the counted products, in report order.
var Products = []Product{M365, GoogleWorkspace}

// ParseProduct reads a product as `billing items set` takes it.
func ParseProduct(s string) (Product, bool) {
	switch Product(strings.ToLower(strings.TrimSpace(s))) {
	case M365, "microsoft365", "microsoft_365", "o365":
		return M365, true
	case GoogleWorkspace, "google-workspace", "gws", "google":
		return GoogleWorkspace, true
	case None:
		return None, true
	}
	return "", false
}

// Title is the product as a person reads it.
func (p Product) Title() string {
	switch p {
	case M365:
		return "Microsoft 365"
	case GoogleWorkspace:
		return "Google Workspace"
	}
	return "none"
}

// ItemMapping is one HaloPSA item with the product it bills: the
// operator's word when given, else mspwire's proposal with its reason.
type ItemMapping struct {
	ItemID    int     `json:"item_id"`
	Name      string  `json:"name"`
	Code      string  `json:"code"`
	Product   Product `json:"product"`
	Proposed  Product `json:"proposed"`
	Why       string  `json:"why"`
	Confirmed bool    `json:"confirmed"`
	Lines     int     `json:"lines"` // recurring lines that bill it
}

// words that make an item bill a product's users, and words that mark an
// item that names the vendor without counting its users (a backup of
// Microsoft 365 is billed per user, but it is not the suite).
var (
	googleWords = []string{"google workspace", "g suite", "gsuite", "google apps", "gws"}
	m365Words   = []string{"microsoft 365", "office 365", "business premium", "business basic", "business standard",
		"exchange online", "365", "o365", "m365", "microsoft"}
	notSuite = []string{"azure", "backup", "archiv", "training", "defender", "consumption", "migration", "support"}
)

// Propose says which product an item bills from its name and codes, and
// why; None when nothing in them says a suite.
func Propose(it halopsa.Item) (Product, string) {
	text := strings.ToLower(strings.Join([]string{it.Name, it.InternalReference, it.ExternalReference, it.SupplierPartCode}, " "))
	for _, w := range notSuite {
		if strings.Contains(text, w) {
			return None, "“" + w + "” marks it as something else than the suite"
		}
	}
	for _, w := range googleWords {
		if containsWord(text, w) {
			return GoogleWorkspace, "its name has “" + w + "”"
		}
	}
	for _, w := range m365Words {
		if containsWord(text, w) {
			return M365, "its name has “" + w + "”"
		}
	}
	return None, "nothing in its name says Microsoft 365 or Google Workspace"
}

// containsWord finds w in text at word edges: "gws" in "GWS-STD", not in
// "gwsx".
func containsWord(text, w string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !isAlnum(text[start-1])) && (end == len(text) || !isAlnum(text[end])) {
			return true
		}
		i = start + 1
	}
}

func isAlnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// MapItems joins HaloPSA's items with the operator's confirmed mappings
// and mspwire's proposals. Only items that recurring lines bill, or that
// the operator already mapped, are listed: the rest bill nothing monthly.
func MapItems(items []halopsa.Item, invoices []halopsa.RecurringInvoice, confirmed map[int]store.ItemProduct) []ItemMapping {
	lines := map[int]int{}
	for _, inv := range invoices {
		for _, l := range inv.Lines {
			lines[l.ItemID]++
		}
	}
	var out []ItemMapping
	for _, it := range items {
		_, mapped := confirmed[it.ID]
		if lines[it.ID] == 0 && !mapped {
			continue
		}
		proposed, why := Propose(it)
		m := ItemMapping{ItemID: it.ID, Name: it.Name, Code: it.InternalReference, Product: proposed, Proposed: proposed, Why: why, Lines: lines[it.ID]}
		if c, ok := confirmed[it.ID]; ok {
			m.Product, m.Confirmed = Product(c.Product), true
			if m.Product != proposed {
				m.Why = "set by " + c.DecidedBy
			}
		}
		out = append(out, m)
	}
	return out
}
