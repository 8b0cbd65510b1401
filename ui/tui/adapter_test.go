package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/mspwire/mspwire/flows/adapter/adaptertest"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
)

// widgetlyPath is a tenant whose path connects only the fake fifth
// vendor; it records what the credentials screen sends.
type widgetlyPath struct {
	fixed
	got *connect.Values
}

func (w widgetlyPath) Plan(context.Context) (onboard.Plan, error) {
	return onboard.Plan{Systems: []string{adaptertest.ID}}, nil
}

func (w widgetlyPath) Defaults(string) (connect.Values, string) { return connect.Values{}, "" }

func (w widgetlyPath) Connect(_ context.Context, system string, v connect.Values, secret string) (connect.Verified, error) {
	*w.got = v
	return adaptertest.Widgetly{}.Verify(context.Background(), v, secret)
}

// A vendor registered in one file (adaptertest) gets its credentials
// screen from its fields alone: its titles and help on screen, what is
// typed sent as its values.
func TestCredentialsScreenOfAFifthVendor(t *testing.T) {
	adaptertest.Register(t)
	var got connect.Values
	w := NewWizard(context.Background(), widgetlyPath{fixed: fixed{stage: onboard.StageCredentials}, got: &got})
	send(w, tea.WindowSizeMsg{Width: 100, Height: 40})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("enter")...)
	view := xansi.Strip(w.View().Content)
	for _, want := range []string{"System 1 of 1: Widgetly", "Widgetly URL", "Widgetly workspace", "Settings > Workspace > Slug", "Widgetly API token", "Data region (optional)"} {
		if !strings.Contains(view, want) {
			t.Fatalf("the credentials screen lacks %q:\n%s", want, view)
		}
	}
	send(w, tea.PasteMsg{Content: "https://acme.widgetly.example"})
	send(w, press("enter")...)
	send(w, tea.PasteMsg{Content: "acme"})
	send(w, press("enter")...)
	send(w, tea.PasteMsg{Content: "good-token"})
	send(w, press("enter", "enter")...)
	view = strings.Join(strings.Fields(xansi.Strip(w.View().Content)), " ")
	if !strings.Contains(view, "Connected: workspace acme") || got["workspace"] != "acme" || got["url"] != "https://acme.widgetly.example" {
		t.Fatalf("sent %v; screen:\n%s", got, view)
	}
}

// A refused token leaves what was typed: r opens the form again with the
// URL and workspace as they were, so only the wrong field is retyped.
func TestARefusedSecretKeepsWhatWasTyped(t *testing.T) {
	adaptertest.Register(t)
	var got connect.Values
	w := NewWizard(context.Background(), widgetlyPath{fixed: fixed{stage: onboard.StageCredentials}, got: &got})
	send(w, tea.WindowSizeMsg{Width: 100, Height: 40})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("enter")...)
	for _, typed := range []string{"https://typed.widgetly.example", "typedws", "wrong-token"} {
		send(w, tea.PasteMsg{Content: typed})
		send(w, press("enter")...)
	}
	send(w, press("enter")...)
	view := strings.Join(strings.Fields(xansi.Strip(w.View().Content)), " ")
	if !strings.Contains(view, "Nothing was saved") {
		t.Fatalf("a wrong token was not refused:\n%s", view)
	}
	send(w, press("r")...)
	view = xansi.Strip(w.View().Content)
	for _, want := range []string{"https://typed.widgetly.example", "typedws"} {
		if !strings.Contains(view, want) {
			t.Fatalf("after r the form lost %q:\n%s", want, view)
		}
	}
}

// memoryPath is a tenant whose secrets can only be kept in memory: the
// demo without an OS keyring.
type memoryPath struct{ widgetlyPath }

func (m memoryPath) Status(ctx context.Context) (status.Report, error) {
	r, err := m.widgetlyPath.Status(ctx)
	r.SavesTo = store.SourceMemory
	return r, err
}

// Without an OS keyring the credentials screen says so before a secret
// is typed, and after the test says where the secret went — never "the
// OS keyring".
func TestNoKeyringIsSaidBeforeASecretIsTyped(t *testing.T) {
	adaptertest.Register(t)
	var got connect.Values
	w := NewWizard(context.Background(), memoryPath{widgetlyPath{fixed: fixed{stage: onboard.StageCredentials}, got: &got}})
	send(w, tea.WindowSizeMsg{Width: 100, Height: 40})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("enter")...)
	view := strings.Join(strings.Fields(xansi.Strip(w.View().Content)), " ")
	if !strings.Contains(view, "No OS keyring is available: a secret typed here is kept in memory for this run only") || !strings.Contains(view, "never shown; kept in memory for this run only") {
		t.Fatalf("the form does not say there is no keyring:\n%s", view)
	}
	for _, typed := range []string{"https://typed.widgetly.example", "typedws", "good-token"} {
		send(w, tea.PasteMsg{Content: typed})
		send(w, press("enter")...)
	}
	send(w, press("enter")...)
	view = strings.Join(strings.Fields(xansi.Strip(w.View().Content)), " ")
	if !strings.Contains(view, "The secret is saved in memory for this run only") || strings.Contains(view, "OS keyring.") {
		t.Fatalf("after the test:\n%s", view)
	}
}
