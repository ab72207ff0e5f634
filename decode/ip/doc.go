// Package ip decodes IPv4 (RFC 791) and IPv6 (RFC 8200) headers and walks
// every IPv6 extension header v6scope needs: Hop-by-Hop and Destination
// Options with their TLV options (RFC 8200 §4.2-4.3, §4.6), the Routing
// header (RFC 8200 §4.4; type 0 of RFC 2460 and type 2 of RFC 6275 §6.4) and
// the Fragment header (RFC 8200 §4.5).
package ip

import "github.com/v6scope/v6scope/decode/dissect"

var fields dissect.FieldList

// Fields lists every field this package defines.
func Fields() []*dissect.FieldInfo { return fields }

// IP protocol numbers (IANA "Assigned Internet Protocol Numbers").
const (
	ProtoHopByHop = 0
	ProtoICMPv4   = 1
	ProtoIPv4     = 4
	ProtoTCP      = 6
	ProtoUDP      = 17
	ProtoIPv6     = 41
	ProtoRouting  = 43
	ProtoFragment = 44
	ProtoESP      = 50
	ProtoAH       = 51
	ProtoICMPv6   = 58
	ProtoNoNext   = 59
	ProtoDestOpts = 60
	ProtoMobility = 135
)

// ProtoName names the protocol numbers v6scope meets.
func ProtoName(v uint64) string {
	switch v {
	case ProtoHopByHop:
		return "IPv6 Hop-by-Hop Option"
	case ProtoICMPv4:
		return "ICMP"
	case 2:
		return "IGMP"
	case ProtoIPv4:
		return "IPIP"
	case ProtoTCP:
		return "TCP"
	case ProtoUDP:
		return "UDP"
	case ProtoIPv6:
		return "IPv6"
	case ProtoRouting:
		return "Routing Header for IPv6"
	case ProtoFragment:
		return "Fragment Header for IPv6"
	case 47:
		return "Generic Routing Encapsulation"
	case ProtoESP:
		return "Encap Security Payload"
	case ProtoAH:
		return "Authentication Header"
	case ProtoICMPv6:
		return "ICMPv6"
	case ProtoNoNext:
		return "No Next Header for IPv6"
	case ProtoDestOpts:
		return "Destination Options for IPv6"
	case 48:
		return "Dynamic source routing"
	case 62:
		return "Mobile IPv6 (old)" // the Mobile IPv6 drafts' value for the Mobility Header
	case 103:
		return "PIM"
	case 132:
		return "SCTP"
	case ProtoMobility:
		return "Mobile IPv6"
	}
	return ""
}
