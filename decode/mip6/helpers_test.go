package mip6_test

import (
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/internal/decodetest"
)

// Builders for test vectors: Ethernet, IPv6, optional Destination Options
// with a Home Address option or a type 2 routing header, then a Mobility
// Header with a correct checksum, so that only what a test changes is
// wrong.

const (
	mn  = "2001:db8:20:1::100" // care-of address
	hoa = "2001:db8:10:1::100" // home address
	ha  = "2001:db8:10:1::2"
	cn  = "2001:db8:30:1::10"
)

type pkt struct {
	src, dst string
	hoa      string // Home Address option when set
	rh2      []string
	next     uint8 // 135 unless set
	badSum   bool
	plen     int // IPv6 Payload Length when non-zero
}

// mh returns a Mobility Header of type typ whose message data is body and
// options (zero-padded with Pad1 to a multiple of 8, as senders pad).
func mh(typ uint8, body []byte, opts ...[]byte) []byte {
	b := []byte{59, 0, typ, 0, 0, 0}
	b = append(b, body...)
	for _, o := range opts {
		b = append(b, o...)
	}
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	b[1] = byte(len(b)/8 - 1)
	return b
}

// frame wraps a Mobility Header in IPv6 (and the extension headers p
// asks for), with the checksum of RFC 6275 §6.1.1.
func frame(p pkt, h []byte) []byte {
	h = slices.Clone(h)
	next := p.next
	if next == 0 {
		next = 135
	}
	src, dst := p.src, p.dst
	var ext []byte
	first := next
	if len(p.rh2) > 0 {
		rh := []byte{next, byte(2 * len(p.rh2)), 2, 1, 0, 0, 0, 0}
		for _, a := range p.rh2 {
			rh = append(rh, addr(a)...)
		}
		ext, first = rh, 43
		dst = p.rh2[len(p.rh2)-1]
	}
	if p.hoa != "" {
		do := append([]byte{first, 2, 1, 2, 0, 0, 0xc9, 16}, addr(p.hoa)...)
		ext, first = append(do, ext...), 60
		src = p.hoa
	}
	if len(h) >= 6 {
		sum := dissect.PseudoHeader(netip.MustParseAddr(src), netip.MustParseAddr(dst), next, len(h))
		c := dissect.Fold(dissect.Sum(sum, h))
		if p.badSum {
			c ^= 0x5555
		}
		binary.BigEndian.PutUint16(h[4:], c)
	}
	payload := append(ext, h...)
	plen := len(payload)
	if p.plen != 0 {
		plen = p.plen
	}
	return decodetest.Ethernet(0x86dd, decodetest.IPv6Len(p.src, p.dst, first, 64, plen, payload))
}

func addr(s string) []byte {
	a := netip.MustParseAddr(s).As16()
	return a[:]
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func opt(typ uint8, data ...byte) []byte { return append([]byte{typ, byte(len(data))}, data...) }

// bu returns a Binding Update body: sequence, flags, lifetime.
func bu(seq, flags, life uint16) []byte { return cat(u16(seq), u16(flags), u16(life)) }

// ba returns a Binding Acknowledgement body.
func ba(status, flags uint8, seq, life uint16) []byte {
	return cat([]byte{status, flags}, u16(seq), u16(life))
}

// writePcap writes frames to a pcap file (Ethernet), in name order.
func writePcap(t testing.TB, frames map[string][]byte) (string, []string) {
	t.Helper()
	names := make([]string, 0, len(frames))
	for n := range frames {
		names = append(names, n)
	}
	slices.Sort(names)
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b := hdr
	for i, n := range names {
		f := frames[n]
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec[0:], uint32(1700000000+i))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(f)))
		b = append(append(b, rec...), f...)
	}
	path := filepath.Join(t.TempDir(), "mip6-synthetic.pcap")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, names
}

var (
	home = pkt{src: mn, dst: ha, hoa: hoa}
	toCN = pkt{src: mn, dst: cn, hoa: hoa}
	back = pkt{src: ha, dst: mn, rh2: []string{hoa}}
)

// syntheticFrames covers what the captures lack: every message type v6scope
// decodes, the Proxy MIPv6 options, the Mobile Node Identifier, unknown
// types and options, and the cases the notes are about.
func syntheticFrames() map[string][]byte {
	ts := make([]byte, 8)
	binary.BigEndian.PutUint64(ts, uint64(1700000000)<<16|0x8000)
	return map[string][]byte{
		"brr":         frame(pkt{src: cn, dst: mn, rh2: []string{hoa}}, mh(0, []byte{0, 0})),
		"hoti":        frame(pkt{src: hoa, dst: cn}, mh(1, cat([]byte{0, 0}, []byte{1, 2, 3, 4, 5, 6, 7, 8}))),
		"coti":        frame(pkt{src: mn, dst: cn}, mh(2, cat([]byte{0, 0}, []byte{8, 7, 6, 5, 4, 3, 2, 1}))),
		"hot":         frame(pkt{src: cn, dst: hoa}, mh(3, cat(u16(7), []byte{1, 2, 3, 4, 5, 6, 7, 8}, []byte{9, 9, 9, 9, 9, 9, 9, 9}))),
		"cot":         frame(pkt{src: cn, dst: mn}, mh(4, cat(u16(8), []byte{8, 7, 6, 5, 4, 3, 2, 1}, []byte{7, 7, 7, 7, 7, 7, 7, 7}))),
		"bu-allflags": frame(home, mh(5, bu(1, 0xffc0, 10))),
		"bu-nohoa":    frame(pkt{src: mn, dst: ha}, mh(5, bu(1, 0xc000, 10))),
		"bu-dereg":    frame(home, mh(5, bu(2, 0xc000, 0))),
		"bu-acoa":     frame(toCN, mh(5, bu(3, 0x8000, 2), opt(1, 0, 0, 0, 0, 0, 0, 0, 0), opt(3, addr("2001:db8:99::1")...))),
		"bu-mnp":      frame(home, mh(5, bu(4, 0xc400, 30), opt(1, 0, 0, 0, 0, 0, 0), opt(6, cat([]byte{0, 56}, addr("2001:db8:10:100::"))...))),
		"bu-pmip": frame(pkt{src: "2001:db8:5::1", dst: ha}, mh(5, bu(5, 0x8200, 30),
			opt(1, 0, 0, 0, 0, 0, 0), // PadN to put the HNP at 8n+4 (byte 20)
			opt(22, cat([]byte{0, 64}, addr("2001:db8:77::"))...),
			opt(23, 0, 1), opt(24, 0, 4), // Handoff Indicator, ATT
			opt(8, append([]byte{1}, "mn1@example.net"...)...), // MN Identifier (NAI)
			opt(27, ts...),                        // Timestamp at 8n+2 (byte 66)
			opt(1), opt(26, addr("fe80::1")...))), // LLA at 8n+6 (byte 78)
		"bu-misaligned": frame(toCN, mh(5, bu(6, 0x8000, 2), opt(3, addr("2001:db8:99::1")...), opt(5, make([]byte, 12)...), opt(1, 0, 0))),
		"bu-badsum":     frame(pkt{src: mn, dst: ha, hoa: hoa, badSum: true}, mh(5, bu(7, 0xc000, 10))),
		"bu-badlen":     frame(toCN, mh(5, bu(8, 0x8000, 2), opt(4, 0, 1, 0, 2, 0, 0))),
		"bu-overrun":    frame(toCN, mh(5, bu(9, 0x8000, 2), []byte{1, 40})),
		"bu-unknownopt": frame(toCN, mh(5, bu(10, 0x8000, 2), opt(60, 1, 2, 3, 4))),
		"ba-ok":         frame(back, mh(6, ba(0, 0x40, 1, 15), opt(2, 0, 1))),
		"ba-135":        frame(back, mh(6, ba(135, 0, 1001, 0), opt(1, 0, 0))),
		"ba-unknown":    frame(back, mh(6, ba(200, 0, 1, 0), opt(1, 0, 0))),
		"be":            frame(pkt{src: cn, dst: mn}, mh(7, cat([]byte{1, 0}, addr(hoa)))),
		"be-unknown":    frame(pkt{src: cn, dst: mn}, mh(7, cat([]byte{9, 0}, addr(hoa)))),
		"fbu":           frame(pkt{src: mn, dst: ha}, mh(8, bu(11, 0xc000, 5))),
		"fback":         frame(pkt{src: ha, dst: mn}, mh(9, ba(1, 0x80, 11, 5))),
		"fna":           frame(pkt{src: mn, dst: ha}, mh(10, []byte{0, 0})),
		"emh":           frame(pkt{src: mn, dst: ha}, mh(11, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})),
		"has":           frame(pkt{src: ha, dst: mn}, mh(12, cat([]byte{2, 0}, addr("2001:db8::a"), addr("2001:db8::b")))),
		"hb":            frame(pkt{src: ha, dst: mn}, mh(13, cat([]byte{0, 3}, []byte{0, 0, 1, 2}))),
		"hi":            frame(pkt{src: ha, dst: mn}, mh(14, cat(u16(12), []byte{0xc0, 1}))),
		"hack":          frame(pkt{src: ha, dst: mn}, mh(15, cat(u16(12), []byte{0, 0}))),
		"unknown-type":  frame(pkt{src: ha, dst: mn}, mh(30, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})),
		"hlen-short":    frame(home, []byte{59, 0, 3, 0, 0, 0, 1, 2}),
		"obsolete-62":   frame(pkt{src: mn, dst: ha, next: 62}, mh(5, bu(13, 0xc000, 10))),
		"payload-proto": frame(pkt{src: mn, dst: ha, hoa: hoa}, append([]byte{6}, mh(5, bu(14, 0xc000, 10))[1:]...)),
		"rh2-two":       frame(pkt{src: cn, dst: mn, rh2: []string{hoa, "2001:db8:10:1::101"}}, mh(6, ba(0, 0, 2, 2))),
		"cut":           frame(pkt{src: mn, dst: ha, plen: 200}, longer(mh(5, bu(15, 0xc000, 10)))),
		"too-long":      frame(pkt{src: mn, dst: ha, hoa: hoa}, longer(mh(5, bu(16, 0xc000, 10)))),
	}
}

// longer makes a header's Header Len claim 80 more bytes than it holds.
func longer(h []byte) []byte {
	h = slices.Clone(h)
	h[1] += 10
	return h
}
