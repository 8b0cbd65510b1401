package halopsa

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

// Assets and users, written from api-facts-ops.md §C.3–C.4: a Device with
// its users[], set by POSTing [{id, users:[{id}]}]; Users with
// emailaddress, login and a site_id that is a double.

// user is Halo's Users record (a customer's contact).
type user struct {
	ID           int     `json:"id"`
	Name         string  `json:"name"`
	EmailAddress string  `json:"emailaddress"`
	Login        string  `json:"login"`
	ClientID     int     `json:"client_id"`
	ClientName   string  `json:"client_name"`
	SiteID       float64 `json:"site_id"`
	SiteName     string  `json:"site_name"`
	Inactive     bool    `json:"inactive"`
}

// userRef is a user as an asset lists it.
type userRef struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	EmailAddress string `json:"emailaddress"`
}

// asset is Halo's Device record, the fields §C.3 names.
type asset struct {
	ID              int       `json:"id"`
	InventoryNumber string    `json:"inventory_number"`
	KeyField        string    `json:"key_field"`
	ClientID        int       `json:"client_id"`
	ClientName      string    `json:"client_name"`
	SiteID          int       `json:"site_id"`
	AssetTypeID     int       `json:"assettype_id"`
	AssetTypeName   string    `json:"assettype_name"`
	Username        string    `json:"username"`
	UserEmail       string    `json:"user_email"`
	Users           []userRef `json:"users"`
	Inactive        bool      `json:"inactive"`
}

// seedAssets gives each active client its people as users (those the
// world keeps in the PSA) and an asset per workstation the world gives the
// PSA, holding the user the world says.
func seedAssets(d *data, w *world.World, owners map[int]world.Owned) {
	nextUser, nextAsset := 7001, 3001
	for _, id := range sortedIDs(d.clients) {
		c, o := d.clients[id], owners[id]
		if c.Inactive || o.Name != o.Customer.In[world.HaloPSA][0].Name {
			continue
		}
		people := w.People(o.Customer)
		idOf := map[int]int{} // person -> user id
		for i, p := range people {
			if !p.InPSA {
				continue
			}
			u := user{ID: nextUser, Name: p.Given + " " + p.Family, EmailAddress: p.Email, ClientID: c.ID, ClientName: c.Name,
				SiteID: float64(c.MainSiteID), SiteName: "Main", Inactive: p.Suspended}
			// Logins are the Windows logon names, in whatever case they
			// were typed; some addresses are capitalised.
			u.Login = p.Sam
			if i%3 == 0 {
				u.Login = strings.ToUpper(p.Sam)
			}
			if i%4 == 1 {
				u.EmailAddress = strings.ToUpper(p.Email[:1]) + p.Email[1:]
			}
			idOf[i] = nextUser
			d.users = append(d.users, u)
			nextUser++
		}
		for n, dev := range w.Devices(o.Customer) {
			if dev.Asset == world.AssetMissing {
				continue
			}
			a := &asset{ID: nextAsset, InventoryNumber: dev.Hostname, KeyField: dev.Hostname, ClientID: c.ID, ClientName: c.Name,
				SiteID: c.MainSiteID, AssetTypeID: 1, AssetTypeName: "Workstation", Users: []userRef{}}
			if n%3 == 1 {
				a.KeyField = strings.ToLower(dev.Hostname) // as the RMM wrote it
			}
			holder := -1
			switch dev.Asset {
			case world.AssetSame:
				holder = dev.Person
			case world.AssetOther:
				holder = dev.Other
			}
			if uid, ok := idOf[holder]; ok {
				a.setUsers(d, []int{uid})
			}
			d.assets = append(d.assets, a)
			nextAsset++
		}
	}
}

// setUsers replaces an asset's users; username and user_email follow the
// first (UNCERTAIN in Halo whether they are derived: here they are).
func (a *asset) setUsers(d *data, ids []int) bool {
	var refs []userRef
	for _, id := range ids {
		found := false
		for _, u := range d.users {
			if u.ID == id && u.ClientID == a.ClientID {
				refs, found = append(refs, userRef{ID: u.ID, Name: u.Name, EmailAddress: u.EmailAddress}), true
			}
		}
		if !found {
			return false
		}
	}
	a.Users, a.Username, a.UserEmail = refs, "", ""
	if a.Users == nil {
		a.Users = []userRef{}
	}
	if len(refs) > 0 {
		a.Username, a.UserEmail = refs[0].Name, refs[0].EmailAddress
	}
	return true
}

func (s *Sim) assetRoutes() {
	s.Handle("GET /api/Asset", s.authed("read:assets", s.listAssets))
	s.Handle("POST /api/Asset", s.authed("edit:assets", s.postAssets))
	s.Handle("GET /api/Users", s.authed("read:customers", s.listUsers))
}

func (s *Sim) listAssets(w http.ResponseWriter, r *http.Request, _ App) {
	clientID := intParam(r, "client_id", 0)
	search := strings.ToLower(r.URL.Query().Get("search"))
	s.mu.Lock()
	out := []asset{}
	for _, a := range s.data.assets {
		if clientID != 0 && a.ClientID != clientID || search != "" && !strings.Contains(strings.ToLower(a.InventoryNumber+" "+a.KeyField), search) {
			continue
		}
		out = append(out, *a)
	}
	s.mu.Unlock()
	paged(w, r, "assets", out)
}

// postAssets updates assets: users sent replace the asset's users (a set,
// not an append: sending it twice leaves the same users).
func (s *Sim) postAssets(w http.ResponseWriter, r *http.Request, _ App) {
	items, ok := decodeArray(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []asset
	for n, in := range items {
		var a *asset
		for _, x := range s.data.assets {
			if x.ID == num(in, "id") {
				a = x
			}
		}
		if a == nil {
			simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{"[" + strconv.Itoa(n) + "].id": "Asset not found; creating assets is not simulated."})
			return
		}
		if raw, has := in["users"].([]any); has {
			var ids []int
			for _, x := range raw {
				if m, isObj := x.(map[string]any); isObj {
					ids = append(ids, num(m, "id"))
				}
			}
			if !a.setUsers(s.data, ids) {
				simkit.WriteJSON(w, http.StatusBadRequest, map[string]string{"[" + strconv.Itoa(n) + "].users": "A user is not a user of the asset's client."})
				return
			}
		}
		out = append(out, *a)
	}
	if len(out) == 1 {
		simkit.WriteJSON(w, http.StatusOK, out[0])
		return
	}
	simkit.WriteJSON(w, http.StatusOK, out)
}

func (s *Sim) listUsers(w http.ResponseWriter, r *http.Request, _ App) {
	clientID := intParam(r, "client_id", 0)
	assetID := intParam(r, "asset_id", 0) // HALO GET /Users asset_id: "Filter by Users assigned to a particular asset"
	search := strings.ToLower(r.URL.Query().Get("search"))
	s.mu.Lock()
	onAsset := map[int]bool{}
	for _, a := range s.data.assets {
		if a.ID == assetID {
			for _, u := range a.Users {
				onAsset[u.ID] = true
			}
		}
	}
	out := []user{}
	for _, u := range s.data.users {
		if clientID != 0 && u.ClientID != clientID || assetID != 0 && !onAsset[u.ID] ||
			search != "" && !strings.Contains(strings.ToLower(u.Name+" "+u.EmailAddress+" "+u.Login), search) {
			continue
		}
		out = append(out, u)
	}
	s.mu.Unlock()
	paged(w, r, "users", out)
}
