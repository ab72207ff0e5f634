// Package capture reads and writes packet capture files: classic pcap
// (draft-ietf-opsawg-pcap, the libpcap savefile format of
// https://www.tcpdump.org/manpages/pcap-savefile.5.html) and pcapng
// (draft-ietf-opsawg-pcapng), either of them optionally gzip-compressed
// (RFC 1952), from a file or from a non-seekable stream such as standard
// input. It is pure Go: no libpcap, no cgo.
//
// A [Reader] hands out frames one at a time without allocating per frame.
// Each [Frame] carries the byte offset of its record, and an [Index] built
// in one pass ([BuildIndex]) reads any frame again later with
// [Index.ReadFrame], which is how a viewer jumps to frame N of a large file.
// [PcapngWriter] writes pcapng.
//
// Damaged files are reported, never skipped over in silence: a file cut
// short yields every complete frame and then a [*TruncatedError]; a record
// whose lengths cannot be right yields a [*CorruptError]; something that is
// no capture at all yields an error wrapping [ErrNotCapture]. Length fields
// are checked against the bytes that are really there before anything is
// allocated, so a hostile file cannot make the reader allocate much more
// than its own size.
package capture

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Interface describes one capture interface: a pcapng Interface Description
// Block (draft-ietf-opsawg-pcapng section 4.2), or the single implied
// interface of a classic pcap file, whose file header gives the link type
// and snapshot length.
type Interface struct {
	Name, Description string // pcapng if_name and if_description; "" when absent
	LinkType          LinkType
	SnapLen           uint32 // maximum bytes captured per packet; 0 means no limit
	// TSResolution is the duration of one timestamp unit: 1µs or 1ns for
	// pcap (by magic number), per if_tsresol for pcapng (1µs when absent).
	// A resolution that is not a whole number of nanoseconds is rounded
	// down, and one finer than 1ns is reported as 0; timestamps themselves
	// are always converted exactly from the file's own units.
	TSResolution time.Duration
	// TSOffset is pcapng if_tsoffset: seconds added to every timestamp
	// of this interface. Frame.Time already includes it.
	TSOffset int64
}

// Frame is one captured packet. Data is only valid until the next call to
// [Reader.Next] (or [Index.ReadFrame]) with the same Frame, which reuses
// its buffer.
type Frame struct {
	Number    int       // 1-based, across the whole file (all sections)
	Time      time.Time // UTC; the zero Time for a pcapng Simple Packet Block, which has no timestamp
	CapLen    int       // == len(Data)
	OrigLen   int       // length on the wire
	Interface int       // index into Reader.Interfaces (global across pcapng sections)
	LinkType  LinkType
	Comment   string // pcapng opt_comment(s) of the packet joined with "\n"; "" otherwise
	Offset    int64  // byte offset of the record (pcap record header, pcapng EPB/SPB/PB block) in the uncompressed stream
	Data      []byte
}

// ErrNotCapture is wrapped by the error [Open] and [NewReader] return for
// input that is neither pcap nor pcapng (nor gzip of either).
var ErrNotCapture = errors.New("not a capture file")

// ErrCorrupt is wrapped by every [*CorruptError].
var ErrCorrupt = errors.New("corrupt capture file")

// ErrCompressed is wrapped by the error [BuildIndex] returns for a
// gzip-compressed file, which cannot be read at random offsets.
var ErrCompressed = errors.New("compressed capture")

// MaxCapLen is the largest captured length of one frame this package
// accepts: four times the 262144-byte snapshot length that tcpdump, dumpcap
// and Wireshark use by default and treat as their standard maximum. A record
// claiming more is reported as a [*CorruptError]; in practice such a length
// is a damaged or misparsed header, not a packet.
const MaxCapLen = 1 << 20

// bufferSize is the size of the read buffer: large enough that almost every
// record is handed out straight from it.
const bufferSize = 256 << 10

// bigChunk is how much of an oversized record is read (and allocated) at a
// time, so that a length field larger than the file costs at most one chunk.
const bigChunk = 256 << 10

// TruncatedError reports input that ends in the middle of a record. All
// frames before it were returned intact.
type TruncatedError struct {
	File   string // name given to Open or NewReader
	Frame  int    // number the broken frame would have had
	Offset int64  // where its record starts (in the uncompressed stream)
	Want   int    // bytes the record needs (the header's size if the header itself is cut)
	Have   int    // bytes there are from Offset to the end of the data
	// Record says what was cut: "pcap record", "pcap file header",
	// "pcapng block header", "Enhanced Packet Block", …
	Record string
	// Compressed is set when the gzip stream itself ends early, rather than
	// a complete gzip stream holding a cut capture.
	Compressed bool
	packet     bool // the record is a packet (so "in frame N", not "after frame N-1")
}

// Error says which frame and byte offset, how much was missing and which
// frames are good, e.g. "capture.pcap: cut short in frame 17 at byte offset
// 12345: pcap record needs 98 bytes, file has 40; frames 1-16 are complete".
func (e *TruncatedError) Error() string {
	where := fmt.Sprintf("in frame %d at byte offset %d", e.Frame, e.Offset)
	if !e.packet {
		where = fmt.Sprintf("at byte offset %d", e.Offset)
	}
	have := "file has"
	if e.Compressed {
		have = "the gzip stream ends early, leaving"
	}
	return fmt.Sprintf("%s: cut short %s: %s needs %d bytes, %s %d; %s",
		e.File, where, recordOr(e.Record), e.Want, have, e.Have, completeFrames(e.Frame))
}

// CorruptError reports a record whose fields cannot be right: a length
// that does not fit, a block that does not end where it says, a packet for
// an interface that was never described. Frames before it were returned
// intact; reading cannot go on, because the next record's position is
// unknown.
type CorruptError struct {
	File   string // name given to Open or NewReader
	Frame  int    // number the next frame would have had
	Offset int64  // where the damaged record starts (in the uncompressed stream)
	Record string // "pcap record", "Interface Description Block", …
	Reason string // what is wrong, e.g. "trailing block length 60 does not match the leading 64"
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s: damaged %s at byte offset %d (frame %d): %s; %s",
		e.File, recordOr(e.Record), e.Offset, e.Frame, e.Reason, completeFrames(e.Frame))
}

// Unwrap makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Unwrap() error { return ErrCorrupt }

func recordOr(s string) string {
	if s == "" {
		return "record"
	}
	return s
}

// completeFrames says which frames before frame next are intact.
func completeFrames(next int) string {
	switch {
	case next <= 1:
		return "no frame is complete"
	case next == 2:
		return "frame 1 is complete"
	}
	return fmt.Sprintf("frames 1-%d are complete", next-1)
}

// Source is what the rest of v6scope reads frames from: a [Reader] over a
// file or stream here, a live capture elsewhere. Next follows the contract
// of [Reader.Next].
type Source interface {
	Next(f *Frame) error
	Interfaces() []Interface
	Close() error
}

var _ Source = (*Reader)(nil)

// Reader reads frames from a pcap or pcapng stream. It is not safe for
// concurrent use.
type Reader struct {
	name   string
	in     input
	closer io.Closer // what Close closes: the file Open opened, nil otherwise
	gz     *gzipSource
	ng     bool // pcapng rather than pcap
	nano   bool // pcap: nanosecond magic

	frames   int // frames returned so far
	err      error
	ifaces   ifaceTable
	sections []section // pcapng: one per Section Header Block; pcap: one
	comments []string  // pcapng SHB opt_comment values

	recLen   int  // length of the record of the last frame returned
	skipData bool // BuildIndex: do not copy packet data into Frame.Data
}

// Open opens a capture file; "-" reads standard input. A gzip-compressed
// file is recognised by its magic bytes (1f 8b), whatever its name.
func Open(path string) (*Reader, error) {
	if path == "-" {
		return NewReader(os.Stdin, "stdin")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewReader reads a capture from r, which need not be seekable; name is
// used in error messages. It reads the file header (for pcapng, the first
// Section Header Block and any blocks before the first packet, so that
// Interfaces is filled for the usual single-section file). An error in
// those later blocks is returned by the first call to Next.
func NewReader(r io.Reader, name string) (*Reader, error) {
	rd := &Reader{name: name}
	br := bufio.NewReaderSize(r, bufferSize)
	head, err := br.Peek(gzipMagicLen)
	if len(head) == 0 {
		if err == io.EOF {
			return nil, fmt.Errorf("%s: empty file, expected a pcap or pcapng header", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(head) == gzipMagicLen && head[0] == gzipMagic0 && head[1] == gzipMagic1 {
		z, err := gzip.NewReader(br)
		if err != nil {
			if isShort(err) {
				return nil, fmt.Errorf("%s: the file is cut short inside its gzip header", name)
			}
			return nil, fmt.Errorf("%s: gzip header: %w", name, err)
		}
		rd.gz = &gzipSource{z: z}
		br = bufio.NewReaderSize(rd.gz, bufferSize)
	}
	rd.in.br = br

	magic, err := rd.in.peek(magicLen)
	if len(magic) < magicLen {
		if len(magic) == 0 && err == io.EOF {
			return nil, fmt.Errorf("%s: empty file (after gzip decompression), expected a pcap or pcapng header", name)
		}
		if !isShort(err) {
			return nil, rd.readErr(err, 0)
		}
		if isMagicPrefix(magic) {
			return nil, rd.truncated(0, "file header", magicLen, len(magic), false)
		}
		return nil, rd.notCapture(magic, "")
	}
	switch m := binary.BigEndian.Uint32(magic); {
	case m == blockTypeSHB:
		rd.ng = true
		err = rd.openPcapng()
	case m == pcapMagicMicro, m == pcapMagicNano,
		binary.LittleEndian.Uint32(magic) == pcapMagicMicro, binary.LittleEndian.Uint32(magic) == pcapMagicNano:
		err = rd.openPcap()
	default:
		err = rd.notCapture(magic, "")
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// Next reads the next frame into f, reusing f.Data's buffer. It returns
// io.EOF at a clean end of input, a [*TruncatedError] when the input ends
// inside a record, a [*CorruptError] for a damaged record, or the
// underlying read error; after an error it returns the same error again.
// In steady state it does not allocate (a packet comment allocates its
// string).
func (r *Reader) Next(f *Frame) error {
	if r.err != nil {
		return r.err
	}
	var err error
	if r.ng {
		err = r.nextPcapng(f)
	} else {
		err = r.nextPcap(f)
	}
	if err != nil {
		r.err = err
		return err
	}
	r.frames++
	f.Number = r.frames
	return nil
}

// Interfaces returns all interfaces seen so far, indexed by
// Frame.Interface. Callers must not modify the slice.
func (r *Reader) Interfaces() []Interface {
	l := r.ifaces.list
	return l[:len(l):len(l)]
}

// Format returns "pcap" or "pcapng", followed by " (gzip)" when the input
// is compressed.
func (r *Reader) Format() string {
	s := "pcap"
	if r.ng {
		s = "pcapng"
	}
	if r.gz != nil {
		s += " (gzip)"
	}
	return s
}

// SectionComments returns the opt_comment options of the pcapng Section
// Header Blocks read so far, in file order; nil for pcap.
func (r *Reader) SectionComments() []string {
	return r.comments[:len(r.comments):len(r.comments)]
}

// Close releases the gzip decompressor and closes the file Open opened
// (never standard input, and never the io.Reader given to NewReader).
func (r *Reader) Close() error {
	var err error
	if r.gz != nil {
		err = r.gz.z.Close()
	}
	if r.closer != nil {
		if cerr := r.closer.Close(); err == nil {
			err = cerr
		}
		r.closer = nil
	}
	return err
}

// Magic numbers of the formats this package recognises.
const (
	magicLen     = 4    // every format here is told by its first 4 bytes
	gzipMagicLen = 2    // RFC 1952 section 2.3.1: ID1 ID2
	gzipMagic0   = 0x1f // ID1
	gzipMagic1   = 0x8b // ID2
)

// isMagicPrefix reports whether b, shorter than magicLen, starts a pcap or
// pcapng magic number, i.e. the input is a capture cut inside its header.
func isMagicPrefix(b []byte) bool {
	var m [magicLen]byte
	for _, v := range []uint32{pcapMagicMicro, pcapMagicNano, blockTypeSHB} {
		binary.BigEndian.PutUint32(m[:], v)
		if string(m[:len(b)]) == string(b) {
			return true
		}
		binary.LittleEndian.PutUint32(m[:], v)
		if string(m[:len(b)]) == string(b) {
			return true
		}
	}
	return false
}

// notCapture builds the ErrNotCapture error, showing the bytes found.
func (r *Reader) notCapture(head []byte, detail string) error {
	found := fmt.Sprintf("% x", head)
	if len(head) < magicLen {
		found += fmt.Sprintf(", and the file is only %d bytes long", len(head))
	}
	if detail != "" {
		detail = "; " + detail
	}
	comp := ""
	if r.gz != nil {
		comp = " inside the gzip stream"
	}
	return fmt.Errorf("%s: not a pcap or pcapng file (first bytes%s: %s; expected a pcap magic number a1b2c3d4 or a1b23c4d in either byte order, or the pcapng block type 0a0d0d0a%s; other formats can be converted with `editcap -F pcapng IN OUT`): %w",
		r.name, comp, found, detail, ErrNotCapture)
}

// truncated builds a TruncatedError for the record at off.
func (r *Reader) truncated(off int64, record string, want, have int, packet bool) error {
	return &TruncatedError{
		File: r.name, Frame: r.frames + 1, Offset: off, Want: want, Have: have,
		Record: record, Compressed: r.gz != nil && r.gz.cut, packet: packet,
	}
}

// corrupt builds a CorruptError for the record at off.
func (r *Reader) corrupt(off int64, record, format string, args ...any) error {
	return &CorruptError{File: r.name, Frame: r.frames + 1, Offset: off, Record: record, Reason: fmt.Sprintf(format, args...)}
}

// readErr wraps an error from the underlying reader or the decompressor.
func (r *Reader) readErr(err error, off int64) error {
	what := "reading"
	if r.gz != nil {
		what = "decompressing"
	}
	return fmt.Errorf("%s: %s at byte offset %d (frame %d): %w", r.name, what, off, r.frames+1, err)
}

// short classifies a short read of a record of want bytes at off: a clean
// end (io.EOF) when nothing at all is left and clean is allowed, a
// TruncatedError when the data simply ends, or the read error.
func (r *Reader) short(err error, off int64, record string, want, have int, packet, clean bool) error {
	if have == 0 && clean && err == io.EOF {
		return io.EOF
	}
	if isShort(err) {
		return r.truncated(off, record, want, have, packet)
	}
	return r.readErr(err, off+int64(have))
}

// isShort reports whether err means the data ended: io.EOF from a file, or
// io.ErrUnexpectedEOF from a gzip stream that is cut off.
func isShort(err error) bool {
	return err == io.EOF || err == io.ErrUnexpectedEOF
}

// gzipSource notes whether the gzip stream itself was cut off.
type gzipSource struct {
	z   *gzip.Reader
	cut bool
}

func (g *gzipSource) Read(p []byte) (int, error) {
	n, err := g.z.Read(p)
	if err == io.ErrUnexpectedEOF {
		g.cut = true
	}
	return n, err
}

// input is a position-counting view of the buffered stream. Records up to
// the buffer size are handed out straight from the bufio buffer (peeked,
// and discarded on the next call), larger ones are read into big.
type input struct {
	br      *bufio.Reader
	pending int   // bytes handed out by the last fetch, still to be discarded
	off     int64 // stream offset of the first byte not yet handed out
	big     []byte
}

func (in *input) settle() {
	if in.pending > 0 {
		in.br.Discard(in.pending) // already buffered: cannot fail
		in.pending = 0
	}
}

// peek returns up to n bytes at the current offset without consuming them.
// If fewer than n bytes are there it also returns the reason.
func (in *input) peek(n int) ([]byte, error) {
	in.settle()
	return in.br.Peek(n)
}

// fetch consumes and returns the next n bytes, valid until the next call to
// peek, fetch or skip. If fewer than n bytes are left it consumes and
// returns those and the reason the read stopped.
func (in *input) fetch(n int) ([]byte, error) {
	in.settle()
	if n <= in.br.Size() {
		b, err := in.br.Peek(n)
		in.pending = len(b)
		in.off += int64(len(b))
		if len(b) == n {
			err = nil
		}
		return b, err
	}
	buf := in.big[:0]
	for len(buf) < n {
		chunk := min(n-len(buf), bigChunk)
		if cap(buf)-len(buf) < chunk {
			nb := make([]byte, len(buf), len(buf)+max(chunk, len(buf))) // at most double: bounded by what was read
			copy(nb, buf)
			buf = nb
		}
		m, err := io.ReadFull(in.br, buf[len(buf):len(buf)+chunk])
		buf = buf[:len(buf)+m]
		in.off += int64(m)
		if err != nil {
			in.big = buf
			return buf, err // io.EOF or io.ErrUnexpectedEOF when the data ends: isShort
		}
	}
	in.big = buf
	return buf, nil
}

// skip consumes n bytes without keeping them and returns how many it
// consumed, with the reason when that is fewer than n.
func (in *input) skip(n int64) (int64, error) {
	in.settle()
	var done int64
	for done < n {
		m, err := in.br.Discard(int(min(n-done, bigChunk)))
		done += int64(m)
		in.off += int64(m)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}
