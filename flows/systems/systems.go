// Package systems names the four SaaS systems mspwire connects, and which of
// their credential fields are secret.
package systems

import "fmt"

// System is one vendor mspwire talks to.
type System struct {
	ID     string // as used in the store, the keyring and the command line
	Name   string // as the vendor writes it
	Secret string // the credential field that lives in the keyring
}

// All lists the systems in the order the wizard shows them.
var All = []System{
	{ID: "halopsa", Name: "HaloPSA", Secret: "client_secret"},
	{ID: "liongard", Name: "Liongard", Secret: "key_secret"},
	{ID: "itglue", Name: "IT Glue", Secret: "api_key"},
	{ID: "hudu", Name: "Hudu", Secret: "api_key"},
}

// Lookup finds a system by its ID.
func Lookup(id string) (System, error) {
	for _, s := range All {
		if s.ID == id {
			return s, nil
		}
	}
	return System{}, fmt.Errorf("unknown system %q: choose halopsa, liongard, itglue or hudu", id)
}
