package cli_test

import (
	"strings"
	"testing"

	simhalo "github.com/mspwire/mspwire/sandbox/halopsa"
	"github.com/mspwire/mspwire/ui/cli"
)

// What the probe found, one each: doctor refuses a system it does not
// know and exits 4 when a vendor refuses the secret; plan refuses an
// integration id of 0 as it does -1; audit --since says when everything
// is older.
func TestSmallRefusalsSayWhatIsWrong(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	s.run("", "path", "set", "A")
	if _, stderr, code := s.run("", "doctor", "--only", "bogus"); code != cli.ExitError || !strings.Contains(stderr, `unknown system "bogus"`) {
		t.Fatalf("doctor --only bogus: exit %d: %s", code, stderr)
	}
	if _, stderr, code := s.run("", "plan", "--hudu-halopsa-integration", "0"); code == 0 || !strings.Contains(stderr, "positive numbers") {
		t.Fatalf("plan --hudu-halopsa-integration 0: exit %d: %s", code, stderr)
	}
	if _, stderr, code := s.run("", "audit", "--since", "0d"); code != 0 || !strings.Contains(stderr, "entries are older") {
		t.Fatalf("audit --since 0d: exit %d: %s", code, stderr)
	}
	s.halo.RotateSecret(simhalo.DemoApp.ClientID) // the stored secret dies, as when someone rotates it in HaloPSA
	if _, stderr, code := s.run("", "doctor", "--only", "halopsa"); code != cli.ExitCredentials || !strings.Contains(stderr, "credentials rejected") {
		t.Fatalf("doctor with a refused secret: exit %d, want %d: %s", code, cli.ExitCredentials, stderr)
	}
}
