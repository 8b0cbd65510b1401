package tui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mspwire/mspwire/flows/status"
	"github.com/mspwire/mspwire/store"
)

func report() status.Report {
	verified := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	return status.Report{
		Profile:  "acme-msp",
		DataFile: "/home/tech/.local/share/mspwire/mspwire.db",
		Systems: []status.System{
			{ID: "halopsa", Name: "HaloPSA", Configured: true, BaseURL: "https://acme.halopsa.com", Secret: store.SourceKeyring, VerifiedAt: &verified},
			{ID: "liongard", Name: "Liongard", Configured: true, BaseURL: "https://us1.app.liongard.com", Secret: store.SourceEnv, SecretEnv: "MSPWIRE_LIONGARD_KEY_SECRET"},
			{ID: "itglue", Name: "IT Glue", Secret: store.SourceMissing},
			{ID: "hudu", Name: "Hudu", Secret: store.SourceEnv, SecretEnv: "MSPWIRE_HUDU_API_KEY"},
		},
	}
}

func TestHomeGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {80, 24}, {140, 45}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, viewAt(size[0], size[1]))
		})
	}
}

// No size from tiny to huge may draw a line wider than the terminal, and
// below the minimum the screen says what it needs.
func TestHomeFitsEverySize(t *testing.T) {
	for w := 20; w <= 200; w += 7 {
		for h := 5; h <= 60; h += 5 {
			view := viewAt(w, h)
			for _, line := range strings.Split(view, "\n") {
				if lipgloss.Width(line) > w {
					t.Fatalf("%dx%d: line %q is %d wide", w, h, line, lipgloss.Width(line))
				}
			}
			small := w < 60 || h < 20
			if small != strings.Contains(strings.Join(strings.Fields(view), " "), "terminal too small: need 60×20") {
				t.Fatalf("%dx%d: too-small notice shown=%v, want %v", w, h, !small, small)
			}
		}
	}
}

func TestAccessibleHomeIsPlainLines(t *testing.T) {
	var b bytes.Buffer
	WriteHomeText(&b, report())
	out := b.String()
	if strings.Contains(out, "\x1b") {
		t.Fatal("accessible text carries escape codes")
	}
	for _, want := range []string{"profile acme-msp", "Systems: 2 of 4 connected.", "- Hudu: not configured (secret given in MSPWIRE_HUDU_API_KEY).", "- Onboard a tenant:"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func viewAt(w, h int) string {
	m := NewHome(report())
	m.width, m.height = w, h
	return m.render()
}
