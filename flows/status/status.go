// Package status answers "what does mspwire know about this profile?":
// its data file and, per system, where the connection points, where the
// secret lives (never what it is) and when it last worked.
package status

import (
	"context"
	"time"

	"github.com/mspwire/mspwire/store"
)

// SecretUnknown is reported when the keyring could not be asked.
const SecretUnknown store.Source = "unknown"

// Report is the state of one profile.
type Report struct {
	Profile  string   `json:"profile"`
	DataFile string   `json:"data_file"`
	Systems  []System `json:"systems"`
}

// System is one system's state in the profile.
type System struct {
	ID         string       `json:"system"`
	Name       string       `json:"name"`
	Configured bool         `json:"configured"`
	BaseURL    string       `json:"base_url,omitempty"`
	Secret     store.Source `json:"secret"` // keyring, env, missing or unknown
	SecretEnv  string       `json:"secret_env"`
	VerifiedAt *time.Time   `json:"verified_at"`
	ActsAs     string       `json:"acts_as,omitempty"`
	Problem    string       `json:"problem,omitempty"` // e.g. the keyring could not be read
}

// Connected counts configured systems whose secret is available.
func (r Report) Connected() int {
	n := 0
	for _, s := range r.Systems {
		if s.Configured && s.Secret != store.SourceMissing && s.Problem == "" {
			n++
		}
	}
	return n
}

// Build gathers the report: Credentials, reduced to what status shows.
func Build(ctx context.Context, st *store.Store, kr *store.Keyring, profile string) (Report, error) {
	creds, err := Credentials(ctx, st, kr, profile, time.Now(), 0)
	if err != nil {
		return Report{}, err
	}
	r := Report{Profile: profile, DataFile: st.Path()}
	for _, c := range creds {
		r.Systems = append(r.Systems, System{ID: c.System, Name: c.Name, Configured: c.Configured, BaseURL: c.BaseURL,
			Secret: c.Secret, SecretEnv: c.SecretEnv, VerifiedAt: c.VerifiedAt, ActsAs: c.ActsAs, Problem: c.Problem})
	}
	return r, nil
}
