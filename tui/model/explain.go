package model

import (
	"strconv"
	"strings"

	"github.com/v6scope/v6scope/decode"
)

// Explanation is the explain pane's text for one kind of message, written
// for a student: what the message is, why a node sends it, what the
// receiver does with it, and where the RFC says so.
type Explanation struct {
	Key      string // what MessageKey returns for it
	Title    string
	What     string
	Why      string
	Receiver string
	RFC      string
}

// Explanations is every message the explain pane knows, in one table.
var Explanations = []Explanation{
	// Neighbor Discovery
	{"icmpv6.133", "Router Solicitation",
		"An ICMPv6 message (type 133) a host multicasts to all-routers (ff02::2) to ask routers on the link to announce themselves.",
		"A host that has just come up, or attached to a new link, does not want to wait up to several minutes for the next periodic Router Advertisement; it asks instead, up to MAX_RTR_SOLICITATIONS (3) times.",
		"Every router on the link answers with a Router Advertisement (usually multicast, after a small random delay), which gives the host its default router, prefixes and link parameters. If the RS carries a Source Link-Layer Address option, the router may create a STALE neighbor cache entry for the host.",
		"RFC 4861 §4.1, §6.3.7"},
	{"icmpv6.134", "Router Advertisement",
		"An ICMPv6 message (type 134) from a router's link-local address, sent periodically and in answer to Router Solicitations. It carries the router lifetime, hop limit, M/O flags, timers and options: prefixes (PIO), MTU, source link-layer address, RDNSS/DNSSL, routes.",
		"Routers advertise so that hosts can find a default router, learn on-link prefixes and autoconfigure addresses (SLAAC) without any configuration.",
		"A host adds (or refreshes, or with lifetime 0 removes) the router in its default router list, autoconfigures an address from each prefix with the A flag, marks prefixes with the L flag on-link, and applies MTU, hop limit and DNS options. Hosts must check the hop limit is 255: an RA from off-link is dropped.",
		"RFC 4861 §4.2, §6.3.4; RFC 4862 §5.5; RFC 8106"},
	{"icmpv6.135", "Neighbor Solicitation",
		"An ICMPv6 message (type 135) asking the owner of the Target Address for its link-layer address. Sent to the target's solicited-node multicast address (ff02::1:ffXX:XXXX) to resolve it, to the target's unicast address to check it is still reachable, or from :: to check a new address is not already used (Duplicate Address Detection).",
		"IPv6 has no ARP: a node solicits the neighbor before sending to an address it has no link-layer address for (state INCOMPLETE), when probing a neighbor in PROBE state, or during DAD for a TENTATIVE address.",
		"The node that owns the target answers with a Neighbor Advertisement (solicited flag set), and if the NS carried a Source Link-Layer Address, creates or updates a STALE entry for the sender. An NS from :: (DAD) is answered to all-nodes; if the receiver is itself doing DAD for that address, the address is a duplicate.",
		"RFC 4861 §4.3, §7.2.2–7.2.4; RFC 4862 §5.4"},
	{"icmpv6.136", "Neighbor Advertisement",
		"An ICMPv6 message (type 136) giving the link-layer address of the Target Address, with three flags: R (sender is a router), S (answer to a solicitation), O (override existing cache entries).",
		"Sent in answer to a Neighbor Solicitation (S=1), or unsolicited (S=0) to announce a changed link-layer address quickly, or to defend an address during DAD.",
		"A solicited NA moves the asker's entry to REACHABLE; an unsolicited one with O=1 updates the address and makes the entry STALE. A node doing DAD that receives an NA for its tentative address knows the address is taken (DUPLICATE). An unsolicited NA that changes a known mapping is also how cache poisoning looks.",
		"RFC 4861 §4.4, §7.2.5–7.2.6"},
	{"icmpv6.137", "Redirect",
		"An ICMPv6 message (type 137) from a router telling a host that a better first hop exists for a destination (or that the destination is on-link).",
		"The host sent a packet to the router, and the router forwarded it back out the same interface: there is a shorter path.",
		"The host updates its destination cache so later packets for that destination go to the Target Address. It must accept Redirects only from its current first-hop router's link-local address, with hop limit 255.",
		"RFC 4861 §4.5, §8"},
	// MLD
	{"icmpv6.130", "Multicast Listener Query",
		"An ICMPv6 message (type 130) from the link's querier router: a General Query (to ff02::1, multicast address ::) asks every listener to report all its groups; a Multicast-Address-Specific (and, in MLDv2, Source-Specific) Query asks about one group. MLDv2 queries are 28 bytes or longer, MLDv1 ones 24.",
		"The router keeps track of which multicast groups have listeners on each link so that it forwards only wanted traffic. Queriers also elect one querier per link: the lowest address wins.",
		"Each listener waits a random time up to the Maximum Response Delay and then sends a Report for its groups. A router that hears a query from a lower address stops querying (Other Querier Present).",
		"RFC 2710 §3.6; RFC 3810 §5.1, §6.2, §7.6.2"},
	{"icmpv6.131", "Multicast Listener Report (MLDv1)",
		"An ICMPv6 message (type 131) in which a node says it listens to one multicast group; sent to that group's address.",
		"A node reports when it joins a group (unsolicited, twice) and in answer to a query.",
		"The router starts or refreshes its timer for the group on that link; other MLDv1 listeners of the group that hear it cancel their own pending report (report suppression). An MLDv2 router falls back to compatibility mode for the group.",
		"RFC 2710 §3.6, §4"},
	{"icmpv6.132", "Multicast Listener Done (MLDv1)",
		"An ICMPv6 message (type 132) sent to all-routers (ff02::2) when a node stops listening to a group.",
		"The leaving node may have been the last listener on the link; telling the router lets it stop forwarding the group sooner.",
		"The querier sends Multicast-Address-Specific Queries for the group; if no report comes back within the Last Listener Query Interval, it removes the group (NO_LISTENERS).",
		"RFC 2710 §3.6, §4"},
	{"icmpv6.143", "Multicast Listener Report (MLDv2)",
		"An ICMPv6 message (type 143) sent to ff02::16 (all MLDv2 routers) with one Multicast Address Record per group: a record type (IS_IN, IS_EX, TO_IN, TO_EX, ALLOW, BLOCK) and a source list. Join and leave are both reports here.",
		"Sent when a node's listening state changes (state-change records, repeated Robustness Variable times), in answer to queries (current-state records), and by every IPv6 node for its solicited-node groups before DAD.",
		"The router updates each group's filter mode (INCLUDE or EXCLUDE), source lists and timers; TO_IN with no sources is a leave and triggers a group-specific query.",
		"RFC 3810 §5.2, §6.1, §7.4"},
	{"icmpv6.1", "Destination Unreachable",
		"An ICMPv6 error (type 1) from a router or the destination, quoting as much of the packet that could not be delivered as fits: code 0 no route, 1 administratively prohibited, 3 address unreachable (address resolution failed), 4 port unreachable.",
		"The packet could not be delivered. Code 3 is what a router sends when Neighbor Discovery for the destination failed (the neighbor went UNREACHABLE).",
		"The sender's IPv6 stack passes the error to the transport or application the quoted packet belongs to (a connect fails with 'no route' or 'host unreachable'). Errors are rate-limited and never sent about other ICMPv6 errors.",
		"RFC 4443 §3.1, §2.4; RFC 4861 §7.2.2"},
	{"icmpv6.2", "Packet Too Big",
		"An ICMPv6 error (type 2) from a router whose next link's MTU is smaller than the packet, with that MTU.",
		"IPv6 routers never fragment: the sender must send smaller packets (Path MTU Discovery).",
		"The sender lowers its path MTU for the destination and fragments or segments later packets to fit. Tunnels (6in4, Teredo) often cause these.",
		"RFC 4443 §3.2; RFC 8201 §4"},
	{"icmpv6.3", "Time Exceeded",
		"An ICMPv6 error (type 3): code 0 the hop limit reached 0 in transit, code 1 fragment reassembly timed out.",
		"A routing loop, a hop limit set too low (traceroute does it on purpose), or fragments lost.",
		"The sender reports the error to the application; traceroute uses the router's source address to draw the path.",
		"RFC 4443 §3.3"},
	{"icmpv6.4", "Parameter Problem",
		"An ICMPv6 error (type 4) pointing (with a byte offset) at a field of the packet the receiver could not process: a bad header field, an unknown next header, or an unknown option.",
		"The packet was malformed, or used an extension or option the receiver does not support (a Home Address option without Mobile IPv6 support, for instance).",
		"The sender learns which byte was refused; Mobile IPv6 nodes use it to detect correspondents without route optimisation.",
		"RFC 4443 §3.4; RFC 6275 §9.3.1"},
	{"icmpv6.128", "Echo Request",
		"An ICMPv6 message (type 128): ping. Its identifier and sequence number pair it with the reply.",
		"To test reachability and measure round-trip time. Teredo also uses it for its direct connectivity test.",
		"The destination answers with an Echo Reply carrying the same identifier, sequence number and data.",
		"RFC 4443 §4.1"},
	{"icmpv6.129", "Echo Reply",
		"An ICMPv6 message (type 129) answering an Echo Request with the same identifier, sequence number and data.",
		"The destination was asked whether it is reachable.",
		"The sender matches it to its request by identifier and sequence number; for Teredo, a reply that comes back directly confirms a direct path to the peer.",
		"RFC 4443 §4.2"},
	// Teredo
	{"teredo.bubble", "Teredo bubble",
		"A Teredo (IPv6-over-UDP-over-IPv4) packet carrying an IPv6 header with no payload (next header 59). It may be sent directly or relayed via the Teredo server (then it has an origin indication).",
		"Bubbles open a mapping in the client's NAT so that the peer's packets can come in: a client sends one directly to the peer and one through the peer's server, which forwards it as an indirect bubble.",
		"The peer learns the client's mapped address and port, answers with a bubble of its own, and from then on the two can send directly (peer path DIRECT). Bubbles carry no data and are otherwise discarded.",
		"RFC 4380 §2.8, §5.2.4, §5.2.6"},
	{"teredo.rs", "Teredo qualification: Router Solicitation",
		"A Router Solicitation sent over UDP to the Teredo server's port 3544, with an authentication header (nonce) and the cone flag in the source link-local address.",
		"A Teredo client qualifies: it learns its mapped IPv4 address and port through its NAT and the type of NAT, and so its Teredo IPv6 address.",
		"The server answers with a Router Advertisement carrying an origin indication (the client's mapped address and port, obfuscated) and the Teredo prefix; from a second server address when testing cone NAT.",
		"RFC 4380 §5.2.1; RFC 5991"},
	{"teredo.ra", "Teredo qualification: Router Advertisement",
		"The Teredo server's answer to a qualification RS: a Router Advertisement over UDP, with an origin indication header holding the client's mapped IPv4 address and port (bits inverted) and the Teredo prefix (2001::/32).",
		"It tells the client how its NAT maps it, which the client cannot see from inside.",
		"The client checks the nonce, builds its Teredo address (prefix, server IPv4, flags, inverted mapped port and address) and becomes QUALIFIED; no RA after retries means FAILED (no Teredo through this NAT).",
		"RFC 4380 §5.2.1, §4"},
	{"teredo.data", "IPv6 over Teredo",
		"An IPv6 packet carried in UDP over IPv4 between a Teredo client and a peer or relay.",
		"A host behind an IPv4 NAT reaches the IPv6 Internet (or another Teredo client) with no native IPv6.",
		"The receiver strips the UDP/IPv4 encapsulation and processes the inner IPv6 packet; it checks that the Teredo address matches the IPv4 source and port it came from.",
		"RFC 4380 §5.2.3, §5.4"},
	// Mobile IPv6
	{"mip6.0", "Binding Refresh Request",
		"A Mobility Header message (type 0) from a correspondent node or home agent asking the mobile node to send a new Binding Update.",
		"The binding is about to expire and is still in use.",
		"The mobile node refreshes the binding with a Binding Update (after return routability for a correspondent).",
		"RFC 6275 §6.1.2, §11.7.4"},
	{"mip6.1", "Home Test Init (HoTI)",
		"A Mobility Header message (type 1) the mobile node sends to a correspondent node through its home agent (reverse tunnelled), with a home init cookie.",
		"The first half of return routability: proving to the correspondent that the mobile node is reachable at its home address, before route optimisation.",
		"The correspondent answers with a Home Test (HoT) carrying a home keygen token, sent to the home address.",
		"RFC 6275 §5.2.5, §6.1.3"},
	{"mip6.2", "Care-of Test Init (CoTI)",
		"A Mobility Header message (type 2) the mobile node sends directly from its care-of address to a correspondent node, with a care-of init cookie.",
		"The other half of return routability: proving that the mobile node is reachable at its care-of address.",
		"The correspondent answers with a Care-of Test (CoT) carrying a care-of keygen token, sent to the care-of address.",
		"RFC 6275 §5.2.5, §6.1.4"},
	{"mip6.3", "Home Test (HoT)",
		"A Mobility Header message (type 3) from the correspondent to the mobile node's home address: the home init cookie echoed, a home keygen token and a nonce index.",
		"Answers a HoTI.",
		"The mobile node combines the home and care-of keygen tokens into the binding management key (Kbm) that authorizes its Binding Update to the correspondent.",
		"RFC 6275 §5.2.5, §6.1.5"},
	{"mip6.4", "Care-of Test (CoT)",
		"A Mobility Header message (type 4) from the correspondent to the mobile node's care-of address: the care-of init cookie echoed, a care-of keygen token and a nonce index.",
		"Answers a CoTI.",
		"With both tokens, the mobile node sends a Binding Update with a Binding Authorization Data option to the correspondent: return routability is COMPLETE.",
		"RFC 6275 §5.2.5, §6.1.6"},
	{"mip6.5", "Binding Update",
		"A Mobility Header message (type 5) from the mobile node (or a NEMO mobile router) announcing its current care-of address for its home address, with a sequence number, a lifetime and flags (A ack wanted, H home registration, R mobile router).",
		"The mobile node has moved to a foreign link (new care-of address), its binding needs refreshing, or it has come home (lifetime 0: deregistration).",
		"The home agent (or correspondent) checks the sequence number and authorization, creates or updates the binding cache entry, and with the A flag answers with a Binding Acknowledgement. With H set, the home agent starts intercepting packets for the home address (proxy ND) and tunnelling them to the care-of address.",
		"RFC 6275 §6.1.7, §9.5, §10.3; RFC 3963 §6.1"},
	{"mip6.6", "Binding Acknowledgement",
		"A Mobility Header message (type 6) answering a Binding Update: a status (below 128 accepted, 128 and above rejected, e.g. 135 sequence number out of window), the sequence number and the granted lifetime.",
		"The Binding Update asked for an acknowledgement (A flag), or was rejected.",
		"The mobile node's binding becomes BOUND (or DEREGISTERED after a lifetime-0 update), or REJECTED, in which case it may retry (with the returned sequence number for status 135).",
		"RFC 6275 §6.1.8, §11.7.3"},
	{"mip6.7", "Binding Error",
		"A Mobility Header message (type 7) a correspondent sends when it receives a packet with a Home Address option it has no binding for (status 1), or an unknown Mobility Header type (status 2).",
		"Something is wrong with the sender's binding or mobility signalling.",
		"The mobile node should re-establish the binding (return routability and a new Binding Update) or stop using route optimisation with that node.",
		"RFC 6275 §6.1.9, §9.3.1"},
	// IKEv2
	{"ikev2.34.req", "IKE_SA_INIT request",
		"The first message of IKEv2 (exchange type 34), from the initiator: its SPI, proposed algorithms (SA), a Diffie-Hellman public value (KE), a nonce, and NAT detection hashes.",
		"Two peers start a secure channel (IKE SA) before setting up IPsec SAs.",
		"The responder picks one proposal and answers with its own KE and nonce, or asks for a COOKIE (under load) or a different DH group (INVALID_KE_PAYLOAD), in which case the initiator retries.",
		"RFC 7296 §1.2, §2.6, §3.3"},
	{"ikev2.34.resp", "IKE_SA_INIT response",
		"The responder's answer (exchange type 34, Response flag): its SPI, chosen proposal, KE, nonce, NAT detection hashes and often a certificate request.",
		"It completes the Diffie-Hellman exchange: both sides now derive SKEYSEED and the keys that protect the rest of the exchange.",
		"The initiator computes the keys, switches to UDP port 4500 if a NAT was detected, and sends IKE_AUTH.",
		"RFC 7296 §1.2, §2.14, §2.23"},
	{"ikev2.35.req", "IKE_AUTH request",
		"Exchange type 35, encrypted (SK payload): the initiator's identity, authentication (AUTH), and the first Child SA's proposal and traffic selectors.",
		"To prove the initiator's identity over the keys just agreed, and to set up the first IPsec SA at the same time.",
		"The responder verifies AUTH against its policy, then answers with its own identity and AUTH and the accepted Child SA, or AUTHENTICATION_FAILED.",
		"RFC 7296 §1.2, §2.15"},
	{"ikev2.35.resp", "IKE_AUTH response",
		"The responder's encrypted answer (exchange type 35): its identity and AUTH, and the Child SA it accepted with narrowed traffic selectors.",
		"Completes authentication: the IKE SA is ESTABLISHED and the first Child SA INSTALLED.",
		"Both sides install the IPsec SAs; ESP traffic can flow.",
		"RFC 7296 §1.2, §2.9"},
	{"ikev2.36.req", "CREATE_CHILD_SA request",
		"Exchange type 36, encrypted: a new Child SA, or a rekey of a Child SA (REKEY_SA notify) or of the IKE SA itself (an SA payload with IKE proposals).",
		"An SA's lifetime is running out, or more traffic needs protecting.",
		"The peer answers with the accepted SA and its nonce (and KE for PFS); the old SA is then deleted with an INFORMATIONAL exchange.",
		"RFC 7296 §1.3, §2.8"},
	{"ikev2.36.resp", "CREATE_CHILD_SA response",
		"The answer to a CREATE_CHILD_SA request (exchange type 36, Response flag).",
		"The rekey or new SA was accepted (or refused with a notify).",
		"Both sides install the new SA; the old one is REKEYED and later DELETED.",
		"RFC 7296 §1.3, §2.8"},
	{"ikev2.37.req", "INFORMATIONAL request",
		"Exchange type 37, encrypted: Delete payloads, notifications, or nothing (an empty one is a liveness check, Dead Peer Detection).",
		"To delete an SA, report an error, or check the peer is still alive.",
		"The peer must answer (an empty response will do), deleting the named SAs on its side too. No answer after retransmissions means the peer is dead and the IKE SA is torn down.",
		"RFC 7296 §1.4, §2.4"},
	{"ikev2.37.resp", "INFORMATIONAL response",
		"The answer to an INFORMATIONAL request (exchange type 37, Response flag).",
		"Every IKEv2 request gets a response: it confirms the peer received the request.",
		"The requester stops retransmitting; deleted SAs are gone on both sides.",
		"RFC 7296 §1.4"},
	{"esp", "ESP packet",
		"An IPsec Encapsulating Security Payload packet: an SPI naming the SA, a sequence number, and encrypted data (UDP-encapsulated on port 4500 behind a NAT).",
		"Traffic the Child SA protects.",
		"The receiver finds the SA by SPI, checks the sequence number against its replay window and the integrity check, and decrypts.",
		"RFC 4303 §2; RFC 3948 §2.1"},
	{"nat-keepalive", "NAT-keepalive",
		"A one-byte UDP packet (0xFF) on port 4500.",
		"IPsec peers behind a NAT send it so that the NAT keeps their mapping open when no other traffic flows.",
		"The receiver discards it.",
		"RFC 3948 §2.3, §4"},
	{"6in4", "IPv6 in IPv4 (6in4, 6to4, ISATAP)",
		"An IPv6 packet inside an IPv4 packet with protocol 41.",
		"A configured tunnel, 6to4 or ISATAP carries IPv6 across an IPv4-only network.",
		"The tunnel endpoint strips the IPv4 header and forwards the inner IPv6 packet (checking, for 6to4 and ISATAP, that the embedded IPv4 address matches the outer source).",
		"RFC 4213 §3; RFC 3056 §5; RFC 5214 §8"},
}

var explainByKey = func() map[string]*Explanation {
	m := map[string]*Explanation{}
	for i := range Explanations {
		m[Explanations[i].Key] = &Explanations[i]
	}
	return m
}()

// ExplanationFor returns the explanation with key k.
func ExplanationFor(k string) (*Explanation, bool) {
	e, ok := explainByKey[k]
	return e, ok
}

// MessageKey says which explanation fits p: the innermost message the
// explanations table knows.
func MessageKey(p *decode.Packet) string {
	protos := string(p.Tree.Protocols)
	layers := strings.Split(protos, ":")
	last := func(name string) (uint64, bool) {
		var v uint64
		found := false
		for i := range p.Tree.Fields {
			if f := &p.Tree.Fields[i]; f.Info != nil && f.Info.Name == name {
				v, found = f.U, true
			}
		}
		return v, found
	}
	has := func(name string) bool { return strings.Contains(":"+protos+":", ":"+name+":") }
	if has("isakmp") {
		if x, ok := last("isakmp.exchangetype"); ok {
			dir := ".req"
			if fl, _ := last("isakmp.flags"); fl&0x20 != 0 {
				dir = ".resp"
			}
			return "ikev2." + strconv.FormatUint(x, 10) + dir
		}
	}
	if has("esp") {
		return "esp"
	}
	if has("udpencap") && !has("isakmp") {
		return "nat-keepalive"
	}
	if has("mipv6") {
		if t, ok := last("mip6.mhtype"); ok {
			return "mip6." + strconv.FormatUint(t, 10)
		}
	}
	if t, ok := last("icmpv6.type"); ok {
		if has("teredo") {
			switch t {
			case 133:
				return "teredo.rs"
			case 134:
				return "teredo.ra"
			}
		}
		return "icmpv6." + strconv.FormatUint(t, 10)
	}
	if has("teredo") {
		if layers[len(layers)-1] == "ipv6" {
			return "teredo.bubble"
		}
		return "teredo.data"
	}
	if has("ip") && has("ipv6") {
		return "6in4"
	}
	return ""
}
