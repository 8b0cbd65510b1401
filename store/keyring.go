package store

// This file is the only code in mspwire that reads or writes a secret.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name of every mspwire keyring entry.
const KeyringService = "mspwire"

// DefaultKeyringTimeout bounds every keyring call; a locked keyring may
// otherwise wait forever on an unlock prompt nobody can see.
const DefaultKeyringTimeout = 3 * time.Second

// SecretRef names one secret: a field of a system's credentials in a profile.
type SecretRef struct {
	Profile string // "default"
	System  string // "halopsa"
	Field   string // "client_secret"
}

// Account is the keyring account within a data directory:
// "<profile>/<system>/<field>". The keyring prefixes it with the data
// directory's id (see Keyring.Scoped).
func (r SecretRef) Account() string { return r.Profile + "/" + r.System + "/" + r.Field }

// EnvVar is the environment variable that may carry this secret for
// automation, e.g. MSPWIRE_HALOPSA_CLIENT_SECRET. It is the same for every
// profile: a script runs one tenant at a time.
func (r SecretRef) EnvVar() string {
	return "MSPWIRE_" + envName(r.System) + "_" + envName(r.Field)
}

func (r SecretRef) what() string {
	return fmt.Sprintf("%s %s (profile %q)", r.System, strings.ReplaceAll(r.Field, "_", " "), r.Profile)
}

func envName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, s)
}

// Source says where a secret came from.
type Source string

// Where a secret can live.
const (
	SourceKeyring Source = "keyring"
	SourceEnv     Source = "env"
	SourceMissing Source = "missing"
	SourceMemory  Source = "memory" // the demo without an OS keyring: this run only
)

// Secret is a secret value that does not print itself: fmt, %v, %#v and
// encoding/json all see the masked form. Only Reveal gives the value.
type Secret struct {
	value  string
	Source Source
}

// Reveal returns the value, for the one place that sends it to a vendor.
func (s Secret) Reveal() string { return s.value }

// Masked shows at most the last four characters, and those only of a long
// value, so two keys can be told apart without giving either away.
func (s Secret) Masked() string {
	if len(s.value) < 16 {
		return "********"
	}
	return "****" + s.value[len(s.value)-4:]
}

func (s Secret) String() string                { return s.Masked() }
func (s Secret) GoString() string              { return "store.Secret(" + s.Masked() + ")" }
func (s Secret) MarshalJSON() ([]byte, error)  { return []byte(strconv.Quote(s.Masked())), nil }
func (s Secret) MarshalText() ([]byte, error)  { return []byte(s.Masked()), nil }
func (s Secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, s.Masked()) }

// Keyring problems a person can act on. Test with errors.Is.
var (
	ErrSecretNotFound = errors.New("secret not found")
	ErrNoDBus         = errors.New("no D-Bus session")
	ErrNoProvider     = errors.New("no Secret Service provider")
	ErrKeyringLocked  = errors.New("keyring locked")
	ErrSecretTooLarge = errors.New("secret too large")
	ErrKeyringTimeout = errors.New("keyring timeout")
)

// KeyringError explains a failed keyring call in a sentence. It never holds
// the secret.
type KeyringError struct {
	Op   string // "read", "save", "delete"
	Ref  SecretRef
	Kind error // one of the Err* values above, or nil
	Hint string
	Err  error // what the platform said
}

func (e *KeyringError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "keyring: cannot %s the %s: %s", e.Op, e.Ref.what(), e.Hint)
	if e.Kind != ErrSecretNotFound && e.Kind != ErrKeyringTimeout && e.Err != nil {
		fmt.Fprintf(&b, " (%s)", e.Err)
	}
	return b.String()
}

func (e *KeyringError) Is(target error) bool { return target == e.Kind }
func (e *KeyringError) Unwrap() error        { return e.Err }

// backend is the part of go-keyring we use; tests of pure logic may swap in
// go-keyring's mock, everything else runs against the real Secret Service.
type backend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

type osBackend struct{}

func (osBackend) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (osBackend) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (osBackend) Delete(s, u string) error        { return keyring.Delete(s, u) }

// Keyring reads and writes mspwire's secrets in the OS keyring, and reads
// secrets given in the environment for automation. There is no plaintext
// fallback: without a keyring, secrets come from the environment or not at all.
type Keyring struct {
	timeout time.Duration
	backend backend
	getenv  func(string) string
	source  Source // where stored secrets live: SourceKeyring, or SourceMemory in the demo
	scope   string // the data directory's id, before every account; "" only in tests of this file
}

// Stores says where secrets saved through k live: SourceKeyring, or
// SourceMemory (the demo without an OS keyring).
func (k *Keyring) Stores() Source {
	if k.source == "" {
		return SourceKeyring
	}
	return k.source
}

// Scoped is the keyring as one data directory sees it: its accounts are
// "<data dir id>/<profile>/<system>/<field>", so two data directories with
// the same profile name never read, overwrite or delete each other's
// secrets.
func (k *Keyring) Scoped(dataDirID string) *Keyring {
	c := *k
	c.scope = dataDirID
	return &c
}

// Account is the full keyring account of a secret, as stored.
func (k *Keyring) Account(ref SecretRef) string {
	if k.scope == "" {
		return ref.Account()
	}
	return k.scope + "/" + ref.Account()
}

// NewKeyring uses the OS keyring, with the timeout from
// MSPWIRE_KEYRING_TIMEOUT ("5s", or plain seconds) or the default.
func NewKeyring() (*Keyring, error) {
	timeout := DefaultKeyringTimeout
	if v := strings.TrimSpace(os.Getenv("MSPWIRE_KEYRING_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			secs, ferr := strconv.ParseFloat(v, 64)
			if ferr != nil {
				return nil, fmt.Errorf("MSPWIRE_KEYRING_TIMEOUT=%q: give a duration such as 5s or a number of seconds", v)
			}
			d = time.Duration(secs * float64(time.Second))
		}
		if d <= 0 {
			return nil, fmt.Errorf("MSPWIRE_KEYRING_TIMEOUT=%q: must be more than zero", v)
		}
		timeout = d
	}
	return &Keyring{timeout: timeout, backend: osBackend{}, getenv: os.Getenv, source: SourceKeyring}, nil
}

// NewMemoryKeyring keeps secrets in this process's memory only, and loses
// them when it ends. It exists for `mspwire demo` on a machine without a
// keyring, whose secrets are the sandbox's public demo credentials; it is
// never a fallback for real ones.
func NewMemoryKeyring() *Keyring {
	return &Keyring{timeout: DefaultKeyringTimeout, backend: &memoryBackend{m: map[string]string{}}, getenv: func(string) string { return "" }, source: SourceMemory}
}

type memoryBackend struct {
	mu sync.Mutex
	m  map[string]string
}

func (b *memoryBackend) Set(service, user, password string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[service+"\x00"+user] = password
	return nil
}

func (b *memoryBackend) Get(service, user string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (b *memoryBackend) Delete(service, user string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.m[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(b.m, service+"\x00"+user)
	return nil
}

const probeProfile = "probe"

// Usable says whether the keyring answers, by writing, reading and deleting
// a probe entry.
func (k *Keyring) Usable(ctx context.Context) error {
	ref := SecretRef{Profile: probeProfile, System: "probe", Field: strconv.Itoa(os.Getpid())}
	if err := k.Set(ctx, ref, "probe"); err != nil {
		return err
	}
	defer k.Delete(ctx, ref)
	_, err := k.Stored(ctx, ref)
	return err
}

// Timeout is the bound on each call.
func (k *Keyring) Timeout() time.Duration { return k.timeout }

// Get returns the secret from the environment if set there, else from the
// keyring. A secret in neither gives an error matching ErrSecretNotFound.
func (k *Keyring) Get(ctx context.Context, ref SecretRef) (Secret, error) {
	if v := k.getenv(ref.EnvVar()); v != "" {
		return Secret{value: v, Source: SourceEnv}, nil
	}
	return k.Stored(ctx, ref)
}

// Stored reads the secret from the keyring only, ignoring the environment:
// to check what was written, or what a rotation left behind.
func (k *Keyring) Stored(ctx context.Context, ref SecretRef) (Secret, error) {
	var value string
	err := k.call(ctx, "read", ref, func() error {
		var err error
		value, err = k.backend.Get(KeyringService, k.Account(ref))
		return err
	})
	if err != nil {
		return Secret{Source: SourceMissing}, err
	}
	return Secret{value: value, Source: k.source}, nil
}

// InEnv says whether the secret is given in the environment.
func (k *Keyring) InEnv(ref SecretRef) bool { return k.getenv(ref.EnvVar()) != "" }

// Where says where the secret lives without returning it. A keyring that
// cannot be reached is an error, not "missing".
func (k *Keyring) Where(ctx context.Context, ref SecretRef) (Source, error) {
	s, err := k.Get(ctx, ref)
	if errors.Is(err, ErrSecretNotFound) {
		return SourceMissing, nil
	}
	if err != nil {
		return SourceMissing, err
	}
	return s.Source, nil
}

// Set stores the secret in the keyring, replacing any earlier value.
func (k *Keyring) Set(ctx context.Context, ref SecretRef, value string) error {
	if value == "" {
		return fmt.Errorf("keyring: refusing to store an empty %s", ref.what())
	}
	return k.call(ctx, "save", ref, func() error {
		return k.backend.Set(KeyringService, k.Account(ref), value)
	})
}

// Delete removes the secret from the keyring. Deleting a missing secret is
// not an error: the end state is the one asked for.
func (k *Keyring) Delete(ctx context.Context, ref SecretRef) error {
	err := k.call(ctx, "delete", ref, func() error {
		return k.backend.Delete(KeyringService, k.Account(ref))
	})
	if errors.Is(err, ErrSecretNotFound) {
		return nil
	}
	return err
}

// call runs one keyring operation under the timeout. A backend that hangs
// (a locked keyring waiting on a prompt) leaves its goroutine behind; the
// program is told at once and the goroutine ends with the process.
func (k *Keyring) call(ctx context.Context, op string, ref SecretRef, fn func() error) error {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err == nil {
			return nil
		}
		return translate(op, ref, err, k.timeout)
	case <-ctx.Done():
		return translate(op, ref, ctx.Err(), k.timeout)
	}
}

// translate turns what go-keyring and D-Bus say into a sentence that says
// what happened and what to do.
func translate(op string, ref SecretRef, err error, timeout time.Duration) error {
	env := "; for automation, give it in " + ref.EnvVar() + " instead"
	if ref.Profile == probeProfile {
		env = "" // the probe is no secret anyone gives
	}
	e := &KeyringError{Op: op, Ref: ref, Err: err}
	msg := err.Error()
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		e.Kind, e.Hint = ErrSecretNotFound, "it is not in the OS keyring"
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind = ErrKeyringTimeout
		e.Hint = fmt.Sprintf("the OS keyring did not answer within %s; it may be locked and waiting on an unlock prompt. "+
			"Unlock it and try again, or allow longer with MSPWIRE_KEYRING_TIMEOUT=10s", timeout)
	case errors.Is(err, context.Canceled):
		e.Kind, e.Hint = context.Canceled, "cancelled"
	case errors.Is(err, keyring.ErrSetDataTooBig):
		e.Kind = ErrSecretTooLarge
		e.Hint = "the value is too large for this platform's keyring (macOS allows about 3000 bytes, Windows 2560)"
	case strings.Contains(msg, "dbus-launch"), strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"),
		strings.Contains(msg, "dial unix"):
		e.Kind = ErrNoDBus
		e.Hint = "there is no D-Bus session bus, which the OS keyring (Secret Service) needs. " +
			"Run mspwire inside a desktop session, or start one with \"dbus-run-session -- bash\" and " +
			"unlock a keyring there (\"gnome-keyring-daemon --unlock\")" + env
	case strings.Contains(msg, "org.freedesktop.secrets"), strings.Contains(msg, "ServiceUnknown"):
		e.Kind = ErrNoProvider
		e.Hint = "no Secret Service provider is running on the D-Bus session bus. " +
			"Install and start one — GNOME Keyring (apt install gnome-keyring) or KeePassXC with Secret Service integration" + env
	case strings.Contains(msg, "unlock"), strings.Contains(msg, "IsLocked"), strings.Contains(msg, "ismissed"):
		e.Kind = ErrKeyringLocked
		e.Hint = "the keyring's login collection is locked. Unlock it (log in to the desktop, or run " +
			"\"gnome-keyring-daemon --unlock\" and type the keyring password) and try again"
	default:
		e.Hint = "the OS keyring refused" + env
	}
	return e
}
