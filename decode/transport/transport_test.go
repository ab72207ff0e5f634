package transport_test

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/transport"
	"github.com/v6scope/v6scope/internal/decodetest"
)

const (
	src = "2001:db8::1"
	dst = "2001:db8::2"
)

var udp = decodetest.UDP(src, dst, 500, 4500, []byte("payload bytes"))

// badSum returns b with its checksum field (at off) changed.
func badSum(b []byte, off int) []byte {
	b = slices.Clone(b)
	b[off] ^= 0x5a
	return b
}

// withLength returns a copy of a UDP datagram with its Length field set.
func withLength(b []byte, n uint16) []byte {
	b = slices.Clone(b)
	binary.BigEndian.PutUint16(b[4:], n)
	return b
}

// tcp returns a 20-byte TCP header (SYN) followed by payload, with a
// correct checksum.
func tcp(payload []byte) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], 40000)
	binary.BigEndian.PutUint16(h[2:], 443)
	binary.BigEndian.PutUint32(h[4:], 1000)
	h[12] = 5 << 4
	h[13] = 0x02
	binary.BigEndian.PutUint16(h[14:], 65535)
	h = append(h, payload...)
	binary.BigEndian.PutUint16(h[16:], decodetest.Checksum(src, dst, 6, h))
	return h
}

// prev is decoded before every case: a UDP datagram with a bad checksum
// and a TCP segment would leave different state behind.
var prev = decodetest.IPv6(src, dst, 17, 64, badSum(udp, 6))

func TestEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte // an IPv6 packet
		fields map[string]string
		notes  []string
		absent []string
	}{
		{
			name:   "UDP",
			data:   decodetest.IPv6(src, dst, 17, 64, udp),
			fields: map[string]string{"udp.srcport": "500", "udp.dstport": "4500", "udp.port": "500,4500", "udp.length": "21", "udp.checksum.status": "2", "udp.payload": "7061796c6f6164206279746573"},
			absent: []string{"_ws.expert"},
		},
		{
			name:   "UDP bad checksum",
			data:   decodetest.IPv6(src, dst, 17, 64, badSum(udp, 6)),
			notes:  []string{"udp.checksum.bad"},
			fields: map[string]string{"udp.checksum.status": "2"}, // as tshark: not verified by default; the note says it
		},
		{
			name:  "UDP zero checksum over IPv6",
			data:  decodetest.IPv6(src, dst, 17, 64, append(slices.Clone(udp[:6]), append([]byte{0, 0}, udp[8:]...)...)),
			notes: []string{"udp.checksum.zero"},
		},
		{
			name:   "UDP Length beyond the IP payload",
			data:   decodetest.IPv6(src, dst, 17, 64, withLength(udp, 100)),
			notes:  []string{"udp.length.bad"},
			fields: map[string]string{"udp.length": "100"},
		},
		{
			name:   "UDP Length shorter than the IP payload: the rest is trailer",
			data:   decodetest.IPv6(src, dst, 17, 64, append(slices.Clone(udp), 0xee, 0xee)),
			fields: map[string]string{"udp.length": "21", "udp.payload": "7061796c6f6164206279746573"},
			absent: []string{"_ws.expert"},
		},
		{
			name:   "UDP Length shorter than the header",
			data:   decodetest.IPv6(src, dst, 17, 64, withLength(udp, 7)),
			notes:  []string{"udp.length.bad"},
			absent: []string{"udp.payload"},
		},
		{
			name:   "UDP cut short by the capture",
			data:   decodetest.IPv6Len(src, dst, 17, 64, len(udp)+10, withLength(udp, uint16(len(udp)+10))),
			notes:  []string{"ipv6.truncated"},
			absent: []string{"udp.length.bad", "udp.checksum.bad"},
		},
		{
			name:  "UDP header cut short",
			data:  decodetest.IPv6(src, dst, 17, 64, udp[:7]),
			notes: []string{"truncated"},
		},
		{
			name:   "TCP",
			data:   decodetest.IPv6(src, dst, 6, 64, tcp([]byte("abc"))),
			fields: map[string]string{"tcp.srcport": "40000", "tcp.dstport": "443", "tcp.flags.syn": "1", "tcp.hdr_len": "20", "tcp.len": "3"},
		},
		{
			name:  "TCP data offset beyond the segment",
			data:  decodetest.IPv6(src, dst, 6, 64, func() []byte { b := tcp(nil); b[12] = 15 << 4; return b }()),
			notes: []string{"truncated"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodetest.CheckReuse(t, capture.LinkIPv6, prev, tc.data)
			for name, want := range tc.fields {
				if got := strings.Join(decodetest.Values(p, name), ","); got != want {
					t.Errorf("%s = %q, want %q\n%s", name, got, want, decodetest.Render(p))
				}
			}
			for _, code := range tc.notes {
				if decodetest.Note(p, code) == nil {
					t.Errorf("no %s note:\n%s", code, decodetest.Render(p))
				}
			}
			for _, name := range tc.absent {
				if p.Tree.Find(name) != nil || decodetest.Note(p, name) != nil {
					t.Errorf("%s is there and should not be:\n%s", name, decodetest.Render(p))
				}
			}
		})
	}
}

// TestUDPChecksumStatus checks the status the layer reports (0 bad, 1
// good, 2 not verified), which analysis reads even though the
// udp.checksum.status field says 2 as tshark's does by default.
func TestUDPChecksumStatus(t *testing.T) {
	ctx := &dissect.Context{Dispatch: dissect.NewDispatch(), Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst)}
	u := transport.NewUDP(ctx)
	var df gopacketFeedback
	for _, tc := range []struct {
		name string
		data []byte
		want uint8
	}{
		{"good", udp, dissect.ChecksumGood},
		{"bad", badSum(udp, 6), dissect.ChecksumBad},
		{"bad, second byte", badSum(udp, 7), dissect.ChecksumBad},
		{"payload changed", badSum(udp, 10), dissect.ChecksumBad},
		{"good again (reused layer)", udp, dissect.ChecksumGood},
		{"cut short: not verified", withLength(udp, 100), dissect.ChecksumUnverified},
	} {
		if err := u.DecodeFromBytes(tc.data, &df); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := u.ChecksumStatus(); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}
}

type gopacketFeedback struct{ truncated bool }

func (f *gopacketFeedback) SetTruncated() { f.truncated = true }

// transportSeeds returns the transport headers of real frames.
func transportSeeds(f *testing.F) (udps, tcps [][]byte) {
	for _, fr := range decodetest.RealFrames(f, 16, func(capture.LinkType) bool { return true }) {
		p := decodetest.Decode(fr.LinkType, fr.Data)
		if p.Tree.Find("ipv6") == nil {
			continue
		}
		if b := decodetest.From(p, "udp"); b != nil {
			udps = append(udps, b)
		}
		if b := decodetest.From(p, "tcp"); b != nil {
			tcps = append(tcps, b)
		}
	}
	return udps, tcps
}

// fuzzTransport puts any bytes after an IPv6 header with Next Header next;
// with exact set the Payload Length matches them (so checksums are
// verified), otherwise it claims 64 more bytes (a capture cut short).
func fuzzTransport(t *testing.T, next uint8, exact bool, data []byte) *decode.Packet {
	plen := len(data)
	if !exact {
		plen += 64
	}
	return decodetest.CheckReuse(t, capture.LinkIPv6, prev, decodetest.IPv6Len(src, dst, next, 64, plen, data))
}

// FuzzUDP: no panic, every node within the frame, a reused Decoder agrees
// with a fresh one, and a checksum that is right is never called bad.
func FuzzUDP(f *testing.F) {
	udps, _ := transportSeeds(f)
	for _, s := range udps {
		f.Add(true, s)
	}
	f.Add(true, udp)
	f.Add(false, udp)
	f.Add(true, withLength(udp, 100))
	f.Fuzz(func(t *testing.T, exact bool, data []byte) {
		p := fuzzTransport(t, 17, exact, data)
		if exact && len(data) >= 8 && decodetest.Note(p, "udp.checksum.bad") != nil {
			n := binary.BigEndian.Uint16(data[4:])
			if int(n) == len(data) && decodetest.Checksum(src, dst, 17, data) == 0 {
				t.Fatalf("a datagram whose checksum is right was called bad: %x", data)
			}
		}
	})
}

// FuzzTCP: no panic, every node within the frame, a reused Decoder agrees
// with a fresh one.
func FuzzTCP(f *testing.F) {
	_, tcps := transportSeeds(f)
	for _, s := range tcps {
		f.Add(true, s)
	}
	f.Add(true, tcp([]byte("abc")))
	f.Add(false, tcp(nil))
	f.Fuzz(func(t *testing.T, exact bool, data []byte) {
		fuzzTransport(t, 6, exact, data)
	})
}
