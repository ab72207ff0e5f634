package nd

import (
	"net/netip"
	"time"

	"github.com/v6scope/v6scope/analyze"
)

// raReaches applies a multicast RA's Source Link-Layer Address option to
// the nodes it reaches: "If the advertisement contains a Source Link-Layer
// Address option, the link-layer address SHOULD be recorded in the
// Neighbor Cache entry for the router (creating an entry if necessary) and
// the IsRouter flag in the Neighbor Cache entry MUST be set to TRUE"
// (RFC 4861 §6.3.4). The observer sees the RA sent, not who took it in, so
// every such change is inferred. Entries that exist are updated; the
// nodes already heard on the link get one, at most MaxHostsPerRA of them
// (the most recently heard first), and only while the neighbor table has
// room: an inference never evicts what packets showed.
func (t *Tracker) raReaches(p *analyze.Packet, router netip.Addr, mac analyze.MAC) {
	for n := t.byTarget[ownerKey{p.Link, router}]; n != nil; n = n.nextT {
		if n.state != NeighborNone && (!p.HasMAC || n.key.node.MAC != p.Src) {
			n.last = p.Frame
			n.router = true
			n.learned(p.Frame, p.Time, mac, analyze.BasisInferred)
		}
	}
	if !p.HasMAC {
		return // nodes are named by MAC only on Ethernet captures
	}
	var self analyze.MAC // the station known to hold the router's address
	if o := t.owners.Peek(ownerKey{p.Link, router}); o != nil {
		self = o.Val.mac
	}
	reached := 0
	for s := t.linkConfig(p.Link).hosts; s != nil; s = s.next {
		if s.mac == p.Src || s.mac == mac || s.mac == self {
			continue // the router itself
		}
		if reached == t.cfg.MaxHostsPerRA {
			t.raOverflow++
			return
		}
		reached++
		node := Node{MAC: s.mac}
		if t.neighbors.Peek(neighborKey{p.Link, node, router}) == nil && t.neighbors.Len() >= t.neighbors.Cap() {
			t.raTableFull++
			continue
		}
		n := t.entry(p, node, router, true)
		n.router = true
		n.learned(p.Frame, p.Time, mac, analyze.BasisInferred)
	}
}

// maxSolicitors is how many nodes' multicast NSs one target keeps while
// its owner is unknown: several hosts often resolve the same address (a
// router's) at once.
const maxSolicitors = 4

// pendingNS holds the multicast NSs for one target whose owner had not
// been heard: the owner, once known, is taken to have created its entry
// for each soliciting address from the Source Link-Layer Address option
// (RFC 4861 §7.2.3).
type pendingNS struct {
	sol [maxSolicitors]pendingSol
	n   int
}

// pendingSol is one soliciting node's NS.
type pendingSol struct {
	solicitor Node       // the soliciting node
	src       netip.Addr // its source address: the owner's entry is for it
	mac       analyze.MAC
	frame     int       // the first such NS
	at        time.Time // and its time
	last      time.Time // the latest one
}

// pend keeps a multicast NS whose target's owner is unknown, with up to
// maxSolicitors others for the same target; beyond that the oldest gives
// way and counts as never resolved.
func (t *Tracker) pend(p *analyze.Packet, target netip.Addr, solicitor Node, src netip.Addr, mac analyze.MAC) {
	en, _ := t.pending.Add(ownerKey{p.Link, target})
	ps := &en.Val
	for i := range ps.sol[:ps.n] {
		s := &ps.sol[i]
		if s.solicitor == solicitor && s.src == src && s.mac == mac && p.Time.Sub(s.last) <= t.pendingWindow(p.Link) {
			s.last = p.Time // a retransmission (RFC 4861 §7.2.2)
			return
		}
	}
	t.pendingAdded++
	if ps.n == maxSolicitors {
		copy(ps.sol[:], ps.sol[1:])
		ps.n--
	}
	ps.sol[ps.n] = pendingSol{solicitor: solicitor, src: src, mac: mac, frame: p.Frame, at: p.Time, last: p.Time}
	ps.n++
}

// pendingWindow is how long after a solicitation its target's owner may
// still show up and be taken to have received it: the solicitor's own
// resolution time, MAX_MULTICAST_SOLICIT × RetransTimer (RFC 4861 §7.2.2).
// An owner first heard later may have joined the link after the NS.
func (t *Tracker) pendingWindow(l analyze.Link) time.Duration {
	return time.Duration(t.cfg.MaxMulticast) * t.linkConfig(l).retrans
}

// resolvePending applies the pending NSs for target now that its owner is
// known: the owner's entry for each solicitor is placed at STALE at the
// time of its NS, inferred from the NS and the packet p that revealed the
// owner (typically the solicited NA that answers it).
func (t *Tracker) resolvePending(p *analyze.Packet, target netip.Addr, owner Node) {
	k := ownerKey{p.Link, target}
	en := t.pending.Peek(k)
	if en == nil {
		return
	}
	ps := en.Val
	t.pending.Delete(k)
	for _, s := range ps.sol[:ps.n] {
		if owner == s.solicitor || p.Time.Sub(s.last) > t.pendingWindow(p.Link) {
			continue
		}
		t.pendingResolved++
		n := t.entryAt(p, s.frame, owner, s.src, true)
		n.learned(s.frame, s.at, s.mac, analyze.BasisInferred, s.frame, p.Frame)
		t.touch(n)
	}
}
