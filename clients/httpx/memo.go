package httpx

import (
	"context"
	"net/http"
	"sync"
)

// A read memo answers a GET a second time from memory, within one piece
// of work that reads the same lists several times: a report's three
// reviews each read HaloPSA's clients and users and Liongard's
// environments. Any other method sent in its scope forgets what it holds,
// since a write may change what the reads return.
type readMemo struct {
	mu      sync.Mutex
	answers map[string]*Response
}

type memoKey struct{}

// WithReadMemo is ctx with a read memo: GETs sent under it are asked of
// the vendor once. Use it for reads of one profile that belong together,
// never across a change the reads must see.
func WithReadMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &readMemo{answers: map[string]*Response{}})
}

// memoFor is the memo a request may use, and its key there; nil when the
// context has none.
func (c *Client) memoFor(ctx context.Context, req Request, target string) (*readMemo, string) {
	m, _ := ctx.Value(memoKey{}).(*readMemo)
	if m == nil {
		return nil, ""
	}
	switch {
	case req.Anonymous: // a token: it changes no record
		return nil, ""
	case req.Reads:
		return m, c.cfg.System + " " + req.Method + " " + target + " " + string(req.Body)
	case req.Method != http.MethodGet && req.Method != "":
		m.mu.Lock()
		clear(m.answers)
		m.mu.Unlock()
		return nil, ""
	}
	return m, c.cfg.System + " GET " + target
}

func (m *readMemo) get(key string) (*Response, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.answers[key]
	if !ok {
		return nil, false
	}
	return r.copy(), true
}

func (m *readMemo) put(key string, r *Response) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.answers[key] = r.copy()
}

// copy is the response with its own body and header, so a caller that
// changes its copy leaves the memo's alone.
func (r *Response) copy() *Response {
	return &Response{Status: r.Status, Header: r.Header.Clone(), Body: append([]byte(nil), r.Body...)}
}
