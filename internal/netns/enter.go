//go:build linux

package netns

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

// Do runs fn with the calling goroutine's thread inside the namespace
// (setns(2) with CLONE_NEWNET on a locked OS thread), then moves the
// thread back. Sockets fn opens stay in the namespace after it returns:
// this is how a test opens a live capture or a raw sender on an
// interface that exists only inside its namespace. fn must not start
// goroutines that expect to be in the namespace.
func (n *NS) Do(fn func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("netns: %w", err)
	}
	defer orig.Close()
	target, err := os.Open(filepath.Join("/run/netns", n.Name))
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("netns: %w", err)
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("netns: entering %s: %w", n.Name, err)
	}
	ferr := fn()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		// Leave the thread locked: it dies with this goroutine rather than
		// run other goroutines in the wrong namespace.
		return fmt.Errorf("netns: leaving %s: %w", n.Name, err)
	}
	runtime.UnlockOSThread()
	return ferr
}
