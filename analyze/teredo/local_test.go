package teredo

import (
	"net/netip"
	"slices"
	"testing"
)

// Two clients behind one NAT (public address 198.51.100.11): A is the
// fixture's client, B sits beside it on the same LAN.
var (
	discovery = netip.MustParseAddrPort("224.0.0.253:3544")
	localB    = netip.MustParseAddrPort("192.168.1.20:40002")
	mappingB  = netip.MustParseAddrPort("198.51.100.11:61002")
)

// altTrailer is an RFC 6081 §4.3 Alternate Address trailer: type 3, length,
// 2 reserved bytes, then address and port per entry.
func altTrailer(eps ...netip.AddrPort) []byte {
	b := []byte{3, byte(2 + 6*len(eps)), 0, 0}
	for _, ep := range eps {
		a := ep.Addr().As4()
		b = append(b, a[:]...)
		b = append(b, byte(ep.Port()>>8), byte(ep.Port()))
	}
	return b
}

// discoveryBubble is what a client running RFC 4380 §5.2.8 multicasts on
// its link: a bubble from its Teredo address to ff02::1.
func discoveryBubble(m netip.AddrPort) []byte { return bubble(teredoAddr(m), allNodes) }

// toLocalPair qualifies A and has B announce itself with a discovery
// bubble: B's qualification was not captured, so B is inferred from the
// Teredo address it announces.
func toLocalPair(t *testing.T, f *fixture) (a, b *client) {
	t.Helper()
	a = toQualified(t, f)
	f.send(0, localB, discovery, discoveryBubble(mappingB))
	expect(t, f.rec.take(), "→QUALIFIED address_in_use")
	b = f.tr.clientAt(localB)
	if b == nil || b.mapping != mappingB || b.local != localB || b.discoveries != 1 {
		t.Fatalf("client B %+v: want mapping %v, local %v, 1 discovery bubble", b, mappingB, localB)
	}
	return a, b
}

func TestDiscoveryBubbleIsNoPath(t *testing.T) {
	f := newFixture()
	a := toQualified(t, f)
	f.send(0, local, discovery, discoveryBubble(mapping))
	expect(t, f.rec.take())
	if n := f.tr.paths.Len(); n != 0 {
		t.Errorf("%d paths after a discovery bubble, want none: it goes to the link, not to a peer", n)
	}
	if a.discoveries != 1 || a.discoveryFrame != 3 || len(f.rec.codes) != 0 {
		t.Errorf("discovery bubbles %d (first frame %d), anomalies %q; want 1 at frame 3 and none", a.discoveries, a.discoveryFrame, f.rec.codes)
	}
}

func TestLocalDiscoveryOpensDirectPaths(t *testing.T) {
	f := newFixture()
	a, b := toLocalPair(t, f)
	f.send(0, local, discovery, discoveryBubble(mapping)) // A announces itself too
	expect(t, f.rec.take())
	// A answers B's announcement with a direct bubble to B's local
	// endpoint; B, having heard A's announcement, takes it (RFC 4380
	// §5.2.3 rule 5).
	f.send(0, local, localB, bubble(teredoAddr(mapping), teredoAddr(mappingB)))
	expect(t, f.rec.take(), "→BUBBLE_SENT bubble", "→DIRECT local_discovery")
	f.send(0, localB, local, bubble(teredoAddr(mappingB), teredoAddr(mapping)))
	expect(t, f.rec.take(), "BUBBLE_SENT→DIRECT local_discovery")
	pa := f.tr.paths.Peek(pathKey{a.key, peer(mappingB)})
	pb := f.tr.paths.Peek(pathKey{b.key, peer(mapping)})
	if pa == nil || pb == nil || pa.Val.local != localB || pb.Val.local != local {
		t.Fatalf("paths A→B %+v, B→A %+v: want them keyed by the peers' mappings, with local endpoints %v and %v", pa, pb, localB, local)
	}
	if len(f.rec.codes) != 0 {
		t.Errorf("anomalies %q, want none", f.rec.codes)
	}
}

func TestLocalBubbleWithoutAnnouncementIsDropped(t *testing.T) {
	f := newFixture()
	toLocalPair(t, f)
	// A never announced itself: B cannot tell its bubble from a spoofed
	// one, and drops it (RFC 4380 §5.2.3).
	f.send(0, local, localB, bubble(teredoAddr(mapping), teredoAddr(mappingB)))
	expect(t, f.rec.take(), "→BUBBLE_SENT bubble")
}

func TestHairpinningOpensDirectPath(t *testing.T) {
	f := newFixture()
	a := toQualified(t, f)
	f.send(0, localB, server, rs(false))
	f.send(0, server, localB, ra(llPlain, mappingB))
	expect(t, f.rec.take(), "→QUALIFYING router_solicitation", "QUALIFYING→QUALIFIED router_advertisement")
	// A's indirect bubble to B lists A's local endpoint as an alternate
	// address (RFC 6081 §3.5, §4.3).
	f.send(0, local, server, append(bubble(teredoAddr(mapping), teredoAddr(mappingB)), altTrailer(local)...))
	expect(t, f.rec.take(), "→BUBBLE_SENT bubble")
	if !slices.Equal(a.alt, []netip.AddrPort{local}) {
		t.Fatalf("alternate addresses %v, want [%v]", a.alt, local)
	}
	// B tries it; B listed nothing, so A drops B's bubble from B's local
	// endpoint.
	f.send(0, localB, local, bubble(teredoAddr(mappingB), teredoAddr(mapping)))
	expect(t, f.rec.take(), "→BUBBLE_SENT bubble")
	// A's bubble from the alternate address reaches B: direct.
	f.send(0, local, localB, bubble(teredoAddr(mapping), teredoAddr(mappingB)))
	expect(t, f.rec.take(), "BUBBLE_SENT→DIRECT hairpin")
}

func TestNDTrailerCountsOnThePath(t *testing.T) {
	f := newFixture()
	c := toBubbleSent(t, f)
	// A direct bubble with an ND Option trailer, solicitation (RFC 6081
	// §4.4), and one without.
	f.send(0, local, peerMap, append(bubble(teredoAddr(mapping), teredoAddr(peerMap)), 4, 4, 0, 0, 0, 0))
	f.send(0, local, peerMap, bubble(teredoAddr(mapping), teredoAddr(peerMap)))
	p := f.tr.paths.Peek(pathKey{c.key, peer(peerMap)})
	if p == nil || p.Val.bubbles != 3 || p.Val.ndBubbles != 1 || !f.tr.ndSeen {
		t.Fatalf("path %+v: want 3 bubbles, 1 with an ND trailer", p)
	}
	if len(f.rec.codes) != 0 {
		t.Errorf("anomalies %q, want none: the trailer is no payload", f.rec.codes)
	}
}

func TestRandomPortTrailerIsRecorded(t *testing.T) {
	f := newFixture()
	c := toBubbleSent(t, f)
	f.send(0, local, peerMap, append(bubble(teredoAddr(mapping), teredoAddr(peerMap)), 5, 2, 0xee, 0x4a))
	if c.predicted != 0xee4a {
		t.Errorf("predicted port %d, want %d", c.predicted, 0xee4a)
	}
}

func TestDiscoveryAndTrailerAnomalies(t *testing.T) {
	for _, c := range []struct {
		name    string
		dst     netip.AddrPort
		payload []byte
		code    string
	}{
		{"discovery packet that is not a bubble", discovery, echo(teredoAddr(localB), allNodes), "teredo.discovery_malformed"},
		{"discovery bubble from a non-Teredo address", discovery, bubble(netip.MustParseAddr("fe80::20"), allNodes), "teredo.discovery_malformed"},
		{"discovery bubble to all-routers", discovery, bubble(teredoAddr(mappingB), allRtrs), "teredo.discovery_malformed"},
		{"discovery bubble to port 3545", netip.AddrPortFrom(discovery.Addr(), 3545), discoveryBubble(mappingB), "teredo.discovery_malformed"},
		{"alternate address trailer on data", peerMap, append(echo(teredoAddr(mappingB), teredoAddr(peerMap)), altTrailer(localB)...), "teredo.trailer_not_in_bubble"},
		{"ND trailer on data", peerMap, append(echo(teredoAddr(mappingB), teredoAddr(peerMap)), 4, 4, 1, 0, 0, 0), "teredo.trailer_not_in_bubble"},
	} {
		f := newFixture()
		f.send(0, localB, c.dst, c.payload)
		if !slices.Equal(f.rec.codes, []string{c.code}) {
			t.Errorf("%s: anomalies %q, want [%s]", c.name, f.rec.codes, c.code)
		}
		if c.code == "teredo.discovery_malformed" && (f.tr.clients.Len() != 0 || f.tr.paths.Len() != 0) {
			t.Errorf("%s: %d clients, %d paths; the clients discard it, so want none", c.name, f.tr.clients.Len(), f.tr.paths.Len())
		}
	}
}
