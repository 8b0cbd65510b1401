package httpx

import (
	"strings"
	"testing"
)

func TestNormalizeBaseURL(t *testing.T) {
	good := map[string]string{
		"https://acme.halopsa.com":         "https://acme.halopsa.com",
		"  https://acme.halopsa.com/  ":    "https://acme.halopsa.com",
		"https://acme.halopsa.com///":      "https://acme.halopsa.com",
		"https://Docs.Acme.COM/hudu/":      "https://docs.acme.com/hudu",
		"http://127.0.0.1:8080/":           "http://127.0.0.1:8080",
		"http://localhost:9000":            "http://localhost:9000",
		"http://[::1]:9000/api/":           "http://[::1]:9000/api",
		"https://us1.app.liongard.com/api": "https://us1.app.liongard.com/api",
	}
	for in, want := range good {
		got, err := NormalizeBaseURL(in)
		if err != nil || got != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                                      "empty",
		"acme.halopsa.com":                      "write it as https://acme.halopsa.com",
		"http://acme.halopsa.com":               "uses http; use https://",
		"https://user:pw@acme.halopsa.com":      "user name or password",
		"https://acme.halopsa.com/?tenant=acme": "has a query",
		"https://acme.halopsa.com/#x":           "fragment",
		"ftp://acme.halopsa.com":                "not supported",
		"https://":                              "no host",
	}
	for in, want := range bad {
		_, err := NormalizeBaseURL(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NormalizeBaseURL(%q) error = %v; want it to say %q", in, err, want)
		}
	}
	if _, err := NormalizeBaseURL("https://bob:hunter2@x.com"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a password in the URL must be refused without repeating it: %v", err)
	}
}
