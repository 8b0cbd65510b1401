package cli_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/adapter/adaptertest"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store/storetest"
	"github.com/mspwire/mspwire/ui/cli"
	"github.com/mspwire/mspwire/ui/prompt"
)

// A fifth vendor, registered in one file, is in auth login's help with
// its flags, asks for its fields on a terminal, and is stored and
// reported like the four.
func TestAuthLoginOfAFifthVendor(t *testing.T) {
	adaptertest.Register(t)
	help, _, code := run(t, "auth", "login", "--help")
	for _, want := range []string{"widgetly", "Widgetly: --url --workspace [--region-hint]", "--workspace", "Widgetly: Widgetly workspace"} {
		if code != 0 || !strings.Contains(help, want) {
			t.Fatalf("auth login --help (exit %d) lacks %q:\n%s", code, want, help)
		}
	}
	if _, stderr, code := run(t, "--data-dir", t.TempDir(), "auth", "login", "widgetly", "--client-id", "x", "--secret-stdin"); code == 0 ||
		!strings.Contains(stderr, "--client-id is not something Widgetly asks for") {
		t.Fatalf("a HaloPSA flag for Widgetly: exit %d: %s", code, stderr)
	}

	storetest.Keyring(t)
	dir, profile := t.TempDir(), storetest.UniqueProfile()
	script := &prompt.Script{Answers: []string{"https://acme.widgetly.example", "acme", "", "good-token"}}
	var out, errb bytes.Buffer
	code = cli.Main(ctx, []string{"--data-dir", dir, "--profile", profile, "auth", "login", "widgetly"},
		cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, Interactive: true, Prompter: script})
	t.Cleanup(func() { run(t, "--data-dir", dir, "--profile", profile, "auth", "logout", "widgetly", "--yes") })
	if code != 0 || !strings.Contains(errb.String(), "Widgetly: verified as workspace acme") {
		t.Fatalf("login: exit %d: %s", code, errb.String())
	}
	var asked []string
	for _, a := range script.Asked {
		asked = append(asked, a.Kind+": "+a.Title)
	}
	if got := strings.Join(asked, "; "); got != "input: Widgetly URL; input: Widgetly workspace; input: Data region (optional); secret: Widgetly API token" {
		t.Fatalf("asked %s", got)
	}
	stdout, _, _ := run(t, "--data-dir", dir, "--profile", profile, "status", "--json")
	var r status.Report
	_ = json.Unmarshal([]byte(stdout), &r)
	found := false
	for _, s := range r.Systems {
		found = found || s.ID == "widgetly" && s.Configured && s.ActsAs == "workspace acme"
	}
	if !found {
		t.Fatalf("status does not report Widgetly: %s", stdout)
	}
}
