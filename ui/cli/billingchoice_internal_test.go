package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/billing"
	"github.com/mspwire/mspwire/flows/flowtest"
	"github.com/mspwire/mspwire/flows/remedy"
)

// `billing fix` and `billing ignore` as their options and run function,
// without cobra or cli.Main: flags checked before anything is read, the
// choice kept through billing.Choose, a refusal carrying its remedy.
func TestBillingChoiceRunsFromItsOptions(t *testing.T) {
	t.Parallel() // its own data directory, profile and sandbox
	for _, bad := range []billingChoiceOptions{{Verb: "fix", By: "seats"}, {Verb: "ignore"}, {Verb: "fix", By: "quantity", New: true}} {
		if _, err := bad.choice(); err == nil {
			t.Errorf("%+v was taken", bad)
		}
	}
	ctx := context.Background()
	tn := flowtest.Onboarded(t, 60, false)
	rep, in, err := billing.Build(ctx, tn.Env)
	if err != nil {
		t.Fatal(err)
	}
	if err := billing.ConfirmItems(ctx, tn.Env, "operator:test", in.Items); err != nil {
		t.Fatal(err)
	}
	if rep, _, err = billing.Build(ctx, tn.Env); err != nil {
		t.Fatal(err)
	}
	var settable, match string
	for _, r := range rep.Rows {
		switch {
		case settable == "" && billing.CanChoose(r, "quantity") == nil:
			settable = r.ID
		case match == "" && r.Status == billing.Match:
			match = r.ID
		}
	}
	var out bytes.Buffer
	if err := runBillingChoice(ctx, tn.Env, &out, billingChoiceOptions{Verb: "fix", By: "quantity", IDs: []string{settable, settable}}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "1 row to have the line set to the count: "+settable+".\n" {
		t.Errorf("said %q", got)
	}
	if after, _, _ := billing.Build(ctx, tn.Env); func() string { r, _ := after.Row(settable); return r.Choice }() != "quantity" {
		t.Error("the choice was not kept")
	}
	err = runBillingChoice(ctx, tn.Env, &out, billingChoiceOptions{Verb: "fix", By: "quantity", IDs: []string{match}})
	if err == nil || !strings.Contains(err.Error(), "is a match") {
		t.Fatalf("a match: %v", err)
	}
	notBilled := ""
	for _, r := range rep.Rows {
		if r.Status == billing.NotBilled {
			notBilled = r.ID
		}
	}
	err = runBillingChoice(ctx, tn.Env, &out, billingChoiceOptions{Verb: "fix", By: "quantity", IDs: []string{notBilled}})
	if said := remedy.Say(err, sayCommand); !strings.Contains(said, "only an under- or over-billed row's quantity can be set: open a ticket instead (mspwire billing fix ID --by ticket)") {
		t.Fatalf("a not-billed row's quantity: %q", said)
	}
}
