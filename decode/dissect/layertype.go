package dissect

import (
	"sync"

	"github.com/gopacket/gopacket"
)

// Layer types of v6scope's own dissectors. Numbers above 3000 stay clear of
// gopacket's own and of its documented range for applications.
const (
	LayerEthernet gopacket.LayerType = 3000 + iota
	LayerDot1Q
	LayerSLL
	LayerSLL2
	LayerNull
	LayerIPv4
	LayerIPv6
	LayerHopByHop
	LayerRouting
	LayerFragment
	LayerDestOpts
	LayerUDP
	LayerTCP
	LayerICMPv4
	LayerICMPv6
	LayerPayload
	LayerNoNext      // IPv6 next header 59
	LayerMLD         // MLDv1 and MLDv2 messages, ICMPv6 types 130-132 and 143
	LayerND          // Neighbor Discovery, ICMPv6 types 133-137 (decode/nd)
	LayerTeredo      // Teredo indicators before a tunnelled IPv6 packet (decode/teredo)
	LayerIPinIP      // IPv6 in IPv4 or IPv6, protocol 41: 6in4, 6to4, ISATAP (decode/tunnel)
	LayerMobility    // Mobility Header, next header 135 (decode/mip6)
	LayerMobilityOld // Mobility Header under next header 62, the draft value (decode/mip6)
	LayerISAKMP      // IKEv2 (and IKEv1 header) message, UDP 500 or after a Non-ESP Marker (decode/ikev2)
	LayerUDPEncap    // UDP encapsulation of IKE and ESP on port 4500, RFC 3948 (decode/ikev2)
	LayerESP         // ESP header, IP protocol 50 or in UDP (decode/ikev2)
	// Protocol decoders of the later issues take their numbers after these.
)

var layerNames = map[gopacket.LayerType]string{
	LayerEthernet: "Ethernet", LayerDot1Q: "Dot1Q", LayerSLL: "LinuxSLL", LayerSLL2: "LinuxSLL2",
	LayerNull: "Null", LayerIPv4: "IPv4", LayerIPv6: "IPv6", LayerHopByHop: "IPv6HopByHop",
	LayerRouting: "IPv6Routing", LayerFragment: "IPv6Fragment", LayerDestOpts: "IPv6DestOpts",
	LayerUDP: "UDP", LayerTCP: "TCP", LayerICMPv4: "ICMPv4", LayerICMPv6: "ICMPv6",
	LayerPayload: "Payload", LayerNoNext: "IPv6NoNextHeader",
	LayerMLD:         "MLD",
	LayerND:          "NeighborDiscovery",
	LayerTeredo:      "Teredo",
	LayerIPinIP:      "IPv6inIP",
	LayerMobility:    "MobilityHeader",
	LayerMobilityOld: "MobilityHeaderOld",
	LayerISAKMP:      "ISAKMP",
	LayerUDPEncap:    "UDPEncap",
	LayerESP:         "ESP",
}

var registerOnce sync.Once

// RegisterLayerTypes gives gopacket the names of v6scope's layer types, so
// they print by name. It is safe to call more than once.
func RegisterLayerTypes() {
	registerOnce.Do(func() {
		for t, name := range layerNames {
			gopacket.RegisterLayerType(int(t), gopacket.LayerTypeMetadata{Name: name})
		}
	})
}
