package liongard

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/mspwire/mspwire/clients/httpx"
)

// Probe reads one answer of a GET route as the vendor wrote it, for the
// preflight (mspwire doctor --api) to check the fields mspwire depends on.
// It only reads.
func (c *Client) Probe(ctx context.Context, path string, q url.Values) (json.RawMessage, error) {
	var out json.RawMessage
	err := c.api.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, nil, &out)
	return out, err
}
