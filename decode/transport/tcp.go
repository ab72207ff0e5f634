package transport

import (
	"encoding/binary"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// TCP header (RFC 9293 §3.1):
//
//	|          Source Port          |       Destination Port        |
//	|                        Sequence Number                        |
//	|                    Acknowledgment Number                      |
//	|  Data |       |C|E|U|A|P|R|S|F|                               |
//	| Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
//	|           Checksum            |         Urgent Pointer        |
//	|                           [Options]                           |
const (
	tcpSrcOffset      = 0
	tcpDstOffset      = 2
	tcpSeqOffset      = 4
	tcpAckOffset      = 8
	tcpOffOffset      = 12
	tcpWindowOffset   = 14
	tcpChecksumOffset = 16
	tcpUrgentOffset   = 18
	tcpMinHeaderLen   = 20
	tcpFlagsMask      = 0x0fff
)

// TCP flag bits, in the low 12 bits of bytes 12-13.
const (
	tcpFIN = 1 << iota
	tcpSYN
	tcpRST
	tcpPSH
	tcpACK
	tcpURG
	tcpECE
	tcpCWR
	tcpAE
)

const rfc9293 = "RFC 9293 §3.1"

var (
	fTCP         = fields.Add(dissect.Proto("tcp", "Transmission Control Protocol", "The TCP header (v6scope decodes the header only; streams are not reassembled).", rfc9293))
	fTCPSrcPort  = fields.Add(dissect.Dec("tcp.srcport", "Source Port", "The sender's port.", rfc9293))
	fTCPDstPort  = fields.Add(dissect.Dec("tcp.dstport", "Destination Port", "The receiver's port.", rfc9293))
	fTCPPort     = fields.Add(dissect.Dec("tcp.port", "Source or Destination Port", "Matches either port.", rfc9293))
	fTCPSeqRaw   = fields.Add(dissect.Dec("tcp.seq_raw", "Sequence Number (raw)", "Sequence number of the first data byte, as on the wire.", rfc9293))
	fTCPAckRaw   = fields.Add(dissect.Dec("tcp.ack_raw", "Acknowledgment number (raw)", "Next sequence number the sender expects, as on the wire.", rfc9293))
	fTCPHdrLen   = fields.Add(dissect.Dec("tcp.hdr_len", "Header Length", "Header length in bytes (Data Offset × 4).", rfc9293))
	fTCPFlags    = fields.Add(dissect.Hex("tcp.flags", "Flags", 16, "The control bits.", rfc9293))
	fTCPFlagCWR  = fields.Add(dissect.Flag("tcp.flags.cwr", "Congestion Window Reduced", "The sender reduced its congestion window (ECN).", "RFC 3168 §6.1"))
	fTCPFlagECE  = fields.Add(dissect.Flag("tcp.flags.ece", "ECN-Echo", "ECN echo.", "RFC 3168 §6.1"))
	fTCPFlagURG  = fields.Add(dissect.Flag("tcp.flags.urg", "Urgent", "The Urgent Pointer is significant.", rfc9293))
	fTCPFlagACK  = fields.Add(dissect.Flag("tcp.flags.ack", "Acknowledgment", "The Acknowledgment Number is significant.", rfc9293))
	fTCPFlagPSH  = fields.Add(dissect.Flag("tcp.flags.push", "Push", "Deliver the data without waiting.", rfc9293))
	fTCPFlagRST  = fields.Add(dissect.Flag("tcp.flags.reset", "Reset", "Abort the connection.", rfc9293))
	fTCPFlagSYN  = fields.Add(dissect.Flag("tcp.flags.syn", "Syn", "Synchronize sequence numbers: opens a connection.", rfc9293))
	fTCPFlagFIN  = fields.Add(dissect.Flag("tcp.flags.fin", "Fin", "No more data from the sender.", rfc9293))
	fTCPWindow   = fields.Add(dissect.Dec("tcp.window_size_value", "Window", "Receive window, before any window scaling.", rfc9293))
	fTCPChecksum = fields.Add(dissect.Hex("tcp.checksum", "Checksum", 16, "Checksum over a pseudo-header, the header and the data.", rfc9293))
	fTCPUrgent   = fields.Add(dissect.Dec("tcp.urgent_pointer", "Urgent Pointer", "Offset of the end of urgent data.", rfc9293))
	fTCPOptions  = fields.Add(dissect.Of("tcp.options", "Options", dissect.Bytes, "TCP options, not decoded.", rfc9293))
	fTCPLen      = fields.Add(dissect.Dec("tcp.len", "TCP Segment Len", "Bytes of data in this segment.", rfc9293))
	fTCPPayload  = fields.Add(dissect.Of("tcp.payload", "TCP payload", dissect.Bytes, "The segment's data.", rfc9293))
)

// TCP is a TCP header.
type TCP struct {
	dissect.Span
	SrcPort, DstPort uint16
	Seq, Ack         uint32
	DataOffset       uint8
	Flags            uint16
	Window           uint16
	Checksum         uint16
	Urgent           uint16
	Options          []byte
}

// CanDecode implements gopacket.DecodingLayer.
func (c *TCP) CanDecode() gopacket.LayerClass { return dissect.LayerTCP }

// NextLayerType implements gopacket.DecodingLayer. TCP payloads are shown
// as data: none of v6scope's protocols runs over TCP.
func (c *TCP) NextLayerType() gopacket.LayerType { return gopacket.LayerTypeZero }

// LayerType implements gopacket.Layer.
func (c *TCP) LayerType() gopacket.LayerType { return dissect.LayerTCP }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (c *TCP) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*c = TCP{}
	if len(data) < tcpMinHeaderLen {
		df.SetTruncated()
		return dissect.Truncated("TCP header", tcpMinHeaderLen, len(data))
	}
	c.SrcPort = binary.BigEndian.Uint16(data[tcpSrcOffset:])
	c.DstPort = binary.BigEndian.Uint16(data[tcpDstOffset:])
	c.Seq = binary.BigEndian.Uint32(data[tcpSeqOffset:])
	c.Ack = binary.BigEndian.Uint32(data[tcpAckOffset:])
	c.DataOffset = data[tcpOffOffset] >> 4
	c.Flags = binary.BigEndian.Uint16(data[tcpOffOffset:]) & tcpFlagsMask
	c.Window = binary.BigEndian.Uint16(data[tcpWindowOffset:])
	c.Checksum = binary.BigEndian.Uint16(data[tcpChecksumOffset:])
	c.Urgent = binary.BigEndian.Uint16(data[tcpUrgentOffset:])
	hlen := int(c.DataOffset) * 4
	if hlen < tcpMinHeaderLen {
		return dissect.Malformed("TCP Data Offset %d is below the minimum of 5", c.DataOffset)
	}
	if hlen > len(data) {
		df.SetTruncated()
		return dissect.Truncated("TCP header with options", hlen, len(data))
	}
	c.Options = data[tcpMinHeaderLen:hlen]
	c.Contents, c.Payload = data[:hlen], data[hlen:]
	return nil
}

// Dissect implements dissect.Layer.
func (c *TCP) Dissect(t *dissect.Tree) {
	off := t.At(c.Contents)
	t.Push(fTCP, off, len(c.Contents))
	t.Uint(fTCPSrcPort, off+tcpSrcOffset, 2, uint64(c.SrcPort))
	t.Uint(fTCPDstPort, off+tcpDstOffset, 2, uint64(c.DstPort))
	t.Uint(fTCPPort, off+tcpSrcOffset, 2, uint64(c.SrcPort)).Hidden = true
	t.Uint(fTCPPort, off+tcpDstOffset, 2, uint64(c.DstPort)).Hidden = true
	t.Uint(fTCPLen, off, 0, uint64(len(c.Payload)))
	t.Uint(fTCPSeqRaw, off+tcpSeqOffset, 4, uint64(c.Seq))
	t.Uint(fTCPAckRaw, off+tcpAckOffset, 4, uint64(c.Ack))
	t.Uint(fTCPHdrLen, off+tcpOffOffset, 1, uint64(len(c.Contents)))
	t.Uint(fTCPFlags, off+tcpOffOffset, 2, uint64(c.Flags))
	for _, f := range []struct {
		info *dissect.FieldInfo
		bit  uint16
	}{{fTCPFlagCWR, tcpCWR}, {fTCPFlagECE, tcpECE}, {fTCPFlagURG, tcpURG}, {fTCPFlagACK, tcpACK}, {fTCPFlagPSH, tcpPSH}, {fTCPFlagRST, tcpRST}, {fTCPFlagSYN, tcpSYN}, {fTCPFlagFIN, tcpFIN}} {
		v := uint64(0)
		if c.Flags&f.bit != 0 {
			v = 1
		}
		t.Uint(f.info, off+tcpOffOffset, 2, v)
	}
	t.Uint(fTCPWindow, off+tcpWindowOffset, 2, uint64(c.Window))
	t.Uint(fTCPChecksum, off+tcpChecksumOffset, 2, uint64(c.Checksum))
	t.Uint(fTCPUrgent, off+tcpUrgentOffset, 2, uint64(c.Urgent))
	if len(c.Options) > 0 {
		t.Bytes(fTCPOptions, off+tcpMinHeaderLen, len(c.Options), c.Options)
	}
	if len(c.Payload) > 0 {
		t.Bytes(fTCPPayload, off+len(c.Contents), len(c.Payload), c.Payload)
	}
	t.Pop()
}

var tcpFlagNames = [...]struct {
	bit  uint16
	name string
}{{tcpFIN, "FIN"}, {tcpSYN, "SYN"}, {tcpRST, "RST"}, {tcpPSH, "PSH"}, {tcpACK, "ACK"}, {tcpURG, "URG"}, {tcpECE, "ECE"}, {tcpCWR, "CWR"}}

// Summarize implements dissect.Layer.
func (c *TCP) Summarize(s *dissect.Summary) {
	s.Protocol = "TCP"
	s.Info = strconv.AppendUint(s.SetInfo(), uint64(c.SrcPort), 10)
	s.Info = append(s.Info, " → "...)
	s.Info = strconv.AppendUint(s.Info, uint64(c.DstPort), 10)
	s.Info = append(s.Info, " ["...)
	first := true
	for _, f := range tcpFlagNames {
		if c.Flags&f.bit != 0 {
			if !first {
				s.Info = append(s.Info, ", "...)
			}
			s.Info = append(s.Info, f.name...)
			first = false
		}
	}
	s.Info = append(s.Info, "] Seq="...)
	s.Info = strconv.AppendUint(s.Info, uint64(c.Seq), 10)
	if c.Flags&tcpACK != 0 {
		s.Info = append(s.Info, " Ack="...)
		s.Info = strconv.AppendUint(s.Info, uint64(c.Ack), 10)
	}
	s.Info = append(s.Info, " Win="...)
	s.Info = strconv.AppendUint(s.Info, uint64(c.Window), 10)
	s.Info = append(s.Info, " Len="...)
	s.Info = strconv.AppendUint(s.Info, uint64(len(c.Payload)), 10)
}
