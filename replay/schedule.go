package replay

import (
	"fmt"
	"math"
	"time"
)

// Mode is how frames are paced.
type Mode uint8

// Pacing modes.
const (
	// Original keeps the capture's own gaps, divided by Multiplier (1 when
	// unset).
	Original Mode = iota
	// PPS sends Rate packets per second, evenly spaced.
	PPS
	// Mbps sends Rate megabits per second: each frame waits until the
	// frames before it would have taken that long at that rate.
	Mbps
	// Topspeed sends as fast as the interface takes them.
	Topspeed
)

func (m Mode) String() string {
	switch m {
	case Original:
		return "original"
	case PPS:
		return "pps"
	case Mbps:
		return "mbps"
	case Topspeed:
		return "topspeed"
	}
	return fmt.Sprintf("Mode(%d)", m)
}

// Pacing is a pacing mode and its parameter.
type Pacing struct {
	Mode       Mode
	Multiplier float64 // Original: gaps are divided by it; 0 means 1
	Rate       float64 // PPS: packets per second; Mbps: megabits per second
}

// Validate checks the parameter of the mode.
func (p Pacing) Validate() error {
	switch p.Mode {
	case Original:
		if p.Multiplier < 0 || math.IsNaN(p.Multiplier) || math.IsInf(p.Multiplier, 0) {
			return fmt.Errorf("multiplier %v: must be a positive number", p.Multiplier)
		}
	case PPS, Mbps:
		if !(p.Rate > 0) || math.IsInf(p.Rate, 0) {
			return fmt.Errorf("%s %v: must be a positive number", p.Mode, p.Rate)
		}
	}
	return nil
}

func (p Pacing) String() string {
	switch p.Mode {
	case Original:
		if p.Multiplier != 0 && p.Multiplier != 1 {
			return fmt.Sprintf("original timing ×%g", p.Multiplier)
		}
		return "original timing"
	case PPS:
		return fmt.Sprintf("%g pps", p.Rate)
	case Mbps:
		return fmt.Sprintf("%g Mbps", p.Rate)
	}
	return "top speed"
}

// Schedule computes when each frame is due, as an offset from the start of
// the replay. Offsets are computed from the count of packets or bytes (or
// the capture's timestamps) since the start, never by adding gaps, so no
// rounding error accumulates however long the run.
type Schedule struct {
	p         Pacing
	loopDelay time.Duration

	n         int64         // frames scheduled so far
	bytes     int64         // their bytes
	last      time.Duration // offset of the last frame
	loopBase  time.Duration // Original: offset of the current loop's first frame
	loopFirst time.Time     // Original: capture time of the current loop's first frame
	loopStart bool          // the next frame starts a loop
	prevTime  time.Time     // Original: capture time of the previous frame
	prevOff   time.Duration
	delays    time.Duration // loop delays so far (PPS, Mbps)
}

// NewSchedule returns a schedule for p, with loopDelay between loops.
func NewSchedule(p Pacing, loopDelay time.Duration) *Schedule {
	return &Schedule{p: p, loopDelay: loopDelay, loopStart: true}
}

// NewLoop marks the next frame as the first of another pass over the
// capture: it comes loopDelay after the last frame of the previous pass
// (Original), or one gap plus loopDelay later (PPS, Mbps).
func (s *Schedule) NewLoop() {
	if s.n > 0 {
		s.delays += s.loopDelay
	}
	s.loopStart = true
}

// Next returns the offset at which a frame captured at ts, length bytes
// long, is due. Offsets never decrease: a frame whose timestamp goes back
// in time is due at once.
func (s *Schedule) Next(ts time.Time, length int) time.Duration {
	var off time.Duration
	switch s.p.Mode {
	case Original:
		mult := s.p.Multiplier
		if mult == 0 {
			mult = 1
		}
		if s.loopStart {
			s.loopBase = s.last
			if s.n > 0 {
				s.loopBase += s.loopDelay
			}
			s.loopFirst = ts
		}
		d := ts.Sub(s.loopFirst)
		if d < 0 {
			// Time went backwards: restart the reference here.
			s.loopBase, s.loopFirst, d = s.last, ts, 0
		}
		off = s.loopBase + time.Duration(math.Round(float64(d)/mult))
	case PPS:
		off = time.Duration(math.Round(float64(s.n)*1e9/s.p.Rate)) + s.delays
	case Mbps:
		off = time.Duration(math.Round(float64(s.bytes)*8e3/s.p.Rate)) + s.delays
	case Topspeed:
		off = s.delays
	}
	if off < s.last {
		off = s.last
	}
	s.loopStart = false
	s.n++
	s.bytes += int64(length)
	s.last = off
	return off
}
