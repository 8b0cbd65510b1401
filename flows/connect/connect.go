// Package connect knows each system's credentials: which fields it needs,
// how to check them against the vendor's API, and how to store them —
// non-secret fields in SQLite, the secret in the keyring, and only after
// the vendor accepted them.
package connect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/clients/hudu"
	"github.com/mspwire/mspwire/clients/itglue"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/systems"
	"github.com/mspwire/mspwire/store"
)

// Fields are a connection's non-secret settings. Which ones matter depends
// on the system.
type Fields struct {
	URL      string   // HaloPSA, Hudu; IT Glue or Liongard instead of Region/Instance
	ClientID string   // HaloPSA
	Tenant   string   // HaloPSA, optional
	Instance string   // Liongard: us1, us2, ca1, … or its URL
	KeyID    string   // Liongard access key ID
	Expires  string   // Liongard key expiry, YYYY-MM-DD, optional
	Region   string   // IT Glue: us, eu or au
	UsedBy   []string // HaloPSA: the integrations that use this application
}

// Identifiers is how Fields are kept in the connection row.
func Identifiers(f Fields) map[string]string {
	m := map[string]string{}
	for k, v := range map[string]string{"client_id": f.ClientID, "tenant": f.Tenant, "instance": f.Instance, "key_id": f.KeyID,
		"expires": f.Expires, "region": f.Region, "used_by": strings.Join(f.UsedBy, ",")} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

// FieldsOf reads a stored connection back into Fields.
func FieldsOf(c store.Connection) Fields {
	id := c.Identifiers
	f := Fields{URL: c.BaseURL, ClientID: id["client_id"], Tenant: id["tenant"], Instance: id["instance"],
		KeyID: id["key_id"], Expires: id["expires"], Region: id["region"]}
	if id["used_by"] != "" {
		f.UsedBy = strings.Split(id["used_by"], ",")
	}
	return f
}

// NormalizeURL checks a base URL as typed and says exactly what is wrong.
func NormalizeURL(raw string) (string, error) { return httpx.NormalizeBaseURL(raw) }

// Check says what is missing or malformed, before anything is sent.
func Check(system string, f Fields) error {
	need := func(v, flag string) error {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("%s is required for %s", flag, system)
		}
		return nil
	}
	switch system {
	case "halopsa":
		return errors.Join(need(f.URL, "--url"), need(f.ClientID, "--client-id"))
	case "liongard":
		if f.Instance == "" && f.URL == "" {
			return errors.New("--instance (us1, us2, ca1, …) or --url is required for liongard")
		}
		if f.Expires != "" {
			if _, err := time.Parse(time.DateOnly, f.Expires); err != nil {
				return fmt.Errorf("--expires %q: give the key's expiry date as YYYY-MM-DD", f.Expires)
			}
		}
		return need(f.KeyID, "--key-id")
	case "itglue":
		if f.Region == "" && f.URL == "" {
			return errors.New("--region (us, eu, au) or --url is required for itglue")
		}
	case "hudu":
		return need(f.URL, "--url")
	default:
		_, err := systems.Lookup(system)
		return err
	}
	return nil
}

// ErrRejected means the vendor refused the credentials.
var ErrRejected = errors.New("credentials rejected")

// Verified is what a vendor said about working credentials.
type Verified struct {
	BaseURL  string   // normalised
	ActsAs   string   // "API agent 'Liongard API'", "Hudu 2.44.0", …
	Warnings []string // missing permissions, best-practice advice
}

// Verify asks the vendor whether the credentials work. A refusal matches
// ErrRejected as well as the client's own error.
func Verify(ctx context.Context, system string, f Fields, secret string) (Verified, error) {
	if err := Check(system, f); err != nil {
		return Verified{}, err
	}
	v, err := verify(ctx, system, f, secret)
	if err != nil && (errors.Is(err, httpx.ErrUnauthorized) || errors.Is(err, httpx.ErrForbidden) || errors.Is(err, hudu.ErrTooOld) ||
		system == "halopsa" && errors.Is(err, httpx.ErrValidation)) {
		return v, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return v, err
}

func verify(ctx context.Context, system string, f Fields, secret string) (Verified, error) {
	switch system {
	case "halopsa":
		c, err := HaloPSA(f, secret)
		if err != nil {
			return Verified{}, err
		}
		r, err := c.TestConnection(ctx)
		if err != nil {
			return Verified{}, err
		}
		v := Verified{BaseURL: c.BaseURL(), ActsAs: fmt.Sprintf("API agent %q (id %d)", r.Agent.Name, r.Agent.ID), Warnings: r.Notes}
		if len(r.Missing) > 0 {
			v.Warnings = append(v.Warnings, "the application lacks what Liongard needs: "+strings.Join(r.Missing, ", ")+
				" (HaloPSA: Configuration > Integrations > HaloPSA API > the application > Permissions)")
		}
		if len(f.UsedBy) > 1 {
			v.Warnings = append(v.Warnings, fmt.Sprintf("one HaloPSA application is shared by %s; create one application and API agent per integration, so rotating one secret does not break the others",
				strings.Join(f.UsedBy, " and ")))
		}
		return v, nil
	case "liongard":
		c, err := Liongard(f, secret)
		if err != nil {
			return Verified{}, err
		}
		r, err := c.TestConnection(ctx)
		if err != nil {
			return Verified{}, err
		}
		base, _ := liongard.ResolveInstance(liongardInstance(f))
		return Verified{BaseURL: base, ActsAs: fmt.Sprintf("instance %s, %d environments", r.Instance, r.Environments)}, nil
	case "itglue":
		c, err := ITGlue(f, secret)
		if err != nil {
			return Verified{}, err
		}
		r, err := c.TestConnection(ctx)
		if err != nil {
			return Verified{}, err
		}
		base, _, _ := itglue.ResolveRegion(f.Region, f.URL)
		region := r.Region
		if region == "" {
			region = "custom URL"
		}
		return Verified{BaseURL: base, ActsAs: fmt.Sprintf("region %s, %d organizations", region, r.Organizations)}, nil
	case "hudu":
		c, err := Hudu(f, secret)
		if err != nil {
			return Verified{}, err
		}
		r, err := c.TestConnection(ctx)
		if err != nil {
			return Verified{}, err
		}
		base, _ := httpx.NormalizeBaseURL(f.URL)
		return Verified{BaseURL: strings.TrimSuffix(base, "/api/v1"), ActsAs: "Hudu " + r.Version}, nil
	}
	_, err := systems.Lookup(system)
	return Verified{}, err
}

// Ref is the keyring entry of a system's secret in a profile.
func Ref(profile, system string) (store.SecretRef, error) {
	sys, err := systems.Lookup(system)
	if err != nil {
		return store.SecretRef{}, err
	}
	return store.SecretRef{Profile: profile, System: sys.ID, Field: sys.Secret}, nil
}

// Save stores verified credentials: the secret in the keyring (read back to
// be sure), then the connection row, then an audit line. Nothing is saved
// unless the vendor accepted the credentials first.
func Save(ctx context.Context, st *store.Store, kr *store.Keyring, profile, system string, f Fields, secret string, v Verified, actor string) error {
	ref, err := Ref(profile, system)
	if err != nil {
		return err
	}
	if err := kr.Set(ctx, ref, secret); err != nil {
		return err
	}
	back, err := kr.Stored(ctx, ref)
	if err != nil {
		return err
	}
	if back.Reveal() != secret {
		return fmt.Errorf("keyring: the %s secret read back differs from the one written; nothing else was changed", system)
	}
	return record(ctx, st, profile, system, f, v, store.KeyringService+":"+kr.Account(ref), actor)
}

// SaveFromEnv records verified credentials whose secret comes from the
// environment (MSPWIRE_<SYSTEM>_<FIELD>): the connection row names the
// variable, and no keyring is touched — for CI jobs and containers.
func SaveFromEnv(ctx context.Context, st *store.Store, profile, system string, f Fields, v Verified, actor string) error {
	ref, err := Ref(profile, system)
	if err != nil {
		return err
	}
	return record(ctx, st, profile, system, f, v, "env:"+ref.EnvVar(), actor)
}

// record writes the connection row and its audit line.
func record(ctx context.Context, st *store.Store, profile, system string, f Fields, v Verified, where, actor string) error {
	now := time.Now()
	conn := store.Connection{Profile: profile, System: system, BaseURL: v.BaseURL, Identifiers: Identifiers(f),
		KeyringRef: where, ActsAs: v.ActsAs, VerifiedAt: now}
	if old, err := st.Connection(ctx, profile, system); err == nil {
		conn.CreatedAt, conn.RotatedAt = old.CreatedAt, old.RotatedAt
	}
	if err := st.SaveConnection(ctx, conn); err != nil {
		return err
	}
	return st.Audit(ctx, store.AuditEntry{Profile: profile, Actor: actor, Event: "connection.saved",
		Detail: map[string]any{"system": system, "base_url": v.BaseURL, "acts_as": v.ActsAs, "secret": where}})
}
