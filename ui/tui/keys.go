package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Every key a screen answers is one of its bindings: the same bindings
// dispatch it (offered), draw the footer and the ? help (keys()), and make
// the reference in docs/keys.md (keyReference). A key no binding lists
// does nothing.

// The moves every list shares.
var (
	keyUp   = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑", "up"))
	keyDown = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓", "down"))
)

// offered says k is b, and b is among the keys the screen offers now.
func offered(k tea.KeyPressMsg, keys []key.Binding, b key.Binding) bool {
	if !key.Matches(k, b) {
		return false
	}
	return slices.ContainsFunc(keys, func(x key.Binding) bool { return slices.Equal(x.Keys(), b.Keys()) && x.Help() == b.Help() })
}

// keySection is one screen's bindings, or one state of a screen's.
type keySection struct {
	screen string
	keys   []key.Binding
}

// keyReference is every binding of every screen.
func keyReference() []keySection {
	return []keySection{
		{"Every screen", []key.Binding{keyHelp, keyBack, keyPageUp, keyPageDown, keyQuit}},
		{"The full key list (?)", []key.Binding{keyHelpUp, keyHelpDown, keyHelpClose}},
		{"Home", []key.Binding{keyOnboard, keyReview, keyPlan, keyBilling, keyDevices, keyStale, keyClient, keyFinish, keyDoctor, keySteps, keyRotate, keyLeave}},
		{"Forms (questions, credentials, source of truth, rotation)", []key.Binding{formNext, formPrev, formUp, formDown, formToggle}},
		{"Integration path", []key.Binding{keyPathA, keyPathB, keyPathC, keyPathLeft, keyPathRight, keyTake}},
		{"Integration path: changing a chosen one", []key.Binding{keyYes, keyNo}},
		{"Credentials", []key.Binding{keyKeep, keyNextSystem, keyReplace}},
		{"Inventories", []key.Binding{keyContinue}},
		{"Review", []key.Binding{keyUp, keyDown, rvPageUp, rvPageDown, rvFirst, rvLast, rvAccept, rvReject, rvPlan, rvRemap, rvNew, rvIgnore,
			rvStrong, rvUndo, rvNext, rvFilter, rvBand, rvState, rvHide, rvDups, rvStale, rvPair}},
		{"Review: filtering by text", []key.Binding{rvKeepText, rvCancel}},
		{"Review: re-mapping", []key.Binding{rvPickUp, rvPickDown, rvChoose, rvCancel}},
		{"Plan", []key.Binding{keyUp, keyDown, plOpen, plApply, plResume, plRetry, plFinish, plReplan, plFeeds}},
		{"Plan: the typed confirmation", []key.Binding{plConfirm, plCancel}},
		{"Apply", []key.Binding{apSteps, apCheck, apBack, apRetry, apHome}},
		{"Billing, devices and stale accounts: the rows", []key.Binding{keyUp, keyDown, rvFirst, rvLast, tbOpen, tbFilterStatus, tbFilterSuite, tbSearch}},
		{"Billing, devices and stale accounts: searching by client", []key.Binding{rvKeepText, rvCancel}},
		{"Billing", []key.Binding{keyConfirmLink, blQuantity, blTicket, blIgnore, blClear, blQuantityAll, blTicketAll, blItems, blPlan, blReload, blTicketType, keyTeam}},
		{"Billing: the items", []key.Binding{keyUp, keyDown, blCycle, blConfirm, blClose}},
		{"Billing: why a row is ignored", []key.Binding{blSave, blCancel}},
		{"Devices", []key.Binding{keyConfirmLink, dvPlan, dvReplace, dvReload}},
		{"Stale accounts", []key.Binding{keyConfirmLink, acDays, acTicketType, keyTeam, acPlan, acReload}},
		{"Stale accounts: another number of days", []key.Binding{acDaysKeep, rvCancel}},
		{"Client", []key.Binding{clAsk, clNext}},
		{"Steps", []key.Binding{keyUp, keyDown, keyTick, keyAlertTest}},
		{"Pitfalls", []key.Binding{keyUp, keyDown, drOpen, drYes, drNo, drRecheck}},
	}
}

// KeyReference is the key reference as Markdown, for docs/keys.md.
func KeyReference() string {
	var b strings.Builder
	b.WriteString("# mspwire's keys\n\n")
	b.WriteString("Made from the wizard's key bindings by `go test ./ui/tui -run TestKeyReference -update`; a test fails when it is out of date.\n")
	b.WriteString("Each screen's footer shows the keys it takes at that moment; `?` shows them all.\n")
	for _, s := range keyReference() {
		fmt.Fprintf(&b, "\n## %s\n\n| key | what it does |\n| --- | --- |\n", s.screen)
		for _, k := range s.keys {
			keys := make([]string, len(k.Keys()))
			for i, x := range k.Keys() {
				keys[i] = "`" + x + "`"
			}
			fmt.Fprintf(&b, "| %s | %s |\n", strings.Join(keys, " "), k.Help().Desc)
		}
	}
	return b.String()
}
