package status

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// DefaultMaxKeyAge is how old a secret may get before auth status says to
// rotate it.
const DefaultMaxKeyAge = 180 * 24 * time.Hour

// expiryWarning is how early a Liongard key's expiry is announced.
const expiryWarning = 14 * 24 * time.Hour

// Credential is one system's credential, as auth status shows it.
type Credential struct {
	System     string       `json:"system"`
	Name       string       `json:"name"`
	Configured bool         `json:"configured"`
	BaseURL    string       `json:"base_url,omitempty"`
	Secret     store.Source `json:"secret"`
	Masked     string       `json:"masked,omitempty"`
	SecretEnv  string       `json:"secret_env"`
	ActsAs     string       `json:"acts_as,omitempty"`
	VerifiedAt *time.Time   `json:"verified_at"`
	RotatedAt  *time.Time   `json:"rotated_at"`
	AgeDays    int          `json:"age_days"`
	Expires    string       `json:"expires,omitempty"`
	Warnings   []string     `json:"warnings"`
	Problem    string       `json:"problem,omitempty"`
}

// Credentials reports every system's credential in a profile; maxAge 0
// turns the age warning off.
func Credentials(ctx context.Context, st *store.Store, kr *store.Keyring, profile string, now time.Time, maxAge time.Duration) ([]Credential, error) {
	conns, err := st.Connections(ctx, profile)
	if err != nil {
		return nil, err
	}
	byID := map[string]store.Connection{}
	for _, c := range conns {
		byID[c.System] = c
	}
	var out []Credential
	var keyringDown error
	for _, a := range adapter.All() {
		sys := a.Info()
		ref, _ := adapter.SecretRef(profile, sys.ID)
		c := Credential{System: sys.ID, Name: sys.Name, SecretEnv: ref.EnvVar(), Secret: store.SourceMissing, Warnings: []string{}}
		conn, configured := byID[sys.ID]
		// A keyring that cannot be reached is reported per system, not as a
		// failure: status is what you run when something is wrong. One
		// failure is enough: a locked keyring would make every further call
		// wait out its timeout.
		switch {
		case kr.InEnv(ref):
			secret, _ := kr.Get(ctx, ref) // from the environment, no keyring call
			c.Secret, c.Masked = store.SourceEnv, secret.Masked()
		case !configured:
		case keyringDown != nil:
			c.Secret, c.Problem = SecretUnknown, keyringDown.Error()
		default:
			secret, err := kr.Get(ctx, ref)
			switch {
			case err == nil:
				c.Secret, c.Masked = secret.Source, secret.Masked()
			case !errors.Is(err, store.ErrSecretNotFound):
				keyringDown, c.Secret, c.Problem = err, SecretUnknown, err.Error()
			}
		}
		if configured {
			c.Configured, c.BaseURL, c.ActsAs = true, conn.BaseURL, conn.ActsAs
			c.VerifiedAt, c.RotatedAt = timePtr(conn.VerifiedAt), timePtr(conn.RotatedAt)
			since := conn.CreatedAt
			if !conn.RotatedAt.IsZero() {
				since = conn.RotatedAt
			}
			c.AgeDays = int(now.Sub(since) / (24 * time.Hour))
			if maxAge > 0 && now.Sub(since) > maxAge && c.Secret == store.SourceKeyring {
				c.Warnings = append(c.Warnings, fmt.Sprintf("the secret is %d days old, past the %d-day policy: rotate it (mspwire auth rotate %s)",
					c.AgeDays, int(maxAge/(24*time.Hour)), sys.ID))
			}
			v := adapter.ValuesOf(conn)
			c.Expires = v["expires"]
			if exp, err := time.Parse(time.DateOnly, c.Expires); err == nil {
				switch left := exp.Sub(now); {
				case left < 0:
					c.Warnings = append(c.Warnings, fmt.Sprintf("the access key expired on %s: create a new one and run mspwire auth rotate %s", c.Expires, sys.ID))
				case left < expiryWarning:
					c.Warnings = append(c.Warnings, fmt.Sprintf("the access key expires on %s, in %s: rotate it before then", c.Expires, plural.N(int(left.Hours()/24)+1, "day", "days")))
				}
			}
			if len(v.List("used_by")) > 1 {
				c.Warnings = append(c.Warnings, "one HaloPSA application is shared by several integrations; give each its own")
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
