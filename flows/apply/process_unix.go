//go:build unix

package apply

import (
	"errors"
	"syscall"
)

// processAlive says whether a process of this host lives (signal 0 asks
// without sending anything).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
