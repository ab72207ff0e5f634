package replay

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
)

// wrap puts the network-layer packet pkt (whose EtherType is etype) under
// the link header of lt, as a capture of that link type holds it.
func wrap(lt capture.LinkType, etype uint16, pkt []byte) []byte {
	var h []byte
	af := byte(2) // AF_INET
	if etype == etherTypeIPv6 {
		af = 24 // AF_INET6 on NetBSD and OpenBSD (FreeBSD 28, Darwin 30)
	}
	switch lt {
	case capture.LinkNull: // the writer's byte order: little-endian here
		h = []byte{af, 0, 0, 0}
	case capture.LinkLoop: // network byte order
		h = []byte{0, 0, 0, af}
	case capture.LinkLinuxSLL: // packet type, ARPHRD, address length, address, protocol
		h = []byte{0, 0, 0, 1, 0, 6, 2, 0xcc, 0, 0, 0, 1, 0, 0}
		h = binary.BigEndian.AppendUint16(h, etype)
	case capture.LinkLinuxSLL2: // protocol, reserved, ifindex, ARPHRD, packet type, address length, address
		h = binary.BigEndian.AppendUint16(nil, etype)
		h = append(h, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0xcc, 0, 0, 0, 1, 0, 0)
	}
	return append(h, pkt...)
}

// TestPrepareEthernet takes IPv6 and IPv4 frames of real captures (ND and
// MLD; Teredo in UDP in IPv4), strips their Ethernet header, puts what is
// left under each link header a non-Ethernet capture has, and converts it
// back with addresses mapped: the result must be byte for byte the
// original Ethernet frame with the new MACs and the same mapping, and
// must decode with every checksum right.
func TestPrepareEthernet(t *testing.T) {
	dst, src := net.HardwareAddr{2, 0xdd, 0, 0, 0, 1}, net.HardwareAddr{2, 0x55, 0, 0, 0, 2}
	maps := mustMaps(t, "fe80::/64=fe80:0:0:99::/64", "2001:0:cb00:7101::/64=2001:0:cb00:7199::/64", "192.0.2.0/24=198.18.2.0/24")
	d := decode.New()
	d.SetHeuristic("teredo", true)
	links := []capture.LinkType{capture.LinkRaw, capture.LinkIPv4, capture.LinkIPv6, capture.LinkLinuxSLL, capture.LinkLinuxSLL2, capture.LinkNull, capture.LinkLoop}
	seen := map[uint16]int{}
	for _, name := range []string{"kernel-nd-mld.pcapng", "teredo-miredo.pcapng"} {
		for _, f := range readAll(t, name) {
			if f.LinkType != capture.LinkEthernet || len(f.Data) < ethHeaderLen {
				t.Fatalf("%s frame %d is not Ethernet", name, f.Number)
			}
			etype := binary.BigEndian.Uint16(f.Data[ethTypeOff:])
			if etype != etherTypeIPv6 && etype != etherTypeIPv4 {
				continue
			}
			seen[etype]++
			want := append([]byte(nil), f.Data...)
			NewRewriter(src, dst, maps).Rewrite(capture.LinkEthernet, want)
			for _, lt := range links {
				if lt == capture.LinkIPv4 && etype != etherTypeIPv4 || lt == capture.LinkIPv6 && etype != etherTypeIPv6 {
					continue
				}
				in := wrap(lt, etype, f.Data[ethHeaderLen:])
				orig := append([]byte(nil), in...)
				rw := NewRewriter(nil, nil, maps)
				rw.Ethernet = &EthernetHeader{Dst: dst, Src: src}
				got, out, err := rw.Prepare(nil, lt, in, f.Number)
				if err != nil {
					t.Fatalf("%s frame %d as %s: %v", name, f.Number, lt, err)
				}
				if !bytes.Equal(in, orig) {
					t.Fatalf("%s frame %d as %s: Prepare changed its input", name, f.Number, lt)
				}
				if got != capture.LinkEthernet || !bytes.Equal(out, want) {
					t.Fatalf("%s frame %d as %s: got %s\n% x\nwant\n% x", name, f.Number, lt, got, out, want)
				}
				if bad := badChecksums(d, capture.LinkEthernet, out); len(bad) > 0 {
					t.Errorf("%s frame %d as %s: %v", name, f.Number, lt, bad)
				}
			}
		}
	}
	if seen[etherTypeIPv6] < 10 || seen[etherTypeIPv4] < 10 {
		t.Fatalf("too few frames checked: %v", seen)
	}
}

// TestPrepareEthernetErrors: what cannot be converted is named, and
// nothing panics on short frames.
func TestPrepareEthernetErrors(t *testing.T) {
	dst, src := net.HardwareAddr{2, 0xdd, 0, 0, 0, 1}, net.HardwareAddr{2, 0x55, 0, 0, 0, 2}
	v6 := make([]byte, v6HeaderLen)
	v6[0] = 0x60
	for _, tc := range []struct {
		name     string
		lt       capture.LinkType
		data     []byte
		dst, src net.HardwareAddr
		want     error
		msg      string
	}{
		{"no destination", capture.LinkRaw, v6, nil, src, ErrNoDstMAC, "frame 7 (link type RAW): an Ethernet header needs a destination MAC address"},
		{"no source", capture.LinkRaw, v6, dst, nil, ErrNoSrcMAC, "frame 7 (link type RAW): an Ethernet header needs a source MAC address"},
		{"not IP", capture.LinkRaw, []byte{0x50, 0, 0, 0}, dst, src, ErrNotConvertible, "frame 7 (link type RAW) cannot be put into an Ethernet frame: it carries neither IPv4 nor IPv6"},
		{"empty raw", capture.LinkRaw, nil, dst, src, ErrNotConvertible, "neither IPv4 nor IPv6"},
		{"empty null", capture.LinkNull, []byte{24, 0}, dst, src, ErrNotConvertible, "neither IPv4 nor IPv6"},
		{"short SLL", capture.LinkLinuxSLL, make([]byte, 10), dst, src, ErrNotConvertible, "shorter than its link header (10 bytes)"},
		{"short SLL2", capture.LinkLinuxSLL2, make([]byte, 19), dst, src, ErrNotConvertible, "shorter than its link header (19 bytes)"},
		{"SLL 802.2", capture.LinkLinuxSLL, wrap(capture.LinkLinuxSLL, 0x0004, v6), dst, src, ErrNotConvertible, "its protocol 0x0004 is not an EtherType"},
		{"other link type", capture.LinkNFLog, v6, dst, src, ErrNotConvertible, "frame 7 (link type NFLOG) cannot be put into an Ethernet frame: only raw IP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rw := NewRewriter(nil, nil, nil)
			rw.Ethernet = &EthernetHeader{Dst: tc.dst, Src: tc.src}
			_, _, err := rw.Prepare(nil, tc.lt, tc.data, 7)
			if !errors.Is(err, tc.want) || !bytes.Contains([]byte(err.Error()), []byte(tc.msg)) {
				t.Fatalf("error %v, want %v containing %q", err, tc.want, tc.msg)
			}
		})
	}
	// Ethernet frames need nothing and pass as they are.
	eth := append([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x86, 0xdd}, v6...)
	rw := NewRewriter(nil, nil, nil)
	rw.Ethernet = &EthernetHeader{}
	if lt, out, err := rw.Prepare(nil, capture.LinkEthernet, eth, 1); err != nil || lt != capture.LinkEthernet || !bytes.Equal(out, eth) {
		t.Fatalf("Ethernet frame: %v %s % x", err, lt, out)
	}
	// Without Ethernet set, a raw frame stays raw.
	if lt, out, err := NewRewriter(nil, nil, nil).Prepare(nil, capture.LinkRaw, v6, 1); err != nil || lt != capture.LinkRaw || !bytes.Equal(out, v6) {
		t.Fatalf("raw frame: %v %s % x", err, lt, out)
	}
}
