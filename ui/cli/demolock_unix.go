//go:build unix

package cli

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// sweepable: a lock held by a killed process is free again.
const sweepable = true

// lockDir takes an exclusive lock on path without waiting: held is false
// when another process holds it. The lock ends with the process, however
// it ends, so a killed demo's lock is free.
func lockDir(path string) (io.Closer, bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return f, true, nil
}
