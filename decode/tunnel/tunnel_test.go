package tunnel_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode/tunnel"
	dt "github.com/v6scope/v6scope/internal/decodetest"
)

func TestParseTeredo(t *testing.T) {
	// The example of RFC 4380 §4: server 65.54.227.120, cone NAT, client
	// 192.0.2.45 mapped on port 40000.
	a := netip.MustParseAddr("2001:0:4136:e378:8000:63bf:3fff:fdd2")
	got, ok := tunnel.ParseTeredo(a)
	want := tunnel.Teredo{Server: netip.MustParseAddr("65.54.227.120"), Flags: tunnel.FlagCone, Port: 40000, Client: netip.MustParseAddr("192.0.2.45")}
	if !ok || got != want {
		t.Errorf("ParseTeredo(%s) = %+v, %v; want %+v", a, got, ok, want)
	}
	for _, s := range []string{"2001:1::1", "2002::1", "fe80::1", "::ffff:32.1.0.0", "3ffe:831f::1"} {
		if _, ok := tunnel.ParseTeredo(netip.MustParseAddr(s)); ok {
			t.Errorf("ParseTeredo(%s): a Teredo address, want not (2001::/32 only)", s)
		}
	}
	// The boundaries of 2001::/32.
	if got, ok := tunnel.ParseTeredo(netip.MustParseAddr("2001:0:ffff:ffff:ffff:ffff:ffff:ffff")); !ok || got.Port != 0 || got.Client != netip.IPv4Unspecified() || got.Server != netip.MustParseAddr("255.255.255.255") {
		t.Errorf("all-ones Teredo address: %+v, %v", got, ok)
	}
}

func TestParseSixToFour(t *testing.T) {
	gw, sla, ok := tunnel.ParseSixToFour(netip.MustParseAddr("2002:c000:201:5::1"))
	if !ok || gw != netip.MustParseAddr("192.0.2.1") || sla != 5 {
		t.Errorf("2002:c000:201:5::1: %v %d %v", gw, sla, ok)
	}
	if _, _, ok := tunnel.ParseSixToFour(netip.MustParseAddr("2003::1")); ok {
		t.Error("2003::1 is not 6to4")
	}
}

// TestParseISATAP holds the interface identifier rule to what tshark 4.0
// accepts (found by feeding it every case): the first octet's two low
// bits are free, the others must be zero.
func TestParseISATAP(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"fe80::5efe:c0a8:101", true},
		{"fe80::100:5efe:c0a8:101", true},
		{"fe80::200:5efe:c0a8:101", true},
		{"2001:db8::300:5efe:102:304", true},
		{"fe80::400:5efe:102:304", false},
		{"fe80::fd00:5efe:102:304", false},
		{"fe80::201:5efe:102:304", false},
		{"fe80::5eff:c0a8:101", false},
	} {
		v4, ok := tunnel.ParseISATAP(netip.MustParseAddr(tc.addr))
		if ok != tc.ok {
			t.Errorf("ParseISATAP(%s) ok = %v, want %v", tc.addr, ok, tc.ok)
		}
		if ok && !strings.HasSuffix(tc.addr, "101") == (v4 == netip.MustParseAddr("192.168.1.1")) {
			t.Errorf("ParseISATAP(%s) = %v", tc.addr, v4)
		}
	}
}

// TestAddressDetailsOrder checks the order tshark 4.0 uses (-T pdml on a
// frame with a 6to4 source that is also ISATAP and a Teredo destination
// that is also ISATAP): 6to4, Teredo, ISATAP, source before destination,
// each field followed by its role-less twin.
func TestAddressDetailsOrder(t *testing.T) {
	frame := dt.IPv6("2002:c000:201:1:0:5efe:c0a8:101", "2001:0:1:2:0:5efe:c0a8:101", 59, 64, nil)
	p := dt.Decode(capture.LinkRaw, frame)
	var names []string
	for i := range p.Tree.Fields {
		if n := p.Tree.Fields[i].Name(); strings.HasPrefix(n, "ipv6.") && (strings.Contains(n, "6to4") || strings.Contains(n, "ts_") || strings.Contains(n, "tc_") || strings.Contains(n, "isatap")) {
			names = append(names, n)
		}
	}
	want := []string{
		"ipv6.src_6to4_gw_ipv4", "ipv6.src_6to4_sla_id", "ipv6.6to4_gw_ipv4", "ipv6.6to4_sla_id",
		"ipv6.dst_ts_ipv4", "ipv6.dst_tc_port", "ipv6.dst_tc_ipv4", "ipv6.ts_ipv4", "ipv6.tc_port", "ipv6.tc_ipv4",
		"ipv6.src_isatap_ipv4", "ipv6.isatap_ipv4", "ipv6.dst_isatap_ipv4", "ipv6.isatap_ipv4",
	}
	if !slices.Equal(names, want) {
		t.Errorf("order:\n got %v\nwant %v", names, want)
	}
	if got := dt.Values(p, "ipv6.dst_tc_port"); !slices.Equal(got, []string{"41217"}) {
		t.Errorf("ipv6.dst_tc_port = %v, want 41217 (0x5efe inverted)", got)
	}
	for _, name := range []string{"ipv6.6to4_gw_ipv4", "ipv6.ts_ipv4", "ipv6.isatap_ipv4"} {
		if f := dt.Find(t, p, name); !f.Hidden {
			t.Errorf("%s is shown; tshark hides the role-less twins", name)
		}
	}
	// v6scope's own Teredo flag bits, under the destination's flags.
	if got := dt.Values(p, "v6scope.ipv6.dst_tc_flags"); !slices.Equal(got, []string{"0x0000"}) {
		t.Errorf("v6scope.ipv6.dst_tc_flags = %v", got)
	}
}

func TestTeredoFlags(t *testing.T) {
	// C set, R clear, A = 0x3cff all set, U and G set.
	frame := dt.IPv6("2001:0:4136:e378:bfff:63bf:3fff:fdd2", "ff02::1", 59, 64, nil)
	p := dt.Decode(capture.LinkRaw, frame)
	for name, want := range map[string]string{
		"v6scope.ipv6.src_tc_flags": "0xbfff", "v6scope.ipv6.tc_flags.cone": "1", "v6scope.ipv6.tc_flags.reserved": "0",
		"v6scope.ipv6.tc_flags.random": "0x3cff", "v6scope.ipv6.tc_flags.u": "1", "v6scope.ipv6.tc_flags.g": "1",
	} {
		if got := strings.Join(dt.Values(p, name), ","); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// nest wraps an IPv6 packet in n protocol-41 tunnels: IPv6 in IPv6 (RFC
// 2473), the outermost in IPv4.
func nest(n int, inner []byte) []byte {
	for i := 1; i < n; i++ {
		inner = dt.IPv6("2001:db8::1", "2001:db8::2", 41, 64, inner)
	}
	return dt.IPv4("192.0.2.1", "198.51.100.1", 41, 64, inner)
}

func TestKindsAndNotes(t *testing.T) {
	echo := func(src, dst string) []byte {
		return dt.IPv6(src, dst, 58, 64, dt.ICMPv6(src, dst, 128, 0, []byte{0, 1, 0, 1}))
	}
	for _, tc := range []struct {
		name  string
		frame []byte
		kind  string // v6scope.tunnel.kind values, in order
		notes []string
	}{
		{"6in4", dt.IPv4("192.0.2.1", "198.51.100.1", 41, 64, echo("2001:db8::1", "2001:db8::2")), "6in4", nil},
		{"6to4 source", dt.IPv4("192.0.2.1", "198.51.100.1", 41, 64, echo("2002:c000:201::1", "2001:db8::2")), "6to4", nil},
		{"6to4 destination", dt.IPv4("192.0.2.1", "198.51.100.1", 41, 64, echo("2001:db8::1", "2002:c633:6401::1")), "6to4", nil},
		{"ISATAP from its own address", dt.IPv4("192.0.2.1", "198.51.100.1", 41, 64, echo("fe80::5efe:c000:201", "fe80::200:5efe:c633:6401")), "ISATAP", nil},
		{"ISATAP source not the IPv4 source", dt.IPv4("192.0.2.9", "198.51.100.1", 41, 64, echo("fe80::5efe:c000:201", "fe80::200:5efe:c633:6401")), "ISATAP", []string{"tunnel.isatap_src_mismatch"}},
		{"IPv6 in IPv6", dt.IPv6("2001:db8::1", "2001:db8::2", 41, 64, echo("2001:db8::3", "2001:db8::4")), "6in6", nil},
		{"too short to tell", dt.IPv4("192.0.2.1", "198.51.100.1", 41, 64, []byte{0x60, 0, 0}), "unknown", nil},
		{"nested 7 deep", nest(7, echo("2001:db8::5", "2001:db8::6")), "6in4,6in6,6in6,6in6,6in6,6in6,6in6", nil},
		{"nested 9 deep: stops at MaxDepth", nest(9, echo("2001:db8::5", "2001:db8::6")), "6in4,6in6,6in6,6in6,6in6,6in6,6in6,6in6", []string{"tunnel.too_deep"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := dt.Decode(capture.LinkRaw, tc.frame)
			dt.CheckSpans(t, p)
			if got := strings.Join(dt.Values(p, "v6scope.tunnel.kind"), ","); got != tc.kind {
				t.Errorf("kinds %q, want %q", got, tc.kind)
			}
			var codes []string
			for _, n := range p.Notes() {
				if strings.HasPrefix(n.Code, "tunnel.") {
					codes = append(codes, n.Code)
				}
			}
			if !slices.Equal(codes, tc.notes) {
				t.Errorf("notes %v, want %v\n%s", codes, tc.notes, dt.Render(p))
			}
			dt.CheckReuse(t, capture.LinkRaw, nest(9, echo("2002::1", "fe80::5efe:102:304")), tc.frame)
		})
	}
}

// FuzzIPinIP checks that no protocol-41 payload makes the decoder panic or
// claim bytes outside the frame, and that a reused decoder equals a fresh
// one.
func FuzzIPinIP(f *testing.F) {
	f.Add(dt.IPv6("fe80::5efe:c000:201", "2002::1", 59, 64, nil))
	f.Add(dt.IPv6("2001:db8::1", "2001:db8::2", 41, 64, dt.IPv6("2001:db8::3", "2001:db8::4", 59, 1, nil)))
	f.Add([]byte{0x60})
	f.Fuzz(func(t *testing.T, payload []byte) {
		prev := nest(9, dt.IPv6("fe80::5efe:c000:201", "2002::1", 59, 64, nil))
		dt.CheckReuse(t, capture.LinkRaw, prev, dt.IPv4("192.0.2.1", "198.51.100.1", 41, 64, payload))
	})
}
