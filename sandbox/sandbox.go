// Package sandbox runs simulators of the vendors' APIs over one seeded world
// of MSP customers, each on its own loopback port as each vendor is its own
// host. It serves `mspwire demo`, `mspwire sandbox serve` and the tests.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/mspwire/mspwire/sandbox/halopsa"
	"github.com/mspwire/mspwire/sandbox/hudu"
	"github.com/mspwire/mspwire/sandbox/itglue"
	"github.com/mspwire/mspwire/sandbox/liongard"
	"github.com/mspwire/mspwire/sandbox/simkit"
	"github.com/mspwire/mspwire/sandbox/world"
)

// DefaultCompanies is the world's size when none is asked for.
const DefaultCompanies = 300

// Options configure a sandbox.
type Options struct {
	Addr      string // host:port of the first vendor; others take the next ports. Port 0: any free ports.
	Seed      uint64
	Companies int
	// AllowRemote serves on a non-loopback address. The demo credentials are
	// public, so this is for a lab network only.
	AllowRemote bool
	// Clean serves a world without the planted pitfalls (world.World.Clean).
	Clean bool
}

// Creds are one vendor's base URL and demo credentials.
type Creds struct {
	URL          string `json:"url"`
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	Tenant       string `json:"tenant,omitempty"`
	KeyID        string `json:"access_key_id,omitempty"`
	KeySecret    string `json:"access_key_secret,omitempty"`
	APIKey       string `json:"api_key,omitempty"`
}

// Values are the non-secret credentials by the names the vendors' login
// forms give them (url, client_id, tenant, key_id).
func (c Creds) Values() map[string]string {
	v := map[string]string{"url": c.URL}
	for k, x := range map[string]string{"client_id": c.ClientID, "tenant": c.Tenant, "key_id": c.KeyID} {
		if x != "" {
			v[k] = x
		}
	}
	return v
}

// Secret is the one secret credential: client secret, key secret or API key.
func (c Creds) Secret() string { return c.ClientSecret + c.KeySecret + c.APIKey }

// Sandbox is a running set of simulators.
type Sandbox struct {
	World    *world.World
	HaloPSA  *halopsa.Sim
	Liongard *liongard.Sim
	ITGlue   *itglue.Sim
	Hudu     *hudu.Sim
	Creds    map[string]Creds

	servers []*http.Server
	errs    chan error
}

// Start serves every simulator until ctx ends or Close is called.
func Start(ctx context.Context, o Options) (*Sandbox, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Companies <= 0 {
		o.Companies = DefaultCompanies
	}
	host, portText, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %q: %w (give host:port, e.g. 127.0.0.1:0)", o.Addr, err)
	}
	if !o.AllowRemote && !isLoopback(host) {
		return nil, fmt.Errorf("--addr %q is not a loopback address; the sandbox's demo credentials are public, so it serves only on this machine (127.0.0.1, ::1, localhost)", o.Addr)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("--addr %q: the port is not a number", o.Addr)
	}

	w := world.New(o.Seed, o.Companies)
	w.Clean = o.Clean
	sb := &Sandbox{World: w, Creds: map[string]Creds{}, errs: make(chan error, 8)}
	sb.HaloPSA = halopsa.New(w, "sandbox")
	sb.Liongard = liongard.New(w)
	sb.Liongard.SetTicketer(sb.HaloPSA.OpenForCustomer) // alert templates open HaloPSA tickets
	sb.ITGlue = itglue.New(w)
	sb.Liongard.SetFlexPusher(sb.ITGlue.PushFlexibleAsset) // Liongard's Flexible Assets integration feeds IT Glue
	sb.Hudu = hudu.New(w)
	vendors := []struct {
		name  string
		srv   *simkit.Server
		creds func(url string) Creds
	}{
		{"halopsa", sb.HaloPSA.Server, func(u string) Creds {
			return Creds{URL: u, ClientID: halopsa.DemoApp.ClientID, ClientSecret: halopsa.DemoApp.ClientSecret, Tenant: sb.HaloPSA.Tenant}
		}},
		{"liongard", sb.Liongard.Server, func(u string) Creds {
			return Creds{URL: u, KeyID: liongard.DemoKey.ID, KeySecret: liongard.DemoKey.Secret}
		}},
		{"itglue", sb.ITGlue.Server, func(u string) Creds { return Creds{URL: u, APIKey: itglue.DemoKey} }},
		{"hudu", sb.Hudu.Server, func(u string) Creds { return Creds{URL: u, APIKey: hudu.DemoKey} }},
	}
	for i, v := range vendors {
		p := 0
		if port != 0 {
			p = port + i
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			sb.Close()
			return nil, fmt.Errorf("sandbox %s: %w", v.name, err)
		}
		srv := &http.Server{Handler: v.srv, ReadHeaderTimeout: 10 * time.Second}
		sb.servers = append(sb.servers, srv)
		sb.Creds[v.name] = v.creds("http://" + ln.Addr().String())
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				sb.errs <- fmt.Errorf("sandbox %s: %w", v.name, err)
			}
		}()
	}
	go func() {
		<-ctx.Done()
		sb.Close()
	}()
	return sb, nil
}

// NewSecret has a simulator issue a new credential, as the vendor's console
// would: a HaloPSA application's new secret (the old one dies at once), a
// new Liongard access key, a new IT Glue or Hudu API key (the old keys
// stay valid until revoked). Creds keeps the demo's first credentials.
func (sb *Sandbox) NewSecret(system string) (Creds, error) {
	c := sb.Creds[system]
	switch system {
	case "halopsa":
		secret, ok := sb.HaloPSA.RotateSecret(c.ClientID)
		if !ok {
			return Creds{}, fmt.Errorf("sandbox: no HaloPSA application %s", c.ClientID)
		}
		c.ClientSecret = secret
	case "liongard":
		k := sb.Liongard.NewKey()
		c.KeyID, c.KeySecret = k.ID, k.Secret
	case "itglue":
		c.APIKey = sb.ITGlue.Issue("ITG.sandbox")
	case "hudu":
		c.APIKey = sb.Hudu.Issue("hudu-key")
	default:
		return Creds{}, fmt.Errorf("sandbox: unknown system %q", system)
	}
	return c, nil
}

// Err reports a server that stopped on its own.
func (sb *Sandbox) Err() <-chan error { return sb.errs }

// Close stops every simulator.
func (sb *Sandbox) Close() {
	for _, s := range sb.servers {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = s.Shutdown(ctx)
		cancel()
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
