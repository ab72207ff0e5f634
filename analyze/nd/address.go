package nd

import (
	"net/netip"
	"time"

	"github.com/v6scope/v6scope/analyze"
)

// addressKey names one node's attempt at one address. DAD is tracked per
// node: two nodes can try the same address, and the one that finds it
// taken ends DUPLICATE while the holder keeps it PREFERRED.
type addressKey struct {
	link analyze.Link
	addr netip.Addr
	node analyze.MAC
}

// address is the DAD state of one address of one node (RFC 4862 §5.4).
type address struct {
	t           *Tracker
	key         addressKey
	id          string
	state       AddressState
	first, last int
	transitions int
	sinceFrame  int
	attempts    int // DAD NS seen
	looped      int // its own probes seen looped back (RFC 7527 §4.1)
	defender    analyze.MAC
	timer       analyze.Timer
	// nonces are the Nonces of the latest probes of the current DAD
	// (RFC 7527 §4.1), with the frames that carried them; lastNS is when
	// the latest probe was sent.
	nonces [maxNonces]sentNonce
	lastNS time.Time
}

// maxNonces is how many of a DAD's probe Nonces are kept: as many as
// DupAddrDetectTransmits usually is, and more than the RFC default of 1.
const maxNonces = 4

// nonce is a Nonce option's value (RFC 3971 §5.3.2: 6 bytes or more; RFC
// 7527 §4.1 uses 6). Longer ones are compared on their first 14 bytes.
type nonce struct {
	b [14]byte
	n uint8
}

func (n nonce) String() string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 2*len(n.b))
	for _, c := range n.b[:n.n] {
		b = append(b, hex[c>>4], hex[c&0xf])
	}
	return string(b)
}

type sentNonce struct {
	nonce
	frame int
}

// sentNonce records the Nonce of a probe the node sent.
func (a *address) sentNonce(n nonce, frame int, at time.Time) {
	copy(a.nonces[1:], a.nonces[:maxNonces-1])
	a.nonces[0] = sentNonce{n, frame}
	a.lastNS = at
}

func (a *address) hasNonce(n nonce) bool { return a.nonceFrame(n) != 0 }

// nonceFrame returns the frame of the probe that carried n, or 0.
func (a *address) nonceFrame(n nonce) int {
	for _, s := range a.nonces {
		if s.frame != 0 && s.nonce == n {
			return s.frame
		}
	}
	return 0
}

func (a *address) move(to AddressState, r Reason, b analyze.Basis, frame int, at time.Time, evidence ...int) {
	from := a.state
	a.state = to
	a.sinceFrame = frame
	a.transitions++
	a.t.transition("address", a.id, frame, at, from.String(), to.String(), r, b, evidence)
	if to == Tentative {
		a.arm(at)
		return
	}
	a.t.e.Clock.Stop(&a.timer)
	switch to {
	case Preferred:
		a.t.confirmOwner(a.key.link, a.key.addr, a.key.node, frame)
	case Duplicate:
		a.t.dadFailed(a)
	}
}

// arm waits RetransTimer × DupAddrDetectTransmits after the latest DAD NS
// (RFC 4862 §5.4).
func (a *address) arm(at time.Time) {
	wait := time.Duration(a.t.cfg.DADTransmits) * a.t.linkConfig(a.key.link).retrans
	a.t.e.Clock.Arm(&a.timer, at.Add(wait), a)
}

// Fire implements analyze.Firer: DAD finished without a conflict.
func (a *address) Fire(now time.Time) {
	switch a.state {
	case Tentative:
		a.move(Preferred, ReasonDADDone, analyze.BasisTimer, a.t.e.Frame(), now, a.sinceFrame)
	case AddressNone, Preferred, Duplicate:
	}
}

// dadSolicit: the node sent a DAD NS for the address (RFC 4862 §5.4.2).
func (a *address) dadSolicit(frame int, at time.Time) {
	a.attempts++
	switch a.state {
	case AddressNone, Preferred, Duplicate:
		a.nonces = [maxNonces]sentNonce{} // a new DAD, new nonces
		a.move(Tentative, ReasonDADStart, analyze.BasisObserved, frame, at, frame)
	case Tentative:
		a.arm(at) // one more of DupAddrDetectTransmits
	}
}

// conflict: an NA for the address (RFC 4862 §5.4.4) or another node's DAD
// NS (§5.4.3) arrived.
func (a *address) conflict(r Reason, frame int, at time.Time, from analyze.MAC) bool {
	switch a.state {
	case Tentative:
		a.defender = from
		a.move(Duplicate, r, analyze.BasisObserved, frame, at, a.sinceFrame, frame)
		return true
	case AddressNone, Preferred, Duplicate:
	}
	return false
}

func (a *address) session() *analyze.Session {
	s := &analyze.Session{Proto: "nd", Kind: "address", ID: a.id, State: a.state.String(), FirstFrame: a.first, LastFrame: a.last, Transitions: a.transitions}
	s.Attrs = append(s.Attrs, analyze.Attr{Key: "link", Val: linkString(a.key.link)}, analyze.Attr{Key: "address", Val: a.key.addr}, analyze.Attr{Key: "node", Val: a.key.node.String()}, analyze.Attr{Key: "dad_ns", Val: a.attempts})
	if a.state == Duplicate {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "defender", Val: a.defender.String()})
	}
	if a.looped > 0 {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "looped_back", Val: a.looped})
	}
	return s
}
