package link

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// Linux cooked capture header, version 1 (LINKTYPE_LINUX_SLL, tcpdump.org
// linktypes/LINKTYPE_LINUX_SLL.html):
//
//	| packet type (2) | ARPHRD type (2) | addr len (2) | addr (8) | protocol (2) |
const (
	sllPktTypeOffset = 0
	sllHaTypeOffset  = 2
	sllHaLenOffset   = 4
	sllAddrOffset    = 6
	sllAddrMax       = 8
	sllProtoOffset   = 14
	sllHeaderLen     = 16
)

// Linux cooked capture header, version 2 (LINKTYPE_LINUX_SLL2):
//
//	| protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) | pkt type (1) | addr len (1) | addr (8) |
const (
	sll2ProtoOffset   = 0
	sll2IfIndexOffset = 4
	sll2HaTypeOffset  = 8
	sll2PktTypeOffset = 10
	sll2HaLenOffset   = 11
	sll2AddrOffset    = 12
	sll2HeaderLen     = 20
)

// ARPHRD_ETHER: the cooked header's address is an Ethernet MAC.
const arphrdEther = 1

// PacketTypeName names the Linux packet types (PACKET_HOST, …).
func PacketTypeName(v uint64) string {
	switch v {
	case 0:
		return "Unicast to us"
	case 1:
		return "Broadcast"
	case 2:
		return "Multicast"
	case 3:
		return "Unicast to another host"
	case 4:
		return "Sent by us"
	}
	return ""
}

var (
	fSLL        = fields.Add(dissect.Proto("sll", "Linux cooked capture", "The header Linux puts on frames captured on the 'any' device or on links without a link-layer header.", "tcpdump.org LINKTYPE_LINUX_SLL"))
	fSLLPktType = fields.Add(&dissect.FieldInfo{Name: "sll.pkttype", Title: "Packet type", Kind: dissect.Uint, Values: PacketTypeName, Explain: "Whether the frame was sent to us, broadcast, multicast, to another host, or sent by us.", RFC: "tcpdump.org LINKTYPE_LINUX_SLL"})
	fSLLHaType  = fields.Add(dissect.Dec("sll.hatype", "Link-layer address type", "ARPHRD_ type of the link (1 is Ethernet).", "tcpdump.org LINKTYPE_LINUX_SLL"))
	fSLLHaLen   = fields.Add(dissect.Dec("sll.halen", "Link-layer address length", "Length of the sender's link-layer address.", "tcpdump.org LINKTYPE_LINUX_SLL"))
	fSLLSrcEth  = fields.Add(dissect.Of("sll.src.eth", "Source", dissect.MAC, "The sender's Ethernet address.", "tcpdump.org LINKTYPE_LINUX_SLL"))
	fSLLSrc     = fields.Add(dissect.Of("sll.src.other", "Source", dissect.Bytes, "The sender's link-layer address, when it is not Ethernet.", "tcpdump.org LINKTYPE_LINUX_SLL"))
	fSLLEType   = fields.Add(&dissect.FieldInfo{Name: "sll.etype", Title: "Protocol", Kind: dissect.Uint, Base: dissect.BaseHex, Digits: 4, Values: EtherTypeName, Explain: "EtherType of the payload.", RFC: "tcpdump.org LINKTYPE_LINUX_SLL"})
	fSLLIfIndex = fields.Add(dissect.Dec("sll.ifindex", "Interface index", "Index of the interface the frame was captured on (SLL2 only).", "tcpdump.org LINKTYPE_LINUX_SLL2"))
)

// SLL is a Linux cooked capture header, version 1 or 2.
type SLL struct {
	dissect.Span
	Version    int // 1 or 2
	PacketType uint16
	HaType     uint16
	Addr       []byte // aliases the frame
	Protocol   uint16
	IfIndex    uint32
	ctx        *dissect.Context
	next       gopacket.LayerType
	v2         bool
}

// NewSLL returns a decoder for version 1 headers.
func NewSLL(ctx *dissect.Context) *SLL { return &SLL{ctx: ctx} }

// NewSLL2 returns a decoder for version 2 headers.
func NewSLL2(ctx *dissect.Context) *SLL { return &SLL{ctx: ctx, v2: true} }

// CanDecode implements gopacket.DecodingLayer.
func (l *SLL) CanDecode() gopacket.LayerClass { return l.LayerType() }

// NextLayerType implements gopacket.DecodingLayer.
func (l *SLL) NextLayerType() gopacket.LayerType { return l.next }

// LayerType implements gopacket.Layer.
func (l *SLL) LayerType() gopacket.LayerType {
	if l.v2 {
		return dissect.LayerSLL2
	}
	return dissect.LayerSLL
}

// DecodeFromBytes implements gopacket.DecodingLayer.
func (l *SLL) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*l = SLL{ctx: l.ctx, v2: l.v2}
	var addrLen int
	var addr []byte
	if l.v2 {
		if len(data) < sll2HeaderLen {
			df.SetTruncated()
			return dissect.Truncated("Linux cooked (SLL2) header", sll2HeaderLen, len(data))
		}
		l.Version = 2
		l.Protocol = binary.BigEndian.Uint16(data[sll2ProtoOffset:])
		l.IfIndex = binary.BigEndian.Uint32(data[sll2IfIndexOffset:])
		l.HaType = binary.BigEndian.Uint16(data[sll2HaTypeOffset:])
		l.PacketType = uint16(data[sll2PktTypeOffset])
		addrLen = int(data[sll2HaLenOffset])
		addr = data[sll2AddrOffset : sll2AddrOffset+sllAddrMax]
		l.Contents, l.Payload = data[:sll2HeaderLen], data[sll2HeaderLen:]
	} else {
		if len(data) < sllHeaderLen {
			df.SetTruncated()
			return dissect.Truncated("Linux cooked (SLL) header", sllHeaderLen, len(data))
		}
		l.Version = 1
		l.PacketType = binary.BigEndian.Uint16(data[sllPktTypeOffset:])
		l.HaType = binary.BigEndian.Uint16(data[sllHaTypeOffset:])
		addrLen = int(binary.BigEndian.Uint16(data[sllHaLenOffset:]))
		addr = data[sllAddrOffset : sllAddrOffset+sllAddrMax]
		l.Protocol = binary.BigEndian.Uint16(data[sllProtoOffset:])
		l.Contents, l.Payload = data[:sllHeaderLen], data[sllHeaderLen:]
	}
	l.Addr = addr[:min(addrLen, sllAddrMax)]
	l.next = l.ctx.Dispatch.EtherNext(l.Protocol)
	return nil
}

// Dissect implements dissect.Layer.
func (l *SLL) Dissect(t *dissect.Tree) {
	off := t.At(l.Contents)
	t.Push(fSLL, off, len(l.Contents))
	t.AddProtocol("ethertype")
	if l.v2 {
		t.Uint(fSLLEType, off+sll2ProtoOffset, 2, uint64(l.Protocol))
		t.Uint(fSLLIfIndex, off+sll2IfIndexOffset, 4, uint64(l.IfIndex))
		t.Uint(fSLLHaType, off+sll2HaTypeOffset, 2, uint64(l.HaType))
		t.Uint(fSLLPktType, off+sll2PktTypeOffset, 1, uint64(l.PacketType))
		t.Uint(fSLLHaLen, off+sll2HaLenOffset, 1, uint64(len(l.Addr)))
		l.addAddr(t, off+sll2AddrOffset)
	} else {
		t.Uint(fSLLPktType, off+sllPktTypeOffset, 2, uint64(l.PacketType))
		t.Uint(fSLLHaType, off+sllHaTypeOffset, 2, uint64(l.HaType))
		t.Uint(fSLLHaLen, off+sllHaLenOffset, 2, uint64(len(l.Addr)))
		l.addAddr(t, off+sllAddrOffset)
		t.Uint(fSLLEType, off+sllProtoOffset, 2, uint64(l.Protocol))
	}
	t.Pop()
}

func (l *SLL) addAddr(t *dissect.Tree, off int) {
	if l.HaType == arphrdEther && len(l.Addr) == ethAddrLen {
		t.Bytes(fSLLSrcEth, off, ethAddrLen, l.Addr)
	} else if len(l.Addr) > 0 {
		t.Bytes(fSLLSrc, off, len(l.Addr), l.Addr)
	}
}

// Summarize implements dissect.Layer.
func (l *SLL) Summarize(s *dissect.Summary) {
	s.Protocol = "SLL"
	s.SrcHW = l.Addr
}
