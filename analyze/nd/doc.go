// Package nd rebuilds Neighbor Discovery state from a capture, as a
// passive observer on the link can: every node's neighbor cache entries
// (RFC 4861 §7.3, with the UNREACHABLE state of RFC 7048 §3), Duplicate
// Address Detection of every address a node tries (RFC 4862 §5.4), the
// routers and prefixes advertised with their lifetimes (RFC 4861 §6.3.4,
// RFC 4191 §2.2, RFC 8106 §5), and the anomalies NDPMon made familiar
// (RFC 3756: spoofed NAs, rogue routers, DAD denial of service).
//
// # Who is who
//
// A link is a capture interface (and 802.1Q VLAN): the observer hears
// every node that sends on it. A node is the station that owns a neighbor
// cache, named by its Ethernet source address (by its IPv6 source address
// on captures without Ethernet headers): a node's several IPv6 addresses
// share one cache, as they do in a real stack. A neighbor entry is keyed
// by (link, node, target address).
//
// # What a passive observer can and cannot know
//
// The observer sees the packets a node sends and receives, never the
// node's memory. Each transition therefore says on what it rests
// (analyze.Basis): a packet that shows it (a solicited NA makes the
// soliciting node's entry REACHABLE), a timer on the virtual clock run with
// the constants the capture advertised or the RFC defaults (or those given
// in Config), or an inference: from what the node did next (a unicast probe
// shows that its entry went STALE and DELAY before), or from a multicast
// the node must have taken in (a multicast RA's link-layer address lands in
// every node heard on the link, RFC 4861 §6.3.4; a multicast NS's in the
// target's owner once that owner is heard, §7.2.3). ReachableTime is drawn
// at random between 0.5 and 1.5 times BaseReachableTime (RFC 4861 §6.3.2),
// so the moment an entry goes STALE is an estimate; upper-layer
// reachability confirmations (RFC 4861 §7.3.1, TCP progress) are invisible.
package nd
