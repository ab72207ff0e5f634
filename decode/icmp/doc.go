// Package icmp decodes the ICMPv6 header (RFC 4443 §2.1), with its checksum
// verified against the IPv6 pseudo-header (RFC 4443 §2.3), Echo Request and
// Reply (§4), and the error messages (§3) with the invoking packet decoded
// inside; and ICMP for IPv4 (RFC 792) likewise. Neighbor Discovery and MLD
// messages are handed on to their own decoders by ICMPv6 type.
package icmp

import "github.com/v6scope/v6scope/decode/dissect"

var fields dissect.FieldList

// Fields lists every field this package defines.
func Fields() []*dissect.FieldInfo { return fields }
