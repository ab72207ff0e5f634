package capture

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// Input classes a hostile case can end in.
const (
	endEOF        = "EOF"
	endNotCapture = "not a capture"
	endTruncated  = "truncated"
	endCorrupt    = "corrupt"
	endOther      = "other error"
)

// readOutcome reads data to its end and classifies how it ended.
func readOutcome(data []byte) (frames []Frame, end string, err error) {
	r, err := NewReader(bytes.NewReader(data), "test.cap")
	if err == nil {
		var f Frame
		for {
			if err = r.Next(&f); err != nil {
				break
			}
			frames = append(frames, frameCopy(&f))
		}
	}
	var te *TruncatedError
	var ce *CorruptError
	switch {
	case err == io.EOF:
		end = endEOF
	case errors.Is(err, ErrNotCapture):
		end = endNotCapture
	case errors.As(err, &te):
		end = endTruncated
	case errors.As(err, &ce):
		end = endCorrupt
		if !errors.Is(err, ErrCorrupt) {
			end = "CorruptError that is not ErrCorrupt"
		}
	default:
		end = endOther
	}
	return frames, end, err
}

// pcapngWith returns a little-endian pcapng with an SHB and an Ethernet
// IDB, then whatever more adds.
func pcapngWith(more func(n *ngFile)) []byte {
	n := &ngFile{}
	n.shb(le16)
	n.idb(LinkEthernet, 0)
	more(n)
	return n.buf
}

// rawBlock appends a block with arbitrary leading and trailing lengths.
func rawBlock(n *ngFile, typ, lead uint32, body []byte, trail uint32) {
	n.buf = n.order.AppendUint32(n.buf, typ)
	n.buf = n.order.AppendUint32(n.buf, lead)
	n.buf = append(n.buf, body...)
	n.buf = n.order.AppendUint32(n.buf, trail)
}

func TestHostileInputs(t *testing.T) {
	goodPcap, _ := synthPcap(le16, false)
	twoPcap := func(caplen uint32) []byte { // frame 1 fine, frame 2's header claims caplen
		p := newPcapFile(le16, false, 65535, 1)
		p.record(1, 0, 10, payload(0, 10))
		p.buf = le16.AppendUint32(p.buf, 2)
		p.buf = le16.AppendUint32(p.buf, 0)
		p.buf = le16.AppendUint32(p.buf, caplen)
		p.buf = le16.AppendUint32(p.buf, 60)
		p.buf = append(p.buf, payload(1, 40)...)
		return p.buf
	}
	gzCut := gzipBytes(t, goodPcap)
	gzCut = gzCut[:len(gzCut)-12] // into the deflate data / trailer
	gzBad := gzipBytes(t, goodPcap)
	gzBad[len(gzBad)-8] ^= 0xff // CRC-32 in the trailer

	cases := []struct {
		name   string
		in     []byte
		end    string
		frames int
		says   []string // substrings of the error message
		check  func(t *testing.T, err error)
	}{
		{name: "empty file", in: nil, end: endOther, says: []string{"test.cap", "empty file, expected a pcap or pcapng header"}},
		{name: "empty gzip stream", in: gzipBytes(t, nil), end: endOther, says: []string{"empty file (after gzip decompression)"}},
		{name: "text file", in: []byte("hello, world\n"), end: endNotCapture,
			says: []string{"test.cap", "68 65 6c 6c", "a1b2c3d4", "0a0d0d0a"}},
		{name: "gzip of a text file", in: gzipBytes(t, []byte("hello, world\n")), end: endNotCapture, says: []string{"inside the gzip stream"}},
		{name: "two bytes that start no magic", in: []byte{0x12, 0x34}, end: endNotCapture, says: []string{"12 34", "only 2 bytes long"}},
		{name: "three bytes of a pcap magic", in: []byte{0xd4, 0xc3, 0xb2}, end: endTruncated, says: []string{"file header needs 4 bytes, file has 3"}},
		{name: "pcap file header cut", in: goodPcap[:10], end: endTruncated, says: []string{"pcap file header needs 24 bytes, file has 10", "no frame is complete"}},
		{name: "pcap major version 1", in: func() []byte { b := bytes.Clone(goodPcap); b[4] = 1; return b }(), end: endCorrupt, says: []string{"version 1.4"}},
		{name: "huge incl_len", in: twoPcap(0xffffffff), end: endCorrupt, frames: 1,
			says: []string{"damaged pcap record at byte offset 50 (frame 2)", "4294967295 bytes", "frame 1 is complete"}},
		{name: "incl_len one over the limit", in: twoPcap(MaxCapLen + 1), end: endCorrupt, frames: 1},
		{name: "incl_len at the limit, file short", in: twoPcap(MaxCapLen), end: endTruncated, frames: 1,
			check: func(t *testing.T, err error) {
				te, _ := isTruncated(err)
				if te.Frame != 2 || te.Offset != 50 || te.Want != 16+MaxCapLen || te.Have != 16+40 {
					t.Errorf("TruncatedError %+v", te)
				}
			}},
		{name: "incl_len above orig_len and snaplen is read as tshark does", in: func() []byte {
			p := newPcapFile(le16, false, 10, 1)
			p.record(0, 0, 5, payload(0, 20))
			return p.buf
		}(), end: endEOF, frames: 1},
		{name: "pcap trailing garbage shorter than a record header", in: append(bytes.Clone(goodPcap), 1, 2, 3), end: endTruncated, frames: 3,
			says: []string{"in frame 4", "pcap record needs 16 bytes, file has 3", "frames 1-3 are complete"}},
		{name: "gzip stream cut", in: gzCut, end: endTruncated, frames: -1, says: []string{"gzip stream ends early"},
			check: func(t *testing.T, err error) {
				if te, _ := isTruncated(err); !te.Compressed {
					t.Errorf("Compressed not set: %+v", te)
				}
			}},
		{name: "gzip checksum wrong", in: gzBad, end: endOther, frames: 3, says: []string{"decompressing", "checksum"}},

		{name: "block length 0", in: pcapngWith(func(n *ngFile) { rawBlock(n, 6, 0, nil, 0) }), end: endCorrupt,
			says: []string{"Enhanced Packet Block at byte offset 48", "block total length is 0"}},
		{name: "block length not a multiple of 4", in: pcapngWith(func(n *ngFile) { rawBlock(n, 5, 33, make([]byte, 21), 33) }), end: endCorrupt,
			says: []string{"Interface Statistics Block", "block total length is 33; it must be a multiple of 4"}},
		{name: "packet block shorter than its fixed fields", in: pcapngWith(func(n *ngFile) { rawBlock(n, 6, 28, make([]byte, 16), 28) }), end: endCorrupt,
			says: []string{"less than the 32 bytes"}},
		{name: "trailing length mismatch", in: pcapngWith(func(n *ngFile) {
			n.epb(0, 1, 4, []byte{1, 2, 3, 4})
			n.epb(0, 2, 4, []byte{1, 2, 3, 4})
			le16.PutUint32(n.buf[len(n.buf)-4:], 40)
		}), end: endCorrupt, frames: 1, says: []string{"trailing block total length 40 does not match the leading 36", "(frame 2)"}},
		{name: "packet for an interface never described", in: pcapngWith(func(n *ngFile) { n.epb(1, 0, 1, []byte{0}) }), end: endCorrupt,
			says: []string{"packet for interface 1, but its section has described only 1 interface(s)"}},
		{name: "packet before any interface", in: func() []byte {
			n := &ngFile{}
			n.shb(le16)
			n.epb(0, 0, 1, []byte{0})
			return n.buf
		}(), end: endCorrupt, says: []string{"described only 0 interface(s)"}},
		{name: "simple packet before any interface", in: func() []byte {
			n := &ngFile{}
			n.shb(be16)
			n.spb(1, []byte{0})
			return n.buf
		}(), end: endCorrupt, says: []string{"Simple Packet Block before any Interface Description Block"}},
		{name: "interfaces do not carry over to the next section", in: pcapngWith(func(n *ngFile) {
			n.epb(0, 0, 1, []byte{0})
			n.shb(be16)
			n.epb(0, 0, 1, []byte{0})
		}), end: endCorrupt, frames: 1},
		{name: "captured length beyond the block", in: pcapngWith(func(n *ngFile) {
			n.epb(0, 0, 4, []byte{1, 2, 3, 4})
			le16.PutUint32(n.buf[len(n.buf)-36+20:], 100)
		}), end: endCorrupt, says: []string{"captured length 100 does not fit in the block, which has room for 4"}},
		{name: "simple packet longer than its block", in: pcapngWith(func(n *ngFile) { n.spb(100, []byte{1, 2, 3, 4}) }), end: endCorrupt,
			says: []string{"captured length 100 does not fit"}},
		{name: "option runs past the block", in: pcapngWith(func(n *ngFile) {
			n.epb(0, 0, 4, []byte{1, 2, 3, 4}, opt{1, []byte("abcd")})
			le16.PutUint16(n.buf[len(n.buf)-4-4-8+2:], 200)
		}), end: endCorrupt, says: []string{"option 1 claims 200 bytes, but only 8 remain"}},
		{name: "if_tsresol of 2 bytes", in: func() []byte {
			n := &ngFile{}
			n.shb(le16)
			n.idb(LinkEthernet, 0, opt{9, []byte{6, 0}})
			return n.buf
		}(), end: endCorrupt, says: []string{"if_tsresol option is 2 bytes long"}},
		{name: "if_tsresol finer than 10^-19", in: func() []byte {
			n := &ngFile{}
			n.shb(le16)
			n.idb(LinkEthernet, 0, opt{9, []byte{20}})
			return n.buf
		}(), end: endCorrupt, says: []string{"if_tsresol 0x14"}},
		{name: "unknown blocks are skipped", in: pcapngWith(func(n *ngFile) {
			n.block(0x80000001, []byte("local use"))
			n.block(0x40000BAD, []byte("PEN!x"))
			n.block(0x00000009, []byte("journal"))
			n.block(0x0000000A, make([]byte, 8))
			n.epb(0, 0, 1, []byte{0})
			n.block(0x7fffffff, nil)
		}), end: endEOF, frames: 1},
		{name: "unknown block larger than the buffer limit is streamed past", in: pcapngWith(func(n *ngFile) {
			n.block(0x1234, make([]byte, maxBlockLen+4))
			n.epb(0, 0, 1, []byte{7})
		}), end: endEOF, frames: 1},
		{name: "huge unknown block cut short", in: pcapngWith(func(n *ngFile) {
			n.epb(0, 0, 1, []byte{7})
			rawBlock(n, 0x1234, 0xfffffffc, make([]byte, 100), 0)
		}), end: endTruncated, frames: 1, says: []string{"block of type 0x1234 needs 4294967292 bytes, file has 112"}},
		{name: "huge packet block", in: pcapngWith(func(n *ngFile) { rawBlock(n, 6, 0x7ffffff0, make([]byte, 40), 0) }), end: endCorrupt,
			says: []string{"more than the 16777216-byte limit"}},
		{name: "first block has a bad byte-order magic", in: func() []byte {
			b := pcapngWith(func(*ngFile) {})
			b[8] = 0
			return b
		}(), end: endNotCapture, says: []string{"byte-order magic is 00 3c 2b 1a"}},
		{name: "text starting with CR LF bytes", in: []byte("\n\r\r\nsome text, not a capture"), end: endNotCapture},
		{name: "later section has a bad byte-order magic", in: pcapngWith(func(n *ngFile) {
			n.epb(0, 0, 1, []byte{0})
			at := len(n.buf)
			n.shb(le16)
			n.buf[at+8] = 0
		}), end: endCorrupt, frames: 1, says: []string{"Section Header Block", "byte-order magic is 00 3c 2b 1a"}},
		{name: "pcapng major version 2", in: pcapngWith(func(n *ngFile) {
			at := len(n.buf)
			n.shb(le16)
			n.buf[at+12] = 2
		}), end: endCorrupt, says: []string{"pcapng version 2.0"}},
		{name: "block header cut", in: pcapngWith(func(n *ngFile) {
			n.epb(0, 0, 1, []byte{0})
			n.buf = append(n.buf, 6, 0, 0, 0, 64)
		}), end: endTruncated, frames: 1, says: []string{"pcapng block header needs 8 bytes, file has 5"}},
		{name: "SHB cut after its type", in: []byte{0x0a, 0x0d, 0x0d, 0x0a, 0, 0}, end: endTruncated, says: []string{"Section Header Block needs 12 bytes, file has 6"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			frames, end, err := readOutcome(c.in)
			if end != c.end {
				t.Fatalf("ended with %s (%v), want %s", end, err, c.end)
			}
			if c.frames >= 0 && len(frames) != c.frames {
				t.Errorf("%d frames before the end, want %d", len(frames), c.frames)
			}
			for _, s := range c.says {
				if err == nil || !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if c.check != nil {
				c.check(t, err)
			}
		})
	}
}

// A length field far larger than the file must not make the reader
// allocate that much: it reads what is there, in chunks.
func TestHostileLengthsDoNotAllocate(t *testing.T) {
	pcapHuge := func() []byte {
		p := newPcapFile(le16, false, 65535, 1)
		p.buf = le16.AppendUint32(p.buf, 0)
		p.buf = le16.AppendUint32(p.buf, 0)
		p.buf = le16.AppendUint32(p.buf, MaxCapLen)
		p.buf = le16.AppendUint32(p.buf, MaxCapLen)
		return append(p.buf, payload(0, 100)...)
	}()
	ngHuge := pcapngWith(func(n *ngFile) { rawBlock(n, 1, maxBlockLen, make([]byte, 100), 0) })
	ngUnknown := pcapngWith(func(n *ngFile) { rawBlock(n, 0x99, 0xfffffff0, make([]byte, 100), 0) })
	for name, in := range map[string][]byte{"pcap": pcapHuge, "pcapng IDB": ngHuge, "pcapng unknown": ngUnknown} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, end, err := readOutcome(in)
			runtime.ReadMemStats(&after)
			if end != endTruncated {
				t.Fatalf("ended with %v, want a TruncatedError", err)
			}
			// Two 256 KiB buffers at most (read buffer and one chunk) plus change.
			if got := after.TotalAlloc - before.TotalAlloc; got > 600<<10 {
				t.Errorf("allocated %d bytes reading a %d-byte file", got, len(in))
			}
		})
	}
}
