//go:build linux

package replay

import (
	"time"

	"golang.org/x/sys/unix"
)

// sleep blocks the calling (locked) thread for d with nanosleep(2). The Go
// runtime's own timers wake a sleeper on a millisecond grid when the thread
// waits in the network poller (golang/go#44343); a direct nanosleep wakes
// within the thread's timer slack.
func sleep(d time.Duration) {
	ts := unix.NsecToTimespec(int64(d))
	for {
		var rem unix.Timespec
		if err := unix.Nanosleep(&ts, &rem); err != unix.EINTR {
			return
		}
		ts = rem
	}
}

// preciseThread sets the calling thread's timer slack to 1 ns (prctl(2)
// PR_SET_TIMERSLACK; the default is 50 µs) and returns a function that
// restores it.
func preciseThread() func() {
	old, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err != nil {
		return func() {}
	}
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0)
	return func() { _ = unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(old), 0, 0, 0) }
}
