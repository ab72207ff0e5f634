package ikev2

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/analyze"
	dike "github.com/v6scope/v6scope/decode/ikev2"
)

// Kinds of exchange, as the tracker understood them (RFC 7296 §1.3, §1.4).
type xkind uint8

const (
	kUnknown    xkind = iota
	kDPD              // empty INFORMATIONAL: a liveness check (§1.4, §2.4)
	kDelete           // INFORMATIONAL with Delete payloads (§1.4.1)
	kInfo             // INFORMATIONAL carrying something else (notifications, CP)
	kCCSA             // CREATE_CHILD_SA, kind not known yet (no keys)
	kIKERekey         // CREATE_CHILD_SA rekeying the IKE SA (§1.3.2)
	kChildRekey       // CREATE_CHILD_SA with REKEY_SA (§1.3.3)
	kNewChild         // CREATE_CHILD_SA creating a Child SA (§1.3.1)
)

var xkindNames = [...]string{"", "dpd", "delete", "informational", "create_child_sa", "ike_rekey", "child_rekey", "new_child"}

// exchange is one request and its response (RFC 7296 §2.1, §2.2).
type exchange struct {
	valid     bool
	typ       uint8
	mid       uint32
	reqFrame  int
	respFrame int
	reqTime   time.Time
	respTime  time.Time // of the response acted on
	sends     int       // copies of the request sent (1 + retransmissions)
	frags     uint64    // fragment numbers of the request seen (RFC 7383)
	respFrags uint64
	length    uint32
	iface     int32 // where the last copy was seen
	answered  bool
	kind      xkind
	inferred  bool
	byHeader  bool     // without keys, kind read from the Encrypted payload's clear Next Payload
	resolved  bool     // a CREATE_CHILD_SA whose kind is settled
	pend      *pending // without keys: what is known of the Child SA it may create
	// With keys: the proposal's SPI in request and response, and the SPI
	// of the Child SA REKEY_SA names.
	reqSPI   []byte
	rekeySPI uint32
	hasRekey bool
	child    *child
	deleted  []deletion
}

// pending is, without keys, an answered IKE_AUTH or CREATE_CHILD_SA whose
// outcome is still open: the Child SA whose ESP has not shown yet, and for
// CREATE_CHILD_SA what it was (RFC 7296 §1.3). It outlives its slot in the
// exchange ring.
type pending struct {
	typ        uint8
	reqFrame   int
	respFrame  int
	reqTime    time.Time
	deleteNext bool   // a delete-like INFORMATIONAL followed it
	deleteHdr  bool   // that INFORMATIONAL's clear header named a Delete
	resolved   bool   // its kind is settled
	child      *child // the Child SA its ESP showed
}

// side is what one peer of an IKE SA did: its requests (RFC 7296 §2.2:
// each peer numbers its own), the endpoints it was seen with, and when it
// last heard from the other.
type side struct {
	next int64 // the Message ID after its highest request; -1 before any
	// ring holds its latest requests by Message ID; allocated with its
	// first request (a half-open SA's responder never has one), and taken
	// back from evicted SAs (Tracker.ringFor).
	ring     *[ringLen]exchange
	addrs    [4]netip.AddrPort
	naddrs   int
	lastRecv time.Time
}

const ringLen = 4

// slot returns the ring's place for mid, the ring allocated by t.
func (s *side) slot(t *Tracker, mid uint32) *exchange {
	if s.ring == nil {
		s.ring = t.ringFor()
	}
	return &s.ring[mid%ringLen]
}

func (s *side) find(mid uint32) *exchange {
	if s.ring == nil {
		return nil
	}
	x := &s.ring[mid%ringLen]
	if x.valid && x.mid == mid {
		return x
	}
	return nil
}

func (s *side) addAddr(ap netip.AddrPort) {
	for _, a := range s.addrs[:s.naddrs] {
		if a == ap {
			return
		}
	}
	if s.naddrs < len(s.addrs) {
		s.addrs[s.naddrs] = ap
		s.naddrs++
	}
}

func (s *side) hasAddr(a netip.Addr) bool {
	for _, x := range s.addrs[:s.naddrs] {
		if x.Addr() == a {
			return true
		}
	}
	return false
}

// sa is one IKE SA.
type sa struct {
	t           *Tracker
	ispi, rspi  [8]byte
	id          string
	state       SAState
	origin      string // IKE_SA_INIT, rekey, unknown
	rekeyOf     string
	successor   *sa
	dead        bool
	first, last int
	transitions int
	side        [2]side
	encr, integ uint16
	keyed       bool       // some message of it was decrypted
	inferred    bool       // some belief about it is inferred
	nat         [2]natSide // per side: what the hashes say about it
	natChecked  bool
	onPort500   bool
	floatFrame  int
	retransmits int
	duplicates  int // capture duplicates of its messages (Tracker.duplicate)
	retry       string
	failNotify  string
	children    []*child
	childSeq    int
	lastKind    xkind // the last INFORMATIONAL or CREATE_CHILD_SA exchange's kind
	lastInfo    *exchange
	pendingDel  *exchange // a Delete of this IKE SA awaiting its response
	pend        [4]*pending
	// Without keys, the IKE_AUTH exchange whose response may be the last
	// of IKE_AUTH: with EAP, IKE_AUTH takes several rounds (RFC 7296
	// §2.16) and only what follows tells the last one; authAt is the
	// time of its response.
	authWait     *exchange
	authAt       time.Time
	authShort    bool // that response was too short to carry AUTH
	authEAP      bool // that response's clear header named EAP first: a round of EAP
	authRounds   int  // IKE_AUTH exchanges (more than 1: EAP, §2.16)
	eap          bool // an EAP payload was read, or named first by a clear SK header
	intermediate int  // IKE_INTERMEDIATE exchanges (RFC 9242 §3)
	firstAt      time.Time
}

// addPending records an answered exchange whose Child SA is unknown.
func (s *sa) addPending(x *exchange) *pending {
	p := &pending{typ: x.typ, reqFrame: x.reqFrame, respFrame: x.respFrame, reqTime: x.reqTime}
	copy(s.pend[1:], s.pend[:len(s.pend)-1])
	s.pend[0] = p
	x.pend = p
	return p
}

// child is one Child SA (RFC 7296 §1.3).
type child struct {
	owner       *sa
	id          string
	creator     string // the IKE SA that created it
	toI, toR    uint32
	hasI, hasR  bool
	proto       uint8
	state       ChildState
	first, last int
	transitions int
	inferred    bool
	createdBy   string
	rekeyOf     string
}

func (s *sa) move(to SAState, r Reason, b analyze.Basis, frame int, at time.Time, evidence ...int) {
	if b == analyze.BasisInferred {
		s.inferred = true
	}
	if s.state != to {
		from := s.state
		s.state = to
		s.transitions++
		s.t.transition("ike_sa", s.id, frame, at, from.String(), to.String(), r, b, evidence...)
	}
}

func (c *child) move(to ChildState, r Reason, b analyze.Basis, frame int, at time.Time, evidence ...int) {
	if c.state != to {
		from := c.state
		c.state = to
		c.transitions++
		c.owner.t.transition("child_sa", c.id, frame, at, from.String(), to.String(), r, b, evidence...)
	}
	if frame > c.last {
		c.last = frame
	}
}

// newSA starts an IKE SA at the first message seen of it.
func (t *Tracker) newSA(ispi [8]byte, frame int, at time.Time) *sa {
	en, _ := t.sas.Add(ispi)
	s := &en.Val
	*s = sa{t: t, ispi: ispi, id: saID(ispi), first: frame, last: frame, firstAt: at}
	s.side[0].next, s.side[1].next = -1, -1
	return s
}

// message follows one IKEv2 message.
func (t *Tracker) message(m *msg) {
	var s *sa
	if en := t.sas.Get(m.ispi); en != nil {
		s = &en.Val
	}
	if m.hasSK && !m.decrypted {
		t.noKeys++
	}
	if m.decrypted {
		t.decrypted++
	}
	if s == nil {
		if m.exchange == exIKESAInit && !m.response {
			s = t.newSA(m.ispi, m.frame, m.at)
			s.origin = "IKE_SA_INIT"
		} else {
			s = t.newSA(m.ispi, m.frame, m.at)
			s.rspi = m.rspi
			t.adopt(s, m)
		}
	}
	if s.rspi == ([8]byte{}) && m.rspi != ([8]byte{}) && m.exchange != exIKESAInit {
		s.rspi = m.rspi
	}
	s.last = m.frame
	if m.decrypted {
		s.keyed = true
		if m.hasEAP {
			s.eap = true
		}
	}
	sender := 0
	if !m.initiator {
		sender = 1
	}
	s.side[sender].addAddr(m.src)
	s.side[1-sender].addAddr(m.dst)
	if m.hasSK {
		s.side[1-sender].lastRecv = m.at
	}
	t.checkFloat(s, m)
	if m.exchange == exIKESAInit {
		t.checkNAT(s, m)
	}
	if m.at.Before(s.firstAt) {
		t.late(s, m)
		t.e.Touch("ikev2", s.id, s.state.String())
		return
	}
	if x := s.authWait; x != nil {
		switch {
		case m.exchange == exIKEAuth && !m.response && m.mid > x.mid:
			// Another round of IKE_AUTH (RFC 7296 §2.16): the response
			// before was not the last.
			s.authWait = nil
			if x.pend != nil {
				t.dropSlotOf(s, x.pend)
			}
		case m.exchange != exIKEAuth:
			t.settleAuth(s, m.frame)
		}
	}
	if m.response {
		t.response(s, m)
	} else {
		t.request(s, m)
	}
	t.e.Touch("ikev2", s.id, s.state.String())
}

// late follows a message stored out of time order: its timestamp is
// before the first message of its IKE SA the tracker saw. Files merged
// from per-flow captures do this (the nDPI IPsec sample stores each SA's
// UDP 500 exchanges after its UDP 4500 ones). Fed to the state machine it
// would be an IKE_SA_INIT after IKE_AUTH reusing Message ID 0 (RFC 7296
// §2.2); what it says about the SA's start is kept instead: its origin,
// retries (§2.6, §1.2), NAT detection (§2.23, done by the caller) and
// transforms.
func (t *Tracker) late(s *sa, m *msg) {
	t.lateMsgs++
	if m.exchange != exIKESAInit {
		return
	}
	if !m.response {
		if s.origin == "unknown" {
			s.origin = "IKE_SA_INIT"
			if t.inferredSAs > 0 {
				t.inferredSAs--
			}
		}
		return
	}
	if _, ok := m.notify(notifyCookie); ok {
		s.retry = appendRetry(s.retry, "COOKIE")
		return
	}
	if n, ok := m.notify(notifyInvalidKE); ok {
		s.retry = appendRetry(s.retry, invalidKEText(n))
		return
	}
	if m.hasSA && s.encr == 0 {
		s.encr, s.integ = m.sa.encr, m.sa.integ
	}
}

// adopt sets up an IKE SA first seen after its IKE_SA_INIT: created by a
// rekey the tracker could not read, or before the capture began.
func (t *Tracker) adopt(s *sa, m *msg) {
	s.origin = "unknown"
	switch {
	case m.exchange == exIKEAuth && !m.response:
		return // the IKE_AUTH request moves it to AUTH_SENT (and counts it)
	case m.exchange == exIKEAuth, m.exchange == exIntermediate:
		// Between IKE_SA_INIT and the end of IKE_AUTH: keys exist,
		// nobody is authenticated yet (RFC 7296 §1.2; RFC 9242 §3).
		t.inferredSAs++
		s.move(InitDone, ReasonMidSetup, analyze.BasisInferred, m.frame, m.at, m.frame)
		return
	}
	// Message ID 0 on an SA that is not starting with IKE_SA_INIT: the
	// first exchange after a rekey (RFC 7296 §2.18: the new SA's Message
	// IDs start at 0). Tie it to the latest unsettled CREATE_CHILD_SA
	// between the same peers.
	if m.mid == 0 {
		if old, x := t.rekeyCandidate(m); old != nil {
			t.inferRekey(old, x, s, m)
			return
		}
	}
	t.inferredSAs++
	s.move(Established, ReasonMidSession, analyze.BasisInferred, m.frame, m.at, m.frame)
}

// rekeyCandidate returns the IKE SA between m's peers whose latest
// CREATE_CHILD_SA is unsettled: the one a new SA without IKE_SA_INIT most
// likely came from.
func (t *Tracker) rekeyCandidate(m *msg) (*sa, *pending) {
	en := t.pairs.Peek(pairOf(m.src.Addr(), m.dst.Addr()))
	if en == nil {
		return nil, nil
	}
	var best *sa
	var bx *pending
	for i := range en.Val.slots {
		sl := &en.Val.slots[i]
		if sl.s == nil || sl.s.dead || sl.x == nil || sl.x.typ != exCreateChildSA || sl.x.resolved {
			continue
		}
		if bx == nil || sl.x.reqFrame > bx.reqFrame {
			best, bx = sl.s, sl.x
		}
	}
	return best, bx
}

// inferRekey settles an unread CREATE_CHILD_SA of old as the rekey that
// created s.
func (t *Tracker) inferRekey(old *sa, x *pending, s *sa, m *msg) {
	x.resolved = true
	t.dropSlot(x)
	s.origin, s.rekeyOf = "rekey", spiHex(old.ispi)
	s.encr, s.integ = old.encr, old.integ
	t.inherit(old, s, x.reqFrame)
	s.move(Established, ReasonRekeyed, analyze.BasisInferred, m.frame, m.at, x.reqFrame, x.respFrame, m.frame)
	if old.state == Established {
		old.move(Rekeying, ReasonRekeyRequest, analyze.BasisInferred, x.reqFrame, x.reqTime, x.reqFrame, m.frame)
	}
	if old.lastInfo != nil && old.lastInfo.kind == kDelete && old.lastInfo.reqFrame > x.reqFrame {
		// At the Delete's response, as with keys (RFC 7296 §1.4.1); at
		// the request when no response was seen.
		d := old.lastInfo
		f, at := d.respFrame, d.respTime
		if f == 0 {
			f, at = d.reqFrame, d.reqTime
		}
		old.move(Deleted, ReasonDelete|d.via(), analyze.BasisInferred, f, at, d.reqFrame, d.respFrame, m.frame)
	}
}

// inherit moves old's Child SAs to s, its successor (RFC 7296 §2.18), and
// what s's peers last heard.
func (t *Tracker) inherit(old, s *sa, frame int) {
	old.successor = s
	s.nat, s.natChecked = old.nat, old.natChecked
	for i := range s.side {
		if s.side[i].lastRecv.IsZero() {
			s.side[i].lastRecv = old.side[i].lastRecv
		}
		for _, a := range old.side[i].addrs[:old.side[i].naddrs] {
			s.side[i].addAddr(a)
		}
	}
	for _, c := range old.children {
		if c.state == Installed || c.state == Creating {
			c.owner = s
			if len(s.children) < t.cfg.MaxChildren {
				s.children = append(s.children, c)
			}
		}
	}
}

// current follows an IKE SA to its successor after rekeys.
func (s *sa) current() *sa {
	for i := 0; i < 64 && s.successor != nil && !s.successor.dead; i++ {
		s = s.successor
	}
	return s
}

// addSlot records x as a child-creating exchange of s waiting for ESP, for
// every pair of addresses its peers used.
func (t *Tracker) addSlot(s *sa, x *pending) {
	for _, a := range s.side[0].addrs[:s.side[0].naddrs] {
		for _, b := range s.side[1].addrs[:s.side[1].naddrs] {
			if a.Addr() == b.Addr() {
				continue
			}
			en, _ := t.pairs.Add(pairOf(a.Addr(), b.Addr()))
			sl := &en.Val.slots
			dup := false
			for i := range sl {
				if sl[i].x == x {
					dup = true
				}
			}
			if dup {
				continue
			}
			copy(sl[1:], sl[:len(sl)-1])
			sl[0] = slot{s: s, x: x}
		}
	}
}

// dropSlot forgets x's slots (it turned out to create no Child SA, or its
// Child SA showed both SPIs).
func (t *Tracker) dropSlot(x *pending) {
	t.pairs.All(func(en *analyze.Entry[pairKey, pairInfo]) bool {
		en.Val.forget(x)
		return true
	})
}

// forget removes x's slots, keeping the others in order.
func (p *pairInfo) forget(x *pending) {
	sl := &p.slots
	for i := 0; i < len(sl); i++ {
		if sl[i].x == x {
			copy(sl[i:], sl[i+1:])
			sl[len(sl)-1] = slot{}
			i--
		}
	}
}

// dropSlotOf forgets x's slots on the pairs of addresses s's peers used
// (bounded: at most 4 × 4 pairs), and x among s's pending exchanges.
func (t *Tracker) dropSlotOf(s *sa, x *pending) {
	for i, p := range s.pend {
		if p == x {
			copy(s.pend[i:], s.pend[i+1:])
			s.pend[len(s.pend)-1] = nil
			break
		}
	}
	for _, a := range s.side[0].addrs[:s.side[0].naddrs] {
		for _, b := range s.side[1].addrs[:s.side[1].naddrs] {
			if en := t.pairs.Peek(pairOf(a.Addr(), b.Addr())); en != nil {
				en.Val.forget(x)
			}
		}
	}
}

// checkFloat notes the move from UDP 500 to 4500 (RFC 7296 §2.23, RFC 3948
// §2.2): the first message with the Non-ESP Marker after IKE_SA_INIT.
func (t *Tracker) checkFloat(s *sa, m *msg) {
	if !m.encap {
		if m.src.Port() == 500 || m.dst.Port() == 500 {
			s.onPort500 = true
		}
		return
	}
	if s.onPort500 && s.floatFrame == 0 {
		s.floatFrame = m.frame
	}
}

// checkNAT evaluates the NAT_DETECTION notifications of an IKE_SA_INIT
// message against the addresses and ports it was seen with (RFC 7296
// §2.23): "If none of the NAT_DETECTION_SOURCE_IP payload(s) received
// matches the expected value of the source IP and port found from the IP
// header ..., it means that the system sending those payloads is behind a
// NAT"; a NAT_DETECTION_DESTINATION_IP that does not match means the
// receiver is.
func (t *Tracker) checkNAT(s *sa, m *msg) {
	var srcSeen, srcMatch, dstSeen, dstMatch bool
	sh := natHash(m.ispi, m.rspi, m.src)
	dh := natHash(m.ispi, m.rspi, m.dst)
	for _, n := range m.notifies {
		switch n.typ {
		case notifyNATSource:
			srcSeen = true
			if string(n.data) == string(sh[:]) {
				srcMatch = true
			}
		case notifyNATDest:
			dstSeen = true
			if string(n.data) == string(dh[:]) {
				dstMatch = true
			}
		}
	}
	if !srcSeen && !dstSeen {
		return
	}
	s.natChecked = true
	sender := 0
	if !m.initiator {
		sender = 1
	}
	if srcSeen {
		s.nat[sender].src.note(srcMatch)
	}
	if dstSeen {
		s.nat[1-sender].dst.note(dstMatch)
	}
}

// natSide is the evidence about one peer: its own
// NAT_DETECTION_SOURCE_IP, and the NAT_DETECTION_DESTINATION_IP the other
// peer computed over the address it sent to.
type natSide struct{ src, dst natEvidence }

// behind reports whether any hash failed to match for this peer.
func (n natSide) behind() bool { return n.src.mismatch || n.dst.mismatch }

// verdict says whether the hashes put the peer behind a NAT. A hash that
// matches at one capture point and not at another shows the translation
// between them; a destination hash that does not match shows the other
// peer sent to another address than the one seen here. A source hash that
// matches nowhere shows a NAT before the capture point, or a peer that
// fakes it to force UDP encapsulation (RFC 7296 §2.23 allows it;
// strongSwan's encap=yes does it): a capture cannot tell them apart.
func (n natSide) verdict() string {
	switch {
	case n.src.match && n.src.mismatch, n.dst.mismatch:
		return "behind NAT"
	case n.src.mismatch:
		return "behind NAT, or faking NAT_DETECTION_SOURCE_IP to force UDP encapsulation"
	case n.src.match || n.dst.match:
		return "no NAT"
	}
	return "not evaluated"
}

// natEvidence is what the NAT_DETECTION hashes said about one peer, at
// each capture point its messages were seen at.
type natEvidence struct{ match, mismatch bool }

func (n *natEvidence) note(match bool) {
	if match {
		n.match = true
	} else {
		n.mismatch = true
	}
}

// request follows a request (R flag clear).
func (t *Tracker) request(s *sa, m *msg) {
	sd := &s.side[m.side]
	x := sd.find(m.mid)
	if x != nil {
		if t.repeat(s, sd, x, m) {
			return
		}
	} else {
		t.checkMID(s, sd, m)
		x = sd.slot(t, m.mid)
		*x = exchange{valid: true, mid: m.mid, typ: m.exchange, reqFrame: m.frame, reqTime: m.at, sends: 1, length: m.length, iface: m.p.Link.Iface}
		if m.fragNum > 0 && m.fragNum < 64 {
			x.frags = 1 << m.fragNum
		}
		if int64(m.mid) >= sd.next {
			sd.next = int64(m.mid) + 1
		}
		switch m.exchange {
		case exIKEAuth:
			s.authRounds++
		case exIntermediate:
			// RFC 9242 §3: zero or more IKE_INTERMEDIATE exchanges between
			// IKE_SA_INIT and IKE_AUTH, Message IDs counting on from 1;
			// they leave the SA in INIT_DONE.
			s.intermediate++
		}
	}
	switch m.exchange {
	case exIKESAInit:
		t.initRequest(s, m, x)
	case exIKEAuth:
		t.authRequest(s, m, x)
	case exCreateChildSA:
		t.ccsaRequest(s, m, x)
	case exInformational:
		t.infoRequest(s, m, x)
	}
}

// repeat handles a request whose Message ID was seen before: another
// fragment, the same message seen on another interface, an IKE_SA_INIT
// retry, a retransmission (RFC 7296 §2.1), or a reused Message ID. It
// reports whether the request was fully handled.
func (t *Tracker) repeat(s *sa, sd *side, x *exchange, m *msg) bool {
	if m.fragNum > 0 && m.fragNum < 64 && x.frags&(1<<m.fragNum) == 0 {
		x.frags |= 1 << m.fragNum
		x.iface = m.p.Link.Iface
		return !m.decrypted || m.inner == 0 // a new fragment; the last one carries the payloads
	}
	if m.p.Link.Iface != x.iface && m.at.Sub(x.reqTime) < sightingWindow && m.exchange == x.typ {
		x.iface = m.p.Link.Iface
		return true // the same message seen on another link
	}
	if m.exchange == exIKESAInit && s.state == InitRetry {
		*x = exchange{valid: true, mid: m.mid, typ: m.exchange, reqFrame: m.frame, reqTime: m.at, sends: 1, length: m.length, iface: m.p.Link.Iface}
		return false
	}
	if m.exchange != x.typ || (m.fragNum == 0 && m.length != x.length) {
		t.anomaly(analyze.Warn, "ikev2.msgid_reuse", s.id, m.frame, m.at,
			"request with Message ID "+strconv.FormatUint(uint64(m.mid), 10)+" already used by a different request (frame "+strconv.Itoa(x.reqFrame)+"): a peer must use each Message ID once per direction", "RFC 7296 §2.2")
		return true
	}
	if m.fragNum > 1 {
		return true // count a resent fragmented message once, on fragment 1
	}
	x.sends++
	x.iface = m.p.Link.Iface
	s.retransmits++
	t.anomaly(analyze.Chat, "ikev2.retransmission", s.id, m.frame, m.at,
		"request "+exchangeName(m.exchange)+" Message ID "+strconv.FormatUint(uint64(m.mid), 10)+" retransmitted (copy "+strconv.Itoa(x.sends)+", first in frame "+strconv.Itoa(x.reqFrame)+")", "RFC 7296 §2.1")
	return true
}

// checkMID flags a request that skips Message IDs (RFC 7296 §2.2: each
// request's ID is one more than the previous one's).
func (t *Tracker) checkMID(s *sa, sd *side, m *msg) {
	switch {
	case sd.next < 0:
	case int64(m.mid) > sd.next:
		t.anomaly(analyze.Warn, "ikev2.msgid_gap", s.id, m.frame, m.at,
			"request Message ID "+strconv.FormatUint(uint64(m.mid), 10)+" after "+strconv.FormatInt(sd.next-1, 10)+": "+strconv.FormatInt(int64(m.mid)-sd.next, 10)+" IDs skipped (lost from the capture, or a broken peer)", "RFC 7296 §2.2")
	case int64(m.mid) < sd.next:
		t.anomaly(analyze.Warn, "ikev2.msgid_reuse", s.id, m.frame, m.at,
			"request Message ID "+strconv.FormatUint(uint64(m.mid), 10)+" after "+strconv.FormatInt(sd.next-1, 10)+": an ID used before, outside the window (a replay, or a broken peer)", "RFC 7296 §2.2")
	}
}

// response follows a response (R flag set).
func (t *Tracker) response(s *sa, m *msg) {
	sd := &s.side[m.side]
	x := sd.find(m.mid)
	if x == nil {
		if sd.next >= 0 || s.origin == "IKE_SA_INIT" || s.origin == "rekey" {
			t.anomaly(analyze.Warn, "ikev2.response_without_request", s.id, m.frame, m.at,
				exchangeName(m.exchange)+" response with Message ID "+strconv.FormatUint(uint64(m.mid), 10)+" to no request seen: the request was not captured, or the response is forged", "RFC 7296 §2.2")
		}
		return
	}
	first := !x.answered
	frag := m.fragNum > 0 && m.fragNum < 64
	switch {
	case first:
		x.answered = true
	case frag && x.respFrags&(1<<m.fragNum) == 0:
	default:
		return // a resent response (to a retransmitted request), or another sighting
	}
	if frag {
		x.respFrags |= 1 << m.fragNum
		// Fragments (RFC 7383): with keys, act on the one that completes
		// the message; without, on the first seen.
		if m.decrypted && m.inner == 0 || !m.decrypted && !first {
			return
		}
	}
	x.respFrame, x.respTime = m.frame, m.at
	switch m.exchange {
	case exIKESAInit:
		t.initResponse(s, m, x)
	case exIKEAuth:
		t.authResponse(s, m, x)
	case exCreateChildSA:
		t.ccsaResponse(s, m, x)
	case exInformational:
		t.infoResponse(s, m, x)
	}
}

// initRequest: IKE_SA_INIT request (RFC 7296 §1.2).
func (t *Tracker) initRequest(s *sa, m *msg, x *exchange) {
	switch s.state {
	case SANone:
		s.move(InitSent, ReasonInitRequest, analyze.BasisObserved, m.frame, m.at, m.frame)
	case InitRetry:
		s.move(InitSent, ReasonRetry, analyze.BasisObserved, m.frame, m.at, m.frame)
	}
}

// initResponse: IKE_SA_INIT response: a retry request (COOKIE, §2.6;
// INVALID_KE_PAYLOAD, §1.2), an error (§2.21.1), or acceptance.
func (t *Tracker) initResponse(s *sa, m *msg, x *exchange) {
	if s.state != InitSent {
		return
	}
	if _, ok := m.notify(notifyCookie); ok {
		s.retry = appendRetry(s.retry, "COOKIE")
		s.move(InitRetry, ReasonCookie, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
		return
	}
	if n, ok := m.notify(notifyInvalidKE); ok {
		s.retry = appendRetry(s.retry, invalidKEText(n))
		s.move(InitRetry, ReasonInvalidKE, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
		return
	}
	if n, ok := m.errorNotify(); ok {
		t.fail(s, n, m, x)
		return
	}
	if m.hasSA {
		s.encr, s.integ = m.sa.encr, m.sa.integ
	}
	s.rspi = m.rspi
	s.move(InitDone, ReasonInitResponse, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
}

// invalidKEText names an INVALID_KE_PAYLOAD with the group it asks for
// (RFC 7296 §1.2: its data is the accepted group's number).
func invalidKEText(n notify) string {
	what := "INVALID_KE_PAYLOAD"
	if len(n.data) >= 2 {
		g := uint16(n.data[0])<<8 | uint16(n.data[1])
		what += " (wants " + groupName(g) + ")"
	}
	return what
}

func appendRetry(s, what string) string {
	if s != "" {
		s += ", "
	}
	return s + what
}

// fail ends s with the error notification n (RFC 7296 §2.21).
func (t *Tracker) fail(s *sa, n notify, m *msg, x *exchange) {
	s.failNotify = notifyName(n.typ)
	t.anomaly(analyze.Warn, "ikev2.error_notify", s.id, m.frame, m.at,
		exchangeName(m.exchange)+" answered with "+s.failNotify+": the IKE SA is not established", "RFC 7296 §2.21")
	s.move(Failed, ReasonErrorNotify, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
}

// authRequest: IKE_AUTH request (RFC 7296 §1.2). With keys, the SA
// payload proposes the first Child SA (§1.3.1).
func (t *Tracker) authRequest(s *sa, m *msg, x *exchange) {
	if s.state == InitDone || s.state == SANone {
		if s.state == SANone {
			s.move(InitDone, ReasonMidSetup, analyze.BasisInferred, m.frame, m.at, m.frame)
			t.inferredSAs++
		}
		s.move(AuthSent, ReasonAuthRequest, analyze.BasisObserved, m.frame, m.at, m.frame)
	}
	if first, ok := m.header(); ok && first == dike.PayloadEAP {
		// An IKE_AUTH request that starts with EAP is a round of EAP
		// (RFC 7296 §2.16): the clear header shows EAP is in use.
		s.eap = true
		t.headerSettled++
	}
	if m.decrypted && x.child == nil && !m.hasSA {
		// A later round of IKE_AUTH (EAP, RFC 7296 §2.16): the Child SA
		// the first round proposed is accepted by the last response.
		if prev := s.side[m.side].find(m.mid - 1); prev != nil && prev.typ == exIKEAuth && prev.child != nil {
			x.child, x.reqSPI = prev.child, prev.reqSPI
		}
	}
	if m.decrypted && m.hasSA && x.reqSPI == nil && (m.sa.proto == protoESP || m.sa.proto == protoAH) {
		x.reqSPI = append([]byte(nil), m.sa.spi...)
		x.child = t.newChild(s, m.sa.proto, "IKE_AUTH", m.frame, false)
		t.setSPI(x.child, m.side == 0, x.reqSPI)
		x.child.move(Creating, ReasonChildRequest, analyze.BasisObserved, m.frame, m.at, m.frame)
	}
}

// authResponse: IKE_AUTH response. With keys, AUTH and no error make the
// SA ESTABLISHED (RFC 7296 §1.2); an error with AUTH fails only the Child
// SA (§2.21.2). Without keys, size tells an error from an acceptance.
func (t *Tracker) authResponse(s *sa, m *msg, x *exchange) {
	if s.state != AuthSent {
		return
	}
	if m.decrypted {
		n, isErr := m.errorNotify()
		switch {
		case isErr && !m.hasAuth:
			t.fail(s, n, m, x)
			return
		case isErr:
			t.anomaly(analyze.Note, "ikev2.child_refused", s.id, m.frame, m.at,
				"IKE_AUTH accepted but its Child SA refused with "+notifyName(n.typ), "RFC 7296 §2.21.2")
			if x.child != nil {
				x.child.move(ChildDeleted, ReasonErrorNotify, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
			}
		case !m.hasAuth || (m.hasEAP && !m.hasSA):
			return // another round of EAP (RFC 7296 §2.16)
		}
		s.move(Established, ReasonAuthResponse, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
		if !isErr && x.child != nil && m.hasSA {
			t.setSPI(x.child, m.side != 0, m.sa.spi)
			x.child.move(Installed, ReasonChildResponse, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
		}
		return
	}
	// Without keys, whether this response is the last of IKE_AUTH shows
	// only in what follows: another IKE_AUTH request is another round of
	// EAP (RFC 7296 §2.16), and in those rounds a short response (EAP
	// Success) is no error. Anything else settles it (settleAuth).
	//
	// The Encrypted payload's clear Next Payload settles two cases at
	// once (RFC 7296 §3.14). A response that starts with EAP is a round
	// of EAP, never the last response. One that starts with AUTH is the
	// last response of an EAP exchange, "HDR, SK {AUTH, SA, TSi, TSr}"
	// (§2.16; the first response starts with IDr): AUTH is there, so
	// both peers are authenticated, whatever follows it (§2.21.2: an
	// error after AUTH refuses only the Child SA).
	first, hdr := m.header()
	s.authWait, s.authAt = x, m.at
	s.authEAP = hdr && first == dike.PayloadEAP
	s.authShort = !(hdr && first == dike.PayloadAUTH) && m.hasSK && m.fragTotal == 0 && sizesOf(s.encr, s.integ).capacity(m.skLen) < shortAuthCapacity
	if !s.authShort && !s.authEAP {
		t.addSlot(s, s.addPending(x))
	}
	switch {
	case s.authEAP:
		s.eap = true
		t.headerSettled++
	case hdr && first == dike.PayloadAUTH:
		t.headerSettled++
		t.settle(s, 0, ViaHeader)
	}
}

// settleAuth settles, without keys, the IKE_AUTH response awaiting it,
// as the message or ESP packet in frame by (0: the end of the capture)
// was no further IKE_AUTH round.
func (t *Tracker) settleAuth(s *sa, by int) { t.settle(s, by, 0) }

// settle takes, without keys, the IKE_AUTH response awaiting it for the
// last one: the message or ESP packet in frame by was no further
// IKE_AUTH round, or by is 0 (the end of the capture, or the response's
// clear header showed it last: via is then ViaHeader). A response too
// short to hold IDr and AUTH is an error notification (RFC 7296
// §2.21.2), or with EAP an EAP Failure; any other authenticated both
// peers (§1.2). A response that the header showed to be an EAP round,
// not short, at the end of the capture settles nothing: the capture
// ended before the next round.
func (t *Tracker) settle(s *sa, by int, via Reason) {
	x := s.authWait
	s.authWait = nil
	if s.state != AuthSent || !x.valid || x.typ != exIKEAuth {
		return
	}
	if s.authEAP && !s.authShort && by == 0 {
		return
	}
	to, r := Established, ReasonAuthResponse|via
	if s.authShort {
		s.failNotify = "an error notification (inferred from size)"
		to, r = Failed, ReasonShortResponse|via
	}
	if by > 0 {
		s.move(to, r, analyze.BasisInferred, x.respFrame, s.authAt, x.reqFrame, x.respFrame, by)
		t.e.Touch("ikev2", s.id, s.state.String())
	} else {
		s.move(to, r, analyze.BasisInferred, x.respFrame, s.authAt, x.reqFrame, x.respFrame)
	}
}

// ccsaRequest: CREATE_CHILD_SA request (RFC 7296 §1.3). With keys, the SA
// payload's protocol tells an IKE rekey (§1.3.2) from a Child SA, and
// REKEY_SA a child rekey (§1.3.3) from a new one (§1.3.1).
func (t *Tracker) ccsaRequest(s *sa, m *msg, x *exchange) {
	x.kind = kCCSA
	if !m.decrypted {
		x.inferred = true
		s.lastKind = kCCSA
		return
	}
	x.resolved = true
	if !m.hasSA {
		return
	}
	x.reqSPI = append([]byte(nil), m.sa.spi...)
	if m.sa.proto == protoIKE {
		x.kind = kIKERekey
		s.lastKind = kIKERekey
		if s.state == Established {
			s.move(Rekeying, ReasonRekeyRequest, analyze.BasisObserved, m.frame, m.at, m.frame)
		}
		return
	}
	x.kind = kNewChild
	if n, ok := m.notify(notifyRekeySA); ok && len(n.spi) == 4 {
		x.kind, x.hasRekey = kChildRekey, true
		x.rekeySPI = uint32(n.spi[0])<<24 | uint32(n.spi[1])<<16 | uint32(n.spi[2])<<8 | uint32(n.spi[3])
	}
	s.lastKind = x.kind
	x.child = t.newChild(s, m.sa.proto, "CREATE_CHILD_SA", m.frame, false)
	t.setSPI(x.child, m.side == 0, x.reqSPI)
	x.child.move(Creating, ReasonChildRequest, analyze.BasisObserved, m.frame, m.at, m.frame)
}

// ccsaResponse: CREATE_CHILD_SA response.
func (t *Tracker) ccsaResponse(s *sa, m *msg, x *exchange) {
	if !m.decrypted {
		if m.hasSK && len(m.notifies) == 0 {
			t.addSlot(s, s.addPending(x))
		}
		return
	}
	if n, ok := m.errorNotify(); ok {
		t.anomaly(analyze.Note, "ikev2.child_refused", s.id, m.frame, m.at,
			"CREATE_CHILD_SA refused with "+notifyName(n.typ), "RFC 7296 §1.3, §2.21.4")
		if x.child != nil {
			x.child.move(ChildDeleted, ReasonErrorNotify, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
		}
		if x.kind == kIKERekey && s.state == Rekeying {
			s.move(Established, ReasonErrorNotify, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
		}
		return
	}
	if !m.hasSA {
		return
	}
	switch x.kind {
	case kIKERekey:
		if len(x.reqSPI) != 8 || len(m.sa.spi) != 8 {
			return
		}
		var ni, nr [8]byte
		copy(ni[:], x.reqSPI)
		copy(nr[:], m.sa.spi)
		if t.sas.Peek(ni) != nil {
			return
		}
		ns := t.newSA(ni, x.reqFrame, x.reqTime)
		ns.rspi, ns.origin, ns.rekeyOf, ns.keyed = nr, "rekey", spiHex(s.ispi), true
		ns.encr, ns.integ = m.sa.encr, m.sa.integ
		// The requester is the new SA's initiator (RFC 7296 §2.18).
		if m.side == 1 {
			ns.side[0], ns.side[1] = side{next: -1, addrs: s.side[1].addrs, naddrs: s.side[1].naddrs}, side{next: -1, addrs: s.side[0].addrs, naddrs: s.side[0].naddrs}
		}
		t.inherit(s, ns, x.reqFrame)
		ns.move(Established, ReasonRekeyed, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
		t.e.Touch("ikev2", ns.id, ns.state.String())
	case kNewChild, kChildRekey:
		c := x.child
		if c == nil {
			return
		}
		t.setSPI(c, m.side != 0, m.sa.spi)
		if x.hasRekey {
			if old := t.childBySPI(c.proto, x.rekeySPI); old != nil && old != c {
				c.rekeyOf = old.id
				old.move(Rekeyed, ReasonChildRekey, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
			}
		}
		c.move(Installed, ReasonChildResponse, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
	}
}

// infoRequest: INFORMATIONAL request (RFC 7296 §1.4). With keys: empty is
// a liveness check (§2.4), Delete payloads delete (§1.4.1). Without: an
// empty-looking request after an idle spell is a DPD; one sent while
// traffic flows is a Delete (DPD is only sent when nothing was heard).
func (t *Tracker) infoRequest(s *sa, m *msg, x *exchange) {
	s.lastInfo = x
	if m.decrypted {
		switch {
		case len(m.deletes) > 0:
			x.kind = kDelete
			x.deleted = x.deleted[:0]
			for _, d := range m.deletes {
				// The SPIs alias the decoder's buffer: keep a copy.
				x.deleted = append(x.deleted, deletion{d.proto, d.size, append([]byte(nil), d.spis...)})
			}
			for _, d := range m.deletes {
				if d.proto == protoIKE {
					s.pendingDel = x
				}
			}
		case m.inner == 0:
			x.kind = kDPD
		default:
			x.kind = kInfo
		}
		if n, ok := m.errorNotify(); ok && (n.typ == notifyAuthFailed || s.state.halfOpen()) {
			t.fail(s, n, m, x)
		}
		s.lastKind = x.kind
		t.tellKind(s, m.side, x)
		return
	}
	x.inferred = true
	if !m.hasSK {
		x.kind = kInfo
		if n, ok := m.errorNotify(); ok && s.state.halfOpen() {
			t.fail(s, n, m, x)
		}
		return
	}
	defer t.tellKind(s, m.side, x)
	if first, ok := m.header(); ok {
		// The Encrypted payload's Next Payload is in the clear (RFC 7296
		// §3.14): 0, nothing inside, is a liveness check (§2.4: "an
		// INFORMATIONAL request with no payloads"); a Delete first is a
		// Delete (§1.4.1, §3.11); anything else (Notify, CP) another
		// INFORMATIONAL (§1.4).
		x.byHeader = true
		t.headerSettled++
		switch first {
		case dike.PayloadNone:
			x.kind = kDPD
		case dike.PayloadDelete:
			x.kind = kDelete
			t.markDeleteAfterCCSA(s, x)
		default:
			x.kind = kInfo
		}
		s.lastKind = x.kind
		return
	}
	idle := time.Duration(1<<63 - 1)
	if lr := s.side[m.side].lastRecv; !lr.IsZero() {
		idle = m.at.Sub(lr)
	}
	switch {
	case m.fragTotal == 0 && sizesOf(s.encr, s.integ).capacity(m.skLen) > emptyCapacity:
		x.kind = kInfo
	case idle >= t.cfg.DPDIdle:
		x.kind = kDPD
	default:
		x.kind = kDelete
		t.markDeleteAfterCCSA(s, x)
	}
	s.lastKind = x.kind
}

// tellKind tells the test hook, if any, the kind an INFORMATIONAL request
// was given.
func (t *Tracker) tellKind(s *sa, side int, x *exchange) {
	if t.kindHook != nil {
		t.kindHook(s, side, x)
	}
}

// markDeleteAfterCCSA notes, without keys, that a delete-like
// INFORMATIONAL followed a CREATE_CHILD_SA: a rekey, of a Child SA or of
// the IKE SA, deletes the old SA next (RFC 7296 §1.3.2, §1.3.3).
func (t *Tracker) markDeleteAfterCCSA(s *sa, x *exchange) {
	for _, c := range s.pend {
		if c != nil && c.typ == exCreateChildSA && !c.deleteNext && c.reqFrame < x.reqFrame && x.reqTime.Sub(c.reqTime) < 5*time.Second {
			c.deleteNext, c.deleteHdr = true, x.byHeader
		}
	}
}

// infoResponse: INFORMATIONAL response: a Delete takes effect (RFC 7296
// §1.4.1); an error in answer fails the SA.
func (t *Tracker) infoResponse(s *sa, m *msg, x *exchange) {
	if m.decrypted {
		if n, ok := m.errorNotify(); ok && n.typ == notifyAuthFailed {
			t.fail(s, n, m, x)
			return
		}
	}
	if x.kind != kDelete || x.inferred {
		return
	}
	for _, d := range x.deleted {
		switch d.proto {
		case protoIKE:
			t.deleteSA(s, analyze.BasisObserved, 0, x.reqFrame, m.frame, m.at)
		case protoESP, protoAH:
			if d.size != 4 {
				continue
			}
			for i := 0; i+4 <= len(d.spis); i += 4 {
				v := uint32(d.spis[i])<<24 | uint32(d.spis[i+1])<<16 | uint32(d.spis[i+2])<<8 | uint32(d.spis[i+3])
				if c := t.childBySPI(d.proto, v); c != nil && c.state != Rekeyed {
					c.move(ChildDeleted, ReasonDelete, analyze.BasisObserved, m.frame, m.at, x.reqFrame, m.frame)
				}
			}
		}
	}
	s.pendingDel = nil
}

// deleteSA deletes s and closes its Child SAs (RFC 7296 §1.4.1).
// via is ViaHeader when, without keys, the Delete was seen in the clear
// header of its Encrypted payload.
func (t *Tracker) deleteSA(s *sa, b analyze.Basis, via Reason, req, frame int, at time.Time) {
	if s.state == Deleted || s.state == Failed {
		return
	}
	s.move(Deleted, ReasonDelete|via, b, frame, at, req, frame)
	for _, c := range s.children {
		if c.owner == s && (c.state == Installed || c.state == Creating) {
			c.move(ChildDeleted, ReasonParentDeleted|via, b, frame, at, req, frame)
		}
	}
}

// via returns ViaHeader when x's kind was read from the clear header of
// its Encrypted payload, else 0.
func (x *exchange) via() Reason {
	if x != nil && x.byHeader {
		return ViaHeader
	}
	return 0
}

// conclude draws, at the end of the capture, what the last packets imply.
func (t *Tracker) conclude(s *sa) {
	if s.authWait != nil {
		t.settleAuth(s, 0)
	}
	// Unsettled CREATE_CHILD_SA exchanges: a Child SA (rekeyed if a
	// delete-like INFORMATIONAL followed, RFC 7296 §1.3.3).
	for _, p := range s.pend {
		if p != nil && p.typ == exCreateChildSA && !p.resolved {
			t.settleChild(s, p, nil)
		}
	}
	end := t.e.Now()
	last := s.last
	// A request sent again and again, never answered: the peer is dead
	// (RFC 7296 §2.4).
	for i := range s.side {
		if s.side[i].ring == nil {
			continue
		}
		for j := range s.side[i].ring {
			x := &s.side[i].ring[j]
			if x.valid && !x.answered && x.sends >= unresponsiveSends && (s.state == Established || s.state == Rekeying) {
				t.anomaly(analyze.Warn, "ikev2.peer_unresponsive", s.id, last, end,
					exchangeName(x.typ)+" request Message ID "+strconv.FormatUint(uint64(x.mid), 10)+" sent "+strconv.Itoa(x.sends)+" times and never answered: the peer is dead or unreachable", "RFC 7296 §2.4")
				s.failNotify = "no response (dead peer)"
				s.move(Failed, ReasonUnresponsive, analyze.BasisInferred, last, end, x.reqFrame, last)
			}
		}
	}
	// The last exchange a delete-like INFORMATIONAL without keys: the SA
	// was deleted.
	if (s.state == Established || s.state == Rekeying) && s.lastInfo != nil && s.lastInfo.inferred && s.lastInfo.kind == kDelete && s.lastKind == kDelete {
		x := s.lastInfo
		f, at := x.respFrame, x.respTime
		if f == 0 {
			f, at = x.reqFrame, x.reqTime
		}
		t.deleteSA(s, analyze.BasisInferred, x.via(), x.reqFrame, f, at)
	}
	if s.pendingDel != nil && s.state != Deleted {
		t.deleteSA(s, analyze.BasisInferred, 0, s.pendingDel.reqFrame, s.pendingDel.reqFrame, s.pendingDel.reqTime)
	}
	if s.state.halfOpen() {
		what := "IKE_SA_INIT never completed"
		switch s.state {
		case InitDone:
			what = "IKE_SA_INIT completed but no IKE_AUTH followed"
		case AuthSent:
			what = "IKE_AUTH was never answered"
		}
		t.anomaly(analyze.Warn, "ikev2.half_open", s.id, s.last, end,
			"half-open IKE SA at the end of the capture: "+what+" (a responder holds state for it; many are a flood)", "RFC 7296 §2.6")
	}
}

// settleChild settles, without keys, a CREATE_CHILD_SA as a Child SA
// creation: a rekey when a delete-like INFORMATIONAL followed it, of the
// only Child SA the IKE SA is known to have. c is the Child SA its ESP
// showed, if any.
func (t *Tracker) settleChild(s *sa, x *pending, c *child) {
	x.resolved = true
	if !x.deleteNext {
		return
	}
	cur := s.current()
	var old *child
	n := 0
	for _, k := range cur.children {
		if k != c && k.owner == cur && k.state == Installed && k.first < x.reqFrame {
			old, n = k, n+1
		}
	}
	if n != 1 {
		return
	}
	if c != nil {
		c.rekeyOf = old.id
	}
	via := Reason(0)
	if x.deleteHdr {
		via = ViaHeader
	}
	old.move(Rekeyed, ReasonChildRekey|via, analyze.BasisInferred, x.respFrame, x.reqTime, x.reqFrame, x.respFrame)
}

// newChild adds a Child SA to s.
func (t *Tracker) newChild(s *sa, proto uint8, by string, frame int, inferred bool) *child {
	s.childSeq++
	c := &child{owner: s, id: "ikev2/child_sa/" + s.spiI() + "/" + strconv.Itoa(s.childSeq), creator: s.spiI(),
		proto: proto, first: frame, last: frame, inferred: inferred, createdBy: by}
	if len(s.children) < t.cfg.MaxChildren {
		s.children = append(s.children, c)
	} else {
		// Keep the live ones: drop the oldest that ended.
		dropped := false
		for i, k := range s.children {
			if k.state == Rekeyed || k.state == ChildDeleted || k.owner != s {
				copy(s.children[i:], s.children[i+1:])
				s.children[len(s.children)-1] = c
				dropped = true
				break
			}
		}
		if !dropped {
			copy(s.children, s.children[1:])
			s.children[len(s.children)-1] = c
		}
		t.childrenDropped++
	}
	return c
}

// setSPI sets the SPI of c that packets to the initiator (toInitiator) or
// to the responder carry, and indexes it.
func (t *Tracker) setSPI(c *child, toInitiator bool, spi []byte) {
	if len(spi) != 4 {
		return
	}
	v := uint32(spi[0])<<24 | uint32(spi[1])<<16 | uint32(spi[2])<<8 | uint32(spi[3])
	if toInitiator {
		c.toI, c.hasI = v, true
	} else {
		c.toR, c.hasR = v, true
	}
	en, _ := t.esp.Add(spiKey(c.proto, v))
	en.Val = c
}

// spiKey keys the SPI table: an SPI names an SA together with its
// protocol, ESP or AH (RFC 4301 §4.1).
func spiKey(proto uint8, spi uint32) uint64 { return uint64(proto)<<32 | uint64(spi) }

func (t *Tracker) childBySPI(proto uint8, v uint32) *child {
	if en := t.esp.Peek(spiKey(proto, v)); en != nil && !en.Val.owner.dead {
		return en.Val
	}
	return nil
}

// espPacket follows an ESP (RFC 4303) or AH (RFC 4302) packet, proto
// saying which: it shows its Child SA alive, and without keys reveals the
// SPIs and the protocol of the Child SA an exchange created.
func (t *Tracker) espPacket(p *analyze.Packet, proto uint8, spi uint32, src, dst netip.AddrPort) {
	key := spiKey(proto, spi)
	if en := t.esp.Get(key); en != nil {
		c := en.Val
		if c == orphan {
			return
		}
		if c.owner.dead {
			t.esp.Delete(key)
			return
		}
		s := c.owner.current()
		c.last = p.Frame
		if c.hasI && c.toI == spi {
			s.side[0].lastRecv = p.Time
		} else {
			s.side[1].lastRecv = p.Time
		}
		t.e.Touch("ikev2", c.id, c.state.String())
		return
	}
	pen := t.pairs.Get(pairOf(src.Addr(), dst.Addr()))
	if pen == nil {
		t.orphanESP++
		en, _ := t.esp.Add(key)
		en.Val = orphan
		return
	}
	pi := &pen.Val
	for i := range pi.slots {
		sl := &pi.slots[i]
		if sl.s == nil || sl.s.dead {
			continue
		}
		s := sl.s
		toR := s.side[0].hasAddr(src.Addr()) || s.side[1].hasAddr(dst.Addr())
		toI := !toR && (s.side[1].hasAddr(src.Addr()) || s.side[0].hasAddr(dst.Addr()))
		if !toR && !toI {
			continue
		}
		x := sl.x
		if x.child != nil && (x.child.proto != proto || toR && x.child.hasR || toI && x.child.hasI) {
			continue
		}
		if s.authWait != nil {
			t.settleAuth(s, p.Frame) // ESP follows the last IKE_AUTH round
		}
		if x.child == nil {
			by := "IKE_AUTH"
			if x.typ == exCreateChildSA {
				by = "CREATE_CHILD_SA"
			}
			x.child = t.newChild(s, proto, by, p.Frame, true)
			cur := s.current()
			if cur != s {
				x.child.owner = cur
				if len(cur.children) < t.cfg.MaxChildren {
					cur.children = append(cur.children, x.child)
				}
			}
			cur.inferred = true
			x.child.move(Installed, ReasonESP, analyze.BasisInferred, p.Frame, p.Time, x.reqFrame, x.respFrame, p.Frame)
			if x.typ == exCreateChildSA && !x.resolved {
				t.settleChild(s, x, x.child)
			}
		}
		c := x.child
		var b [4]byte
		b[0], b[1], b[2], b[3] = byte(spi>>24), byte(spi>>16), byte(spi>>8), byte(spi)
		t.setSPI(c, toI, b[:])
		c.last = p.Frame
		cur := c.owner.current()
		if toI {
			cur.side[0].lastRecv = p.Time
		} else {
			cur.side[1].lastRecv = p.Time
		}
		t.e.Touch("ikev2", c.id, c.state.String())
		if c.hasI && c.hasR {
			t.dropSlot(x)
		}
		return
	}
	t.orphanESP++
	en, _ := t.esp.Add(key)
	en.Val = orphan
}

// orphan marks an ESP SPI that belongs to no IKE SA seen.
var orphan = &child{owner: &sa{dead: true}}

// natText says which side the NAT_DETECTION hashes put behind a NAT.
func (s *sa) natText() string {
	i, r := s.nat[0].behind(), s.nat[1].behind()
	switch {
	case !s.natChecked:
		return "not evaluated"
	case i && r:
		return "both"
	case i:
		return "initiator"
	case r:
		return "responder"
	}
	return "none"
}

// emit reports s and its Child SAs as session records.
// The records' slices are the tracker's, reused (analyze.Sink: sinks copy
// what they keep): an IKE_SA_INIT flood evicts an SA per packet.
func (t *Tracker) emit(s *sa, evicted bool) {
	ispi := s.spiI()
	attrs := append(t.attrs[:0],
		analyze.Attr{Key: "spi_i", Val: ispi},
		analyze.Attr{Key: "spi_r", Val: spiHex(s.rspi)},
		analyze.Attr{Key: "origin", Val: s.origin},
	)
	if s.rekeyOf != "" {
		attrs = append(attrs, analyze.Attr{Key: "rekey_of", Val: s.rekeyOf})
	}
	if s.side[0].naddrs > 0 {
		attrs = append(attrs, analyze.Attr{Key: "initiator", Val: s.side[0].addrs[0].String()})
	}
	if s.side[1].naddrs > 0 {
		attrs = append(attrs, analyze.Attr{Key: "responder", Val: s.side[1].addrs[0].String()})
	}
	attrs = append(attrs, analyze.Attr{Key: "nat", Val: s.natText()})
	if s.natChecked {
		attrs = append(attrs, analyze.Attr{Key: "nat_initiator", Val: s.nat[0].verdict()}, analyze.Attr{Key: "nat_responder", Val: s.nat[1].verdict()})
	}
	if s.floatFrame > 0 {
		attrs = append(attrs, analyze.Attr{Key: "float_frame", Val: s.floatFrame})
	}
	if s.retry != "" {
		attrs = append(attrs, analyze.Attr{Key: "retry", Val: s.retry})
	}
	if s.intermediate > 0 {
		attrs = append(attrs, analyze.Attr{Key: "intermediate_exchanges", Val: s.intermediate})
	}
	if s.authRounds > 1 {
		attrs = append(attrs, analyze.Attr{Key: "auth_rounds", Val: s.authRounds})
	}
	if s.eap {
		attrs = append(attrs, analyze.Attr{Key: "eap", Val: true})
	}
	if s.retransmits > 0 {
		attrs = append(attrs, analyze.Attr{Key: "retransmissions", Val: s.retransmits})
	}
	if s.duplicates > 0 {
		attrs = append(attrs, analyze.Attr{Key: "capture_duplicates", Val: s.duplicates})
	}
	if s.failNotify != "" {
		attrs = append(attrs, analyze.Attr{Key: "failed_by", Val: s.failNotify})
	}
	if s.lastKind != kUnknown {
		attrs = append(attrs, analyze.Attr{Key: "last_exchange", Val: xkindNames[s.lastKind]})
	}
	attrs = append(attrs, analyze.Attr{Key: "decrypted", Val: s.keyed}, analyze.Attr{Key: "inferred", Val: s.inferred})
	var kids []string
	for _, c := range s.children {
		if c.creator == ispi {
			kids = append(kids, c.id)
		}
	}
	if len(kids) > 0 {
		attrs = append(attrs, analyze.Attr{Key: "children", Val: kids})
	}
	t.attrs = attrs[:0]
	t.sess = analyze.Session{Proto: "ikev2", Kind: "ike_sa", ID: s.id, State: s.state.String(),
		FirstFrame: s.first, LastFrame: s.last, Transitions: s.transitions, Evicted: evicted, Attrs: attrs}
	t.e.Session(&t.sess)
	for _, c := range s.children {
		if c.creator != ispi {
			continue // reported with the SA that created it
		}
		ca := append(t.cattrs[:0], analyze.Attr{Key: "ike_sa", Val: c.creator}, analyze.Attr{Key: "created_by", Val: c.createdBy}, analyze.Attr{Key: "protocol", Val: protoName(c.proto)})
		if c.hasI {
			ca = append(ca, analyze.Attr{Key: "spi_to_initiator", Val: spi32(c.toI)})
		}
		if c.hasR {
			ca = append(ca, analyze.Attr{Key: "spi_to_responder", Val: spi32(c.toR)})
		}
		if c.rekeyOf != "" {
			ca = append(ca, analyze.Attr{Key: "rekey_of", Val: c.rekeyOf})
		}
		if c.owner != s && c.owner.id != "" {
			ca = append(ca, analyze.Attr{Key: "moved_to", Val: spiHex(c.owner.ispi)})
		}
		ca = append(ca, analyze.Attr{Key: "inferred", Val: c.inferred})
		t.cattrs = ca[:0]
		t.sess = analyze.Session{Proto: "ikev2", Kind: "child_sa", ID: c.id, State: c.state.String(),
			FirstFrame: c.first, LastFrame: c.last, Transitions: c.transitions, Evicted: evicted, Attrs: ca}
		t.e.Session(&t.sess)
	}
}

// exchangeName names an IKEv2 exchange type (RFC 7296 §3.1).
func exchangeName(t uint8) string {
	switch t {
	case exIKESAInit:
		return "IKE_SA_INIT"
	case exIKEAuth:
		return "IKE_AUTH"
	case exCreateChildSA:
		return "CREATE_CHILD_SA"
	case exInformational:
		return "INFORMATIONAL"
	case exIntermediate:
		return "IKE_INTERMEDIATE"
	}
	return "exchange " + strconv.Itoa(int(t))
}
