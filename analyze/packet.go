package analyze

import (
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/ip"
	"github.com/v6scope/v6scope/decode/link"
	"github.com/v6scope/v6scope/decode/mld"
	"github.com/v6scope/v6scope/decode/nd"
)

// MAC is an IEEE 802 MAC address.
type MAC [6]byte

const hexDigits = "0123456789abcdef"

// String formats m as 02:76:36:00:00:0a.
func (m MAC) String() string { return string(m.AppendTo(nil)) }

// AppendTo appends m as String formats it.
func (m MAC) AppendTo(b []byte) []byte {
	for i, c := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return b
}

// IsMulticast reports the group bit (IEEE 802 §8.2).
func (m MAC) IsMulticast() bool { return m[0]&1 != 0 }

// Link names the link a packet was seen on. A passive observer sees one
// link per capture interface (and VLAN): every node that sends on it shares
// it, whatever the physical topology behind a bridge.
type Link struct {
	Iface int32 // capture interface (pcapng IDB index; 0 for pcap)
	// VLAN is the outer 802.1Q VLAN ID, 0 when untagged. It is 32 bits
	// wide so that Link has no padding: keys holding it hash as plain
	// memory, one call per lookup instead of one per field.
	VLAN uint32
}

// Packet is what the trackers see of one frame: the layers decoded from it
// and the facts the state machines key on. Pointers are the decoder's
// reused layers; they are valid until the next packet.
type Packet struct {
	Frame int
	Time  time.Time
	Link  Link
	// HasMAC is set when the frame has Ethernet addresses (Src, Dst).
	HasMAC   bool
	Src, Dst MAC
	// Direct is set when the frame's only IP header is an IPv6 header right
	// after the link layer: the packet was sent on this link by Src. IPv6
	// is that header, else nil.
	Direct bool
	IPv6   *ip.IPv6
	// ND and MLD are the frame's message when it is carried by that IPv6
	// packet (not quoted inside an ICMPv6 error, not tunnelled), else nil.
	ND  *nd.ND
	MLD *mld.MLD
	// Ctx is the decoder's per-frame context (innermost IP header, Router
	// Alert).
	Ctx *dissect.Context
	// Layers lists the layer types decoded, outermost first; Decoder gives
	// access to any of them (Decoder.Layer).
	Layers  []gopacket.LayerType
	Decoder *decode.Decoder
}

// layers caches the decoder's layer values once per decoder.
type layers struct {
	d    *decode.Decoder
	eth  *link.Ethernet
	vlan *link.Dot1Q
	ip6  *ip.IPv6
	nd   *nd.ND
	mld  *mld.MLD
}

func (l *layers) use(d *decode.Decoder) {
	if l.d == d {
		return
	}
	*l = layers{d: d}
	l.eth, _ = d.Layer(dissect.LayerEthernet).(*link.Ethernet)
	l.vlan, _ = d.Layer(dissect.LayerDot1Q).(*link.Dot1Q)
	l.ip6, _ = d.Layer(dissect.LayerIPv6).(*ip.IPv6)
	l.nd, _ = d.Layer(dissect.LayerND).(*nd.ND)
	l.mld, _ = d.Layer(dissect.LayerMLD).(*mld.MLD)
}

// fill sets p from a decoded frame.
func (l *layers) fill(p *Packet, number int, at time.Time, iface int, decoded []gopacket.LayerType, d *decode.Decoder) {
	l.use(d)
	*p = Packet{Frame: number, Time: at, Link: Link{Iface: int32(iface)}, Layers: decoded, Decoder: d, Ctx: d.Context()}
	ips, icmps := 0, 0
	linkDone := false
	for i, t := range decoded {
		switch t {
		case dissect.LayerEthernet:
			if i == 0 && l.eth != nil && len(l.eth.Src) == 6 {
				p.HasMAC = true
				p.Src, p.Dst = MAC(l.eth.Src), MAC(l.eth.Dst)
			}
		case dissect.LayerDot1Q:
			if !linkDone && p.Link.VLAN == 0 && l.vlan != nil {
				p.Link.VLAN = uint32(l.vlan.ID)
			}
		case dissect.LayerSLL, dissect.LayerSLL2, dissect.LayerNull:
		case dissect.LayerIPv4:
			ips++
			linkDone = true
		case dissect.LayerIPv6:
			ips++
			if !linkDone {
				p.Direct = true
			}
			linkDone = true
		case dissect.LayerICMPv6:
			icmps++
		case dissect.LayerND:
			if icmps == 1 && decoded[i-1] == dissect.LayerICMPv6 {
				p.ND = l.nd
			}
		case dissect.LayerMLD:
			if icmps == 1 && decoded[i-1] == dissect.LayerICMPv6 {
				p.MLD = l.mld
			}
		default:
			linkDone = true
		}
	}
	if ips != 1 {
		p.Direct = false
	}
	if p.Direct {
		p.IPv6 = l.ip6
	}
	if !p.Direct && ips > 1 {
		// Tunnelled ND and MLD belong to their tunnel's tracker (Teredo).
		p.ND, p.MLD = nil, nil
	}
}
