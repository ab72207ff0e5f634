package nd

import (
	"net/netip"
	"time"

	"github.com/v6scope/v6scope/analyze"
)

// Node names the owner of a neighbor cache: its MAC address, or its IPv6
// source address on links without Ethernet headers.
type Node struct {
	MAC analyze.MAC
	// pad is always zero: it fills what would be padding, so that keys
	// holding a Node hash as plain memory (a map lookup per packet).
	pad [2]byte
	IP  netip.Addr
}

func (n Node) String() string {
	if n.IP.IsValid() {
		return n.IP.String()
	}
	return n.MAC.String()
}

type neighborKey struct {
	link   analyze.Link
	node   Node
	target netip.Addr
}

// neighbor is one neighbor cache entry of one node (RFC 4861 §5.1, §7.3.2).
type neighbor struct {
	t      *Tracker
	key    neighborKey
	id     string
	state  NeighborState
	lla    analyze.MAC
	hasLLA bool
	router bool

	first, last int
	transitions int
	// since and sinceFrame are when and by which frame the current state
	// was entered: the evidence of a timer's transition.
	since      time.Time
	sinceFrame int
	// lastTx is the last non-probe unicast packet the node sent to the
	// target, for inferences.
	lastTx     int
	lastTxTime time.Time
	solicits   int // NS sent in INCOMPLETE or PROBE
	deadline   time.Time
	timer      analyze.Timer
	// prevTarget and nextTarget chain the entries of every node for one
	// target, for multicast NAs.
	prevT, nextT *neighbor
}

// move changes state, records the transition and arms the state's timer:
// timers are armed in one place, on entering a state (RFC 4861 §7.3.3).
func (n *neighbor) move(to NeighborState, r Reason, b analyze.Basis, frame int, at time.Time, evidence ...int) {
	from := n.state
	n.state = to
	n.since, n.sinceFrame = at, frame
	n.solicits = 0
	if from != to { // a refresh re-arms the timer without a transition
		n.transitions++
		n.t.transition("neighbor", n.id, frame, at, from.String(), to.String(), r, b, evidence)
	}
	c := &n.t.e.Clock
	cfg := n.t.linkConfig(n.key.link)
	switch to {
	case Incomplete:
		n.solicits = 1
		n.deadline = at.Add(time.Duration(n.t.cfg.MaxMulticast) * cfg.retrans)
		c.Arm(&n.timer, n.deadline, n)
	case Reachable:
		c.Arm(&n.timer, at.Add(n.t.reachableTime(n.key.node, cfg)), n)
	case Delay:
		c.Arm(&n.timer, at.Add(n.t.cfg.DelayFirstProbe), n)
	case Probe:
		n.deadline = at.Add(time.Duration(n.t.cfg.MaxUnicast) * cfg.retrans)
		c.Arm(&n.timer, n.deadline, n)
	default: // Stale, Unreachable: no timer (RFC 4861 §7.3.3, RFC 7048 §3)
		c.Stop(&n.timer)
	}
}

// Fire implements analyze.Firer: the state's timer ran out.
func (n *neighbor) Fire(now time.Time) {
	f := n.t.e.Frame()
	switch n.state {
	case Reachable:
		n.move(Stale, ReasonReachableTime, analyze.BasisTimer, f, now, n.sinceFrame)
	case Delay:
		n.move(Probe, ReasonDelayTime, analyze.BasisTimer, f, now, n.sinceFrame)
	case Probe:
		n.move(Unreachable, ReasonProbesFailed, analyze.BasisTimer, f, now, n.sinceFrame)
	case Incomplete:
		n.move(Unreachable, ReasonResolutionFailed, analyze.BasisTimer, f, now, n.sinceFrame)
	case NeighborNone, Stale, Unreachable:
		// No timer runs in these states.
	}
}

// extend keeps a solicitation's timer running RetransTimer after the
// latest solicitation seen.
func (n *neighbor) extend(at time.Time) {
	n.solicits++
	if d := at.Add(n.t.linkConfig(n.key.link).retrans); d.After(n.deadline) {
		n.deadline = d
		n.t.e.Clock.Arm(&n.timer, d, n)
	}
}

// multicastSolicit: the node sent a multicast NS for the target
// (RFC 4861 §7.2.2: address resolution).
func (n *neighbor) multicastSolicit(frame int, at time.Time) {
	switch n.state {
	case NeighborNone, Unreachable:
		n.move(Incomplete, ReasonMulticastNS, analyze.BasisObserved, frame, at, frame)
	case Incomplete, Probe:
		// Retransmission (RFC 4861 §7.2.2), or a multicast probe
		// (RFC 7048 §3).
		n.extend(at)
	case Reachable, Stale, Delay:
		// The node resolves afresh: it must have dropped the entry.
		n.move(Incomplete, ReasonMulticastNS, analyze.BasisInferred, frame, at, frame)
	}
}

// unicastSolicit: the node sent a unicast NS to the target: a NUD probe
// (RFC 4861 §7.3.3).
func (n *neighbor) unicastSolicit(frame int, at time.Time) {
	switch n.state {
	case NeighborNone:
		// The entry predates what we saw of it.
		n.move(Probe, ReasonUnicastProbe, analyze.BasisInferred, frame, at, frame)
	case Reachable:
		// ReachableTime ran out sooner than assumed; the last packet the
		// node sent put the entry in DELAY.
		stale, staleFrame := at, frame
		if n.lastTx > n.sinceFrame {
			stale, staleFrame = n.lastTxTime, n.lastTx
		}
		n.move(Stale, ReasonStaleInferred, analyze.BasisInferred, staleFrame, stale, frame)
		n.move(Delay, ReasonDelayInferred, analyze.BasisInferred, staleFrame, stale, staleFrame, frame)
		n.move(Probe, ReasonUnicastProbe, analyze.BasisObserved, frame, at, frame)
	case Stale:
		if n.lastTx > n.sinceFrame {
			n.move(Delay, ReasonDelayInferred, analyze.BasisInferred, n.lastTx, n.lastTxTime, n.lastTx, frame)
		} else {
			n.move(Delay, ReasonDelayInferred, analyze.BasisInferred, frame, at, frame)
		}
		n.move(Probe, ReasonUnicastProbe, analyze.BasisObserved, frame, at, frame)
	case Delay:
		n.move(Probe, ReasonUnicastProbe, analyze.BasisObserved, frame, at, frame)
	case Probe, Unreachable:
		// Another probe (RFC 4861 §7.3.3; RFC 7048 §3 keeps probing an
		// UNREACHABLE entry with backoff).
		n.extend(at)
	case Incomplete:
		// Resolution goes on; a unicast NS here is a node's choice.
		n.extend(at)
	}
}

// sent: the node sent a packet (not an NS) to the target, to its cached
// link-layer address (RFC 4861 §7.3.3: STALE → DELAY).
func (n *neighbor) sent(frame int, at time.Time) {
	n.lastTx, n.lastTxTime = frame, at
	if n.state == Stale {
		n.move(Delay, ReasonPacketSent, analyze.BasisObserved, frame, at, frame)
	}
}

// advert applies a Neighbor Advertisement the node received for the
// target (RFC 4861 §7.2.5). It returns whether the entry's link-layer
// address changed.
func (n *neighbor) advert(frame int, at time.Time, solicited, override, router bool, lla analyze.MAC, hasLLA bool) (changed bool) {
	switch n.state {
	case NeighborNone:
		if !solicited || !hasLLA {
			return false // "silently discarded" (RFC 4861 §7.2.5)
		}
		n.lla, n.hasLLA, n.router = lla, true, router
		n.move(Reachable, ReasonSolicitedNA, analyze.BasisObserved, frame, at, frame)
		return false
	case Incomplete:
		if !hasLLA {
			return false
		}
		n.lla, n.hasLLA, n.router = lla, true, router
		if solicited {
			n.move(Reachable, ReasonSolicitedNA, analyze.BasisObserved, frame, at, frame)
		} else {
			n.move(Stale, ReasonUnsolicitedNA, analyze.BasisObserved, frame, at, frame)
		}
		return false
	}
	differs := hasLLA && (!n.hasLLA || lla != n.lla)
	if !override && differs {
		// "If the Override flag is clear and the supplied link-layer address
		// differs from that in the cache, then … if its state is REACHABLE,
		// set it to STALE, but do not update the entry in any other way."
		if n.state == Reachable {
			n.move(Stale, ReasonUnsolicitedNA, analyze.BasisObserved, frame, at, frame)
		}
		return false
	}
	n.router = router
	if differs {
		n.lla, n.hasLLA = lla, true
	}
	switch {
	case solicited:
		n.move(Reachable, ReasonSolicitedNA, analyze.BasisObserved, frame, at, frame)
	case differs:
		n.move(Stale, ReasonOverrideNA, analyze.BasisObserved, frame, at, frame)
	}
	return differs
}

// learned applies a link-layer address the node heard from the target in
// an NS, RS, RA or Redirect (RFC 4861 §7.2.3, §6.2.6, §6.3.4, §8.3): a new
// entry, or a different address, is STALE. b says whether the capture
// shows the node got the message (a unicast one sent to it) or the
// observer infers it (a multicast one, which the observer cannot see
// arrive); evidence defaults to frame.
func (n *neighbor) learned(frame int, at time.Time, lla analyze.MAC, b analyze.Basis, evidence ...int) {
	if n.state == NeighborNone || n.state == Incomplete || !n.hasLLA || n.lla != lla {
		n.lla, n.hasLLA = lla, true
		if len(evidence) == 0 {
			evidence = []int{frame}
		}
		n.move(Stale, ReasonLearned, b, frame, at, evidence...)
	}
}

func (n *neighbor) session() *analyze.Session {
	s := &analyze.Session{Proto: "nd", Kind: "neighbor", ID: n.id, State: n.state.String(), FirstFrame: n.first, LastFrame: n.last, Transitions: n.transitions}
	s.Attrs = append(s.Attrs, analyze.Attr{Key: "link", Val: linkString(n.key.link)}, analyze.Attr{Key: "node", Val: n.key.node.String()}, analyze.Attr{Key: "target", Val: n.key.target})
	if n.hasLLA {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "lladdr", Val: n.lla.String()})
	}
	if n.router {
		s.Attrs = append(s.Attrs, analyze.Attr{Key: "router", Val: true})
	}
	return s
}
