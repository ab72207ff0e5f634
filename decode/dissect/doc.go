// Package dissect holds the contract every v6scope protocol dissector
// implements: the field registry (Wireshark display-filter names, types and
// the way tshark 4.0 prints them), the field tree a full dissection builds,
// expert notes, and the layer types the decoder chains together.
//
// It is a leaf package: the decoder in package decode and every protocol
// subpackage (decode/nd, decode/mld, decode/teredo, …) import it, and it
// imports none of them.
package dissect
