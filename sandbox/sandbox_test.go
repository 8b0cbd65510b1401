package sandbox_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/flows/adapter"
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
	for _, name := range adapter.IDs() {
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

// IT Glue configurations share names with Liongard systems for the same
// customers: the collision Pro Sync resolves by overwriting.
func TestProSyncCollisionsArePlanted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb, err := sandbox.Start(ctx, sandbox.Options{Seed: 4, Companies: 80})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	getJSON := func(url string, header map[string]string, into any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", url, resp, err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			t.Fatal(err)
		}
	}
	lg := sb.Creds["liongard"]
	var systems []struct {
		Name        string
		Environment struct{ Name string }
	}
	key := base64.StdEncoding.EncodeToString([]byte(lg.KeyID + ":" + lg.KeySecret))
	getJSON(lg.URL+"/api/v1/systems/", map[string]string{"X-ROAR-API-KEY": key}, &systems)
	var configs struct {
		Data []struct {
			Attributes map[string]any
		}
	}
	getJSON(sb.Creds["itglue"].URL+"/configurations?filter[name]=DC01&page[size]=1000", map[string]string{"x-api-key": sb.Creds["itglue"].APIKey}, &configs)

	customerOf := map[string]int{} // record name in a system -> world customer
	for _, c := range sb.World.Customers {
		for sys, recs := range c.In {
			for _, r := range recs {
				customerOf[sys+"/"+r.Name] = c.ID
			}
		}
	}
	withDC := map[int]bool{}
	for _, s := range systems {
		if strings.HasSuffix(s.Name, " - DC01") {
			withDC[customerOf["liongard/"+s.Environment.Name]] = true
		}
	}
	collisions := 0
	for _, c := range configs.Data {
		if withDC[customerOf["itglue/"+c.Attributes["organization-name"].(string)]] {
			collisions++
		}
	}
	if collisions == 0 {
		t.Fatalf("no customer has DC01 in both Liongard (%d) and IT Glue (%d)", len(withDC), len(configs.Data))
	}
}
