//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

// fileID is a file's identity on its machine (device and inode): a moved
// file keeps it, a copy gets another.
func fileID(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return ""
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}
