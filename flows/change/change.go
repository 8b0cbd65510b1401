// Package change is the vocabulary of mspwire's one change engine: the
// kinds of plan and of action, the keys that make an action the same in
// every plan that wants it, the payloads actions carry, and the producer a
// plan kind provides. It does no I/O: producers (flows/plan, …) make
// drafts with it, adapters carry the actions out, flows/apply journals
// and runs them.
package change

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mspwire/mspwire/store"
)

// PlanKind is the workflow that made a plan.
type PlanKind = store.PlanKind

// The plan kinds.
const (
	Onboarding    PlanKind = "onboarding"     // create and link records across the systems
	Billing       PlanKind = "billing"        // licence counts against billed quantities
	Devices       PlanKind = "devices"        // the users of HaloPSA assets
	StaleAccounts PlanKind = "stale_accounts" // tickets for accounts nobody uses
)

// PlanKinds lists every plan kind.
var PlanKinds = []PlanKind{Onboarding, Billing, Devices, StaleAccounts}

// Kind is what an action does.
type Kind = store.ActionKind

// The action kinds, in the order a plan lists them.
const (
	Create    Kind = "create"     // make a record in a system for a record of the source
	Group     Kind = "group"      // put records in a group (Liongard's Environment Groups)
	Link      Kind = "link"       // set a record's link to another system's record
	Checklist Kind = "checklist"  // what only a vendor's console can do: onto the checklist
	Quantity  Kind = "quantity"   // set a recurring invoice line's quantity to a number
	Ticket    Kind = "ticket"     // open a ticket that describes what a person must look at
	AssetUser Kind = "asset_user" // set the user of an asset
)

// kinds says each kind in words: its noun and what a run did.
var kinds = []struct {
	kind      Kind
	noun, did string
}{
	{Create, "create", "created"},
	{Group, "group", "grouped"},
	{Link, "link", "linked"},
	{Checklist, "checklist", "put on the checklist"},
	{Quantity, "quantity", "set"},
	{Ticket, "ticket", "opened"},
	{AssetUser, "asset user", "assigned"},
}

// Kinds lists the action kinds in plan order.
func Kinds() []Kind {
	out := make([]Kind, len(kinds))
	for i, k := range kinds {
		out[i] = k.kind
	}
	return out
}

// Order is a kind's place in a plan's layout.
func Order(k Kind) int {
	for i, x := range kinds {
		if x.kind == k {
			return i
		}
	}
	return len(kinds)
}

// Noun is the kind as a plan's counts say it: "14 create".
func Noun(k Kind) string {
	for _, x := range kinds {
		if x.kind == k {
			return x.noun
		}
	}
	return string(k)
}

// Did is what a run did of a kind: "12 created".
func Did(k Kind) string {
	for _, x := range kinds {
		if x.kind == k {
			return x.did
		}
	}
	return string(k) + " done"
}

// Key is an action's identity across plans.
type Key = store.ActionKey

// NewKey is the key of an action of a kind in a system; subject says which
// record and change, the same way in every plan that wants it.
func NewKey(kind Kind, system, subject string) Key {
	return Key(string(kind) + ":" + system + ":" + subject)
}

// CreateKey is the key of the action that makes system's counterpart of a
// source record.
func CreateKey(system string, of store.RecordRef) Key {
	return NewKey(Create, system, "for:"+of.System+"/"+of.ID)
}

// Draft is an action before it is stored in a plan.
type Draft struct {
	Kind     Kind
	System   string
	Target   string // the record it changes, "matcher/7", or "console"
	Key      Key
	Summary  string
	Warnings []string // what the operator should know before confirming
	Depends  []Key    // actions of the same plan that must be done first
	Payload  any      // one of the payload types, by kind
}

// Action is the stored form of a draft, its payload encoded.
func (d Draft) Action() (store.Action, error) {
	raw, err := json.Marshal(d.Payload)
	if err != nil {
		return store.Action{}, fmt.Errorf("%s: %w", d.Key, err)
	}
	return store.Action{Kind: d.Kind, System: d.System, Target: d.Target, Key: d.Key, Summary: d.Summary,
		Warnings: d.Warnings, Depends: d.Depends, Payload: raw, State: store.ActionPending}, nil
}

// Decode reads an action's payload into its type.
func Decode[T any](a store.Action) (T, error) {
	var p T
	if err := json.Unmarshal(a.Payload, &p); err != nil {
		return p, fmt.Errorf("action %s: its payload is not a %T: %w", a.Key, p, err)
	}
	return p, nil
}

// Proposal is what a producer proposes: the actions, in order, and the
// fingerprint of what they were made from.
// MadeNote is a plan's note that making it created something in a vendor
// (a Liongard metric, made once): the plan screen then cannot say nothing
// was sent yet.
func MadeNote(what string) string { return "created in " + what }

// IsMadeNote says a note is a MadeNote.
func IsMadeNote(note string) bool { return strings.HasPrefix(note, "created in ") }

type Proposal struct {
	Path, Source string            // onboarding's; empty for other kinds
	Inputs       map[string]string // part -> digest, compared by Stale
	Notes        []string          // what the plan leaves out, and why
	Actions      []Draft
}

// Producer makes the plans of one kind. It reads its own inputs, and says
// what changed in them since a plan was made: a stale plan is refused.
type Producer interface {
	Kind() PlanKind
	Produce(ctx context.Context) (Proposal, error)
	// Stale says what changed since p was made; nothing means it holds.
	Stale(ctx context.Context, p store.Plan) ([]string, error)
}
