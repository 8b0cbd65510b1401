// Package httpx is the HTTP layer every vendor client shares: base URLs,
// rate budgets, retries, pagination and errors that say what happened.
package httpx

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// NormalizeBaseURL checks a base URL typed by a person and returns it in
// one form: no spaces, no trailing slash. It says exactly what is wrong:
// a missing scheme, plain http to a remote host, a user name or password in
// the URL, a query or a fragment.
func NormalizeBaseURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Errorf("the URL is empty")
	}
	if !strings.Contains(s, "://") {
		return "", fmt.Errorf("%q has no scheme: write it as https://%s", s, s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %v", s, unwrapURLError(err))
	}
	switch {
	case u.Host == "":
		return "", fmt.Errorf("%q has no host name", s)
	case u.User != nil:
		return "", fmt.Errorf("the URL carries a user name or password; remove it — credentials go in their own fields")
	case u.RawQuery != "" || u.ForceQuery:
		return "", fmt.Errorf("%q has a query (?%s); give the base URL only", redactQuery(u), "…")
	case u.Fragment != "":
		return "", fmt.Errorf("%q has a fragment (#…); give the base URL only", s[:strings.Index(s, "#")])
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return "", fmt.Errorf("%q uses http; use https:// (plain http is allowed only for this machine, e.g. the sandbox)", s)
		}
	default:
		return "", fmt.Errorf("%q: scheme %q is not supported; use https://", s, u.Scheme)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	u.Host = strings.ToLower(u.Host)
	return u.String(), nil
}

// IsLoopback says whether host is this machine: localhost or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func redactQuery(u *url.URL) string {
	c := *u
	c.RawQuery, c.ForceQuery, c.Fragment = "", false, ""
	return c.String()
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
