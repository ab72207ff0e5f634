package nd

import (
	"net/netip"
	"time"

	"github.com/v6scope/v6scope/analyze"
)

// Protocol constants (RFC 4861 §10, RFC 4862 §5.1) used when the capture
// does not advertise a value.
const (
	DefaultReachableTime   = 30 * time.Second // REACHABLE_TIME
	DefaultRetransTimer    = time.Second      // RETRANS_TIMER
	DefaultDelayFirstProbe = 5 * time.Second  // DELAY_FIRST_PROBE_TIME
	DefaultMaxUnicast      = 3                // MAX_UNICAST_SOLICIT
	DefaultMaxMulticast    = 3                // MAX_MULTICAST_SOLICIT
	DefaultDADTransmits    = 1                // DupAddrDetectTransmits (RFC 4862 §5.1)
)

// Config holds the constants the state machines assume and the caps of
// their tables. The zero value uses the RFC defaults.
type Config struct {
	// ReachableTime is the nodes' BaseReachableTime when no RA on the link
	// advertises one (RFC 4861 §6.3.2, §6.3.4).
	ReachableTime time.Duration
	// NodeReachableTime overrides ReachableTime for the nodes it names, as
	// captures often mix stacks configured differently (a router with the
	// default, hosts with a short base).
	NodeReachableTime map[analyze.MAC]time.Duration
	// RetransTimer likewise (RFC 4861 §6.3.2).
	RetransTimer time.Duration
	// DelayFirstProbe is DELAY_FIRST_PROBE_TIME.
	DelayFirstProbe time.Duration
	// MaxUnicast and MaxMulticast are MAX_UNICAST_SOLICIT and
	// MAX_MULTICAST_SOLICIT.
	MaxUnicast, MaxMulticast int
	// DADTransmits is the DupAddrDetectTransmits assumed for a node
	// until one of its DADs completes and shows its own count of probes
	// (RFC 4862 §5.1); at most MaxDADTransmits.
	DADTransmits int
	// Routers, when set, lists the routers allowed on the links; an RA from
	// any other is a rogue router. When empty, the first router heard on a
	// link is taken as legitimate and any later one is reported as new.
	Routers []netip.Addr
	// Prefixes, when set, lists the prefixes routers may advertise; when
	// empty, the prefixes of the first router heard on the link.
	Prefixes []netip.Prefix
	// MaxNeighbors, MaxAddresses, MaxRouters and MaxNodes cap the tables
	// (neighbor entries, DAD sessions, routers and prefixes, known address
	// owners); 0 means the default.
	MaxNeighbors, MaxAddresses, MaxRouters, MaxNodes int
	// MaxHostsPerRA bounds the work one multicast Router Advertisement
	// costs: it places the router's entry (RFC 4861 §6.3.4) in at most
	// this many of the link's nodes, the most recently heard first; 0
	// means DefaultMaxHostsPerRA.
	MaxHostsPerRA int
	// MaxPending caps the multicast solicitations kept while their
	// target's owner is unknown (RFC 4861 §7.2.3); 0 means
	// DefaultMaxPending.
	MaxPending int
	// BurstWindow and BurstLimit flag more than BurstLimit unsolicited NAs
	// (or RAs) on one link within BurstWindow.
	BurstWindow time.Duration
	BurstLimit  int
}

// Default table caps: all full, about 40 MiB of heap
// (TestMillionNeighborsStayWithinCaps measures it).
const (
	DefaultMaxNeighbors  = 32768
	DefaultMaxAddresses  = 16384
	DefaultMaxRouters    = 1024
	DefaultMaxNodes      = 32768
	DefaultMaxHostsPerRA = 256
	DefaultMaxPending    = 256
)

// MaxDADTransmits bounds DupAddrDetectTransmits, assumed or learned.
const MaxDADTransmits = 255

func (c *Config) fill() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(d *int, v int) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ReachableTime, DefaultReachableTime)
	def(&c.RetransTimer, DefaultRetransTimer)
	def(&c.DelayFirstProbe, DefaultDelayFirstProbe)
	def(&c.BurstWindow, time.Second)
	defInt(&c.MaxUnicast, DefaultMaxUnicast)
	defInt(&c.MaxMulticast, DefaultMaxMulticast)
	defInt(&c.DADTransmits, DefaultDADTransmits)
	c.DADTransmits = min(c.DADTransmits, MaxDADTransmits)
	defInt(&c.MaxNeighbors, DefaultMaxNeighbors)
	defInt(&c.MaxAddresses, DefaultMaxAddresses)
	defInt(&c.MaxRouters, DefaultMaxRouters)
	defInt(&c.MaxNodes, DefaultMaxNodes)
	defInt(&c.MaxHostsPerRA, DefaultMaxHostsPerRA)
	defInt(&c.MaxPending, DefaultMaxPending)
	defInt(&c.BurstLimit, 20)
}
