package nd

import (
	"net/netip"
	"strconv"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/nd"
)

// ownerKey is an address on a link.
type ownerKey struct {
	link analyze.Link
	addr netip.Addr
}

// owner is who holds an address on the link, as far as the observer knows:
// the Ethernet source of the packets sent from it (ND messages, whose Hop
// Limit 255 proves they were sent on the link, and link-local sources,
// which routers never forward), or the node whose DAD for it passed.
type owner struct {
	mac       analyze.MAC // the first MAC seen using it
	last      analyze.MAC // the MAC of the latest packet from it
	confirmed bool        // used as a source, or DAD passed; not only tried
	frame     int
}

// stationKey is a MAC on a link.
type stationKey struct {
	link analyze.Link
	mac  analyze.MAC
}

// station is one MAC heard on a link: a node a multicast reaches. It
// counts what the node did in DAD, for the denial-of-service check.
type station struct {
	link                analyze.Link
	mac                 analyze.MAC
	dadTried, dadFailed int
	defended            int // distinct addresses it defended without holding them
	lastDefended        netip.Addr
	reported            bool
	// dadTransmits is how many probes the node sent in its latest DAD
	// that completed (its DupAddrDetectTransmits, RFC 4862 §5.1); 0 when
	// none was seen.
	dadTransmits uint8
	// prev and next chain the link's stations, the most recently heard
	// first (linkState.hosts).
	prev, next *station
}

// sourceSeen notes that mac sent from addr, and flags an address whose
// MAC changes (NDPMon's "changed ethernet address") and changes back
// ("flip flop").
func (t *Tracker) sourceSeen(p *analyze.Packet, addr netip.Addr, mac analyze.MAC) {
	t.heard(p.Link, mac)
	k := ownerKey{p.Link, addr}
	en, created := t.owners.Add(k)
	o := &en.Val
	if created || !o.confirmed {
		*o = owner{mac: mac, last: mac, confirmed: true, frame: p.Frame}
		if created {
			t.resolvePending(p, addr, Node{MAC: mac})
		}
		return
	}
	if o.last == mac {
		return
	}
	if mac == o.mac {
		t.anomaly(analyze.Warn, "nd.flip_flop", "", p, addr.String()+" is back at "+mac.String()+" after being used from "+o.last.String()+": two stations claim the address (IP/MAC flip-flop)", "RFC 3756 §4.1.1")
	} else {
		t.anomaly(analyze.Warn, "nd.mac_changed", "", p, addr.String()+", known at "+o.mac.String()+" since frame "+strconv.Itoa(o.frame)+", is now used from "+mac.String()+": a new interface, or a spoofer", "RFC 3756 §4.1.1")
	}
	o.last = mac
}

// confirmOwner records that a node's DAD for addr passed.
func (t *Tracker) confirmOwner(l analyze.Link, addr netip.Addr, mac analyze.MAC, frame int) {
	en, created := t.owners.Add(ownerKey{l, addr})
	if created || !en.Val.confirmed {
		en.Val = owner{mac: mac, last: mac, confirmed: true, frame: frame}
	}
}

func (t *Tracker) station(l analyze.Link, mac analyze.MAC) *station {
	en, created := t.stations.Add(stationKey{l, mac})
	s := &en.Val
	if created {
		s.link, s.mac = l, mac
		t.linkStation(s)
	}
	return s
}

// heard notes that mac sent on the link: its station moves to the head of
// the link's chain.
func (t *Tracker) heard(l analyze.Link, mac analyze.MAC) {
	s := t.station(l, mac)
	if t.linkConfig(l).hosts != s {
		t.unlinkStation(s)
		t.linkStation(s)
	}
}

func (t *Tracker) linkStation(s *station) {
	ls := t.linkConfig(s.link)
	s.prev, s.next = nil, ls.hosts
	if ls.hosts != nil {
		ls.hosts.prev = s
	}
	ls.hosts = s
}

func (t *Tracker) unlinkStation(s *station) {
	ls := t.linkConfig(s.link)
	if s.prev != nil {
		s.prev.next = s.next
	} else if ls.hosts == s {
		ls.hosts = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	}
	s.prev, s.next = nil, nil
}

// dadSolicit handles a DAD NS: the node starts (or repeats) DAD for target
// (RFC 4862 §5.4.2). A node whose DAD for target is running receives this
// probe while its address is tentative, so its copy is a duplicate
// (§5.4.3). The sender's DAD goes on: it probed after the other node did,
// and a node that had taken the other's probe for a conflict would have
// stopped, its address a duplicate never to be assigned (§5.4.5), rather
// than probe for it. (Linux does so: of two nodes given one address at
// once, the first to probe ends dadfailed, the second keeps it; see
// pcaps/dad-loopback.pcapng.) An NS carrying the Nonce of a probe a node
// doing DAD for target sent is that probe looped back, not another
// node's (RFC 7527 §4.1): it changes nothing.
func (t *Tracker) dadSolicit(p *analyze.Packet, m *nd.ND, target netip.Addr) {
	if !p.HasMAC {
		return
	}
	if _, ok := lla(m, nd.OptSourceLinkAddr); ok {
		return // RFC 4861 §7.1.1: receivers discard it
	}
	k := addressKey{p.Link, target, p.Src}
	ak := ownerKey{p.Link, target}
	nc, hasNonce := dadNonce(m)
	if hasNonce && t.loopedBack(p, k, ak, nc) {
		return
	}
	en, created := t.addresses.Add(k)
	a := &en.Val
	if created {
		a.t, a.key, a.first = t, k, p.Frame
		a.id = "nd/address/" + linkString(p.Link) + "/" + target.String() + "/" + p.Src.String()
	}
	a.last = p.Frame
	if other := t.dadByAddr[ak]; other != nil && other != a && other.running() {
		other.last = p.Frame
		other.conflict(ReasonDADNS, p.Frame, p.Time, p.Src)
		t.e.Touch("nd", other.id, other.state.String())
	}
	switch cont := a.continues(nc, hasNonce, p.Time); {
	case cont && !a.noted:
		a.noted = true
		t.dadGoesOn(p, a)
		a.continueRun(p.Frame, p.Time)
	case cont:
		a.continueRun(p.Frame, p.Time)
	default:
		if a.state != Tentative {
			t.station(p.Link, p.Src).dadTried++
		}
		a.dadSolicit(p.Frame, p.Time)
	}
	if hasNonce {
		a.sentNonce(nc, p.Frame, p.Time)
	}
	t.dadByAddr[ak] = a
	t.heard(p.Link, p.Src)
	if o := t.owners.Peek(ak); o == nil {
		en, _ := t.owners.Add(ak)
		en.Val = owner{mac: p.Src, last: p.Src, frame: p.Frame}
	}
	t.e.Touch("nd", a.id, a.state.String())
}

// dadNonce returns the Nonce option of a DAD NS (RFC 3971 §5.3.2, the
// option RFC 7527 §4.1 has DAD probes carry).
func dadNonce(m *nd.ND) (nonce, bool) {
	for i := range m.Options {
		if o := &m.Options[i]; o.Type == nd.OptNonce && len(o.Data) > 0 {
			var n nonce
			n.n = uint8(copy(n.b[:], o.Data))
			return n, true
		}
	}
	return nonce{}, false
}

// loopedBack reports whether a DAD NS with nonce nc is a probe of a
// tentative address looped back to the link (RFC 7527 §4.1: a node that
// receives an NS for its tentative address carrying a Nonce it sent
// ignores it as its own). A node's own NS with its nonce again after half
// a RetransTimer or more is a retransmission: Linux keeps one nonce for
// all the probes of one DAD.
func (t *Tracker) loopedBack(p *analyze.Packet, k addressKey, ak ownerKey, nc nonce) bool {
	own := t.dadByAddr[ak]
	if own == nil || !own.running() || !own.hasNonce(nc) {
		if e := t.addresses.Peek(k); e != nil && e.Val.running() && e.Val.hasNonce(nc) {
			own = &e.Val
		} else {
			return false
		}
	}
	if own.key.node == p.Src && p.Time.Sub(own.lastNS) >= t.linkConfig(k.link).retrans/2 {
		return false
	}
	own.looped++
	own.last = p.Frame
	t.e.Touch("nd", own.id, own.state.String())
	from := "it"
	if own.key.node != p.Src {
		from = "this copy comes from " + p.Src.String() + ", but it"
	}
	t.anomaly(analyze.Note, "nd.dad_looped_back", own.id, p, "DAD Neighbor Solicitation for "+k.addr.String()+" with the Nonce "+nc.String()+" that "+own.key.node.String()+"'s own probe carried (frame "+strconv.Itoa(own.nonceFrame(nc))+"): "+from+" is that probe looped back (a loop on the link, or a mirrored port), not another node's DAD; the address stays tentative", "RFC 7527 §4.1")
	return true
}

// dadGoesOn reports a DAD probe that continues a DAD the timer had
// declared done (address.continues): the node sends more probes, or
// spaces them further, than the observer assumed.
func (t *Tracker) dadGoesOn(p *analyze.Packet, a *address) {
	n, learned := t.dadTransmits(a.key.link, a.key.node)
	basis := "the assumed DupAddrDetectTransmits " + strconv.Itoa(n) + " (--dad-transmits)"
	if learned {
		basis = "the " + strconv.Itoa(n) + " probes of its previous DAD"
	}
	retrans := t.linkConfig(a.key.link).retrans
	t.anomaly(analyze.Note, "nd.dad_more_probes", a.id, p, a.key.node.String()+" sent DAD probe "+strconv.Itoa(a.run+1)+" for "+a.key.addr.String()+" "+p.Time.Sub(a.lastNS).String()+" after its previous one, after v6scope had taken its DAD as done (PREFERRED) on "+basis+" "+retrans.String()+" apart: the DAD was still running — the node sends more probes, or waits longer between them, than assumed. The address stays PREFERRED, a conflict still fails it, and this node's later DADs wait for the count it sends (set the assumptions with --dad-transmits and --retrans-timer)", "RFC 4862 §5.1, §5.4.2")
}

// dadTransmits returns how many DAD probes the node sends: as many as in
// its latest DAD that completed (learned), else Config.DADTransmits.
func (t *Tracker) dadTransmits(l analyze.Link, mac analyze.MAC) (n int, learned bool) {
	if s := t.stations.Peek(stationKey{l, mac}); s != nil && s.Val.dadTransmits > 0 {
		return int(s.Val.dadTransmits), true
	}
	return t.cfg.DADTransmits, false
}

// learnDADTransmits records the count of probes of a node's DAD that
// completed.
func (t *Tracker) learnDADTransmits(l analyze.Link, mac analyze.MAC, n int) {
	if n <= 0 {
		return
	}
	s := t.station(l, mac)
	s.dadTransmits = uint8(min(n, MaxDADTransmits))
	t.learnedDAD++
}

// dadAnswered handles an NA for target: a tentative address of another
// node becomes DUPLICATE (RFC 4862 §5.4.4). An answer from a station that
// was never seen holding the address smells of a DAD denial of service
// (RFC 3756 §4.1.3).
func (t *Tracker) dadAnswered(p *analyze.Packet, target netip.Addr, claimed analyze.MAC) {
	a := t.dadByAddr[ownerKey{p.Link, target}]
	if a == nil || !a.running() || !p.HasMAC || a.key.node == p.Src {
		return
	}
	a.last = p.Frame
	a.conflict(ReasonDADNA, p.Frame, p.Time, claimed)
	t.e.Touch("nd", a.id, a.state.String())
	o := t.owners.Peek(ownerKey{p.Link, target})
	if o != nil && o.Val.confirmed && (o.Val.mac == p.Src || o.Val.mac == claimed) {
		return // the holder defends its address
	}
	s := t.station(p.Link, p.Src)
	if s.lastDefended != target {
		s.defended++
		s.lastDefended = target
	}
	t.anomaly(analyze.Warn, "nd.dad_unknown_defender", a.id, p, p.Src.String()+" answers the DAD of "+a.key.node.String()+" for "+target.String()+" but was never seen using that address: a possible DAD denial of service", "RFC 3756 §4.1.3")
	if s.defended >= 2 && !s.reported {
		s.reported = true
		t.anomaly(analyze.Error, "nd.dad_dos", a.id, p, p.Src.String()+" has answered DAD for "+strconv.Itoa(s.defended)+" addresses it never used: DAD denial of service", "RFC 3756 §4.1.3")
	}
}

// dadFailed counts a node's failed DAD and flags a node none of whose
// addresses (two or more tried) survives DAD.
func (t *Tracker) dadFailed(a *address) {
	s := t.station(a.key.link, a.key.node)
	s.dadFailed++
	if s.dadTried >= 2 && s.dadFailed >= s.dadTried && !s.reported {
		s.reported = true
		t.an = analyze.Anomaly{Proto: "nd", Code: "nd.dad_dos", Severity: analyze.Error, Session: a.id, Frame: t.e.Frame(), Time: t.e.Now(),
			Message: "every address " + a.key.node.String() + " tried (" + strconv.Itoa(s.dadTried) + ") was answered as a duplicate: DAD denial of service", RFC: "RFC 3756 §4.1.3"}
		t.e.Anomaly(&t.an)
	}
}
