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
		"y",                     // onboard now
		"1", "2", "1", "1", "1", // the questions; a Hudu shop is not asked IT Glue's
		"1",                 // path A
		"", "", "", "", "y", // HaloPSA: URL, client ID, tenant, used by, demo secret
		"", "", "", "y", // Liongard: instance, key ID, key expiry, demo secret
		"", "y", // the docs tool: URL, demo secret
		"1",             // source: HaloPSA
		"accept strong", // the review's bulk accept
		"",              // end the review
		"yes",           // apply the plan
		"y",             // check for pitfalls
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
		!strings.Contains(text, "Apply plan 1? Type yes") || !strings.Contains(text, "] done ") || !regexp.MustCompile(`Plan 1: (\d+) of (\d+) actions done, 0 failed`).MatchString(text) ||
		!strings.Contains(text, "(halopsa-api-agents)") || !strings.Contains(text, "Questions no API answers") {
		t.Fatalf("transcript:\n%s", text)
	}
	if strings.Contains(text, "\x1b[2J") || strings.Contains(text, "\x1b[?1049h") {
		t.Fatal("the accessible flow redrew the screen")
	}
}
