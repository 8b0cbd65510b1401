package apply_test

import (
	"os"
	"testing"
	"time"

	"github.com/mspwire/mspwire/clients/httpx"
)

// Retries after a fault wait milliseconds, not seconds: what is tested is
// that they happen and that nothing is made twice.
func TestMain(m *testing.M) {
	httpx.DefaultBackoffBase = 5 * time.Millisecond
	os.Exit(m.Run())
}
