package workflow_test

import (
	"os"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
)

// Retries after a fault wait milliseconds, not seconds: what is tested is
// that they happen and that a ticket is opened once.
func TestMain(m *testing.M) {
	httpx.DefaultBackoffBase = 5 * time.Millisecond
	os.Exit(m.Run())
}
