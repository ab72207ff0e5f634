package link

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// Ethernet II header (IEEE 802.3 §3.2.6; RFC 894 for IP over Ethernet):
//
//	+--------------+--------------+-----------+
//	| Destination  |    Source    | Type/Len  |
//	|   6 octets   |   6 octets   | 2 octets  |
//	+--------------+--------------+-----------+
const (
	ethDstOffset  = 0
	ethSrcOffset  = 6
	ethTypeOffset = 12
	ethAddrLen    = 6
	ethHeaderLen  = 14
	// A Type/Length value up to 1500 is an IEEE 802.3 length, not an EtherType.
	ethMaxLength = 1500
)

var (
	fEth     = fields.Add(dissect.Proto("eth", "Ethernet II", "The Ethernet header: which station sent the frame, to which, and what it carries.", "IEEE 802.3 §3.2"))
	fEthDst  = fields.Add(dissect.Of("eth.dst", "Destination", dissect.MAC, "The station (or multicast group) the frame is for.", "IEEE 802.3 §3.2.3"))
	fEthSrc  = fields.Add(dissect.Of("eth.src", "Source", dissect.MAC, "The station that sent the frame.", "IEEE 802.3 §3.2.3"))
	fEthAddr = fields.Add(dissect.Of("eth.addr", "Address", dissect.MAC, "Source or destination hardware address.", "IEEE 802.3 §3.2.3"))
	fEthType = fields.Add(&dissect.FieldInfo{Name: "eth.type", Title: "Type", Kind: dissect.Uint, Base: dissect.BaseHex, Digits: 4, Values: EtherTypeName, Explain: "EtherType: which protocol the payload holds (0x86dd is IPv6).", RFC: "IEEE 802.3 §3.2.6"})
	fEthLen  = fields.Add(dissect.Dec("eth.len", "Length", "IEEE 802.3 length of the payload (values up to 1500 are lengths, not EtherTypes).", "IEEE 802.3 §3.2.6"))
)

// Ethernet is an Ethernet II (or IEEE 802.3) header.
type Ethernet struct {
	dissect.Span
	Dst, Src  []byte // alias the frame
	EtherType uint16
	ctx       *dissect.Context
	next      gopacket.LayerType
}

// NewEthernet returns an Ethernet decoder that dispatches through ctx.
func NewEthernet(ctx *dissect.Context) *Ethernet { return &Ethernet{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (e *Ethernet) CanDecode() gopacket.LayerClass { return dissect.LayerEthernet }

// NextLayerType implements gopacket.DecodingLayer.
func (e *Ethernet) NextLayerType() gopacket.LayerType { return e.next }

// LayerType implements gopacket.Layer.
func (e *Ethernet) LayerType() gopacket.LayerType { return dissect.LayerEthernet }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (e *Ethernet) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*e = Ethernet{ctx: e.ctx}
	if len(data) < ethHeaderLen {
		df.SetTruncated()
		return dissect.Truncated("Ethernet header", ethHeaderLen, len(data))
	}
	e.Dst = data[ethDstOffset : ethDstOffset+ethAddrLen]
	e.Src = data[ethSrcOffset : ethSrcOffset+ethAddrLen]
	e.EtherType = binary.BigEndian.Uint16(data[ethTypeOffset:])
	e.Contents, e.Payload = data[:ethHeaderLen], data[ethHeaderLen:]
	if e.EtherType <= ethMaxLength {
		// IEEE 802.3 length: trailing bytes beyond it are padding.
		if int(e.EtherType) < len(e.Payload) {
			e.Payload = e.Payload[:e.EtherType]
		}
		e.next = dissect.LayerPayload
		return nil
	}
	e.next = e.ctx.Dispatch.EtherNext(e.EtherType)
	return nil
}

// Dissect implements dissect.Layer.
func (e *Ethernet) Dissect(t *dissect.Tree) {
	off := t.At(e.Contents)
	t.Push(fEth, off, len(e.Contents))
	t.AddProtocol("ethertype")
	t.Bytes(fEthDst, off+ethDstOffset, ethAddrLen, e.Dst)
	t.Bytes(fEthAddr, off+ethDstOffset, ethAddrLen, e.Dst).Hidden = true
	t.Bytes(fEthSrc, off+ethSrcOffset, ethAddrLen, e.Src)
	t.Bytes(fEthAddr, off+ethSrcOffset, ethAddrLen, e.Src).Hidden = true
	if e.EtherType <= ethMaxLength {
		t.Uint(fEthLen, off+ethTypeOffset, 2, uint64(e.EtherType))
	} else {
		t.Uint(fEthType, off+ethTypeOffset, 2, uint64(e.EtherType))
	}
	t.Pop()
}

// Summarize implements dissect.Layer.
func (e *Ethernet) Summarize(s *dissect.Summary) {
	s.Protocol = "Ethernet"
	s.SrcHW, s.DstHW = e.Src, e.Dst
}
