package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mspwire/mspwire/store"
)

// A demo keeps its data in a temporary directory and its sandbox secrets
// in the keyring, both removed when it ends. A demo that is killed cannot
// remove them, so each demo holds a lock in its directory while it runs
// and, on start, sweeps the directories whose lock nobody holds: their
// keyring entries first, then the directory.
const (
	demoDirPattern = "mspwire-demo-*"
	demoLockFile   = "running.lock"
	demoScopeFile  = "keyring-scope" // the data directory's id: its keyring entries' scope
)

// demoDir is a running demo's directory; Close releases its lock and
// removes it.
type demoDir struct {
	path string
	lock io.Closer
}

// newDemoDir makes a demo's directory and takes its lock.
func newDemoDir() (*demoDir, error) {
	dir, err := os.MkdirTemp("", demoDirPattern)
	if err != nil {
		return nil, fmt.Errorf("cannot make the demo's temporary directory: %w", err)
	}
	// Locked under another name, then renamed: a sweep never sees the
	// lock file before its lock is held.
	fresh := filepath.Join(dir, "."+demoLockFile)
	lock, held, err := lockDir(fresh)
	if err == nil && held {
		err = os.Rename(fresh, filepath.Join(dir, demoLockFile))
	}
	if err != nil || !held {
		if lock != nil {
			lock.Close()
		}
		os.RemoveAll(dir)
		return nil, fmt.Errorf("cannot lock the demo's directory %s: %v", dir, err)
	}
	return &demoDir{path: dir, lock: lock}, nil
}

// remember records the keyring scope of the demo's data, for a sweep
// after a kill.
func (d *demoDir) remember(scope string) error {
	return os.WriteFile(filepath.Join(d.path, demoScopeFile), []byte(scope), 0o600)
}

func (d *demoDir) Close() {
	if d.lock != nil {
		d.lock.Close()
	}
	os.RemoveAll(d.path)
}

// sweepDemoLeftovers removes what killed demos left: for each demo
// directory whose lock is free, its keyring entries, then the directory.
// Without a keyring (kr nil) a directory whose demo kept secrets there is
// left for a demo that has one. It says what it removed.
func sweepDemoLeftovers(ctx context.Context, kr *store.Keyring, out io.Writer) {
	if !sweepable {
		return
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), demoDirPattern))
	for _, dir := range dirs {
		lockPath := filepath.Join(dir, demoLockFile)
		if _, err := os.Lstat(lockPath); err != nil {
			continue // not a demo of this kind, or not ours to judge
		}
		lock, held, err := lockDir(lockPath)
		if err != nil || !held {
			continue // a demo running now
		}
		scope, err := os.ReadFile(filepath.Join(dir, demoScopeFile))
		if err == nil && strings.TrimSpace(string(scope)) != "" {
			if kr == nil {
				lock.Close()
				continue
			}
			if err := forgetDemoSecrets(ctx, kr.Scoped(strings.TrimSpace(string(scope))), "demo"); err != nil {
				lock.Close()
				fmt.Fprintf(out, "A demo that was killed left %s; its keyring entries could not be removed (%v), so it is kept.\n", dir, err)
				continue
			}
		}
		err = os.RemoveAll(dir)
		lock.Close()
		if err == nil {
			fmt.Fprintf(out, "Removed what a demo that was killed left: %s (and its keyring entries).\n", dir)
		}
	}
}
