package tui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/onboard"
	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/store"
)

// bigTenant is a 10,000-client tenant with inventories in all four
// systems, matched: what an operator opens the review on.
func bigTenant(b *testing.B, clients int) *review.Model {
	b.Helper()
	st, err := store.Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ctx := context.Background()
	st.SaveOnboarding(ctx, store.Onboarding{Profile: "big", Path: "A", Source: "halopsa", Answers: []byte(`{"docs_tool":"hudu"}`)})
	r := rand.New(rand.NewPCG(10, 10))
	first := strings.Fields("Acme Bayside Cedar Summit Harbor Maple Northwind Contoso Fabrikam Tailspin Litware Proseware Wingtip Alpine Coho Adatum Fourth Lucerne Margie Trey")
	trade := strings.Fields("Dental Veterinary Roofing Plumbing Accounting Legal Logistics Realty Electric Printing Bakery Clinic Studio Partners Group")
	names := make([]string, clients)
	for i := range names {
		names[i] = fmt.Sprintf("%s %s %s %d", first[r.IntN(len(first))], first[r.IntN(len(first))], trade[r.IntN(len(trade))], i)
	}
	variant := func(n string, k int) string {
		switch (k + len(n)) % 4 {
		case 0:
			return strings.ToUpper(n)
		case 1:
			return n + ", LLC"
		case 2:
			return n + " - Main Office"
		}
		return n
	}
	for k, sys := range adapter.IDs() {
		recs := make([]store.InventoryRecord, 0, clients)
		for i, n := range names {
			if k > 0 && i%20 == k { // each system misses a few clients
				continue
			}
			name := n
			if k > 0 {
				name = variant(n, k)
			}
			recs = append(recs, store.InventoryRecord{ExternalID: fmt.Sprintf("%s-%d", sys, i), Name: name})
		}
		if err := st.ReplaceRecords(ctx, "big", sys, recs); err != nil {
			b.Fatal(err)
		}
	}
	m, err := review.Open(ctx, st, "big", "operator")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.Suggest(ctx); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkReviewKeyToFrame: one key press on the review screen of a
// 10,000-client tenant, then the whole frame drawn, as the program does.
// Reports the median and the slowest, and the process's memory.
func BenchmarkReviewKeyToFrame(b *testing.B) {
	model := bigTenant(b, 10_000)
	w := NewWizard(context.Background(), fixed{stage: onboard.StageReview, review: model})
	send(w, tea.WindowSizeMsg{Width: 140, Height: 45})
	drive(w, w.run(w.top(), askEvent{fn: w.loadStatus}))
	send(w, press("enter")...)
	send(w, press("s")...) // every state: all 10,000 rows in view
	if !strings.Contains(w.View().Content, "10,000") && !strings.Contains(w.View().Content, "9,") {
		b.Fatalf("the review is not up:\n%s", w.View().Content)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	keys := []tea.Msg{tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyPgDown}, tea.KeyPressMsg{Code: tea.KeyDown},
		tea.KeyPressMsg{Code: tea.KeyPgUp}, tea.KeyPressMsg{Code: 'b', Text: "b"}, tea.KeyPressMsg{Code: tea.KeyUp}}
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		w.Update(keys[i%len(keys)])
		_ = w.View()
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "ms-max")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap")
	b.ReportMetric(rssMB(), "MB-rss")
}

// rssMB is the process's resident memory (Linux), 0 elsewhere.
func rssMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
