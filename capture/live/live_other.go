//go:build !linux

package live

import (
	"fmt"
	"runtime"

	"github.com/v6scope/v6scope/capture"
)

// Capture is a live capture; on this system Open always fails.
type Capture struct{}

// Open fails: live capture uses Linux packet sockets.
func Open(o Options) (*Capture, error) {
	return nil, fmt.Errorf("%w, not on %s", ErrNotSupported, runtime.GOOS)
}

func (c *Capture) Next(f *capture.Frame) error     { return ErrNotSupported }
func (c *Capture) Interfaces() []capture.Interface { return nil }
func (c *Capture) Close() error                    { return nil }
func (c *Capture) Stop()                           {}
func (c *Capture) Ready() bool                     { return false }
func (c *Capture) Stats() (Stats, error)           { return Stats{}, ErrNotSupported }

// Supported reports whether live capture works on this system.
func Supported() bool { return false }
