package world

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Person is one of a customer's staff, as the suite's directory, the PSA
// and the endpoints know them.
type Person struct {
	Given, Family string
	Email         string // also the UPN
	Sam           string // the Windows logon name, without the domain
	LastLoginDays int    // days since they last signed in to the suite
	Suspended     bool   // suspended (Google) or disabled (Microsoft): no paid seat
	InPSA         bool   // the PSA has them as a user
}

// Device is a customer's Windows workstation as Liongard's inspector sees
// it, and what the PSA's asset of the same name holds.
type Device struct {
	Hostname string
	LastUser string // as Windows reports the last logon: DOMAIN\sam or a UPN
	Person   int    // index into the customer's People
	// Asset is the PSA's asset of that hostname: AssetEmpty (no user),
	// AssetSame (the last user), AssetOther (someone else: Other, an
	// active person the PSA has), AssetMissing.
	Asset string
	Other int
}

// What the PSA's asset of a device holds.
const (
	AssetEmpty   = "empty"
	AssetSame    = "same"
	AssetOther   = "other"
	AssetMissing = "missing"
)

// StaleAfter is the default number of days without a login that makes an
// account stale.
const StaleAfter = 90

var (
	givens   = []string{"Ava", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hugo", "Isla", "Jack", "Kai", "Lena", "Milo", "Nora", "Omar", "Piper", "Quinn", "Ruby", "Sam", "Tess", "Uma", "Vic", "Wes", "Yara", "Zoe"}
	families = []string{"Adams", "Baker", "Chen", "Diaz", "Evans", "Fox", "Gray", "Hill", "Ito", "Jones", "Khan", "Lopez", "Moore", "Ng", "Ortiz", "Patel", "Reed", "Shaw", "Tran", "Webb", "Young", "Zhou"}
)

// rng is a stream for one customer and purpose, independent of the
// world's own: adding people and devices changed no name of an existing
// world.
func (w *World) rng(c *Customer, salt string) *rand.Rand {
	f := fnv.New64a()
	f.Write([]byte(strconv.FormatUint(w.Seed, 10) + "/" + strconv.Itoa(c.ID) + "/" + salt))
	return rand.New(rand.NewPCG(f.Sum64(), 0x7065))
}

// People are a customer's staff: the suite's active users (Licences.Users
// of them), then a few suspended accounts. None without a suite. The
// default world makes some accounts stale (no login for 95–400 days) in
// about a third of the customers, and leaves some people out of the PSA;
// a clean world does neither.
func (w *World) People(c *Customer) []Person {
	l := w.Licences(c)
	if l.Product == "" {
		return nil
	}
	r := w.rng(c, "people")
	stale := !w.Clean && r.IntN(3) == 0
	taken := map[string]bool{}
	var out []Person
	for i := 0; i < l.Users+1+r.IntN(2); i++ {
		g, f := givens[r.IntN(len(givens))], families[r.IntN(len(families))]
		local := strings.ToLower(g + "." + f)
		for n := 2; taken[local]; n++ {
			local = strings.ToLower(g+"."+f) + strconv.Itoa(n)
		}
		taken[local] = true
		p := Person{Given: g, Family: f, Email: local + "@" + c.Domain, Sam: strings.ToLower(g[:1] + strings.ReplaceAll(local[strings.Index(local, ".")+1:], ".", "")),
			LastLoginDays: r.IntN(25), InPSA: w.Clean || r.IntN(12) != 0, Suspended: i >= l.Users}
		if stale && !p.Suspended && r.IntN(5) == 0 {
			p.LastLoginDays = 95 + r.IntN(300)
		}
		if p.Suspended {
			p.LastLoginDays = 120 + r.IntN(200) // suspended long ago: never stale, no seat
		}
		out = append(out, p)
	}
	return out
}

// Devices are a customer's Windows workstations, each last used by one of
// its active people, in its first Liongard environment. The default world
// plants assets without a user, with another person, and workstations the
// PSA has no asset for; a clean world has every asset holding its user.
func (w *World) Devices(c *Customer) []Device {
	people := w.People(c)
	active := 0
	for _, p := range people {
		if !p.Suspended {
			active++
		}
	}
	if len(c.In[Liongard]) == 0 {
		return nil
	}
	r := w.rng(c, "devices")
	short := strings.ToUpper(slug(c.Name))
	if len(short) > 8 {
		short = short[:8]
	}
	if active == 0 && !w.Clean && len(c.In[HaloPSA]) == 0 {
		// Inspected in Liongard, unknown to the PSA: nobody can say whose.
		return []Device{{Hostname: short + "-WS01", LastUser: short + `\frontdesk`, Person: -1, Asset: AssetMissing}}
	}
	if active == 0 {
		return nil
	}
	var out []Device
	for i := 0; i < min(active, 2+r.IntN(7)); i++ {
		d := Device{Hostname: fmt.Sprintf("%s-WS%02d", short, i+1), Person: r.IntN(active), Asset: AssetSame}
		p := people[d.Person]
		d.LastUser = p.Email
		if r.IntN(5) < 3 {
			sam := p.Sam
			if r.IntN(3) == 0 {
				sam = strings.ToUpper(sam[:1]) + sam[1:] // Windows keeps the case it was typed in
			}
			d.LastUser = short + `\` + sam
		}
		if !w.Clean {
			switch x := r.IntN(100); {
			case x < 50:
				d.Asset = AssetEmpty
			case x < 58:
				d.Asset, d.Other = AssetEmpty, -1
				for j, o := range people[:active] {
					if j != d.Person && o.InPSA && d.Other < 0 {
						d.Asset, d.Other = AssetOther, j
					}
				}
			case x < 66:
				d.Asset = AssetMissing
			}
		}
		out = append(out, d)
	}
	return out
}

// Customer finds a customer by id.
func (w *World) Customer(id int) *Customer {
	if id >= 1 && id <= len(w.Customers) && w.Customers[id-1].ID == id {
		return &w.Customers[id-1]
	}
	for i := range w.Customers {
		if w.Customers[i].ID == id {
			return &w.Customers[i]
		}
	}
	return nil
}
