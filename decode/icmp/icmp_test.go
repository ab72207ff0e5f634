package icmp_test

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/decodetest"
)

const (
	src    = "2001:db8::1"
	dst    = "2001:db8::2"
	router = "2001:db8::fe"
)

var echo = decodetest.ICMPv6(src, dst, 128, 0, []byte{0x12, 0x34, 0, 7, 'p', 'i', 'n', 'g'})

// invoking is the packet an error quotes: src's datagram to dst, its
// Payload Length claiming 1000 bytes more than the error carries.
var invoking = decodetest.IPv6Len(src, dst, 17, 64, 1000+8+4, decodetest.UDP(src, dst, 1000, 2000, []byte("data")))

// icmpErr returns an ICMPv6 error of type typ from router to src, with the
// 4-byte field word and the invoking packet.
func icmpErr(typ, code uint8, word uint32) []byte {
	body := binary.BigEndian.AppendUint32(nil, word)
	return decodetest.ICMPv6(router, src, typ, code, append(body, invoking...))
}

// prev is decoded before every case: an error with its nested packet
// leaves the most state behind.
var prev = decodetest.IPv6(router, src, 58, 64, icmpErr(1, 4, 0))

func TestEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte // an IPv6 (or, with v4, IPv4) packet
		v4     bool
		fields map[string]string
		notes  []string
		absent []string
		check  func(t *testing.T, p *decode.Packet)
	}{
		{
			name:   "echo request",
			data:   decodetest.IPv6(src, dst, 58, 64, echo),
			fields: map[string]string{"icmpv6.type": "128", "icmpv6.code": "0", "icmpv6.checksum.status": "1", "icmpv6.echo.identifier": "0x1234", "icmpv6.echo.sequence_number": "7", "data.data": "70696e67", "data.len": "4"},
			absent: []string{"_ws.expert"},
		},
		{
			name:   "bad checksum",
			data:   decodetest.IPv6(src, dst, 58, 64, func() []byte { b := slices.Clone(echo); b[3] ^= 1; return b }()),
			fields: map[string]string{"icmpv6.checksum.status": "0"},
			notes:  []string{"icmpv6.checksum_bad"},
		},
		{
			name:   "checksum over the wrong addresses",
			data:   decodetest.IPv6(src, router, 58, 64, echo),
			fields: map[string]string{"icmpv6.checksum.status": "0"},
			notes:  []string{"icmpv6.checksum_bad"},
		},
		{
			name:   "message cut short by the capture: checksum not verified",
			data:   decodetest.IPv6Len(src, dst, 58, 64, len(echo)+100, echo),
			fields: map[string]string{"icmpv6.checksum.status": "2"},
			notes:  []string{"ipv6.truncated"},
			absent: []string{"icmpv6.checksum_bad"},
		},
		{
			name:   "destination unreachable quotes the invoking packet",
			data:   decodetest.IPv6(router, src, 58, 64, icmpErr(1, 4, 0)),
			fields: map[string]string{"icmpv6.type": "1", "icmpv6.code": "4", "ipv6.src": router + "," + src, "udp.srcport": "1000", "icmpv6.checksum.status": "1"},
			// The invoking packet is cut short on purpose (RFC 4443 §2.4 (c)).
			absent: []string{"ipv6.truncated", "_ws.malformed", "udp.length.bad"},
			check: func(t *testing.T, p *decode.Packet) {
				outer := decodetest.Find(t, p, "icmpv6")
				var inner, label int = -1, -1
				for i := range p.Tree.Fields {
					f := &p.Tree.Fields[i]
					if f.Name() == "" && f.Label == "Invoking packet" {
						label = i
					}
					if f.Name() == "ipv6" && i > 0 && label >= 0 {
						inner = i
					}
				}
				if label < 0 || inner < 0 {
					t.Fatalf("no invoking packet node with an ipv6 node under it:\n%s", decodetest.Render(p))
				}
				l, in := &p.Tree.Fields[label], &p.Tree.Fields[inner]
				if l.Depth <= outer.Depth || in.Depth <= l.Depth {
					t.Errorf("depths icmpv6 %d, invoking packet %d, inner ipv6 %d: not nested", outer.Depth, l.Depth, in.Depth)
				}
				if want := 40 + 8; in.Offset != want || l.Offset != want {
					t.Errorf("invoking packet at %d, inner ipv6 at %d; want %d", l.Offset, in.Offset, want)
				}
				if s := string(p.Summary.Info); !strings.Contains(s, "Destination Unreachable (port unreachable)") {
					t.Errorf("Info %q describes the quoted packet, not the error", s)
				}
			},
		},
		{
			name:   "packet too big",
			data:   decodetest.IPv6(router, src, 58, 64, icmpErr(2, 0, 1280)),
			fields: map[string]string{"icmpv6.mtu": "1280"},
		},
		{
			name:   "parameter problem",
			data:   decodetest.IPv6(router, src, 58, 64, icmpErr(4, 1, 6)),
			fields: map[string]string{"icmpv6.pointer": "6", "icmpv6.code": "1"},
		},
		{
			name:   "error without invoking packet",
			data:   decodetest.IPv6(router, src, 58, 64, decodetest.ICMPv6(router, src, 3, 0, []byte{0, 0, 0, 0})),
			fields: map[string]string{"icmpv6.type": "3", "icmpv6.checksum.status": "1"},
			absent: []string{"_ws.expert"},
		},
		{
			name:  "echo shorter than its fixed part",
			data:  decodetest.IPv6(src, dst, 58, 64, decodetest.ICMPv6(src, dst, 128, 0, []byte{0, 1})),
			notes: []string{"icmpv6.short"},
		},
		{
			name:  "header cut short",
			data:  decodetest.IPv6(src, dst, 58, 64, echo[:3]),
			notes: []string{"truncated"},
		},
		{
			name:   "unknown type shows as a number",
			data:   decodetest.IPv6(src, dst, 58, 64, decodetest.ICMPv6(src, dst, 250, 9, []byte{1, 2, 3})),
			fields: map[string]string{"icmpv6.type": "250", "icmpv6.checksum.status": "1"},
			check: func(t *testing.T, p *decode.Packet) {
				if s := string(p.Summary.Info); !strings.Contains(s, "250") || strings.Contains(s, "nil") {
					t.Errorf("Info %q", s)
				}
			},
		},
		{
			name: "ICMPv4 echo",
			v4:   true,
			data: decodetest.IPv4("192.0.2.1", "192.0.2.2", 1, 64, func() []byte {
				b := []byte{8, 0, 0, 0, 0, 1, 0, 1}
				binary.BigEndian.PutUint16(b[2:], checksum4(b))
				return b
			}()),
			fields: map[string]string{"icmp.type": "8", "icmp.code": "0"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lt := capture.LinkIPv6
			if tc.v4 {
				lt = capture.LinkIPv4
			}
			p := decodetest.CheckReuse(t, lt, prev, tc.data)
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
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

// checksum4 is the ICMPv4 checksum (RFC 792): no pseudo-header.
func checksum4(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// icmpSeeds returns the ICMPv6 and ICMPv4 messages of real frames.
func icmpSeeds(f *testing.F) (v6, v4 [][]byte) {
	for _, fr := range decodetest.RealFrames(f, 16, func(capture.LinkType) bool { return true }) {
		p := decodetest.Decode(fr.LinkType, fr.Data)
		if b := decodetest.From(p, "icmpv6"); b != nil {
			v6 = append(v6, b)
		}
		if b := decodetest.From(p, "icmp"); b != nil {
			v4 = append(v4, b)
		}
	}
	return v6, v4
}

// FuzzICMPv6 puts any bytes after an IPv6 header with Next Header 58
// (Payload Length exact, or 64 bytes more than captured): no panic, every
// node within the frame, a reused Decoder agrees with a fresh one, and a
// message whose checksum is right is never called bad.
func FuzzICMPv6(f *testing.F) {
	v6, _ := icmpSeeds(f)
	for _, s := range v6 {
		f.Add(true, s)
	}
	f.Add(true, echo)
	f.Add(true, icmpErr(1, 4, 0))
	f.Add(false, icmpErr(2, 0, 1280))
	f.Fuzz(func(t *testing.T, exact bool, data []byte) {
		plen := len(data)
		if !exact {
			plen += 64
		}
		p := decodetest.CheckReuse(t, capture.LinkIPv6, prev, decodetest.IPv6Len(src, dst, 58, 64, plen, data))
		if exact && len(data) >= 4 && decodetest.Checksum(src, dst, 58, data) == 0 {
			if got := decodetest.Values(p, "icmpv6.checksum.status"); len(got) == 0 || got[0] != "1" {
				t.Fatalf("a message whose checksum is right has status %v: %x", got, data)
			}
		}
	})
}

// FuzzICMPv4 puts any bytes after an IPv4 header with Protocol 1.
func FuzzICMPv4(f *testing.F) {
	_, v4 := icmpSeeds(f)
	for _, s := range v4 {
		f.Add(s)
	}
	f.Add([]byte{8, 0, 0xf7, 0xfd, 0, 1, 0, 1})
	f.Add([]byte{3, 3, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 28})
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.CheckReuse(t, capture.LinkIPv4, prev, decodetest.IPv4("192.0.2.1", "192.0.2.2", 1, 64, data))
	})
}
