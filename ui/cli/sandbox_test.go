package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mspwire/mspwire/ui/cli"
)

// A script starts the sandbox, reads the first line of stdout for the URLs
// and credentials, talks to a vendor with them, then stops the sandbox.
func TestSandboxServeJSONFirstLine(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, []string{"sandbox", "serve", "--json", "--companies", "10"}, cli.IO{In: strings.NewReader(""), Out: pw, Err: io.Discard})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	var creds map[string]map[string]string
	if err := json.Unmarshal([]byte(line), &creds); err != nil {
		t.Fatalf("first line is not JSON: %q", line)
	}
	halo := creds["halopsa"]
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {halo["client_id"]}, "client_secret": {halo["client_secret"]}, "scope": {"all"}}
	resp, err := http.PostForm(halo["url"]+"/auth/token", form)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("token with the printed credentials: %v %v", resp, err)
	}
	resp.Body.Close()
	if creds["liongard"]["access_key_id"] == "" {
		t.Fatalf("no Liongard key in %v", creds)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d after interrupt", code)
	}
}
