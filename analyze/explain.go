package analyze

// StateText explains one state of one kind of session for a student: what
// it means, what evidence put the session there and what happens next, with
// the RFC section that describes it.
type StateText struct {
	Proto, Kind, State string
	Text               string
	RFC                string
}

// StateTexts is every state the protocol trackers report, in one table:
// the TUI's explain pane and the docs read it, and a test walks each
// tracker's state enum to prove none is missing.
var StateTexts = []StateText{
	// Neighbor Discovery: the neighbor cache (RFC 4861 §7.3.2, RFC 7048).
	{"nd", "neighbor", "INCOMPLETE", "Address resolution has begun: the node multicast a Neighbor Solicitation for the target and waits for its Neighbor Advertisement. Packets for the target wait in a small queue; after MAX_MULTICAST_SOLICIT unanswered tries the entry fails.", "RFC 4861 §7.3.2, §7.2.2"},
	{"nd", "neighbor", "REACHABLE", "A solicited Neighbor Advertisement (or an upper-layer hint) recently confirmed the neighbor answers. The node sends to it without asking again until ReachableTime runs out.", "RFC 4861 §7.3.2, §7.3.3"},
	{"nd", "neighbor", "STALE", "The link-layer address is known but not recently confirmed: ReachableTime ran out, or the address came unsolicited (in an RS, RA, NS or unsolicited NA). Nothing happens until the node sends a packet to the neighbor.", "RFC 4861 §7.3.2, §7.3.3"},
	{"nd", "neighbor", "DELAY", "The node sent a packet to a STALE neighbor and now waits DELAY_FIRST_PROBE_TIME (5 s) for an upper layer (a TCP ack, say) to confirm reachability before it starts probing.", "RFC 4861 §7.3.2, §7.3.3"},
	{"nd", "neighbor", "PROBE", "No confirmation came in DELAY: the node sends unicast Neighbor Solicitations to the cached address every RetransTimer, up to MAX_UNICAST_SOLICIT times. A solicited NA makes it REACHABLE again.", "RFC 4861 §7.3.2, §7.3.3"},
	{"nd", "neighbor", "UNREACHABLE", "Resolution or probing got no answer. RFC 4861 deletes the entry; RFC 7048 keeps it and retries slowly. Packets to the neighbor fail with a Destination Unreachable (address unreachable).", "RFC 4861 §7.3.3; RFC 7048 §3"},
	// Neighbor Discovery: Duplicate Address Detection (RFC 4862 §5.4).
	{"nd", "address", "TENTATIVE", "The node wants the address and is checking nobody else uses it: it sent a Neighbor Solicitation for it from the unspecified address (::) and listens for an answer before using it.", "RFC 4862 §5.4, §5.4.2"},
	{"nd", "address", "PREFERRED", "DAD finished with no conflict: the address is assigned and the node uses it freely until its preferred lifetime ends.", "RFC 4862 §5.4, §5.5.4"},
	{"nd", "address", "DUPLICATE", "Another node answered the DAD probe with a Neighbor Advertisement, or probed the same address while this node's DAD was running: the address must not be used (a manual fix, or a new random address, is needed).", "RFC 4862 §5.4.3–§5.4.5"},
	// Neighbor Discovery: routers and prefixes (RFC 4861 §6.3.4, §6.3.5).
	{"nd", "router", "ADVERTISING", "The router's last Router Advertisement gave a non-zero Router Lifetime that has not run out: hosts may use it as a default router.", "RFC 4861 §6.3.4"},
	{"nd", "router", "EXPIRED", "The Router Lifetime ran out with no new RA, or the router sent lifetime 0 (it is shutting down or stops being a default router): hosts drop it from their default router list.", "RFC 4861 §6.3.4, §6.3.5, §6.2.5"},
	{"nd", "prefix", "ADVERTISING", "A Prefix Information option announced the prefix with a valid lifetime that has not run out: it is on-link, and addresses built from it are valid.", "RFC 4861 §6.3.4; RFC 4862 §5.5.3"},
	{"nd", "prefix", "EXPIRED", "The prefix's valid lifetime ran out, or an RA gave it lifetime 0: hosts remove it from their on-link list and stop using addresses made from it.", "RFC 4861 §6.3.5; RFC 4862 §5.5.4"},
	// MLD: the router's view of a group (RFC 3810 §7.2), and the querier.
	{"mld", "group", "INCLUDE", "Listeners on the link want the group only from the sources in the source list; each source has its own timer, refreshed by reports.", "RFC 3810 §7.2.1"},
	{"mld", "group", "EXCLUDE", "Some listener wants every source but those excluded (a plain join is EXCLUDE with an empty list); the filter timer runs and reports restart it.", "RFC 3810 §7.2.1"},
	{"mld", "group", "NO_LISTENERS", "Nobody on the link listens any more: the filter timer ran out, or the last listener left and the group-specific queries got no report. The router stops forwarding the group.", "RFC 3810 §7.2.2, §7.5; RFC 2710 §4"},
	{"mld", "querier", "QUERIER", "This router has the lowest address of the MLD routers heard on the link: it sends the General Queries and the group-specific ones.", "RFC 3810 §7.6.2; RFC 2710 §5"},
	{"mld", "querier", "OTHER_QUERIER_PRESENT", "A router with a lower address is querying: this one keeps quiet until the Other Querier Present Interval passes without hearing it.", "RFC 3810 §7.6.2; RFC 2710 §5"},
	// Teredo (RFC 4380 §5.2).
	{"teredo", "client", "QUALIFYING", "The client sent a Router Solicitation to its Teredo server and waits for the Router Advertisement that will tell it its mapped address and port.", "RFC 4380 §5.2.1"},
	{"teredo", "client", "QUALIFIED", "The server's RA carried an origin indication: the client knows how its NAT maps it, built its Teredo address and knows its NAT type (cone, restricted or symmetric).", "RFC 4380 §5.2.1, §4"},
	{"teredo", "client", "FAILED", "No usable answer: the solicitations timed out, or a second server saw a different mapping (a symmetric NAT, which plain Teredo cannot cross). The client has no Teredo connectivity.", "RFC 4380 §5.2.1; RFC 6081 §1"},
	{"teredo", "path", "TESTING", "The client checks how to reach a native IPv6 peer: it sent an ICMPv6 Echo Request through its server and waits to see which relay brings the answer back.", "RFC 4380 §5.2.9"},
	{"teredo", "path", "BUBBLE_SENT", "The client sent a bubble (an empty IPv6 packet) directly and through the peer's server, to open a hole in its NAT towards another Teredo client.", "RFC 4380 §5.2.4, §5.2.6"},
	{"teredo", "path", "DIRECT", "A packet arrived straight from the peer's mapped address: both NATs are open and the two clients talk directly.", "RFC 4380 §5.2.6"},
	{"teredo", "path", "VIA_RELAY", "The client talks to a native IPv6 host through a Teredo relay, which forwards between UDP over IPv4 and native IPv6.", "RFC 4380 §5.2.9, §5.4"},
	// Mobile IPv6 and NEMO (RFC 6275 §9–§11, RFC 3963).
	{"mip6", "binding", "REGISTERING", "The mobile node sent a Binding Update with a lifetime (its new care-of address) and waits for the Binding Acknowledgement.", "RFC 6275 §11.7.1, §11.7.2"},
	{"mip6", "binding", "BOUND", "The Binding Acknowledgement accepted the binding: the home agent tunnels the home address's traffic to the care-of address (or the correspondent routes to it directly) until the granted lifetime ends.", "RFC 6275 §9.5.1, §10.3.1, §11.7.3"},
	{"mip6", "binding", "REFRESHING", "The binding was bound and the mobile node sent a new Binding Update to extend it before it expires.", "RFC 6275 §11.7.1"},
	{"mip6", "binding", "REJECTED", "The Binding Acknowledgement's status was 128 or more: the binding was refused, for the reason the status gives; the mobile node may correct it and retry.", "RFC 6275 §6.1.8, §11.7.3"},
	{"mip6", "binding", "DEREGISTERING", "The mobile node came home (or gives up the binding): it sent a Binding Update with lifetime 0 and waits for the acknowledgement.", "RFC 6275 §11.5.4, §11.7.2"},
	{"mip6", "binding", "DEREGISTERED", "The deregistration was acknowledged: the binding is gone and the home agent stops intercepting the home address.", "RFC 6275 §9.5.3, §10.3.2"},
	{"mip6", "binding", "EXPIRED", "The granted lifetime ran out with no refresh: the binding cache entry is removed and traffic is no longer tunnelled.", "RFC 6275 §9.5.2, §10.3.1"},
	{"mip6", "rr", "HOTI_SENT", "Return routability has started: the Home Test Init went out through the home agent, and its Home Test has not come back yet.", "RFC 6275 §5.2.5, §6.1.3"},
	{"mip6", "rr", "COTI_SENT", "The Care-of Test Init was sent directly; the care-of test (and maybe the home test) is still outstanding.", "RFC 6275 §5.2.5, §6.1.4"},
	{"mip6", "rr", "COMPLETE", "Both the Home Test and the Care-of Test arrived: the mobile node holds both keygen tokens, computes Kbm and can send an authorized Binding Update to the correspondent.", "RFC 6275 §5.2.5"},
	// IKEv2 (RFC 7296).
	{"ikev2", "ike_sa", "INIT_SENT", "The initiator sent IKE_SA_INIT (its proposals, Diffie-Hellman value and nonce) and waits for the responder.", "RFC 7296 §1.2"},
	{"ikev2", "ike_sa", "INIT_RETRY", "The responder answered with a COOKIE or INVALID_KE_PAYLOAD notify instead: the initiator must send IKE_SA_INIT again, with the cookie or the group asked for.", "RFC 7296 §2.6, §1.2"},
	{"ikev2", "ike_sa", "INIT_DONE", "IKE_SA_INIT completed: both sides derived the keys, but nobody is authenticated yet. An SA left here is half-open (many of them suggest a flood).", "RFC 7296 §1.2, §2.14, §2.6"},
	{"ikev2", "ike_sa", "AUTH_SENT", "The initiator sent its encrypted IKE_AUTH (identity, AUTH, first Child SA) and waits for the responder's.", "RFC 7296 §1.2"},
	{"ikev2", "ike_sa", "ESTABLISHED", "IKE_AUTH succeeded (or a rekey created this SA): both peers are authenticated and the IKE SA protects later exchanges.", "RFC 7296 §1.2, §1.3.2"},
	{"ikev2", "ike_sa", "REKEYING", "A CREATE_CHILD_SA exchange is replacing this IKE SA with a new one, before its lifetime ends.", "RFC 7296 §1.3.2, §2.18"},
	{"ikev2", "ike_sa", "DELETED", "An INFORMATIONAL exchange with a Delete payload removed the IKE SA (after a rekey, or on shutdown); its Child SAs go with it.", "RFC 7296 §1.4.1"},
	{"ikev2", "ike_sa", "FAILED", "An error notification (NO_PROPOSAL_CHOSEN, AUTHENTICATION_FAILED …) ended the setup, or the peer stopped answering retransmissions.", "RFC 7296 §2.21, §2.4"},
	{"ikev2", "child_sa", "CREATING", "A request proposing this Child SA (in IKE_AUTH or CREATE_CHILD_SA) was seen; the answer has not come yet.", "RFC 7296 §1.3.1"},
	{"ikev2", "child_sa", "INSTALLED", "The responder accepted the Child SA (or ESP with its SPI was seen): both peers protect traffic with it.", "RFC 7296 §1.3.1, §2.9"},
	{"ikev2", "child_sa", "REKEYED", "A CREATE_CHILD_SA with REKEY_SA replaced this Child SA with a new one; the old one is deleted afterwards.", "RFC 7296 §1.3.3, §2.8"},
	{"ikev2", "child_sa", "DELETED", "An INFORMATIONAL Delete named this Child SA, or its IKE SA was deleted: its SPIs are no longer used.", "RFC 7296 §1.4.1"},
}

// ExplainState returns the explanation of state for a session of kind of
// proto; kind "" matches any kind of the protocol.
func ExplainState(proto, kind, state string) (StateText, bool) {
	for _, t := range StateTexts {
		if t.Proto == proto && t.State == state && (kind == "" || t.Kind == kind) {
			return t, true
		}
	}
	return StateText{}, false
}
