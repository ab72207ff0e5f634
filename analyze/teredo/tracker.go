package teredo

import (
	"hash/maphash"
	"net/netip"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/ip"
	"github.com/v6scope/v6scope/decode/nd"
	"github.com/v6scope/v6scope/decode/teredo"
	"github.com/v6scope/v6scope/decode/tunnel"
)

// Qualification timing (RFC 4380 §5.2.1): the client waits
// ResponseTimeout for an answer and tries Attempts times before it gives
// up on a form of the solicitation.
const (
	DefaultResponseTimeout = 4 * time.Second
	DefaultAttempts        = 3
)

// Config caps the tables and sets the qualification timing. The zero value
// uses the defaults.
type Config struct {
	MaxClients, MaxPaths int
	ResponseTimeout      time.Duration
	Attempts             int
}

// Tracker is the Teredo tracker: it plugs into an analyze.Engine.
type Tracker struct {
	e       *analyze.Engine
	cfg     Config
	clients *analyze.Table[netip.AddrPort, client]
	paths   *analyze.Table[pathKey, path]
	locals  *analyze.Table[netip.AddrPort, localPeer]
	// alias maps every endpoint a client was seen with to the key of its
	// entry in clients.
	alias  map[netip.AddrPort]netip.AddrPort
	recent [64]sighting
	seed   maphash.Seed // for the sightings' hashes
	next   int

	tr    analyze.Transition
	an    analyze.Anomaly
	evbuf []int

	// What the capture showed, for Limits.
	coneTried, secondaryTried                          bool
	outsideOnly, restricted                            int
	discoverySeen, hairpinSeen, ndSeen, randomPortSeen bool
}

// sighting is a Teredo packet seen lately, to recognise the same packet on
// another link (after a NAT).
type sighting struct {
	hash  uint64
	at    time.Time
	iface int32
	from  netip.AddrPort
}

// New returns a Teredo tracker that reports to e.
func New(e *analyze.Engine, cfg Config) *Tracker {
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = 4096
	}
	if cfg.MaxPaths <= 0 {
		cfg.MaxPaths = 16384
	}
	if cfg.ResponseTimeout <= 0 {
		cfg.ResponseTimeout = DefaultResponseTimeout
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	t := &Tracker{e: e, cfg: cfg,
		clients: analyze.NewTable[netip.AddrPort, client](cfg.MaxClients),
		paths:   analyze.NewTable[pathKey, path](cfg.MaxPaths),
		locals:  analyze.NewTable[netip.AddrPort, localPeer](cfg.MaxClients),
		alias:   map[netip.AddrPort]netip.AddrPort{},
		evbuf:   make([]int, 0, 4),
		seed:    maphash.MakeSeed(),
	}
	t.clients.OnEvict = func(en *analyze.Entry[netip.AddrPort, client]) {
		c := &en.Val
		t.e.Clock.Stop(&c.timer)
		for _, ep := range c.endpoints {
			delete(t.alias, ep)
		}
		s := c.session()
		s.Evicted = true
		t.e.Session(s)
	}
	t.paths.OnEvict = func(en *analyze.Entry[pathKey, path]) {
		s := en.Val.session()
		s.Evicted = true
		t.e.Session(s)
	}
	return t
}

// Proto implements analyze.Tracker.
func (t *Tracker) Proto() string { return "teredo" }

func (t *Tracker) transition(kind, id string, frame int, at time.Time, from, to string, r Reason, b analyze.Basis, evidence ...int) {
	t.evbuf = append(t.evbuf[:0], evidence...)
	t.tr = analyze.Transition{Proto: "teredo", Kind: kind, Session: id, Frame: frame, Time: at, From: from, To: to, Reason: r, Basis: b, Evidence: t.evbuf}
	t.e.Transition(&t.tr)
}

func (t *Tracker) anomaly(sev analyze.Severity, code, session string, frame int, at time.Time, msg, rfc string) {
	t.an = analyze.Anomaly{Proto: "teredo", Code: code, Severity: sev, Session: session, Frame: frame, Time: at, Message: msg, RFC: rfc}
	t.e.Anomaly(&t.an)
}

// packet is what the tracker reads of one Teredo frame.
type packet struct {
	*analyze.Packet
	te       *teredo.Teredo
	src, dst netip.AddrPort // outer IPv4 and UDP
	inner    *ip.IPv6
	nd       *nd.ND // an RS or RA inside, else nil
	bubble   bool
	dup      *sighting // the same packet seen on another link lately
}

// view finds the Teredo layer and what surrounds it: IPv4 and UDP before,
// one IPv6 header after (not inside an ICMP error).
func (t *Tracker) view(p *analyze.Packet, pk *packet) bool {
	at := -1
	for i, l := range p.Layers {
		switch l {
		case dissect.LayerTeredo:
			if at >= 0 {
				return false // Teredo in Teredo
			}
			at = i
		case dissect.LayerICMPv4:
			if at < 0 {
				return false // quoted by an ICMP error
			}
		}
	}
	if at < 2 || at+1 >= len(p.Layers) || p.Layers[at-1] != dissect.LayerUDP || p.Layers[at-2] != dissect.LayerIPv4 || p.Layers[at+1] != dissect.LayerIPv6 {
		return false
	}
	v6 := 0
	for _, l := range p.Layers[at+1:] {
		if l == dissect.LayerIPv6 {
			v6++
		}
	}
	if v6 != 1 {
		return false
	}
	d := p.Decoder
	te, _ := d.Layer(dissect.LayerTeredo).(*teredo.Teredo)
	ip4, _ := d.Layer(dissect.LayerIPv4).(*ip.IPv4)
	ip6, _ := d.Layer(dissect.LayerIPv6).(*ip.IPv6)
	if te == nil || ip4 == nil || ip6 == nil {
		return false
	}
	src, sport, dport := te.Outer()
	*pk = packet{Packet: p, te: te, src: netip.AddrPortFrom(src, sport), dst: netip.AddrPortFrom(ip4.Dst, dport), inner: ip6, bubble: te.Bubble()}
	if at+3 < len(p.Layers) && p.Layers[at+2] == dissect.LayerICMPv6 && p.Layers[at+3] == dissect.LayerND {
		if m, _ := d.Layer(dissect.LayerND).(*nd.ND); m != nil && (m.Type == nd.TypeRouterSolicit || m.Type == nd.TypeRouterAdvert) {
			pk.nd = m
		}
	}
	return true
}

// Observe implements analyze.Tracker.
func (t *Tracker) Observe(p *analyze.Packet) {
	var pk packet
	if !t.view(p, &pk) {
		return
	}
	t.sameElsewhere(&pk)
	t.checks(&pk)
	t.misplacedTrailers(&pk)
	switch {
	case pk.te.Discovery():
		t.discover(&pk)
	case pk.nd != nil && pk.nd.Type == nd.TypeRouterSolicit && pk.dst.Port() == teredo.Port:
		t.solicit(&pk)
	case pk.nd != nil && pk.nd.Type == nd.TypeRouterAdvert && pk.src.Port() == teredo.Port:
		t.advertise(&pk)
	default:
		t.traffic(&pk)
	}
}

// sameElsewhere looks for the same Teredo packet seen on another link in
// the last second: a packet that crossed a NAT. The endpoints it was sent
// from on each side belong to one client.
func (t *Tracker) sameElsewhere(pk *packet) {
	var h maphash.Hash
	h.SetSeed(t.seed)
	h.Write(pk.te.Contents)
	h.Write(pk.te.Payload)
	sum := h.Sum64()
	for i := range t.recent {
		s := &t.recent[i]
		if s.hash == sum && s.iface != pk.Link.Iface && pk.Time.Sub(s.at) <= time.Second {
			pk.dup = s
			break
		}
	}
	if pk.dup != nil && pk.dup.from != pk.src {
		// Tie the endpoints: whichever is known names the client.
		if k, ok := t.alias[pk.dup.from]; ok {
			if _, known := t.alias[pk.src]; !known {
				if en := t.clients.Peek(k); en != nil {
					t.addAlias(&en.Val, pk.src)
				}
			}
		} else if k, ok := t.alias[pk.src]; ok {
			if en := t.clients.Peek(k); en != nil {
				t.addAlias(&en.Val, pk.dup.from)
			}
		}
	}
	t.recent[t.next] = sighting{hash: sum, at: pk.Time, iface: pk.Link.Iface, from: pk.src}
	t.next = (t.next + 1) % len(t.recent)
}

// checks raises the anomalies a single packet shows.
func (t *Tracker) checks(pk *packet) {
	in := pk.inner
	if in.NextHeader == ip.ProtoNoNext && !pk.bubble {
		t.anomaly(analyze.Note, "teredo.bubble_payload", "", pk.Frame, pk.Time,
			"bubble (No Next Header) from "+pk.src.String()+" carries a payload; a bubble has none", "RFC 4380 §2.8")
	}
	if server, bad := pk.te.OriginNotFromServer(); bad {
		t.anomaly(analyze.Warn, "teredo.origin_not_server", "", pk.Frame, pk.Time,
			"origin indication sent by "+pk.src.String()+", not by the client's server "+netip.AddrPortFrom(server, teredo.Port).String()+": the client discards it", "RFC 4380 §5.2.3")
	}
	if ta, from, port, bad := pk.te.MappingMismatch(); bad && !pk.te.HasOrigin {
		// Packets a client sends from inside its NAT show its local
		// endpoint: expected, not an anomaly.
		if c := t.clientAt(pk.src); c != nil && c.local == pk.src {
			return
		}
		t.anomaly(analyze.Warn, "teredo.mapping_mismatch", "", pk.Frame, pk.Time,
			"Teredo source "+in.Src.String()+" maps to "+netip.AddrPortFrom(ta.Client, ta.Port).String()+", but the packet came from "+netip.AddrPortFrom(from, port).String()+": a Teredo peer drops it", "RFC 4380 §5.2.3")
	} else if bad {
		t.anomaly(analyze.Warn, "teredo.mapping_mismatch", "", pk.Frame, pk.Time,
			"Teredo source "+in.Src.String()+" maps to "+netip.AddrPortFrom(ta.Client, ta.Port).String()+", but the server's origin indication says "+netip.AddrPortFrom(from, port).String(), "RFC 4380 §5.2.3")
	}
}

// clientAt returns the client seen with endpoint ep, or nil.
func (t *Tracker) clientAt(ep netip.AddrPort) *client {
	k, ok := t.alias[ep]
	if !ok {
		return nil
	}
	en := t.clients.Get(k)
	if en == nil {
		return nil
	}
	return &en.Val
}

// maxEndpoints bounds the endpoints one client is known by.
const maxEndpoints = 4

func (t *Tracker) addAlias(c *client, ep netip.AddrPort) {
	if _, ok := t.alias[ep]; ok || len(c.endpoints) >= maxEndpoints {
		return
	}
	t.alias[ep] = c.key
	c.endpoints = append(c.endpoints, ep)
}

// newClient starts a client first seen at endpoint ep.
func (t *Tracker) newClient(ep netip.AddrPort, frame int) *client {
	en, _ := t.clients.Add(ep)
	c := &en.Val
	*c = client{t: t, key: ep, id: "teredo/client/" + ep.String(), first: frame}
	t.addAlias(c, ep)
	return c
}

// coneBit is the cone flag in the interface ID of the link-local address a
// qualifying client solicits from (RFC 4380 §5.2.1: fe80::8000:ffff:ffff:ffff
// with it, fe80::ffff:ffff:ffff without).
func coneBit(a netip.Addr) bool { b := a.As16(); return b[8]&0x80 != 0 }

// solicit handles an RS sent to a server (RFC 4380 §5.2.1).
func (t *Tracker) solicit(pk *packet) {
	c := t.clientAt(pk.src)
	if c == nil {
		c = t.newClient(pk.src, pk.Frame)
	}
	c.last = pk.Frame
	if pk.dup != nil && t.alias[pk.dup.from] == c.key {
		t.e.Touch("teredo", c.id, c.state.String()) // the same RS after the NAT
		return
	}
	cone := coneBit(pk.inner.Src)
	server := pk.dst.Addr()
	if cone {
		t.coneTried = true
	}
	if pk.te.HasAuth {
		c.nonce = append(c.nonce[:0], pk.te.Nonce...)
	}
	if c.state == Qualified && c.server.IsValid() && server != c.server {
		// The secondary server check: same RS, another server address.
		t.secondaryTried = true
		c.secondary = server
		t.e.Touch("teredo", c.id, c.state.String())
		return
	}
	if c.state == Qualified {
		t.e.Touch("teredo", c.id, c.state.String()) // maintenance (RFC 4380 §5.2.7)
		return
	}
	c.solicited = server
	c.pending(cone, pk.Time)
	c.move(Qualifying, ReasonRS, analyze.BasisObserved, pk.Frame, pk.Time, pk.Frame)
}

// advertise handles an RA from a server to a client (RFC 4380 §5.2.1).
func (t *Tracker) advertise(pk *packet) {
	c := t.clientAt(pk.dst)
	if c == nil {
		c = t.newClient(pk.dst, pk.Frame)
	}
	c.last = pk.Frame
	server := pk.src.Addr()
	if !pk.te.HasOrigin {
		t.anomaly(analyze.Warn, "teredo.ra_without_origin", c.id, pk.Frame, pk.Time,
			"Router Advertisement from "+pk.src.String()+" without an origin indication: the client cannot learn its mapping and ignores it", "RFC 4380 §5.2.1")
		t.e.Touch("teredo", c.id, c.state.String())
		return
	}
	if len(c.nonce) > 0 && pk.te.HasAuth && string(pk.te.Nonce) != string(c.nonce) {
		t.anomaly(analyze.Warn, "teredo.nonce_mismatch", c.id, pk.Frame, pk.Time,
			"Router Advertisement from "+pk.src.String()+" with a nonce the client did not send: a spoofed or stale answer, which the client discards", "RFC 4380 §5.2.1")
		t.e.Touch("teredo", c.id, c.state.String())
		return
	}
	if c.solicited.IsValid() && server != c.solicited && server != c.secondary && coneBit(pk.inner.Dst) {
		// The answer to the cone form comes from the server's secondary
		// address: only a cone NAT lets it in (RFC 4380 §5.2.1, §5.3.1).
		c.secondary = server
		server = c.solicited
	} else if c.solicited.IsValid() && server != c.solicited && server != c.secondary {
		t.anomaly(analyze.Warn, "teredo.origin_not_server", c.id, pk.Frame, pk.Time,
			"Router Advertisement with an origin indication from "+pk.src.String()+", not from the server "+c.solicited.String()+" the client solicited: the client discards it", "RFC 4380 §5.2.1, §5.2.3")
		t.e.Touch("teredo", c.id, c.state.String())
		return
	}
	mapping := netip.AddrPortFrom(pk.te.OriginAddr, pk.te.OriginPort)
	if pk.dst != mapping && !c.local.IsValid() {
		c.local = pk.dst // delivered inside the NAT
	}
	t.addAlias(c, mapping)
	if pk.dup != nil && t.alias[pk.dup.from] == c.key || c.state == Qualified && server == c.server && mapping == c.mapping {
		t.e.Touch("teredo", c.id, c.state.String()) // the same RA after the NAT, or a refresh
		return
	}
	if c.state == Qualified && c.secondary.IsValid() && server == c.secondary {
		c.secondaryMapping = mapping
		if mapping != c.mapping {
			c.nat = Symmetric
			c.move(Failed, ReasonSymmetric, analyze.BasisObserved, pk.Frame, pk.Time, c.qualifiedFrame, pk.Frame)
			return
		}
		t.e.Touch("teredo", c.id, c.state.String())
		return
	}
	if c.mapping.IsValid() && c.mapping != mapping && c.state == Qualified {
		t.anomaly(analyze.Note, "teredo.mapping_changed", c.id, pk.Frame, pk.Time,
			"the client's mapping moved from "+c.mapping.String()+" to "+mapping.String()+": its NAT rebound it, and its Teredo address changes with it", "RFC 4380 §5.2.7")
	}
	c.server, c.mapping = server, mapping
	if coneBit(pk.inner.Dst) {
		c.nat = Cone
	} else {
		c.nat = Restricted
	}
	c.coneSince, c.plainSince = time.Time{}, time.Time{}
	t.e.Clock.Stop(&c.timer)
	c.qualifiedFrame = pk.Frame
	c.move(Qualified, ReasonRA, analyze.BasisObserved, pk.Frame, pk.Time, pk.Frame)
}

// Finish implements analyze.Tracker.
func (t *Tracker) Finish() {
	t.clients.All(func(en *analyze.Entry[netip.AddrPort, client]) bool {
		if !en.Val.local.IsValid() {
			t.outsideOnly++
		}
		if en.Val.nat == Restricted {
			t.restricted++
		}
		t.e.Session(en.Val.session())
		return true
	})
	t.paths.All(func(en *analyze.Entry[pathKey, path]) bool {
		t.e.Session(en.Val.session())
		return true
	})
}

// Tables implements analyze.Tracker.
func (t *Tracker) Tables() []analyze.TableStat {
	return []analyze.TableStat{
		{Kind: "client", Live: t.clients.Len(), Cap: t.clients.Cap(), Evicted: t.clients.Evicted()},
		{Kind: "path", Live: t.paths.Len(), Cap: t.paths.Cap(), Evicted: t.paths.Evicted()},
		{Kind: "local_endpoint", Live: t.locals.Len(), Cap: t.locals.Cap(), Evicted: t.locals.Evicted()},
	}
}

// Limits implements analyze.Tracker.
func (t *Tracker) Limits() []string {
	if t.clients.Len() == 0 && t.paths.Len() == 0 {
		return nil
	}
	var l []string
	if !t.coneTried {
		l = append(l, "no client sent the cone form of the Router Solicitation: \"restricted\" means the NAT was not tested for cone behaviour (RFC 4380 §5.2.1; miredo skips the test)")
	}
	if !t.secondaryTried && t.restricted > 0 {
		l = append(l, "no client checked its mapping with the secondary server: a symmetric NAT cannot be told from a restricted one (RFC 4380 §5.2.1)")
	}
	if t.outsideOnly > 0 {
		l = append(l, "some clients were seen only outside their NAT: a packet sent to their mapping is counted as received, though the NAT may have dropped it")
	}
	if !t.discoverySeen && !t.hairpinSeen {
		l = append(l, "no local discovery bubble (to 224.0.0.253) and no Alternate Address trailer was captured: two clients behind one NAT talking over their local network look like mismatched mappings, and their path is not followed (RFC 4380 §5.2.8; RFC 6081 §3.5)")
	}
	l = append(l, "of the Teredo extensions only the trailers are read (RFC 6081 §4): a client behind a symmetric NAT stays FAILED, though RFC 6081 §3.1–§3.4 let it go on; UPnP mappings (§3.2) are made on the LAN, outside Teredo, and port prediction (§3.3, §3.4) is not checked against the ports the NAT used")
	return l
}

// isTeredo reports whether a is a Teredo address (2001::/32, RFC 4380 §2.6).
func isTeredo(a netip.Addr) bool { return tunnel.TeredoPrefix.Contains(a) }
