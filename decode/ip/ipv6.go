package ip

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/tunnel"
)

// IPv6 header (RFC 8200 §3):
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|Version| Traffic Class |           Flow Label                  |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|         Payload Length        |  Next Header  |   Hop Limit   |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                     Source Address (128 bits)                 |
//	|                  Destination Address (128 bits)               |
const (
	v6VerOffset      = 0
	v6PlenOffset     = 4
	v6NextOffset     = 6
	v6HopLimitOffset = 7
	v6SrcOffset      = 8
	v6DstOffset      = 24
	v6AddrLen        = 16
	v6HeaderLen      = 40
	v6TClassShift    = 20
	v6FlowMask       = 0x000fffff
)

const rfc8200 = "RFC 8200 §3"

var (
	fIPv6         = fields.Add(dissect.Proto("ipv6", "Internet Protocol Version 6", "The IPv6 header: addresses, hop limit, and the first header of the chain that follows.", rfc8200))
	fIPv6Version  = fields.Add(dissect.Dec("ipv6.version", "Version", "IP version: always 6.", rfc8200))
	fIPVersionHid = fIPVersion
	fIPv6TClass   = fields.Add(dissect.Hex("ipv6.tclass", "Traffic Class", 32, "DSCP and ECN, as in IPv4's DS field.", "RFC 8200 §7"))
	fIPv6DSCP     = fields.Add(dissect.Dec("ipv6.tclass.dscp", "Differentiated Services Codepoint", "Per-hop behaviour the packet asks for.", "RFC 2474 §3"))
	fIPv6ECN      = fields.Add(dissect.Dec("ipv6.tclass.ecn", "Explicit Congestion Notification", "ECN codepoint.", "RFC 3168 §5"))
	fIPv6Flow     = fields.Add(dissect.Hex("ipv6.flow", "Flow Label", 24, "Labels packets of one flow so routers can keep them on one path.", "RFC 6437 §2"))
	fIPv6Plen     = fields.Add(dissect.Dec("ipv6.plen", "Payload Length", "Bytes after this 40-byte header, extension headers included.", rfc8200))
	fIPv6Nxt      = fields.Add(&dissect.FieldInfo{Name: "ipv6.nxt", Title: "Next Header", Kind: dissect.Uint, Values: ProtoName, Explain: "The header that follows: an extension header or the upper-layer protocol (58 is ICMPv6).", RFC: rfc8200})
	fIPv6Hlim     = fields.Add(dissect.Dec("ipv6.hlim", "Hop Limit", "Hops left; ND and MLD messages must arrive with 255 and 1, which proves they were not routed.", rfc8200))
	fIPv6Src      = fields.Add(dissect.Of("ipv6.src", "Source Address", dissect.IPv6, "The sender's address.", rfc8200))
	fIPv6Dst      = fields.Add(dissect.Of("ipv6.dst", "Destination Address", dissect.IPv6, "The receiver's address (with a routing header, the next one to visit).", rfc8200))
	fIPv6Addr     = fields.Add(dissect.Of("ipv6.addr", "Source or Destination Address", dissect.IPv6, "Matches either address.", rfc8200))
)

// IPv6 is an IPv6 fixed header.
type IPv6 struct {
	dissect.Span
	Version      uint8
	TrafficClass uint8
	FlowLabel    uint32
	Length       uint16
	NextHeader   uint8
	HopLimit     uint8
	Src, Dst     netip.Addr
	truncated    bool
	ctx          *dissect.Context
	next         gopacket.LayerType
}

// NewIPv6 returns an IPv6 decoder that dispatches through ctx.
func NewIPv6(ctx *dissect.Context) *IPv6 { return &IPv6{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (ip *IPv6) CanDecode() gopacket.LayerClass { return dissect.LayerIPv6 }

// NextLayerType implements gopacket.DecodingLayer.
func (ip *IPv6) NextLayerType() gopacket.LayerType { return ip.next }

// LayerType implements gopacket.Layer.
func (ip *IPv6) LayerType() gopacket.LayerType { return dissect.LayerIPv6 }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (ip *IPv6) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*ip = IPv6{ctx: ip.ctx}
	if len(data) < v6HeaderLen {
		df.SetTruncated()
		return dissect.Truncated("IPv6 header", v6HeaderLen, len(data))
	}
	vtf := binary.BigEndian.Uint32(data[v6VerOffset:])
	ip.Version = uint8(vtf >> 28)
	ip.TrafficClass = uint8(vtf >> v6TClassShift)
	ip.FlowLabel = vtf & v6FlowMask
	ip.Length = binary.BigEndian.Uint16(data[v6PlenOffset:])
	ip.NextHeader = data[v6NextOffset]
	ip.HopLimit = data[v6HopLimitOffset]
	ip.Src = netip.AddrFrom16([16]byte(data[v6SrcOffset : v6SrcOffset+v6AddrLen]))
	ip.Dst = netip.AddrFrom16([16]byte(data[v6DstOffset : v6DstOffset+v6AddrLen]))
	ip.Contents = data[:v6HeaderLen]
	if ip.Version != 6 {
		// RFC 8200 §3: Version is 6. Anything else is not IPv6; show the
		// rest as data rather than guess.
		ip.Payload = data[v6HeaderLen:]
		ip.next = dissect.LayerPayload
		return nil
	}
	end := v6HeaderLen + int(ip.Length)
	if ip.Length == 0 && ip.NextHeader == ProtoHopByHop {
		// Possibly a jumbogram (RFC 2675): the length is in the option.
		end = len(data)
	}
	if end > len(data) {
		ip.truncated = true
		ip.ctx.Truncated = true
		df.SetTruncated()
		end = len(data)
	}
	ip.Payload = data[v6HeaderLen:end]
	ip.ctx.Depth++
	ip.ctx.FirstExt = true
	ip.ctx.Src, ip.ctx.Dst = ip.Src, ip.Dst
	ip.ctx.HopLimit = ip.HopLimit
	ip.ctx.FinalDst, ip.ctx.HomeAddress = netip.Addr{}, netip.Addr{}
	ip.ctx.RouterAlert, ip.ctx.RouterAlertValue = false, 0
	ip.next = ip.ctx.Dispatch.ProtoNext(ip.NextHeader)
	return nil
}

// Dissect implements dissect.Layer.
func (ip *IPv6) Dissect(t *dissect.Tree) {
	off := t.At(ip.Contents)
	t.Push(fIPv6, off, len(ip.Contents))
	t.Uint(fIPv6Version, off, 1, uint64(ip.Version))
	t.Uint(fIPVersionHid, off, 1, uint64(ip.Version)).Hidden = true
	if ip.Version != 6 {
		// Not IPv6 whatever the EtherType says: nothing else in the header
		// can be trusted, so none of it is shown as IPv6 fields.
		t.Note(dissect.Note{Severity: dissect.Error, Code: "ipv6.bad_version", Message: "IPv6 Version field is " + strconv.Itoa(int(ip.Version)) + ", not 6", RFC: rfc8200, Offset: off, Length: 1, Malformed: true})
		t.Pop()
		return
	}
	t.Uint(fIPv6TClass, off, 2, uint64(ip.TrafficClass))
	t.Uint(fIPv6DSCP, off, 1, uint64(ip.TrafficClass>>2))
	t.Uint(fIPv6ECN, off+1, 1, uint64(ip.TrafficClass&3))
	t.Uint(fIPv6Flow, off+1, 3, uint64(ip.FlowLabel))
	t.Uint(fIPv6Plen, off+v6PlenOffset, 2, uint64(ip.Length))
	t.Uint(fIPv6Nxt, off+v6NextOffset, 1, uint64(ip.NextHeader))
	t.Uint(fIPv6Hlim, off+v6HopLimitOffset, 1, uint64(ip.HopLimit))
	t.Addr(fIPv6Src, off+v6SrcOffset, v6AddrLen, ip.Src)
	t.Addr(fIPv6Addr, off+v6SrcOffset, v6AddrLen, ip.Src).Hidden = true
	t.Addr(fIPv6Dst, off+v6DstOffset, v6AddrLen, ip.Dst)
	t.Addr(fIPv6Addr, off+v6DstOffset, v6AddrLen, ip.Dst).Hidden = true
	// What 6to4, Teredo and ISATAP addresses embed, as tshark shows it.
	tunnel.AddressDetails(t, off+v6SrcOffset, off+v6DstOffset, ip.Src, ip.Dst)
	if ip.truncated && !ip.ctx.InError {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "ipv6.truncated", Message: "capture holds less than the IPv6 Payload Length (packet size limited during capture)", RFC: rfc8200, Offset: off + v6PlenOffset, Length: 2})
	}
	t.Pop()
}

// Summarize implements dissect.Layer.
func (ip *IPv6) Summarize(s *dissect.Summary) {
	s.Protocol = "IPv6"
	if ip.Version != 6 {
		s.Info = append(s.SetInfo(), "Bogus IPv6 version"...)
		return
	}
	s.Src, s.Dst = ip.Src, ip.Dst
	if ip.next == dissect.LayerPayload {
		s.Info = append(s.SetInfo(), "IPv6 next header "...)
		s.Info = appendProto(s.Info, ip.NextHeader)
	}
}

func appendProto(dst []byte, p uint8) []byte {
	if name := ProtoName(uint64(p)); name != "" {
		dst = append(dst, name...)
		dst = append(dst, " ("...)
		dst = strconv.AppendUint(dst, uint64(p), 10)
		return append(dst, ')')
	}
	return strconv.AppendUint(dst, uint64(p), 10)
}
