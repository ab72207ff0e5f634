package replay

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/pcaps"
)

// badChecksums returns the codes of the checksum notes the decoder raises
// for frame data.
func badChecksums(d *decode.Decoder, lt capture.LinkType, data []byte) []string {
	var p decode.Packet
	f := capture.Frame{Number: 1, LinkType: lt, Data: data, CapLen: len(data), OrigLen: len(data)}
	d.Decode(&f, &p)
	var codes []string
	for _, n := range p.Notes() {
		if strings.Contains(n.Code, "checksum") && !strings.HasSuffix(n.Code, ".zero") {
			codes = append(codes, n.Code)
		}
	}
	return codes
}

// addrsOf returns the decoder's values of the named address fields.
func addrsOf(d *decode.Decoder, lt capture.LinkType, data []byte, names ...string) []netip.Addr {
	var p decode.Packet
	f := capture.Frame{Number: 1, LinkType: lt, Data: data, CapLen: len(data), OrigLen: len(data)}
	d.Decode(&f, &p)
	var out []netip.Addr
	for _, fl := range p.Tree.Fields {
		if fl.Info == nil {
			continue
		}
		for _, n := range names {
			if fl.Info.Name == n {
				out = append(out, fl.Addr)
			}
		}
	}
	return out
}

func readAll(t *testing.T, name string) []capture.Frame {
	t.Helper()
	f, err := pcaps.FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := capture.NewReader(f, name)
	if err != nil {
		t.Fatal(err)
	}
	var out []capture.Frame
	for {
		var fr capture.Frame
		if err := r.Next(&fr); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			return out
		}
		fr.Data = append([]byte(nil), fr.Data...)
		out = append(out, fr)
	}
}

func mustMaps(t *testing.T, specs ...string) []IPMap {
	t.Helper()
	var maps []IPMap
	for _, s := range specs {
		m, err := ParseIPMap(s)
		if err != nil {
			t.Fatal(err)
		}
		maps = append(maps, m)
	}
	return maps
}

// TestRewriteCaptures maps every address of the real captures (outer
// IPv4, 6in4 and Teredo inner IPv6, Home Address options, type 2 routing
// headers, ND targets) and checks with the decoder that every checksum it
// verifies (UDP, ICMPv6, ICMP, IPv4 header, Mobility Header) is still
// right, and that no old address is left.
func TestRewriteCaptures(t *testing.T) {
	maps := mustMaps(t,
		"2001:db8::/32=3fff:5::/32",
		"2001:0:cb00:7101::/64=2001:0:cb00:7199::/64",
		"2002::/16=2003::/16",
		"fe80::/64=fe80:0:0:1::/64",
		"192.0.2.0/24=198.18.2.0/24",
		"198.51.100.0/24=198.18.51.0/24",
		"203.0.113.0/24=198.18.113.0/24",
	)
	old := []netip.Prefix{
		netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("2001:0:cb00:7101::/64"),
		netip.MustParsePrefix("2002::/16"), netip.MustParsePrefix("fe80::/64"),
		netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
	}
	addrFields := []string{"ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ipv6.opt.mipv6.home_address", "ipv6.routing.type2.home_address", "icmpv6.nd.ns.target_address", "icmpv6.nd.na.target_address"}
	rw := NewRewriter(nil, nil, maps)
	d := decode.New()
	for _, name := range pcaps.Captures() {
		t.Run(name, func(t *testing.T) {
			frames := readAll(t, name)
			checked := 0
			for _, f := range frames {
				before := badChecksums(d, f.LinkType, f.Data)
				data := append([]byte(nil), f.Data...)
				rw.Rewrite(f.LinkType, data)
				after := badChecksums(d, f.LinkType, data)
				if len(before) == 0 && len(after) != 0 {
					t.Errorf("frame %d: after rewriting: %v", f.Number, after)
				}
				if len(before) != 0 && len(after) != len(before) {
					t.Errorf("frame %d: bad checksums %v became %v", f.Number, before, after)
				}
				for _, a := range addrsOf(d, f.LinkType, data, addrFields...) {
					for _, p := range old {
						if p.Contains(a) && !(p.Bits() == 64 && a.IsLinkLocalUnicast() && !netip.MustParsePrefix("fe80::/64").Contains(a)) {
							t.Errorf("frame %d: %s still in %s", f.Number, a, p)
						}
					}
				}
				checked++
			}
			if checked == 0 {
				t.Fatal("no frames")
			}
		})
	}
}

func serialize(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

var (
	macA = net.HardwareAddr{2, 0, 0, 0, 0, 0xa}
	macB = net.HardwareAddr{2, 0, 0, 0, 0, 0xb}
)

// tcpChecksumOK recomputes a TCP checksum from scratch (the decoder does
// not verify TCP's).
func tcpChecksumOK(t *testing.T, data []byte) bool {
	t.Helper()
	p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
	tcp, _ := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	if tcp == nil {
		t.Fatal("no TCP")
	}
	var src, dst netip.Addr
	if ip6, ok := p.Layer(layers.LayerTypeIPv6).(*layers.IPv6); ok {
		src, _ = netip.AddrFromSlice(ip6.SrcIP)
		dst, _ = netip.AddrFromSlice(ip6.DstIP)
	} else {
		ip4 := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		src, _ = netip.AddrFromSlice(ip4.SrcIP.To4())
		dst, _ = netip.AddrFromSlice(ip4.DstIP.To4())
	}
	seg := append(append([]byte(nil), tcp.Contents...), tcp.Payload...)
	return dissect.Fold(dissect.Sum(dissect.PseudoHeader(src, dst, 6, len(seg)), seg)) == 0
}

func TestRewriteTCP(t *testing.T) {
	for _, v6 := range []bool{true, false} {
		eth := &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv6}
		tcp := &layers.TCP{SrcPort: 4000, DstPort: 80, Seq: 7, SYN: true, Window: 1000}
		var data []byte
		maps := mustMaps(t, "2001:db8:1::/48=2001:db8:99::/48")
		if v6 {
			ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolTCP, HopLimit: 64, SrcIP: net.ParseIP("2001:db8:1::1"), DstIP: net.ParseIP("2001:db8:2::2")}
			_ = tcp.SetNetworkLayerForChecksum(ip)
			data = serialize(t, eth, ip, tcp, gopacket.Payload("hello"))
		} else {
			eth.EthernetType = layers.EthernetTypeIPv4
			maps = mustMaps(t, "10.1.0.0/16=172.16.0.0/16")
			ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.ParseIP("10.1.2.3").To4(), DstIP: net.ParseIP("192.0.2.9").To4()}
			_ = tcp.SetNetworkLayerForChecksum(ip)
			data = serialize(t, eth, ip, tcp, gopacket.Payload("hello"))
		}
		if !tcpChecksumOK(t, data) {
			t.Fatal("test packet has a bad checksum")
		}
		orig := append([]byte(nil), data...)
		NewRewriter(nil, nil, maps).Rewrite(capture.LinkEthernet, data)
		if bytes.Equal(orig, data) {
			t.Fatalf("v6=%v: nothing rewritten", v6)
		}
		if !tcpChecksumOK(t, data) {
			t.Errorf("v6=%v: TCP checksum wrong after rewriting", v6)
		}
		if codes := badChecksums(decode.New(), capture.LinkEthernet, data); len(codes) != 0 {
			t.Errorf("v6=%v: %v", v6, codes)
		}
	}
}

// TestRewriteKeepsBadChecksumsBad: a checksum that was wrong stays wrong by
// the same amount (incremental update), so a capture made to show a bad
// checksum still shows one.
func TestRewriteKeepsBadChecksumsBad(t *testing.T) {
	eth := &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv6}
	ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolUDP, HopLimit: 64, SrcIP: net.ParseIP("2001:db8:1::1"), DstIP: net.ParseIP("2001:db8:2::2")}
	udp := &layers.UDP{SrcPort: 1, DstPort: 2}
	_ = udp.SetNetworkLayerForChecksum(ip)
	data := serialize(t, eth, ip, udp, gopacket.Payload("x"))
	ck := ethHeaderLen + v6HeaderLen + udpCsumOff
	binary.BigEndian.PutUint16(data[ck:], binary.BigEndian.Uint16(data[ck:])+1)
	d := decode.New()
	if len(badChecksums(d, capture.LinkEthernet, data)) != 1 {
		t.Fatal("the damaged checksum is not seen")
	}
	NewRewriter(nil, nil, mustMaps(t, "2001:db8::/32=3fff::/32")).Rewrite(capture.LinkEthernet, data)
	if len(badChecksums(d, capture.LinkEthernet, data)) != 1 {
		t.Error("the bad checksum became good")
	}
}

func TestRewriteUDPv4ZeroChecksum(t *testing.T) {
	eth := &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.ParseIP("10.1.2.3").To4(), DstIP: net.ParseIP("192.0.2.9").To4()}
	udp := &layers.UDP{SrcPort: 1, DstPort: 2}
	_ = udp.SetNetworkLayerForChecksum(ip)
	data := serialize(t, eth, ip, udp, gopacket.Payload("xyz"))
	ck := ethHeaderLen + v4MinHeader + udpCsumOff
	binary.BigEndian.PutUint16(data[ck:], 0)
	NewRewriter(nil, nil, mustMaps(t, "10.0.0.0/8=11.0.0.0/8")).Rewrite(capture.LinkEthernet, data)
	if binary.BigEndian.Uint16(data[ck:]) != 0 {
		t.Error("a zero UDP checksum over IPv4 (none) was changed")
	}
	if codes := badChecksums(decode.New(), capture.LinkEthernet, data); len(codes) != 0 {
		t.Error(codes)
	}
}

func TestRewriteMACs(t *testing.T) {
	eth := &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv6}
	ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolNoNextHeader, HopLimit: 64, SrcIP: net.ParseIP("::1"), DstIP: net.ParseIP("::2")}
	data := serialize(t, eth, ip)
	src, dst := net.HardwareAddr{2, 1, 1, 1, 1, 1}, net.HardwareAddr{2, 2, 2, 2, 2, 2}
	NewRewriter(src, dst, nil).Rewrite(capture.LinkEthernet, data)
	if !bytes.Equal(data[6:12], src) || !bytes.Equal(data[0:6], dst) {
		t.Errorf("MACs: % x", data[:12])
	}
}

// TestRewriteTruncated: a frame cut short by the snapshot length gets the
// same checksum as the whole frame would.
func TestRewriteTruncated(t *testing.T) {
	eth := &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv6}
	ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolUDP, HopLimit: 64, SrcIP: net.ParseIP("2001:db8:1::1"), DstIP: net.ParseIP("2001:db8:2::2")}
	udp := &layers.UDP{SrcPort: 1, DstPort: 2}
	_ = udp.SetNetworkLayerForChecksum(ip)
	whole := serialize(t, eth, ip, udp, gopacket.Payload(bytes.Repeat([]byte("abcd"), 100)))
	cut := append([]byte(nil), whole[:100]...)
	rw := NewRewriter(nil, nil, mustMaps(t, "2001:db8:1::1=2001:db8:1::77"))
	rw.Rewrite(capture.LinkEthernet, whole)
	rw.Rewrite(capture.LinkEthernet, cut)
	if !bytes.Equal(whole[:100], cut) {
		t.Errorf("cut frame rewritten differently:\n% x\n% x", whole[:100], cut)
	}
}

func TestParseIPMap(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "2001:db8::1=2001:db8::2", want: "2001:db8::1/128=2001:db8::2/128"},
		{in: "2001:db8:1::/48 = 2001:db8:2::/48", want: "2001:db8:1::/48=2001:db8:2::/48"},
		{in: "10.0.0.0/8=11.0.0.0/8", want: "10.0.0.0/8=11.0.0.0/8"},
		{in: "10.1.2.3/8=11.0.0.0/8", want: "10.0.0.0/8=11.0.0.0/8"},
		{in: "10.0.0.1", err: "want OLD=NEW"},
		{in: "10.0.0.1=2001:db8::1", err: "both sides"},
		{in: "10.0.0.0/8=11.0.0.0/16", err: "same length"},
		{in: "x=10.0.0.1", err: "not an address"},
		{in: "10.0.0.0/33=10.0.0.0/33", err: "not a prefix"},
		{in: "fe80::1%eth0=fe80::2", err: "no zones"},
	} {
		m, err := ParseIPMap(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrBadMap) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || m.String() != tc.want {
			t.Errorf("%q: %v %v, want %s", tc.in, m, err, tc.want)
		}
	}
}

func TestIPMapApply(t *testing.T) {
	m, _ := ParseIPMap("2001:db8:1:80::/57=2001:db8:2:0::/57")
	a := netip.MustParseAddr("2001:db8:1:ff::5").As16()
	if !m.apply(a[:]) || netip.AddrFrom16(a) != netip.MustParseAddr("2001:db8:2:7f::5") {
		t.Errorf("got %s", netip.AddrFrom16(a))
	}
	b := netip.MustParseAddr("2001:db8:1:7f::5").As16()
	if m.apply(b[:]) {
		t.Error("outside the prefix, mapped")
	}
}
