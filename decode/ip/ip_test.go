package ip_test

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/decodetest"
)

const (
	src = "2001:db8::1"
	dst = "2001:db8::2"
	hoa = "2001:db8:ffff::99"
)

// udp is a small datagram with a checksum that is right for src → dst.
var udp = decodetest.UDP(src, dst, 1000, 2000, []byte("hello"))

// udpTo is a datagram whose checksum is right for src → final: the
// pseudo-header of a packet with a routing header uses its last address
// (RFC 8200 §8.1).
func udpTo(final string) []byte { return decodetest.UDP(src, final, 1000, 2000, []byte("hello")) }

// ext builds an extension header: next header, Hdr Ext Len from the
// length of body (which must make a multiple of 8 bytes with the 2-byte
// start), then body.
func ext(next uint8, body ...byte) []byte {
	if (2+len(body))%8 != 0 {
		panic("extension header is not a multiple of 8 bytes")
	}
	return append([]byte{next, uint8((2+len(body))/8 - 1)}, body...)
}

func cat(bs ...[]byte) []byte { return slices.Concat(bs...) }

func addr16(a string) []byte {
	b := netip.MustParseAddr(a).As16()
	return b[:]
}

// fragment returns a Fragment header (RFC 8200 §4.5).
func fragment(next uint8, offset uint16, more bool, ident uint32) []byte {
	b := make([]byte, 8)
	b[0] = next
	v := offset << 3
	if more {
		v |= 1
	}
	binary.BigEndian.PutUint16(b[2:], v)
	binary.BigEndian.PutUint32(b[4:], ident)
	return b
}

// prev is decoded before every case into the same Decoder and Packet, to
// catch state a layer keeps from one packet to the next: it has every
// extension header, a routing header and a Home Address option.
var prev = decodetest.IPv6(src, dst, 0, 64, cat(
	ext(60, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00),                                    // Hop-by-Hop: Router Alert, PadN
	ext(43, append([]byte{0xc9, 16}, append(addr16(hoa), 0x01, 0x02, 0, 0)...)...), // Home Address, PadN
	ext(44, append([]byte{2, 1, 0, 0, 0, 0}, addr16(hoa)...)...),                   // type 2 routing
	fragment(17, 0, false, 7),
	udpTo(hoa),
))

func TestEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte
		notes  []string          // expert note codes that must be there
		fields map[string]string // field → its -T fields value (all occurrences, comma-joined)
		layer  string            // a layer that must be decoded ("" for none)
		absent []string          // fields that must not be there
		check  func(t *testing.T, p *decode.Packet)
	}{
		{
			name:   "plain UDP",
			data:   decodetest.IPv6(src, dst, 17, 64, udp),
			fields: map[string]string{"ipv6.plen": "13", "ipv6.nxt": "17", "udp.length": "13"},
			layer:  "UDP",
		},
		{
			name:   "payload length beyond capture",
			data:   decodetest.IPv6Len(src, dst, 17, 64, len(udp)+100, udp),
			notes:  []string{"ipv6.truncated"},
			fields: map[string]string{"ipv6.plen": "113"},
			layer:  "UDP",
			absent: []string{"_ws.malformed"},
		},
		{
			name:   "extension header longer than the payload length",
			data:   decodetest.IPv6(src, dst, 0, 64, []byte{17, 1, 0x01, 0x04, 0, 0, 0, 0}), // says 16 bytes, has 8
			notes:  []string{"ipv6.ext.too_long"},
			fields: map[string]string{"ipv6.hopopts.len": "1", "ipv6.hopopts.len_oct": "16"},
			absent: []string{"udp"},
			check: func(t *testing.T, p *decode.Packet) {
				if n := decodetest.Note(p, "ipv6.ext.too_long"); !n.Malformed || !strings.Contains(n.RFC, "8200") {
					t.Errorf("note %+v is not a malformed RFC 8200 note", n)
				}
			},
		},
		{
			name:   "extension header chain cut short by the capture",
			data:   decodetest.IPv6Len(src, dst, 0, 64, 24, []byte{17, 1, 0x01, 0x04, 0, 0, 0, 0}),
			notes:  []string{"ipv6.truncated", "ipv6.ext.truncated"},
			absent: []string{"_ws.malformed", "udp"},
		},
		{
			name:   "chain of headers longer than the packet",
			data:   decodetest.IPv6(src, dst, 0, 64, cat(ext(60, 1, 4, 0, 0, 0, 0), []byte{17, 3, 1, 2, 0, 0})),
			notes:  []string{"ipv6.ext.too_long"},
			fields: map[string]string{"ipv6.hopopts.nxt": "60", "ipv6.dstopts.len_oct": "32"},
			absent: []string{"udp"},
		},
		{
			name:   "Hop-by-Hop option overruns its header",
			data:   decodetest.IPv6(src, dst, 0, 64, cat(ext(17, 0x1e, 10, 0, 0, 0, 0), udp)),
			notes:  []string{"ipv6.opt.invalid_len"},
			fields: map[string]string{"ipv6.opt.type": "0x1e", "ipv6.opt.length": "10"},
			absent: []string{"udp"},
		},
		{
			name: "Pad1",
			data: decodetest.IPv6(src, dst, 0, 64, cat(ext(17, 0x00, 0x01, 0x02, 0, 0, 0), udp)),
			// Pad1, PadN with 2 bytes, Pad1: the walk goes on after a Pad1,
			// as tshark's does (pcaps/mld-querier.pcapng has RA, Pad1, Pad1).
			fields: map[string]string{"ipv6.opt.type": "0x00,0x01,0x00", "ipv6.opt.padn": "0000", "ipv6.opt.type.action": "0"},
			layer:  "UDP",
			absent: []string{"_ws.expert"},
			check: func(t *testing.T, p *decode.Packet) {
				decodetest.Find(t, p, "ipv6.opt.pad1")
			},
		},
		{
			name:   "PadN",
			data:   decodetest.IPv6(src, dst, 0, 64, cat(ext(17, 0x01, 0x04, 0, 0, 0, 0), udp)),
			fields: map[string]string{"ipv6.opt.type": "0x01", "ipv6.opt.length": "4", "ipv6.opt.padn": "00000000"},
			layer:  "UDP",
			absent: []string{"_ws.expert"},
		},
		{
			name:   "Router Alert (MLD)",
			data:   decodetest.IPv6(src, dst, 0, 1, cat(ext(17, 0x05, 0x02, 0, 0, 0x01, 0x00), udp)),
			fields: map[string]string{"ipv6.opt.router_alert": "0", "ipv6.opt.type": "0x05,0x01"},
			layer:  "UDP",
			absent: []string{"_ws.expert"},
		},
		{
			name:   "Router Alert of the wrong size",
			data:   decodetest.IPv6(src, dst, 0, 1, cat(ext(17, 0x05, 0x03, 0, 0, 0, 0x00), udp)),
			notes:  []string{"ipv6.opt.invalid_len"},
			layer:  "UDP", // the header's own length still finds UDP
			absent: []string{"ipv6.opt.router_alert"},
			check: func(t *testing.T, p *decode.Packet) {
				if n := decodetest.Note(p, "ipv6.opt.invalid_len"); !strings.Contains(n.RFC, "2711") {
					t.Errorf("note cites %q, want RFC 2711", n.RFC)
				}
			},
		},
		{
			name:   "Jumbo Payload of the wrong size",
			data:   decodetest.IPv6(src, dst, 0, 64, cat(ext(17, 0xc2, 0x02, 0, 0, 0x01, 0x00), udp)),
			notes:  []string{"ipv6.opt.invalid_len"},
			absent: []string{"ipv6.opt.jumbo"},
			check: func(t *testing.T, p *decode.Packet) {
				if n := decodetest.Note(p, "ipv6.opt.invalid_len"); !n.Malformed || !strings.Contains(n.RFC, "2675") {
					t.Errorf("note %+v: want malformed, citing RFC 2675", n)
				}
			},
		},
		{
			name:   "Jumbo Payload",
			data:   decodetest.IPv6Len(src, dst, 0, 64, 0, cat(ext(17, 0xc2, 0x04, 0, 1, 0, 0), udp)),
			fields: map[string]string{"ipv6.opt.jumbo": "65536", "ipv6.plen": "0"},
		},
		{
			name:   "routing type 0 is deprecated",
			data:   decodetest.IPv6(src, dst, 43, 64, cat(ext(17, append([]byte{0, 1, 0, 0, 0, 0}, addr16(hoa)...)...), udpTo(hoa))),
			notes:  []string{"ipv6.routing.deprecated"},
			fields: map[string]string{"ipv6.routing.type": "0", "ipv6.routing.segleft": "1", "ipv6.routing.src.addr": hoa},
			layer:  "UDP",
			absent: []string{"udp.checksum.bad"},
			check: func(t *testing.T, p *decode.Packet) {
				if n := decodetest.Note(p, "ipv6.routing.deprecated"); !strings.Contains(n.RFC, "5095") {
					t.Errorf("note cites %q, want RFC 5095", n.RFC)
				}
				if decodetest.Note(p, "udp.checksum.bad") != nil {
					t.Error("checksum over the final destination reported bad")
				}
			},
		},
		{
			name:   "routing type 2 (Mobile IPv6)",
			data:   decodetest.IPv6(src, dst, 43, 64, cat(ext(17, append([]byte{2, 1, 0, 0, 0, 0}, addr16(hoa)...)...), udpTo(hoa))),
			fields: map[string]string{"ipv6.routing.type": "2", "ipv6.routing.mipv6.home_address": hoa},
			layer:  "UDP",
			absent: []string{"_ws.expert", "ipv6.routing.src.addr"},
		},
		{
			name:  "routing type 2 with wrong Segments Left",
			data:  decodetest.IPv6(src, dst, 43, 64, cat(ext(17, append([]byte{2, 2, 0, 0, 0, 0}, addr16(hoa)...)...), udpTo(hoa))),
			notes: []string{"ipv6.routing.invalid_segleft"},
		},
		{
			name:   "fragment with offset not zero is not decoded further",
			data:   decodetest.IPv6(src, dst, 44, 64, cat(fragment(17, 185, true, 0xdeadbeef), udp)),
			fields: map[string]string{"ipv6.fraghdr.offset": "185", "ipv6.fraghdr.more": "1", "ipv6.fraghdr.ident": "0xdeadbeef"},
			absent: []string{"udp"},
			check: func(t *testing.T, p *decode.Packet) {
				if info := string(p.Summary.Info); !strings.HasPrefix(info, "IPv6 fragment (off=1480 more=y") {
					t.Errorf("Info %q", info)
				}
			},
		},
		{
			name:   "first fragment is not decoded further",
			data:   decodetest.IPv6(src, dst, 44, 64, cat(fragment(17, 0, true, 1), udp)),
			absent: []string{"udp"},
		},
		{
			name:   "atomic fragment is decoded",
			data:   decodetest.IPv6(src, dst, 44, 64, cat(fragment(17, 0, false, 1), udp)),
			layer:  "UDP",
			fields: map[string]string{"ipv6.fraghdr.offset": "0", "ipv6.fraghdr.more": "0"},
		},
		{
			name:  "Hop-by-Hop not first",
			data:  decodetest.IPv6(src, dst, 60, 64, cat(ext(0, 1, 4, 0, 0, 0, 0), ext(17, 1, 4, 0, 0, 0, 0), udp)),
			notes: []string{"ipv6.hopopts.not_first"},
			layer: "UDP",
		},
		{
			name:  "No Next Header with trailing bytes",
			data:  decodetest.IPv6(src, dst, 59, 64, []byte{1, 2, 3}),
			notes: []string{"ipv6.nonext.data"},
		},
		{
			name:   "version is not 6",
			data:   append([]byte{0x40}, decodetest.IPv6(src, dst, 17, 64, udp)[1:]...),
			notes:  []string{"ipv6.bad_version"},
			absent: []string{"ipv6.src", "udp"},
		},
		{
			name:  "header cut short",
			data:  decodetest.IPv6(src, dst, 17, 64, nil)[:39],
			notes: []string{"truncated"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodetest.CheckReuse(t, capture.LinkIPv6, prev, tc.data)
			for _, code := range tc.notes {
				if decodetest.Note(p, code) == nil {
					t.Errorf("no %s note:\n%s", code, decodetest.Render(p))
				}
			}
			for name, want := range tc.fields {
				if got := strings.Join(decodetest.Values(p, name), ","); got != want {
					t.Errorf("%s = %q, want %q\n%s", name, got, want, decodetest.Render(p))
				}
			}
			if tc.layer != "" && !decodetest.HasLayer(p, tc.layer) {
				t.Errorf("no %s layer in %v", tc.layer, p.Layers)
			}
			for _, name := range tc.absent {
				if p.Tree.Find(name) != nil {
					t.Errorf("%s is there and should not be:\n%s", name, decodetest.Render(p))
				}
			}
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

// ipv6Seeds returns the IPv6 packets of real frames.
func ipv6Seeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, fr := range decodetest.RealFrames(f, 8, func(capture.LinkType) bool { return true }) {
		p := decodetest.Decode(fr.LinkType, fr.Data)
		if b := decodetest.From(p, "ipv6"); b != nil {
			out = append(out, b)
		}
	}
	return out
}

// FuzzIPv6 decodes any bytes as a raw IPv6 packet (LINKTYPE_IPV6): no
// panic, every node within the frame, and the same dissection from a
// Decoder that decoded another packet first as from a fresh one.
func FuzzIPv6(f *testing.F) {
	seeds := ipv6Seeds(f)
	last := prev
	for _, s := range seeds {
		f.Add(last, s)
		last = s
	}
	f.Add(prev, prev[:50])
	f.Fuzz(func(t *testing.T, before, data []byte) {
		decodetest.CheckReuse(t, capture.LinkIPv6, before, data)
	})
}

// FuzzExtHeaders puts any bytes after a fixed IPv6 header whose Next
// Header is first and whose Payload Length fits, so the fuzzer spends its
// time in the extension header chain.
func FuzzExtHeaders(f *testing.F) {
	for _, s := range ipv6Seeds(f) {
		if len(s) > 40 {
			f.Add(s[6], s[40:])
		}
	}
	f.Add(uint8(0), prev[40:])
	f.Add(uint8(43), cat(ext(17, append([]byte{0, 1, 0, 0, 0, 0}, addr16(hoa)...)...), udpTo(hoa)))
	f.Add(uint8(44), cat(fragment(17, 185, true, 1), udp))
	f.Fuzz(func(t *testing.T, next uint8, chain []byte) {
		decodetest.CheckReuse(t, capture.LinkIPv6, prev, decodetest.IPv6(src, dst, next, 64, chain))
	})
}

// FuzzIPv4 decodes any bytes as a raw IPv4 packet (LINKTYPE_IPV4).
func FuzzIPv4(f *testing.F) {
	v4 := decodetest.IPv4("192.0.2.1", "192.0.2.2", 41, 64, decodetest.IPv6(src, dst, 17, 64, udp))
	f.Add(v4, decodetest.IPv4("192.0.2.1", "192.0.2.2", 17, 64, []byte{0, 53, 0, 53, 0, 8, 0, 0}))
	for _, fr := range decodetest.RealFrames(f, 8, func(capture.LinkType) bool { return true }) {
		if b := decodetest.From(decodetest.Decode(fr.LinkType, fr.Data), "ip"); b != nil {
			f.Add(v4, b)
		}
	}
	f.Fuzz(func(t *testing.T, before, data []byte) {
		decodetest.CheckReuse(t, capture.LinkIPv4, before, data)
	})
}
