// Package decode turns captured frames into packets: a fast path that runs
// v6scope's layers through gopacket's DecodingLayerParser without
// allocating, and a full dissection that builds the field tree, the expert
// notes and the one-line summary that `v6scope read`, the display filters
// and the TUI show.
//
// The protocol dissectors live in subpackages (link, ip, transport, icmp,
// and those of the protocol issues); Register is the one place that plugs
// them in.
package decode
