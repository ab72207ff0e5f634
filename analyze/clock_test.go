package analyze

import (
	"testing"
	"time"
)

type fireLog struct {
	name string
	log  *[]string
}

func (f fireLog) Fire(now time.Time) { *f.log = append(*f.log, f.name+"@"+now.Format("05.000")) }

func TestClockFiresInDeadlineOrder(t *testing.T) {
	var c Clock
	var log []string
	t0 := time.Unix(1000, 0)
	c.Advance(t0)
	var a, b, d, e Timer
	c.Arm(&a, t0.Add(3*time.Second), fireLog{"a", &log})
	c.Arm(&b, t0.Add(1*time.Second), fireLog{"b", &log})
	c.Arm(&d, t0.Add(1*time.Second), fireLog{"d", &log}) // same deadline: arming order
	c.Arm(&e, t0.Add(2*time.Second), fireLog{"e", &log})
	c.Stop(&e)
	c.Arm(&a, t0.Add(500*time.Millisecond), fireLog{"a", &log}) // moved earlier
	c.Advance(t0.Add(5 * time.Second))
	want := []string{"a@40.500", "b@41.000", "d@41.000"}
	if len(log) != len(want) {
		t.Fatalf("fired %v, want %v", log, want)
	}
	for i := range want {
		if log[i] != want[i] {
			t.Fatalf("fired %v, want %v", log, want)
		}
	}
	if c.Pending() != 0 || a.Armed() || e.Armed() {
		t.Errorf("pending %d after all fired", c.Pending())
	}
	if got := c.Now(); !got.Equal(t0.Add(5 * time.Second)) {
		t.Errorf("Now = %v", got)
	}
}

func TestClockNeverGoesBack(t *testing.T) {
	var c Clock
	t0 := time.Unix(1000, 0)
	c.Advance(t0)
	c.Advance(t0.Add(-time.Second))
	if !c.Now().Equal(t0) {
		t.Errorf("Now = %v, want %v", c.Now(), t0)
	}
}

func TestTableEvictsLeastRecentlyUsed(t *testing.T) {
	tb := NewTable[int, string](2)
	var evicted []int
	tb.OnEvict = func(e *Entry[int, string]) { evicted = append(evicted, e.Key) }
	tb.Add(1)
	tb.Add(2)
	tb.Get(1) // 2 is now the least recently used
	tb.Add(3)
	if len(evicted) != 1 || evicted[0] != 2 || tb.Evicted() != 1 || tb.Len() != 2 {
		t.Fatalf("evicted %v (count %d, len %d), want [2]", evicted, tb.Evicted(), tb.Len())
	}
	if tb.Peek(2) != nil || tb.Peek(1) == nil || tb.Peek(3) == nil {
		t.Error("wrong survivors")
	}
}
