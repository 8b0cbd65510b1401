package cli_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	simhalo "github.com/mspwire/mspwire/sandbox/halopsa"
)

// An operator copies a data directory with cp -a and, in the copy, logs
// out and logs in with another secret: the original's secret is neither
// removed nor overwritten, and the copy says it is one.
func TestACopiedDataDirectoryHasItsOwnSecrets(t *testing.T) {
	s := newSession(t)
	s.login(simhalo.DemoApp.ClientSecret)
	original := s.stored()

	c := *s
	c.dir = filepath.Join(t.TempDir(), "copy")
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		src, _ := os.Open(filepath.Join(s.dir, e.Name()))
		dst, _ := os.OpenFile(filepath.Join(c.dir, e.Name()), os.O_CREATE|os.O_WRONLY, 0o600)
		_, _ = io.Copy(dst, src)
		src.Close()
		dst.Close()
	}
	_, stderr, _ := c.run("", "status")
	if !strings.Contains(stderr, "copied from "+s.dir) || !strings.Contains(stderr, "Log in again here") {
		t.Fatalf("the copy does not say it is one:\n%s", stderr)
	}
	if _, stderr, code := c.run("", "auth", "logout", "halopsa", "--yes"); code != 0 {
		t.Fatalf("logout in the copy: exit %d: %s", code, stderr)
	}
	fresh, _ := s.halo.RotateSecret(simhalo.DemoApp.ClientID)
	if _, stderr, code := c.run(fresh+"\n", "auth", "login", "halopsa", "--url", s.url, "--client-id", simhalo.DemoApp.ClientID, "--secret-stdin"); code != 0 {
		t.Fatalf("login in the copy: exit %d: %s", code, stderr)
	}
	t.Cleanup(func() { c.run("", "auth", "logout", "halopsa", "--yes") })
	if got := s.stored(); got != original {
		t.Fatal("the copy's logout and login changed the original's secret")
	}
	if got := c.stored(); got != fresh {
		t.Fatal("the copy's secret is not its own")
	}
}
