package icmp

import (
	"encoding/binary"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// ICMPv6 message (RFC 4443 §2.1):
//
//	 0                   1                   2                   3
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Type      |     Code      |          Checksum             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                         Message Body                          |
//
// Errors and Echo messages have four more bytes of fixed fields (reserved,
// MTU, pointer, or identifier and sequence number) before their data.
const (
	typeOffset     = 0
	codeOffset     = 1
	checksumOffset = 2
	headerLen      = 4
	fixedOffset    = 4 // second word of errors and echo messages
	fixedLen       = 4
	protoICMPv6    = 58
)

// ICMPv6 types (IANA "ICMPv6 Parameters").
const (
	TypeDestUnreachable = 1
	TypePacketTooBig    = 2
	TypeTimeExceeded    = 3
	TypeParamProblem    = 4
	TypeEchoRequest     = 128
	TypeEchoReply       = 129
)

var typeNames = map[uint64]string{
	1: "Destination Unreachable", 2: "Packet Too Big", 3: "Time Exceeded", 4: "Parameter Problem",
	100: "Private experimentation", 101: "Private experimentation",
	128: "Echo (ping) request", 129: "Echo (ping) reply",
	130: "Multicast Listener Query", 131: "Multicast Listener Report", 132: "Multicast Listener Done",
	133: "Router Solicitation", 134: "Router Advertisement", 135: "Neighbor Solicitation",
	136: "Neighbor Advertisement", 137: "Redirect", 138: "Router Renumbering",
	139: "ICMP Node Information Query", 140: "ICMP Node Information Response",
	141: "Inverse Neighbor Discovery Solicitation", 142: "Inverse Neighbor Discovery Advertisement",
	143: "Multicast Listener Report Message v2",
	144: "Home Agent Address Discovery Request", 145: "Home Agent Address Discovery Reply",
	146: "Mobile Prefix Solicitation", 147: "Mobile Prefix Advertisement",
	148: "Certification Path Solicitation", 149: "Certification Path Advertisement",
	150: "Experimental Mobility", 151: "Multicast Router Advertisement",
	152: "Multicast Router Solicitation", 153: "Multicast Router Termination",
	154: "FMIPv6", 155: "RPL Control", 156: "ILNPv6 Locator Update",
	157: "Duplicate Address Request", 158: "Duplicate Address Confirmation",
	159: "MPL Control", 160: "Extended Echo Request", 161: "Extended Echo Reply",
	200: "Private experimentation", 201: "Private experimentation",
}

// TypeName names an ICMPv6 type.
func TypeName(v uint64) string { return typeNames[v] }

// CodeName names the code of an error message of type typ.
func CodeName(typ uint8, code uint8) string {
	switch typ {
	case TypeDestUnreachable:
		switch code {
		case 0:
			return "no route to destination"
		case 1:
			return "communication with destination administratively prohibited"
		case 2:
			return "beyond scope of source address"
		case 3:
			return "address unreachable"
		case 4:
			return "port unreachable"
		case 5:
			return "source address failed ingress/egress policy"
		case 6:
			return "reject route to destination"
		case 7:
			return "error in source routing header"
		}
	case TypeTimeExceeded:
		switch code {
		case 0:
			return "hop limit exceeded in transit"
		case 1:
			return "fragment reassembly time exceeded"
		}
	case TypeParamProblem:
		switch code {
		case 0:
			return "erroneous header field encountered"
		case 1:
			return "unrecognized Next Header type encountered"
		case 2:
			return "unrecognized IPv6 option encountered"
		case 3:
			return "IPv6 First Fragment has incomplete IPv6 Header Chain"
		}
	}
	return ""
}

const rfc4443 = "RFC 4443 §2.1"

var (
	fICMPv6       = fields.Add(dissect.Proto("icmpv6", "Internet Control Message Protocol v6", "ICMPv6: errors, echo, and the messages of Neighbor Discovery and MLD.", rfc4443))
	fType         = fields.Add(&dissect.FieldInfo{Name: "icmpv6.type", Title: "Type", Kind: dissect.Uint, Values: TypeName, Texts: typeTexts, Explain: "The message type: 1-127 are errors, 128-255 informational (133-137 Neighbor Discovery, 130-132 and 143 MLD).", RFC: rfc4443})
	fCode         = fields.Add(dissect.Dec("icmpv6.code", "Code", "Refines the type; Neighbor Discovery and MLD messages must use 0.", rfc4443))
	fChecksum     = fields.Add(dissect.Hex("icmpv6.checksum", "Checksum", 16, "Ones'-complement checksum over the IPv6 pseudo-header and the whole message.", "RFC 4443 §2.3"))
	fCkStatus     = fields.Add(&dissect.FieldInfo{Name: "icmpv6.checksum.status", Title: "Checksum Status", Kind: dissect.Uint, Values: dissect.ChecksumStatusNames, Explain: "1 when the checksum is right, 0 when wrong, 2 when it could not be checked (message cut short in the capture).", RFC: "RFC 4443 §2.3"})
	fReserved     = fields.Add(dissect.Of("icmpv6.reserved", "Reserved", dissect.Bytes, "Unused; the sender sets it to zero and the receiver ignores it.", rfc4443))
	fMTU          = fields.Add(dissect.Dec("icmpv6.mtu", "MTU", "The MTU of the next-hop link that the packet was too big for.", "RFC 4443 §3.2"))
	fPointer      = fields.Add(dissect.Dec("icmpv6.pointer", "Pointer", "Byte offset in the invoking packet where the problem was found.", "RFC 4443 §3.4"))
	fEchoID       = fields.Add(dissect.Hex("icmpv6.echo.identifier", "Identifier", 16, "Matches replies to requests.", "RFC 4443 §4.1"))
	fEchoSeq      = fields.Add(dissect.Dec("icmpv6.echo.sequence_number", "Sequence", "Counts the requests of one identifier.", "RFC 4443 §4.1"))
	fICMPv6Data   = fields.Add(dissect.Of("icmpv6.data", "Data", dissect.Bytes, "Message body v6scope does not decode further.", rfc4443))
	invokingLabel = "Invoking packet"
)

// ICMPv6 is an ICMPv6 message header, with the fixed fields of errors and
// echo messages.
type ICMPv6 struct {
	dissect.Span
	Type, Code uint8
	Checksum   uint16
	Fixed      uint32 // reserved, MTU, pointer, or identifier<<16|sequence
	status     uint8
	hasFixed   bool
	short      bool
	echoData   bool
	handedOff  bool // a dedicated decoder (ND, MLD) takes the whole message
	ctx        *dissect.Context
	next       gopacket.LayerType
}

// Status returns the checksum status of the last message: one of
// dissect.ChecksumGood, ChecksumBad or ChecksumUnverified.
func (m *ICMPv6) Status() uint8 { return m.status }

// NewICMPv6 returns an ICMPv6 decoder that dispatches by type through ctx.
func NewICMPv6(ctx *dissect.Context) *ICMPv6 { return &ICMPv6{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (m *ICMPv6) CanDecode() gopacket.LayerClass { return dissect.LayerICMPv6 }

// NextLayerType implements gopacket.DecodingLayer.
func (m *ICMPv6) NextLayerType() gopacket.LayerType { return m.next }

// LayerType implements gopacket.Layer.
func (m *ICMPv6) LayerType() gopacket.LayerType { return dissect.LayerICMPv6 }

// IsError reports whether t is an ICMPv6 error type (RFC 4443 §2.1).
func IsError(t uint8) bool { return t < 128 }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (m *ICMPv6) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*m = ICMPv6{ctx: m.ctx}
	if len(data) < headerLen {
		df.SetTruncated()
		return dissect.Truncated("ICMPv6 header", headerLen, len(data))
	}
	m.Type = data[typeOffset]
	m.Code = data[codeOffset]
	m.Checksum = binary.BigEndian.Uint16(data[checksumOffset:])
	m.status = m.verify(data)
	m.Contents, m.Payload = data[:headerLen], data[headerLen:]
	m.next = m.ctx.Dispatch.ICMPv6Type[m.Type]
	if m.next != 0 {
		// A dedicated decoder (ND, MLD, …) takes the whole message and
		// dissects it through Open.
		m.Payload = data
		m.handedOff = true
		return nil
	}
	switch m.Type {
	case TypeDestUnreachable, TypePacketTooBig, TypeTimeExceeded, TypeParamProblem, TypeEchoRequest, TypeEchoReply:
		if len(data) < headerLen+fixedLen {
			m.short = true
			m.next = dissect.LayerPayload
			return nil
		}
		m.hasFixed = true
		m.Fixed = binary.BigEndian.Uint32(data[fixedOffset:])
		m.Contents, m.Payload = data[:headerLen+fixedLen], data[headerLen+fixedLen:]
		if IsError(m.Type) {
			// RFC 4443 §2.4 (c): as much of the invoking packet as fits.
			m.ctx.InError = true
			m.next = dissect.LayerIPv6
			if len(m.Payload) == 0 {
				m.next = gopacket.LayerTypeZero
			}
			return nil
		}
		m.echoData = true
	}
	m.next = dissect.LayerPayload
	return nil
}

// verify checks the checksum against the pseudo-header (RFC 4443 §2.3),
// when the whole message was captured.
func (m *ICMPv6) verify(data []byte) uint8 {
	if !m.ctx.Src.Is6() || m.ctx.InError || m.ctx.Truncated {
		return dissect.ChecksumUnverified
	}
	src, dst := m.ctx.PseudoAddrs()
	sum := dissect.PseudoHeader(src, dst, protoICMPv6, len(data))
	if dissect.Fold(dissect.Sum(sum, data)) == 0 {
		return dissect.ChecksumGood
	}
	return dissect.ChecksumBad
}

// Dissect implements dissect.Layer. Messages that a dedicated decoder takes
// over are dissected by it, header included, through Open.
func (m *ICMPv6) Dissect(t *dissect.Tree) {
	if m.handedOff {
		return
	}
	off := t.At(m.Contents)
	t.Push(fICMPv6, off, len(m.Contents)+len(m.Payload))
	m.DissectHeader(t, off)
	if m.hasFixed {
		at := off + fixedOffset
		switch m.Type {
		case TypePacketTooBig:
			t.Uint(fMTU, at, fixedLen, uint64(m.Fixed))
		case TypeParamProblem:
			t.Uint(fPointer, at, fixedLen, uint64(m.Fixed))
		case TypeEchoRequest, TypeEchoReply:
			t.Uint(fEchoID, at, 2, uint64(m.Fixed>>16))
			t.Uint(fEchoSeq, at+2, 2, uint64(m.Fixed&0xffff))
		default:
			t.Bytes(fReserved, at, fixedLen, m.Contents[fixedOffset:])
		}
	}
	if m.short {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "icmpv6.short", Message: TypeName(uint64(m.Type)) + " is shorter than its 8-byte fixed part", RFC: rfc4443, Offset: off, Length: len(m.Contents), Malformed: true})
	}
	if m.next != dissect.LayerIPv6 {
		t.Pop()
		return
	}
	// The invoking packet is decoded next, nested under this message.
	t.PushLabel(invokingLabel, off+len(m.Contents), len(m.Payload))
}

// Open is how a dedicated decoder (ND, MLD) dissects the message it took
// over: it pushes the icmpv6 node over msg (the whole message, header
// included, aliasing the frame), adds type, code and checksum, and returns
// the message's offset in the frame. The caller adds its fields and Pops.
func (m *ICMPv6) Open(t *dissect.Tree, msg []byte) int {
	off := t.At(msg)
	t.Push(fICMPv6, off, len(msg))
	m.DissectHeader(t, off)
	return off
}

// DissectHeader adds type, code and checksum at off.
func (m *ICMPv6) DissectHeader(t *dissect.Tree, off int) {
	t.Uint(fType, off+typeOffset, 1, uint64(m.Type))
	t.Uint(fCode, off+codeOffset, 1, uint64(m.Code))
	t.Uint(fChecksum, off+checksumOffset, 2, uint64(m.Checksum))
	t.Uint(fCkStatus, off+checksumOffset, 0, uint64(m.status))
	if m.status == dissect.ChecksumBad {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "icmpv6.checksum_bad", Message: "ICMPv6 checksum is wrong", RFC: "RFC 4443 §2.3", Offset: off + checksumOffset, Length: 2})
	}
}

// Summarize implements dissect.Layer.
func (m *ICMPv6) Summarize(s *dissect.Summary) {
	s.Protocol = "ICMPv6"
	s.Info = s.SetInfo()
	if name := TypeName(uint64(m.Type)); name != "" {
		s.Info = append(s.Info, name...)
	} else {
		s.Info = append(s.Info, "Unknown ICMPv6 type ("...)
		s.Info = strconv.AppendUint(s.Info, uint64(m.Type), 10)
		s.Info = append(s.Info, ')')
	}
	if IsError(m.Type) {
		if name := CodeName(m.Type, m.Code); name != "" {
			s.Info = append(s.Info, " ("...)
			s.Info = append(s.Info, name...)
			s.Info = append(s.Info, ')')
		}
	}
	if m.echoData {
		s.Info = append(s.Info, " id="...)
		s.Info = dissect.AppendHex(s.Info, uint64(m.Fixed>>16), 4)
		s.Info = append(s.Info, ", seq="...)
		s.Info = strconv.AppendUint(s.Info, uint64(m.Fixed&0xffff), 10)
		s.Info = append(s.Info, ", hop limit="...)
		s.Info = strconv.AppendUint(s.Info, uint64(m.ctx.HopLimit), 10)
	}
}
