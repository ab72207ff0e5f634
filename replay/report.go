package replay

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"
)

// gapHist counts gap errors in memory that does not grow with the run:
// 100 ns buckets up to 100 µs, 10 µs buckets up to 10 ms, then 1 ms
// buckets up to 1 s; the maximum is kept exactly.
type gapHist struct {
	fine   [1000]uint64 // [0, 100 µs) by 100 ns
	mid    [990]uint64  // [100 µs, 10 ms) by 10 µs
	coarse [990]uint64  // [10 ms, 1 s) by 1 ms
	over   uint64
	n      uint64
	max    time.Duration
}

func (h *gapHist) add(d time.Duration) {
	if d < 0 {
		d = -d
	}
	h.n++
	if d > h.max {
		h.max = d
	}
	switch {
	case d < 100*time.Microsecond:
		h.fine[d/100]++
	case d < 10*time.Millisecond:
		h.mid[(d-100*time.Microsecond)/(10*time.Microsecond)]++
	case d < time.Second:
		h.coarse[(d-10*time.Millisecond)/time.Millisecond]++
	default:
		h.over++
	}
}

// quantile returns the upper edge of the bucket holding quantile q (at
// most the maximum seen).
func (h *gapHist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank == 0 {
		rank = 1
	}
	var seen uint64
	edge := func(d time.Duration) time.Duration { return min(d, h.max) }
	for i, c := range h.fine {
		if seen += c; seen >= rank {
			return edge(time.Duration(i+1) * 100)
		}
	}
	for i, c := range h.mid {
		if seen += c; seen >= rank {
			return edge(100*time.Microsecond + time.Duration(i+1)*10*time.Microsecond)
		}
	}
	for i, c := range h.coarse {
		if seen += c; seen >= rank {
			return edge(10*time.Millisecond + time.Duration(i+1)*time.Millisecond)
		}
	}
	return h.max
}

// Report is what a replay did, measured. Rates are over the span from the
// first frame sent to the last: achieved PPS is (Packets-1)/Duration, the
// target is the same over the schedule's span, so a perfectly paced run has
// a rate error of 0 whatever its length.
type Report struct {
	Target string `json:"target"` // "file OUT.pcapng", "interface v6s0"
	// File is set when frames were written to a file: their times are the
	// schedule itself, so the rates are the schedule's, not measured.
	File   bool   `json:"file,omitempty"`
	Pacing string `json:"pacing"` // "1000 pps", "original timing", …

	Packets  int64         `json:"packets"`
	Bytes    int64         `json:"bytes"`
	Loops    int           `json:"loops"`
	Duration time.Duration `json:"duration_ns"` // first send to last send

	PPS        float64 `json:"pps"`
	Mbps       float64 `json:"mbps"`
	TargetPPS  float64 `json:"target_pps,omitempty"`
	TargetMbps float64 `json:"target_mbps,omitempty"`
	// RateError is (achieved - target) / target in percent; 0 at top speed.
	RateError float64 `json:"rate_error_pct"`

	// Gap error: |actual gap - scheduled gap| between consecutive frames.
	GapP50 time.Duration `json:"gap_error_p50_ns"`
	GapP99 time.Duration `json:"gap_error_p99_ns"`
	GapMax time.Duration `json:"gap_error_max_ns"`
	// LateMax is how far behind its due time the latest frame was sent.
	LateMax time.Duration `json:"late_max_ns"`
	// Waiting says how the sender waited between frames (an interface
	// only): spinning, sleeping, or spinning until the CPU was contended.
	Waiting string `json:"waiting,omitempty"`

	Failed    int64 `json:"failed"`    // frames the interface refused after every retry
	Retries   int64 `json:"retries"`   // sends retried because the queue was full (ENOBUFS, EAGAIN)
	Oversize  int64 `json:"oversize"`  // frames skipped: larger than the MTU
	Batches   int64 `json:"batches"`   // system calls that sent frames
	Selected  int   `json:"selected"`  // frames of the capture selected (one pass)
	Unmatched int   `json:"unmatched"` // frames of the capture left out by the selection

	// Stopped says why the run ended early ("--duration", "--limit",
	// "interrupted", an error); "" when every frame was sent.
	Stopped string `json:"stopped,omitempty"`
}

// meter accumulates a Report while frames are sent.
type meter struct {
	r        Report
	hist     gapHist
	first    time.Duration // actual offset of the first frame
	last     time.Duration // actual offset of the last frame
	lastDue  time.Duration
	firstDue time.Duration
	lastLen  int
	prevAct  time.Duration
	prevDue  time.Duration
}

// sent records a frame due at due and sent at actual (offsets from the
// start), length bytes.
func (m *meter) sent(due, actual time.Duration, length int) {
	if m.r.Packets == 0 {
		m.first, m.firstDue = actual, due
	} else {
		m.hist.add((actual - m.prevAct) - (due - m.prevDue))
	}
	if late := actual - due; late > m.r.LateMax {
		m.r.LateMax = late
	}
	m.prevAct, m.prevDue = actual, due
	m.last, m.lastDue, m.lastLen = actual, due, length
	m.r.Packets++
	m.r.Bytes += int64(length)
}

// finish computes the rates; topspeed has no target.
func (m *meter) finish(topspeed bool) Report {
	r := m.r
	r.Duration = m.last - m.first
	if r.Packets >= 2 && r.Duration > 0 {
		secs := r.Duration.Seconds()
		r.PPS = float64(r.Packets-1) / secs
		r.Mbps = float64(r.Bytes-int64(m.lastLen)) * 8 / secs / 1e6
	}
	if span := m.lastDue - m.firstDue; !topspeed && r.Packets >= 2 && span > 0 {
		secs := span.Seconds()
		r.TargetPPS = float64(r.Packets-1) / secs
		r.TargetMbps = float64(r.Bytes-int64(m.lastLen)) * 8 / secs / 1e6
		if r.Duration > 0 {
			r.RateError = (span.Seconds()/r.Duration.Seconds() - 1) * 100
		}
	}
	r.GapP50 = m.hist.quantile(0.50)
	r.GapP99 = m.hist.quantile(0.99)
	r.GapMax = m.hist.max
	return r
}

// WriteText prints the report the way tcpreplay prints its own (Actual,
// Rated) and then what tcpreplay does not measure.
func (r *Report) WriteText(w io.Writer) error {
	secs := r.Duration.Seconds()
	bps := 0.0
	if secs > 0 {
		bps = float64(r.Bytes) / secs
	}
	var err error
	switch {
	case !r.File:
		_, err = fmt.Fprintf(w, "Actual: %d packets (%d bytes) sent in %.6f seconds\n", r.Packets, r.Bytes, secs)
	case secs == 0:
		_, err = fmt.Fprintf(w, "Actual: %d packets (%d bytes) written, all stamped with the start time\n", r.Packets, r.Bytes)
	default:
		_, err = fmt.Fprintf(w, "Actual: %d packets (%d bytes) written, stamped over %.6f seconds\n", r.Packets, r.Bytes, secs)
	}
	if err != nil {
		return err
	}
	if r.File && secs == 0 {
		fmt.Fprintf(w, "Rated: none (top speed leaves no time between the frames written)\n")
	} else {
		fmt.Fprintf(w, "Rated: %.1f Bps, %.3f Mbps, %.2f pps\n", bps, r.Mbps, r.PPS)
	}
	if r.TargetPPS > 0 {
		fmt.Fprintf(w, "Target: %.3f Mbps, %.2f pps (%s); rate error %+.3f%%\n", r.TargetMbps, r.TargetPPS, r.Pacing, r.RateError)
	} else {
		fmt.Fprintf(w, "Target: %s\n", r.Pacing)
	}
	fmt.Fprintf(w, "Gap error: p50 %s, p99 %s, max %s; latest frame %s behind schedule\n", us(r.GapP50), us(r.GapP99), us(r.GapMax), us(r.LateMax))
	if r.Waiting != "" {
		fmt.Fprintf(w, "Waiting: %s\n", r.Waiting)
	}
	fmt.Fprintf(w, "Statistics for %s:\n", r.Target)
	fmt.Fprintf(w, "\tSuccessful packets:        %d\n", r.Packets)
	fmt.Fprintf(w, "\tFailed packets:            %d\n", r.Failed)
	fmt.Fprintf(w, "\tRetried packets (ENOBUFS): %d\n", r.Retries)
	fmt.Fprintf(w, "\tSkipped (over MTU):        %d\n", r.Oversize)
	fmt.Fprintf(w, "\tSystem calls:              %d\n", r.Batches)
	fmt.Fprintf(w, "\tLoops:                     %d\n", r.Loops)
	_, err = fmt.Fprintf(w, "\tSelected frames:           %d (%d left out)\n", r.Selected, r.Unmatched)
	if err == nil && r.Stopped != "" {
		_, err = fmt.Fprintf(w, "Stopped: %s\n", r.Stopped)
	}
	return err
}

// WriteJSON writes the report as one JSON object and a newline.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func us(d time.Duration) string {
	return fmt.Sprintf("%.1f µs", float64(d)/1e3)
}
