package nd

// NeighborState is the reachability state of a neighbor cache entry
// (RFC 4861 §7.3.2, RFC 7048 §3).
type NeighborState uint8

const (
	// NeighborNone: no entry (a session not yet created).
	NeighborNone NeighborState = iota
	// Incomplete: address resolution is in progress; a multicast NS was
	// sent and no NA received yet (RFC 4861 §7.3.2).
	Incomplete
	// Reachable: the neighbor was recently known to be reachable, within
	// ReachableTime of a solicited NA (RFC 4861 §7.3.2).
	Reachable
	// Stale: ReachableTime has passed since the last confirmation, or the
	// link-layer address was learned unsolicited; nothing is done until a
	// packet is sent (RFC 4861 §7.3.2).
	Stale
	// Delay: a packet was sent to a STALE entry; the node waits
	// DELAY_FIRST_PROBE_TIME for an upper-layer confirmation before
	// probing (RFC 4861 §7.3.2).
	Delay
	// Probe: the node sends unicast NS probes every RetransTimer, up to
	// MAX_UNICAST_SOLICIT (RFC 4861 §7.3.2, §7.3.3).
	Probe
	// Unreachable: resolution or probing failed; RFC 4861 deletes the
	// entry, RFC 7048 §3 keeps it UNREACHABLE (Linux calls it FAILED).
	Unreachable
)

var neighborStateNames = [...]string{"", "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "UNREACHABLE"}

func (s NeighborState) String() string { return neighborStateNames[s] }

// AddressState is the Duplicate Address Detection state of an address a
// node tries (RFC 4862 §5.4).
type AddressState uint8

const (
	// AddressNone: not seen yet.
	AddressNone AddressState = iota
	// Tentative: the node sent a DAD NS from :: for it; it sends
	// DupAddrDetectTransmits of them RetransTimer apart and waits
	// RetransTimer after the last (RFC 4862 §5.1, §5.4.2).
	Tentative
	// Preferred: DAD passed without conflict; the address is assigned
	// (RFC 4862 §5.4, §5.5.4 preferred).
	Preferred
	// Duplicate: an NA for the address, or another node's DAD NS for it,
	// arrived while it was tentative (RFC 4862 §5.4.3, §5.4.4, §5.4.5).
	Duplicate
)

var addressStateNames = [...]string{"", "TENTATIVE", "PREFERRED", "DUPLICATE"}

func (s AddressState) String() string { return addressStateNames[s] }

// RouterState is a router's (or a prefix's) advertisement state
// (RFC 4861 §6.3.4, §6.3.5).
type RouterState uint8

const (
	// RouterNone: not heard yet.
	RouterNone RouterState = iota
	// Advertising: its last RA gave a non-zero lifetime that has not run
	// out (Router Lifetime for a router, Valid Lifetime for a prefix).
	Advertising
	// Expired: the lifetime ran out on the virtual clock, or an RA said 0
	// (RFC 4861 §6.3.4: a router leaving sends Router Lifetime 0).
	Expired
)

var routerStateNames = [...]string{"", "ADVERTISING", "EXPIRED"}

func (s RouterState) String() string { return routerStateNames[s] }

// Reason is why a session changed state. Its String is a stable
// snake_case code.
type Reason uint8

// Reasons.
const (
	ReasonMulticastNS      Reason = iota + 1 // the node sent a multicast NS for the target
	ReasonSolicitedNA                        // a solicited NA from the target reached the node
	ReasonUnsolicitedNA                      // an NA without S changed the link-layer address
	ReasonOverrideNA                         // an NA with O rewrote the link-layer address
	ReasonLearned                            // an NS, RS, RA or Redirect told the node the address
	ReasonReachableTime                      // ReachableTime passed without confirmation
	ReasonPacketSent                         // the node sent a packet to a STALE entry
	ReasonDelayTime                          // DELAY_FIRST_PROBE_TIME passed
	ReasonUnicastProbe                       // the node sent a unicast NS probe
	ReasonProbesFailed                       // MAX_UNICAST_SOLICIT probes went unanswered
	ReasonResolutionFailed                   // MAX_MULTICAST_SOLICIT solicitations went unanswered
	ReasonStaleInferred                      // a later probe shows the entry had gone STALE
	ReasonDelayInferred                      // a later probe shows the packet sent put it in DELAY
	ReasonDADStart                           // the node sent a DAD NS from ::
	ReasonDADDone                            // RetransTimer passed quietly after the last of DupAddrDetectTransmits probes
	ReasonDADNA                              // an NA for the tentative address arrived
	ReasonDADNS                              // another node's DAD NS for the same address (not its own looped back)
	ReasonRA                                 // an RA with a non-zero lifetime
	ReasonRALifetimeZero                     // an RA with lifetime 0
	ReasonLifetime                           // the advertised lifetime ran out
)

var reasonCodes = [...]string{"",
	"multicast_ns", "solicited_na", "unsolicited_na", "override_na", "learned_lladdr",
	"reachable_time", "packet_sent", "delay_first_probe_time", "unicast_probe", "probes_unanswered",
	"resolution_failed", "stale_inferred", "delay_inferred",
	"dad_ns", "dad_complete", "dad_na", "dad_ns_conflict",
	"ra", "ra_lifetime_zero", "lifetime_expired",
}

var reasonText = [...]string{"",
	"the node sent a multicast Neighbor Solicitation for the target (RFC 4861 §7.2.2)",
	"a solicited Neighbor Advertisement from the target reached the node (RFC 4861 §7.2.5)",
	"a Neighbor Advertisement without the Solicited flag brought a different link-layer address (RFC 4861 §7.2.5)",
	"a Neighbor Advertisement with the Override flag rewrote the link-layer address (RFC 4861 §7.2.5)",
	"a Neighbor Solicitation, Router Solicitation, Router Advertisement or Redirect carried the sender's link-layer address (RFC 4861 §7.2.3, §6.2.6, §6.3.4, §8.3); inferred when the message was multicast, as the observer does not see who takes it in",
	"ReachableTime passed without a reachability confirmation (RFC 4861 §7.3.3)",
	"the node sent a packet to the neighbor while its entry was STALE (RFC 4861 §7.3.3)",
	"DELAY_FIRST_PROBE_TIME passed without a confirmation (RFC 4861 §7.3.3)",
	"the node sent a unicast Neighbor Solicitation probe (RFC 4861 §7.3.3)",
	"MAX_UNICAST_SOLICIT probes went unanswered (RFC 4861 §7.3.3, RFC 7048 §3)",
	"MAX_MULTICAST_SOLICIT solicitations went unanswered (RFC 4861 §7.2.2, RFC 7048 §3)",
	"inferred: the node's unicast probe shows its entry had gone STALE earlier than the assumed ReachableTime (RFC 4861 §7.3.3)",
	"inferred: the node's unicast probe shows the packet it sent to the STALE entry put it in DELAY (RFC 4861 §7.3.3)",
	"the node sent a Duplicate Address Detection NS from the unspecified address (RFC 4862 §5.4.2)",
	"RetransTimer passed without a conflict after the node's last DAD probe, DupAddrDetectTransmits of them: as many as the node sent in its previous DAD, else the assumed --dad-transmits (RFC 4862 §5.1, §5.4.2)",
	"a Neighbor Advertisement for the tentative address arrived (RFC 4862 §5.4.4)",
	"another node's DAD Neighbor Solicitation for the same address arrived: from another Ethernet source, without a Nonce the node's own probes carried (RFC 4862 §5.4.3, RFC 7527 §4.1)",
	"a Router Advertisement with a non-zero lifetime (RFC 4861 §6.3.4)",
	"a Router Advertisement with lifetime 0 (RFC 4861 §6.3.4, §6.2.5)",
	"the advertised lifetime ran out on the virtual clock (RFC 4861 §6.3.5)",
}

func (r Reason) String() string { return reasonCodes[r] }

// Explain says in a sentence what the reason means.
func (r Reason) Explain() string { return reasonText[r] }
