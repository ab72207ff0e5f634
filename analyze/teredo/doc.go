// Package teredo rebuilds Teredo (RFC 4380, updated by RFC 5991 and RFC
// 6081) from a capture: per client the qualification procedure of RFC 4380
// §5.2.1 — Router Solicitations with the cone flag and without, the
// server's Router Advertisement with an origin indication that gives the
// client its NAT mapping, and the check with the secondary server —
// ending QUALIFIED with the NAT type (cone, restricted, symmetric) and the
// mapped address and port, or FAILED; and per (client, peer) the path the
// client uses: bubbles and the direct IPv6 connectivity test (§5.2.6,
// §5.2.9) that open a DIRECT path to another Teredo client, or traffic
// through a relay (VIA_RELAY) to a native IPv6 host.
//
// A client is known by the UDP endpoints it is seen with: its local
// address and port on its side of the NAT, and its mapping outside. A
// capture made on several links at once sees a packet that crosses a NAT
// once per link; the tracker ties the two endpoints to one client by the
// RA's origin indication and by the same Teredo packet seen on two
// interfaces within a second.
//
// Passive inference: a packet on the outside of a client's NAT is not
// proof that the NAT let it in; when the client's local side is captured
// too, only packets seen there count as received.
package teredo
