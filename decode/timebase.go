package decode

import "time"

// SetTimeBase sets the times the next Decode measures frame.time_relative
// (from first) and frame.time_delta (from prev). A reader that decodes
// frames out of order, such as the terminal UI reading frame N from an
// index, calls it before each Decode with the first frame's time and the
// previous frame's, so that both fields read as in a front-to-back pass.
func (d *Decoder) SetTimeBase(first, prev time.Time) {
	d.first, d.prev, d.started = first, prev, true
}
