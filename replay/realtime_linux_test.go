//go:build linux

package replay

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/internal/netns"
)

// schedOther is SCHED_OTHER (sched(7)), which x/sys/unix does not name.
const schedOther = 0

// policyOutput is a paced Output that sends nothing and records the
// scheduling policy of the thread that calls Send.
type policyOutput struct{ policies []uint32 }

func (o *policyOutput) Name() string          { return "policy probe" }
func (o *policyOutput) MTU() int              { return 0 }
func (o *policyOutput) Paced() bool           { return true }
func (o *policyOutput) Start(time.Time) error { return nil }
func (o *policyOutput) Close() error          { return nil }
func (o *policyOutput) Send(batch []Packet) (int, error) {
	a, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		return 0, err
	}
	for range batch {
		o.policies = append(o.policies, a.Policy)
	}
	return len(batch), nil
}

func threadPolicy(t *testing.T) *unix.SchedAttr {
	t.Helper()
	a, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		t.Fatalf("sched_getattr: %v", err)
	}
	return a
}

// TestSenderPolicy: a replay sends from a SCHED_OTHER thread whether it
// spins (--spin, or low rates while the CPU is its own) or sleeps (faster
// rates, where it spins nearly all the time anyway); at low rates, frames
// sent after the sender found its CPU contended go from a SCHED_FIFO
// thread, and Report.Waiting says from which; the thread has its old
// policy back when Play returns.
func TestSenderPolicy(t *testing.T) {
	netns.Require(t, "switching a thread to SCHED_FIFO needs root (CAP_SYS_NICE)")
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadPolicy(t)
	if before.Policy != schedOther {
		t.Skipf("the test runs under scheduling policy %d, not SCHED_OTHER", before.Policy)
	}
	mk := func(n int) *Frames {
		fs := &Frames{}
		t0 := time.Unix(1700000000, 0)
		for i := range n {
			fs.List = append(fs.List, Frame{Number: i + 1, Time: t0.Add(time.Duration(i) * time.Millisecond), LinkType: capture.LinkEthernet, Data: make([]byte, 60)})
		}
		return fs
	}
	cases := []struct {
		name    string
		pacing  Pacing
		spin    bool
		waiting string // the start of Report.Waiting
		mayFIFO bool   // a contended CPU may move it to SCHED_FIFO
	}{
		{"200 pps", Pacing{Mode: PPS, Rate: 200}, false, "spun", true},
		{"original timing, 1 ms apart", Pacing{Mode: Original}, false, "spun", true},
		{"200 pps, --spin", Pacing{Mode: PPS, Rate: 200}, true, "spun on the clock", false},
		// 1/(2 × 250 µs) = 2000 pps is the boundary.
		{"5000 pps", Pacing{Mode: PPS, Rate: 5000}, false, "slept", false},
		{"original timing ×10, 100 µs apart", Pacing{Mode: Original, Multiplier: 10}, false, "slept", false},
		{"top speed", Pacing{Mode: Topspeed}, false, "slept", false},
	}
	for _, c := range cases {
		out := &policyOutput{}
		rep, err := Play(context.Background(), mk(5), out, Options{Pacing: c.pacing, Loops: 1, Batch: 1, Spin: c.spin})
		if err != nil || rep.Packets != 5 {
			t.Fatalf("%s: %v, %d packets", c.name, err, rep.Packets)
		}
		if !strings.HasPrefix(rep.Waiting, c.waiting) {
			t.Errorf("%s: waiting %q, want it to start %q", c.name, rep.Waiting, c.waiting)
		}
		switched := 0 // the first frame sent under SCHED_FIFO, 1-based
		if _, err := fmt.Sscanf(rep.Waiting, "spun, then slept (SCHED_FIFO where allowed) from the %d.", &switched); err == nil && !c.mayFIFO {
			t.Errorf("%s: switched to sleeping: %s", c.name, rep.Waiting)
		}
		for i, p := range out.policies {
			want := uint32(schedOther)
			if switched > 0 && i+1 >= switched {
				want = unix.SCHED_FIFO
			}
			if p != want {
				t.Errorf("%s: frame %d sent under policy %d, want %d (%s)", c.name, i+1, p, want, rep.Waiting)
			}
		}
		if after := threadPolicy(t); after.Policy != before.Policy || after.Priority != before.Priority || after.Nice != before.Nice {
			t.Fatalf("%s: after Play the thread has policy %d priority %d nice %d, want %d %d %d", c.name, after.Policy, after.Priority, after.Nice, before.Policy, before.Priority, before.Nice)
		}
	}
}

// TestRealtimeThreadResetOnFork: the real-time policy is set with
// SCHED_FLAG_RESET_ON_FORK, so the Go runtime's threads started from the
// sender do not inherit it.
func TestRealtimeThreadResetOnFork(t *testing.T) {
	netns.Require(t, "switching a thread to SCHED_FIFO needs root (CAP_SYS_NICE)")
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadPolicy(t)
	restore := realtimeThread()
	a := threadPolicy(t)
	restore()
	if a.Policy != unix.SCHED_FIFO || a.Priority != 1 || a.Flags&unix.SCHED_FLAG_RESET_ON_FORK == 0 {
		t.Errorf("realtimeThread set policy %d priority %d flags %#x, want SCHED_FIFO, 1, RESET_ON_FORK", a.Policy, a.Priority, a.Flags)
	}
	if after := threadPolicy(t); after.Policy != before.Policy || after.Priority != before.Priority {
		t.Errorf("restored policy %d priority %d, want %d %d", after.Policy, after.Priority, before.Policy, before.Priority)
	}
}

// TestMeanGap checks the schedule's mean interval against hand-computed
// values.
func TestMeanGap(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	fs := []Frame{
		{Time: t0, Data: make([]byte, 100)},
		{Time: t0.Add(1 * time.Millisecond), Data: make([]byte, 100)},
		{Time: t0.Add(7 * time.Millisecond), Data: make([]byte, 100)},
	}
	cases := []struct {
		p    Pacing
		want time.Duration
	}{
		{Pacing{Mode: Original}, 3500 * time.Microsecond},               // 7 ms over 2 gaps
		{Pacing{Mode: Original, Multiplier: 7}, 500 * time.Microsecond}, // 1 ms over 2 gaps
		{Pacing{Mode: PPS, Rate: 1000}, time.Millisecond},               // 1/1000 s
		{Pacing{Mode: Mbps, Rate: 0.8}, time.Millisecond},               // 800 bits at 0.8 Mbit/s
		{Pacing{Mode: Topspeed}, 0},
	}
	for _, c := range cases {
		if got := meanGap(fs, c.p); got != c.want {
			t.Errorf("%s: mean gap %v, want %v", c.p, got, c.want)
		}
	}
	if got := meanGap(fs[:1], Pacing{Mode: PPS, Rate: 1}); got != 0 {
		t.Errorf("one frame: %v, want 0", got)
	}
}
