// Package replay sends the frames of a capture again: onto an interface
// through AF_PACKET, or into a pcapng file whose timestamps are the
// schedule. It selects frames (a display filter, a protocol, a set of
// frames), rewrites them (MAC addresses, IPv4 and IPv6 addresses and
// prefixes, inside Teredo, 6in4 and IPv6-in-IPv6 tunnels too, with every
// checksum that covers them updated), paces them against absolute time so
// that error does not accumulate (original timing, a multiplier, packets or
// megabits per second, or top speed), measures what it achieved (rate, gap
// error percentiles, failures) and runs scripts that replay packets at a
// real stack and expect its answers.
//
// Checksums are updated incrementally (RFC 1624 eqn. 3) over the bytes that
// changed and the pseudo-header (RFC 8200 §8.1, RFC 768, RFC 9293 §3.1,
// RFC 4443 §2.3, RFC 6275 §6.1.1 with the Home Address option and the type 2
// routing header): a checksum that was right stays right, one that was
// deliberately wrong stays wrong by the same amount, and frames cut short by
// the snapshot length are fixed too, because the bytes that were not
// captured did not change.
//
// See docs/replay.md for the command and the script format.
package replay
