package mip6

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/mip6"
)

// Timing constants of RFC 6275 §12: a BU asking for an acknowledgement
// is retransmitted after InitialBindackTimeoutFirstReg (a first home
// registration) or INITIAL_BINDACK_TIMEOUT (any other): a BA not seen by
// then is missing.
const (
	InitialBindackTimeoutFirstReg = 1500 * time.Millisecond
	InitialBindackTimeout         = time.Second
	// lifetimeUnit is the unit of the Lifetime fields (RFC 6275 §6.1.7).
	lifetimeUnit = 4 * time.Second
)

// Config caps the tables. The zero value uses the defaults.
type Config struct {
	MaxBindings, MaxRR int
}

// Tracker is the Mobile IPv6 tracker: it plugs into an analyze.Engine.
type Tracker struct {
	e        *analyze.Engine
	cfg      Config
	bindings *analyze.Table[pairKey, binding]
	rrs      *analyze.Table[pairKey, rr]
	// homeOf maps a care-of address to the home address registered with
	// it, so that a CoTI (sent from the care-of address) finds its mobile
	// node.
	homeOf map[netip.Addr]netip.Addr

	tr    analyze.Transition
	an    analyze.Anomaly
	evbuf []int
	auth  []byte
	mnps  []netip.Prefix

	unverified int // BUs with an authenticator and no tokens to check it
}

// pairKey is (home address, peer): the home agent or correspondent of a
// binding, the correspondent of a return routability procedure.
type pairKey struct{ hoa, peer netip.Addr }

func (k pairKey) String() string { return k.hoa.String() + "/" + k.peer.String() }

// New returns a Mobile IPv6 tracker that reports to e.
func New(e *analyze.Engine, cfg Config) *Tracker {
	if cfg.MaxBindings <= 0 {
		cfg.MaxBindings = 16384
	}
	if cfg.MaxRR <= 0 {
		cfg.MaxRR = 16384
	}
	t := &Tracker{e: e, cfg: cfg,
		bindings: analyze.NewTable[pairKey, binding](cfg.MaxBindings),
		rrs:      analyze.NewTable[pairKey, rr](cfg.MaxRR),
		homeOf:   map[netip.Addr]netip.Addr{},
		evbuf:    make([]int, 0, 4),
	}
	t.bindings.OnEvict = func(en *analyze.Entry[pairKey, binding]) {
		b := &en.Val
		t.e.Clock.Stop(&b.timer)
		t.e.Clock.Stop(&b.ack.timer)
		if t.homeOf[b.coa] == b.key.hoa {
			delete(t.homeOf, b.coa)
		}
		s := b.session()
		s.Evicted = true
		t.e.Session(s)
	}
	t.rrs.OnEvict = func(en *analyze.Entry[pairKey, rr]) {
		s := en.Val.session()
		s.Evicted = true
		t.e.Session(s)
	}
	return t
}

// Proto implements analyze.Tracker.
func (t *Tracker) Proto() string { return "mip6" }

func (t *Tracker) transition(kind, id string, frame int, at time.Time, from, to string, r Reason, b analyze.Basis, evidence ...int) {
	t.evbuf = append(t.evbuf[:0], evidence...)
	t.tr = analyze.Transition{Proto: "mip6", Kind: kind, Session: id, Frame: frame, Time: at, From: from, To: to, Reason: r, Basis: b, Evidence: t.evbuf}
	t.e.Transition(&t.tr)
}

func (t *Tracker) anomaly(sev analyze.Severity, code, session string, frame int, at time.Time, msg, rfc string) {
	t.an = analyze.Anomaly{Proto: "mip6", Code: code, Severity: sev, Session: session, Frame: frame, Time: at, Message: msg, RFC: rfc}
	t.e.Anomaly(&t.an)
}

// mobility returns the frame's Mobility Header, unless it is quoted by an
// ICMPv6 error.
func mobility(p *analyze.Packet) *mip6.Mobility {
	for _, l := range p.Layers {
		switch l {
		case dissect.LayerICMPv6, dissect.LayerICMPv4:
			return nil
		case dissect.LayerMobility, dissect.LayerMobilityOld:
			m, _ := p.Decoder.Layer(l).(*mip6.Mobility)
			return m
		}
	}
	return nil
}

// Observe implements analyze.Tracker.
func (t *Tracker) Observe(p *analyze.Packet) {
	if m := mobility(p); m != nil {
		t.handle(p, m)
	}
}

// handle dispatches one Mobility Header message.
func (t *Tracker) handle(p *analyze.Packet, m *mip6.Mobility) {
	switch m.Type {
	case mip6.TypeBU:
		t.update(p, m)
	case mip6.TypeBA:
		t.ack(p, m)
	case mip6.TypeBRR:
		t.refreshRequest(p, m)
	case mip6.TypeBE:
		t.bindingError(p, m)
	case mip6.TypeHoTI, mip6.TypeCoTI:
		t.testInit(p, m)
	case mip6.TypeHoT, mip6.TypeCoT:
		t.test(p, m)
	}
}

// Finish implements analyze.Tracker.
func (t *Tracker) Finish() {
	t.bindings.All(func(en *analyze.Entry[pairKey, binding]) bool {
		t.e.Session(en.Val.session())
		return true
	})
	t.rrs.All(func(en *analyze.Entry[pairKey, rr]) bool {
		t.e.Session(en.Val.session())
		return true
	})
}

// Tables implements analyze.Tracker.
func (t *Tracker) Tables() []analyze.TableStat {
	return []analyze.TableStat{
		{Kind: "binding", Live: t.bindings.Len(), Cap: t.bindings.Cap(), Evicted: t.bindings.Evicted()},
		{Kind: "rr", Live: t.rrs.Len(), Cap: t.rrs.Cap(), Evicted: t.rrs.Evicted()},
	}
}

// Limits implements analyze.Tracker.
func (t *Tracker) Limits() []string {
	var l []string
	if t.unverified > 0 {
		l = append(l, strconv.Itoa(t.unverified)+" Binding Authorization Data authenticators could not be checked: the capture lacks the Home Test or Care-of Test that carried their keygen tokens (RFC 6275 §5.2.5)")
	}
	if t.bindings.Len() > 0 {
		l = append(l, "binding lifetimes run from the BA that granted them, as the mobile node counts; the peer's cache counts from the BU it received (RFC 6275 §9.5.1, §11.7.1)")
	}
	return l
}
