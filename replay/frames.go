package replay

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
)

// Frame is one frame to replay, as selected and rewritten.
type Frame struct {
	Number   int // in the capture
	Time     time.Time
	LinkType capture.LinkType
	Data     []byte
}

// Frames is the selected frames of a capture, in capture order. They are
// either held in memory (List), so that loops and top speed cost no file
// reading (as tcpreplay's --preload-pcap), or, for a selection too large
// for that, streamed: Frames keeps only which frames were selected, and
// every pass of a replay reads them from the file again (see OpenFile).
type Frames struct {
	Name string
	// List holds the frames when they are held in memory; it is nil when
	// they are streamed.
	List      []Frame
	Selected  int
	Unmatched int
	// First is the capture time of the first selected frame.
	First time.Time
	// Links maps each link type among the selected frames, as they are
	// sent (after rewriting), to the number of the first frame of it.
	Links map[capture.LinkType]int
	// Err is the damage that ended reading (a *capture.TruncatedError or
	// *capture.CorruptError): the frames are every good one before it. A
	// replay sends those once and then stops with this error.
	Err error

	stream *stream // nil: held in List
}

// stream is how streamed frames are read again for each pass.
type stream struct {
	path   string
	picked bitset // numbers of the selected frames
	last   int    // number of the last selected frame
	rw     *Rewriter
	r      *capture.Reader // the current pass's reader
	slots  []Frame         // frames handed out, reused in turn
	next   int
	f      capture.Frame
}

// Selection chooses frames. The zero Selection takes every frame.
type Selection struct {
	Filter *filter.Filter // a display filter (nil: any)
	Frames map[int]bool   // frame numbers (nil: any), e.g. a session's frames
	Max    int            // stop after this many selected frames (0: no limit)
}

// MaxLoad bounds the bytes Load keeps in memory.
const MaxLoad = 1 << 30

// PreloadMax is the most bytes of selected frames OpenFile holds in
// memory; a larger selection is streamed from the file.
const PreloadMax = 16 << 20

// ErrTooBig is returned by Load when the selected frames exceed MaxLoad.
var ErrTooBig = errors.New("the selected frames do not fit in memory")

// selector applies a Selection to the frames of a capture, in order.
type selector struct {
	sel Selection
	d   *decode.Decoder
	p   decode.Packet
}

func newSelector(sel Selection, teredoHeuristic bool) *selector {
	s := &selector{sel: sel}
	if sel.Filter != nil && !sel.Filter.MatchesAll() {
		s.d = decode.New()
		s.d.NoSummary = true
		s.d.SetHeuristic("teredo", teredoHeuristic)
	}
	return s
}

// picks reports whether f is selected.
func (s *selector) picks(f *capture.Frame) bool {
	if s.sel.Frames != nil && !s.sel.Frames[f.Number] {
		return false
	}
	if s.d != nil {
		s.d.Decode(f, &s.p)
		return s.sel.Filter.Match(&s.p.Tree)
	}
	return true
}

// scan reads src to its end (or sel.Max selected frames) and calls keep
// for each selected frame; it records counts, the first time, the link
// types and damage in fs.
func scan(src capture.Source, fs *Frames, sel Selection, teredoHeuristic bool, keep func(f *capture.Frame) error) error {
	s := newSelector(sel, teredoHeuristic)
	var f capture.Frame
	for sel.Max == 0 || fs.Selected < sel.Max {
		err := src.Next(&f)
		if err == io.EOF {
			break
		}
		if err != nil {
			var te *capture.TruncatedError
			if errors.As(err, &te) || errors.Is(err, capture.ErrCorrupt) {
				fs.Err = err
				break
			}
			return err
		}
		if !s.picks(&f) {
			fs.Unmatched++
			continue
		}
		if fs.Selected == 0 {
			fs.First = f.Time
		}
		if err := keep(&f); err != nil {
			return err
		}
		fs.Selected++
	}
	return nil
}

// arena hands out copies of frames from large shared buffers.
type arena []byte

// alloc returns n bytes of the arena.
func (a *arena) alloc(n int) []byte {
	if cap(*a)-len(*a) < n {
		*a = make([]byte, 0, max(4<<20, n))
	}
	start := len(*a)
	*a = (*a)[:start+n]
	return (*a)[start : start+n : start+n]
}

// hold appends a copy of f, as prepared by c and rewritten, to fs.List.
func (fs *Frames) hold(f *capture.Frame, c *conversion, rw *Rewriter, a *arena) {
	data := a.alloc(c.n + len(f.Data) - c.off)
	c.apply(data[:0], f.Data)
	rw.Rewrite(c.lt, data)
	fs.List = append(fs.List, Frame{Number: f.Number, Time: f.Time, LinkType: c.lt, Data: data})
}

// link notes the link type of a selected frame.
func (fs *Frames) link(lt capture.LinkType, number int) {
	if fs.Links == nil {
		fs.Links = map[capture.LinkType]int{}
	}
	if _, ok := fs.Links[lt]; !ok {
		fs.Links[lt] = number
	}
}

// Load reads every frame of src that sel selects, prepares it with rw
// (nil: as captured; see Rewriter.Prepare) and holds it in memory, at most MaxLoad bytes. A
// damaged capture is not an error of Load: Frames.Err records it.
// teredoHeuristic sets the decoder's Teredo heuristic for filters. For a
// file, OpenFile bounds memory whatever the selection's size.
func Load(src capture.Source, name string, sel Selection, rw *Rewriter, teredoHeuristic bool) (*Frames, error) {
	fs := &Frames{Name: name}
	var (
		a     arena
		total int
	)
	err := scan(src, fs, sel, teredoHeuristic, func(f *capture.Frame) error {
		c, err := rw.convert(f.LinkType, f.Data, f.Number)
		if err != nil {
			return err
		}
		total += len(f.Data)
		if total > MaxLoad {
			return fmt.Errorf("%w: more than %d MiB by frame %d; select fewer (-Y, --limit)", ErrTooBig, MaxLoad>>20, f.Number)
		}
		fs.hold(f, &c, rw, &a)
		fs.link(c.lt, f.Number)
		return nil
	})
	return fs, err
}

// OpenFile selects the frames of the capture file at path as Load does.
// A selection of up to preload bytes (0: PreloadMax) is held in memory
// like Load's; a larger one is streamed: Frames keeps which frames were
// selected (one bit per frame of the file), and each pass of a replay
// reads them from the file again and rewrites them again, so memory stays
// bounded whatever the size of the file. The file must not change while
// the frames are in use; call Close when done.
func OpenFile(path string, sel Selection, rw *Rewriter, teredoHeuristic bool, preload int) (*Frames, error) {
	if preload <= 0 {
		preload = PreloadMax
	}
	src, err := capture.Open(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	fs := &Frames{Name: path}
	st := &stream{path: path, rw: rw}
	var (
		a     arena
		total int
	)
	err = scan(src, fs, sel, teredoHeuristic, func(f *capture.Frame) error {
		c, err := rw.convert(f.LinkType, f.Data, f.Number)
		if err != nil {
			return err
		}
		st.picked.set(f.Number)
		st.last = f.Number
		fs.link(c.lt, f.Number)
		total += len(f.Data)
		if total > preload {
			fs.List, a = nil, nil // too big to hold: streamed
			return nil
		}
		fs.hold(f, &c, rw, &a)
		return nil
	})
	if err != nil {
		return fs, err
	}
	if total > preload {
		fs.stream = st
	}
	return fs, nil
}

// Streamed reports whether the frames are read from the file for each
// pass rather than held in memory.
func (fs *Frames) Streamed() bool { return fs.stream != nil }

// Close releases the file a streamed pass has open.
func (fs *Frames) Close() error {
	if fs.stream == nil || fs.stream.r == nil {
		return nil
	}
	err := fs.stream.r.Close()
	fs.stream.r = nil
	return err
}

// empty reports whether there is no frame to send.
func (fs *Frames) empty() bool { return fs.stream == nil && len(fs.List) == 0 }

// firstTime is the capture time of the first frame.
func (fs *Frames) firstTime() time.Time {
	if fs.stream == nil && len(fs.List) > 0 {
		return fs.List[0].Time
	}
	return fs.First
}

// cursor walks the frames of one pass.
type cursor struct {
	fs *Frames
	i  int
}

// pass starts a pass over the frames. A frame next returns stays valid
// while next is called window-1 more times (a sender's batch).
func (fs *Frames) pass(window int) (*cursor, error) {
	st := fs.stream
	if st == nil {
		return &cursor{fs: fs}, nil
	}
	if st.r != nil {
		st.r.Close()
		st.r = nil
	}
	r, err := capture.Open(st.path)
	if err != nil {
		return nil, fmt.Errorf("reading %s again for the next pass: %w", st.path, err)
	}
	st.r = r
	if len(st.slots) < window+1 {
		st.slots = make([]Frame, window+1)
	}
	return &cursor{fs: fs}, nil
}

// next returns the next frame of the pass, or nil at its end.
func (c *cursor) next() (*Frame, error) {
	st := c.fs.stream
	if st == nil {
		if c.i >= len(c.fs.List) {
			return nil, nil
		}
		c.i++
		return &c.fs.List[c.i-1], nil
	}
	if st.r == nil {
		return nil, nil
	}
	for {
		if st.f.Number >= st.last && c.i > 0 {
			return nil, nil
		}
		err := st.r.Next(&st.f)
		if err != nil {
			if err == io.EOF {
				err = fmt.Errorf("it ended before frame %d", st.last)
			}
			return nil, fmt.Errorf("reading %s again: %w; did the file change during the replay?", st.path, err)
		}
		c.i++
		if !st.picked.has(st.f.Number) {
			continue
		}
		out := &st.slots[st.next]
		st.next = (st.next + 1) % len(st.slots)
		out.Number, out.Time = st.f.Number, st.f.Time
		out.LinkType, out.Data, err = st.rw.Prepare(out.Data, st.f.LinkType, st.f.Data, st.f.Number)
		if err != nil { // the pre-pass converted it: the file changed
			return nil, fmt.Errorf("reading %s again: %w; did the file change during the replay?", st.path, err)
		}
		return out, nil
	}
}

// bitset is a set of frame numbers.
type bitset []uint64

func (b *bitset) set(n int) {
	w := n / 64
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	(*b)[w] |= 1 << (n % 64)
}

func (b bitset) has(n int) bool {
	w := n / 64
	return w < len(b) && b[w]&(1<<(n%64)) != 0
}

// ProtoFilters maps the names --proto takes to display filters.
var ProtoFilters = map[string]string{
	"nd":     "icmpv6.type >= 133 and icmpv6.type <= 137",
	"mld":    "icmpv6.type == 130 or icmpv6.type == 131 or icmpv6.type == 132 or icmpv6.type == 143",
	"icmpv6": "icmpv6",
	"teredo": "teredo",
	"mip6":   "mip6",
	"ikev2":  "isakmp",
	"esp":    "esp",
	"6in4":   "ip.proto == 41",
	"ipv6":   "ipv6",
	"ipv4":   "ip",
	"udp":    "udp",
	"tcp":    "tcp",
}
