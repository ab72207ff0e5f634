package teredo_test

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/teredo"
	dt "github.com/v6scope/v6scope/internal/decodetest"
)

// Addresses of the test network. client is the RFC 4380 §4 example
// address: server 65.54.227.120, cone flag, mapped 192.0.2.45:40000.
const (
	server   = "65.54.227.120"
	client   = "2001:0:4136:e378:8000:63bf:3fff:fdd2"
	mapped   = "192.0.2.45"
	peer     = "2001:0:4136:e378:0:f12a:b9c8:2815" // mapped 70.55.215.234:3797
	llClient = "fe80::8000:ffff:ffff:fffd"
	llServer = "fe80::8000:f227:bec8:61af"
	native   = "2001:db8::68"
)

var (
	peerT, _   = teredoOf(peer)
	peerMapped = peerT.Client.String()
	peerPort   = peerT.Port
)

func teredoOf(a string) (struct {
	Client netip.Addr
	Port   uint16
}, bool) {
	b := netip.MustParseAddr(a).As16()
	var c [4]byte
	for i := range c {
		c[i] = ^b[12+i]
	}
	return struct {
		Client netip.Addr
		Port   uint16
	}{netip.AddrFrom4(c), ^binary.BigEndian.Uint16(b[10:])}, true
}

// auth returns an authentication indicator (RFC 4380 §5.1.1).
func auth(id, value []byte, conf byte) []byte {
	b := []byte{0, 1, byte(len(id)), byte(len(value))}
	b = append(b, id...)
	b = append(b, value...)
	b = append(b, 0xb1, 0x1b, 0x3f, 0xea, 0x46, 0xa9, 0xaf, 0xe9) // nonce
	return append(b, conf)
}

// origin returns an origin indication for addr:port, obfuscated.
func origin(addr string, port uint16) []byte {
	a := netip.MustParseAddr(addr).As4()
	b := []byte{0, 0, 0, 0, ^a[0], ^a[1], ^a[2], ^a[3]}
	binary.BigEndian.PutUint16(b[2:], ^port)
	return b
}

// udp4 is a raw-IP frame: IPv4 from src:sport to dst:dport carrying payload.
func udp4(src string, sport uint16, dst string, dport uint16, payload ...[]byte) []byte {
	p := slices.Concat(payload...)
	return dt.IPv4(src, dst, 17, 64, dt.UDP(src, dst, sport, dport, p))
}

func bubble(src, dst string) []byte { return dt.IPv6(src, dst, 59, 0, nil) }

func rs(src string) []byte {
	return dt.IPv6(src, "ff02::2", 58, 255, dt.ICMPv6(src, "ff02::2", 133, 0, make([]byte, 4)))
}

func ra(src, dst string) []byte {
	return dt.IPv6(src, dst, 58, 255, dt.ICMPv6(src, dst, 134, 0, make([]byte, 12)))
}

func echo(src, dst string) []byte {
	return dt.IPv6(src, dst, 58, 21, dt.ICMPv6(src, dst, 128, 0, []byte{0x28, 0xf0, 0xb2, 0x6f, 1, 2, 3, 4}))
}

type edgeCase struct {
	name      string
	frame     []byte
	noHeur    bool              // decode with the heuristic off
	want      map[string]string // field → -T fields value ("" absent)
	notes     []string          // expert note codes expected, in any order
	protocol  string            // summary Protocol, when checked
	info      string            // summary Info prefix, when checked
	layers    []string          // layers that must be there
	notLayers []string          // layers that must not
}

var edgeCases = []edgeCase{
	{
		name:  "qualification RS with empty authentication",
		frame: udp4("10.0.0.2", 3797, server, 3544, auth(nil, nil, 0), rs(llClient)),
		want: map[string]string{"teredo.auth": "1", "teredo.auth.idlen": "0", "teredo.auth.aulen": "0", "teredo.auth.id": "", "teredo.auth.value": "",
			"teredo.auth.nonce": "b11b3fea46a9afe9", "teredo.auth.conf": "00", "teredo.orig": "", "icmpv6.type": "133", "v6scope.teredo.heuristic": ""},
		info: "Router Solicitation [Teredo qualification]", layers: []string{"Teredo", "IPv6", "ICMPv6"},
	},
	{
		name:  "authentication with client identifier and value",
		frame: udp4("10.0.0.2", 3797, server, 3544, auth([]byte("abc"), []byte{0xde, 0xad}, 1), rs(llClient)),
		want:  map[string]string{"teredo.auth.idlen": "3", "teredo.auth.aulen": "2", "teredo.auth.id": "616263", "teredo.auth.value": "dead", "teredo.auth.conf": "01", "icmpv6.type": "133"},
	},
	{
		name:  "qualification RA with authentication and origin indication",
		frame: udp4(server, 3544, "10.0.0.2", 3797, auth(nil, nil, 0), origin("70.55.215.234", 3797), ra(llServer, llClient)),
		want: map[string]string{"teredo.orig": "1", "teredo.orig.port": "3797", "teredo.orig.addr": "70.55.215.234",
			"v6scope.teredo.orig.port_obfuscated": "0xf12a", "v6scope.teredo.orig.addr_obfuscated": "b9c82815", "icmpv6.type": "134"},
		info: "Router Advertisement [Teredo qualification]",
	},
	{
		name:  "truncated authentication header",
		frame: udp4("10.0.0.2", 3797, server, 3544, []byte{0, 1, 0}),
		notes: []string{"teredo.truncated"}, protocol: "Teredo", notLayers: []string{"IPv6"},
	},
	{
		name:  "authentication longer than the datagram",
		frame: udp4("10.0.0.2", 3797, server, 3544, []byte{0, 1, 200, 0}, make([]byte, 20)),
		want:  map[string]string{"teredo.auth": ""}, notes: []string{"teredo.truncated"}, notLayers: []string{"IPv6"},
	},
	{
		name:  "truncated origin indication",
		frame: udp4(server, 3544, mapped, 40000, []byte{0, 0, 0x12, 0x34, 0x56}),
		notes: []string{"teredo.truncated"}, notLayers: []string{"IPv6"},
	},
	{
		name:  "direct bubble",
		frame: udp4(peerMapped, peerPort, mapped, 40000, bubble(peer, client)),
		want:  map[string]string{"v6scope.teredo.bubble": "1", "v6scope.teredo.heuristic": "1", "ipv6.nxt": "59"},
		info:  "Teredo bubble", protocol: "Teredo", layers: []string{"Teredo", "IPv6"},
	},
	{
		name:  "indirect bubble forwarded by the server",
		frame: udp4(server, 3544, mapped, 40000, origin(peerMapped, peerPort), bubble(peer, client)),
		want:  map[string]string{"v6scope.teredo.bubble": "1", "teredo.orig.addr": peerMapped},
		info:  "Teredo bubble (indirect, via the server)",
	},
	{
		name:  "bubble with payload",
		frame: udp4(peerMapped, peerPort, mapped, 40000, dt.IPv6(peer, client, 59, 0, make([]byte, 8))),
		want:  map[string]string{"v6scope.teredo.bubble": ""}, notes: []string{"teredo.bubble_payload"},
	},
	{
		// RFC 6081 §4.2, §4.3: a nonce, then one alternate address
		// (192.168.1.10:40001) after 2 reserved bytes.
		name: "direct bubble with nonce and alternate address trailers",
		frame: udp4(peerMapped, peerPort, mapped, 40000, bubble(peer, client),
			[]byte{1, 4, 0xca, 0xfe, 0xf0, 0x0d}, []byte{3, 8, 0, 0, 192, 168, 1, 10, 0x9c, 0x41}),
		want: map[string]string{"v6scope.teredo.bubble": "1", "v6scope.teredo.heuristic": "1", "v6scope.teredo.trailer.type": "1,3",
			"v6scope.teredo.trailer.length": "4,8", "v6scope.teredo.trailer.nonce": "cafef00d",
			"v6scope.teredo.trailer.alt_addr": "192.168.1.10", "v6scope.teredo.trailer.alt_port": "40001"},
		info: "Teredo bubble", layers: []string{"Teredo", "IPv6"},
	},
	{
		name:  "bubble with a Neighbor Discovery Option trailer (advertisement)",
		frame: udp4(peerMapped, peerPort, mapped, 40000, bubble(peer, client), []byte{4, 4, 1, 0, 0, 0}),
		want:  map[string]string{"v6scope.teredo.bubble": "1", "v6scope.teredo.trailer.nd_type": "1"},
	},
	{
		name:  "bubble with a Random Port trailer",
		frame: udp4(server, 3544, mapped, 40000, origin(peerMapped, peerPort), bubble(peer, client), []byte{5, 2, 0x9c, 0x42}),
		want:  map[string]string{"v6scope.teredo.bubble": "1", "v6scope.teredo.trailer.random_port": "40002"},
	},
	{
		name:  "bytes after a bubble with a type RFC 6081 does not define",
		frame: udp4(server, 3544, mapped, 40000, origin(peerMapped, peerPort), bubble(peer, client), []byte{2, 2, 0, 0}),
		want:  map[string]string{"v6scope.teredo.bubble": "", "v6scope.teredo.trailer": ""}, notes: []string{"teredo.bubble_payload"},
	},
	{
		name:  "trailer whose length runs past the datagram",
		frame: udp4(server, 3544, mapped, 40000, origin(peerMapped, peerPort), bubble(peer, client), []byte{1, 4, 0, 0}),
		want:  map[string]string{"v6scope.teredo.bubble": "", "v6scope.teredo.trailer": ""}, notes: []string{"teredo.bubble_payload"},
	},
	{
		name:  "nonce trailer of the wrong length",
		frame: udp4(server, 3544, mapped, 40000, origin(peerMapped, peerPort), bubble(peer, client), []byte{1, 2, 0, 0}),
		want:  map[string]string{"v6scope.teredo.bubble": ""}, notes: []string{"teredo.bubble_payload"},
	},
	{
		name:  "local client discovery bubble",
		frame: udp4("192.168.1.10", 3544, "224.0.0.253", 3544, bubble(client, "ff02::1")),
		want:  map[string]string{"v6scope.teredo.bubble": "1"},
		info:  "Teredo bubble (local discovery)", protocol: "Teredo",
	},
	{
		name:  "mapping agrees with the IPv4 source",
		frame: udp4(peerMapped, peerPort, mapped, 40000, echo(peer, client)),
		notes: nil,
	},
	{
		name:  "mapped port disagrees with the UDP source port",
		frame: udp4(peerMapped, peerPort+1, mapped, 40000, echo(peer, client)),
		notes: []string{"teredo.mapping_mismatch"},
	},
	{
		name:  "mapped address disagrees with the IPv4 source",
		frame: udp4("198.51.100.7", peerPort, mapped, 40000, echo(peer, client)),
		notes: []string{"teredo.mapping_mismatch"},
	},
	{
		name:  "private IPv4 source: captured behind the NAT, not judged",
		frame: udp4("192.168.2.16", 3797, mapped, 40000, echo(peer, client)),
		notes: nil,
	},
	{
		name:  "origin indication disagrees with the mapping",
		frame: udp4(server, 3544, mapped, 40000, origin("198.51.100.7", peerPort), bubble(peer, client)),
		notes: []string{"teredo.mapping_mismatch"},
	},
	{
		name:  "origin indication from something other than the client's server",
		frame: udp4("198.51.100.99", 3544, mapped, 40000, origin(peerMapped, peerPort), bubble(peer, client)),
		notes: []string{"teredo.origin_not_server"},
	},
	{
		name:  "origin indication from the server, but not from port 3544",
		frame: udp4(server, 3545, mapped, 40000, origin(peerMapped, peerPort), bubble(peer, client)),
		notes: []string{"teredo.origin_not_server"},
	},
	{
		name:     "direct IPv6 connectivity test",
		frame:    udp4("10.0.0.2", 3797, server, 3544, echo(client, native)),
		protocol: "Teredo", info: "Direct IPv6 Connectivity Test id=0x28f0, seq=45679",
	},
	{
		name:     "echo request to a peer is no connectivity test",
		frame:    udp4(peerMapped, peerPort, mapped, 40000, echo(peer, client)),
		protocol: "ICMPv6", info: "Echo (ping) request",
	},
	{
		name:   "heuristic off: other ports are plain UDP",
		frame:  udp4(peerMapped, peerPort, mapped, 40000, bubble(peer, client)),
		noHeur: true, notLayers: []string{"Teredo", "IPv6"},
	},
	{
		name:      "heuristic: Payload Length one short is not Teredo",
		frame:     udp4(peerMapped, peerPort, mapped, 40000, dt.IPv6Len(peer, client, 59, 0, 1, make([]byte, 2))),
		notLayers: []string{"Teredo"},
	},
	{
		name:      "heuristic: version 4 is not Teredo",
		frame:     udp4(peerMapped, peerPort, mapped, 40000, append([]byte{0x45}, bubble(peer, client)[1:]...)),
		notLayers: []string{"Teredo"},
	},
	{
		name:  "heuristic: authentication and origin before the IPv6 header",
		frame: udp4(peerMapped, peerPort, mapped, 40000, auth([]byte{1}, []byte{2, 3}, 0), origin(peerMapped, peerPort), bubble(peer, client)),
		want:  map[string]string{"teredo.auth.idlen": "1", "teredo.orig.port": "3797", "v6scope.teredo.bubble": "1"},
		// A peer, not the client's server, sent an origin indication.
		notes: []string{"teredo.origin_not_server"},
	},
	{
		name:  "port 3544 with no IPv6 inside still goes to IPv6, as tshark",
		frame: udp4("10.0.0.2", 3797, server, 3544, []byte{0x45, 0, 0, 0}),
		want:  map[string]string{"teredo.auth": "", "teredo.orig": ""}, layers: []string{"Teredo"},
	},
}

func decodeCase(tc edgeCase) *decode.Packet {
	d := decode.New()
	if tc.noHeur {
		d.SetHeuristic("teredo", false)
	}
	p := new(decode.Packet)
	d.Decode(dt.Frame(capture.LinkRaw, tc.frame), p)
	return p
}

func TestEdgeCases(t *testing.T) {
	for _, tc := range edgeCases {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeCase(tc)
			dt.CheckSpans(t, p)
			for name, want := range tc.want {
				if got := strings.Join(dt.Values(p, name), ","); got != want {
					t.Errorf("%s = %q, want %q\n%s", name, got, want, dt.Render(p))
				}
			}
			var codes []string
			for _, n := range p.Notes() {
				if strings.HasPrefix(n.Code, "teredo.") || strings.HasPrefix(n.Code, "tunnel.") {
					codes = append(codes, n.Code)
				}
			}
			slices.Sort(codes)
			want := slices.Clone(tc.notes)
			slices.Sort(want)
			if !slices.Equal(codes, want) {
				t.Errorf("notes %v, want %v\n%s", codes, want, dt.Render(p))
			}
			if tc.protocol != "" && p.Summary.Protocol != tc.protocol {
				t.Errorf("Protocol %q, want %q", p.Summary.Protocol, tc.protocol)
			}
			if !strings.HasPrefix(string(p.Summary.Info), tc.info) {
				t.Errorf("Info %q, want it to start with %q", p.Summary.Info, tc.info)
			}
			for _, l := range tc.layers {
				if !dt.HasLayer(p, l) {
					t.Errorf("no %s layer: %v", l, p.Layers)
				}
			}
			for _, l := range tc.notLayers {
				if dt.HasLayer(p, l) {
					t.Errorf("unexpected %s layer: %v", l, p.Layers)
				}
			}
		})
	}
}

// TestMatch holds the heuristic to its boundaries: 40 bytes at least,
// Payload Length exact (against the length the UDP header announces, so a
// capture cut short still matches), indicators skipped.
func TestMatch(t *testing.T) {
	b := bubble(peer, client)
	withPayload := dt.IPv6(peer, client, 17, 64, make([]byte, 12))
	for _, tc := range []struct {
		name    string
		payload []byte
		length  int
		want    bool
	}{
		{"bubble", b, len(b), true},
		{"39 bytes", b[:39], 39, false},
		{"empty", nil, 0, false},
		{"cut short by the capture", withPayload[:45], len(withPayload), true},
		{"length announces one more", b, len(b) + 1, false},
		{"authentication then bubble", slices.Concat(auth(nil, nil, 0), b), 13 + 40, true},
		{"authentication claims too much", slices.Concat([]byte{0, 1, 255, 255}, b), 44, false},
		{"origin then bubble", slices.Concat(origin(mapped, 1), b), 48, true},
		{"origin, then 39 bytes", slices.Concat(origin(mapped, 1), b[:39]), 47, false},
		{"bubble then trailers", slices.Concat(b, []byte{1, 4, 1, 2, 3, 4}), 46, true},
		{"bubble then a trailer cut short by the capture", slices.Concat(b, []byte{1, 4, 1}), 46, false},
		{"bubble then bytes that are no trailer", slices.Concat(b, []byte{9, 0}), 42, false},
		{"payload length above 65467", dt.IPv6Len(peer, client, 59, 0, 65468, nil), 40 + 65468, false},
	} {
		if got := teredo.Match(tc.payload, tc.length); got != tc.want {
			t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestReuse decodes every edge case after every other with one decoder,
// and compares with a fresh decode.
func TestReuse(t *testing.T) {
	for _, prev := range edgeCases {
		for _, tc := range edgeCases {
			if tc.noHeur {
				continue
			}
			dt.CheckReuse(t, capture.LinkRaw, prev.frame, tc.frame)
		}
	}
}
