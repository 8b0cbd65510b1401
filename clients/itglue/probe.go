package itglue

import (
	"context"
	"encoding/json"
	"net/url"
)

// Probe reads one answer of a GET route as the vendor wrote it, for the
// preflight (mspwire doctor --api). It only reads.
func (c *Client) Probe(ctx context.Context, path string, q url.Values) (json.RawMessage, error) {
	return c.api.Get(ctx, path, q)
}
