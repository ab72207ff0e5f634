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

// Frames is the selected frames of a capture, in capture order, held in
// memory so that loops and top speed cost no file reading (as tcpreplay's
// --preload-pcap).
type Frames struct {
	Name      string
	List      []Frame
	Selected  int
	Unmatched int
	// Err is the damage that ended reading (a *capture.TruncatedError or
	// *capture.CorruptError): List holds every good frame before it. A
	// replay sends those once and then stops with this error.
	Err error
}

// Selection chooses frames. The zero Selection takes every frame.
type Selection struct {
	Filter *filter.Filter // a display filter (nil: any)
	Frames map[int]bool   // frame numbers (nil: any), e.g. a session's frames
	Max    int            // stop after this many selected frames (0: no limit)
}

// MaxLoad bounds the bytes Load keeps in memory.
const MaxLoad = 1 << 30

// ErrTooBig is returned by Load when the selected frames exceed MaxLoad.
var ErrTooBig = errors.New("the selected frames do not fit in memory")

// Load reads every frame of src that sel selects, rewrites it with rw
// (nil: as captured) and keeps it. A damaged capture is not an error of
// Load: Frames.Err records it. teredoHeuristic sets the decoder's Teredo
// heuristic for filters.
func Load(src capture.Source, name string, sel Selection, rw *Rewriter, teredoHeuristic bool) (*Frames, error) {
	fs := &Frames{Name: name}
	var (
		f     capture.Frame
		p     decode.Packet
		d     *decode.Decoder
		total int
		arena []byte
	)
	if sel.Filter != nil && !sel.Filter.MatchesAll() {
		d = decode.New()
		d.NoSummary = true
		d.SetHeuristic("teredo", teredoHeuristic)
	}
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
			return fs, err
		}
		if sel.Frames != nil && !sel.Frames[f.Number] {
			fs.Unmatched++
			continue
		}
		if d != nil {
			d.Decode(&f, &p)
			if !sel.Filter.Match(&p.Tree) {
				fs.Unmatched++
				continue
			}
		}
		total += len(f.Data)
		if total > MaxLoad {
			return fs, fmt.Errorf("%w: more than %d MiB by frame %d; select fewer (-Y, --limit)", ErrTooBig, MaxLoad>>20, f.Number)
		}
		if cap(arena)-len(arena) < len(f.Data) {
			arena = make([]byte, 0, max(4<<20, len(f.Data)))
		}
		start := len(arena)
		arena = append(arena, f.Data...)
		data := arena[start:len(arena):len(arena)]
		rw.Rewrite(f.LinkType, data)
		fs.List = append(fs.List, Frame{Number: f.Number, Time: f.Time, LinkType: f.LinkType, Data: data})
		fs.Selected++
	}
	return fs, nil
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
