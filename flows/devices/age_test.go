package devices_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/halopsa"
	"github.com/mspwire/mspwire/clients/liongard"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/metrics"
	"github.com/mspwire/mspwire/store"
)

// A row carries its inspection date, and one to set from an inspection
// over 30 days old says so.
func TestAnOldInspectionIsSaid(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	value := func(system int, host string, age time.Duration) liongard.MetricValue {
		return liongard.MetricValue{MetricID: 5, EnvironmentID: 33000, EnvironmentName: "Acme", SystemID: system, TimelineDate: now.Add(-age).Format(time.RFC3339),
			Value: map[string]any{"host": host, "user": `ACME\gwebb`}}
	}
	in := devices.Inputs{Now: now, Metric: metrics.Found{LiongardMetric: store.LiongardMetric{ID: 5}},
		Clients: map[string]devices.Ref{"33000": {System: "halopsa", ID: "12", Name: "Acme"}},
		Values:  []liongard.MetricValue{value(1, "WS01", 2*24*time.Hour), value(2, "WS02", 40*24*time.Hour)},
		Assets:  []halopsa.Asset{{ID: 1, ClientID: 12, InventoryNumber: "WS01"}, {ID: 2, ClientID: 12, InventoryNumber: "WS02"}},
		Users:   []halopsa.User{{ID: 7, ClientID: 12, Name: "Grace Webb", Login: "GWEBB"}}}
	for _, r := range devices.Map(in).Rows {
		if r.Status != devices.ToSet || r.InspectedAt == nil {
			t.Fatalf("%s: %s, inspected %v", r.Device.Name, r.Status, r.InspectedAt)
		}
		old := strings.Contains(r.Why, "the inspection is 40 days old (over 30 days)")
		if old != (r.Device.Name == "WS02") {
			t.Errorf("%s: %q", r.Device.Name, r.Why)
		}
	}
}
