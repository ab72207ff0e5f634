package capture

import (
	"errors"
	"fmt"
	"io"
	"sort"
)

// IndexEntry locates one frame's record in the file.
type IndexEntry struct {
	Offset int64 // byte offset of the pcap record header or pcapng packet block
	Len    int32 // whole record length in bytes (header, data, padding, options, trailer)
}

// Index is the position of every frame of a capture file, built in one pass
// by [BuildIndex], so that [Index.ReadFrame] can read frame N at once. It
// holds what decoding a record needs besides its bytes: the format, the
// byte order and interfaces of each pcapng section. It is safe for
// concurrent use by ReadFrame calls with distinct Frames.
//
// Only uncompressed files can be indexed: a gzip stream cannot be read at
// an offset without decompressing everything before it. BuildIndex returns
// an error wrapping [ErrCompressed] for them; decompress first (gunzip -k)
// or read sequentially with [Reader].
type Index struct {
	Entries         []IndexEntry
	File            string      // the path given to BuildIndex, for messages
	Format          string      // "pcap" or "pcapng"
	Interfaces      []Interface // as Reader.Interfaces at the end of the file
	SectionComments []string    // as Reader.SectionComments

	pcapng   bool
	ifaces   ifaceTable
	sections []section
	// spans maps frames to sections: frames from spans[i].first (1-based)
	// up to the next span's first belong to sections[spans[i].section].
	spans []span
}

type span struct {
	first   int
	section int
}

// BuildIndex reads the file at path once and records where each frame is.
// If the file is cut short or damaged after its header, BuildIndex returns
// the index of the frames before the damage together with the
// [*TruncatedError] or [*CorruptError]. A gzip-compressed file, or "-"
// (standard input), is refused: see [Index].
func BuildIndex(path string) (*Index, error) {
	if path == "-" {
		return nil, fmt.Errorf("cannot index standard input: random access needs a file; save the capture to a file first")
	}
	r, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if r.gz != nil {
		return nil, fmt.Errorf("%s: %w: a gzip stream cannot be read at random offsets, so it cannot be indexed; decompress it first (gunzip -k %s) or read it from start to end",
			path, ErrCompressed, path)
	}
	return buildIndex(r)
}

// buildIndex indexes the frames r has not yet returned.
func buildIndex(r *Reader) (*Index, error) {
	ix := &Index{File: r.name, pcapng: r.ng, Format: "pcap"}
	if r.ng {
		ix.Format = "pcapng"
	}
	r.skipData = true
	defer func() { r.skipData = false }()
	var f Frame
	var err error
	for {
		if err = r.Next(&f); err != nil {
			break
		}
		sec := len(r.sections) - 1
		if len(ix.spans) == 0 || ix.spans[len(ix.spans)-1].section != sec {
			ix.spans = append(ix.spans, span{first: f.Number, section: sec})
		}
		ix.Entries = append(ix.Entries, IndexEntry{Offset: f.Offset, Len: int32(r.recLen)})
	}
	ix.ifaces = ifaceTable{
		list:   append([]Interface(nil), r.ifaces.list...),
		clocks: append([]ifaceClock(nil), r.ifaces.clocks...),
	}
	ix.Interfaces = ix.ifaces.list
	ix.sections = append([]section(nil), r.sections...)
	ix.SectionComments = append([]string(nil), r.comments...)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return ix, err
}

// Append indexes one more packet block, written to the end of the file's
// last section after the index was built: a file that grows, as the file a
// live capture spills its frames to. It is not safe to call concurrently
// with ReadFrame; the caller serializes them.
func (ix *Index) Append(e IndexEntry) {
	sec := len(ix.sections) - 1
	if len(ix.spans) == 0 || ix.spans[len(ix.spans)-1].section != sec {
		ix.spans = append(ix.spans, span{first: len(ix.Entries) + 1, section: sec})
	}
	ix.Entries = append(ix.Entries, e)
}

// ReadFrame reads frame n (1-based) from ra, the file the index was built
// from, into f exactly as [Reader.Next] would have (same Number, Time,
// Interface, LinkType, Comment, Offset and Data), reusing f.Data's buffer.
func (ix *Index) ReadFrame(ra io.ReaderAt, n int, f *Frame) error {
	if n < 1 || n > len(ix.Entries) {
		return fmt.Errorf("%s: frame %d does not exist; the index has frames 1-%d", ix.File, n, len(ix.Entries))
	}
	e := ix.Entries[n-1]
	size := int(e.Len)
	buf := f.Data[:0]
	if cap(buf) < size {
		buf = make([]byte, size)
	}
	buf = buf[:size]
	if m, err := ra.ReadAt(buf, e.Offset); m < size {
		return fmt.Errorf("%s: frame %d: reading %d bytes at byte offset %d: %v (has the file changed since it was indexed?)",
			ix.File, n, size, e.Offset, err)
	}
	var data []byte
	if !ix.pcapng {
		order := ix.sections[0].order
		p := parsePcapRecord(buf, order)
		if why := p.check(); why != "" || pcapRecordHeaderLen+int(p.capLen) != size {
			return ix.changed(n, e, pcapRecordName)
		}
		p.fill(f, &ix.ifaces)
		data = buf[pcapRecordHeaderLen:]
	} else {
		sec := &ix.sections[ix.sectionOf(n)]
		order := sec.order
		typ := order.Uint32(buf[blockTypeOff:])
		if !isPacketBlock(typ) || size < minBlockLen(typ) ||
			order.Uint32(buf[blockLenOff:]) != uint32(size) || order.Uint32(buf[size-blockTrailerLen:]) != uint32(size) {
			return ix.changed(n, e, "pcapng packet block")
		}
		var why string
		if data, why = decodePacketBlock(buf, typ, sec, &ix.ifaces, f); why != "" {
			return ix.changed(n, e, blockName(typ))
		}
	}
	f.Data = buf[:copy(buf, data)] // data lies within buf, after its start
	f.Number = n
	f.Offset = e.Offset
	return nil
}

// changed reports a record that no longer reads as it did when indexed.
func (ix *Index) changed(n int, e IndexEntry, record string) error {
	return fmt.Errorf("%s: frame %d: the %s at byte offset %d no longer matches the index (has the file changed since it was indexed?): %w",
		ix.File, n, record, e.Offset, ErrCorrupt)
}

// sectionOf returns the index in ix.sections of frame n's section.
func (ix *Index) sectionOf(n int) int {
	i := sort.Search(len(ix.spans), func(i int) bool { return ix.spans[i].first > n }) - 1
	return ix.spans[i].section
}
