package replay

import (
	"fmt"
	"time"
)

// How the sender waits for a frame's due time. Measured on the 2-CPU
// development VM: a thread that sleeps, even 50 µs at a time, wakes late
// now and then because its idle virtual CPU was descheduled (3 s of 50 µs
// sleeps: p99.9 0.4–0.6 ms late, 5–6 ms at most), while a thread that
// spins on the clock never went 0.33 ms between two readings on the idle
// machine. On a busy machine it is the other way round: a spinning
// SCHED_OTHER thread is preempted for milliseconds, and a sleeping
// SCHED_FIFO one wakes on time. So at low rates the sender spins while
// the CPU is its own and sleeps, real-time, once it sees that it is not.
const (
	// spinAhead is how far before its due time a spinning sender stops
	// sleeping: a frame gap shorter than this is spun through whole.
	spinAhead = 10 * time.Millisecond
	// preemptJump is a gap between two clock readings of a spinning
	// sender that means another thread had its CPU.
	preemptJump = time.Millisecond
	// preemptLimit jumps within preemptWindow make the sender sleep
	// instead, for the rest of the run.
	preemptLimit  = 3
	preemptWindow = time.Second
)

// waiter paces the sender against its absolute start.
type waiter struct {
	start time.Time
	// spin: spin through the last spinAhead before each frame (else
	// sleep until spinMargin before it).
	spin bool
	// auto: spinning may give way to sleeping when the CPU is contended
	// (the default at low rates; --spin never gives way).
	auto bool
	// jumps holds the latest preemptions seen while spinning.
	jumps [preemptLimit]time.Duration
	njump int
	// switchedAt is the frame before which the sender stopped spinning (0:
	// it did not); restore undoes the real-time policy it then took.
	switchedAt int64
	restore    func()
	// clock and toRealtime are time.Since(start) and realtimeThread;
	// tests replace them.
	clock      func() time.Duration
	toRealtime func() func()
}

// newWaiter chooses how the sender waits: spin (--spin), spin until the
// CPU proves contended (frames on average at least 2 × spinMargin apart,
// where a sleeping sender would wake most of the time), or sleep then
// spin (faster rates, where the sender spins nearly all the time anyway).
func newWaiter(start time.Time, spin bool, gap time.Duration) *waiter {
	w := &waiter{start: start, restore: func() {}, toRealtime: realtimeThread}
	w.clock = func() time.Duration { return time.Since(w.start) }
	switch {
	case spin:
		w.spin = true
	case gap >= 2*spinMargin:
		w.spin, w.auto = true, true
	}
	return w
}

// wait returns at start+due; sent is how many frames went before.
func (w *waiter) wait(due time.Duration, sent int64) {
	if !w.spin {
		waitUntil(w.start, due)
		return
	}
	prev := w.clock()
	for {
		now := w.clock()
		// A preemption counts even when it made the frame late.
		if w.auto && now-prev > preemptJump && w.preempted(now) {
			w.spin, w.switchedAt = false, sent+1
			w.restore = w.toRealtime()
			waitUntil(w.start, due)
			return
		}
		if now >= due {
			return
		}
		rem := due - now
		if rem > spinAhead {
			sleep(min(rem-spinAhead, sleepChunk))
			now = w.clock() // a sleep is not a preemption
		}
		prev = now
	}
}

// preempted records a preemption seen at now and reports whether
// preemptLimit of them fell within preemptWindow.
func (w *waiter) preempted(now time.Duration) bool {
	w.jumps[w.njump%preemptLimit] = now
	w.njump++
	if w.njump < preemptLimit {
		return false
	}
	oldest := w.jumps[w.njump%preemptLimit]
	return now-oldest <= preemptWindow
}

// mode says how the sender waited, for the report.
func (w *waiter) mode() string {
	switch {
	case w.switchedAt > 0:
		return fmt.Sprintf("spun, then slept (SCHED_FIFO where allowed) from the %d. frame sent on: another thread took the CPU %d times within %v", w.switchedAt, preemptLimit, preemptWindow)
	case w.spin:
		return "spun on the clock between frames"
	default:
		return "slept, then spun the last 250 µs before each frame"
	}
}
