package teredo

// ClientState is where a client is in qualification (RFC 4380 §5.2.1).
type ClientState uint8

const (
	// ClientNone: not seen yet.
	ClientNone ClientState = iota
	// Qualifying: the client sent a Router Solicitation to its server and
	// waits for the Router Advertisement (RFC 4380 §5.2.1).
	Qualifying
	// Qualified: the server answered with an RA carrying an origin
	// indication: the client knows its mapped address and port, hence its
	// Teredo address (RFC 4380 §5.2.1, §4).
	Qualified
	// Failed: no answer to the solicitations within the qualification
	// timeout, or the secondary server saw another mapping: a symmetric
	// NAT, which Teredo cannot cross (RFC 4380 §5.2.1; RFC 6081 §1 lets
	// some of them through with its extensions).
	Failed
)

var clientStateNames = [...]string{"", "QUALIFYING", "QUALIFIED", "FAILED"}

func (s ClientState) String() string { return clientStateNames[s] }

// PathState is how a client reaches one peer (RFC 4380 §5.2.4–§5.2.10).
type PathState uint8

const (
	// PathNone: not seen yet.
	PathNone PathState = iota
	// Testing: the client sent a direct IPv6 connectivity test (an ICMPv6
	// Echo Request through its server) to a native IPv6 peer and waits for
	// the relay that will carry the answer (RFC 4380 §5.2.9).
	Testing
	// BubbleSent: the client sent a bubble, directly or through the peer's
	// server, to open its NAT towards the peer (RFC 4380 §5.2.4, §5.2.6).
	BubbleSent
	// Direct: a packet came straight from the peer's mapping to the client:
	// the path through both NATs is open (RFC 4380 §5.2.6 "trusted").
	Direct
	// ViaRelay: the client exchanges packets with a native IPv6 peer
	// through a Teredo relay's mapping (RFC 4380 §5.2.9, §5.4).
	ViaRelay
)

var pathStateNames = [...]string{"", "TESTING", "BUBBLE_SENT", "DIRECT", "VIA_RELAY"}

func (s PathState) String() string { return pathStateNames[s] }

// NAT is the kind of NAT qualification found (RFC 4380 §5.2.1).
type NAT uint8

// NAT types.
const (
	NATUnknown NAT = iota
	// Cone: the RS with the cone flag was answered: anyone may send to the
	// mapping.
	Cone
	// Restricted: only the RS without the cone flag was answered (or the
	// cone form was never tried): peers must be opened with bubbles.
	Restricted
	// Symmetric: the secondary server saw another mapping than the
	// primary.
	Symmetric
)

var natNames = [...]string{"", "cone", "restricted", "symmetric"}

func (n NAT) String() string { return natNames[n] }

// Reason is why a session changed state; its String is a stable code.
type Reason uint8

// Reasons.
const (
	ReasonRS             Reason = iota + 1 // a Router Solicitation to a server
	ReasonRA                               // the server's RA with the origin indication
	ReasonNoAnswer                         // the qualification timeout ran out
	ReasonSymmetric                        // the secondary server saw another mapping
	ReasonAddressInUse                     // a client seen using its Teredo address
	ReasonBubble                           // a bubble sent to the peer
	ReasonConnTest                         // a direct IPv6 connectivity test
	ReasonFromPeer                         // a packet straight from the peer
	ReasonRelay                            // a packet through a relay
	ReasonLocalDiscovery                   // a packet from a local peer's announced endpoint
	ReasonHairpin                          // a packet from a peer's alternate address
)

var reasonCodes = [...]string{"", "router_solicitation", "router_advertisement", "qualification_timeout", "secondary_mapping_differs",
	"address_in_use", "bubble", "connectivity_test", "from_peer", "via_relay",
	"local_discovery", "hairpin"}

var reasonText = [...]string{"",
	"the client sent a Router Solicitation to its Teredo server (RFC 4380 §5.2.1)",
	"the server answered with a Router Advertisement whose origin indication gives the client its mapping (RFC 4380 §5.2.1)",
	"no Router Advertisement answered the solicitations within the qualification timeout (RFC 4380 §5.2.1)",
	"the secondary server saw another mapped address or port than the primary: a symmetric NAT (RFC 4380 §5.2.1)",
	"the client sends from a Teredo address whose mapping matches where its packets come from; its qualification was not captured (RFC 4380 §4)",
	"the client sent a bubble to open its NAT towards the peer (RFC 4380 §5.2.4, §5.2.6)",
	"the client sent a direct IPv6 connectivity test through its server (RFC 4380 §5.2.9)",
	"a packet arrived straight from the peer's mapping: the path is open (RFC 4380 §5.2.6)",
	"packets to or from the native IPv6 peer go through a Teredo relay (RFC 4380 §5.2.9, §5.4)",
	"a packet arrived straight from the local address and port the peer announced in a local discovery bubble: the path is direct on the local network (RFC 4380 §5.2.8, §5.2.3)",
	"a packet arrived straight from an alternate address the peer listed in an Alternate Address trailer: both clients sit behind the same NAT (RFC 6081 §3.5, §4.3)",
}

func (r Reason) String() string { return reasonCodes[r] }

// Explain says in a sentence what the reason means.
func (r Reason) Explain() string { return reasonText[r] }
