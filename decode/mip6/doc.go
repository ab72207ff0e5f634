// Package mip6 decodes the Mobility Header of Mobile IPv6 (RFC 6275 §6.1)
// and NEMO (RFC 3963 §4): every message of the return routability
// procedure (Home and Care-of Test Init, Home and Care-of Test, RFC 6275
// §6.1.3-§6.1.6), Binding Refresh Request, Binding Update, Binding
// Acknowledgement and Binding Error (§6.1.2, §6.1.7-§6.1.9), the Fast
// Mobile IPv6 and home agent messages Wireshark decodes (RFC 5568 §6.2,
// RFC 5142 §3, RFC 5847 §3, RFC 5568 §6.2.4), and every other IANA type by
// its name and bytes; and the mobility options (RFC 6275 §6.2, RFC 3963
// §4.3, RFC 5213 §8) with their alignment rules.
//
// It verifies the Mobility Header checksum over the pseudo-header of
// RFC 6275 §6.1.1 (the Home Address option's address as the source, the
// type 2 routing header's address as the destination), and exposes what
// return routability computes with (cookies, nonce indices, keygen tokens,
// the bytes a Binding Authorization Data authenticator covers) together
// with Kbm and Authenticator (RFC 6275 §5.2.5, §5.2.6, §6.2.7), so that
// the analysis engine can check a Binding Update's authorization when a
// capture holds the Home Test and Care-of Test that carried its tokens.
//
// Mobility Headers under next header 62, the value of the early drafts,
// are decoded too, with a note, as Wireshark does.
//
// Field names and values are Wireshark 4.0's (mip6.*); what Wireshark does
// not show has the v6scope.mip6 prefix.
package mip6

import "github.com/v6scope/v6scope/decode/dissect"

var fields dissect.FieldList

// Fields lists every field this package defines.
func Fields() []*dissect.FieldInfo { return fields }
