package ip

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// Fragment header (RFC 8200 §4.5):
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                         Identification                        |
const (
	fragReservedOffset = 1
	fragOffsetOffset   = 2
	fragIDOffset       = 4
	fragHeaderLen      = 8
	fragOffsetShift    = 3
	fragResMask        = 0x6
	fragMoreBit        = 0x1
)

const rfc8200Frag = "RFC 8200 §4.5"

var (
	fFrag       = fields.Add(dissect.Proto("ipv6.fraghdr", "Fragment Header for IPv6", "Marks one fragment of a packet the source split because it was larger than the path MTU.", rfc8200Frag))
	fFragNxt    = fields.Add(&dissect.FieldInfo{Name: "ipv6.fraghdr.nxt", Title: "Next header", Kind: dissect.Uint, Values: ProtoName, Explain: "The header that starts the fragmentable part.", RFC: rfc8200Frag})
	fFragResOct = fields.Add(dissect.Hex("ipv6.fraghdr.reserved_octet", "Reserved octet", 8, "Must be zero.", rfc8200Frag))
	fFragOffset = fields.Add(dissect.Dec("ipv6.fraghdr.offset", "Offset", "Where this fragment's data belongs, in 8-octet units.", rfc8200Frag))
	fFragResBit = fields.Add(dissect.Dec("ipv6.fraghdr.reserved_bits", "Reserved bits", "Must be zero.", rfc8200Frag))
	fFragMore   = fields.Add(dissect.Flag("ipv6.fraghdr.more", "More Fragments", "More fragments follow this one.", rfc8200Frag))
	fFragIdent  = fields.Add(dissect.Hex("ipv6.fraghdr.ident", "Identification", 32, "The same for every fragment of one original packet.", rfc8200Frag))
)

// Fragment is an IPv6 Fragment header.
type Fragment struct {
	dissect.Span
	NextHeader     uint8
	Reserved       uint8
	FragmentOffset uint16 // in 8-octet units
	ResBits        uint8
	More           bool
	Identification uint32
	ctx            *dissect.Context
	next           gopacket.LayerType
}

// NewFragment returns a Fragment header decoder.
func NewFragment(ctx *dissect.Context) *Fragment { return &Fragment{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (f *Fragment) CanDecode() gopacket.LayerClass { return dissect.LayerFragment }

// NextLayerType implements gopacket.DecodingLayer.
func (f *Fragment) NextLayerType() gopacket.LayerType { return f.next }

// LayerType implements gopacket.Layer.
func (f *Fragment) LayerType() gopacket.LayerType { return dissect.LayerFragment }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (f *Fragment) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*f = Fragment{ctx: f.ctx}
	if len(data) < fragHeaderLen {
		df.SetTruncated()
		return dissect.Truncated("Fragment header", fragHeaderLen, len(data))
	}
	f.NextHeader = data[extNextOffset]
	f.Reserved = data[fragReservedOffset]
	v := binary.BigEndian.Uint16(data[fragOffsetOffset:])
	f.FragmentOffset = v >> fragOffsetShift
	f.ResBits = uint8(v&fragResMask) >> 1
	f.More = v&fragMoreBit != 0
	f.Identification = binary.BigEndian.Uint32(data[fragIDOffset:])
	f.Contents, f.Payload = data[:fragHeaderLen], data[fragHeaderLen:]
	f.ctx.FirstExt = false
	switch {
	case f.FragmentOffset == 0 && !f.More:
		// An atomic fragment (RFC 6946): the whole packet is here.
		f.next = f.ctx.Dispatch.ProtoNext(f.NextHeader)
	case f.FragmentOffset == 0 && f.ctx.Truncated:
		// A first fragment no reassembler could take (cut short in the
		// capture): decode it as far as it goes, as Wireshark does.
		f.next = f.ctx.Dispatch.ProtoNext(f.NextHeader)
	default:
		// v6scope does not reassemble: the fragment's data is shown as is.
		f.next = dissect.LayerPayload
	}
	return nil
}

// Dissect implements dissect.Layer.
func (f *Fragment) Dissect(t *dissect.Tree) {
	off := t.At(f.Contents)
	t.Push(fFrag, off, fragHeaderLen)
	t.Uint(fFragNxt, off, 1, uint64(f.NextHeader))
	t.Uint(fFragResOct, off+fragReservedOffset, 1, uint64(f.Reserved))
	t.Uint(fFragOffset, off+fragOffsetOffset, 2, uint64(f.FragmentOffset))
	t.Uint(fFragResBit, off+fragOffsetOffset, 2, uint64(f.ResBits))
	t.Uint(fFragMore, off+fragOffsetOffset, 2, b2u(f.More))
	t.Uint(fFragIdent, off+fragIDOffset, 4, uint64(f.Identification))
	t.Pop()
}

// Summarize implements dissect.Layer.
func (f *Fragment) Summarize(s *dissect.Summary) {
	if f.next == dissect.LayerPayload {
		s.Info = append(s.SetInfo(), "IPv6 fragment (off="...)
		s.Info = appendUint(s.Info, uint64(f.FragmentOffset)*extUnit)
		s.Info = append(s.Info, " more="...)
		if f.More {
			s.Info = append(s.Info, 'y')
		} else {
			s.Info = append(s.Info, 'n')
		}
		s.Info = append(s.Info, " ident="...)
		s.Info = dissect.AppendHex(s.Info, uint64(f.Identification), 8)
		s.Info = append(s.Info, " nxt="...)
		s.Info = appendUint(s.Info, uint64(f.NextHeader))
		s.Info = append(s.Info, ')')
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
