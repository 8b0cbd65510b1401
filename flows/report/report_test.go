package report_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/accounts"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/history"
	"github.com/mspwire/mspwire/flows/report"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

// The report of a seeded world, decided as it is, as Markdown and as HTML:
// golden files a reviewer can open.
func TestTheReportOfASeededWorld(t *testing.T) {
	ctx := context.Background()
	tn := flowtest.Onboarded(t, 60, false)
	bill, _, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	devs, _, err := devices.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	stale, _, err := accounts.Build(ctx, tn.Env, accounts.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	since := map[string]history.SinceLast{}
	for kind, rows := range map[string][]history.Row{history.Billing: billing.HistoryRows(bill), history.Devices: devices.HistoryRows(devs),
		history.AccountsKind(accounts.DefaultDays): accounts.HistoryRows(stale)} {
		if since[kind], _, err = history.Record(ctx, tn.Env.Store, tn.Env.Profile, kind, rows); err != nil {
			t.Fatal(err)
		}
	}
	r := report.Build(report.Inputs{At: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), Profile: "acme-msp", Billing: bill, Devices: devs, Accounts: stale, Since: since})
	if len(r.Clients) < 10 || len(r.Moved) != 3 {
		t.Fatalf("%d clients, %d lines of what moved", len(r.Clients), len(r.Moved))
	}
	page, err := r.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(page, "<script") {
		t.Error("the HTML report reaches out or runs code")
	}
	for name, got := range map[string]string{"world.md": r.Markdown(), "world.html": page} {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./flows/report -update writes it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the golden file (go test ./flows/report -update rewrites it):\n%s", name, got)
		}
	}
}

// A client's name is data: Markdown and HTML both keep it from being
// read as formatting or markup.
func TestNamesAreEscaped(t *testing.T) {
	one := 3
	r := report.Build(report.Inputs{Billing: billing.Report{Rows: []billing.Row{{ID: "1:m365", Client: billing.Ref{ID: "1", Name: "A|B <b>*x*</b>"},
		Product: billing.M365, Counted: &one, Billed: 3, Status: billing.Match}}}})
	if md := r.Markdown(); !strings.Contains(md, `## A\|B &lt;b>\*x\*&lt;/b>`) {
		t.Errorf("markdown:\n%s", md)
	}
	if page, _ := r.HTML(); !strings.Contains(page, "A|B &lt;b&gt;*x*&lt;/b&gt;") {
		t.Errorf("html:\n%s", page)
	}
}
