package nd_test

import (
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/nd"
	"github.com/v6scope/v6scope/internal/decodetest"
)

// A Neighbor Solicitation the kernel sent in pcaps/kernel-nd-mld.pcapng
// (Linux, address resolution for fe80::76:36ff:fe00:a):
//
//	Neighbor Solicitation for fe80::76:36ff:fe00:a from 02:76:36:00:00:0b
//	    Reserved: 00000000
//	    Target Address: fe80::76:36ff:fe00:a
//	    ICMPv6 Option (Source link-layer address)
//	        Link-layer address: 02:76:36:00:00:0b
var kernelNS = nd255("fe80::76:36ff:fe00:b", "ff02::1:ff00:a", nd.TypeNeighborSolicit,
	nsBody("fe80::76:36ff:fe00:a", sllao([]byte{0x02, 0x76, 0x36, 0x00, 0x00, 0x0b})))

func decodeFrame(t *testing.T, data []byte) *decode.Packet {
	t.Helper()
	p := decodetest.CheckReuse(t, capture.LinkEthernet, kernelNS, data)
	if !slices.Contains(p.Layers, dissect.LayerND) {
		t.Fatalf("frame did not reach the ND layer:\n%s", decodetest.Render(p))
	}
	return p
}

func TestKernelNS(t *testing.T) {
	p := decodeFrame(t, kernelNS)
	if got, want := string(p.Summary.Info), "Neighbor Solicitation for fe80::76:36ff:fe00:a from 02:76:36:00:00:0b"; got != want {
		t.Errorf("Info = %q, want %q", got, want)
	}
	if v := decodetest.Values(p, "icmpv6.opt.linkaddr"); !slices.Equal(v, []string{"02:76:36:00:00:0b"}) {
		t.Errorf("linkaddr = %v", v)
	}
	if len(p.Notes()) != 0 {
		t.Errorf("a valid NS got notes:\n%s", decodetest.Render(p))
	}
}

func TestInfo(t *testing.T) {
	f := syntheticFrames()
	for name, want := range map[string]string{
		"na":       "Neighbor Advertisement fe80::2 (rtr, sol, ovr) is at 02:76:36:00:00:01",
		"na-eui64": "Neighbor Advertisement fe80::2 (ovr) from 01:02:03:04:05:06:07:08 from 01:02:03:04:05:06:07:08",
		"ra-flags": "Router Advertisement from 02:76:36:00:00:01",
		"rs-bare":  "Router Solicitation",
		"redirect": "Redirect is at 02:76:36:00:00:01",
	} {
		if got := string(decodeFrame(t, f[name]).Summary.Info); got != want {
			t.Errorf("%s: Info = %q, want %q", name, got, want)
		}
	}
}

// TestChecks has one case per validity check: the frame, the note code it
// must raise, and the RFC section the note must cite.
func TestChecks(t *testing.T) {
	const ll, ll2, all = "fe80::1", "fe80::2", "ff02::1"
	ra := raBody(64, 0, 1800, 0, 0)
	cases := []struct {
		name, code, rfc string
		frame           []byte
	}{
		{"hop limit 64", nd.NoteHopLimit, "RFC 4861 §6.1.2", frame(ll, all, 64, nd.TypeRouterAdvert, 0, ra)},
		{"hop limit 254 NS", nd.NoteHopLimit, "RFC 4861 §7.1.1", frame(ll, "ff02::1:ff00:2", 254, nd.TypeNeighborSolicit, 0, nsBody(ll2))},
		{"code 1", nd.NoteCode, "RFC 4861 §7.1.2", frame(ll2, ll, 255, nd.TypeNeighborAdvert, 1, naBody(0x60000000, ll2))},
		{"short RS", nd.NoteShort, "RFC 4861 §6.1.1", nd255(ll, "ff02::2", nd.TypeRouterSolicit, []byte{0, 0})},
		{"short RA", nd.NoteShort, "RFC 4861 §6.1.2", nd255(ll, all, nd.TypeRouterAdvert, ra[:8])},
		{"short NS", nd.NoteShort, "RFC 4861 §7.1.1", nd255(ll, "ff02::1:ff00:2", nd.TypeNeighborSolicit, nsBody(ll2)[:12])},
		{"short Redirect", nd.NoteShort, "RFC 4861 §8.1", nd255(ll, "2001:db8::1", nd.TypeRedirect, rdBody(ll2, "2001:db8::5")[:30])},
		{"option length 0", nd.NoteZeroLength, "RFC 4861 §6.1.2", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, rawOpt(1, 0, 1, 2, 3, 4, 5, 6), sllao(mac1)))},
		{"option overrun", nd.NoteOptOverrun, "RFC 4861 §4.6", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, rawOpt(5, 2, 0, 0, 0, 0, 5, 220)))},
		{"SLLA in DAD NS", nd.NoteSLLAUnspecified, "RFC 4861 §7.1.1", nd255("::", "ff02::1:ff00:2", nd.TypeNeighborSolicit, nsBody(ll2, sllao(mac1)))},
		{"SLLA in RS from ::", nd.NoteSLLAUnspecified, "RFC 4861 §6.1.1", nd255("::", "ff02::2", nd.TypeRouterSolicit, rsBody(sllao(mac1)))},
		{"prefix info in NS", nd.NoteOptIgnored, "RFC 4861 §4.6.2", nd255(ll, "ff02::1:ff00:2", nd.TypeNeighborSolicit, nsBody(ll2, prefixInfo(64, 0xc0, 10, 5, "2001:db8::")))},
		{"TLLA in RS", nd.NoteOptIgnored, "RFC 4861 §4.6.1", nd255(ll, "ff02::2", nd.TypeRouterSolicit, rsBody(tllao(mac1)))},
		{"NS multicast target", nd.NoteTargetMulticast, "RFC 4861 §7.1.1", nd255(ll, "ff02::1:ff00:2", nd.TypeNeighborSolicit, nsBody("ff02::1"))},
		{"NA multicast target", nd.NoteTargetMulticast, "RFC 4861 §7.1.2", nd255(ll2, all, nd.TypeNeighborAdvert, naBody(0x20000000, "ff02::2"))},
		{"NA solicited to multicast", nd.NoteSolicitedMcast, "RFC 4861 §7.1.2", nd255(ll2, all, nd.TypeNeighborAdvert, naBody(0x60000000, ll2))},
		{"DAD NS to unicast", nd.NoteDADDestination, "RFC 4861 §7.1.1", nd255("::", ll2, nd.TypeNeighborSolicit, nsBody(ll2))},
		{"RA from global", nd.NoteRASource, "RFC 4861 §6.1.2", nd255("2001:db8::1", all, nd.TypeRouterAdvert, ra)},
		{"RA Prf 10", nd.NotePrfReserved, "RFC 4191 §2.2", nd255(ll, all, nd.TypeRouterAdvert, raBody(64, 0x10, 1800, 0, 0))},
		{"RDNSS even length", nd.NoteRDNSSEven, "RFC 8106 §5.3.1", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, rawOpt(25, 4, cat(u16(0), u32(60), addr("2001:db8::53"), make([]byte, 8))...)))},
		{"RDNSS no address", nd.NoteOptBadLength, "RFC 8106 §5.1", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, rawOpt(25, 1, 0, 0, 0, 0, 0, 60)))},
		{"prefix info length 3", nd.NoteOptBadLength, "RFC 4861 §4.6.2", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, rawOpt(3, 3, make([]byte, 22)...)))},
		{"MTU length 2", nd.NoteOptBadLength, "RFC 4861 §4.6.4", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, rawOpt(5, 2, cat(u16(0), u32(1500), make([]byte, 8))...)))},
		{"preferred > valid", nd.NotePrefixLifetimes, "RFC 4862 §5.5.3", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, prefixInfo(64, 0xc0, 10, 20, "2001:db8::")))},
		{"link-local prefix", nd.NotePrefixLinkLocal, "RFC 4861 §6.3.4", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, prefixInfo(64, 0xc0, 20, 10, "fe80::")))},
		{"redirect from global", nd.NoteRedirectSource, "RFC 4861 §8.1", nd255("2001:db8::9", "2001:db8::1", nd.TypeRedirect, rdBody("fe80::99", "2001:db8:1::1"))},
		{"redirect to global target", nd.NoteRedirectTarget, "RFC 4861 §8.1", nd255(ll, "2001:db8::1", nd.TypeRedirect, rdBody("2001:db8::99", "2001:db8:1::1"))},
		{"redirect multicast destination", nd.NoteRedirectDest, "RFC 4861 §8.1", nd255(ll, "2001:db8::1", nd.TypeRedirect, rdBody("fe80::99", "ff0e::1"))},
		{"DNSSL compression", nd.NoteDNSSLName, "RFC 8106 §5.2", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, opt(31, cat(u16(0), u32(60), []byte{3, 'f', 'o', 'o', 0xc0, 0x0c})...)))},
		{"DNSSL label past end", nd.NoteDNSSLName, "RFC 8106 §5.2", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, rawOpt(31, 2, cat(u16(0), u32(60), []byte{40, 'a', 'b', 'c', 'd', 'e', 'f', 'g'})...)))},
		{"PREF64 bad PLC", nd.NotePREF64PLC, "RFC 8781 §4", nd255(ll, all, nd.TypeRouterAdvert, cat(ra, opt(38, cat(u16(7), make([]byte, 12))...)))},
		{"bad checksum", "icmpv6.checksum_bad", "RFC 4443 §2.3", badChecksum(kernelNS)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := decodeFrame(t, c.frame)
			n := decodetest.Note(p, c.code)
			if n == nil {
				t.Fatalf("no %s note:\n%s", c.code, decodetest.Render(p))
			}
			if n.RFC != c.rfc {
				t.Errorf("%s cites %q, want %q", c.code, n.RFC, c.rfc)
			}
			if n.Offset < 0 || n.Offset+n.Length > len(c.frame) {
				t.Errorf("%s spans %d+%d of %d bytes", c.code, n.Offset, n.Length, len(c.frame))
			}
		})
	}
}

func badChecksum(f []byte) []byte {
	b := slices.Clone(f)
	b[14+40+2] ^= 0xff // Ethernet, IPv6, then the ICMPv6 checksum
	return b
}

// TestValidHaveNoNotes: the frames built to be valid raise no note, so a
// check that fires on everything fails here.
func TestValidHaveNoNotes(t *testing.T) {
	f := syntheticFrames()
	for _, name := range []string{"rs", "ra-flags", "ra-route", "ra-dns", "ra-pref64", "ns", "ns-dad", "ns-send", "na", "redirect", "redirect-rh"} {
		p := decodeFrame(t, f[name])
		if len(p.Notes()) != 0 {
			t.Errorf("%s: notes on a valid message:\n%s", name, decodetest.Render(p))
		}
	}
}

// TestZeroLengthStopsWalk: after an option of length 0 nothing more is
// read (RFC 4861 §4.6: "Nodes MUST silently discard an ND packet that
// contains an option with length zero").
func TestZeroLengthStopsWalk(t *testing.T) {
	p := decodeFrame(t, nd255("fe80::1", "ff02::1", nd.TypeRouterAdvert, raBody(64, 0, 0, 0, 0, rawOpt(5, 0, 0, 0, 0, 0, 5, 220), sllao(mac1))))
	if v := decodetest.Values(p, "icmpv6.opt.type"); !slices.Equal(v, []string{"5"}) {
		t.Errorf("option types %v, want only the zero-length one", v)
	}
	if decodetest.Values(p, "icmpv6.opt.linkaddr") != nil {
		t.Error("an option after the zero-length one was decoded")
	}
}

// TestQuotedNotJudged: an ND message inside an ICMPv6 error was judged
// where it was sent; its Hop Limit (decremented on the way) is no fault.
func TestQuotedNotJudged(t *testing.T) {
	inner := decodetest.IPv6("fe80::1", "fe80::2", protoICMP, 1, decodetest.ICMPv6("fe80::1", "fe80::2", nd.TypeNeighborSolicit, 0, nsBody("fe80::2")))
	outer := decodetest.Ethernet(etherIPv6, decodetest.IPv6("fe80::3", "fe80::1", protoICMP, 64, decodetest.ICMPv6("fe80::3", "fe80::1", 3, 0, cat(u32(0), inner))))
	p := decodeFrame(t, outer)
	if decodetest.Note(p, nd.NoteHopLimit) != nil {
		t.Errorf("quoted NS judged:\n%s", decodetest.Render(p))
	}
}

// TestRedirectNests: the Redirected Header's packet is decoded as a packet
// under the option, and its checksums are not judged.
func TestRedirectNests(t *testing.T) {
	p := decodeFrame(t, syntheticFrames()["redirect"])
	if got := decodetest.Values(p, "ipv6.src"); !slices.Equal(got, []string{"fe80::1", "2001:db8::1"}) {
		t.Errorf("ipv6.src = %v, want the outer and the redirected packet's", got)
	}
	if got := decodetest.Values(p, "icmpv6.echo.sequence_number"); !slices.Equal(got, []string{"1"}) {
		t.Errorf("echo sequence = %v", got)
	}
	var rp, ip6 *dissect.Field
	for i := range p.Tree.Fields {
		f := &p.Tree.Fields[i]
		switch f.Name() {
		case "icmpv6.opt.redirected_packet":
			rp = f
		case "ipv6":
			if rp != nil {
				ip6 = f
			}
		}
	}
	if rp == nil || ip6 == nil || ip6.Depth <= rp.Depth {
		t.Errorf("the redirected packet is not nested under its option:\n%s", decodetest.Render(p))
	}
	// The TLLA came first on the wire; it is shown before the Redirected
	// Header, which goes last so the packet can nest under it.
	if v := decodetest.Values(p, "icmpv6.opt.type"); !slices.Equal(v, []string{"2", "4"}) {
		t.Errorf("option order %v", v)
	}
}

// TestLayerReuse decodes every synthetic frame after every other with one
// layer, and compares with a fresh decode.
func TestLayerReuse(t *testing.T) {
	f := syntheticFrames()
	for a, fa := range f {
		for b, fb := range f {
			if a != b {
				decodetest.CheckReuse(t, capture.LinkEthernet, fa, fb)
			}
		}
	}
}

// TestDecodeFromBytesResets: the layer's own fields after decoding a frame
// into a used layer equal a fresh layer's.
func TestDecodeFromBytesResets(t *testing.T) {
	f := syntheticFrames()
	msg := func(frame []byte) []byte { return frame[14+40:] }
	var ctx dissect.Context
	ctx.Dispatch = dissect.NewDispatch()
	used := nd.New(&ctx, nil)
	for _, a := range f {
		for _, b := range f {
			used.DecodeFromBytes(msg(a), gopacket.NilDecodeFeedback)
			used.DecodeFromBytes(msg(b), gopacket.NilDecodeFeedback)
			fresh := nd.New(&ctx, nil)
			fresh.DecodeFromBytes(msg(b), gopacket.NilDecodeFeedback)
			if used.Type != fresh.Type || used.NAFlags != fresh.NAFlags || used.Target != fresh.Target || used.RAFlags != fresh.RAFlags ||
				len(used.Options) != len(fresh.Options) || string(used.Redirected()) != string(fresh.Redirected()) {
				t.Fatalf("reused layer differs from a fresh one")
			}
		}
	}
}
