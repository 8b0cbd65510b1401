// Package adapter is the one place flows meet the vendors: an adapter per
// system in a registry. Each declares its credential fields as data (the
// TUI form, the CLI's flags and prompts and the accessible prompts are all
// made from them), how to verify and open a connection, and what else it
// can do as small capabilities found by type assertion: list and create
// companies, set links toward another system, the rotation checklist, and
// the executors of the action kinds it carries out. A new vendor is one
// file here; the compiler, not grep, says what it must provide.
package adapter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/mspwire/mspwire/clients/httpx"
	"github.com/mspwire/mspwire/flows/path"
	"github.com/mspwire/mspwire/flows/plural"
	"github.com/mspwire/mspwire/store"
)

// Adapter is one vendor.
type Adapter interface {
	Info() Info
	// Verify asks the vendor whether the credentials work (Check has
	// passed). A refusal matches ErrRejected.
	Verify(ctx context.Context, v Values, secret string) (Verified, error)
	// Open makes the vendor's client from a connection's values and
	// secret; Clients keeps it for the run.
	Open(v Values, secret string) (any, error)
}

// Info is what an adapter is called and what it asks for.
type Info struct {
	ID   string // as the store, the keyring and the command line name it
	Name string // as the vendor writes it
	// Record and Records are what the system calls the companies mspwire
	// matches: "HaloPSA client", "HaloPSA clients".
	Record, Records string
	// Fields are the credential fields in the order forms ask them; one of
	// them is the secret.
	Fields []Field
	// Source says the system can be the source of truth for the client list.
	Source bool
	// Role is the part the system plays; paths are built from roles.
	Role path.Role
}

// Secret is the field that lives in the keyring.
func (i Info) Secret() Field {
	for _, f := range i.Fields {
		if f.Secret {
			return f
		}
	}
	return Field{Key: "secret", Title: "Secret", Noun: "secret", Secret: true}
}

// Field is one credential field.
type Field struct {
	// Key is where the value is kept: "url" is the connection's base URL,
	// the others its identifiers; the secret's is its keyring field.
	Key string
	// Flag is the login flag without dashes; the secret has none: it comes
	// from a prompt or stdin, never argv.
	Flag  string
	Title string // "Client ID"
	Help  string // where to find it, how to write it
	// Hint is the short form of Help a flag's error quotes: "us1, us2, ca1, …".
	Hint     string
	Required bool
	// Or names a field whose value does instead ("instance" or "url").
	Or string
	// FlagOnly fields are given on the command line only; forms ask
	// through the field that names them in Or.
	FlagOnly bool
	Secret   bool
	Noun     string // the secret in a sentence: "client secret"
	Default  string
	// Options make a multi-choice field, kept comma-separated.
	Options []Option
	// Rotates says a rotation brings a new value (a new Liongard key has a
	// new ID), asked for with the new secret.
	Rotates  bool
	Validate func(string) error
}

// TitleAfter is the field's title after a prefix, its first letter
// lowered unless it starts an acronym: "New access key ID", "New API key".
func (f Field) TitleAfter(prefix string) string {
	t := f.Title
	if prefix == "" || len(t) < 2 {
		return prefix + t
	}
	if r := t[1]; r >= 'a' && r <= 'z' {
		t = strings.ToLower(t[:1]) + t[1:]
	}
	return prefix + t
}

// Option is a choice of a multi-choice field.
type Option struct{ Label, Value string }

// Values are a connection's non-secret settings by field key.
type Values map[string]string

// List reads a multi-choice value.
func (v Values) List(key string) []string {
	var out []string
	for _, s := range strings.Split(v[key], ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Clone is a copy to change.
func (v Values) Clone() Values {
	out := make(Values, len(v))
	for k, x := range v {
		out[k] = x
	}
	return out
}

// Merge keeps v's values where changes has none.
func (v Values) Merge(changes Values) Values {
	out := v.Clone()
	for k, x := range changes {
		if x != "" {
			out[k] = x
		}
	}
	return out
}

// Verified is what a vendor said about working credentials.
type Verified struct {
	BaseURL  string   // normalised
	ActsAs   string   // "API agent 'Liongard API'", "Hudu 2.44.0", …
	Warnings []string // missing permissions, best-practice advice
}

// ErrRejected means the vendor refused the credentials.
var ErrRejected = errors.New("credentials rejected")

// Refused says a vendor refused the credentials or their permissions,
// whenever it did: at login (ErrRejected) or on any later call (401, 403).
func Refused(err error) bool {
	return errors.Is(err, ErrRejected) || errors.Is(err, httpx.ErrUnauthorized) || errors.Is(err, httpx.ErrForbidden)
}

// normalizer adapters tidy values as typed before they are checked: a URL
// in the instance field, a region in the URL field.
type normalizer interface{ Normalize(Values) Values }

// checker adapters check what the fields alone cannot.
type checker interface{ Check(Values) error }

// Normalize tidies values as the adapter wants them.
func Normalize(a Adapter, v Values) Values {
	v = v.Clone()
	for k, x := range v {
		v[k] = strings.TrimSpace(x)
	}
	for _, f := range a.Info().Fields {
		if len(f.Options) > 0 && v[f.Key] != "" {
			v[f.Key] = strings.ToLower(strings.Join(v.List(f.Key), ","))
		}
	}
	if n, ok := a.(normalizer); ok {
		return n.Normalize(v)
	}
	return v
}

// Check says what is missing or malformed, before anything is sent.
func Check(a Adapter, v Values) error {
	info := a.Info()
	var errs []error
	for _, f := range info.Fields {
		if f.Secret {
			continue
		}
		val := v[f.Key]
		switch {
		case val == "" && f.Required && (f.Or == "" || v[f.Or] == ""):
			errs = append(errs, fmt.Errorf("%s is required for %s", flagWords(info, f), info.ID))
		case val != "" && f.Validate != nil:
			if err := f.Validate(val); err != nil {
				errs = append(errs, fmt.Errorf("--%s %q: %w", f.Flag, val, err))
			}
		}
		if len(f.Options) > 0 {
			for _, x := range v.List(f.Key) {
				if !slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == x }) {
					errs = append(errs, fmt.Errorf("--%s: %q is not one of %s", f.Flag, x, optionValues(f)))
				}
			}
		}
	}
	if c, ok := a.(checker); ok {
		errs = append(errs, c.Check(v))
	}
	return errors.Join(errs...)
}

// flagWords is "--client-id", or "--instance (us1, us2, ca1, …) or --url".
func flagWords(info Info, f Field) string {
	s := "--" + f.Flag
	if f.Hint != "" {
		s += " (" + f.Hint + ")"
	}
	if f.Or != "" {
		for _, o := range info.Fields {
			if o.Key == f.Or {
				s += " or --" + o.Flag
			}
		}
	}
	return s
}

func optionValues(f Field) string {
	var vs []string
	for _, o := range f.Options {
		vs = append(vs, o.Value)
	}
	return strings.Join(vs, ", ")
}

// The registry: the four vendors, in the order the wizard shows them, and
// any a test registers.
var (
	mu       sync.RWMutex
	adapters = []Adapter{haloPSA{}, liongardAdapter{}, itGlue{}, huduAdapter{}}
)

// Register adds an adapter; the function it returns takes it out again
// (for tests). A second adapter with the same id is a programming error.
func Register(a Adapter) (unregister func()) {
	mu.Lock()
	defer mu.Unlock()
	id := a.Info().ID
	for _, x := range adapters {
		if x.Info().ID == id {
			panic("adapter: " + id + " registered twice")
		}
	}
	adapters = append(adapters, a)
	return func() {
		mu.Lock()
		defer mu.Unlock()
		adapters = slices.DeleteFunc(adapters, func(x Adapter) bool { return x.Info().ID == id })
	}
}

// All lists the adapters in the order the wizard shows them.
func All() []Adapter {
	mu.RLock()
	defer mu.RUnlock()
	return slices.Clone(adapters)
}

// IDs lists the systems' ids in order.
func IDs() []string {
	var out []string
	for _, a := range All() {
		out = append(out, a.Info().ID)
	}
	return out
}

// Lookup finds a system's adapter by its id.
func Lookup(id string) (Adapter, error) {
	for _, a := range All() {
		if a.Info().ID == id {
			return a, nil
		}
	}
	var names []string
	for _, a := range All() {
		names = append(names, a.Info().ID)
	}
	return nil, fmt.Errorf("unknown system %q: choose %s", id, plural.Or(names))
}

// InfoOf is a system's Info, or one that names the id as given.
func InfoOf(id string) Info {
	if a, err := Lookup(id); err == nil {
		return a.Info()
	}
	return Info{ID: id, Name: id, Record: id + " record", Records: id + " records"}
}

// Order is a system's place in the wizard's order; unknown ones go last.
func Order(id string) int {
	for i, a := range All() {
		if a.Info().ID == id {
			return i
		}
	}
	return len(All())
}

// SecretRef is the keyring entry of a system's secret in a profile.
func SecretRef(profile, system string) (store.SecretRef, error) {
	a, err := Lookup(system)
	if err != nil {
		return store.SecretRef{}, err
	}
	return store.SecretRef{Profile: profile, System: system, Field: a.Info().Secret().Key}, nil
}

// ValuesOf reads a stored connection back into values.
func ValuesOf(c store.Connection) Values {
	v := Values{}
	for k, x := range c.Identifiers {
		v[k] = x
	}
	if c.BaseURL != "" {
		v["url"] = c.BaseURL
	}
	return v
}

// Identifiers is how values are kept in the connection row (the base URL
// has its own column).
func Identifiers(v Values) map[string]string {
	m := map[string]string{}
	for k, x := range v {
		if k != "url" && x != "" {
			m[k] = x
		}
	}
	return m
}

// storedOpener adapters open a stored connection differently from one
// being verified: IT Glue's stored URL already says its region.
type storedOpener interface{ Stored(Values) Values }

// Stored is the values a stored connection is opened with.
func Stored(a Adapter, c store.Connection) Values {
	v := ValuesOf(c)
	if s, ok := a.(storedOpener); ok {
		return s.Stored(v)
	}
	return v
}

// Rotator adapters list what the operator must do by hand elsewhere after
// the secret is rotated: no vendor has an API for it.
type Rotator interface {
	RotationChecklist(v Values) []string
}

// checkURL says what is wrong with a base URL as typed.
func checkURL(s string) error {
	_, err := httpx.NormalizeBaseURL(s)
	return err
}

// NameKey is how names are compared when looking for a created record.
func NameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Systems are what a path connects, computed here only: the system that
// fills each role the path needs, then each of connected whose role the
// path does not fill (an RMM joins once connected; a second documentation
// tool does not), in the registry's order.
func Systems(p path.ID, docsTool string, connected []string) []string {
	var out []string
	for _, n := range path.Needs(p, docsTool) {
		if n.System != "" {
			out = append(out, n.System)
			continue
		}
		for _, a := range All() {
			if a.Info().Role == n.Role {
				out = append(out, a.Info().ID)
				break
			}
		}
	}
	for _, a := range All() {
		id := a.Info().ID
		if slices.Contains(connected, id) && !slices.Contains(out, id) && !path.Fills(p, docsTool, a.Info().Role) {
			out = append(out, id)
		}
	}
	return out
}

// SystemsOf are the systems of a profile's path, its verified connections
// joining as Systems says.
func SystemsOf(ctx context.Context, st *store.Store, profile string, p path.ID, docsTool string) ([]string, error) {
	conns, err := st.Connections(ctx, profile)
	if err != nil {
		return nil, err
	}
	var connected []string
	for _, c := range conns {
		if !c.VerifiedAt.IsZero() {
			connected = append(connected, c.System)
		}
	}
	return Systems(p, docsTool, connected), nil
}
