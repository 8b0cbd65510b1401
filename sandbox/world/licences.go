package world

import (
	"hash/fnv"
	"strconv"
)

// Products whose users an inspector counts and a PSA bills.
const (
	M365            = "m365"
	GoogleWorkspace = "google_workspace"
)

// NotBilled is Licences.Billed when the PSA has no line for the product.
const NotBilled = -1

// Licences is a customer's productivity suite as Liongard's inspector
// counts it and the PSA's recurring invoice bills it. Both simulators read
// it, so they disagree exactly where the world plants a discrepancy.
type Licences struct {
	Product  string // M365 or GoogleWorkspace; "" when the customer has neither
	Users    int    // active licensed users: what Liongard's metric counts
	Billed   int    // seats on the recurring invoice; NotBilled when there is no line
	Split    bool   // the seats are billed on two lines of different items
	Outdated bool   // Liongard's last inspection is older than 30 days
	// Case names what was planted, for reading the world and for tests:
	// match, under_billed, over_billed, not_billed, no_data.
	Case string
}

// Licences says how a customer's users are licensed and billed. It is
// drawn from a hash of the seed and the customer, not from the world's
// random stream, so adding it changed no name of an existing world.
// A clean world plants nothing: every customer with a suite in both
// systems is billed what Liongard counts, and a customer missing from
// either system has no suite.
func (w *World) Licences(c *Customer) Licences {
	roll := func(salt string, n int) int {
		f := fnv.New64a()
		f.Write([]byte(strconv.FormatUint(w.Seed, 10) + "/" + strconv.Itoa(c.ID) + "/" + salt))
		return int(f.Sum64() % uint64(n))
	}
	l := Licences{Users: 4 + roll("users", 57), Case: "match"}
	switch p := roll("product", 100); {
	case p < 50:
		l.Product = M365
	case p < 78:
		l.Product = GoogleWorkspace
	default:
		return Licences{}
	}
	halo, lg := c.In[HaloPSA], c.In[Liongard]
	if len(halo) == 0 || halo[0].Inactive {
		return Licences{} // no one bills a customer the PSA does not hold
	}
	if w.Clean && len(lg) == 0 {
		return Licences{}
	}
	l.Billed = l.Users
	l.Split = l.Product == M365 && roll("split", 6) == 0 && l.Users > 6
	if w.Clean {
		return l
	}
	switch x := roll("case", 100); {
	case x < 12:
		l.Case, l.Billed = "under_billed", max(1, l.Users-1-roll("by", 6))
	case x < 21:
		l.Case, l.Billed = "over_billed", l.Users+1+roll("by", 5)
	case x < 26:
		l.Case, l.Billed, l.Split = "not_billed", NotBilled, false
	case x < 31:
		l.Case, l.Outdated = "no_data", true
	}
	return l
}
