// Package link decodes the link-layer headers a capture can start with:
// Ethernet II with IEEE 802.1Q/802.1ad VLAN tags, Linux cooked capture
// (SLL and SLL2), and BSD null/loopback. Each is a gopacket DecodingLayer
// that also adds its fields to a dissect.Tree.
package link

import "github.com/v6scope/v6scope/decode/dissect"

var fields dissect.FieldList

// Fields lists every field this package defines.
func Fields() []*dissect.FieldInfo { return fields }

// EtherTypes used to pick the next layer (IEEE 802 numbers).
const (
	EtherTypeIPv4  = 0x0800
	EtherTypeARP   = 0x0806
	EtherTypeDot1Q = 0x8100
	EtherTypeIPv6  = 0x86dd
	EtherTypeQinQ  = 0x88a8
)

// EtherTypeName names the EtherTypes v6scope knows.
func EtherTypeName(v uint64) string {
	switch v {
	case EtherTypeIPv4:
		return "IPv4"
	case EtherTypeARP:
		return "ARP"
	case EtherTypeDot1Q:
		return "802.1Q Virtual LAN"
	case EtherTypeIPv6:
		return "IPv6"
	case EtherTypeQinQ:
		return "802.1ad Provider Bridge (Q-in-Q)"
	case 0x8864:
		return "PPPoE Session"
	}
	return ""
}
