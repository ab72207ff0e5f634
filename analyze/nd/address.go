package nd

import (
	"math"
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
	// oneNonce: two probes of the current DAD carried the same Nonce (as
	// Linux sends them), so a probe with another Nonce starts a new DAD.
	oneNonce bool
	// run counts the probes of the current DAD; lastRun those of the
	// latest DAD the timer saw complete.
	run, lastRun int
	// doneAt is when the DAD timer last declared the address PREFERRED;
	// continued is set while a further probe of that same DAD shows it
	// still running (see continues).
	doneAt    time.Time
	continued bool
	contFrame int  // the first further probe
	noted     bool // the current DAD's further probes were reported
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
	if a.nonces[0].frame != 0 && a.nonces[0].nonce == n {
		a.oneNonce = true
	}
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
	a.continued = false
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

// running reports whether the node's DAD for the address is going on: it
// is tentative, or a further probe showed that the DAD the timer had
// declared done was still running.
func (a *address) running() bool {
	return a.state == Tentative || a.state == Preferred && a.continued
}

// arm sets the DAD timer after a probe, the run-th of the current DAD.
// The node sends DupAddrDetectTransmits probes RetransTimer apart and
// ends DAD RetransTimer after the last (RFC 4862 §5.1, §5.4.2), so the
// timer falls RetransTimer after the probe expected to be the last,
// with the count the node showed in its latest complete DAD, else the
// assumed one (Config.DADTransmits), plus dadGrace. A probe beyond the
// count moves the end to RetransTimer after it.
func (a *address) arm(at time.Time) {
	retrans := a.t.linkConfig(a.key.link).retrans
	n, _ := a.t.dadTransmits(a.key.link, a.key.node)
	left := max(n-a.run, 0)
	wait := satMul(left+1, retrans) + dadGrace(retrans)
	a.t.e.Clock.Arm(&a.timer, satAdd(at, wait), a)
}

// dadGrace is how long past the nominal end of DAD the observer waits
// before it declares the address PREFERRED: a quarter of RetransTimer.
// Kernels do not send the next probe exactly RetransTimer later: Linux's
// timer wheel may run a timer up to an eighth of its timeout late (a 1 s
// RetransTimer spaces dad_transmits probes about 1.024 s apart), and the
// capture timestamps a little later still. Without the grace the timer
// would beat a probe that is due and show the node's DAD done between
// two of its probes.
func dadGrace(retrans time.Duration) time.Duration { return retrans / 4 }

// satMul is n × d, saturating instead of overflowing.
func satMul(n int, d time.Duration) time.Duration {
	if n <= 0 || d <= 0 {
		return 0
	}
	if d > math.MaxInt64/time.Duration(n) {
		return math.MaxInt64
	}
	return time.Duration(n) * d
}

// satAdd is at + d, at the latest the largest time the clock holds.
func satAdd(at time.Time, d time.Duration) time.Time {
	if at.UnixNano() > math.MaxInt64-int64(d) {
		return time.Unix(0, math.MaxInt64)
	}
	return at.Add(d)
}

// Fire implements analyze.Firer: DAD finished without a conflict. The
// node's count of probes is learnt from the DAD that completed.
func (a *address) Fire(now time.Time) {
	switch a.state {
	case Tentative:
		a.completed(now)
		a.move(Preferred, ReasonDADDone, analyze.BasisTimer, a.t.e.Frame(), now, a.sinceFrame)
	case Preferred:
		if a.continued {
			a.continued = false
			a.completed(now) // already shown PREFERRED: no transition
		}
	case AddressNone, Duplicate:
	}
}

// completed records a DAD that passed: its end, and its count of probes
// as the node's DupAddrDetectTransmits.
func (a *address) completed(now time.Time) {
	a.doneAt, a.lastRun = now, a.run
	a.t.learnDADTransmits(a.key.link, a.key.node, a.run)
}

// dadSolicit: the node sent a DAD NS for the address (RFC 4862 §5.4.2).
func (a *address) dadSolicit(frame int, at time.Time) {
	a.attempts++
	a.lastNS = at
	switch a.state {
	case AddressNone, Preferred, Duplicate:
		a.nonces = [maxNonces]sentNonce{} // a new DAD, new nonces
		a.oneNonce, a.noted = false, false
		a.run = 1
		a.move(Tentative, ReasonDADStart, analyze.BasisObserved, frame, at, frame)
	case Tentative:
		a.run++
		a.arm(at) // one more of DupAddrDetectTransmits
	}
}

// maxNonceGap bounds, in RetransTimers after the timer's verdict, how late
// a probe with the Nonce of a DAD still continues it: a node whose
// RetransTimer is up to that many times the assumed one. Later, the same
// Nonce is a node that reuses it, and the probe a new DAD.
const maxNonceGap = 8

// continues reports whether a DAD probe the node sends for the address at
// at, with Nonce nc when hasNonce, belongs to the DAD the timer declared
// done rather than starting a new one: a probe with a Nonce that DAD's
// probes carried (a node draws a new Nonce for a new DAD, RFC 7527 §4.1),
// within maxNonceGap RetransTimers, or, unless that DAD repeated one Nonce and this probe has another, a
// probe within RetransTimer + dadGrace of the timer's verdict — the
// spacing of a further probe (RFC 4862 §5.4.2).
func (a *address) continues(nc nonce, hasNonce bool, at time.Time) bool {
	if a.state != Preferred || a.doneAt.IsZero() {
		return false
	}
	if a.continued {
		return true
	}
	retrans := a.t.linkConfig(a.key.link).retrans
	d := at.Sub(a.doneAt)
	if d < 0 {
		return false
	}
	if hasNonce && a.hasNonce(nc) {
		return d <= satMul(maxNonceGap, retrans)
	}
	if hasNonce && a.oneNonce {
		return false
	}
	return d <= retrans+dadGrace(retrans)
}

// continueRun: a further probe of the DAD the timer declared done. The
// PREFERRED already shown stays (the observer cannot take it back), the
// DAD runs on: a conflict still makes the address DUPLICATE, and its end
// is timed from this probe.
func (a *address) continueRun(frame int, at time.Time) {
	a.attempts++
	a.run++
	a.lastNS = at
	if !a.continued {
		a.continued, a.contFrame = true, frame
	}
	a.arm(at)
}

// conflict: an NA for the address (RFC 4862 §5.4.4) or another node's DAD
// NS (§5.4.3) arrived while the node's DAD runs.
func (a *address) conflict(r Reason, frame int, at time.Time, from analyze.MAC) bool {
	switch a.state {
	case Tentative:
		a.defender = from
		a.move(Duplicate, r, analyze.BasisObserved, frame, at, a.sinceFrame, frame)
		return true
	case Preferred:
		if a.continued {
			// The node's DAD was still running: the further probe shows it.
			a.defender = from
			a.move(Duplicate, r, analyze.BasisObserved, frame, at, a.contFrame, frame)
			return true
		}
	case AddressNone, Duplicate:
	}
	return false
}

func (a *address) session() *analyze.Session {
	s := &analyze.Session{Proto: "nd", Kind: "address", ID: a.id, State: a.state.String(), FirstFrame: a.first, LastFrame: a.last, Transitions: a.transitions}
	s.Attrs = append(s.Attrs, analyze.Attr{Key: "link", Val: linkString(a.key.link)}, analyze.Attr{Key: "address", Val: a.key.addr}, analyze.Attr{Key: "node", Val: a.key.node.String()}, analyze.Attr{Key: "dad_ns", Val: a.attempts})
	if a.state == Duplicate {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "defender", Val: a.defender.String()})
	}
	if a.lastRun > 0 {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "dad_transmits", Val: a.lastRun})
	}
	if a.looped > 0 {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "looped_back", Val: a.looped})
	}
	return s
}
