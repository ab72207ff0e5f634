// Package mld decodes Multicast Listener Discovery: MLDv1 Query, Report and
// Done (RFC 2710 §3) and MLDv2 Query and Report (RFC 3810 §5.1, §5.2), the
// ICMPv6 messages of types 130, 131, 132 and 143.
//
// The ICMPv6 decoder hands these messages over whole (package icmp, Open),
// and this package adds their fields to the icmpv6 node under Wireshark's
// names (icmpv6.mld.*, icmpv6.mldr.*), printed as tshark 4.0 prints them. A
// Query is told to be MLDv1 or MLDv2 by its length (RFC 3810 §8.1). The
// Maximum Response Code and QQIC of an MLDv2 Query are shown as the delay
// and interval they encode, exponential forms included (RFC 3810 §5.1.3,
// §5.1.9), as tshark does.
//
// Every rule a receiver checks becomes an expert note with its RFC section:
// Hop Limit 1, a Router Alert option in a Hop-by-Hop header, a link-local
// source (or the unspecified address for Reports, RFC 3590 §4 and RFC 3810
// §5.2.13), multicast addresses where the RFC wants them, the destination
// of an MLDv1 Report, Code 0, and lengths. docs/mld.md lists the codes.
package mld

import "github.com/v6scope/v6scope/decode/dissect"

var fields dissect.FieldList

// Fields lists every field this package defines.
func Fields() []*dissect.FieldInfo { return fields }
