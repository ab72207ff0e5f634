package mip6

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/mip6"
)

// binding is one (home address, home agent or correspondent) binding
// (RFC 6275 §9.1, §11.1).
type binding struct {
	t     *Tracker
	key   pairKey
	id    string
	state BindingState
	home  bool // a home registration (H flag)
	coa   netip.Addr
	// The BU waiting for its BA.
	pending                     bool
	pendSeq                     uint16
	pendLifetime                time.Duration
	pendDereg, pendFirst, pendA bool
	pendFrame                   int
	// The last accepted sequence number, and what the bindings granted.
	accepted    bool
	lastSeq     uint16
	lifetime    time.Duration
	expires     time.Time
	refresh     time.Duration // Binding Refresh Advice
	status      uint8
	nextSeq     int // what a status-135 BA told the mobile node to use, -1 when none
	mnp         []netip.Prefix
	router      bool // a NEMO mobile router (R flag)
	brr, be     int
	authOK      int
	first, last int
	transitions int
	sinceFrame  int
	timer       analyze.Timer // the lifetime
	ack         ackTimer
}

// ackTimer fires when a BU that asked for an acknowledgement got none.
type ackTimer struct {
	b     *binding
	timer analyze.Timer
}

func (b *binding) move(to BindingState, r Reason, basis analyze.Basis, frame int, at time.Time, evidence ...int) {
	if b.state != to {
		from := b.state
		b.state = to
		b.sinceFrame = frame
		b.transitions++
		b.t.transition("binding", b.id, frame, at, from.String(), to.String(), r, basis, evidence...)
	}
	b.t.e.Touch("mip6", b.id, b.state.String())
}

// Fire implements analyze.Firer: the lifetime ran out (RFC 6275 §9.5.2).
func (b *binding) Fire(now time.Time) {
	if b.state == Bound || b.state == Refreshing || b.state == Rejected {
		b.move(Expired, ReasonLifetime, analyze.BasisTimer, b.t.e.Frame(), now, b.sinceFrame)
	}
}

// Fire implements analyze.Firer: no BA within the retransmission timeout
// (RFC 6275 §11.8).
func (a *ackTimer) Fire(now time.Time) {
	b := a.b
	if !b.pending {
		return
	}
	b.t.anomaly(analyze.Warn, "mip6.bu_without_ba", b.id, b.pendFrame, now,
		"Binding Update seq "+strconv.Itoa(int(b.pendSeq))+" (frame "+strconv.Itoa(b.pendFrame)+") asked for an acknowledgement and got no BA within the retransmission timeout", "RFC 6275 §11.8, §12")
}

func (t *Tracker) bindingOf(k pairKey, frame int) *binding {
	en, created := t.bindings.Add(k)
	b := &en.Val
	if created {
		*b = binding{t: t, key: k, id: "mip6/binding/" + k.String(), first: frame, nextSeq: -1}
		b.ack.b = b
	}
	b.last = frame
	return b
}

// update handles a Binding Update (RFC 6275 §9.5.1, §11.7.1).
func (t *Tracker) update(p *analyze.Packet, m *mip6.Mobility) {
	hoa := m.HoA
	if !hoa.IsValid() {
		hoa = m.Src // sent from home: a deregistration (RFC 6275 §11.5.4)
	}
	_, peer := m.PseudoAddrs()
	b := t.bindingOf(pairKey{hoa, peer}, p.Frame)
	seq := uint16(m.Sequence)
	coa, _ := m.AuthAddresses()
	if m.Lifetime != 0 && coa != hoa {
		b.coa = coa
		t.homeOf[coa] = hoa
	}
	b.home = m.Flags&mip6.BUFlagH != 0
	if m.Flags&mip6.BUFlagR != 0 {
		b.router = true
		b.mnp = m.MobileNetworkPrefixes(b.mnp[:0])
	}
	if b.accepted && !seqLess(b.lastSeq, seq) {
		t.anomaly(analyze.Warn, "mip6.sequence_backwards", b.id, p.Frame, p.Time,
			"Binding Update seq "+strconv.Itoa(int(seq))+" is not greater than the last accepted "+strconv.Itoa(int(b.lastSeq))+" (modulo 2^16): the peer rejects it with status 135", "RFC 6275 §9.5.1")
	}
	dereg := m.Lifetime == 0 || coa == hoa
	b.pending, b.pendSeq, b.pendFrame = true, seq, p.Frame
	b.pendLifetime = time.Duration(m.Lifetime) * lifetimeUnit
	b.pendDereg, b.pendA = dereg, m.Flags&mip6.BUFlagA != 0
	b.pendFirst = b.state == BindingNone || b.state == Deregistered || b.state == Expired
	t.verify(p, m, b.id, hoa, peer, dereg)
	if b.pendA {
		timeout := InitialBindackTimeout
		if b.pendFirst && b.home {
			timeout = InitialBindackTimeoutFirstReg
		}
		t.e.Clock.Arm(&b.ack.timer, p.Time.Add(timeout), &b.ack)
	}
	switch {
	case dereg:
		b.move(Deregistering, ReasonDeregBU, analyze.BasisObserved, p.Frame, p.Time, p.Frame)
	case b.state == Bound || b.state == Refreshing:
		b.move(Refreshing, ReasonBU, analyze.BasisObserved, p.Frame, p.Time, p.Frame)
	default:
		b.move(Registering, ReasonBU, analyze.BasisObserved, p.Frame, p.Time, p.Frame)
	}
	if !b.pendA {
		// No BA will come: a correspondent applies it (RFC 6275 §9.5.1).
		t.accept(b, seq, b.pendLifetime, p.Frame, p.Time, ReasonNoAck, analyze.BasisInferred)
	}
}

// accept applies an accepted BU.
func (t *Tracker) accept(b *binding, seq uint16, lifetime time.Duration, frame int, at time.Time, r Reason, basis analyze.Basis) {
	dereg := b.pendDereg
	b.pending = false
	t.e.Clock.Stop(&b.ack.timer)
	b.accepted, b.lastSeq, b.nextSeq = true, seq, -1
	if dereg {
		t.e.Clock.Stop(&b.timer)
		b.lifetime, b.expires = 0, time.Time{}
		b.move(Deregistered, r, basis, frame, at, b.pendFrame, frame)
		return
	}
	b.lifetime, b.expires = lifetime, at.Add(lifetime)
	t.e.Clock.Arm(&b.timer, b.expires, b)
	b.move(Bound, r, basis, frame, at, b.pendFrame, frame)
}

// ack handles a Binding Acknowledgement (RFC 6275 §11.7.3).
func (t *Tracker) ack(p *analyze.Packet, m *mip6.Mobility) {
	peer, hoa := m.PseudoAddrs()
	if m.FinalDst.IsValid() {
		hoa = m.FinalDst
	}
	k := pairKey{hoa, peer}
	en := t.bindings.Get(k)
	seq := uint16(m.Sequence)
	if en == nil || !en.Val.pending || m.Status != 135 && en.Val.pendSeq != seq {
		id := "mip6/binding/" + k.String()
		t.anomaly(analyze.Warn, "mip6.ba_without_bu", id, p.Frame, p.Time,
			"Binding Acknowledgement seq "+strconv.Itoa(int(seq))+" from "+peer.String()+" for "+hoa.String()+" answers no Binding Update seen", "RFC 6275 §9.5.1, §11.7.3")
		if en != nil {
			en.Val.last = p.Frame
			t.e.Touch("mip6", id, en.Val.state.String())
		}
		return
	}
	b := &en.Val
	b.last = p.Frame
	b.status = m.Status
	if r, ok := m.RefreshInterval(); ok {
		b.refresh = time.Duration(r) * lifetimeUnit
	}
	if b.router && m.Flags&mip6.BAFlagR == 0 && m.Status < 128 {
		t.anomaly(analyze.Note, "mip6.nemo_not_supported", b.id, p.Frame, p.Time,
			"the home agent accepted a mobile router's BU without the R flag in its BA: it does not forward the mobile network prefixes", "RFC 3963 §6.2")
	}
	if r, ok := rrVal(t.rrs.Peek(k)); ok && r.state == Complete {
		t.checkAuth(p, m, b.id, r, b.pendDereg)
	}
	if m.Status < 128 {
		t.accept(b, seq, time.Duration(m.Lifetime)*lifetimeUnit, p.Frame, p.Time, ReasonBA, analyze.BasisObserved)
		return
	}
	// Rejected: the earlier binding, if any, stays until its lifetime.
	b.pending = false
	t.e.Clock.Stop(&b.ack.timer)
	msg := "Binding Update seq " + strconv.Itoa(int(b.pendSeq)) + " rejected: " + strconv.Itoa(int(m.Status)) + " " + mip6.BAStatusName(uint64(m.Status))
	if m.Status == 135 {
		// "the Sequence Number field in the Binding Acknowledgement is
		// copied from the Sequence Number in the last successful BU"
		// (RFC 6275 §9.5.1): the mobile node goes on from there.
		b.nextSeq = int(seq + 1)
		b.accepted, b.lastSeq = true, seq
		msg += "; the BA carries the last accepted seq " + strconv.Itoa(int(seq)) + ": the mobile node must use " + strconv.Itoa(b.nextSeq) + " or above"
	}
	t.anomaly(analyze.Note, "mip6.bu_rejected", b.id, p.Frame, p.Time, msg, "RFC 6275 §6.1.8, §11.7.3")
	b.move(Rejected, ReasonBARejected, analyze.BasisObserved, p.Frame, p.Time, b.pendFrame, p.Frame)
}

// refreshRequest handles a Binding Refresh Request (RFC 6275 §6.1.2,
// §11.7.4): the binding is touched, not changed.
func (t *Tracker) refreshRequest(p *analyze.Packet, m *mip6.Mobility) {
	peer, hoa := m.PseudoAddrs()
	if en := t.bindings.Get(pairKey{hoa, peer}); en != nil {
		en.Val.brr++
		en.Val.last = p.Frame
		t.e.Touch("mip6", en.Val.id, en.Val.state.String())
	}
}

// bindingError handles a Binding Error (RFC 6275 §6.1.9, §9.3.3).
func (t *Tracker) bindingError(p *analyze.Packet, m *mip6.Mobility) {
	hoa := m.HomeAddress
	id := "mip6/binding/" + pairKey{hoa, m.Src}.String()
	if en := t.bindings.Get(pairKey{hoa, m.Src}); en != nil {
		en.Val.be++
		en.Val.last = p.Frame
		t.e.Touch("mip6", id, en.Val.state.String())
	}
	t.anomaly(analyze.Note, "mip6.binding_error", id, p.Frame, p.Time,
		m.Src.String()+" sent a Binding Error for "+hoa.String()+": "+strconv.Itoa(int(m.Status))+" "+mip6.BEStatusName(uint64(m.Status)), "RFC 6275 §9.3.3, §11.3.6")
}

func (b *binding) session() *analyze.Session {
	s := &analyze.Session{Proto: "mip6", Kind: "binding", ID: b.id, State: b.state.String(), FirstFrame: b.first, LastFrame: b.last, Transitions: b.transitions}
	add := func(k string, v any) { s.Attrs = append(s.Attrs, analyze.Attr{Key: k, Val: v}) }
	add("home_address", b.key.hoa)
	add("peer", b.key.peer)
	role := "correspondent"
	if b.home {
		role = "home_agent"
	}
	add("role", role)
	if b.coa.IsValid() {
		add("care_of_address", b.coa)
	}
	if b.accepted {
		add("last_seq", int(b.lastSeq))
	}
	if b.lifetime > 0 {
		add("lifetime", b.lifetime)
		add("expires", b.expires)
	}
	if b.refresh > 0 {
		add("refresh_advice", b.refresh)
	}
	add("status", int(b.status))
	if b.status != 0 {
		add("status_name", mip6.BAStatusName(uint64(b.status)))
	}
	if b.nextSeq >= 0 {
		add("next_seq", b.nextSeq)
	}
	if b.router {
		add("mobile_router", true)
		ps := make([]string, len(b.mnp))
		for i, p := range b.mnp {
			ps[i] = p.String()
		}
		add("mobile_network_prefixes", ps)
	}
	if b.brr > 0 {
		add("binding_refresh_requests", b.brr)
	}
	if b.be > 0 {
		add("binding_errors", b.be)
	}
	if b.authOK > 0 {
		add("authenticators_verified", b.authOK)
	}
	return s
}
