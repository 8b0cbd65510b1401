package sandbox_test

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/sandbox"
)

func TestStartServesEveryVendorOnItsOwnLoopbackPort(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb, err := sandbox.Start(ctx, sandbox.Options{Seed: 3, Companies: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ports := map[string]bool{}
	for _, name := range []string{"halopsa", "liongard", "itglue", "hudu"} {
		c, ok := sb.Creds[name]
		if !ok || !strings.HasPrefix(c.URL, "http://127.0.0.1:") {
			t.Fatalf("%s: %+v", name, c)
		}
		ports[c.URL] = true
		resp, err := http.Get(c.URL + "/_sandbox/state")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s admin: %v %v", name, resp, err)
		}
		resp.Body.Close()
	}
	if len(ports) != 4 {
		t.Fatal("two vendors share a port")
	}
}

func TestNonLoopbackAddressIsRefused(t *testing.T) {
	_, err := sandbox.Start(context.Background(), sandbox.Options{Addr: "0.0.0.0:0"})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("err = %v", err)
	}
}

func TestFixedPortGivesConsecutivePorts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), Companies: 5})
	if err != nil {
		t.Skipf("ports near %d are taken: %v", port, err)
	}
	defer sb.Close()
	if sb.Creds["halopsa"].URL != "http://127.0.0.1:"+strconv.Itoa(port) || sb.Creds["liongard"].URL != "http://127.0.0.1:"+strconv.Itoa(port+1) {
		t.Fatalf("creds %+v", sb.Creds)
	}
}
