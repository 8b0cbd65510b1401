package billing_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/store"
)

// chooseQuantity picks the first open row whose quantity can be set and
// that satisfies ok, and chooses a quantity fix for it.
func chooseQuantity(t *testing.T, tn *flowtest.Tenant, ok func(billing.Row) bool) billing.Row {
	t.Helper()
	rep, _ := confirmed(t, tn)
	for _, r := range rep.Rows {
		if (r.Status == billing.UnderBilled || r.Status == billing.OverBilled) && billing.CanChoose(r, "quantity") == nil && ok(r) {
			c := store.BillingChoice{RowID: r.ID, Choice: "quantity", Counted: r.Counted, Billed: &r.Billed, DecidedBy: "operator:test"}
			if err := tn.Env.Store.SaveBillingChoices(ctx, tn.Env.Profile, []store.BillingChoice{c}); err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
	t.Fatal("no row to test with")
	return billing.Row{}
}

// HaloPSA answers 200 to the quantity write and keeps the old number:
// the action fails naming both numbers, never done.
func TestAQuantityTheVendorDidNotKeepFails(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 80, false)
	row := chooseQuantity(t, tn, func(billing.Row) bool { return true })
	resp, err := http.Post(tn.Sandbox.Creds["halopsa"].URL+"/_sandbox/keep", "application/json", bytes.NewReader([]byte(`{"quantities":true}`)))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("keep: %v %v", resp, err)
	}
	resp.Body.Close()
	p, _, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	res, err := tn.Apply(t, p.ID)
	if err != nil || res.Counts.Failed != 1 || res.Counts.Done != 0 {
		t.Fatalf("apply: %+v %v", res.Counts, err)
	}
	actions, _ := tn.Env.Store.Actions(ctx, p.ID)
	old := strconv.FormatFloat(row.Line.Quantity, 'f', -1, 64)
	if e := actions[0].Error; actions[0].State != store.ActionFailed || !strings.Contains(e, "answered as done") || !strings.Contains(e, "holds "+old+", not") {
		t.Fatalf("the action is %s: %q", actions[0].State, e)
	}
}

// A product billed on two lines: the plan sets the larger so that the two
// bill what is counted. Another hand moves the other line so that the
// total happens to equal the target: the plan is stale (applied, it would
// bill more than counted), and says which line moved.
func TestALineMovedByAnotherHandMakesThePlanStale(t *testing.T) {
	t.Parallel() // its own tenant and sandbox
	tn := tenant(t, 120, false)
	row := chooseQuantity(t, tn, func(r billing.Row) bool { return len(r.Lines) >= 2 && *r.Difference > 0 })
	p, _, err := apply.Make(ctx, tn.Engine(), billing.NewProducer(tn.Env), "operator:test")
	if err != nil {
		t.Fatal(err)
	}
	var other billing.Line
	for _, l := range row.Lines {
		if l.LineID != row.Line.LineID {
			other = l
		}
	}
	halo, _ := tn.Env.HaloPSA(ctx)
	if _, err := halo.SetLineQuantity(ctx, other.InvoiceID, other.LineID, other.Quantity+float64(*row.Difference)); err != nil {
		t.Fatal(err)
	}
	s, err := apply.Prepare(ctx, tn.Engine(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Changed) == 0 || !strings.Contains(strings.Join(s.Changed, " "), "line") {
		t.Fatalf("a line moved by another hand to the total the plan sets: changed %v", s.Changed)
	}
}
