package status_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/store/storetest"
)

func TestExpiryAndAgeWarnings(t *testing.T) {
	ctx := context.Background()
	st, kr := storetest.Open(t), storetest.Keyring(t)
	profile := storetest.UniqueProfile()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		system, expires string
		created         time.Time
	}{
		{"liongard", now.Add(10 * 24 * time.Hour).Format(time.DateOnly), now.Add(-30 * 24 * time.Hour)},
		{"hudu", "", now.Add(-200 * 24 * time.Hour)},
		{"itglue", "", now.Add(-20 * 24 * time.Hour)},
	} {
		ids := map[string]string{}
		if c.expires != "" {
			ids["expires"] = c.expires
		}
		if err := st.SaveConnection(ctx, store.Connection{Profile: profile, System: c.system, BaseURL: "https://x.example", Identifiers: ids, KeyringRef: "r", CreatedAt: c.created}); err != nil {
			t.Fatal(err)
		}
		field := map[string]string{"liongard": "key_secret", "hudu": "api_key", "itglue": "api_key"}[c.system]
		ref := store.SecretRef{Profile: profile, System: c.system, Field: field}
		if err := kr.Set(ctx, ref, "secret-for-"+c.system+"-0123456789"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { kr.Delete(ctx, ref) })
	}
	creds, err := status.Credentials(ctx, st, kr, profile, now, status.DefaultMaxKeyAge)
	if err != nil {
		t.Fatal(err)
	}
	warn := map[string]string{}
	for _, c := range creds {
		warn[c.System] = strings.Join(c.Warnings, " | ")
		if c.Configured && (c.Secret != store.SourceKeyring || !strings.HasPrefix(c.Masked, "****")) {
			t.Errorf("%s: secret %s %q", c.System, c.Secret, c.Masked)
		}
	}
	if !strings.Contains(warn["liongard"], "expires on 2026-12-07, in 10 days") {
		t.Errorf("liongard: %q", warn["liongard"])
	}
	if !strings.Contains(warn["hudu"], "200 days old, past the 180-day policy") {
		t.Errorf("hudu: %q", warn["hudu"])
	}
	if warn["itglue"] != "" {
		t.Errorf("itglue: %q", warn["itglue"])
	}
}
