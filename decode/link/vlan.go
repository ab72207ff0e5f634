package link

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// IEEE 802.1Q tag, after the TPID (0x8100, or 0x88a8 for an 802.1ad
// service tag in Q-in-Q):
//
//	+-----+-----+--------------+-----------+
//	| PCP | DEI |   VLAN ID    | EtherType |
//	|  3  |  1  |     12       |  16 bits  |
//	+-----+-----+--------------+-----------+
const (
	vlanTCIOffset  = 0
	vlanTypeOffset = 2
	vlanHeaderLen  = 4
	vlanPCPShift   = 13
	vlanDEIBit     = 0x1000
	vlanIDMask     = 0x0fff
)

var (
	fVLAN      = fields.Add(dissect.Proto("vlan", "802.1Q Virtual LAN", "A VLAN tag: which virtual LAN the frame belongs to and its priority.", "IEEE 802.1Q §9.6"))
	fVLANPrio  = fields.Add(dissect.Dec("vlan.priority", "Priority", "Priority Code Point: the frame's class of service (0-7).", "IEEE 802.1Q §9.6"))
	fVLANDEI   = fields.Add(dissect.Flag("vlan.dei", "DEI", "Drop Eligible Indicator: the frame may be dropped first under congestion.", "IEEE 802.1Q §9.6"))
	fVLANID    = fields.Add(dissect.Dec("vlan.id", "ID", "VLAN identifier (1-4094).", "IEEE 802.1Q §9.6"))
	fVLANEType = fields.Add(&dissect.FieldInfo{Name: "vlan.etype", Title: "Type", Kind: dissect.Uint, Base: dissect.BaseHex, Digits: 4, Values: EtherTypeName, Explain: "EtherType of the payload after the tag.", RFC: "IEEE 802.1Q §9.6"})
	fVLANLen   = fields.Add(dissect.Dec("vlan.len", "Length", "IEEE 802.3 length after the tag.", "IEEE 802.1Q §9.6"))
)

// Dot1Q is an IEEE 802.1Q (or 802.1ad) VLAN tag.
type Dot1Q struct {
	dissect.Span
	Priority  uint8
	DEI       bool
	ID        uint16
	EtherType uint16
	ctx       *dissect.Context
	next      gopacket.LayerType
}

// NewDot1Q returns a VLAN tag decoder that dispatches through ctx.
func NewDot1Q(ctx *dissect.Context) *Dot1Q { return &Dot1Q{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (v *Dot1Q) CanDecode() gopacket.LayerClass { return dissect.LayerDot1Q }

// NextLayerType implements gopacket.DecodingLayer.
func (v *Dot1Q) NextLayerType() gopacket.LayerType { return v.next }

// LayerType implements gopacket.Layer.
func (v *Dot1Q) LayerType() gopacket.LayerType { return dissect.LayerDot1Q }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (v *Dot1Q) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*v = Dot1Q{ctx: v.ctx}
	if len(data) < vlanHeaderLen {
		df.SetTruncated()
		return dissect.Truncated("802.1Q tag", vlanHeaderLen, len(data))
	}
	tci := binary.BigEndian.Uint16(data[vlanTCIOffset:])
	v.Priority = uint8(tci >> vlanPCPShift)
	v.DEI = tci&vlanDEIBit != 0
	v.ID = tci & vlanIDMask
	v.EtherType = binary.BigEndian.Uint16(data[vlanTypeOffset:])
	v.Contents, v.Payload = data[:vlanHeaderLen], data[vlanHeaderLen:]
	if v.EtherType <= ethMaxLength {
		if int(v.EtherType) < len(v.Payload) {
			v.Payload = v.Payload[:v.EtherType]
		}
		v.next = dissect.LayerPayload
		return nil
	}
	v.next = v.ctx.Dispatch.EtherNext(v.EtherType)
	return nil
}

// Dissect implements dissect.Layer.
func (v *Dot1Q) Dissect(t *dissect.Tree) {
	off := t.At(v.Contents)
	t.Push(fVLAN, off, vlanHeaderLen)
	t.AddProtocol("ethertype")
	t.Uint(fVLANPrio, off, 2, uint64(v.Priority))
	t.Uint(fVLANDEI, off, 2, b2u(v.DEI))
	t.Uint(fVLANID, off, 2, uint64(v.ID))
	if v.EtherType <= ethMaxLength {
		t.Uint(fVLANLen, off+vlanTypeOffset, 2, uint64(v.EtherType))
	} else {
		t.Uint(fVLANEType, off+vlanTypeOffset, 2, uint64(v.EtherType))
	}
	t.Pop()
}

// Summarize implements dissect.Layer.
func (v *Dot1Q) Summarize(s *dissect.Summary) { s.Protocol = "802.1Q" }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
