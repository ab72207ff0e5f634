package live

import (
	"encoding/binary"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"golang.org/x/net/bpf"
)

// ours lists the layers that make a frame one of v6scope's protocols.
var ours = []gopacket.LayerType{
	dissect.LayerICMPv6, dissect.LayerMLD, dissect.LayerND, dissect.LayerTeredo,
	dissect.LayerIPinIP, dissect.LayerMobility, dissect.LayerMobilityOld,
	dissect.LayerISAKMP, dissect.LayerUDPEncap,
}

func vm(t testing.TB, link capture.LinkType, snap int) *bpf.VM {
	t.Helper()
	prog, err := Program(link, snap)
	if err != nil {
		t.Fatalf("Program(%s): %v", link, err)
	}
	v, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatalf("bpf.NewVM: %v", err)
	}
	return v
}

// run returns how many bytes of frame the program keeps.
func run(t testing.TB, v *bpf.VM, frame []byte) int {
	t.Helper()
	n, err := v.Run(frame)
	if err != nil {
		t.Fatalf("bpf VM: %v", err)
	}
	// The kernel keeps min(return value, packet length) bytes; the VM
	// returns the program's value as it is.
	return min(n, len(frame))
}

// TestProgramOnPcaps runs the built-in filter in x/net/bpf's VM over every
// frame of pcaps/: a frame v6scope decodes as one of its protocols must be
// kept, whole; any other (the ARP of the captures) must be dropped. Every
// frame is also tried again inside an 802.1Q tag.
func TestProgramOnPcaps(t *testing.T) {
	files, err := filepath.Glob("../../pcaps/*.pcapng")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures in pcaps/: %v", err)
	}
	v := vm(t, capture.LinkEthernet, 0)
	d := decode.New()
	total, kept := 0, 0
	for _, file := range files {
		r, err := capture.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		var (
			f capture.Frame
			p decode.Packet
		)
		for {
			if err := r.Next(&f); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("%s: %v", file, err)
				}
				break
			}
			if f.LinkType != capture.LinkEthernet {
				t.Fatalf("%s frame %d: link type %s; extend this test", file, f.Number, f.LinkType)
			}
			d.Decode(&f, &p)
			want := slices.ContainsFunc(p.Layers, func(l gopacket.LayerType) bool { return slices.Contains(ours, l) })
			got := run(t, v, f.Data)
			total++
			if want {
				kept++
			}
			if want && got != len(f.Data) {
				t.Errorf("%s frame %d (%s: %s) is v6scope's but the filter returns %d of %d bytes", file, f.Number, p.Summary.Protocol, p.Summary.Info, got, len(f.Data))
			}
			if !want && got != 0 {
				t.Errorf("%s frame %d (%s: %s, layers %v) is not v6scope's but the filter keeps it", file, f.Number, p.Summary.Protocol, p.Summary.Info, p.Layers)
			}
			if gotTagged := run(t, v, tag(f.Data, 100)); (gotTagged != 0) != want {
				t.Errorf("%s frame %d inside an 802.1Q tag: filter returns %d, want kept=%v", file, f.Number, gotTagged, want)
			}
		}
		r.Close()
	}
	if kept == 0 || kept == total {
		t.Errorf("%d of %d frames are v6scope's: the captures should hold both kinds", kept, total)
	}
	t.Logf("%d frames, %d of them v6scope's protocols, all judged right", total, kept)
}

// tag inserts an IEEE 802.1Q tag with the given VLAN ID after the MACs.
func tag(frame []byte, vid uint16) []byte {
	out := make([]byte, 0, len(frame)+4)
	out = append(out, frame[:12]...)
	out = binary.BigEndian.AppendUint16(out, etherTypeDot1Q)
	out = binary.BigEndian.AppendUint16(out, vid)
	return append(out, frame[12:]...)
}

// Frames built by hand, each with what the filter must do.
func TestProgramCrafted(t *testing.T) {
	mac := []byte{0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2}
	eth := func(etherType uint16, payload []byte) []byte {
		b := append(append([]byte{}, mac...), byte(etherType>>8), byte(etherType))
		return append(b, payload...)
	}
	ip6 := func(next byte, payload []byte) []byte {
		h := make([]byte, 40)
		h[0] = 0x60
		binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
		h[6], h[7] = next, 64
		h[8], h[24] = 0xfe, 0xfe
		return append(h, payload...)
	}
	ip4 := func(proto byte, fragOff uint16, payload []byte) []byte {
		h := make([]byte, 20)
		h[0] = 0x45
		binary.BigEndian.PutUint16(h[2:], uint16(20+len(payload)))
		binary.BigEndian.PutUint16(h[6:], fragOff)
		h[8], h[9] = 64, proto
		copy(h[12:], []byte{192, 0, 2, 1, 198, 51, 100, 1})
		return append(h, payload...)
	}
	udp := func(src, dst uint16, payload []byte) []byte {
		h := make([]byte, 8)
		binary.BigEndian.PutUint16(h, src)
		binary.BigEndian.PutUint16(h[2:], dst)
		binary.BigEndian.PutUint16(h[4:], uint16(8+len(payload)))
		return append(h, payload...)
	}
	ext := func(next byte, units int) []byte { // an 8*(units+1)-byte extension header
		h := make([]byte, 8*(units+1))
		h[0], h[1] = next, byte(units)
		return h
	}
	frag := func(next byte, off uint16) []byte {
		h := make([]byte, 8)
		h[0] = next
		binary.BigEndian.PutUint16(h[2:], off<<3)
		return h
	}
	tcp := make([]byte, 20)
	binary.BigEndian.PutUint16(tcp, 443)
	binary.BigEndian.PutUint16(tcp[2:], 51000)
	icmp := []byte{135, 0, 0, 0, 0, 0, 0, 0}
	bubble := ip6(59, nil)
	origin := []byte{0, 0, 0xf2, 0x27, 0x3f, 0xcc, 0xfd, 0xfe}
	auth := append([]byte{0, 1, 2, 3, 'i', 'd', 'a', 'u', 'v'}, make([]byte, 9)...)
	arp := make([]byte, 28)

	cases := []struct {
		name  string
		frame []byte
		keep  bool
	}{
		{"ARP", eth(0x0806, arp), false},
		{"IPv4 TCP", eth(etherTypeIPv4, ip4(6, 0, tcp)), false},
		{"IPv6 TCP", eth(etherTypeIPv6, ip6(6, tcp)), false},
		{"IPv6 TCP behind Hop-by-Hop", eth(etherTypeIPv6, ip6(0, append(ext(6, 0), tcp...))), false},
		{"IPv6 UDP DNS", eth(etherTypeIPv6, ip6(17, udp(53000, 53, make([]byte, 30)))), false},
		{"IPv4 UDP DNS", eth(etherTypeIPv4, ip4(17, 0, udp(53000, 53, make([]byte, 30)))), false},
		{"IPv4 ESP (50)", eth(etherTypeIPv4, ip4(50, 0, make([]byte, 40))), false},
		{"IPX", eth(0x8137, make([]byte, 30)), false},
		{"ICMPv6", eth(etherTypeIPv6, ip6(58, icmp)), true},
		{"ICMPv6 behind Hop-by-Hop (MLD)", eth(etherTypeIPv6, ip6(0, append(ext(58, 0), icmp...))), true},
		{"ICMPv6 behind HbH, DestOpts and Routing", eth(etherTypeIPv6, ip6(0, append(append(append(ext(60, 0), ext(43, 1)...), ext(58, 2)...), icmp...))), true},
		{"ICMPv6 behind seven extension headers", eth(etherTypeIPv6, ip6(60, append(slices.Concat(ext(60, 0), ext(60, 0), ext(60, 0), ext(60, 0), ext(60, 0), ext(60, 0), ext(58, 0)), icmp...))), false},
		{"Mobility Header 135", eth(etherTypeIPv6, ip6(135, make([]byte, 16))), true},
		{"Mobility Header 62 (draft)", eth(etherTypeIPv6, ip6(62, make([]byte, 16))), true},
		{"Mobility Header behind DestOpts (HAO)", eth(etherTypeIPv6, ip6(60, append(ext(135, 2), make([]byte, 16)...))), true},
		{"IPv6 in IPv6", eth(etherTypeIPv6, ip6(41, ip6(58, icmp))), true},
		{"IPv6 UDP 500", eth(etherTypeIPv6, ip6(17, udp(500, 500, make([]byte, 28)))), true},
		{"IPv6 UDP 4500", eth(etherTypeIPv6, ip6(17, udp(4500, 4500, make([]byte, 28)))), true},
		{"IPv6 first fragment of UDP 500", eth(etherTypeIPv6, ip6(44, append(frag(17, 0), udp(500, 500, make([]byte, 28))...))), true},
		{"IPv6 first fragment of TCP", eth(etherTypeIPv6, ip6(44, append(frag(6, 0), tcp...))), false},
		{"IPv6 later fragment of UDP", eth(etherTypeIPv6, ip6(44, append(frag(17, 185), make([]byte, 40)...))), true},
		{"IPv6 later fragment of TCP", eth(etherTypeIPv6, ip6(44, append(frag(6, 185), make([]byte, 40)...))), false},
		{"IPv4 proto 41", eth(etherTypeIPv4, ip4(41, 0, ip6(58, icmp))), true},
		{"IPv4 UDP 3544", eth(etherTypeIPv4, ip4(17, 0, udp(3544, 40000, bubble))), true},
		{"IPv4 UDP 4500 from port 61030", eth(etherTypeIPv4, ip4(17, 0, udp(61030, 4500, []byte{0xff}))), true},
		{"IPv4 UDP 500", eth(etherTypeIPv4, ip4(17, 0, udp(500, 500, make([]byte, 28)))), true},
		{"Teredo bubble on other ports", eth(etherTypeIPv4, ip4(17, 0, udp(40001, 40002, bubble))), true},
		{"Teredo with origin indication on other ports", eth(etherTypeIPv4, ip4(17, 0, udp(40001, 40002, append(append([]byte{}, origin...), bubble...)))), true},
		{"Teredo with authentication and origin", eth(etherTypeIPv4, ip4(17, 0, udp(40001, 40002, slices.Concat(auth, origin, ip6(58, icmp))))), true},
		{"Teredo shape with a wrong payload length", eth(etherTypeIPv4, ip4(17, 0, udp(40001, 40002, append(bubble, 0)))), false},
		{"IPv4 later fragment of UDP", eth(etherTypeIPv4, ip4(17, 185, make([]byte, 40))), true},
		{"IPv4 with options, UDP 500", eth(etherTypeIPv4, func() []byte {
			b := ip4(17, 0, udp(500, 500, make([]byte, 28)))
			b[0] = 0x46
			return slices.Concat(b[:20], []byte{1, 1, 1, 0}, b[20:])
		}()), true},
		{"802.1Q ICMPv6", tag(eth(etherTypeIPv6, ip6(58, icmp)), 7), true},
		{"802.1Q IPv6 TCP", tag(eth(etherTypeIPv6, ip6(6, tcp)), 7), false},
		{"802.1Q ARP", tag(eth(0x0806, arp), 7), false},
		{"802.1Q IPv4 proto 41", tag(eth(etherTypeIPv4, ip4(41, 0, ip6(58, icmp))), 7), true},
		{"truncated IPv6", eth(etherTypeIPv6, []byte{0x60, 0}), false},
	}
	v := vm(t, capture.LinkEthernet, 0)
	for _, c := range cases {
		got := run(t, v, c.frame)
		if (got != 0) != c.keep {
			t.Errorf("%s: filter returns %d, want kept=%v", c.name, got, c.keep)
		}
		if c.keep && got != len(c.frame) {
			t.Errorf("%s: filter keeps %d of %d bytes", c.name, got, len(c.frame))
		}
	}

	// The same IP packets on a raw-IP link (tun, sit).
	raw := vm(t, capture.LinkRaw, 0)
	for _, c := range cases {
		if c.frame[12] != 0x86 && c.frame[12] != 0x08 {
			continue // not IP directly after the Ethernet header
		}
		if got := run(t, raw, c.frame[14:]); (got != 0) != c.keep {
			t.Errorf("raw IP %s: filter returns %d, want kept=%v", c.name, got, c.keep)
		}
	}

	// The snapshot length is the program's return value.
	snap := vm(t, capture.LinkEthernet, 60)
	if got := run(t, snap, eth(etherTypeIPv6, ip6(58, make([]byte, 200)))); got != 60 {
		t.Errorf("snaplen 60: filter keeps %d bytes", got)
	}
}

func TestProgramSize(t *testing.T) {
	for _, link := range []capture.LinkType{capture.LinkEthernet, capture.LinkRaw} {
		prog, err := Program(link, 0)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := bpf.Assemble(prog)
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		// BPF_MAXINSNS in include/uapi/linux/bpf_common.h.
		if len(raw) > 4096 {
			t.Errorf("%s: %d instructions, more than the kernel takes", link, len(raw))
		}
		t.Logf("%s: %d instructions", link, len(raw))
	}
	if _, err := Program(capture.LinkLinuxSLL, 0); err == nil {
		t.Error("Program(LINUX_SLL) did not fail")
	}
}
