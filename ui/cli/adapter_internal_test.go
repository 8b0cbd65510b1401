package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/adapter/adaptertest"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/store"
	"github.com/mspwire/mspwire/ui/prompt"
)

// The accessible wizard asks a fifth vendor's fields as plain prompts,
// with their help, and tries again after a refused token.
func TestAccessibleCredentialsOfAFifthVendor(t *testing.T) {
	adaptertest.Register(t)
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var errb bytes.Buffer
	g := &globals{io: IO{Err: &errb}, profile: "default"}
	b := flowsBackend{Env: onboard.NewEnv(st, store.NewMemoryKeyring().Scoped(st.ID()), "default")}
	script := &prompt.Script{Answers: []string{"https://acme.widgetly.example", "acme", "", "bad-token", "y", "", "", "", "good-token"}}
	if err := accessibleConnect(ctx, script, g, &errb, b, adaptertest.ID); err != nil {
		t.Fatalf("%v\n%s\n%+v", err, errb.String(), script.Asked)
	}
	text := errb.String()
	if !strings.Contains(text, "Credentials for Widgetly.") || !strings.Contains(text, "Not connected: credentials rejected") ||
		!strings.Contains(text, "Connected: workspace acme") {
		t.Fatalf("transcript:\n%s", text)
	}
	if a := script.Asked[1]; a.Title != "Widgetly workspace" || !strings.Contains(a.Description, "Settings > Workspace > Slug") {
		t.Fatalf("the workspace prompt: %+v", a)
	}
	if a := script.Asked[6]; a.Title != "Widgetly workspace" || a.Default != "acme" || !strings.Contains(a.Description, "enter keeps acme") {
		t.Fatalf("asked again, the workspace prompt offers what was typed: %+v", a)
	}
}
