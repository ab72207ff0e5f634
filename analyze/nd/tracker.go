package nd

import (
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/nd"
)

// Tracker is the Neighbor Discovery tracker: it plugs into an
// analyze.Engine with Engine.Add.
type Tracker struct {
	e   *analyze.Engine
	cfg Config

	neighbors *analyze.Table[neighborKey, neighbor]
	addresses *analyze.Table[addressKey, address]
	routers   *analyze.Table[routerKey, router]
	prefixes  *analyze.Table[prefixKey, prefix]
	owners    *analyze.Table[ownerKey, owner]
	stations  *analyze.Table[stationKey, station]
	pending   *analyze.Table[ownerKey, pendingNS]
	byTarget  map[ownerKey]*neighbor // chains every node's entry for a target
	dadByAddr map[ownerKey]*address  // latest DAD session for an address
	deletes   int                    // from byTarget and dadByAddr since they were rebuilt
	links     map[analyze.Link]*linkState

	tr    analyze.Transition
	an    analyze.Anomaly
	evbuf []int

	// What the capture showed, for Limits.
	learnedReachable, learnedRetrans bool
	learnedDAD                       int // DADs that completed, each teaching its node's count of probes
	pendingAdded, pendingResolved    int // multicast NSs whose target's owner was unknown
	raOverflow                       int // multicast RAs that reached more than MaxHostsPerRA known nodes
	raTableFull                      int // entries a multicast RA did not create: the neighbor table was full
}

type linkState struct {
	reachable, retrans time.Duration
	firstRouter        netip.Addr
	known              []netip.Prefix
	naBurst, raBurst   burst
	// hosts chains the stations heard on the link, the most recently
	// heard first: the nodes a multicast RA reaches.
	hosts *station
}

// linkConfig returns the link's constants: those its RAs advertised, else
// the configured ones.
func (t *Tracker) linkConfig(l analyze.Link) *linkState {
	ls := t.links[l]
	if ls == nil {
		ls = &linkState{reachable: t.cfg.ReachableTime, retrans: t.cfg.RetransTimer}
		t.links[l] = ls
	}
	return ls
}

// reachableTime is the ReachableTime of node: the link's advertised one,
// unless the node's own was configured.
func (t *Tracker) reachableTime(node Node, ls *linkState) time.Duration {
	if d, ok := t.cfg.NodeReachableTime[node.MAC]; ok && node.MAC != (analyze.MAC{}) {
		return d
	}
	return ls.reachable
}

// New returns an ND tracker that reports to e.
func New(e *analyze.Engine, cfg Config) *Tracker {
	cfg.fill()
	t := &Tracker{e: e, cfg: cfg,
		neighbors: analyze.NewTable[neighborKey, neighbor](cfg.MaxNeighbors),
		addresses: analyze.NewTable[addressKey, address](cfg.MaxAddresses),
		routers:   analyze.NewTable[routerKey, router](cfg.MaxRouters),
		prefixes:  analyze.NewTable[prefixKey, prefix](cfg.MaxRouters),
		owners:    analyze.NewTable[ownerKey, owner](cfg.MaxNodes),
		stations:  analyze.NewTable[stationKey, station](cfg.MaxNodes),
		pending:   analyze.NewTable[ownerKey, pendingNS](cfg.MaxPending),
		byTarget:  map[ownerKey]*neighbor{},
		dadByAddr: map[ownerKey]*address{},
		links:     map[analyze.Link]*linkState{},
		evbuf:     make([]int, 0, 4),
	}
	t.neighbors.OnEvict = func(en *analyze.Entry[neighborKey, neighbor]) {
		n := &en.Val
		t.e.Clock.Stop(&n.timer)
		t.unchain(n)
		t.emitSession(n.session(), true)
	}
	t.addresses.OnEvict = func(en *analyze.Entry[addressKey, address]) {
		a := &en.Val
		t.e.Clock.Stop(&a.timer)
		k := ownerKey{a.key.link, a.key.addr}
		if t.dadByAddr[k] == a {
			delete(t.dadByAddr, k)
			t.deleted()
		}
		t.emitSession(a.session(), true)
	}
	t.routers.OnEvict = func(en *analyze.Entry[routerKey, router]) {
		t.e.Clock.Stop(&en.Val.timer)
		t.emitSession(en.Val.session(), true)
	}
	t.prefixes.OnEvict = func(en *analyze.Entry[prefixKey, prefix]) {
		t.e.Clock.Stop(&en.Val.timer)
		t.emitSession(en.Val.session(), true)
	}
	t.stations.OnEvict = func(en *analyze.Entry[stationKey, station]) {
		t.unlinkStation(&en.Val)
	}
	return t
}

// deleted counts a deletion from the side maps and rebuilds them now and
// then, so that their tombstones do not pile up (see analyze.Table).
func (t *Tracker) deleted() {
	t.deletes++
	if t.deletes < t.cfg.MaxNeighbors {
		return
	}
	t.deletes = 0
	bt := make(map[ownerKey]*neighbor, len(t.byTarget))
	for k, v := range t.byTarget {
		bt[k] = v
	}
	da := make(map[ownerKey]*address, len(t.dadByAddr))
	for k, v := range t.dadByAddr {
		da[k] = v
	}
	t.byTarget, t.dadByAddr = bt, da
}

// Proto implements analyze.Tracker.
func (t *Tracker) Proto() string { return "nd" }

func linkString(l analyze.Link) string {
	s := "if" + strconv.Itoa(int(l.Iface))
	if l.VLAN != 0 {
		s += ".vlan" + strconv.Itoa(int(l.VLAN))
	}
	return s
}

func (t *Tracker) transition(kind, id string, frame int, at time.Time, from, to string, r Reason, b analyze.Basis, evidence []int) {
	t.evbuf = append(t.evbuf[:0], evidence...)
	t.tr = analyze.Transition{Proto: "nd", Kind: kind, Session: id, Frame: frame, Time: at, From: from, To: to, Reason: r, Basis: b, Evidence: t.evbuf}
	t.e.Transition(&t.tr)
}

func (t *Tracker) anomaly(sev analyze.Severity, code, session string, p *analyze.Packet, msg, rfc string) {
	t.an = analyze.Anomaly{Proto: "nd", Code: code, Severity: sev, Session: session, Frame: p.Frame, Time: p.Time, Message: msg, RFC: rfc}
	t.e.Anomaly(&t.an)
}

func (t *Tracker) emitSession(s *analyze.Session, evicted bool) {
	s.Evicted = evicted
	t.e.Session(s)
}

// Observe implements analyze.Tracker.
func (t *Tracker) Observe(p *analyze.Packet) {
	if !p.Direct {
		return
	}
	m := p.ND
	if m == nil {
		t.traffic(p)
		return
	}
	if m.Code != 0 || m.HopLimit != nd.RequiredHopLimit {
		if m.HopLimit != nd.RequiredHopLimit {
			t.anomaly(analyze.Error, "nd.hop_limit", "", p, "Neighbor Discovery message with Hop Limit "+strconv.Itoa(int(m.HopLimit))+", not 255: it was forwarded by a router or sent from off the link; receivers discard it", "RFC 4861 §7.1.1")
		}
		return // receivers discard it (RFC 4861 §6.1, §7.1, §8.1)
	}
	if m.Src.IsMulticast() {
		t.anomaly(analyze.Error, "nd.multicast_source", "", p, "Neighbor Discovery message from the multicast address "+m.Src.String()+": no node may send from one; receivers discard it", "RFC 4291 §2.7")
		return
	}
	switch m.Type {
	case nd.TypeNeighborSolicit:
		t.solicit(p, m)
	case nd.TypeNeighborAdvert:
		t.advert(p, m)
	case nd.TypeRouterSolicit:
		t.routerSolicit(p, m)
	case nd.TypeRouterAdvert:
		t.routerAdvert(p, m)
	case nd.TypeRedirect:
		t.redirect(p, m)
	}
	// Hop Limit 255 proves the sender is on the link (RFC 4861 §3.1).
	// Learnt after the message is judged, so that a spoofed message is
	// judged against what was known before it.
	if p.HasMAC && m.Src.IsValid() && !m.Src.IsUnspecified() {
		t.sourceSeen(p, m.Src, p.Src)
	}
}

// lla returns the link-layer address of the first option of type typ of
// length 1 (an Ethernet address, RFC 2464 §6).
func lla(m *nd.ND, typ uint8) (analyze.MAC, bool) {
	for i := range m.Options {
		if o := &m.Options[i]; o.Type == typ && o.Length == 1 && len(o.Data) >= 6 {
			return analyze.MAC(o.Data[:6]), true
		}
	}
	return analyze.MAC{}, false
}

// checkLLA flags a link-layer address option that differs from the
// Ethernet source (NDPMon's "wrong couple"): a proxy, or a spoofer.
func (t *Tracker) checkLLA(p *analyze.Packet, mac analyze.MAC, opt string) {
	if p.HasMAC && mac != p.Src {
		t.anomaly(analyze.Warn, "nd.lladdr_mismatch", "", p, opt+" link-layer address "+mac.String()+" differs from the Ethernet source "+p.Src.String()+": a proxy (RFC 4389) or a spoofed message", "RFC 4861 §4.6.1")
	}
}

func (t *Tracker) nodeOf(p *analyze.Packet, dst bool, addr netip.Addr) Node {
	if p.HasMAC {
		if dst {
			return Node{MAC: p.Dst}
		}
		return Node{MAC: p.Src}
	}
	return Node{IP: addr}
}

// entry returns the node's entry for target, created when create is set.
func (t *Tracker) entry(p *analyze.Packet, node Node, target netip.Addr, create bool) *neighbor {
	return t.entryAt(p, p.Frame, node, target, create)
}

// entryAt is entry for an entry that, when created, was created by an
// earlier frame (first): an inference placed back in time.
func (t *Tracker) entryAt(p *analyze.Packet, first int, node Node, target netip.Addr, create bool) *neighbor {
	k := neighborKey{p.Link, node, target}
	var en *analyze.Entry[neighborKey, neighbor]
	if create {
		var created bool
		en, created = t.neighbors.Add(k)
		if created {
			n := &en.Val
			n.t, n.key, n.first = t, k, first
			n.id = "nd/neighbor/" + linkString(p.Link) + "/" + node.String() + "/" + target.String()
			t.chain(n)
		}
	} else if en = t.neighbors.Get(k); en == nil {
		return nil
	}
	en.Val.last = p.Frame
	return &en.Val
}

func (t *Tracker) touch(n *neighbor) {
	if n != nil && n.state != NeighborNone {
		t.e.Touch("nd", n.id, n.state.String())
	}
}

func (t *Tracker) chain(n *neighbor) {
	k := ownerKey{n.key.link, n.key.target}
	if head := t.byTarget[k]; head != nil {
		n.nextT, head.prevT = head, n
	}
	t.byTarget[k] = n
}

func (t *Tracker) unchain(n *neighbor) {
	k := ownerKey{n.key.link, n.key.target}
	if n.prevT != nil {
		n.prevT.nextT = n.nextT
	} else if t.byTarget[k] == n {
		if n.nextT != nil {
			t.byTarget[k] = n.nextT
		} else {
			delete(t.byTarget, k)
			t.deleted()
		}
	}
	if n.nextT != nil {
		n.nextT.prevT = n.prevT
	}
	n.prevT, n.nextT = nil, nil
}

// traffic handles a packet that is not ND: a unicast packet from a node to
// a neighbor's cached address moves a STALE entry to DELAY (RFC 4861
// §7.3.3). A link-local source also tells who owns that address.
func (t *Tracker) traffic(p *analyze.Packet) {
	ip6 := p.IPv6
	if ip6 == nil || !p.HasMAC {
		return
	}
	if ip6.Src.IsLinkLocalUnicast() {
		// Routers never forward link-local sources (RFC 4291 §2.5.6).
		t.sourceSeen(p, ip6.Src, p.Src)
	}
	if p.Dst.IsMulticast() || ip6.Dst.IsMulticast() {
		return
	}
	t.sentTo(p, ip6.Dst)
}

// sentTo applies "the node sent a unicast packet to dst".
func (t *Tracker) sentTo(p *analyze.Packet, dst netip.Addr) {
	n := t.entry(p, Node{MAC: p.Src}, dst, false)
	if n == nil || n.hasLLA && n.lla != p.Dst {
		return // sent to another neighbor: a router, for an off-link destination
	}
	n.sent(p.Frame, p.Time)
	t.touch(n)
}

// solicit handles a Neighbor Solicitation (RFC 4861 §7.2.2 to §7.2.4,
// RFC 4862 §5.4).
func (t *Tracker) solicit(p *analyze.Packet, m *nd.ND) {
	target := m.Target
	if !target.IsValid() || target.IsMulticast() {
		return
	}
	if m.Src.IsUnspecified() {
		t.dadSolicit(p, m, target)
		return
	}
	sender := t.nodeOf(p, false, m.Src)
	mac, ok := lla(m, nd.OptSourceLinkAddr)
	if ok {
		t.checkLLA(p, mac, "Source")
		// The receiver learns the sender's address (RFC 4861 §7.2.3): the
		// target's owner for a multicast NS (inferred: the observer does
		// not see who a multicast arrives at), the destination for a
		// unicast one. An owner not yet heard gets it when it shows up.
		recv, known := t.receiver(p, m.Dst, target)
		switch {
		case known && recv != sender:
			n := t.entry(p, recv, m.Src, true)
			n.learned(p.Frame, p.Time, mac, basisOf(m.Dst))
			t.touch(n)
		case !known:
			t.pend(p, target, sender, m.Src, mac)
		}
	}
	if o := t.owners.Peek(ownerKey{p.Link, target}); o != nil && p.HasMAC && o.Val.mac == p.Src {
		return // a node soliciting its own address: not resolution
	}
	n := t.entry(p, sender, target, true)
	if m.Dst.IsMulticast() {
		n.multicastSolicit(p.Frame, p.Time)
	} else {
		n.unicastSolicit(p.Frame, p.Time)
	}
	t.touch(n)
}

// receiver returns the node a message to dst about target reaches: the
// Ethernet destination when unicast, else the target's known owner.
func (t *Tracker) receiver(p *analyze.Packet, dst, target netip.Addr) (Node, bool) {
	if !dst.IsMulticast() {
		if p.HasMAC {
			return Node{MAC: p.Dst}, true
		}
		return Node{IP: dst}, true
	}
	if o := t.owners.Peek(ownerKey{p.Link, target}); o != nil {
		return Node{MAC: o.Val.mac}, true
	}
	return Node{}, false
}

// basisOf is the basis of what a message sent to dst taught its
// receivers: observed for a unicast message, inferred for a multicast one
// (the observer sees it sent, not who took it in).
func basisOf(dst netip.Addr) analyze.Basis {
	if dst.IsMulticast() {
		return analyze.BasisInferred
	}
	return analyze.BasisObserved
}

// advert handles a Neighbor Advertisement (RFC 4861 §7.2.5, §7.2.6;
// RFC 4862 §5.4.4).
func (t *Tracker) advert(p *analyze.Packet, m *nd.ND) {
	target := m.Target
	if !target.IsValid() || target.IsMulticast() {
		return
	}
	mac, hasMAC := lla(m, nd.OptTargetLinkAddr)
	if hasMAC {
		t.checkLLA(p, mac, "Target")
	}
	claimed := p.Src
	if hasMAC {
		claimed = mac
	}
	if m.Solicited() && p.HasMAC {
		// The node that answers got the solicitation (RFC 4861 §7.2.4).
		t.resolvePending(p, target, Node{MAC: p.Src})
	}
	t.dadAnswered(p, target, claimed)
	if m.Override() && p.HasMAC {
		if o := t.owners.Peek(ownerKey{p.Link, target}); o != nil && o.Val.confirmed && o.Val.mac != claimed {
			t.anomaly(analyze.Error, "nd.cache_poisoning", "", p, "Neighbor Advertisement with the Override flag says "+target.String()+" is at "+claimed.String()+", but it is known to be at "+o.Val.mac.String()+" (since frame "+strconv.Itoa(o.Val.frame)+"): receivers rewrite their cache — NA spoofing", "RFC 3756 §4.1.1")
		}
	}
	if !m.Solicited() {
		t.burst(p, &t.linkConfig(p.Link).naBurst, "nd.na_burst", "unsolicited Neighbor Advertisements")
	}
	if m.Dst.IsMulticast() {
		for n := t.byTarget[ownerKey{p.Link, target}]; n != nil; n = n.nextT {
			if n.state != NeighborNone && n.key.node.MAC != p.Src {
				n.last = p.Frame
				n.advert(p.Frame, p.Time, false, m.Override(), m.Router(), mac, hasMAC)
				t.touch(n)
			}
		}
		return
	}
	recv := t.nodeOf(p, true, m.Dst)
	n := t.entry(p, recv, target, m.Solicited() && hasMAC)
	if n != nil {
		n.advert(p.Frame, p.Time, m.Solicited(), m.Override(), m.Router(), mac, hasMAC)
		t.touch(n)
	}
	if p.HasMAC {
		t.sentTo(p, m.Dst)
	}
}

// routerSolicit handles an RS: routers learn the host's address
// (RFC 4861 §6.2.6).
func (t *Tracker) routerSolicit(p *analyze.Packet, m *nd.ND) {
	mac, ok := lla(m, nd.OptSourceLinkAddr)
	if !ok || m.Src.IsUnspecified() {
		return
	}
	t.checkLLA(p, mac, "Source")
	if !m.Dst.IsMulticast() {
		n := t.entry(p, t.nodeOf(p, true, m.Dst), m.Src, true)
		n.learned(p.Frame, p.Time, mac, analyze.BasisObserved)
		t.touch(n)
		return
	}
	var macs [8]analyze.MAC
	rs := macs[:0]
	t.routers.All(func(en *analyze.Entry[routerKey, router]) bool {
		if en.Key.link == p.Link && en.Val.state == Advertising && en.Val.mac != p.Src && len(rs) < cap(rs) {
			rs = append(rs, en.Val.mac)
		}
		return true
	})
	for _, r := range rs {
		n := t.entry(p, Node{MAC: r}, m.Src, true)
		n.learned(p.Frame, p.Time, mac, analyze.BasisInferred)
		t.touch(n)
	}
}

// routerAdvert handles an RA (RFC 4861 §6.3.4).
func (t *Tracker) routerAdvert(p *analyze.Packet, m *nd.ND) {
	ls := t.linkConfig(p.Link)
	t.burst(p, &ls.raBurst, "nd.ra_burst", "Router Advertisements")
	k := routerKey{p.Link, m.Src}
	en, created := t.routers.Add(k)
	r := &en.Val
	if created {
		r.t, r.key, r.first = t, k, p.Frame
		r.id = "nd/router/" + linkString(p.Link) + "/" + m.Src.String()
		t.newRouter(p, r, ls)
	}
	r.last = p.Frame
	r.ras++
	if p.HasMAC {
		r.mac = p.Src
	}
	if mac, ok := lla(m, nd.OptSourceLinkAddr); ok {
		t.checkLLA(p, mac, "Source")
		r.mac = mac
		if !m.Dst.IsMulticast() && p.HasMAC {
			n := t.entry(p, Node{MAC: p.Dst}, m.Src, true)
			n.learned(p.Frame, p.Time, mac, analyze.BasisObserved)
			n.router = true
			t.touch(n)
		} else {
			t.raReaches(p, m.Src, mac)
		}
	}
	// Hosts take ReachableTime and RetransTimer from RAs that specify them
	// (RFC 4861 §6.3.4).
	if m.ReachableTime != 0 {
		ls.reachable, t.learnedReachable = time.Duration(m.ReachableTime)*time.Millisecond, true
	}
	if m.RetransTimer != 0 {
		ls.retrans, t.learnedRetrans = time.Duration(m.RetransTimer)*time.Millisecond, true
	}
	params := raParams{hopLimit: m.CurHopLimit, flags: m.RAFlags, reachable: m.ReachableTime, retrans: m.RetransTimer}
	t.raOptions(p, m, r, &params)
	if !created && params != r.params {
		t.anomaly(analyze.Warn, "nd.router_params_changed", r.id, p, "router "+m.Src.String()+" changed its advertised parameters ("+paramDiff(r.params, params)+"): a misconfiguration, or another device speaking for it", "RFC 4861 §6.2.7")
	}
	r.params = params
	r.advertised(p.Frame, p.Time, time.Duration(m.RouterLifetime)*time.Second)
	t.e.Touch("nd", r.id, r.state.String())
}

// paramDiff says which RA parameters differ.
func paramDiff(a, b raParams) string {
	var s string
	add := func(name string, x, y uint64) {
		if x != y {
			if s != "" {
				s += ", "
			}
			s += name + " " + strconv.FormatUint(x, 10) + " → " + strconv.FormatUint(y, 10)
		}
	}
	add("Cur Hop Limit", uint64(a.hopLimit), uint64(b.hopLimit))
	add("flags", uint64(a.flags), uint64(b.flags))
	add("Reachable Time", uint64(a.reachable), uint64(b.reachable))
	add("Retrans Timer", uint64(a.retrans), uint64(b.retrans))
	add("MTU", uint64(a.mtu), uint64(b.mtu))
	add("prefixes", uint64(a.prefixes), uint64(b.prefixes))
	add("RDNSS options", uint64(a.rdnss), uint64(b.rdnss))
	return s
}

// newRouter checks a router heard for the first time against the allowed
// list, or against the first router of the link.
func (t *Tracker) newRouter(p *analyze.Packet, r *router, ls *linkState) {
	a := r.key.addr
	switch {
	case len(t.cfg.Routers) > 0:
		if !slices.Contains(t.cfg.Routers, a) {
			t.anomaly(analyze.Error, "nd.rogue_router", r.id, p, "Router Advertisement from "+a.String()+" ("+p.Src.String()+"), which is not one of the allowed routers (--routers): a rogue router", "RFC 6104 §3")
		}
	case !ls.firstRouter.IsValid():
		ls.firstRouter = a
	default:
		t.anomaly(analyze.Warn, "nd.new_router", r.id, p, "a new router "+a.String()+" ("+p.Src.String()+") advertises on a link where "+ls.firstRouter.String()+" was the router: if it is not expected, it is a rogue router (give the allowed ones with --routers)", "RFC 6104 §3")
	}
}

// prefixInfo applies one Prefix Information option (RFC 4861 §6.3.4,
// RFC 4862 §5.5.3).
func (t *Tracker) prefixInfo(p *analyze.Packet, pfx netip.Prefix, flags uint8, valid, preferred uint32) {
	k := prefixKey{p.Link, pfx}
	en, created := t.prefixes.Add(k)
	x := &en.Val
	if created {
		x.t, x.key, x.first = t, k, p.Frame
		x.id = "nd/prefix/" + linkString(p.Link) + "/" + pfx.String()
		t.checkPrefix(p, pfx)
	}
	x.last = p.Frame
	x.router = p.ND.Src
	x.onLink, x.auto = flags&piFlagL != 0, flags&piFlagA != 0
	x.valid, x.preferred = valid, preferred
	x.advertised(p.Frame, p.Time)
}

// checkPrefix flags a prefix outside the allowed ones (--prefixes), or, by
// default, one advertised by another router than the link's first.
func (t *Tracker) checkPrefix(p *analyze.Packet, pfx netip.Prefix) {
	ls := t.linkConfig(p.Link)
	known := t.cfg.Prefixes
	if len(known) == 0 {
		if p.ND.Src == ls.firstRouter || len(t.cfg.Routers) > 0 && slices.Contains(t.cfg.Routers, p.ND.Src) {
			ls.known = append(ls.known, pfx)
			return
		}
		known = ls.known
	}
	for _, k := range known {
		if k.Overlaps(pfx) && k.Bits() <= pfx.Bits() {
			return
		}
	}
	t.anomaly(analyze.Warn, "nd.unknown_prefix", "", p, "router "+p.ND.Src.String()+" advertises the prefix "+pfx.String()+", outside the link's known prefixes: hosts will form addresses in it", "RFC 4862 §5.5.3")
}

// redirect handles a Redirect: the receiving host learns the target's
// link-layer address (RFC 4861 §8.3).
func (t *Tracker) redirect(p *analyze.Packet, m *nd.ND) {
	if r := t.routers.Peek(routerKey{p.Link, m.Src}); r == nil {
		t.anomaly(analyze.Warn, "nd.redirect_not_router", "", p, "Redirect from "+m.Src.String()+", which never advertised itself as a router: hosts accept Redirects only from their first-hop router", "RFC 4861 §8.1")
	}
	mac, ok := lla(m, nd.OptTargetLinkAddr)
	if !ok || !m.Target.IsValid() || !p.HasMAC {
		return
	}
	n := t.entry(p, Node{MAC: p.Dst}, m.Target, true)
	n.learned(p.Frame, p.Time, mac, analyze.BasisObserved)
	t.touch(n)
}

// burst counts events on a link and flags more than BurstLimit in one
// BurstWindow, once per window.
type burst struct {
	start    time.Time
	n        int
	reported bool
}

func (t *Tracker) burst(p *analyze.Packet, b *burst, code, what string) {
	if p.Time.Sub(b.start) > t.cfg.BurstWindow {
		b.start, b.n, b.reported = p.Time, 0, false
	}
	b.n++
	if b.n > t.cfg.BurstLimit && !b.reported {
		b.reported = true
		t.anomaly(analyze.Warn, code, "", p, "more than "+strconv.Itoa(t.cfg.BurstLimit)+" "+what+" within "+t.cfg.BurstWindow.String()+" on "+linkString(p.Link)+": a flood (RFC 4861 §6.2.4 and §7.2.6 rate-limit them)", "RFC 3756 §4.3.1")
	}
}

// Finish implements analyze.Tracker: every live session is reported.
func (t *Tracker) Finish() {
	t.neighbors.All(func(en *analyze.Entry[neighborKey, neighbor]) bool {
		if en.Val.state != NeighborNone {
			t.emitSession(en.Val.session(), false)
		}
		return true
	})
	t.addresses.All(func(en *analyze.Entry[addressKey, address]) bool {
		t.emitSession(en.Val.session(), false)
		return true
	})
	t.routers.All(func(en *analyze.Entry[routerKey, router]) bool {
		t.emitSession(en.Val.session(), false)
		return true
	})
	t.prefixes.All(func(en *analyze.Entry[prefixKey, prefix]) bool {
		t.emitSession(en.Val.session(), false)
		return true
	})
}

// Tables implements analyze.Tracker.
func (t *Tracker) Tables() []analyze.TableStat {
	return []analyze.TableStat{
		{Kind: "neighbor", Live: t.neighbors.Len(), Cap: t.neighbors.Cap(), Evicted: t.neighbors.Evicted()},
		{Kind: "address", Live: t.addresses.Len(), Cap: t.addresses.Cap(), Evicted: t.addresses.Evicted()},
		{Kind: "router", Live: t.routers.Len(), Cap: t.routers.Cap(), Evicted: t.routers.Evicted()},
		{Kind: "prefix", Live: t.prefixes.Len(), Cap: t.prefixes.Cap(), Evicted: t.prefixes.Evicted()},
		{Kind: "owner", Live: t.owners.Len(), Cap: t.owners.Cap(), Evicted: t.owners.Evicted()},
		{Kind: "station", Live: t.stations.Len(), Cap: t.stations.Cap(), Evicted: t.stations.Evicted()},
	}
}

// Limits implements analyze.Tracker.
func (t *Tracker) Limits() []string {
	var l []string
	if !t.learnedReachable {
		l = append(l, "no Router Advertisement gave a Reachable Time: REACHABLE entries go STALE after an assumed "+t.cfg.ReachableTime.String()+" (--reachable-time); real nodes draw 0.5 to 1.5 times their base (RFC 4861 §6.3.2), so STALE times are estimates")
	} else {
		l = append(l, "REACHABLE entries go STALE after the Reachable Time the RAs advertised; real nodes draw 0.5 to 1.5 times it (RFC 4861 §6.3.2), so STALE times are estimates")
	}
	if !t.learnedRetrans {
		l = append(l, "no Router Advertisement gave a Retrans Timer: probes and DAD assume "+t.cfg.RetransTimer.String()+" (--retrans-timer)")
	}
	if t.addresses.Len() > 0 {
		l = append(l, "DAD ends RetransTimer after a node's last probe (RFC 4862 §5.4.2); the observer cannot see how many probes a node will send, so it assumes "+strconv.Itoa(t.cfg.DADTransmits)+" (--dad-transmits) until one of the node's DADs completes and shows its count ("+strconv.Itoa(t.learnedDAD)+" DADs completed), and it waits RetransTimer/4 past the end before it shows PREFERRED, so that a probe sent a little late is not taken for a new DAD")
	}
	l = append(l, "DELAY lasts an assumed DELAY_FIRST_PROBE_TIME of "+t.cfg.DelayFirstProbe.String()+" (--delay-first-probe); upper-layer reachability confirmations (TCP progress, RFC 4861 §7.3.1) are invisible, so an entry the observer moves to PROBE may have gone back to REACHABLE silently")
	l = append(l, "a node's cache from before the capture appears only once the node uses it; a multicast RA with a Source Link-Layer Address gives every node already heard on the link (up to "+strconv.Itoa(t.cfg.MaxHostsPerRA)+" per RA, the most recently heard first) an inferred entry for the router (RFC 4861 §6.3.4), but a node first heard later gets none for the RAs before it")
	if t.raOverflow > 0 {
		l = append(l, strconv.Itoa(t.raOverflow)+" multicast Router Advertisements reached more than "+strconv.Itoa(t.cfg.MaxHostsPerRA)+" known nodes: only the most recently heard "+strconv.Itoa(t.cfg.MaxHostsPerRA)+" got an inferred entry for the router (a bound on the work per RA, Config.MaxHostsPerRA)")
	}
	if t.raTableFull > 0 {
		l = append(l, strconv.Itoa(t.raTableFull)+" inferred entries for routers were not created because the neighbor table was full: inferences do not evict entries (raise --max-sessions)")
	}
	if u := t.pendingAdded - t.pendingResolved; u > 0 {
		l = append(l, strconv.Itoa(u)+" multicast solicitations were for targets whose owner was not heard within MAX_MULTICAST_SOLICIT × RetransTimer: their receivers' entries for the soliciting node could not be placed (RFC 4861 §7.2.3)")
	}
	return l
}
