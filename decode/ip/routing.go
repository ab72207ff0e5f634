package ip

import (
	"net/netip"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// Routing header (RFC 8200 §4.4):
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       type-specific data                      |
//
// Type 0 (RFC 2460 §4.4, deprecated by RFC 5095) and type 2 (RFC 6275 §6.4)
// carry a 4-byte reserved field and then 16-byte addresses.
const (
	rtTypeOffset     = 2
	rtSegLeftOffset  = 3
	rtReservedOffset = 4
	rtReservedLen    = 4
	rtAddrOffset     = 8
)

// Routing types (IANA "Routing Types").
const (
	RoutingType0    = 0
	RoutingType2    = 2
	RoutingTypeRPL  = 3
	RoutingTypeSRH  = 4
	RoutingTypeCRH6 = 5
	RoutingTypeCRH4 = 6
)

// RoutingTypeName names the routing types.
func RoutingTypeName(v uint64) string {
	switch v {
	case RoutingType0:
		return "Source Route"
	case 1:
		return "Nimrod"
	case RoutingType2:
		return "Type 2 Routing"
	case RoutingTypeRPL:
		return "RPL Source Route"
	case RoutingTypeSRH:
		return "Segment Routing"
	case RoutingTypeCRH6, RoutingTypeCRH4:
		return "Compact Routing Header"
	}
	return ""
}

const rfc8200Rt = "RFC 8200 §4.4"

var (
	fRt         = fields.Add(dissect.Proto("ipv6.routing", "Routing Header for IPv6", "Lists nodes the packet must visit on its way; Mobile IPv6 uses type 2 to reach a mobile node's home address.", rfc8200Rt))
	fRtNxt      = fields.Add(&dissect.FieldInfo{Name: "ipv6.routing.nxt", Title: "Next Header", Kind: dissect.Uint, Values: ProtoName, Explain: "The header after this one.", RFC: rfc8200Rt})
	fRtLen      = fields.Add(dissect.Dec("ipv6.routing.len", "Length", "Header length in 8-octet units, not counting the first 8 octets.", rfc8200Rt))
	fRtLenOct   = fields.Add(dissect.Dec("ipv6.routing.len_oct", "Length in bytes", "Header length in bytes: (Length + 1) × 8.", rfc8200Rt))
	fRtType     = fields.Add(&dissect.FieldInfo{Name: "ipv6.routing.type", Title: "Type", Kind: dissect.Uint, Values: RoutingTypeName, Explain: "Which kind of routing header: 2 is Mobile IPv6's, 4 is Segment Routing.", RFC: rfc8200Rt})
	fRtSegLeft  = fields.Add(dissect.Dec("ipv6.routing.segleft", "Segments Left", "How many listed nodes are still to be visited.", rfc8200Rt))
	fRtSrcRes   = fields.Add(dissect.Of("ipv6.routing.src.reserved", "Reserved", dissect.Bytes, "Reserved bytes of a type 0 routing header.", "RFC 2460 §4.4"))
	fRtSrcAddr  = fields.Add(dissect.Of("ipv6.routing.src.addr", "Address", dissect.IPv6, "A node a type 0 routing header sends the packet through.", "RFC 2460 §4.4"))
	fRtMIPv6Res = fields.Add(dissect.Of("ipv6.routing.mipv6.reserved", "Reserved", dissect.Bytes, "Reserved bytes of a type 2 routing header.", "RFC 6275 §6.4"))
	fRtMIPv6HoA = fields.Add(dissect.Of("ipv6.routing.mipv6.home_address", "Home Address", dissect.IPv6, "The mobile node's home address: the packet goes to the care-of address, then on to this address inside the mobile node.", "RFC 6275 §6.4"))
	fRtUnknown  = fields.Add(dissect.Of("ipv6.routing.unknown_data", "Data", dissect.Bytes, "Data of a routing type v6scope does not decode.", rfc8200Rt))
)

// Routing is an IPv6 routing header.
type Routing struct {
	dissect.Span
	NextHeader   uint8
	RoutingType  uint8
	SegmentsLeft uint8
	Data         []byte // type-specific data, from byte 4
	ctx          *dissect.Context
	next         gopacket.LayerType
}

// NewRouting returns a routing header decoder.
func NewRouting(ctx *dissect.Context) *Routing { return &Routing{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (r *Routing) CanDecode() gopacket.LayerClass { return dissect.LayerRouting }

// NextLayerType implements gopacket.DecodingLayer.
func (r *Routing) NextLayerType() gopacket.LayerType { return r.next }

// LayerType implements gopacket.Layer.
func (r *Routing) LayerType() gopacket.LayerType { return dissect.LayerRouting }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (r *Routing) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*r = Routing{ctx: r.ctx}
	n, err := extLen("Routing header", data)
	if err != nil {
		df.SetTruncated()
		return err
	}
	r.NextHeader = data[extNextOffset]
	r.RoutingType = data[rtTypeOffset]
	r.SegmentsLeft = data[rtSegLeftOffset]
	r.Data = data[rtReservedOffset:n]
	r.Contents, r.Payload = data[:n], data[n:]
	r.ctx.FirstExt = false
	if r.RoutingType == RoutingType0 || r.RoutingType == RoutingType2 {
		// RFC 8200 §8.1: a pseudo-header uses the final destination, the
		// last address of the routing header.
		if addrs := data[rtAddrOffset:n]; len(addrs) >= v6AddrLen && r.SegmentsLeft > 0 {
			last := addrs[len(addrs)/v6AddrLen*v6AddrLen-v6AddrLen:]
			r.ctx.FinalDst = netip.AddrFrom16([16]byte(last[:v6AddrLen]))
		}
	}
	r.next = r.ctx.Dispatch.ProtoNext(r.NextHeader)
	return nil
}

// Dissect implements dissect.Layer.
func (r *Routing) Dissect(t *dissect.Tree) {
	off := t.At(r.Contents)
	t.Push(fRt, off, len(r.Contents))
	t.Uint(fRtNxt, off+extNextOffset, 1, uint64(r.NextHeader))
	t.Uint(fRtLen, off+extLenOffset, 1, uint64(len(r.Contents)/extUnit-1))
	t.Uint(fRtLenOct, off+extLenOffset, 0, uint64(len(r.Contents)))
	t.Uint(fRtType, off+rtTypeOffset, 1, uint64(r.RoutingType))
	t.Uint(fRtSegLeft, off+rtSegLeftOffset, 1, uint64(r.SegmentsLeft))
	switch r.RoutingType {
	case RoutingType0, RoutingType2:
		res, addrs := fRtSrcRes, fRtSrcAddr
		if r.RoutingType == RoutingType2 {
			res, addrs = fRtMIPv6Res, fRtMIPv6HoA
		}
		t.Bytes(res, off+rtReservedOffset, rtReservedLen, r.Data[:rtReservedLen])
		b := r.Contents[rtAddrOffset:]
		for i := 0; i+v6AddrLen <= len(b); i += v6AddrLen {
			t.Addr(addrs, off+rtAddrOffset+i, v6AddrLen, netip.AddrFrom16([16]byte(b[i:i+v6AddrLen])))
		}
		if len(b)%v6AddrLen != 0 {
			t.Note(dissect.Note{Severity: dissect.Error, Code: "ipv6.routing.invalid_length", Message: "routing header length is not a whole number of addresses", RFC: rfc8200Rt, Offset: off, Length: len(r.Contents), Malformed: true})
		}
		if n := len(b) / v6AddrLen; r.RoutingType == RoutingType2 && n != 1 {
			// RFC 6275 §6.4: Hdr Ext Len is 2 and Segments Left 1; the
			// header carries one address, the home address.
			t.Note(dissect.Note{Severity: dissect.Error, Code: "ipv6.routing.mipv6.addresses", Message: "type 2 routing header holds " + strconv.Itoa(n) + " addresses; it must hold exactly one, the mobile node's home address", RFC: "RFC 6275 §6.4", Offset: off, Length: len(r.Contents)})
		}
		if r.RoutingType == RoutingType2 && r.SegmentsLeft != 1 {
			t.Note(dissect.Note{Severity: dissect.Warn, Code: "ipv6.routing.mipv6.segleft", Message: "type 2 routing header with Segments Left " + strconv.Itoa(int(r.SegmentsLeft)) + "; it is sent with 1", RFC: "RFC 6275 §6.4", Offset: off + rtSegLeftOffset, Length: 1})
		}
		if r.RoutingType == RoutingType0 {
			t.Note(dissect.Note{Severity: dissect.Warn, Code: "ipv6.routing.deprecated", Message: "type 0 routing header is deprecated: nodes must not process it", RFC: "RFC 5095 §3", Offset: off + rtTypeOffset, Length: 1})
		}
		if n := len(b) / v6AddrLen; int(r.SegmentsLeft) > n {
			t.Note(dissect.Note{Severity: dissect.Error, Code: "ipv6.routing.invalid_segleft", Message: "Segments Left is " + strconv.Itoa(int(r.SegmentsLeft)) + " but the header lists " + strconv.Itoa(n) + " addresses", RFC: rfc8200Rt, Offset: off + rtSegLeftOffset, Length: 1})
		}
	default:
		t.Bytes(fRtUnknown, off+rtReservedOffset, len(r.Data), r.Data)
	}
	t.Pop()
}

// Summarize implements dissect.Layer. Like Wireshark, the Destination
// column shows where the packet is finally going: the last address of a
// routing header with segments left (RFC 8200 §4.4).
func (r *Routing) Summarize(s *dissect.Summary) {
	if r.ctx.FinalDst.IsValid() && !r.ctx.InError {
		s.Dst = r.ctx.FinalDst
	}
}
