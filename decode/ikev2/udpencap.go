package ikev2

import (
	"encoding/binary"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// UDP encapsulation on port 4500 (RFC 3948 §2): what follows the UDP
// header is told apart by its first bytes.
//
//	Non-ESP Marker:  4 zero bytes (where an ESP SPI would be; SPI 0 is
//	                 reserved), then an IKE message (§2.2).
//	NAT-keepalive:   one byte, 0xFF (§2.3).
//	otherwise:       an ESP packet, SPI first (§2.1).
const (
	nonESPMarkerLen = 4
	keepaliveByte   = 0xff
)

// UDPEncap is the UDP-encapsulation shim of RFC 3948 on port 4500.
type UDPEncap struct {
	dissect.Span
	Marker    bool // Non-ESP Marker: IKE follows
	Keepalive bool // NAT-keepalive
	next      gopacket.LayerType
}

// CanDecode implements gopacket.DecodingLayer.
func (u *UDPEncap) CanDecode() gopacket.LayerClass { return dissect.LayerUDPEncap }

// NextLayerType implements gopacket.DecodingLayer.
func (u *UDPEncap) NextLayerType() gopacket.LayerType { return u.next }

// LayerType implements gopacket.Layer.
func (u *UDPEncap) LayerType() gopacket.LayerType { return dissect.LayerUDPEncap }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (u *UDPEncap) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*u = UDPEncap{}
	switch {
	case len(data) == 1 && data[0] == keepaliveByte:
		u.Keepalive = true
		u.Contents, u.Payload = data, nil
		u.next = gopacket.LayerTypeZero
	case len(data) >= nonESPMarkerLen && binary.BigEndian.Uint32(data) == 0:
		u.Marker = true
		u.Contents, u.Payload = data[:nonESPMarkerLen], data[nonESPMarkerLen:]
		u.next = dissect.LayerISAKMP
	default:
		u.Contents, u.Payload = data[:0], data
		u.next = dissect.LayerESP
	}
	return nil
}

// Dissect implements dissect.Layer.
func (u *UDPEncap) Dissect(t *dissect.Tree) {
	off := t.At(u.Contents)
	t.Push(fUDPEncap, off, len(u.Contents))
	switch {
	case u.Keepalive:
		t.Add(fKeepalive, off, 1)
	case u.Marker:
		t.Add(fNonESP, off, nonESPMarkerLen)
	}
	t.Pop()
}

// Summarize implements dissect.Layer.
func (u *UDPEncap) Summarize(s *dissect.Summary) {
	if u.Keepalive {
		s.Protocol = "UDPENCAP"
		s.Info = append(s.SetInfo(), "NAT-keepalive"...)
	}
}

// ESP header (RFC 4303 §2):
//
//	|               Security Parameters Index (SPI)                 |
//	|                      Sequence Number                          |
//	~   Payload Data, Padding, Pad Length, Next Header, ICV         ~
const (
	espSPIOff = 0
	espSeqOff = 4
	espHeader = 8
)

// ESP is an ESP packet's header; what follows is encrypted and shown as
// bytes.
type ESP struct {
	dissect.Span
	SPI       uint32
	Seq       uint32
	truncated bool
}

// CanDecode implements gopacket.DecodingLayer.
func (e *ESP) CanDecode() gopacket.LayerClass { return dissect.LayerESP }

// NextLayerType implements gopacket.DecodingLayer.
func (e *ESP) NextLayerType() gopacket.LayerType { return gopacket.LayerTypeZero }

// LayerType implements gopacket.Layer.
func (e *ESP) LayerType() gopacket.LayerType { return dissect.LayerESP }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (e *ESP) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*e = ESP{}
	if len(data) < espHeader {
		df.SetTruncated()
		e.truncated = true
		e.Contents, e.Payload = data, nil
		return nil
	}
	e.SPI = binary.BigEndian.Uint32(data[espSPIOff:])
	e.Seq = binary.BigEndian.Uint32(data[espSeqOff:])
	e.Contents, e.Payload = data, nil
	return nil
}

// Dissect implements dissect.Layer.
func (e *ESP) Dissect(t *dissect.Tree) {
	off := t.At(e.Contents)
	t.Push(fESP, off, len(e.Contents))
	if e.truncated {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "esp.truncated", Message: "ESP packet of " + strconv.Itoa(len(e.Contents)) + " bytes: SPI and Sequence Number need 8", RFC: rfcESP, Offset: off, Length: len(e.Contents), Malformed: true})
		t.Pop()
		return
	}
	t.Uint(fESPSPI, off+espSPIOff, 4, uint64(e.SPI))
	t.Uint(fESPSeq, off+espSeqOff, 4, uint64(e.Seq))
	if rest := e.Contents[espHeader:]; len(rest) > 0 {
		t.Bytes(fESPData, off+espHeader, len(rest), rest)
	}
	t.Pop()
}

// Summarize implements dissect.Layer: "ESP (SPI=0x89698374)", as tshark.
func (e *ESP) Summarize(s *dissect.Summary) {
	s.Protocol = "ESP"
	s.Info = append(s.SetInfo(), "ESP (SPI="...)
	s.Info = dissect.AppendHex(s.Info, uint64(e.SPI), 8)
	s.Info = append(s.Info, ')')
}
