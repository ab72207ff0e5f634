// Package teredo decodes Teredo (RFC 4380, updated by RFC 5991 and RFC
// 6081): IPv6 carried in UDP over IPv4 so that hosts behind NATs reach
// IPv6. A Teredo packet is an optional authentication indicator (RFC 4380
// §5.1.1), an optional origin indication (§5.1.1), then an IPv6 packet,
// which the decoder hands on to every other v6scope decoder.
//
// Teredo is found on UDP port 3544 (the server's port, §2.1) and, with
// the heuristic on, on any UDP port whose payload is a well-formed Teredo
// packet (Match), as Wireshark's teredo heuristic and Zeek do: relays and
// peers talk to a client on its NAT-mapped port, never on 3544.
//
// Expert notes: truncated indicators; bubbles (§2.8) carrying a payload;
// a Teredo source address whose embedded mapping disagrees with the outer
// IPv4 source address and port (§5.2.3); an origin indication from
// something other than the client's server (§5.2.3).
package teredo
