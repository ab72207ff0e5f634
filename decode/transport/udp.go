package transport

import (
	"encoding/binary"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// UDP header (RFC 768):
//
//	+--------+--------+--------+--------+
//	|  Source Port    |  Dest. Port     |
//	+--------+--------+--------+--------+
//	|     Length      |    Checksum     |
//	+--------+--------+--------+--------+
const (
	udpSrcOffset      = 0
	udpDstOffset      = 2
	udpLenOffset      = 4
	udpChecksumOffset = 6
	udpHeaderLen      = 8
	protoUDP          = 17
)

const rfc768 = "RFC 768"

var (
	fUDP         = fields.Add(dissect.Proto("udp", "User Datagram Protocol", "UDP: ports and a length around a datagram; Teredo, IKEv2 and DNS ride on it.", rfc768))
	fUDPSrcPort  = fields.Add(dissect.Dec("udp.srcport", "Source Port", "The sender's port.", rfc768))
	fUDPDstPort  = fields.Add(dissect.Dec("udp.dstport", "Destination Port", "The receiver's port: it usually names the protocol (3544 Teredo, 500/4500 IKE).", rfc768))
	fUDPPort     = fields.Add(dissect.Dec("udp.port", "Source or Destination Port", "Matches either port.", rfc768))
	fUDPLength   = fields.Add(dissect.Dec("udp.length", "Length", "Bytes in the datagram, header included.", rfc768))
	fUDPChecksum = fields.Add(dissect.Hex("udp.checksum", "Checksum", 16, "Ones'-complement checksum over a pseudo-header, the header and the data; mandatory over IPv6.", "RFC 8200 §8.1"))
	fUDPCkStatus = fields.Add(&dissect.FieldInfo{Name: "udp.checksum.status", Title: "Checksum Status", Kind: dissect.Uint, Values: dissect.ChecksumStatusNames, Explain: "0 bad, 1 good, 2 not verified. Like Wireshark by default, the field says 2; a checksum v6scope finds wrong still gets an expert note.", RFC: "RFC 8200 §8.1"})
	fUDPPayload  = fields.Add(dissect.Of("udp.payload", "UDP payload", dissect.Bytes, "The datagram's data.", rfc768))
)

// UDP is a UDP header.
type UDP struct {
	dissect.Span
	SrcPort, DstPort uint16
	Length           uint16
	Checksum         uint16
	status           uint8
	// pseudo and summed hold what verify needs: the checksum is computed
	// only when the tree or ChecksumStatus asks (the fast path never does).
	pseudo     uint32
	summed     []byte
	badLength  bool
	longLength bool // Length runs past the IP payload, which was captured whole
	ctx        *dissect.Context
	next       gopacket.LayerType
}

// NewUDP returns a UDP decoder that dispatches by port through ctx.
func NewUDP(ctx *dissect.Context) *UDP { return &UDP{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (u *UDP) CanDecode() gopacket.LayerClass { return dissect.LayerUDP }

// NextLayerType implements gopacket.DecodingLayer.
func (u *UDP) NextLayerType() gopacket.LayerType { return u.next }

// LayerType implements gopacket.Layer.
func (u *UDP) LayerType() gopacket.LayerType { return dissect.LayerUDP }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (u *UDP) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*u = UDP{ctx: u.ctx}
	if len(data) < udpHeaderLen {
		df.SetTruncated()
		return dissect.Truncated("UDP header", udpHeaderLen, len(data))
	}
	u.SrcPort = binary.BigEndian.Uint16(data[udpSrcOffset:])
	u.DstPort = binary.BigEndian.Uint16(data[udpDstOffset:])
	u.Length = binary.BigEndian.Uint16(data[udpLenOffset:])
	u.Checksum = binary.BigEndian.Uint16(data[udpChecksumOffset:])
	end := int(u.Length)
	switch {
	case end < udpHeaderLen:
		// A Length of 0 is legal only for IPv6 jumbograms (RFC 2675 §4);
		// nothing after such a header can be trusted.
		u.badLength = true
		u.Contents, u.Payload = data[:udpHeaderLen], nil
		u.next = gopacket.LayerTypeZero
		return nil
	case end > len(data):
		// RFC 768: Length counts the header and the data. More than the IP
		// payload holds is malformed, unless the capture cut the packet
		// short (or it is the invoking packet an ICMP error quotes).
		u.longLength = !u.ctx.Truncated && !u.ctx.InError
		df.SetTruncated()
		end = len(data)
	}
	u.Contents, u.Payload = data[:udpHeaderLen], data[udpHeaderLen:end]
	u.status = dissect.ChecksumUnverified
	if end == int(u.Length) && u.ctx.Src.IsValid() && !u.ctx.InError && (u.Checksum != 0 || !u.ctx.Src.Is4()) {
		// RFC 768: a zero checksum over IPv4 means the sender computed none.
		src, dst := u.ctx.PseudoAddrs()
		u.pseudo = dissect.PseudoHeader(src, dst, protoUDP, end)
		u.summed = data[:end]
	}
	u.next = u.ctx.Dispatch.UDPNext(u.SrcPort, u.DstPort, u.Payload, int(u.Length)-udpHeaderLen)
	return nil
}

// Dissect implements dissect.Layer.
func (u *UDP) Dissect(t *dissect.Tree) {
	off := t.At(u.Contents)
	t.Push(fUDP, off, udpHeaderLen)
	t.Uint(fUDPSrcPort, off+udpSrcOffset, 2, uint64(u.SrcPort))
	t.Uint(fUDPDstPort, off+udpDstOffset, 2, uint64(u.DstPort))
	t.Uint(fUDPPort, off+udpSrcOffset, 2, uint64(u.SrcPort)).Hidden = true
	t.Uint(fUDPPort, off+udpDstOffset, 2, uint64(u.DstPort)).Hidden = true
	t.Uint(fUDPLength, off+udpLenOffset, 2, uint64(u.Length))
	if u.badLength {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "udp.length.bad", Message: "UDP Length " + strconv.Itoa(int(u.Length)) + " is shorter than the 8-byte header", RFC: rfc768, Offset: off + udpLenOffset, Length: 2, Malformed: true})
		t.Pop()
		return
	}
	if u.longLength {
		// As Wireshark's "Bad length value N > IP payload length": an
		// expert error, not a malformed-packet exception.
		t.Note(dissect.Note{Severity: dissect.Error, Code: "udp.length.bad", Message: "UDP Length " + strconv.Itoa(int(u.Length)) + " is more than the " + strconv.Itoa(udpHeaderLen+len(u.Payload)) + " bytes the IP payload holds", RFC: rfc768, Offset: off + udpLenOffset, Length: 2})
	}
	t.Uint(fUDPChecksum, off+udpChecksumOffset, 2, uint64(u.Checksum))
	t.Uint(fUDPCkStatus, off+udpChecksumOffset, 0, dissect.ChecksumUnverified)
	if len(u.Payload) > 0 {
		t.Bytes(fUDPPayload, off+udpHeaderLen, len(u.Payload), u.Payload)
	}
	if u.verify() == dissect.ChecksumBad {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "udp.checksum.bad", Message: "UDP checksum is wrong", RFC: "RFC 8200 §8.1", Offset: off + udpChecksumOffset, Length: 2})
	}
	if u.Checksum == 0 && u.ctx.Src.Is6() && !u.ctx.InError {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "udp.checksum.zero", Message: "UDP checksum is zero, which IPv6 does not allow", RFC: "RFC 8200 §8.1", Offset: off + udpChecksumOffset, Length: 2})
	}
	t.Pop()
}

// Summarize implements dissect.Layer.
func (u *UDP) Summarize(s *dissect.Summary) {
	s.Protocol = "UDP"
	s.Info = strconv.AppendUint(s.SetInfo(), uint64(u.SrcPort), 10)
	s.Info = append(s.Info, " → "...)
	s.Info = strconv.AppendUint(s.Info, uint64(u.DstPort), 10)
	s.Info = append(s.Info, " Len="...)
	s.Info = strconv.AppendUint(s.Info, uint64(len(u.Payload)), 10)
}

// ChecksumStatus reports whether the checksum was verified good, bad, or
// could not be verified (dissect.Checksum* values).
func (u *UDP) ChecksumStatus() uint8 { return u.verify() }

// verify computes the checksum once, over the pseudo-header DecodeFromBytes
// recorded (RFC 8200 §8.1, RFC 768).
func (u *UDP) verify() uint8 {
	if u.summed != nil {
		if dissect.Fold(dissect.Sum(u.pseudo, u.summed)) == 0 {
			u.status = dissect.ChecksumGood
		} else {
			u.status = dissect.ChecksumBad
		}
		u.summed = nil
	}
	return u.status
}
