// Package status answers "what does mspwire know about this profile?":
// its data file and, per system, where the connection points, where the
// secret lives (never what it is) and when it last worked.
package status

import (
	"context"
	"time"

	"github.com/mspwire/mspwire/flows/systems"
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

// Build gathers the report. A keyring that cannot be reached is reported per
// system, not as a failure: status is what you run when something is wrong.
func Build(ctx context.Context, st *store.Store, kr *store.Keyring, profile string) (Report, error) {
	conns, err := st.Connections(ctx, profile)
	if err != nil {
		return Report{}, err
	}
	byID := map[string]store.Connection{}
	for _, c := range conns {
		byID[c.System] = c
	}
	r := Report{Profile: profile, DataFile: st.Path()}
	var keyringDown error
	for _, sys := range systems.All {
		ref := store.SecretRef{Profile: profile, System: sys.ID, Field: sys.Secret}
		s := System{ID: sys.ID, Name: sys.Name, SecretEnv: ref.EnvVar()}
		c, ok := byID[sys.ID]
		if ok {
			s.Configured, s.BaseURL = true, c.BaseURL
			if !c.VerifiedAt.IsZero() {
				t := c.VerifiedAt
				s.VerifiedAt = &t
			}
		}
		switch {
		case kr.InEnv(ref):
			s.Secret = store.SourceEnv
		case !ok:
			s.Secret = store.SourceMissing // not configured: no need to ask the keyring
		case keyringDown != nil:
			s.Secret, s.Problem = SecretUnknown, keyringDown.Error()
		default:
			s.Secret, err = kr.Where(ctx, ref)
			if err != nil {
				// One failure is enough: a locked keyring would make every
				// further call wait out its timeout.
				keyringDown, s.Secret, s.Problem = err, SecretUnknown, err.Error()
			}
		}
		r.Systems = append(r.Systems, s)
	}
	return r, nil
}
