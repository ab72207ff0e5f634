package icmp

import "github.com/v6scope/v6scope/decode/dissect"

// typeTexts explain the ICMPv6 message types a student meets in
// v6scope's protocols: what each is, why it is sent and what the receiver
// does. The TUI's explain pane and `read -V --explain` show them under
// icmpv6.type; the TUI's longer per-message text is in tui/model.
var typeTexts = dissect.ValueTexts{
	1:   {Text: "An error: the packet quoted inside could not be delivered (no route, prohibited, address unreachable because Neighbor Discovery failed, port unreachable). The sender hands it to the transport the quoted packet came from.", RFC: "RFC 4443 §3.1"},
	2:   {Text: "An error from a router whose next link is too small for the packet; it carries that link's MTU. IPv6 routers never fragment, so the sender lowers its path MTU and sends smaller packets.", RFC: "RFC 4443 §3.2"},
	3:   {Text: "An error: the hop limit ran out on the way (a loop, or traceroute on purpose), or a fragmented packet was not reassembled in time. The sender reports it to the application.", RFC: "RFC 4443 §3.3"},
	4:   {Text: "An error pointing at the byte of the packet the receiver could not process (bad field, unknown next header, unknown option). The sender learns what was refused; Mobile IPv6 uses it to spot peers without route optimisation.", RFC: "RFC 4443 §3.4"},
	128: {Text: "Asks the destination to answer. The destination returns an Echo Reply with the same identifier, sequence number and data.", RFC: "RFC 4443 §4.1"},
	129: {Text: "The answer to an Echo Request, with the same identifier, sequence number and data; the sender matches it to its request and measures the round trip.", RFC: "RFC 4443 §4.2"},
	130: {Text: "From the link's querier router: who listens to which multicast groups? Listeners answer with reports after a random delay up to the Maximum Response Delay; a router hearing a query from a lower address stops querying.", RFC: "RFC 2710 §3.6; RFC 3810 §5.1"},
	131: {Text: "A node says it listens to one group, when it joins and when queried. The router keeps the group alive on the link; other MLDv1 listeners of the group cancel their own report.", RFC: "RFC 2710 §3.6, §4"},
	132: {Text: "A node stops listening to a group. The querier asks the link about that group and forgets it if nobody answers.", RFC: "RFC 2710 §3.6, §4"},
	133: {Text: "A host asks the routers on the link to advertise now instead of waiting for the next periodic RA. Every router answers with a Router Advertisement.", RFC: "RFC 4861 §4.1, §6.3.7"},
	134: {Text: "A router announces itself as default router, with prefixes to autoconfigure from, MTU, hop limit, timers and DNS options. Hosts update their default router and prefix lists and build addresses (SLAAC).", RFC: "RFC 4861 §4.2, §6.3.4; RFC 4862 §5.5"},
	135: {Text: "Asks the owner of the target address for its link-layer address (resolution), checks it is still reachable (probe), or, sent from ::, checks nobody uses an address yet (DAD). The owner answers with a Neighbor Advertisement.", RFC: "RFC 4861 §4.3, §7.2.2; RFC 4862 §5.4"},
	136: {Text: "Gives the link-layer address of the target, in answer to a solicitation (S flag) or unsolicited to announce a change. The asker's cache entry becomes REACHABLE or is updated; a node doing DAD learns its address is taken.", RFC: "RFC 4861 §4.4, §7.2.5"},
	137: {Text: "A router tells a host that a better first hop (or the destination itself) is on the link. The host updates its destination cache if the Redirect came from its current router.", RFC: "RFC 4861 §4.5, §8"},
	143: {Text: "Sent to ff02::16 (all MLDv2 routers): one record per group with a filter mode and source list. Joins, leaves and answers to queries are all reports; the router updates each group's state.", RFC: "RFC 3810 §5.2"},
	144: {Text: "A mobile node away from home asks the home agents anycast address of its home prefix which home agents exist. A home agent answers with the list.", RFC: "RFC 6275 §6.5"},
	145: {Text: "A home agent lists the home agents of the prefix, most preferred first; the mobile node picks one to register with.", RFC: "RFC 6275 §6.6"},
	146: {Text: "A mobile node away from home asks its home agent for the home link's prefixes, to keep its home address valid. The home agent answers with a Mobile Prefix Advertisement.", RFC: "RFC 6275 §6.7"},
	147: {Text: "A home agent tells a mobile node away from home about the home link's prefixes and their lifetimes, so it can renew or change its home address.", RFC: "RFC 6275 §6.8"},
}
