package ikev2

import (
	"encoding/binary"
	"encoding/hex"
	"hash/maphash"
	"net/netip"
	"strconv"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	dike "github.com/v6scope/v6scope/decode/ikev2"
	"github.com/v6scope/v6scope/decode/ip"
	"github.com/v6scope/v6scope/decode/transport"
)

// Defaults.
const (
	// DefaultDPDIdle is how long a peer must have heard nothing protected
	// from the other before an empty INFORMATIONAL request is taken for a
	// liveness check (RFC 7296 §2.4: one is sent only after a period
	// without traffic). strongSwan's shortest dpd_delay is 1 s.
	DefaultDPDIdle = time.Second
	// sightingWindow: the same message seen again on another capture
	// interface within it crossed a NAT or a router, it was not resent.
	sightingWindow = 2 * time.Second
	// unresponsiveSends: a request sent this many times and never
	// answered means the peer is dead (RFC 7296 §2.4).
	unresponsiveSends = 3
	// duplicateWindow: a byte-identical IKE message seen again on the
	// same link within it (and, over IPv4, with the same Identification)
	// is the capture's second copy of one packet, not a retransmission:
	// a peer resends only after a timeout (RFC 7296 §2.1: typically
	// seconds; strongSwan's first is 4 s) and, over IPv4, in a new
	// datagram, normally with a new Identification (RFC 791 §3.2; RFC
	// 6864 §4.1 lets a sender repeat it when DF is set, so the window
	// decides and a different Identification only rules a copy out). A
	// mirrored port or a capture on a bridge and its port copies frames
	// a few microseconds apart.
	duplicateWindow = time.Millisecond
	// recentLen: how many recent IKE messages are remembered to spot
	// capture duplicates.
	recentLen = 8
	// shortAuthCapacity: an IKE_AUTH response whose Encrypted payload can
	// hold fewer bytes cannot carry IDr and AUTH (RFC 7296 §1.2): it is an
	// error notification.
	shortAuthCapacity = 32
	// emptyCapacity: an INFORMATIONAL whose Encrypted payload can hold
	// more carries something (a DPD is empty, RFC 7296 §1.4).
	emptyCapacity = 48
)

// Config caps the tables. The zero value uses the defaults.
type Config struct {
	MaxSAs      int // IKE SAs (default 8192)
	MaxESP      int // ESP SPIs remembered (default 4 × MaxSAs)
	MaxPairs    int // address pairs followed for inference (default MaxSAs)
	MaxChildren int // Child SAs kept per IKE SA (default 16)
	// DPDIdle is the idle time that makes an empty-looking INFORMATIONAL
	// a DPD rather than a Delete, without keys (default DefaultDPDIdle).
	DPDIdle time.Duration
}

// Tracker is the IKEv2 tracker: it plugs into an analyze.Engine.
type Tracker struct {
	e     *analyze.Engine
	cfg   Config
	sas   *analyze.Table[[8]byte, sa]
	esp   *analyze.Table[uint64, *child] // by spiKey
	pairs *analyze.Table[pairKey, pairInfo]
	tr    analyze.Transition
	an    analyze.Anomaly
	evbuf []int
	// Exchange rings of evicted SAs, for new ones.
	rings []*[ringLen]exchange
	// emit's records, reused.
	sess          analyze.Session
	attrs, cattrs []analyze.Attr

	dec *decode.Decoder
	ike *dike.ISAKMP
	udp *transport.UDP
	esl *dike.ESP
	// For AH, which the decoder leaves undecoded: the IP headers that
	// name it and the bytes it left.
	ip4  *ip.IPv4
	ip6  *ip.IPv6
	hop  *ip.Options
	dopt *ip.Options
	data interface{ LayerContents() []byte }

	m msg

	// The latest IKE messages seen, to tell capture duplicates; next is
	// the place of the next one.
	recent     [recentLen]sighting
	recentNext int
	seed       maphash.Seed

	// What the capture could not show (Limits).
	ikev1, noKeys, decrypted, integrityFailed, orphanESP, childrenDropped int
	inferredSAs, lateMsgs, duplicates                                     int
	// Encrypted messages without keys whose clear Next Payload settled
	// what they were.
	headerSettled int

	// kindHook, when set (tests), is told the kind each INFORMATIONAL
	// request was given.
	kindHook func(s *sa, side int, x *exchange)
}

// sighting is one IKE message as captured: a hash of its bytes, where,
// when, and its IPv4 Identification.
type sighting struct {
	sum   uint64
	at    time.Time
	link  analyze.Link
	v4    bool
	ipid  uint16
	valid bool
}

// pairKey is an unordered pair of addresses two peers used.
type pairKey struct{ a, b netip.Addr }

func pairOf(x, y netip.Addr) pairKey {
	if y.Less(x) {
		x, y = y, x
	}
	return pairKey{x, y}
}

// slot is a child-creating exchange whose Child SA has not shown its SPIs
// yet: without keys, the next new ESP SPIs between the peers are its.
type slot struct {
	s *sa
	x *pending
}

// pairInfo is what the tracker remembers per pair of addresses, to tie
// what it cannot decrypt to an IKE SA: the exchanges still waiting for
// their ESP. Only such exchanges create one: an IKE_SA_INIT flood from
// many addresses adds none.
type pairInfo struct {
	slots [4]slot // newest first
}

// New returns an IKEv2 tracker that reports to e.
func New(e *analyze.Engine, cfg Config) *Tracker {
	if cfg.MaxSAs <= 0 {
		cfg.MaxSAs = 8192
	}
	if cfg.MaxESP <= 0 {
		cfg.MaxESP = 4 * cfg.MaxSAs
	}
	if cfg.MaxPairs <= 0 {
		cfg.MaxPairs = cfg.MaxSAs
	}
	if cfg.MaxChildren <= 0 {
		cfg.MaxChildren = 16
	}
	if cfg.DPDIdle <= 0 {
		cfg.DPDIdle = DefaultDPDIdle
	}
	t := &Tracker{e: e, cfg: cfg,
		sas:   analyze.NewTable[[8]byte, sa](cfg.MaxSAs),
		esp:   analyze.NewTable[uint64, *child](cfg.MaxESP),
		pairs: analyze.NewTable[pairKey, pairInfo](cfg.MaxPairs),
		evbuf: make([]int, 0, 4),
		rings: make([]*[ringLen]exchange, 0, 16),
		seed:  maphash.MakeSeed(),
	}
	t.sas.OnEvict = func(en *analyze.Entry[[8]byte, sa]) {
		s := &en.Val
		s.dead = true
		t.emit(s, true)
		// Nothing reaches a dead SA's rings but the SA itself (other SAs,
		// slots and Child SAs check dead first): a new SA takes them.
		for i := range s.side {
			if r := s.side[i].ring; r != nil && len(t.rings) < cap(t.rings) {
				t.rings = append(t.rings, r)
			}
			s.side[i].ring = nil
		}
		s.lastInfo, s.pendingDel, s.authWait = nil, nil, nil
	}
	return t
}

// ringFor returns a cleared exchange ring: one an evicted SA left, or a
// new one.
func (t *Tracker) ringFor() *[ringLen]exchange {
	if n := len(t.rings); n > 0 {
		r := t.rings[n-1]
		t.rings = t.rings[:n-1]
		*r = [ringLen]exchange{}
		return r
	}
	return new([ringLen]exchange)
}

// Proto implements analyze.Tracker.
func (t *Tracker) Proto() string { return "ikev2" }

func (t *Tracker) transition(kind, id string, frame int, at time.Time, from, to string, r Reason, b analyze.Basis, evidence ...int) {
	t.evbuf = append(t.evbuf[:0], evidence...)
	t.tr = analyze.Transition{Proto: "ikev2", Kind: kind, Session: id, Frame: frame, Time: at, From: from, To: to, Reason: r, Basis: b, Evidence: t.evbuf}
	t.e.Transition(&t.tr)
}

func (t *Tracker) anomaly(sev analyze.Severity, code, session string, frame int, at time.Time, text, rfc string) {
	t.an = analyze.Anomaly{Proto: "ikev2", Code: code, Severity: sev, Session: session, Frame: frame, Time: at, Message: text, RFC: rfc}
	t.e.Anomaly(&t.an)
}

// use caches the decoder's layers (once per decoder).
func (t *Tracker) use(d *decode.Decoder) {
	if t.dec == d {
		return
	}
	t.dec = d
	t.ike, _ = d.Layer(dissect.LayerISAKMP).(*dike.ISAKMP)
	t.udp, _ = d.Layer(dissect.LayerUDP).(*transport.UDP)
	t.esl, _ = d.Layer(dissect.LayerESP).(*dike.ESP)
	t.ip4, _ = d.Layer(dissect.LayerIPv4).(*ip.IPv4)
	t.ip6, _ = d.Layer(dissect.LayerIPv6).(*ip.IPv6)
	t.hop, _ = d.Layer(dissect.LayerHopByHop).(*ip.Options)
	t.dopt, _ = d.Layer(dissect.LayerDestOpts).(*ip.Options)
	t.data, _ = d.Layer(dissect.LayerPayload).(interface{ LayerContents() []byte })
}

// AH header (RFC 4302 §2):
//
//	| Next Header   |  Payload Len  |          RESERVED             |
//	|                 Security Parameters Index (SPI)               |
//	|                    Sequence Number Field                      |
const (
	ipProtoAH   = 51 // IANA protocol number (RFC 4302 §2)
	ahSPIOff    = 4
	ahMinLen    = 12
	ahSPIMinUse = 256 // SPIs 1-255 are reserved by IANA (RFC 4302 §2.4)
)

// ahSPI returns the SPI of an AH header the decoder left as data after
// the IP header prev (IPv4, IPv6, or an IPv6 options header): v6scope has
// no AH dissector, so AH is read from the IP protocol number alone.
func (t *Tracker) ahSPI(prev gopacket.LayerType) (uint32, bool) {
	var next uint8
	switch {
	case prev == dissect.LayerIPv4 && t.ip4 != nil:
		next = t.ip4.Protocol
	case prev == dissect.LayerIPv6 && t.ip6 != nil:
		next = t.ip6.NextHeader
	case prev == dissect.LayerHopByHop && t.hop != nil:
		next = t.hop.NextHeader
	case prev == dissect.LayerDestOpts && t.dopt != nil:
		next = t.dopt.NextHeader
	}
	if next != ipProtoAH || t.data == nil {
		return 0, false
	}
	b := t.data.LayerContents()
	if len(b) < ahMinLen {
		return 0, false
	}
	spi := binary.BigEndian.Uint32(b[ahSPIOff:])
	return spi, spi >= ahSPIMinUse
}

// Observe implements analyze.Tracker.
func (t *Tracker) Observe(p *analyze.Packet) {
	if p.Decoder == nil || p.Ctx == nil {
		return
	}
	ike, esp, encap := false, false, false
	var prev, last gopacket.LayerType
	for _, l := range p.Layers {
		prev, last = last, l
		switch l {
		case dissect.LayerICMPv4, dissect.LayerICMPv6:
			return // quoted by an ICMP error: not sent as such
		case dissect.LayerUDPEncap:
			encap = true
		case dissect.LayerISAKMP:
			ike = true
		case dissect.LayerESP:
			esp = true
		}
	}
	if !ike && !esp && last != dissect.LayerPayload {
		return
	}
	t.use(p.Decoder)
	if !ike && !esp {
		if spi, ok := t.ahSPI(prev); ok {
			t.espPacket(p, protoAH, spi, netip.AddrPortFrom(p.Ctx.Src, 0), netip.AddrPortFrom(p.Ctx.Dst, 0))
		}
		return
	}
	var src, dst netip.AddrPort
	if t.udp != nil && (encap || ike) {
		src = netip.AddrPortFrom(p.Ctx.Src, t.udp.SrcPort)
		dst = netip.AddrPortFrom(p.Ctx.Dst, t.udp.DstPort)
	} else {
		src, dst = netip.AddrPortFrom(p.Ctx.Src, 0), netip.AddrPortFrom(p.Ctx.Dst, 0)
	}
	switch {
	case ike && t.ike != nil:
		if t.ike.MajorVersion() != 2 {
			t.ikev1++
			return
		}
		if t.duplicate(p) {
			return
		}
		if !t.read(p, src, dst, encap) {
			return
		}
		t.message(&t.m)
	case esp && t.esl != nil:
		t.espPacket(p, protoESP, t.esl.SPI, src, dst)
	}
}

// duplicate reports whether the IKE message in t.ike is a capture
// duplicate: byte for byte a message seen on the same link less than
// duplicateWindow before, over IPv4 with the same Identification (IPv6
// has none outside a Fragment header). Such a copy is counted, extends
// its IKE SA's frames, and goes no further: it is the same packet, not a
// retransmission (RFC 7296 §2.1) nor another sighting.
func (t *Tracker) duplicate(p *analyze.Packet) bool {
	v4 := false
	for _, l := range p.Layers {
		if l == dissect.LayerIPv4 {
			v4 = true
		}
	}
	var ipid uint16
	if v4 && t.ip4 != nil {
		ipid = t.ip4.ID
	}
	cur := sighting{sum: maphash.Bytes(t.seed, t.ike.Contents), at: p.Time, link: p.Link, v4: v4, ipid: ipid, valid: true}
	for i := range t.recent {
		r := &t.recent[i]
		if !r.valid || r.sum != cur.sum || r.link != cur.link || r.v4 != cur.v4 || r.ipid != cur.ipid {
			continue
		}
		if d := cur.at.Sub(r.at); d < 0 || d >= duplicateWindow {
			continue
		}
		r.at = cur.at // a third copy is measured from the second
		t.duplicates++
		if en := t.sas.Peek(t.ike.ISPI); en != nil && p.Frame > en.Val.last {
			en.Val.last = p.Frame
			en.Val.duplicates++
		}
		return true
	}
	t.recent[t.recentNext] = cur
	t.recentNext = (t.recentNext + 1) % recentLen
	return false
}

// msg is what the tracker reads of one IKEv2 message.
type msg struct {
	p          *analyze.Packet
	frame      int
	at         time.Time
	src, dst   netip.AddrPort
	encap      bool
	ispi, rspi [8]byte
	exchange   uint8
	mid        uint32
	length     uint32
	initiator  bool // I flag: sent by the original initiator
	response   bool // R flag
	side       int  // who made the request: 0 the original initiator, 1 the responder
	decrypted  bool
	hasSK      bool
	skLen      int
	// The Encrypted payload's Next Payload, in the clear: the type of
	// the first payload inside (RFC 7296 §3.14), known on an SK payload
	// and on fragment 1 of an SKF one (RFC 7383 §2.5: the other
	// fragments carry 0).
	skNext      uint8
	skNextKnown bool
	fragNum     uint16
	fragTotal   uint16
	notifies    []notify
	hasSA       bool
	sa          proposal
	hasKE       bool
	keGroup     uint16
	hasAuth     bool
	hasEAP      bool
	hasTS       bool
	deletes     []deletion
	inner       int // payloads found inside the Encrypted payload
}

type deletion struct {
	proto uint8
	size  int
	spis  []byte
}

// read fills t.m from the ISAKMP layer; false when the message is too
// damaged to follow.
func (t *Tracker) read(p *analyze.Packet, src, dst netip.AddrPort, encap bool) bool {
	im := t.ike
	if len(im.Contents) < dike.HeaderLen {
		return false
	}
	m := &t.m
	*m = msg{p: p, frame: p.Frame, at: p.Time, src: src, dst: dst, encap: encap,
		ispi: im.ISPI, rspi: im.RSPI, exchange: im.Exchange, mid: im.MessageID, length: im.Length,
		initiator: im.Initiator(), response: im.Response(), decrypted: im.Decrypted(),
		notifies: m.notifies[:0], deletes: m.deletes[:0]}
	if m.response == m.initiator {
		m.side = 1 // a request from the responder, or its answer
	}
	if im.IntegrityFailed() {
		t.integrityFailed++
	}
	for i := range im.Payloads {
		pl := &im.Payloads[i]
		body := pl.Body()
		if pl.Inner {
			m.inner++
		}
		switch pl.Type {
		case dike.PayloadSK:
			m.hasSK, m.skLen = true, len(pl.Data)
			m.skNext, m.skNextKnown = pl.Next, len(pl.Data) >= skHeaderLen
		case dike.PayloadSKF:
			m.hasSK, m.skLen = true, len(pl.Data)
			if len(body) >= 4 {
				m.fragNum = binary.BigEndian.Uint16(body[0:])
				m.fragTotal = binary.BigEndian.Uint16(body[2:])
				m.skNext, m.skNextKnown = pl.Next, m.fragNum == 1
			}
		case dike.PayloadNotify:
			if n, ok := parseNotify(body); ok && len(m.notifies) < 16 {
				m.notifies = append(m.notifies, n)
			}
		case dike.PayloadSA:
			if pr, ok := parseSA(body); ok && !m.hasSA {
				m.hasSA, m.sa = true, pr
			}
		case dike.PayloadKE:
			if len(body) >= 2 {
				m.hasKE, m.keGroup = true, binary.BigEndian.Uint16(body)
			}
		case dike.PayloadAUTH:
			m.hasAuth = true
		case dike.PayloadEAP:
			m.hasEAP = true
		case dike.PayloadTSi, dike.PayloadTSr:
			m.hasTS = true
		case dike.PayloadDelete:
			if proto, size, spis, ok := parseDelete(body); ok && len(m.deletes) < 8 {
				m.deletes = append(m.deletes, deletion{proto, size, spis})
			}
		}
	}
	return true
}

// skHeaderLen is the Encrypted payload's generic header, in the clear
// (RFC 7296 §3.14): Next Payload, the critical bit, Payload Length.
const skHeaderLen = 4

// header returns, for a message the tracker could not decrypt, the type
// of the first payload inside its Encrypted payload, from the clear
// header; false when that is not shown (no Encrypted payload, or an
// Encrypted Fragment other than the first).
func (m *msg) header() (uint8, bool) {
	if m.decrypted || !m.hasSK || !m.skNextKnown {
		return 0, false
	}
	return m.skNext, true
}

// notify returns the first notification of type typ.
func (m *msg) notify(typ uint16) (notify, bool) {
	for _, n := range m.notifies {
		if n.typ == typ {
			return n, true
		}
	}
	return notify{}, false
}

// errorNotify returns the first error notification (type below 16384),
// INVALID_KE_PAYLOAD excepted.
func (m *msg) errorNotify() (notify, bool) {
	for _, n := range m.notifies {
		if n.typ != 0 && n.typ <= notifyErrorMax && n.typ != notifyInvalidKE {
			return n, true
		}
	}
	return notify{}, false
}

func spiHex(b [8]byte) string { return hex.EncodeToString(b[:]) }

func spi32(v uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return hex.EncodeToString(b[:])
}

// saID is an IKE SA's session id. The responder's SPI is unknown until
// IKE_SA_INIT is answered; the initiator's names the SA from its first
// message on (RFC 7296 §2.6) and keeps the id stable.
func saID(ispi [8]byte) string { return saIDPrefix + spiHex(ispi) }

const saIDPrefix = "ikev2/ike_sa/"

// spiI is the initiator's SPI in hex, the tail of the SA's id.
func (s *sa) spiI() string {
	if len(s.id) > len(saIDPrefix) {
		return s.id[len(saIDPrefix):]
	}
	return spiHex(s.ispi)
}

// Finish implements analyze.Tracker.
func (t *Tracker) Finish() {
	t.sas.All(func(en *analyze.Entry[[8]byte, sa]) bool {
		t.conclude(&en.Val)
		return true
	})
	t.sas.All(func(en *analyze.Entry[[8]byte, sa]) bool {
		t.emit(&en.Val, false)
		return true
	})
}

// Tables implements analyze.Tracker.
func (t *Tracker) Tables() []analyze.TableStat {
	return []analyze.TableStat{
		{Kind: "ike_sa", Live: t.sas.Len(), Cap: t.sas.Cap(), Evicted: t.sas.Evicted()},
		{Kind: "esp_spi", Live: t.esp.Len(), Cap: t.esp.Cap(), Evicted: t.esp.Evicted()},
		{Kind: "peer_pair", Live: t.pairs.Len(), Cap: t.pairs.Cap(), Evicted: t.pairs.Evicted()},
	}
}

// Limits implements analyze.Tracker.
func (t *Tracker) Limits() []string {
	var l []string
	if t.noKeys > 0 {
		l = append(l, strconv.Itoa(t.noKeys)+" encrypted IKE messages could not be read (no keys: give --ikev2-keys): CREATE_CHILD_SA kinds, which SA a Delete names, Child SA SPIs and rekeys are inferred from sizes, timing, new ESP SPIs and new IKE SPIs (transitions say basis=inferred)")
		if t.headerSettled > 0 {
			l = append(l, strconv.Itoa(t.headerSettled)+" of them were told apart by their Encrypted payload's clear Next Payload, the type of the first payload inside (RFC 7296 §3.14): an empty INFORMATIONAL (DPD), a Delete, another INFORMATIONAL, an EAP round or the final AUTH of IKE_AUTH; what those payloads say stays unread")
		}
	}
	if t.integrityFailed > 0 {
		l = append(l, strconv.Itoa(t.integrityFailed)+" encrypted IKE messages failed their integrity check with the keys given: wrong keys, or damaged messages")
	}
	if t.inferredSAs > 0 {
		l = append(l, strconv.Itoa(t.inferredSAs)+" IKE SAs were first seen after IKE_SA_INIT (capture began later, or rekeyed without keys): how they were created is inferred")
	}
	if t.lateMsgs > 0 {
		l = append(l, strconv.Itoa(t.lateMsgs)+" IKE messages carry a timestamp before their IKE SA's first message (the file is not in time order): what their IKE_SA_INIT says (origin, retries, NAT detection) is kept, but they do not move states and their Message IDs are not checked")
	}
	if t.orphanESP > 0 {
		l = append(l, strconv.Itoa(t.orphanESP)+" ESP SPIs belonged to no IKE SA seen in the capture (keyed manually, or negotiated before it began)")
	}
	if t.childrenDropped > 0 {
		l = append(l, strconv.Itoa(t.childrenDropped)+" Child SAs were not kept: an IKE SA keeps at most "+strconv.Itoa(t.cfg.MaxChildren))
	}
	if t.duplicates > 0 {
		l = append(l, strconv.Itoa(t.duplicates)+" IKE messages were captured twice: byte-identical copies on the same link less than "+duplicateWindow.String()+" apart (over IPv4 with the same Identification) are one packet copied by the capture (a mirrored port, a bridge and its port), counted once and not as retransmissions")
	}
	if t.ikev1 > 0 {
		l = append(l, strconv.Itoa(t.ikev1)+" IKEv1 messages were not analyzed (IKEv2 only)")
	}
	if t.sas.Len() > 0 || t.sas.Evicted() > 0 {
		l = append(l, "the NAT verdict is what the NAT_DETECTION hashes say against the addresses at the capture point (RFC 7296 §2.23): a peer that fakes its hash to force UDP encapsulation looks like one behind a NAT")
	}
	return l
}
