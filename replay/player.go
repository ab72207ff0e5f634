package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/v6scope/v6scope/capture"
)

// Output is where frames go: an interface (AF_PACKET) or a file.
type Output interface {
	// Name describes it for the report: "interface v6s0", "file out.pcapng".
	Name() string
	// MTU is the largest network-layer packet it takes; 0: no limit.
	MTU() int
	// Paced is false for a file: frames are written at once, stamped with
	// the time the schedule gives them, rather than sent at that time.
	Paced() bool
	// Start is called once before the first frame with the capture time
	// of the first frame to be sent (a file stamps frames from it).
	Start(first time.Time) error
	// Send sends the frames of batch in order and returns how many went
	// out before an error.
	Send(batch []Packet) (int, error)
	Close() error
}

// Packet is one frame handed to an Output, with the offset from the start
// of the replay at which it is due.
type Packet struct {
	Frame *Frame
	Due   time.Duration
}

// Oversize says what to do with a frame larger than the interface's MTU.
type Oversize uint8

const (
	// OversizeSkip skips it, counts it and names the first one.
	OversizeSkip Oversize = iota
	// OversizeStop stops the replay, naming it.
	OversizeStop
)

// Sentinel errors of a replay; the error Play returns wraps one with the
// details.
var (
	ErrOversize   = errors.New("frame larger than the interface MTU")
	ErrPermission = errors.New("no permission to send raw frames")
	ErrDown       = errors.New("interface is down")
	ErrNoIface    = errors.New("no such interface")
	ErrRetry      = errors.New("transmit queue full") // ENOBUFS, EAGAIN: retried
)

// Options control a replay.
type Options struct {
	Pacing    Pacing
	Loops     int           // passes over the frames; 0: until Limit or Duration
	LoopDelay time.Duration // between passes
	Limit     int64         // stop after this many frames sent (0: no limit)
	Duration  time.Duration // stop scheduling frames due after this (0: no limit)
	Oversize  Oversize
	Batch     int // most frames per system call (0: 64)
	// Spin makes the sender spin on the clock for the whole gap, as
	// tcpreplay does, even when other threads want its CPU (by default a
	// low-rate sender spins only until it sees its CPU contended, then
	// sleeps; see waiter). It stays SCHED_OTHER: the kernel throttles a
	// spinning real-time thread.
	Spin bool
	// Stats, when > 0, has the current counts written to StatsOut every
	// Stats while frames are sent.
	Stats    time.Duration
	StatsOut io.Writer
	// Warn receives one-line warnings (the first oversize frame skipped).
	Warn func(string)
}

// spinMargin is how long before a frame is due the sender stops sleeping
// and spins on the clock: nanosleep wakes up tens of microseconds late on
// an idle virtual machine and a few hundred on a loaded one (measured with
// SCHED_FIFO: p50 32 µs, p99 87 µs at a load of 2.6 on 2 CPUs, p99 283 µs
// at 6), a spin on the vDSO clock within a hundred nanoseconds. A frame
// whose wake-up overshoots the margin is late, and so are the overdue
// frames sent back to back after it: each of their gaps is off by a whole
// period.
const spinMargin = 250 * time.Microsecond

// sleepChunk bounds one nanosleep. A virtual CPU that sleeps longer than
// its host polls for it (KVM's halt polling is a few hundred µs) is
// descheduled, and waking it can take milliseconds even on an idle host:
// measured on the development VM, 750 µs sleeps overshot by 1.3 ms at
// p99.9 and 8–16 ms at most, 50 µs sleeps by 0.1–0.4 ms at p99.9 and
// 0.14–3 ms at most. A sender that sleeps in short steps wakes often, each
// time for a few µs of CPU, but more nearly on time.
const sleepChunk = 50 * time.Microsecond

// maxRetries bounds the retries of one frame the queue refused; between
// them the sender yields (then sleeps 20 µs), so one frame waits at most
// about retryWait before it counts as failed.
const (
	maxRetries = 2000
	retryWait  = 40 * time.Millisecond
)

// waitUntil returns at start+due: it sleeps, sleepChunk at a time, until
// spinMargin before, then spins. Pacing against the absolute start, never
// the previous frame, means a late frame does not make the following ones
// late.
func waitUntil(start time.Time, due time.Duration) {
	for {
		rem := due - time.Since(start)
		if rem <= 0 {
			return
		}
		if rem > spinMargin {
			sleep(min(rem-spinMargin, sleepChunk))
		}
	}
}

// meanGap is the mean interval between the frames of one pass that p
// schedules; 0 for top speed or a single frame.
func meanGap(frames []Frame, p Pacing) time.Duration {
	if len(frames) < 2 {
		return 0
	}
	s := NewSchedule(p, 0)
	var last time.Duration
	for i := range frames {
		last = s.Next(frames[i].Time, len(frames[i].Data))
	}
	return last / time.Duration(len(frames)-1)
}

// linkPayloadLen returns the length of the network-layer packet of a frame.
func linkPayloadLen(f *Frame) int {
	off, _ := linkHeader(f.LinkType, f.Data)
	if off < 0 {
		if f.LinkType == capture.LinkEthernet {
			return len(f.Data) - ethHeaderLen
		}
		return len(f.Data)
	}
	return len(f.Data) - off
}

// counters are read by the stats printer while the sender runs.
type counters struct{ packets, bytes, failed, retries atomic.Int64 }

// Play sends frames to out as o says and returns what it measured. It
// returns early, with the report so far and an error, when ctx ends, when
// the output fails for good (interface gone or down, no permission), on an
// oversize frame with OversizeStop, and after the last good frame of a
// damaged capture (frames.Err).
func Play(ctx context.Context, frames *Frames, out Output, o Options) (Report, error) {
	m := &meter{}
	m.r.Target, m.r.Pacing, m.r.File = out.Name(), o.Pacing.String(), !out.Paced()
	m.r.Selected, m.r.Unmatched = frames.Selected, frames.Unmatched
	if err := o.Pacing.Validate(); err != nil {
		return m.r, err
	}
	if frames.empty() {
		return m.r, frames.Err
	}
	loops := o.Loops
	if frames.Err != nil {
		loops = 1 // the frames after the damage are unknown: one pass, then stop
	}
	if loops == 0 && o.Limit == 0 && o.Duration == 0 {
		return m.r, errors.New("looping forever needs --limit or --duration to end")
	}
	batchMax := o.Batch
	if batchMax <= 0 {
		batchMax = 64
	}
	if err := out.Start(frames.firstTime()); err != nil {
		return m.r, err
	}

	var stop atomic.Bool
	done := make(chan struct{})
	var wg sync.WaitGroup
	defer func() { close(done); wg.Wait() }()
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ctx.Done():
			stop.Store(true)
		case <-done:
		}
	}()
	var cnt counters
	// Collect now what loading left behind: a collection during the run
	// stops the sender while the collector's threads, which may wait for a
	// busy CPU, scan its stack. The loop below allocates nothing.
	runtime.GC()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer preciseThread()()
	start := time.Now()
	var w *waiter
	if out.Paced() {
		w = newWaiter(start, o.Spin, meanGap(frames.List, o.Pacing))
		defer func() { w.restore() }()
	}
	if o.Stats > 0 && o.StatsOut != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(o.Stats)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					el := time.Since(start).Seconds()
					n, b := cnt.packets.Load(), cnt.bytes.Load()
					fmt.Fprintf(o.StatsOut, "Stats: %d packets (%d bytes) in %.3f s: %.2f pps, %.3f Mbps; %d failed, %d retried\n",
						n, b, el, float64(n)/el, float64(b)*8/el/1e6, cnt.failed.Load(), cnt.retries.Load())
				}
			}
		}()
	}

	sched := NewSchedule(o.Pacing, o.LoopDelay)
	paced := out.Paced()
	mtu := out.MTU()
	batch := make([]Packet, 0, batchMax)
	var runErr error
	warned := false

	flush := func() error {
		for len(batch) > 0 {
			at := time.Since(start)
			n, err := out.Send(batch)
			m.r.Batches++
			for _, p := range batch[:n] {
				actual := at
				if !paced {
					actual = p.Due
				}
				m.sent(p.Due, actual, len(p.Frame.Data))
			}
			cnt.packets.Store(m.r.Packets)
			cnt.bytes.Store(m.r.Bytes)
			batch = batch[:copy(batch, batch[n:])]
			if err == nil {
				continue
			}
			switch {
			case errors.Is(err, ErrRetry):
				tries := 0
				for {
					m.r.Retries++
					cnt.retries.Add(1)
					tries++
					if tries < 50 {
						runtime.Gosched()
					} else {
						sleep(20 * time.Microsecond)
					}
					n, err = out.Send(batch[:1])
					m.r.Batches++
					if n == 1 {
						m.sent(batch[0].Due, time.Since(start), len(batch[0].Frame.Data))
						break
					}
					if !errors.Is(err, ErrRetry) || tries >= maxRetries {
						if !errors.Is(err, ErrRetry) && !errors.Is(err, ErrOversize) {
							return err
						}
						m.r.Failed++
						cnt.failed.Add(1)
						break
					}
				}
				batch = batch[:copy(batch, batch[1:])]
			case errors.Is(err, ErrOversize):
				f := batch[0].Frame
				if o.Oversize == OversizeStop {
					return fmt.Errorf("frame %d: %w (%d bytes, MTU %d); use --on-oversize skip to leave such frames out", f.Number, err, linkPayloadLen(f), mtu)
				}
				m.r.Oversize++
				batch = batch[:copy(batch, batch[1:])]
			default:
				return err
			}
		}
		return nil
	}

	sent := int64(0)
	maxDue := time.Duration(-1)
loop:
	for pass := 0; loops == 0 || pass < loops; pass++ {
		if pass > 0 {
			sched.NewLoop()
		}
		m.r.Loops = pass + 1
		cur, err := frames.pass(batchMax)
		if err != nil {
			runErr = err
			break loop
		}
		for {
			f, err := cur.next()
			if err != nil {
				runErr = err
				break loop
			}
			if f == nil {
				break
			}
			if stop.Load() {
				m.r.Stopped = "interrupted"
				break loop
			}
			if o.Limit > 0 && sent >= o.Limit {
				m.r.Stopped = "--limit"
				break loop
			}
			if mtu > 0 && linkPayloadLen(f) > mtu {
				if o.Oversize == OversizeStop {
					runErr = fmt.Errorf("frame %d: %w (%d bytes, MTU %d of %s); use --on-oversize skip to leave such frames out", f.Number, ErrOversize, linkPayloadLen(f), mtu, out.Name())
					m.r.Stopped = "oversize frame"
					break loop
				}
				if !warned && o.Warn != nil {
					o.Warn(fmt.Sprintf("frame %d: %d bytes is over the MTU %d of %s: skipped (and so will be any other)", f.Number, linkPayloadLen(f), mtu, out.Name()))
				}
				warned = true
				m.r.Oversize++
				continue
			}
			due := sched.Next(f.Time, len(f.Data))
			if o.Duration > 0 && due > o.Duration {
				m.r.Stopped = "--duration"
				break loop
			}
			if paced && due > maxDue {
				if now := time.Since(start); due > now {
					if err := flush(); err != nil {
						runErr = err
						break loop
					}
					w.wait(due, sent)
				}
			}
			maxDue = due
			batch = append(batch, Packet{Frame: f, Due: due})
			sent++
			if len(batch) == cap(batch) || !paced && len(batch) > 0 {
				if err := flush(); err != nil {
					runErr = err
					break loop
				}
			}
		}
	}
	if err := flush(); runErr == nil {
		runErr = err
	}
	r := m.finish(o.Pacing.Mode == Topspeed)
	if w != nil {
		r.Waiting = w.mode()
	}
	if runErr != nil {
		if r.Stopped == "" {
			r.Stopped = runErr.Error()
		}
		return r, runErr
	}
	if frames.Err != nil {
		r.Stopped = "damaged capture"
		return r, frames.Err
	}
	return r, nil
}
