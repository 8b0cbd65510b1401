//go:build crashpoints

package crash

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// Enabled says this build has crash points.
const Enabled = true

// MSPWIRE_TEST_CRASH_AFTER names the point: "swapped" kills the process
// the first time it passes "swapped", "reply#7" the seventh time it
// passes "reply". Unset, Point does nothing.
var (
	point, nth = parse(os.Getenv("MSPWIRE_TEST_CRASH_AFTER"))
	mu         sync.Mutex
	passed     int
)

func parse(s string) (string, int) {
	name, count, ok := strings.Cut(s, "#")
	if !ok {
		return s, 1
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 {
		return name, 1
	}
	return name, n
}

// Point kills the process with SIGKILL (no deferred function runs) when
// it is the named point's nth passing.
func Point(name string) {
	if point == "" || name != point {
		return
	}
	mu.Lock()
	passed++
	hit := passed == nth
	mu.Unlock()
	if hit {
		p, _ := os.FindProcess(os.Getpid())
		_ = p.Kill()
		select {}
	}
}
