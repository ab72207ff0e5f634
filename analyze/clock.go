package analyze

import "time"

// Firer is what a Timer calls when it falls due: a session's state machine.
type Firer interface {
	// Fire is called with the clock set to the timer's deadline.
	Fire(now time.Time)
}

// Timer is a one-shot deadline on a Clock. A session embeds its timer, so
// arming one allocates nothing; a session has at most one timer armed per
// Timer value, and re-arming moves it.
type Timer struct {
	when int64 // Unix nanoseconds
	seq  uint64
	pos  int // index in the clock's heap + 1; 0 when not armed
	f    Firer
}

// Armed reports whether t is waiting to fire.
func (t *Timer) Armed() bool { return t.pos != 0 }

// When returns the deadline of an armed timer.
func (t *Timer) When() time.Time { return time.Unix(0, t.when) }

// Clock is the engine's virtual clock. It never reads the system time: it
// moves only when Advance is called (from packet timestamps, or by a test),
// and fires the timers that fell due in deadline order; timers with the
// same deadline fire in the order they were armed.
type Clock struct {
	now  int64
	set  bool
	seq  uint64
	heap []*Timer
}

// Now returns the clock's time: the deadline of the timer firing, or the
// time of the last Advance.
func (c *Clock) Now() time.Time { return time.Unix(0, c.now) }

// Started reports whether the clock has been advanced at least once.
func (c *Clock) Started() bool { return c.set }

// Pending returns how many timers are armed.
func (c *Clock) Pending() int { return len(c.heap) }

// Arm sets t to call f at time at, moving it if it was already armed. A
// deadline in the past fires at the next Advance.
func (c *Clock) Arm(t *Timer, at time.Time, f Firer) {
	c.seq++
	t.when, t.seq, t.f = at.UnixNano(), c.seq, f
	if t.pos != 0 {
		i := t.pos - 1
		c.up(i)
		c.down(t.pos - 1)
		return
	}
	c.heap = append(c.heap, t)
	t.pos = len(c.heap)
	c.up(len(c.heap) - 1)
}

// After arms t to fire d after the clock's time.
func (c *Clock) After(t *Timer, d time.Duration, f Firer) {
	c.Arm(t, time.Unix(0, c.now+int64(d)), f)
}

// Stop disarms t; it is a no-op when t is not armed.
func (c *Clock) Stop(t *Timer) {
	if t.pos == 0 {
		return
	}
	i := t.pos - 1
	last := len(c.heap) - 1
	if i != last {
		c.swap(i, last)
	}
	c.heap[last] = nil
	c.heap = c.heap[:last]
	t.pos = 0
	t.f = nil
	if i != last {
		c.up(i)
		c.down(i)
	}
}

// Advance moves the clock to to, firing in order every timer whose deadline
// is at or before it (including timers armed by those that fire). The
// clock never goes backwards: a time before Now only fires what is due.
func (c *Clock) Advance(to time.Time) {
	target := to.UnixNano()
	if !c.set {
		c.now, c.set = target, true
	}
	for len(c.heap) > 0 && c.heap[0].when <= target {
		t := c.heap[0]
		f := t.f
		c.Stop(t)
		if t.when > c.now {
			c.now = t.when
		}
		f.Fire(time.Unix(0, c.now))
	}
	if target > c.now {
		c.now = target
	}
}

func (c *Clock) less(i, j int) bool {
	a, b := c.heap[i], c.heap[j]
	return a.when < b.when || a.when == b.when && a.seq < b.seq
}

func (c *Clock) swap(i, j int) {
	c.heap[i], c.heap[j] = c.heap[j], c.heap[i]
	c.heap[i].pos, c.heap[j].pos = i+1, j+1
}

func (c *Clock) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !c.less(i, p) {
			return
		}
		c.swap(i, p)
		i = p
	}
}

func (c *Clock) down(i int) {
	n := len(c.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && c.less(r, l) {
			m = r
		}
		if !c.less(m, i) {
			return
		}
		c.swap(i, m)
		i = m
	}
}
