package icmp

import (
	"encoding/binary"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// ICMP for IPv4 (RFC 792): the same first four bytes as ICMPv6, a second
// word whose meaning depends on the type, and for errors the invoking
// datagram's header and first eight data bytes.
const (
	v4TypeEchoReply   = 0
	v4TypeUnreachable = 3
	v4TypeRedirect    = 5
	v4TypeEcho        = 8
	v4TypeTimeExceed  = 11
	v4TypeParamProb   = 12
)

var v4TypeNames = map[uint64]string{
	0: "Echo (ping) reply", 3: "Destination unreachable", 4: "Source quench", 5: "Redirect",
	8: "Echo (ping) request", 9: "Router advertisement", 10: "Router solicitation",
	11: "Time-to-live exceeded", 12: "Parameter problem", 13: "Timestamp request", 14: "Timestamp reply",
}

// V4TypeName names an ICMP (IPv4) type.
func V4TypeName(v uint64) string { return v4TypeNames[v] }

const rfc792 = "RFC 792"

var (
	fICMP         = fields.Add(dissect.Proto("icmp", "Internet Control Message Protocol", "ICMP for IPv4: errors and echo.", rfc792))
	fV4Type       = fields.Add(&dissect.FieldInfo{Name: "icmp.type", Title: "Type", Kind: dissect.Uint, Values: V4TypeName, Explain: "The message type.", RFC: rfc792})
	fV4Code       = fields.Add(dissect.Dec("icmp.code", "Code", "Refines the type.", rfc792))
	fV4Checksum   = fields.Add(dissect.Hex("icmp.checksum", "Checksum", 16, "Ones'-complement checksum of the ICMP message.", rfc792))
	fV4CkStatus   = fields.Add(&dissect.FieldInfo{Name: "icmp.checksum.status", Title: "Checksum Status", Kind: dissect.Uint, Values: dissect.ChecksumStatusNames, Explain: "1 good, 0 bad, 2 not verified.", RFC: rfc792})
	fV4Ident      = fields.Add(dissect.Dec("icmp.ident", "Identifier", "Matches echo replies to requests.", rfc792))
	fV4Seq        = fields.Add(dissect.Dec("icmp.seq", "Sequence Number", "Counts the echo requests of one identifier.", rfc792))
	fV4Unused     = fields.Add(dissect.Of("icmp.unused", "Unused", dissect.Bytes, "Unused second word of an error message.", rfc792))
	fV4ICMPv6Data = fields.Add(dissect.Of("icmp.data", "Data", dissect.Bytes, "Message data.", rfc792))
)

// ICMPv4 is an ICMP (IPv4) message header.
type ICMPv4 struct {
	dissect.Span
	Type, Code uint8
	Checksum   uint16
	Rest       uint32
	status     uint8
	hasRest    bool
	ctx        *dissect.Context
	next       gopacket.LayerType
}

// NewICMPv4 returns an ICMP (IPv4) decoder.
func NewICMPv4(ctx *dissect.Context) *ICMPv4 { return &ICMPv4{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (m *ICMPv4) CanDecode() gopacket.LayerClass { return dissect.LayerICMPv4 }

// NextLayerType implements gopacket.DecodingLayer.
func (m *ICMPv4) NextLayerType() gopacket.LayerType { return m.next }

// LayerType implements gopacket.Layer.
func (m *ICMPv4) LayerType() gopacket.LayerType { return dissect.LayerICMPv4 }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (m *ICMPv4) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*m = ICMPv4{ctx: m.ctx}
	if len(data) < headerLen {
		df.SetTruncated()
		return dissect.Truncated("ICMP header", headerLen, len(data))
	}
	m.Type = data[typeOffset]
	m.Code = data[codeOffset]
	m.Checksum = binary.BigEndian.Uint16(data[checksumOffset:])
	m.status = dissect.ChecksumUnverified
	if !m.ctx.InError && !m.ctx.Truncated {
		m.status = dissect.ChecksumBad
		if dissect.Fold(dissect.Sum(0, data)) == 0 {
			m.status = dissect.ChecksumGood
		}
	}
	m.Contents, m.Payload = data[:headerLen], data[headerLen:]
	m.next = dissect.LayerPayload
	if len(data) >= headerLen+fixedLen {
		m.hasRest = true
		m.Rest = binary.BigEndian.Uint32(data[fixedOffset:])
		m.Contents, m.Payload = data[:headerLen+fixedLen], data[headerLen+fixedLen:]
		switch m.Type {
		case v4TypeUnreachable, v4TypeRedirect, v4TypeTimeExceed, v4TypeParamProb:
			m.ctx.InError = true
			m.next = dissect.LayerIPv4
		}
	}
	if len(m.Payload) == 0 {
		m.next = gopacket.LayerTypeZero
	}
	return nil
}

// Dissect implements dissect.Layer.
func (m *ICMPv4) Dissect(t *dissect.Tree) {
	off := t.At(m.Contents)
	t.Push(fICMP, off, len(m.Contents)+len(m.Payload))
	t.Uint(fV4Type, off+typeOffset, 1, uint64(m.Type))
	t.Uint(fV4Code, off+codeOffset, 1, uint64(m.Code))
	t.Uint(fV4Checksum, off+checksumOffset, 2, uint64(m.Checksum))
	t.Uint(fV4CkStatus, off+checksumOffset, 0, uint64(m.status))
	if m.hasRest {
		switch m.Type {
		case v4TypeEcho, v4TypeEchoReply:
			t.Uint(fV4Ident, off+fixedOffset, 2, uint64(m.Rest>>16))
			t.Uint(fV4Seq, off+fixedOffset+2, 2, uint64(m.Rest&0xffff))
		default:
			t.Bytes(fV4Unused, off+fixedOffset, fixedLen, m.Contents[fixedOffset:])
		}
	}
	if m.status == dissect.ChecksumBad {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "icmp.checksum_bad", Message: "ICMP checksum is wrong", RFC: rfc792, Offset: off + checksumOffset, Length: 2})
	}
	if m.next == dissect.LayerIPv4 {
		t.PushLabel(invokingLabel, off+len(m.Contents), len(m.Payload))
		return
	}
	t.Pop()
}

// Summarize implements dissect.Layer.
func (m *ICMPv4) Summarize(s *dissect.Summary) {
	s.Protocol = "ICMP"
	s.Info = s.SetInfo()
	if name := V4TypeName(uint64(m.Type)); name != "" {
		s.Info = append(s.Info, name...)
	} else {
		s.Info = append(s.Info, "Unknown ICMP type ("...)
		s.Info = strconv.AppendUint(s.Info, uint64(m.Type), 10)
		s.Info = append(s.Info, ')')
	}
	if m.Type == v4TypeEcho || m.Type == v4TypeEchoReply {
		s.Info = append(s.Info, " id="...)
		s.Info = dissect.AppendHex(s.Info, uint64(m.Rest>>16), 4)
		s.Info = append(s.Info, ", seq="...)
		s.Info = strconv.AppendUint(s.Info, uint64(m.Rest&0xffff), 10)
		s.Info = append(s.Info, ", ttl="...)
		s.Info = strconv.AppendUint(s.Info, uint64(m.ctx.HopLimit), 10)
	}
}
