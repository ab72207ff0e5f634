package link_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/decodetest"
)

const (
	src = "fe80::1"
	dst = "ff02::1"
)

// ipv6 is an ICMPv6 echo request, the payload every link header carries
// here.
var ipv6 = decodetest.IPv6(src, dst, 58, 64, decodetest.ICMPv6(src, dst, 128, 0, []byte{0, 1, 0, 2}))

// sll returns a Linux cooked header (version 1) for an Ethernet sender.
func sll(pktType, proto uint16, payload []byte) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint16(b[0:], pktType)
	binary.BigEndian.PutUint16(b[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(b[4:], 6)
	copy(b[6:], []byte{2, 0, 0, 0, 0, 9})
	binary.BigEndian.PutUint16(b[14:], proto)
	return append(b, payload...)
}

// sll2 returns a Linux cooked header, version 2.
func sll2(ifindex uint32, pktType uint8, proto uint16, payload []byte) []byte {
	b := make([]byte, 20)
	binary.BigEndian.PutUint16(b[0:], proto)
	binary.BigEndian.PutUint32(b[4:], ifindex)
	binary.BigEndian.PutUint16(b[8:], 1)
	b[10], b[11] = pktType, 6
	copy(b[12:], []byte{2, 0, 0, 0, 0, 9})
	return append(b, payload...)
}

// family returns a 4-byte loopback header in the given byte order.
func family(order binary.AppendByteOrder, af uint32, payload []byte) []byte {
	return append(order.AppendUint32(nil, af), payload...)
}

// prev is decoded before every case: a QinQ frame, so that tag state left
// behind would show.
var prev = decodetest.Ethernet(0x88a8, decodetest.VLAN(5, 100, 0x8100, decodetest.VLAN(3, 200, 0x86dd, ipv6)))

func TestEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lt     capture.LinkType
		data   []byte
		fields map[string]string
		notes  []string
		absent []string
		ipv6   bool // the IPv6 packet inside must be decoded
	}{
		{
			name:   "Ethernet",
			lt:     capture.LinkEthernet,
			data:   decodetest.Ethernet(0x86dd, ipv6),
			fields: map[string]string{"eth.type": "0x86dd", "eth.src": "02:00:00:00:00:02", "eth.dst": "33:33:00:00:00:01", "eth.addr": "33:33:00:00:00:01,02:00:00:00:00:02"},
			absent: []string{"vlan"},
			ipv6:   true,
		},
		{
			name:   "802.1Q",
			lt:     capture.LinkEthernet,
			data:   decodetest.Ethernet(0x8100, decodetest.VLAN(5, 42, 0x86dd, ipv6)),
			fields: map[string]string{"eth.type": "0x8100", "vlan.id": "42", "vlan.priority": "5", "vlan.dei": "0", "vlan.etype": "0x86dd"},
			ipv6:   true,
		},
		{
			name:   "QinQ (802.1ad outer tag)",
			lt:     capture.LinkEthernet,
			data:   decodetest.Ethernet(0x88a8, decodetest.VLAN(1, 100, 0x8100, decodetest.VLAN(0, 200, 0x86dd, ipv6))),
			fields: map[string]string{"eth.type": "0x88a8", "vlan.id": "100,200", "vlan.etype": "0x8100,0x86dd"},
			ipv6:   true,
		},
		{
			name:   "802.1Q with an 802.3 length",
			lt:     capture.LinkEthernet,
			data:   decodetest.Ethernet(0x8100, decodetest.VLAN(0, 7, 3, []byte{0xaa, 0xaa, 0x03, 0xff})),
			fields: map[string]string{"vlan.len": "3"},
			absent: []string{"vlan.etype", "ipv6"},
		},
		{
			name:   "VLAN tag cut short",
			lt:     capture.LinkEthernet,
			data:   decodetest.Ethernet(0x8100, []byte{0, 7}),
			notes:  []string{"truncated"},
			absent: []string{"vlan.id"},
		},
		{
			name:  "Ethernet header cut short",
			lt:    capture.LinkEthernet,
			data:  decodetest.Ethernet(0x86dd, nil)[:13],
			notes: []string{"truncated"},
		},
		{
			name:   "Linux cooked capture (SLL)",
			lt:     capture.LinkLinuxSLL,
			data:   sll(4, 0x86dd, ipv6),
			fields: map[string]string{"sll.pkttype": "4", "sll.hatype": "1", "sll.halen": "6", "sll.src.eth": "02:00:00:00:00:09", "sll.etype": "0x86dd"},
			ipv6:   true,
		},
		{
			name:   "Linux cooked capture v2 (SLL2)",
			lt:     capture.LinkLinuxSLL2,
			data:   sll2(7, 0, 0x86dd, ipv6),
			fields: map[string]string{"sll.ifindex": "7", "sll.pkttype": "0", "sll.etype": "0x86dd", "sll.src.eth": "02:00:00:00:00:09"},
			ipv6:   true,
		},
		{
			name:  "SLL2 cut short",
			lt:    capture.LinkLinuxSLL2,
			data:  sll2(7, 0, 0x86dd, nil)[:19],
			notes: []string{"truncated"},
		},
		{
			name:   "null, little-endian writer (Linux AF_INET6 10)",
			lt:     capture.LinkNull,
			data:   family(binary.LittleEndian, 10, ipv6),
			fields: map[string]string{"null.family": "10"},
			ipv6:   true,
		},
		{
			name:   "null, big-endian writer (FreeBSD AF_INET6 28)",
			lt:     capture.LinkNull,
			data:   family(binary.BigEndian, 28, ipv6),
			fields: map[string]string{"null.family": "28"},
			ipv6:   true,
		},
		{
			name:   "null, little-endian writer (macOS AF_INET6 30)",
			lt:     capture.LinkNull,
			data:   family(binary.LittleEndian, 30, ipv6),
			fields: map[string]string{"null.family": "30"},
			ipv6:   true,
		},
		{
			name:   "loop: always network byte order (OpenBSD AF_INET6 24)",
			lt:     capture.LinkLoop,
			data:   family(binary.BigEndian, 24, ipv6),
			fields: map[string]string{"null.family": "24"},
			ipv6:   true,
		},
		{
			name:   "null with an unknown family",
			lt:     capture.LinkNull,
			data:   family(binary.LittleEndian, 99, ipv6),
			fields: map[string]string{"null.family": "99"},
			absent: []string{"ipv6"},
		},
		{
			name:   "raw IPv6 (LINKTYPE_RAW)",
			lt:     capture.LinkRaw,
			data:   ipv6,
			absent: []string{"eth"},
			ipv6:   true,
		},
		{
			name:   "unsupported link type",
			lt:     capture.LinkPPP,
			data:   ipv6,
			notes:  []string{"frame.link_type_unsupported"},
			absent: []string{"ipv6"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodetest.CheckReuse(t, tc.lt, prev, tc.data)
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
				if p.Tree.Find(name) != nil {
					t.Errorf("%s is there and should not be:\n%s", name, decodetest.Render(p))
				}
			}
			if tc.ipv6 {
				checkIPv6(t, p)
			}
		})
	}
}

// checkIPv6 checks that the IPv6 packet under the link header was found,
// at the right offset, with its checksum verified.
func checkIPv6(t *testing.T, p *decode.Packet) {
	t.Helper()
	ip := decodetest.Find(t, p, "ipv6")
	if want := len(p.Data) - len(ipv6); ip.Offset != want {
		t.Errorf("ipv6 at offset %d, want %d", ip.Offset, want)
	}
	if got := decodetest.Values(p, "ipv6.src"); len(got) != 1 || got[0] != src {
		t.Errorf("ipv6.src = %v", got)
	}
	if got := decodetest.Values(p, "icmpv6.checksum.status"); len(got) != 1 || got[0] != "1" {
		t.Errorf("icmpv6.checksum.status = %v, want [1]", got)
	}
}

var linkTypes = []capture.LinkType{capture.LinkEthernet, capture.LinkLinuxSLL, capture.LinkLinuxSLL2, capture.LinkNull, capture.LinkLoop}

// FuzzLink decodes any bytes as a frame of one of the link types this
// package decodes (chosen by sel): no panic, every node within the frame,
// and a reused Decoder agrees with a fresh one.
func FuzzLink(f *testing.F) {
	linkIndex := map[capture.LinkType]uint8{}
	for i, lt := range linkTypes {
		linkIndex[lt] = uint8(i)
	}
	frames := decodetest.RealFrames(f, 8, func(lt capture.LinkType) bool { _, ok := linkIndex[lt]; return ok })
	last := prev
	for _, fr := range frames {
		f.Add(linkIndex[fr.LinkType], last, fr.Data)
		last = fr.Data
	}
	f.Add(uint8(0), prev, decodetest.Ethernet(0x8100, decodetest.VLAN(5, 42, 0x86dd, ipv6)))
	f.Add(uint8(1), prev, sll(4, 0x86dd, ipv6))
	f.Add(uint8(2), prev, sll2(7, 0, 0x86dd, ipv6))
	f.Add(uint8(3), prev, family(binary.LittleEndian, 10, ipv6))
	f.Add(uint8(4), prev, family(binary.BigEndian, 24, ipv6))
	f.Fuzz(func(t *testing.T, sel uint8, before, data []byte) {
		lt := linkTypes[int(sel)%len(linkTypes)]
		decodetest.CheckReuse(t, lt, before, data)
	})
}
