package replay

import (
	"strings"
	"testing"
	"time"
)

// fakeWaiter is a spinning, self-adapting waiter on a clock that moves
// 5 µs per reading and jumps (another thread took the CPU) at the readings
// listed.
func fakeWaiter(jumps map[int]time.Duration) (w *waiter, realtime *int) {
	w = newWaiter(time.Now(), false, time.Millisecond)
	var now time.Duration
	reads := 0
	w.clock = func() time.Duration {
		reads++
		now += 5 * time.Microsecond
		now += jumps[reads]
		return now
	}
	realtime = new(int)
	w.toRealtime = func() func() { *realtime++; return func() {} }
	return w, realtime
}

// TestWaiterGivesWayToContention: three preemptions of more than
// preemptJump within preemptWindow make a spinning sender sleep
// (real-time) for the rest of the run; two do not, nor three spread over
// more than the window.
func TestWaiterGivesWayToContention(t *testing.T) {
	cases := []struct {
		name     string
		jumps    map[int]time.Duration
		givesWay bool
	}{
		{"none", nil, false},
		{"two", map[int]time.Duration{10: 2 * time.Millisecond, 20: 2 * time.Millisecond}, false},
		{"three within a second", map[int]time.Duration{10: 2 * time.Millisecond, 20: 3 * time.Millisecond, 30: 2 * time.Millisecond}, true},
		{"three over more than a second", map[int]time.Duration{10: 2 * time.Millisecond, 20: 1200 * time.Millisecond, 30: 2 * time.Millisecond}, false},
		{"short jumps", map[int]time.Duration{10: 900 * time.Microsecond, 20: 900 * time.Microsecond, 30: 900 * time.Microsecond}, false},
	}
	for _, c := range cases {
		w, realtime := fakeWaiter(c.jumps)
		for i := int64(0); i < 200 && w.spin; i++ {
			w.wait(w.clock()+200*time.Microsecond, i)
		}
		if got := w.switchedAt > 0; got != c.givesWay {
			t.Errorf("%s: switched %v (%s), want %v", c.name, got, w.mode(), c.givesWay)
		}
		if want := map[bool]int{true: 1, false: 0}[c.givesWay]; *realtime != want {
			t.Errorf("%s: real-time policy taken %d times, want %d", c.name, *realtime, want)
		}
		if c.givesWay && !strings.Contains(w.mode(), "then slept") {
			t.Errorf("%s: mode %q", c.name, w.mode())
		}
	}
}

// TestWaiterModes: --spin never gives way; fast rates sleep then spin;
// low rates start spinning and may give way.
func TestWaiterModes(t *testing.T) {
	for _, c := range []struct {
		spin       bool
		gap        time.Duration
		spins, may bool
	}{
		{true, 10 * time.Millisecond, true, false},
		{true, 100 * time.Microsecond, true, false},
		{false, 10 * time.Millisecond, true, true},
		{false, 2 * spinMargin, true, true},
		{false, 2*spinMargin - 1, false, false},
		{false, 0, false, false},
	} {
		w := newWaiter(time.Now(), c.spin, c.gap)
		if w.spin != c.spins || w.auto != c.may {
			t.Errorf("spin %v, gap %v: spins %v, may give way %v; want %v, %v", c.spin, c.gap, w.spin, w.auto, c.spins, c.may)
		}
	}
}
