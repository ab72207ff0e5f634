package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

var (
	le16 byteOrder = binary.LittleEndian
	be16 byteOrder = binary.BigEndian
)

// synthPcap builds a 3-frame pcap in the given byte order and resolution,
// with the frames a reader must return.
func synthPcap(order byteOrder, nano bool) ([]byte, []Frame) {
	p := newPcapFile(order, nano, 65535, uint32(LinkEthernet))
	type rec struct {
		sec, frac uint32
		orig, n   int
	}
	recs := []rec{{1_600_000_000, 123456, 60, 60}, {1_600_000_001, 999999, 1514, 100}, {0, 0, 0, 0}}
	if nano {
		recs[0].frac, recs[1].frac = 123456789, 999999999
	}
	var want []Frame
	off := int64(24)
	for i, r := range recs {
		data := payload(i, r.n)
		p.record(r.sec, r.frac, r.orig, data)
		ns := int64(r.frac) * 1000
		if nano {
			ns = int64(r.frac)
		}
		want = append(want, Frame{Number: i + 1, Time: time.Unix(int64(r.sec), ns).UTC(), CapLen: r.n, OrigLen: r.orig,
			LinkType: LinkEthernet, Offset: off, Data: data})
		off += 16 + int64(r.n)
	}
	return p.buf, want
}

func TestPcapByteOrdersAndResolutions(t *testing.T) {
	for _, order := range []byteOrder{le16, be16} {
		for _, nano := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/nano=%v", order, nano), func(t *testing.T) {
				b, want := synthPcap(order, nano)
				got, r := mustReadAll(t, b)
				equalFrames(t, got, want)
				res := time.Microsecond
				if nano {
					res = time.Nanosecond
				}
				wantIf := []Interface{{LinkType: LinkEthernet, SnapLen: 65535, TSResolution: res}}
				if !reflect.DeepEqual(r.Interfaces(), wantIf) {
					t.Errorf("Interfaces() = %+v, want %+v", r.Interfaces(), wantIf)
				}
				if r.Format() != "pcap" || r.SectionComments() != nil && len(r.SectionComments()) != 0 {
					t.Errorf("Format %q, SectionComments %q", r.Format(), r.SectionComments())
				}
			})
		}
	}
}

// The upper 16 bits of the pcap LinkType field carry FCS information
// (draft-ietf-opsawg-pcap section 4) and are not part of the link type.
func TestPcapLinkTypeUpperBits(t *testing.T) {
	for _, field := range []uint32{0x30000001, 0x04000001, 0xffff0001} {
		p := newPcapFile(le16, false, 100, field)
		p.record(1, 2, 10, payload(0, 10))
		got, r := mustReadAll(t, p.buf)
		if got[0].LinkType != LinkEthernet || r.Interfaces()[0].LinkType != LinkEthernet {
			t.Errorf("field %#x: link type %v, want ETHERNET", field, got[0].LinkType)
		}
	}
}

// synthPcapng builds a two-section pcapng, little endian then big endian,
// with every packet block type, both if_tsresol forms, if_tsoffset,
// comments and blocks the reader must skip; it returns the frames and
// interfaces a reader must report.
func synthPcapng() (b []byte, want []Frame, wantIfs []Interface, comments []string) {
	n := &ngFile{}
	off := func() int64 { return int64(len(n.buf)) }

	n.shb(le16, opt{1, []byte("first section")}, opt{4, []byte("synth")})
	n.idb(LinkEthernet, 262144, opt{2, []byte("eth0")}, opt{3, []byte("first NIC")}, opt{9, []byte{9}})
	n.idb(LinkRaw, 0, opt{2, []byte("tun0\x00")}, opt{9, []byte{0x80 | 20}}, opt{14, le16.AppendUint64(nil, 100)})
	wantIfs = append(wantIfs,
		Interface{Name: "eth0", Description: "first NIC", LinkType: LinkEthernet, SnapLen: 262144, TSResolution: time.Nanosecond},
		Interface{Name: "tun0", LinkType: LinkRaw, TSResolution: time.Duration(1e9 >> 20), TSOffset: 100})

	d := payload(1, 61)
	want = append(want, Frame{Time: time.Unix(1_700_000_000, 123456789).UTC(), CapLen: 61, OrigLen: 61, Interface: 0,
		LinkType: LinkEthernet, Comment: "hello\nworld", Offset: off(), Data: d})
	n.epb(0, 1_700_000_000_123456789, 61, d, commentOpts("hello", "world")...)

	n.block(4, []byte{1, 0, 8, 0, 10, 0, 0, 1, 'h', 'o', 's', 't', 0, 0, 0, 0}) // NRB: skipped
	n.block(0x00000BAD, []byte("PEN!custom"))                                   // custom: skipped
	n.block(0x12345678, nil)                                                    // unknown: skipped

	d = payload(2, 40)
	want = append(want, Frame{Time: time.Unix(103, 500_000_000).UTC(), CapLen: 40, OrigLen: 1500, Interface: 1,
		LinkType: LinkRaw, Offset: off(), Data: d})
	n.epb(1, 3<<20|1<<19, 1500, d) // 3.5 s in 2^-20 units, +100 s offset

	n.block(5, make([]byte, 12)) // ISB: skipped

	n.shb(be16, opt{1, []byte("second a")}, opt{1, []byte("second b")})
	n.idb(LinkLinuxSLL2, 64, opt{9, []byte{3}})
	wantIfs = append(wantIfs, Interface{LinkType: LinkLinuxSLL2, SnapLen: 64, TSResolution: time.Millisecond})

	d = payload(3, 64)
	want = append(want, Frame{CapLen: 64, OrigLen: 100, Interface: 2, LinkType: LinkLinuxSLL2, Offset: off(), Data: d})
	n.spb(100, d) // no timestamp; cut to the 64-byte snap length

	d = payload(4, 7)
	want = append(want, Frame{Time: time.Unix(1234, 567_000_000).UTC(), CapLen: 7, OrigLen: 7, Interface: 2,
		LinkType: LinkLinuxSLL2, Comment: "old", Offset: off(), Data: d})
	n.pb(0, 1234567, 7, d, commentOpts("old")...)

	n.idb(LinkIPv6, 0) // after packets: still part of this section
	wantIfs = append(wantIfs, Interface{LinkType: LinkIPv6, TSResolution: time.Microsecond})
	n.block(0x0000000A, make([]byte, 8)) // DSB: skipped

	d = payload(5, 0)
	want = append(want, Frame{Time: time.Unix(1, 1000).UTC(), OrigLen: 0, Interface: 3, LinkType: LinkIPv6, Offset: off(), Data: d})
	n.epb(1, 1_000_001, 0, d)

	for i := range want {
		want[i].Number = i + 1
	}
	return n.buf, want, wantIfs, []string{"first section", "second a", "second b"}
}

func TestPcapngSectionsAndBlocks(t *testing.T) {
	b, want, wantIfs, wantComments := synthPcapng()
	got, r := mustReadAll(t, b)
	equalFrames(t, got, want)
	if !reflect.DeepEqual(r.Interfaces(), wantIfs) {
		t.Errorf("Interfaces():\n got %+v\nwant %+v", r.Interfaces(), wantIfs)
	}
	if !reflect.DeepEqual(r.SectionComments(), wantComments) {
		t.Errorf("SectionComments() = %q, want %q", r.SectionComments(), wantComments)
	}
	if r.Format() != "pcapng" {
		t.Errorf("Format() = %q", r.Format())
	}
	if !got[2].Time.IsZero() {
		t.Errorf("Simple Packet Block frame has time %v, want the zero Time", got[2].Time)
	}
}

// NewReader reads the interfaces that precede the first packet.
func TestPcapngInterfacesKnownAfterOpen(t *testing.T) {
	b, _, wantIfs, _ := synthPcapng()
	r, err := NewReader(bytes.NewReader(b), "x")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Interfaces(); !reflect.DeepEqual(got, wantIfs[:2]) {
		t.Errorf("Interfaces() before Next = %+v, want the first section's two", got)
	}
	if got := r.SectionComments(); !reflect.DeepEqual(got, []string{"first section"}) {
		t.Errorf("SectionComments() before Next = %q", got)
	}
}

// if_tsresol in both forms, and timestamps converted exactly.
func TestPcapngTimestampResolutions(t *testing.T) {
	cases := []struct {
		name    string
		tsresol byte
		units   uint64
		offset  int64
		want    time.Time
		unit    time.Duration
	}{
		{"seconds", 0, 1_000_000_000, 0, time.Unix(1_000_000_000, 0), time.Second},
		{"deciseconds", 1, 15, 0, time.Unix(1, 500_000_000), 100 * time.Millisecond},
		{"microseconds", 6, 1_500_001, 0, time.Unix(1, 500_001_000), time.Microsecond},
		{"nanoseconds", 9, 1_700_000_000_000_000_001, 0, time.Unix(1_700_000_000, 1), time.Nanosecond},
		{"picoseconds", 12, 1_700_000_000_000_001_999, 0, time.Unix(1_700_000, 1), 0},
		{"10^-19", 19, 18_000_000_000_000_000_000 / 2, 0, time.Unix(0, 900_000_000), 0},
		{"2^-1", 0x81, 3, 0, time.Unix(1, 500_000_000), 500 * time.Millisecond},
		{"2^-32", 0x80 | 32, 5<<32 | 1<<31, 0, time.Unix(5, 500_000_000), 0},
		{"2^-63", 0x80 | 63, 1 << 62, 0, time.Unix(0, 500_000_000), 0},
		{"negative offset", 6, 2_000_000, -10, time.Unix(-8, 0), time.Microsecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &ngFile{}
			n.shb(le16)
			opts := []opt{{9, []byte{c.tsresol}}}
			if c.offset != 0 {
				opts = append(opts, opt{14, le16.AppendUint64(nil, uint64(c.offset))})
			}
			n.idb(LinkEthernet, 0, opts...)
			n.epb(0, c.units, 1, []byte{1})
			got, r := mustReadAll(t, n.buf)
			if !got[0].Time.Equal(c.want) {
				t.Errorf("time %v, want %v", got[0].Time, c.want.UTC())
			}
			if got[0].Time.Location() != time.UTC {
				t.Errorf("time is in %v, want UTC", got[0].Time.Location())
			}
			if u := r.Interfaces()[0].TSResolution; u != c.unit {
				t.Errorf("TSResolution %v, want %v", u, c.unit)
			}
		})
	}
}

func TestGzip(t *testing.T) {
	ng, wantNg, _, _ := synthPcapng()
	pc, wantPc := synthPcap(be16, true)
	for _, c := range []struct {
		name   string
		plain  []byte
		want   []Frame
		format string
	}{{"pcapng", ng, wantNg, "pcapng (gzip)"}, {"pcap", pc, wantPc, "pcap (gzip)"}} {
		t.Run(c.name, func(t *testing.T) {
			got, r := mustReadAll(t, gzipBytes(t, c.plain))
			equalFrames(t, got, c.want)
			if r.Format() != c.format {
				t.Errorf("Format() = %q, want %q", r.Format(), c.format)
			}
			// Concatenated gzip members (RFC 1952 section 2.2) read as one stream.
			half := len(c.plain) / 2
			multi := append(gzipBytes(t, c.plain[:half]), gzipBytes(t, c.plain[half:])...)
			got, _ = mustReadAll(t, multi)
			equalFrames(t, got, c.want)
		})
	}
}

// A reader that returns one byte at a time, like a slow pipe, and gives no
// way to seek.
func TestNonSeekableStream(t *testing.T) {
	ng, want, _, _ := synthPcapng()
	for name, in := range map[string][]byte{"plain": ng, "gzip": gzipBytes(t, ng)} {
		t.Run(name, func(t *testing.T) {
			r, err := NewReader(iotest.OneByteReader(bytes.NewReader(in)), "pipe")
			if err != nil {
				t.Fatal(err)
			}
			var got []Frame
			var f Frame
			for {
				err := r.Next(&f)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, frameCopy(&f))
			}
			equalFrames(t, got, want)
		})
	}
}

func TestOpenStdin(t *testing.T) {
	b, want := synthPcap(le16, false)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdin
	os.Stdin = pr
	defer func() { os.Stdin = saved; pr.Close() }()
	go func() { pw.Write(gzipBytes(t, b)); pw.Close() }()

	got, r, err := readFile(t, "-")
	if err != nil {
		t.Fatal(err)
	}
	equalFrames(t, got, want)
	if r.Format() != "pcap (gzip)" {
		t.Errorf("Format() = %q", r.Format())
	}
}

func TestOpenFileAndGzipFile(t *testing.T) {
	b, want, _, _ := synthPcapng()
	dir := t.TempDir()
	plain, gz := dir+"/a.pcapng", dir+"/a.whatever" // gzip is told by content, not name
	if err := os.WriteFile(plain, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gz, gzipBytes(t, b), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{plain, gz} {
		got, _, err := readFile(t, p)
		if err != nil {
			t.Fatal(err)
		}
		equalFrames(t, got, want)
	}
	_, err := Open(dir + "/missing.pcap")
	if err == nil || !strings.Contains(err.Error(), "missing.pcap") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
}

// Next keeps returning its first error.
func TestNextErrorIsSticky(t *testing.T) {
	b, _ := synthPcap(le16, false)
	r, err := NewReader(bytes.NewReader(b), "x")
	if err != nil {
		t.Fatal(err)
	}
	var f Frame
	for r.Next(&f) == nil {
	}
	for range 3 {
		if err := r.Next(&f); err != io.EOF {
			t.Fatalf("after EOF, Next returned %v", err)
		}
	}
	tb := b[:len(b)-1-16] // cut inside frame 2's data... then read on
	r, _ = NewReader(bytes.NewReader(tb), "x")
	var first error
	for {
		if err := r.Next(&f); err != nil {
			first = err
			break
		}
	}
	if _, ok := isTruncated(first); !ok {
		t.Fatalf("got %v, want a TruncatedError", first)
	}
	if err := r.Next(&f); err != first {
		t.Errorf("second call returned %v, want the same error %v", err, first)
	}
}

func TestLinkTypeString(t *testing.T) {
	for lt, want := range map[LinkType]string{
		LinkEthernet: "ETHERNET", LinkRaw: "RAW", LinkLinuxSLL2: "LINUX_SLL2", LinkNull: "NULL",
		LinkIPv6: "IPV6", LinkLoop: "LOOP", 147: "Unknown(147)", 65535: "Unknown(65535)",
	} {
		if got := lt.String(); got != want {
			t.Errorf("LinkType(%d).String() = %q, want %q", uint16(lt), got, want)
		}
	}
}
