package devices_test

import (
	"context"
	"testing"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/devices"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/sandbox/world"
)

var ctx = context.Background()

func tenant(t *testing.T, companies int, clean bool) *flowtest.Tenant {
	return flowtest.Onboarded(t, companies, clean)
}

// want is what the world says each workstation's row is, by environment
// and hostname.
func want(w *world.World) map[string]devices.Status {
	out := map[string]devices.Status{}
	for i := range w.Customers {
		c := &w.Customers[i]
		people := w.People(c)
		for _, d := range w.Devices(c) {
			k := c.In[world.Liongard][0].Name + "/" + d.Hostname
			switch {
			case len(c.In[world.HaloPSA]) == 0:
				out[k] = devices.Unmapped
			case d.Asset == world.AssetMissing:
				out[k] = devices.NoAsset
			case !people[d.Person].InPSA:
				out[k] = devices.NoUser
			case d.Asset == world.AssetEmpty:
				out[k] = devices.ToSet
			case d.Asset == world.AssetOther:
				out[k] = devices.Differs
			default:
				out[k] = devices.OK
			}
		}
	}
	return out
}

// Every planted case is found; users match as DOMAIN\sam and as UPNs, in
// any case.
func TestPlantedDevicesAreFound(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 120, false)
	rep, _, err := devices.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	expect := want(tn.Sandbox.World)
	got := map[devices.Status]int{}
	sam, upn := 0, 0
	for _, r := range rep.Rows {
		k := r.Environment.Name + "/" + r.Device.Name
		if expect[k] != r.Status {
			t.Errorf("%s: %s (%s), the world planted %s", k, r.Status, r.Why, expect[k])
		}
		got[r.Status]++
		if r.User != nil {
			if r.User.Email == r.LastUser || r.User.Login == r.LastUser {
				upn++
			} else {
				sam++
			}
		}
	}
	if len(rep.Rows) != len(expect) {
		t.Errorf("%d rows for %d workstations", len(rep.Rows), len(expect))
	}
	for _, s := range devices.Statuses {
		if got[s] == 0 && s != devices.CheckMapping { // a world decided as it is has no doubted link: see flows/linkcheck
			t.Errorf("no %s row: %v", s, got)
		}
	}
	if sam == 0 || upn == 0 {
		t.Errorf("matched %d by DOMAIN\\sam and %d by UPN", sam, upn)
	}
	t.Logf("%d workstations: %v", len(rep.Rows), got)
}

// A clean world has every asset holding its user.
func TestCleanWorldHasNoDeviceToSet(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 60, true)
	rep, _, err := devices.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) < 20 || rep.ByStatus[devices.OK] != len(rep.Rows) {
		t.Fatalf("%d rows: %v", len(rep.Rows), rep.ByStatus)
	}
}

// The plan sets the user on assets that have none (and with replace, on
// those that have another); applied, they are ok, and a second plan has
// nothing.
func TestDevicesPlanSetsUsers(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 120, false)
	rep, _, err := devices.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	p, actions, err := apply.Make(ctx, tn.Engine(), devices.NewProducer(tn.Env, false), "operator:test")
	if err != nil || len(actions) != rep.ByStatus[devices.ToSet] || len(p.Notes) == 0 {
		t.Fatalf("plan: %d actions for %d to set, notes %v, %v", len(actions), rep.ByStatus[devices.ToSet], p.Notes, err)
	}
	if res, err := tn.Apply(t, p.ID); err != nil || res.Counts.Done != len(actions) {
		t.Fatalf("apply: %+v %v", res.Counts, err)
	}
	after, _, err := devices.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	if after.ByStatus[devices.ToSet] != 0 || after.ByStatus[devices.OK] != rep.ByStatus[devices.OK]+rep.ByStatus[devices.ToSet] {
		t.Fatalf("after: %v, before %v", after.ByStatus, rep.ByStatus)
	}
	_, again, err := apply.Make(ctx, tn.Engine(), devices.NewProducer(tn.Env, false), "operator:test")
	if err != nil || len(again) != 0 {
		t.Fatalf("a second plan: %d actions, %v", len(again), err)
	}
	_, replace, err := apply.Make(ctx, tn.Engine(), devices.NewProducer(tn.Env, true), "operator:test")
	if err != nil || len(replace) != rep.ByStatus[devices.Differs] || len(replace[0].Warnings) == 0 {
		t.Fatalf("--replace: %d actions for %d that differ, %v", len(replace), rep.ByStatus[devices.Differs], err)
	}
}
