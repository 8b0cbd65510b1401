package cli_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/ui/cli"
)

// A screen-reader user runs the demo: every question is a numbered line,
// answers are typed, nothing is redrawn; the plan is listed, confirmed by
// typing yes, and applied as plain lines.
func TestAccessibleDemoWalksThePath(t *testing.T) {
	answers := strings.Join([]string{
		"1",                     // the menu: onboard
		"1", "2", "1", "1", "1", // the questions; a Hudu shop is not asked IT Glue's
		"1",                 // path A
		"", "", "", "", "y", // HaloPSA: URL, client ID, tenant, used by, demo secret
		"", "", "", "y", // Liongard: instance, key ID, key expiry, demo secret
		"", "y", // the docs tool: URL, demo secret
		"1",             // source: HaloPSA
		"accept strong", // the review's bulk accept
		"",              // end the review
		"yes",           // apply the plan
		"5",             // the menu: pitfalls
		"2", "",         // billing, and back
		"3", "", // devices, and back
		"4", "", // stale accounts, and back
		"7", // quit
	}, "\n") + "\n"
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), []string{"--accessible", "demo", "--companies", "30"},
		cli.IO{In: strings.NewReader(answers), Out: &out, Err: &errb})
	text := errb.String()
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, text)
	}
	if strings.Count(text, "Connected:") != 3 || strings.Count(text, "companies.") != 3 || !strings.Contains(text, "of 7 steps done") ||
		!strings.Contains(text, "(systems: halopsa, liongard, hudu)") || strings.Contains(text, "IT Glue already two-way") ||
		!strings.Contains(text, "Review HaloPSA clients ↔ Liongard environments") || !strings.Contains(text, "exact and strong suggestions") ||
		!strings.Contains(text, "Apply plan 1? Type yes") || !strings.Contains(text, "] done ") || !regexp.MustCompile(`Plan 1: (\d+) of (\d+) actions? done, 0 failed`).MatchString(text) ||
		!strings.Contains(text, "(halopsa-api-agents)") || !strings.Contains(text, "Questions no API answers") ||
		!strings.Contains(text, "a month not billed") || !regexp.MustCompile(`Microsoft 365: \d+ counted, \d+ billed; under-billed`).MatchString(text) ||
		!strings.Contains(text, "Workstations: ") || !strings.Contains(text, "without a sign-in") {
		t.Fatalf("transcript:\n%s", text)
	}
	if strings.Contains(text, "\x1b[2J") || strings.Contains(text, "\x1b[?1049h") {
		t.Fatal("the accessible flow redrew the screen")
	}
	// The steps as the wizard's steps screen shows them, checked through
	// the APIs first.
	if !regexp.MustCompile(`\[x\] \d+\. [^\n]+ ✓ seen by mspwire`).MatchString(text) {
		t.Fatalf("no step is shown as seen by mspwire:\n%s", text[strings.LastIndex(text, "Path A"):])
	}
}

// The accessible review lists its commands on help and ?, numbers rows by
// their place in the list, and refuses a number the list does not have
// before doing anything.
func TestAccessibleReviewNumbersRowsAndHelps(t *testing.T) {
	answers := strings.Join([]string{
		"1", "1", "2", "1", "1", "1", "1", "", "", "", "", "y", "", "", "", "y", "", "y", "1", // as above, to the review
		"help", "?", "bogus",
		"accept 1 99", // refused whole: the list has no row 99
		"accept 1 1",  // the first row listed, once
		"",            // end the review
		"no",          // do not apply
	}, "\n") + "\n"
	var out, errb bytes.Buffer
	cli.Main(context.Background(), []string{"--accessible", "demo", "--companies", "30"},
		cli.IO{In: strings.NewReader(answers), Out: &out, Err: &errb})
	text := errb.String()
	review := text[strings.Index(text, "Review HaloPSA"):]
	if strings.Count(review, "Commands (N is a row's number") != 2 || !strings.Contains(review, `Unknown command "bogus": type help`) {
		t.Fatalf("help:\n%s", review)
	}
	if !strings.Contains(review, "\n1. ") || !strings.Contains(review, "\n15. ") || strings.Contains(review, "\n16. ") {
		t.Fatalf("rows not numbered 1 to 15 by place:\n%s", review)
	}
	if !strings.Contains(review, `Not done: "99" is not a row number of the list`) || strings.Count(review, "Accepted 1.") != 1 {
		t.Fatalf("numbers:\n%s", review)
	}
}

// On path C the accessible wizard asks what feeds Hudu before it lists
// the plan, as the plan screen's f does, and plans with the answer.
func TestAccessiblePathCAsksWhatFeedsHudu(t *testing.T) {
	answers := strings.Join([]string{
		"1", "1", "2", "1", "1", "1",
		"3",                                           // path C
		"", "", "", "", "y", "", "", "", "y", "", "y", // credentials, as above
		"1",                                      // source: HaloPSA
		"accept strong", "pair", "accept strong", // both pairs' bulk accept
		"",   // end the review
		"2",  // Hudu fed by Liongard and HaloPSA
		"no", // do not apply
	}, "\n") + "\n"
	var out, errb bytes.Buffer
	cli.Main(context.Background(), []string{"--accessible", "demo", "--companies", "30"},
		cli.IO{In: strings.NewReader(answers), Out: &out, Err: &errb})
	text := errb.String()
	if !strings.Contains(text, "What feeds Hudu?") {
		t.Fatalf("path C did not ask what feeds Hudu:\n%s", text)
	}
	if !strings.Contains(text, "fed by Liongard too") {
		t.Fatalf("with both feeds the plan warns no HaloPSA link:\n%s", text[strings.Index(text, "What feeds Hudu?"):])
	}
}

// A screen-reader user with stderr sent to a file (demo 2>log) chooses,
// plans, confirms and applies a billing fix, a devices plan and a
// stale-accounts plan from the menu; everything needed to decide is said
// on the terminal, nothing of it in the file.
func TestAccessibleWorkflowsChoosePlanAndApply(t *testing.T) {
	answers := strings.Join([]string{
		"1", "1", "2", "1", "1", "1", "1", "", "", "", "", "y", "", "", "", "y", "", "y", "1", // onboard, as above, to the review
		"accept strong", "", "yes", // review, apply
		"2",                      // billing
		"items", "items confirm", // which items bill what, confirmed as proposed
		"ticket-type",                             // the types on offer: not one Halo would refuse
		"under_billed", "show 1", "ticket-type 2", // the under-billed rows, the first in full, the ticket type
		"fix 1 ticket", "plan", "yes", "", // choose, plan, apply, back
		"3", "plan", "yes", "", // devices: plan, apply, back
		"4", "ticket-type 2", "plan", "yes", "", // stale accounts: plan, apply, back
		"7",
	}, "\n") + "\n"
	var out, screen, log bytes.Buffer
	code := cli.Main(context.Background(), []string{"--accessible", "demo", "--companies", "30"},
		cli.IO{In: strings.NewReader(answers), Out: &out, Err: &log, Screen: &screen})
	text := screen.String()
	if code != 0 {
		t.Fatalf("exit %d:\n%s\nlog:\n%s", code, text, log.String())
	}
	for _, want := range []string{
		"Rows under-billed: ", "\nHaloPSA: invoice ", "Confirmed what 7 items bill, as shown.", "Billing tickets get HaloPSA's ticket type 2.", "Kept for 1 row.",
		"Apply plan 2? Type yes", "Apply plan 3? Type yes", "Apply plan 4? Type yes",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the terminal does not say %q", want)
		}
	}
	for _, n := range []string{"2", "3", "4"} {
		if !regexp.MustCompile(`Plan ` + n + `: (\d+) of (\d+) actions? done, 0 failed`).MatchString(text) {
			t.Errorf("plan %s was not applied", n)
		}
	}
	if offer := text[strings.Index(text, "HaloPSA has: "):]; !strings.Contains(offer[:200], "2 Service Request") || strings.Contains(offer[:strings.Index(offer, "\n")], "Change Request") {
		t.Errorf("the ticket types on offer: %s", offer[:strings.Index(offer, "\n")])
	}
	if strings.Contains(log.String(), "Apply plan") || strings.Contains(log.String(), "Rows under-billed") {
		t.Errorf("what the operator decides with went to the log:\n%s", log.String())
	}
	if t.Failed() {
		t.Log(text)
	}
}
