package connect

import (
	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/hudu"
	"github.com/mspwire/mspwire/clients/itglue"
	"github.com/mspwire/mspwire/clients/liongard"
)

// The one place a vendor client is made from a connection's fields and its
// secret: for verifying credentials and for working with them afterwards.

// HaloPSA makes a HaloPSA client.
func HaloPSA(f Fields, secret string) (*halopsa.Client, error) {
	return halopsa.New(halopsa.Config{BaseURL: f.URL, ClientID: f.ClientID, ClientSecret: secret, Tenant: f.Tenant})
}

// Liongard makes a Liongard client; the instance name wins over a URL.
func Liongard(f Fields, secret string) (*liongard.Client, error) {
	return liongard.New(liongard.Config{Instance: liongardInstance(f), KeyID: f.KeyID, KeySecret: secret})
}

func liongardInstance(f Fields) string {
	if f.Instance != "" {
		return f.Instance
	}
	return f.URL
}

// ITGlue makes an IT Glue client from a region or a URL (not both).
func ITGlue(f Fields, secret string) (*itglue.Client, error) {
	return itglue.New(itglue.Config{Region: f.Region, URL: f.URL, APIKey: secret})
}

// Hudu makes a Hudu client.
func Hudu(f Fields, secret string) (*hudu.Client, error) {
	return hudu.New(hudu.Config{URL: f.URL, APIKey: secret})
}
