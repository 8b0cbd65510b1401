package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Kinds of API failure. Test with errors.Is(err, httpx.ErrUnauthorized).
var (
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNotFound     = errors.New("not found")
	ErrRateLimited  = errors.New("rate limited")
	ErrValidation   = errors.New("validation failed")
	ErrServer       = errors.New("server error")
	ErrNetwork      = errors.New("network error")
	ErrUnexpected   = errors.New("unexpected answer")
	// ErrNotSent is a request its caller stopped (Ctrl+C, SIGTERM) before
	// it was sent, or before it was sent again after a 429 or an outage:
	// nothing of it reached the vendor. It wraps context.Canceled.
	ErrNotSent = errors.New("interrupted before it was sent")
)

// FieldError is one field a vendor rejected.
type FieldError struct {
	Field   string // the vendor's name or pointer, e.g. "[0].name" or "/data/attributes/name"
	Message string
}

// Error is a failed API call. Its text names the system, method, path,
// status and the vendor's own message — and never a secret or a query.
type Error struct {
	System     string
	Method     string
	Path       string
	Status     int // 0 when no answer came
	Kind       error
	Message    string // the vendor's message, redacted
	Fields     []FieldError
	RetryAfter time.Duration // for ErrRateLimited, if the vendor said
	Final      bool          // a network failure no retry mends: wrong host, port or scheme
	Err        error         // the network error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s: ", e.System, e.Method, e.Path)
	if e.Status != 0 {
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
	} else {
		b.WriteString(e.Kind.Error())
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	if e.Kind == ErrRateLimited && e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter.Round(time.Second))
	}
	return b.String()
}

func (e *Error) Is(target error) bool { return target == e.Kind }
func (e *Error) Unwrap() error        { return e.Err }

// kindOf maps an HTTP status to a kind.
func kindOf(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity,
		status == http.StatusUnsupportedMediaType, status == http.StatusConflict:
		return ErrValidation
	case status >= 500:
		return ErrServer
	}
	return ErrUnexpected
}

// redact replaces every secret in s with asterisks: vendors sometimes echo
// what they were sent.
func redact(s string, secrets []string) string {
	for _, secret := range secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "****")
		}
	}
	return s
}
