// Package world makes the sandbox's MSP: a deterministic list of customers
// as they really look across four systems — a legal suffix here and not
// there, "&" against "and", typos, renames, location-qualified names,
// customers missing from some systems, near-duplicates inside one system,
// inactive clients. Every simulator reads the same world.
package world

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Systems, as keys of Customer.In.
const (
	HaloPSA  = "halopsa"
	Liongard = "liongard"
	ITGlue   = "itglue"
	Hudu     = "hudu"
)

// Record is how one system holds a customer.
type Record struct {
	Name     string
	Inactive bool
}

// Customer is one real-world customer of the MSP.
type Customer struct {
	ID     int
	Name   string // the legal name, as on the contract
	Domain string
	City   string
	// In holds the customer's record in each system it exists in; a
	// near-duplicate gives a system two records.
	In map[string][]Record
	// Variation names what was done to the name, for reading the world.
	Variation map[string]string
}

// World is the seeded MSP.
type World struct {
	Seed      uint64
	Customers []Customer
	// Clean leaves out the pitfalls the simulators otherwise plant for
	// mspwire doctor to find (a mandatory ticket field, an inactive layout,
	// colliding configuration names, …).
	Clean bool
}

// New makes n customers from seed; the same seed gives the same world.
func New(seed uint64, n int) *World {
	r := rand.New(rand.NewPCG(seed, 0x6d7370))
	w := &World{Seed: seed}
	used := map[string]bool{}
	for i := 1; len(w.Customers) < n; i++ {
		c := newCustomer(r, len(w.Customers)+1)
		if used[c.Name] {
			continue
		}
		used[c.Name] = true
		w.Customers = append(w.Customers, c)
	}
	return w
}

// Records lists a system's records in world order, with the customer each
// belongs to.
// A clean world keeps one record per customer and per name, and only
// customers active in the PSA.
func (w *World) Records(system string) []Owned {
	var inPSA map[int]bool
	if w.Clean && system != HaloPSA {
		inPSA = map[int]bool{}
		for _, o := range w.Records(HaloPSA) {
			inPSA[o.Customer.ID] = !o.Inactive
		}
	}
	var out []Owned
	seen := map[string]bool{}
	for i := range w.Customers {
		if inPSA != nil && !inPSA[w.Customers[i].ID] {
			continue // a clean tenant has every customer active in its PSA
		}
		for j, rec := range w.Customers[i].In[system] {
			key := strings.ToLower(rec.Name)
			if w.Clean && (j > 0 || seen[key]) {
				continue
			}
			seen[key] = true
			out = append(out, Owned{Record: rec, Customer: &w.Customers[i]})
		}
	}
	return out
}

// Owned is a record with its customer.
type Owned struct {
	Record
	Customer *Customer
}

var (
	givenNames = []string{"Smith", "Johnson", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez",
		"Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
		"Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
		"Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera",
		"Campbell", "Mitchell", "Carter", "Roberts", "Müller", "Schäfer", "O'Brien", "Dubois"}
	places = []string{"Riverside", "Lakeview", "Summit", "Cedar", "Harbor", "Pinecrest", "Oakridge", "Bayside",
		"Northgate", "Westfield", "Maple", "Granite", "Evergreen", "Silver Creek", "Blue Ridge", "Redwood", "Canyon",
		"Prairie", "Highland", "Meadowbrook", "Stonebridge", "Fairview", "Brookside", "Clearwater", "Ironwood"}
	trades = []string{"Dental", "Family Dentistry", "Orthodontics", "Veterinary Clinic", "Law Group", "Legal",
		"Accounting", "CPA", "Insurance Agency", "Realty", "Construction", "Plumbing", "Electric", "HVAC",
		"Logistics", "Manufacturing", "Medical Group", "Pediatrics", "Chiropractic", "Physical Therapy",
		"Engineering", "Architects", "Credit Union", "Auto Group", "Landscaping", "Consulting", "Financial Advisors",
		"Pharmacy", "Printing", "Foods"}
	suffixes = []string{"Inc", "Inc.", "LLC", "L.L.C.", "Ltd", "Limited", "Corp", "Corporation", "Co.", "LLP",
		"P.C.", "PLLC", "GmbH", "Pty Ltd", "PLC", "", "", "", ""}
	cities = []string{"Denver", "Austin", "Phoenix", "Tampa", "Boise", "Omaha", "Raleigh", "Portland", "Columbus",
		"Nashville", "Tulsa", "Reno", "Madison", "Spokane", "Toronto", "Calgary", "Leeds", "Brisbane"}
	rebrands = []string{"Apex", "Vertex", "Keystone", "Pinnacle", "Beacon", "Horizon", "Cornerstone", "Northstar"}
)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

func newCustomer(r *rand.Rand, id int) Customer {
	var base string
	switch r.IntN(6) {
	case 0:
		base = pick(r, givenNames) + " & Sons " + pick(r, trades)
	case 1:
		base = pick(r, givenNames) + " & " + pick(r, givenNames) + " " + pick(r, trades)
	case 2:
		base = pick(r, places) + " School District"
	case 3:
		base = pick(r, places) + " " + pick(r, trades)
	default:
		base = pick(r, givenNames) + " " + pick(r, trades)
	}
	if !strings.Contains(base, "School District") {
		if s := pick(r, suffixes); s != "" {
			base += ", " + s
		}
	}
	c := Customer{
		ID: id, Name: base, City: pick(r, cities),
		Domain:    slug(base) + pick(r, []string{".com", ".net", ".org", ".us"}),
		In:        map[string][]Record{},
		Variation: map[string]string{},
	}
	// HaloPSA is the source of truth in most MSPs: nearly everyone is there.
	for _, sys := range []string{HaloPSA, Liongard, ITGlue, Hudu} {
		missing := map[string]float64{HaloPSA: 0.03, Liongard: 0.15, ITGlue: 0.2, Hudu: 0.12}[sys]
		if r.Float64() < missing {
			c.Variation[sys] = "missing"
			continue
		}
		name, how := vary(r, c)
		rec := Record{Name: name, Inactive: sys == HaloPSA && r.Float64() < 0.05}
		c.In[sys] = []Record{rec}
		c.Variation[sys] = how
		if r.Float64() < 0.03 { // someone created it twice
			dup, _ := vary(r, c)
			c.In[sys] = append(c.In[sys], Record{Name: dup})
			c.Variation[sys] += "+duplicate"
		}
	}
	return c
}

// vary writes the customer's name the way one system's admin might have.
func vary(r *rand.Rand, c Customer) (string, string) {
	n := c.Name
	switch x := r.Float64(); {
	case x < 0.45:
		return n, "same"
	case x < 0.60:
		return stripSuffix(n), "no legal suffix"
	case x < 0.68:
		if strings.Contains(n, " & ") {
			return strings.Replace(n, " & ", " and ", 1), "& as and"
		}
		return strings.ToUpper(n), "upper case"
	case x < 0.76:
		return typo(r, n), "typo"
	case x < 0.84:
		return stripSuffix(n) + " - " + c.City, "location qualifier"
	case x < 0.88:
		return stripSuffix(n) + " (" + c.City + ")", "bracketed location"
	case x < 0.92:
		return "The " + stripSuffix(n), "leading The"
	case x < 0.95:
		return pick(r, rebrands) + " " + lastWord(stripSuffix(n)), "renamed"
	default:
		return strings.ReplaceAll(stripSuffix(n), ".", ""), "punctuation"
	}
}

func stripSuffix(n string) string {
	if i := strings.LastIndex(n, ", "); i > 0 {
		return n[:i]
	}
	return n
}

func lastWord(s string) string {
	f := strings.Fields(s)
	return f[len(f)-1]
}

// typo swaps two neighbouring letters inside a longer word.
func typo(r *rand.Rand, n string) string {
	rs := []rune(n)
	for tries := 0; tries < 20; tries++ {
		i := 1 + r.IntN(max(1, len(rs)-3))
		if isLetter(rs[i]) && isLetter(rs[i+1]) && rs[i] != rs[i+1] {
			rs[i], rs[i+1] = rs[i+1], rs[i]
			return string(rs)
		}
	}
	return n
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' }

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(stripSuffix(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// String is a one-line summary, for `sandbox serve`.
func (w *World) String() string {
	n := map[string]int{}
	for _, c := range w.Customers {
		for sys, recs := range c.In {
			n[sys] += len(recs)
		}
	}
	return fmt.Sprintf("%d customers (seed %d): %d HaloPSA clients, %d Liongard environments, %d IT Glue organizations, %d Hudu companies",
		len(w.Customers), w.Seed, n[HaloPSA], n[Liongard], n[ITGlue], n[Hudu])
}
