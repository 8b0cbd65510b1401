// Package systems names the four SaaS systems mspwire connects, and which of
// their credential fields are secret.
package systems

import "fmt"

// System is one vendor mspwire talks to.
type System struct {
	ID     string // as used in the store, the keyring and the command line
	Name   string // as the vendor writes it
	Secret string // the credential field that lives in the keyring
	// Record and Records are what the system calls the companies mspwire
	// matches.
	Record, Records string
}

// All lists the systems in the order the wizard shows them.
var All = []System{
	{ID: "halopsa", Name: "HaloPSA", Secret: "client_secret", Record: "HaloPSA client", Records: "HaloPSA clients"},
	{ID: "liongard", Name: "Liongard", Secret: "key_secret", Record: "Liongard environment", Records: "Liongard environments"},
	{ID: "itglue", Name: "IT Glue", Secret: "api_key", Record: "IT Glue organization", Records: "IT Glue organizations"},
	{ID: "hudu", Name: "Hudu", Secret: "api_key", Record: "Hudu company", Records: "Hudu companies"},
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
