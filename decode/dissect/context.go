package dissect

import (
	"net/netip"

	"github.com/gopacket/gopacket"
)

// Context is what the layers of one frame share while it is decoded: the
// addresses a pseudo-header checksum needs, and the dispatch tables that pick
// the next layer. The decoder resets it before every frame.
type Context struct {
	// Src and Dst are the addresses of the innermost IP header decoded so
	// far (RFC 8200 §8.1 pseudo-header for IPv6, RFC 768 for IPv4).
	Src, Dst netip.Addr
	// HopLimit is the innermost IP header's Hop Limit (or IPv4 TTL).
	HopLimit uint8
	// Truncated is set when an IP header says its packet is longer than
	// what was captured: checksums over it cannot be verified.
	Truncated bool
	// InError is set while decoding the invoking packet quoted by an ICMP
	// error (RFC 4443 §2.4 (c)): it is cut short on purpose, so truncation is
	// not a fault there.
	InError bool
	// Depth counts the IP headers decoded so far; tunnels nest.
	Depth int
	// HomeAddress is the address of a Home Address destination option, the
	// source a Mobility Header checksum uses (RFC 6275 §6.1.1, §6.3).
	HomeAddress netip.Addr
	// FinalDst is the last address of a routing header, the destination a
	// pseudo-header uses (RFC 8200 §8.1).
	FinalDst netip.Addr
	// RouterAlert is set when the Hop-by-Hop Options header after the
	// innermost IPv6 header holds a Router Alert option (RFC 2711 §2.1),
	// and RouterAlertValue is its value (0: MLD). MLD messages must carry
	// one (RFC 2710 §3, RFC 3810 §5).
	RouterAlert      bool
	RouterAlertValue uint16
	// FirstExt is true until the first IPv6 extension header after an IPv6
	// header: Hop-by-Hop Options may only stand there (RFC 8200 §4.1).
	FirstExt bool
	// Frame is the number of the frame being decoded (1 for the first),
	// set by the decoder; IKE fragment reassembly records it.
	Frame int
	// Dispatch chooses the next layer from protocol numbers and ports.
	Dispatch *Dispatch
}

// Reset clears the per-frame state, keeping Dispatch.
func (c *Context) Reset() {
	c.Src, c.Dst = netip.Addr{}, netip.Addr{}
	c.InError = false
	c.Truncated = false
	c.Depth = 0
	c.FirstExt = false
	c.RouterAlert, c.RouterAlertValue = false, 0
	c.HomeAddress, c.FinalDst = netip.Addr{}, netip.Addr{}
}

// Dispatch maps the numbers a header uses to name what follows it onto the
// layer type that decodes it. decode.Register fills it; a zero entry means
// "no dissector": the rest is shown as data.
type Dispatch struct {
	EtherType  map[uint16]gopacket.LayerType
	IPProto    [256]gopacket.LayerType
	UDPPort    map[uint16]gopacket.LayerType
	ICMPv6Type [256]gopacket.LayerType
	// UDPHeuristic is tried in order on a UDP payload whose ports name no
	// layer, as Wireshark's heuristic dissectors are.
	UDPHeuristic []Heuristic
}

// Heuristic recognises a protocol by its content rather than by a port.
// Match gets the captured payload and the length its header announces
// (more than len(payload) when the capture was cut short).
type Heuristic struct {
	Name    string // as tshark names it ("teredo")
	Layer   gopacket.LayerType
	Match   func(payload []byte, length int) bool
	Enabled bool
}

// UDPNext returns the layer for a UDP datagram: by port (PortNext), else
// the first enabled heuristic that matches the payload, else LayerPayload.
func (d *Dispatch) UDPNext(src, dst uint16, payload []byte, length int) gopacket.LayerType {
	if l := d.PortNext(src, dst); l != LayerPayload {
		return l
	}
	for i := range d.UDPHeuristic {
		if h := &d.UDPHeuristic[i]; h.Enabled && h.Match(payload, length) {
			return h.Layer
		}
	}
	return LayerPayload
}

// NewDispatch returns empty tables.
func NewDispatch() *Dispatch {
	return &Dispatch{EtherType: map[uint16]gopacket.LayerType{}, UDPPort: map[uint16]gopacket.LayerType{}}
}

// EtherNext returns the layer for an EtherType, or LayerPayload.
func (d *Dispatch) EtherNext(t uint16) gopacket.LayerType {
	if l, ok := d.EtherType[t]; ok {
		return l
	}
	return LayerPayload
}

// ProtoNext returns the layer for an IP protocol / IPv6 next header value,
// or LayerPayload.
func (d *Dispatch) ProtoNext(p uint8) gopacket.LayerType {
	if l := d.IPProto[p]; l != 0 {
		return l
	}
	return LayerPayload
}

// PortNext returns the layer for a UDP port pair, trying the lower port
// first as Wireshark does, or LayerPayload.
func (d *Dispatch) PortNext(src, dst uint16) gopacket.LayerType {
	lo, hi := src, dst
	if hi < lo {
		lo, hi = hi, lo
	}
	if l, ok := d.UDPPort[lo]; ok {
		return l
	}
	if l, ok := d.UDPPort[hi]; ok {
		return l
	}
	return LayerPayload
}

// PseudoAddrs returns the source and destination an upper-layer checksum
// covers: the IPv6 header's, except that a routing header's final
// destination replaces the destination (RFC 8200 §8.1) and a Home Address
// option's address replaces the source (RFC 6275 §6.3).
func (c *Context) PseudoAddrs() (src, dst netip.Addr) {
	src, dst = c.Src, c.Dst
	if c.HomeAddress.IsValid() {
		src = c.HomeAddress
	}
	if c.FinalDst.IsValid() {
		dst = c.FinalDst
	}
	return src, dst
}
