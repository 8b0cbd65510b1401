// Package adaptertest has a fifth vendor for tests: Widgetly, declared in
// this one file as any adapter is, to show that the forms, flags and
// prompts every face draws come from an adapter's fields alone.
package adaptertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/adapter"
)

// ID is the fake vendor's system id.
const ID = "widgetly"

// Widgetly is a vendor with a URL, a workspace and an API token. It
// accepts the token "good-token" and refuses any other.
type Widgetly struct{}

// Info names Widgetly and its fields.
func (Widgetly) Info() adapter.Info {
	return adapter.Info{ID: ID, Name: "Widgetly", Record: "Widgetly account", Records: "Widgetly accounts",
		Fields: []adapter.Field{
			{Key: "url", Flag: "url", Title: "Widgetly URL", Help: "e.g. https://acme.widgetly.example", Required: true},
			{Key: "workspace", Flag: "workspace", Title: "Widgetly workspace", Help: "Settings > Workspace > Slug", Required: true},
			{Key: "api_token", Title: "Widgetly API token", Noun: "API token", Secret: true, Help: "Settings > API"},
			{Key: "region_hint", Flag: "region-hint", Title: "Data region (optional)", Help: "only for EU workspaces"},
		}}
}

// Verify accepts good-token.
func (Widgetly) Verify(_ context.Context, v adapter.Values, secret string) (adapter.Verified, error) {
	if secret != "good-token" {
		return adapter.Verified{}, fmt.Errorf("%w: Widgetly: 401 Unauthorized: bad token", adapter.ErrRejected)
	}
	return adapter.Verified{BaseURL: strings.TrimSuffix(v["url"], "/"), ActsAs: "workspace " + v["workspace"]}, nil
}

// Open has no client to open: Widgetly is only ever verified.
func (Widgetly) Open(adapter.Values, string) (any, error) {
	return nil, errors.New("Widgetly has no client")
}

// Register adds Widgetly to the registry for the test's length.
func Register(t testing.TB) {
	t.Cleanup(adapter.Register(Widgetly{}))
}
