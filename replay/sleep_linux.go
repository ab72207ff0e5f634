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

// realtimeThread moves the calling (locked) thread to SCHED_FIFO priority 1
// (sched(7)) with SCHED_FLAG_RESET_ON_FORK, so that threads it starts do
// not inherit the policy, and returns a function that restores the old
// policy. A thread that sleeps between frames must wake when its timer
// fires: under SCHED_OTHER a woken thread can wait for busy threads'
// slices, milliseconds on a loaded machine. Play uses it only when the
// sender sleeps most of the time: a SCHED_FIFO thread that spins would
// take its CPU from every other thread but the 5% the kernel's real-time
// throttling keeps back (sched_rt_runtime_us). Without CAP_SYS_NICE
// nothing changes and the restore function does nothing.
func realtimeThread() func() {
	old, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		return func() {}
	}
	attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Priority: 1, Flags: unix.SCHED_FLAG_RESET_ON_FORK}
	if err := unix.SchedSetAttr(0, &attr, 0); err != nil {
		return func() {}
	}
	return func() { _ = unix.SchedSetAttr(0, old, 0) }
}
