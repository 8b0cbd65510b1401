package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// hangingBackend never answers, like a locked keyring waiting on a prompt
// nobody sees. It is the one fake here: a real keyring cannot be made to
// hang on cue.
type hangingBackend struct{ release chan struct{} }

func (h hangingBackend) Set(string, string, string) error   { <-h.release; return nil }
func (h hangingBackend) Get(string, string) (string, error) { <-h.release; return "", nil }
func (h hangingBackend) Delete(string, string) error        { <-h.release; return nil }

func TestHangingKeyringTimesOutWithAdvice(t *testing.T) {
	h := hangingBackend{release: make(chan struct{})}
	defer close(h.release)
	k := &Keyring{timeout: 50 * time.Millisecond, backend: h, getenv: func(string) string { return "" }, source: SourceKeyring}
	ref := SecretRef{Profile: "p", System: "liongard", Field: "key_secret"}
	for name, call := range map[string]func() error{
		"get":    func() error { _, err := k.Get(context.Background(), ref); return err },
		"set":    func() error { return k.Set(context.Background(), ref, "v") },
		"delete": func() error { return k.Delete(context.Background(), ref) },
	} {
		err := call()
		if !errors.Is(err, ErrKeyringTimeout) {
			t.Fatalf("%s: err = %v, want ErrKeyringTimeout", name, err)
		}
		if !strings.Contains(err.Error(), "MSPWIRE_KEYRING_TIMEOUT") || !strings.Contains(err.Error(), "50ms") {
			t.Errorf("%s: message %q should give the limit and how to raise it", name, err)
		}
	}
}

// The platform messages below are the ones go-keyring and godbus produce;
// each must become a sentence of the right kind.
func TestPlatformErrorsAreTranslated(t *testing.T) {
	ref := SecretRef{Profile: "p", System: "halopsa", Field: "client_secret"}
	cases := []struct {
		platform string
		kind     error
		says     string
	}{
		{`exec: "dbus-launch": executable file not found in $PATH`, ErrNoDBus, "dbus-run-session"},
		{`dial unix /run/user/1000/bus: connect: no such file or directory`, ErrNoDBus, "no D-Bus session bus"},
		{`The name org.freedesktop.secrets was not provided by any .service files`, ErrNoProvider, "apt install gnome-keyring"},
		{`failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'`, ErrKeyringLocked, "--unlock"},
		{`org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object`, ErrKeyringLocked, "locked"},
	}
	for _, c := range cases {
		err := translate("read", ref, errors.New(c.platform), time.Second)
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q became %q; want kind %v saying %q", c.platform, err, c.kind, c.says)
		}
		if !strings.Contains(err.Error(), "halopsa client secret") {
			t.Errorf("%q: message %q does not say which secret", c.platform, err)
		}
	}
	if err := translate("save", ref, keyring.ErrSetDataTooBig, time.Second); !errors.Is(err, ErrSecretTooLarge) {
		t.Errorf("too big: %v", err)
	}
	if err := translate("read", ref, keyring.ErrNotFound, time.Second); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("not found: %v", err)
	}
}

func TestMemoryKeyringSaysSo(t *testing.T) {
	k := NewMemoryKeyring()
	ref := SecretRef{Profile: "demo", System: "hudu", Field: "api_key"}
	if err := k.Set(context.Background(), ref, "demo-key"); err != nil {
		t.Fatal(err)
	}
	s, err := k.Get(context.Background(), ref)
	if err != nil || s.Reveal() != "demo-key" || s.Source != SourceMemory {
		t.Fatalf("%v %v", s.Source, err)
	}
	if err := k.Delete(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(context.Background(), ref); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}
