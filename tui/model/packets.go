package model

import (
	"sort"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/output"
)

// Row is one line of the packet list, every text sanitized.
type Row struct {
	Frame                     int
	No, Time, Src, Dst, Proto string
	Len, Info                 string
	Severity                  dissect.Severity // highest expert note
	HasNotes                  bool             // the decoder left expert notes
	Anomaly                   bool             // the analysis flagged this frame
	Marked                    bool
	Reference                 bool // the time reference
	Malformed                 bool
	ReadErr                   error
}

// Flagged reports whether the row is marked as an anomaly in the list: a
// warning or error note, or an analysis anomaly.
func (r *Row) Flagged() bool {
	return r.Anomaly || (r.HasNotes && r.Severity >= dissect.Warn)
}

// rowCacheSize bounds the decoded rows kept: a screen or two, plus the
// rows around the selection.
const rowCacheSize = 4096

// Packets is the packet list: the frames of a Source, all of them or those
// a filter selected, each decoded only when asked for. It belongs to the
// event loop; the filter runs in a FilterJob of its own.
type Packets struct {
	src Source

	rowDec, selDec           *decode.Decoder
	rowPkt, selPkt           decode.Packet
	rowFrame, selFrame, prev capture.Frame
	first                    time.Time
	haveFirst                bool

	clock output.Clock
	ref   int // time reference frame, 0 for none

	cache map[int]*Row

	// shown is the displayed frames when a filter or a followed session is
	// in force (nil: every frame).
	shown    []int32
	filtered bool

	marks     map[int]bool
	anomalies map[int]bool
}

// NewPackets returns the packet list over src, showing times as format
// (output.ParseTimeFormat).
func NewPackets(src Source, format output.TimeFormat) *Packets {
	p := &Packets{src: src, rowDec: decode.New(), selDec: decode.New(), cache: map[int]*Row{}, marks: map[int]bool{}, anomalies: map[int]bool{}}
	p.clock.Format = format
	p.clock.Digits = 6
	if ifs := src.Interfaces(); len(ifs) > 0 && ifs[0].TSResolution > 0 && ifs[0].TSResolution < time.Microsecond {
		p.clock.Digits = 9
	}
	name := func(i int) string {
		if ifs := src.Interfaces(); i < len(ifs) {
			return ifs[i].Name
		}
		return ""
	}
	p.rowDec.InterfaceName, p.selDec.InterfaceName = name, name
	return p
}

// Source returns the frame source.
func (p *Packets) Source() Source { return p.src }

// Len is the number of rows shown.
func (p *Packets) Len() int {
	if p.filtered {
		return len(p.shown)
	}
	return p.src.Len()
}

// Filtered reports whether only some frames are shown.
func (p *Packets) Filtered() bool { return p.filtered }

// FrameAt returns the frame number shown on row (0-based), or 0.
func (p *Packets) FrameAt(row int) int {
	if row < 0 || row >= p.Len() {
		return 0
	}
	if p.filtered {
		return int(p.shown[row])
	}
	return row + 1
}

// RowOf returns the row showing frame n, or the row of the first shown
// frame after it when n is not shown, and -1 when there is none.
func (p *Packets) RowOf(n int) int {
	if !p.filtered {
		if n < 1 || n > p.src.Len() {
			return -1
		}
		return n - 1
	}
	i := sort.Search(len(p.shown), func(i int) bool { return int(p.shown[i]) >= n })
	if i == len(p.shown) {
		return -1
	}
	return i
}

// Shows reports whether frame n is on a row.
func (p *Packets) Shows(n int) bool {
	r := p.RowOf(n)
	return r >= 0 && p.FrameAt(r) == n
}

// SetShown shows only frames (ascending); nil shows every frame.
func (p *Packets) SetShown(frames []int32, filtered bool) {
	p.shown, p.filtered = frames, filtered
}

// SetTimeFormat changes the Time column.
func (p *Packets) SetTimeFormat(f output.TimeFormat) {
	p.clock.Format = f
	p.flush()
}

// TimeFormat returns the Time column's format.
func (p *Packets) TimeFormat() output.TimeFormat { return p.clock.Format }

// SetReference makes frame n the time reference (0 clears it): relative
// times count from it, as Wireshark's "Set Time Reference".
func (p *Packets) SetReference(n int) {
	p.ref = n
	p.flush()
}

// Reference returns the time reference frame, 0 when none.
func (p *Packets) Reference() int { return p.ref }

// ToggleMark marks or unmarks frame n.
func (p *Packets) ToggleMark(n int) {
	if p.marks[n] {
		delete(p.marks, n)
	} else {
		p.marks[n] = true
	}
	if r := p.cache[n]; r != nil {
		r.Marked = p.marks[n]
	}
}

// Marked reports whether frame n is marked.
func (p *Packets) Marked(n int) bool { return p.marks[n] }

// Marks returns the marked frames, ascending.
func (p *Packets) Marks() []int {
	out := make([]int, 0, len(p.marks))
	for n := range p.marks {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// SetAnomalies flags the frames the analysis found anomalies in.
func (p *Packets) SetAnomalies(frames []int) {
	p.anomalies = map[int]bool{}
	for _, n := range frames {
		p.anomalies[n] = true
	}
	p.flush()
}

func (p *Packets) flush() { clear(p.cache) }

func (p *Packets) timeBase(n int) (first, prev time.Time) {
	if !p.haveFirst {
		if p.src.ReadFrame(1, &p.prev) == nil {
			p.first, p.haveFirst = p.prev.Time, true
		}
	}
	first = p.first
	if p.ref > 0 && p.ref <= p.src.Len() && p.src.ReadFrame(p.ref, &p.prev) == nil {
		first = p.prev.Time
	}
	prev = first
	if n > 1 && p.src.ReadFrame(n-1, &p.prev) == nil {
		prev = p.prev.Time
	}
	if n == 1 {
		prev = p.first
	}
	return first, prev
}

// decode reads and decodes frame n with d into pkt.
func (p *Packets) decode(d *decode.Decoder, f *capture.Frame, pkt *decode.Packet, n int) error {
	first, prev := p.timeBase(n)
	if err := p.src.ReadFrame(n, f); err != nil {
		return err
	}
	d.SetTimeBase(first, prev)
	d.Decode(f, pkt)
	return nil
}

// Row returns row i (0-based) decoded, or nil when there is no such row.
func (p *Packets) Row(i int) *Row {
	n := p.FrameAt(i)
	if n == 0 {
		return nil
	}
	return p.row(n, i)
}

// RowForFrame returns frame n's row text whether or not it is shown, or
// nil when there is no frame n.
func (p *Packets) RowForFrame(n int) *Row {
	if n < 1 || n > p.src.Len() {
		return nil
	}
	return p.row(n, p.RowOf(n))
}

// FrameTime returns frame n's timestamp (zero when it cannot be read).
func (p *Packets) FrameTime(n int) time.Time {
	if p.src.ReadFrame(n, &p.prev) != nil {
		return time.Time{}
	}
	return p.prev.Time
}

func (p *Packets) row(n, i int) *Row {
	if r := p.cache[n]; r != nil {
		return r
	}
	if len(p.cache) >= rowCacheSize {
		p.flush()
	}
	r := &Row{Frame: n, No: strconv.Itoa(n), Marked: p.marks[n], Anomaly: p.anomalies[n], Reference: n == p.ref}
	p.cache[n] = r
	pkt := &p.rowPkt
	if err := p.decode(p.rowDec, &p.rowFrame, pkt, n); err != nil {
		r.ReadErr = err
		r.Info = output.Safe(err.Error())
		return r
	}
	var b []byte
	if p.clock.Format == output.TimeDeltaShown {
		// Since the previous displayed frame.
		c := output.Clock{Format: output.TimeDelta, Digits: p.clock.Digits}
		if pn := p.FrameAt(i - 1); pn > 0 && p.src.ReadFrame(pn, &p.prev) == nil {
			pkt.Delta = pkt.Time.Sub(p.prev.Time)
		} else {
			pkt.Delta = 0
		}
		b = c.Append(b, pkt)
	} else {
		b = p.clock.Append(b, pkt)
	}
	r.Time = string(b)
	if r.Reference {
		r.Time = "*REF*"
	}
	s := &pkt.Summary
	r.Src = output.Safe(string(output.AppendEndpoint(nil, s.Src, s.SrcHW)))
	r.Dst = output.Safe(string(output.AppendEndpoint(nil, s.Dst, s.DstHW)))
	r.Proto = s.Protocol
	if r.Proto == "" {
		r.Proto = "Data"
	}
	r.Proto = output.Safe(r.Proto)
	r.Len = strconv.Itoa(pkt.OrigLen)
	r.Info = string(output.AppendSafe(nil, s.Info))
	for _, note := range pkt.Tree.Notes {
		if !r.HasNotes || note.Severity > r.Severity {
			r.Severity = note.Severity
		}
		r.HasNotes = true
		if note.Malformed {
			r.Malformed = true
		}
	}
	if r.Malformed {
		r.Info += " [Malformed Packet]"
	}
	return r
}

// Packet fully decodes frame n for the tree, bytes and explain panes. The
// packet is valid until the next call.
func (p *Packets) Packet(n int) (*decode.Packet, error) {
	if err := p.decode(p.selDec, &p.selFrame, &p.selPkt, n); err != nil {
		return nil, err
	}
	return &p.selPkt, nil
}

// Search returns the first frame after from (wrapping around), among the
// shown rows, whose row text contains text; 0 when none does. It decodes
// rows, so it stops after limit rows (0: no limit).
func (p *Packets) Search(text string, fromRow, limit int) int {
	n := p.Len()
	if n == 0 || text == "" {
		return 0
	}
	for k := 1; k <= n && (limit == 0 || k <= limit); k++ {
		i := (fromRow + k) % n
		r := p.Row(i)
		if r != nil && (contains(r.Info, text) || contains(r.Src, text) || contains(r.Dst, text) || contains(r.Proto, text)) {
			return r.Frame
		}
	}
	return 0
}
