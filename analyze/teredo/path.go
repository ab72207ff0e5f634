package teredo

import (
	"net/netip"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/teredo"
	"github.com/v6scope/v6scope/decode/tunnel"
)

// pathKey names a path: the client's key and the peer.
type pathKey struct {
	client netip.AddrPort
	peer   peer
}

// peer names the far end of a path: the mapping of a Teredo peer
// (203.0.113.22:40002), the endpoint of one known only by it, or the IPv6
// address of a native peer (with port 0). The zero peer is none.
type peer netip.AddrPort

func (p peer) String() string {
	ap := netip.AddrPort(p)
	if ap.Addr().Is6() && ap.Port() == 0 {
		return ap.Addr().String()
	}
	return ap.String()
}

// path is how one client reaches one peer (RFC 4380 §5.2.4–§5.2.10).
type path struct {
	t           *Tracker
	key         pathKey
	id          string
	state       PathState
	peerAddr    netip.Addr     // the peer's IPv6 address, when seen
	relay       netip.AddrPort // the relay's mapping, for a native peer
	local       netip.AddrPort // the peer's endpoint on the local network
	bubbles     int
	ndBubbles   int // bubbles with an RFC 6081 ND Option trailer
	first, last int
	transitions int
}

func (p *path) move(to PathState, r Reason, b analyze.Basis, frame int, at time.Time) {
	if p.state != to {
		from := p.state
		p.state = to
		p.transitions++
		p.t.transition("path", p.id, frame, at, from.String(), to.String(), r, b, frame)
	}
	p.t.e.Touch("teredo", p.id, p.state.String())
}

// pathOf returns the path from c to peer, creating it.
func (t *Tracker) pathOf(c *client, pe peer, frame int) *path {
	k := pathKey{c.key, pe}
	en, created := t.paths.Add(k)
	p := &en.Val
	if created {
		*p = path{t: t, key: k, id: "teredo/path/" + c.key.String() + "/" + pe.String(), first: frame}
	}
	p.last = frame
	return p
}

// peerKey names the peer of a packet: addr is its IPv6 address, ep the
// endpoint the packet went to or came from. A bubble's link-local address
// says nothing of its sender: the endpoint names it then, unless it is the
// relay of the client's latest connectivity test.
func (c *client) peerKey(addr netip.Addr, ep netip.AddrPort) peer {
	if ta, ok := tunnel.ParseTeredo(addr); ok {
		return peer(netip.AddrPortFrom(ta.Client, ta.Port))
	}
	if addr.IsGlobalUnicast() && !addr.IsPrivate() {
		return peer(netip.AddrPortFrom(addr, 0))
	}
	if ep == c.relay && c.testing != (peer{}) {
		return c.testing
	}
	return peer(ep)
}

// traffic handles bubbles and data: what the sending client did, and what
// the receiving client got.
func (t *Tracker) traffic(pk *packet) {
	if c := t.clientAt(pk.src); c != nil && pk.dup != nil {
		// The same packet after a NAT: its sending is counted already.
		c.last = pk.Frame
		t.e.Touch("teredo", c.id, c.state.String())
	} else if c != nil {
		t.sent(c, pk)
	} else if c := t.inferClient(pk, pk.src, pk.inner.Src); c != nil {
		t.sent(c, pk)
	}
	if c := t.clientAt(pk.dst); c != nil {
		t.received(c, pk)
	}
}

// inferClient makes a client of an endpoint whose qualification the
// capture missed, when the Teredo address it sends from embeds exactly
// that endpoint (seen outside its NAT) — inferred QUALIFIED.
func (t *Tracker) inferClient(pk *packet, ep netip.AddrPort, a netip.Addr) *client {
	ta, ok := tunnel.ParseTeredo(a)
	if !ok || ep.Port() == teredo.Port || netip.AddrPortFrom(ta.Client, ta.Port) != ep {
		return nil
	}
	c := t.newClient(ep, pk.Frame)
	c.mapping, c.server, c.address = ep, ta.Server, a
	c.inferQualified(ta, pk)
	return c
}

// inferQualified makes c QUALIFIED because it uses the Teredo address ta
// (RFC 4380 §5.2.1: only a qualified client has one), with the NAT type
// the address's cone flag gives (§4): inferred.
func (c *client) inferQualified(ta tunnel.Teredo, pk *packet) {
	if ta.Flags&tunnel.FlagCone != 0 {
		c.nat = Cone
	} else {
		c.nat = Restricted
	}
	c.qualifiedFrame = pk.Frame
	c.move(Qualified, ReasonAddressInUse, analyze.BasisInferred, pk.Frame, pk.Time, pk.Frame)
}

// sent: client c sent pk.
func (t *Tracker) sent(c *client, pk *packet) {
	c.last = pk.Frame
	t.e.Touch("teredo", c.id, c.state.String())
	in := pk.inner
	if isTeredo(in.Src) {
		c.useAddress(in.Src, pk.Frame, pk.Time)
	}
	viaServer := pk.dst.Port() == teredo.Port
	switch {
	case pk.bubble:
		// Direct to the peer's mapping, or through the peer's server
		// (RFC 4380 §5.2.4, §5.2.6).
		p := t.pathOf(c, c.peerKey(in.Dst, pk.dst), pk.Frame)
		p.bubbles++
		if isTeredo(in.Dst) || !in.Dst.IsLinkLocalUnicast() {
			p.peerAddr = in.Dst
		}
		if t.localPeerAt(pk.dst, in.Dst) != 0 {
			p.local = pk.dst // to the peer inside the same NAT
		}
		t.trailers(c, pk, p)
		if !viaServer && pk.dst == c.relay && p.key.peer == c.testing {
			p.relay = pk.dst
		}
		if p.state == PathNone || p.state == Testing {
			p.move(BubbleSent, ReasonBubble, analyze.BasisObserved, pk.Frame, pk.Time)
		} else {
			t.e.Touch("teredo", p.id, p.state.String())
		}
	case viaServer && !isTeredo(in.Dst) && in.Dst.IsGlobalUnicast():
		// The direct IPv6 connectivity test (RFC 4380 §5.2.9).
		p := t.pathOf(c, peer(netip.AddrPortFrom(in.Dst, 0)), pk.Frame)
		p.peerAddr = in.Dst
		c.testing = p.key.peer
		if p.state == PathNone {
			p.move(Testing, ReasonConnTest, analyze.BasisObserved, pk.Frame, pk.Time)
		} else {
			t.e.Touch("teredo", p.id, p.state.String())
		}
	case !viaServer && !isTeredo(in.Dst) && in.Dst.IsGlobalUnicast():
		// Data to a native host goes to its relay (RFC 4380 §5.2.9).
		p := t.pathOf(c, peer(netip.AddrPortFrom(in.Dst, 0)), pk.Frame)
		p.peerAddr, p.relay = in.Dst, pk.dst
		p.move(ViaRelay, ReasonRelay, analyze.BasisObserved, pk.Frame, pk.Time)
	case !viaServer && isTeredo(in.Dst):
		if en := t.paths.Peek(pathKey{c.key, c.peerKey(in.Dst, pk.dst)}); en != nil {
			en.Val.last = pk.Frame
			t.e.Touch("teredo", en.Val.id, en.Val.state.String())
		}
	}
}

// received: client c was sent pk. Outside a NAT whose inside is captured
// too, arrival at the mapping proves nothing: only what is seen inside
// counts.
func (t *Tracker) received(c *client, pk *packet) {
	c.last = pk.Frame
	t.e.Touch("teredo", c.id, c.state.String())
	if c.local.IsValid() && pk.dst != c.local {
		return
	}
	in := pk.inner
	if pk.src.Port() == teredo.Port && pk.te.HasOrigin {
		// Forwarded by the server: an indirect bubble. One from a
		// link-local address with the origin of a non-client is a relay's
		// (RFC 4380 §5.2.9, §5.4.2).
		origin := netip.AddrPortFrom(pk.te.OriginAddr, pk.te.OriginPort)
		if pk.bubble && !isTeredo(in.Src) && c.testing != (peer{}) {
			c.relay = origin
		}
		return
	}
	if pk.src.Port() == teredo.Port {
		return // from a server: qualification, or an answer to a test
	}
	switch {
	case isTeredo(in.Src) || in.Src.IsLinkLocalUnicast():
		if isTeredo(in.Src) {
			if ta, _ := tunnel.ParseTeredo(in.Src); netip.AddrPortFrom(ta.Client, ta.Port) != pk.src {
				// A local peer's, or spoofed or mismatched: the client
				// drops it (RFC 4380 §5.2.3).
				t.fromLocalPeer(c, pk, pk.Time)
				return
			}
		}
		pe := c.peerKey(in.Src, pk.src)
		if pk.src == c.relay && pe == c.testing {
			return // the relay's bubble: not yet traffic from the peer
		}
		p := t.pathOf(c, pe, pk.Frame)
		if isTeredo(in.Src) {
			p.peerAddr = in.Src
		}
		p.move(Direct, ReasonFromPeer, analyze.BasisObserved, pk.Frame, pk.Time)
	case in.Src.IsGlobalUnicast():
		p := t.pathOf(c, peer(netip.AddrPortFrom(in.Src, 0)), pk.Frame)
		p.peerAddr, p.relay = in.Src, pk.src
		p.move(ViaRelay, ReasonRelay, analyze.BasisObserved, pk.Frame, pk.Time)
	}
}

func (p *path) session() *analyze.Session {
	s := &analyze.Session{Proto: "teredo", Kind: "path", ID: p.id, State: p.state.String(), FirstFrame: p.first, LastFrame: p.last, Transitions: p.transitions}
	add := func(k string, v any) { s.Attrs = append(s.Attrs, analyze.Attr{Key: k, Val: v}) }
	add("client", "teredo/client/"+p.key.client.String())
	add("peer", p.key.peer.String())
	if p.peerAddr.IsValid() {
		add("peer_address", p.peerAddr)
	}
	if p.relay.IsValid() {
		add("relay_addr", p.relay.Addr())
		add("relay_port", int(p.relay.Port()))
	}
	add("bubbles", p.bubbles)
	if p.local.IsValid() {
		add("peer_local_addr", p.local.Addr())
		add("peer_local_port", int(p.local.Port()))
	}
	if p.ndBubbles > 0 {
		add("nd_trailer_bubbles", p.ndBubbles)
	}
	return s
}
