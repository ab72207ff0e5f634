package teredo

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/teredo"
	"github.com/v6scope/v6scope/decode/tunnel"
)

// allNodes is the destination of a local discovery bubble (RFC 4380
// §5.2.8).
var allNodes = netip.MustParseAddr("ff02::1")

// maxAlt bounds the alternate addresses kept per client: RFC 6081 §4.3
// allows four.
const maxAlt = 4

// localPeer is an endpoint on a client's side of its NAT that the client
// made known to its neighbours: in a local discovery bubble (RFC 4380
// §5.2.8) or an Alternate Address trailer (RFC 6081 §4.3). A packet from
// it with that client's Teredo address as source is the client's, though
// the address embeds another mapping (RFC 4380 §5.2.3, rule 5).
type localPeer struct {
	addr netip.Addr // the Teredo address announced
	how  Reason     // ReasonLocalDiscovery or ReasonHairpin
}

// discover handles a packet to the Teredo IPv4 Discovery Address (RFC 4380
// §5.2.8): a bubble from the client's Teredo address to ff02::1, UDP port
// 3544. Anything else there, the clients on the link discard (§5.2.3).
func (t *Tracker) discover(pk *packet) {
	in := pk.inner
	var wrong string
	switch {
	case !pk.bubble:
		wrong = "is not a bubble (an IPv6 header with No Next Header and nothing after it)"
	case !isTeredo(in.Src):
		wrong = "comes from " + in.Src.String() + ", which is not a Teredo address"
	case in.Dst != allNodes:
		wrong = "is addressed to " + in.Dst.String() + ", not to the all-nodes address ff02::1"
	case pk.dst.Port() != teredo.Port:
		wrong = "goes to UDP port " + strconv.Itoa(int(pk.dst.Port())) + ", not to 3544"
	}
	if wrong != "" {
		t.anomaly(analyze.Warn, "teredo.discovery_malformed", "", pk.Frame, pk.Time,
			"packet from "+pk.src.String()+" to the Teredo discovery address "+pk.dst.String()+" "+wrong+
				": clients on the link discard it; a discovery bubble is a bubble from the sender's Teredo address to ff02::1", "RFC 4380 §5.2.8, §5.2.3")
		return
	}
	t.discoverySeen = true
	c := t.clientAt(pk.src)
	ta, _ := tunnel.ParseTeredo(in.Src)
	mapping := netip.AddrPortFrom(ta.Client, ta.Port)
	switch {
	case c != nil:
		c.useAddress(in.Src, pk.Frame, pk.Time)
	case t.clientAt(mapping) != nil:
		// Known outside its NAT: this is its inside.
		c = t.clientAt(mapping)
		t.addAlias(c, pk.src)
		if !c.local.IsValid() {
			c.local = pk.src
		}
	default:
		// A client must be qualified to own the Teredo address it
		// announces (RFC 4380 §5.2.8): inferred.
		c = t.newClient(pk.src, pk.Frame)
		c.local, c.mapping, c.server, c.address = pk.src, mapping, ta.Server, in.Src
		c.inferQualified(ta, pk)
	}
	c.last = pk.Frame
	if c.discoveries == 0 {
		c.discoveryFrame = pk.Frame
	}
	c.discoveries++
	t.announce(pk.src, in.Src, ReasonLocalDiscovery)
	t.e.Touch("teredo", c.id, c.state.String())
}

// announce records that the client with Teredo address a can be reached
// at ep on its side of the NAT.
func (t *Tracker) announce(ep netip.AddrPort, a netip.Addr, how Reason) {
	en, _ := t.locals.Add(ep)
	if en.Val.how != ReasonLocalDiscovery || en.Val.addr != a {
		en.Val = localPeer{addr: a, how: how}
	}
}

// localPeerAt returns how the Teredo address a was announced at endpoint
// ep, or 0 when it was not.
func (t *Tracker) localPeerAt(ep netip.AddrPort, a netip.Addr) Reason {
	if en := t.locals.Get(ep); en != nil && en.Val.addr == a {
		return en.Val.how
	}
	return 0
}

// trailers reads the RFC 6081 trailers of a packet client c sent.
func (t *Tracker) trailers(c *client, pk *packet, p *path) {
	if len(pk.te.Trailers) == 0 {
		return
	}
	if pk.bubble {
		// Hairpinning: the client lists the addresses a peer behind the
		// same NAT may try (RFC 6081 §3.5, §4.3).
		var buf [maxAlt]netip.AddrPort
		if alt := pk.te.AltAddresses(buf[:0]); len(alt) > 0 {
			t.hairpinSeen = true
			c.alt = append(c.alt[:0], alt[:min(len(alt), maxAlt)]...)
			for _, ep := range c.alt {
				t.announce(ep, pk.inner.Src, ReasonHairpin)
			}
		}
		if _, ok := pk.te.NDDiscoveryType(); ok && p != nil {
			// Server load reduction: peers refresh each other with direct
			// bubbles (RFC 6081 §3.6, §4.4).
			t.ndSeen = true
			p.ndBubbles++
		}
	}
	if port, ok := pk.te.RandomPort(); ok {
		// Port prediction behind a sequential port-symmetric NAT (RFC
		// 6081 §3.4, §4.5).
		t.randomPortSeen = true
		c.predicted = port
	}
}

// misplacedTrailers flags trailers RFC 6081 allows only in bubbles.
func (t *Tracker) misplacedTrailers(pk *packet) {
	if pk.bubble {
		return
	}
	for _, typ := range []uint8{teredo.TrailerAltAddress, teredo.TrailerND} {
		if _, ok := pk.te.Trailer(typ); ok {
			name := "Alternate Address (RFC 6081 §4.3)"
			if typ == teredo.TrailerND {
				name = "Neighbor Discovery Option (RFC 6081 §4.4)"
			}
			t.anomaly(analyze.Warn, "teredo.trailer_not_in_bubble", "", pk.Frame, pk.Time,
				"packet from "+pk.src.String()+" that is not a bubble carries a "+name+" trailer, which belongs in bubbles only; a receiver ignores it", "RFC 6081 §4.3, §4.4")
		}
	}
}

// fromLocalPeer handles a packet from a Teredo address whose mapping is not
// where it came from: a local peer's if that endpoint was announced for
// that address (RFC 4380 §5.2.3 rule 5), else one the client drops.
func (t *Tracker) fromLocalPeer(c *client, pk *packet, at time.Time) {
	how := t.localPeerAt(pk.src, pk.inner.Src)
	if how == 0 {
		return
	}
	p := t.pathOf(c, c.peerKey(pk.inner.Src, pk.src), pk.Frame)
	p.peerAddr, p.local = pk.inner.Src, pk.src
	p.move(Direct, how, analyze.BasisObserved, pk.Frame, at)
}
