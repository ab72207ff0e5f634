// Package livetest is a live capture that tests feed by hand: the TUI's
// live view and replay's expect read it where a real capture/live.Capture
// would be. It is imported by tests only.
package livetest

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/capture/live"
)

// Fake is a capture fed by a test: Push hands frames to Next; Stop lets
// Next return what was pushed, then io.EOF; Fail ends Next with an error.
type Fake struct {
	frames chan capture.Frame
	stop   chan struct{}
	fail   chan error
	once   sync.Once
	n      atomic.Uint64
	closed atomic.Bool
	// Dropped is what Stats reports as the kernel's drop counter.
	Dropped uint64
}

// New returns a Fake that holds up to buffer pushed frames.
func New(buffer int) *Fake {
	return &Fake{frames: make(chan capture.Frame, buffer), stop: make(chan struct{}), fail: make(chan error, 1)}
}

// Push queues frames for Next, with copies of their data.
func (c *Fake) Push(fs ...capture.Frame) {
	for _, f := range fs {
		f.Data = bytes.Clone(f.Data)
		c.frames <- f
	}
}

// Fail makes Next return err once the frames pushed before are read.
func (c *Fake) Fail(err error) { c.fail <- err }

// Next returns the next pushed frame, waiting for one; after Stop, the
// frames still queued and then io.EOF.
func (c *Fake) Next(f *capture.Frame) error {
	if c.take(f) {
		return nil
	}
	select {
	case x := <-c.frames:
		*f = x
		c.n.Add(1)
		return nil
	case err := <-c.fail:
		return err
	case <-c.stop:
		if c.take(f) {
			return nil
		}
		return io.EOF
	}
}

// take reads a queued frame without waiting.
func (c *Fake) take(f *capture.Frame) bool {
	select {
	case x := <-c.frames:
		*f = x
		c.n.Add(1)
		return true
	default:
		return false
	}
}

// Stop ends the capture; it may be called from any goroutine, more than once.
func (c *Fake) Stop() { c.once.Do(func() { close(c.stop) }) }

// Close records that the capture was closed.
func (c *Fake) Close() error { c.closed.Store(true); return nil }

// Closed reports whether Close was called.
func (c *Fake) Closed() bool { return c.closed.Load() }

// Read reports how many frames Next has returned.
func (c *Fake) Read() uint64 { return c.n.Load() }

// Stats reports the frames read so far as captured, and Dropped.
func (c *Fake) Stats() (live.Stats, error) {
	n := c.n.Load()
	return live.Stats{Received: n + c.Dropped, Dropped: c.Dropped, Captured: n}, nil
}
