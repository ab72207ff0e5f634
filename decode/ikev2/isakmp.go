package ikev2

import (
	"encoding/binary"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/transport"
)

// Port is IKE's UDP port (RFC 7296 §2); NATPort the port IKE and ESP
// share once a NAT is detected (RFC 7296 §2.23, RFC 3948 §2).
const (
	Port    = 500
	NATPort = 4500
)

// IKE header (RFC 7296 §3.1):
//
//	                     1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       IKE SA Initiator's SPI                  |
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       IKE SA Responder's SPI                  |
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                          Message ID                           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                            Length                             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Generic payload header (RFC 7296 §3.2):
//
//	|  Next Payload |C|  RESERVED   |         Payload Length        |
const (
	ispiOff     = 0
	rspiOff     = 8
	spiLen      = 8
	nextOff     = 16
	versionOff  = 17
	exchangeOff = 18
	flagsOff    = 19
	msgIDOff    = 20
	lengthOff   = 24
	HeaderLen   = 28

	genNextOff  = 0
	genFlagsOff = 1
	genLenOff   = 2
	genericLen  = 4
	criticalBit = 0x80

	flagInitiator = 0x08 // I (RFC 7296 §3.1)
	flagVersion   = 0x10 // V
	flagResponse  = 0x20 // R
	flagV1Encrypt = 0x01 // IKEv1 E (RFC 2408 §3.1)
	flagV1Commit  = 0x02 // IKEv1 C
	flagV1Auth    = 0x04 // IKEv1 A

	// maxPayloads bounds the chain walked in one message (clear and
	// decrypted together): a 64 KiB message of empty payloads would have
	// 16383 of them.
	maxPayloads = 512
)

// Problems found while walking a payload chain.
const (
	probNone     uint8 = iota
	probShortHdr       // fewer than 4 bytes left for a generic header
	probBadLen         // Payload Length below 4
	probOverrun        // Payload Length runs past the message
	probCritical       // unknown type with the critical bit set
)

// Payload is one payload of a message's chain (RFC 7296 §3.2), in the
// clear or, once decrypted, from inside an Encrypted payload.
type Payload struct {
	Type     uint8  // this payload's type (named by the previous Next Payload)
	Next     uint8  // the Next Payload field
	Flags    uint8  // critical bit and reserved bits
	Length   int    // Payload Length as sent
	Data     []byte // the payload, generic header included, cut to what is there
	Inner    bool   // found inside an Encrypted (SK or SKF) payload
	rel      int    // offset of Data within the message, or the anchor when !mapped
	mapped   bool   // Data's bytes stand at rel in the frame's message
	problem  uint8
	reserved bool // IKEv1 payload: only the generic header is shown
}

// Critical reports the critical bit (RFC 7296 §2.5).
func (p *Payload) Critical() bool { return p.Flags&criticalBit != 0 }

// Body returns the payload after its generic header.
func (p *Payload) Body() []byte {
	if len(p.Data) < genericLen {
		return nil
	}
	return p.Data[genericLen:]
}

// ISAKMP is one IKE message: the header and its payload chain, with the
// encrypted payloads decrypted when the key table has the IKE SA's keys.
type ISAKMP struct {
	dissect.Span
	ISPI, RSPI  [8]byte
	NextPayload uint8
	Version     uint8
	Exchange    uint8
	Flags       uint8
	MessageID   uint32
	Length      uint32
	Payloads    []Payload

	msg       []byte // the message as far as Length and the capture allow
	truncated bool   // fewer than 28 bytes, or Length beyond the datagram
	bogus     bool   // Length beyond the datagram, which was captured whole
	short     bool   // Length below the 28-byte header
	extra     []byte // bytes after Length within the datagram
	trailing  []byte // bytes within Length after the last payload
	tooMany   bool
	endsEarly bool  // the chain names a payload after the last byte
	endsNext  uint8 // the type it names
	afterSK   bool  // payloads named after an Encrypted payload, which must be last

	enc   encState
	keys  *KeyTable
	reasm *reassembler
	plain []byte // decrypted payloads (reused)
	frame int
	names *nameCache
	ctx   *dissect.Context
	udp   *transport.UDP
	next  gopacket.LayerType
}

// New returns an ISAKMP decoder.
// udp is the decoder's UDP layer, whose Length tells a capture cut short
// from a bogus ISAKMP Length.
func New(ctx *dissect.Context, udp *transport.UDP) *ISAKMP {
	return &ISAKMP{ctx: ctx, udp: udp, reasm: newReassembler(), names: &nameCache{}}
}

// reportedLen returns how many bytes of message the datagram held on the
// wire, captured or not: the UDP Length less the header and anything
// before data (the Non-ESP Marker).
func (m *ISAKMP) reportedLen(data []byte) int {
	if m.udp == nil || len(m.udp.Payload) < len(data) {
		return len(data)
	}
	return int(m.udp.Length) - 8 - (len(m.udp.Payload) - len(data))
}

// SetKeys gives the decoder a key table; nil turns decryption off. The
// fragments held for reassembly are dropped.
func (m *ISAKMP) SetKeys(k *KeyTable) {
	m.keys = k
	m.reasm = newReassembler()
}

// Keys returns the key table in use, or nil.
func (m *ISAKMP) Keys() *KeyTable { return m.keys }

// CanDecode implements gopacket.DecodingLayer.
func (m *ISAKMP) CanDecode() gopacket.LayerClass { return dissect.LayerISAKMP }

// NextLayerType implements gopacket.DecodingLayer.
func (m *ISAKMP) NextLayerType() gopacket.LayerType { return m.next }

// LayerType implements gopacket.Layer.
func (m *ISAKMP) LayerType() gopacket.LayerType { return dissect.LayerISAKMP }

// MajorVersion returns the major version: 2 for IKEv2, 1 for IKEv1.
func (m *ISAKMP) MajorVersion() uint8 { return m.Version >> 4 }

// Initiator reports the I flag: the original initiator sent the message.
func (m *ISAKMP) Initiator() bool { return m.Flags&flagInitiator != 0 }

// Response reports the R flag.
func (m *ISAKMP) Response() bool { return m.Flags&flagResponse != 0 }

// Decrypted reports whether an Encrypted payload passed its integrity
// check and was decrypted.
func (m *ISAKMP) Decrypted() bool { return m.enc.status == encOK }

// IntegrityFailed reports whether an Encrypted payload's checksum did not
// match with the key table's keys.
func (m *ISAKMP) IntegrityFailed() bool { return m.enc.status == encIntegrity }

// DecodeFromBytes implements gopacket.DecodingLayer: the header, then the
// payload chain (RFC 7296 §3.2), then, with a key, the payloads inside an
// Encrypted or Encrypted Fragment payload.
func (m *ISAKMP) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*m = ISAKMP{ctx: m.ctx, udp: m.udp, names: m.names, keys: m.keys, reasm: m.reasm, plain: m.plain[:0], Payloads: m.Payloads[:0], enc: encState{frames: m.enc.frames[:0]}}
	if m.ctx != nil {
		m.frame = m.ctx.Frame
	}
	m.next = gopacket.LayerTypeZero
	if len(data) < HeaderLen {
		df.SetTruncated()
		m.truncated = true
		m.Contents, m.Payload, m.msg = data, nil, data
		return nil
	}
	copy(m.ISPI[:], data[ispiOff:])
	copy(m.RSPI[:], data[rspiOff:])
	m.NextPayload = data[nextOff]
	m.Version = data[versionOff]
	m.Exchange = data[exchangeOff]
	m.Flags = data[flagsOff]
	m.MessageID = binary.BigEndian.Uint32(data[msgIDOff:])
	m.Length = binary.BigEndian.Uint32(data[lengthOff:])
	end := len(data)
	switch {
	case m.Length < HeaderLen:
		m.short = true
	case int64(m.Length) > int64(len(data)):
		// More than the datagram holds: when the capture cut the packet
		// short, decode what is there; otherwise the Length is bogus and,
		// as in tshark, the payloads are not walked.
		m.truncated = true
		m.bogus = int64(m.Length) > int64(m.reportedLen(data)) || data[versionOff]>>4 == 1
		df.SetTruncated()
	default:
		end = int(m.Length)
		m.extra = data[end:]
	}
	m.msg = data[:end]
	m.Contents, m.Payload = m.msg, nil
	if m.short || m.bogus {
		return nil
	}
	switch m.MajorVersion() {
	case 2:
		m.walk(m.msg[HeaderLen:], HeaderLen, m.NextPayload, false, true)
	case 1:
		if m.Flags&flagV1Encrypt == 0 {
			m.walk(m.msg[HeaderLen:], HeaderLen, m.NextPayload, false, true)
		}
	}
	return nil
}

// walk appends the payloads of a chain to m.Payloads: data holds the
// chain, which starts at offset base of the message (or of the
// reassembled plaintext when !mapped), first is the type of its first
// payload. It stops at Next Payload 0, at a malformed generic header, or
// at an Encrypted payload (which must be the last, RFC 7296 §3.14).
func (m *ISAKMP) walk(data []byte, base int, first uint8, inner, mapped bool) {
	v1 := m.MajorVersion() == 1
	next, pos := first, 0
	for next != PayloadNone {
		if len(m.Payloads) >= maxPayloads {
			m.tooMany = true
			return
		}
		p := Payload{Type: next, Inner: inner, rel: base + pos, mapped: mapped, reserved: v1}
		if !mapped {
			p.rel = base
		}
		if pos == len(data) {
			m.endsEarly, m.endsNext = true, next
			return
		}
		if len(data)-pos < genericLen {
			p.problem, p.Data = probShortHdr, data[pos:]
			m.Payloads = append(m.Payloads, p)
			return
		}
		p.Next, p.Flags = data[pos+genNextOff], data[pos+genFlagsOff]
		p.Length = int(binary.BigEndian.Uint16(data[pos+genLenOff:]))
		switch {
		case p.Length < genericLen:
			p.problem, p.Data = probBadLen, data[pos:pos+genericLen]
			m.Payloads = append(m.Payloads, p)
			return
		case p.Length > len(data)-pos:
			p.problem, p.Data = probOverrun, data[pos:]
			m.Payloads = append(m.Payloads, p)
			return
		}
		p.Data = data[pos : pos+p.Length]
		if !v1 && p.Critical() && payloadNames[uint64(next)] == "" {
			p.problem = probCritical
		}
		m.Payloads = append(m.Payloads, p)
		pos += p.Length
		if !v1 && !inner && (next == PayloadSK || next == PayloadSKF) {
			if pos < len(data) {
				m.afterSK = true
				m.trailing = data[pos:]
			}
			m.decrypt(len(m.Payloads) - 1)
			return
		}
		next = p.Next
	}
	if pos < len(data) && !inner {
		m.trailing = data[pos:]
	}
}

// Summarize implements dissect.Layer, with tshark's Info text:
// "IKE_AUTH MID=01 Initiator Request (fragment 1/2)".
func (m *ISAKMP) Summarize(s *dissect.Summary) {
	s.Protocol = "ISAKMP"
	s.Info = s.SetInfo()
	if len(m.msg) < HeaderLen {
		s.Info = append(s.Info, "ISAKMP (truncated)"...)
		return
	}
	if m.MajorVersion() != 2 {
		if n := exchangeNamesV1[uint64(m.Exchange)]; n != "" && m.MajorVersion() == 1 {
			s.Info = append(s.Info, n...)
		} else {
			s.Info = append(s.Info, "Exchange "...)
			s.Info = strconv.AppendUint(s.Info, uint64(m.Exchange), 10)
		}
		if m.MajorVersion() == 1 {
			s.Info = append(s.Info, " (IKEv1)"...)
		} else {
			s.Info = append(s.Info, " (unknown version "...)
			s.Info = dissect.AppendHex(s.Info, uint64(m.Version), 2)
			s.Info = append(s.Info, ')')
		}
		return
	}
	if n := exchangeNames[uint64(m.Exchange)]; n != "" {
		s.Info = append(s.Info, n...)
	} else {
		s.Info = append(s.Info, "Unknown("...)
		s.Info = strconv.AppendUint(s.Info, uint64(m.Exchange), 10)
		s.Info = append(s.Info, ')')
	}
	s.Info = append(s.Info, " MID="...)
	if m.MessageID < 10 {
		s.Info = append(s.Info, '0')
	}
	s.Info = strconv.AppendUint(s.Info, uint64(m.MessageID), 10)
	if m.Initiator() {
		s.Info = append(s.Info, " Initiator"...)
	} else {
		s.Info = append(s.Info, " Responder"...)
	}
	if m.Response() {
		s.Info = append(s.Info, " Response"...)
	} else {
		s.Info = append(s.Info, " Request"...)
	}
	if m.enc.skf {
		s.Info = append(s.Info, " (fragment "...)
		s.Info = strconv.AppendUint(s.Info, uint64(m.enc.fragNum), 10)
		s.Info = append(s.Info, '/')
		s.Info = strconv.AppendUint(s.Info, uint64(m.enc.fragTotal), 10)
		s.Info = append(s.Info, ')')
	}
	for i := range m.Payloads {
		if p := &m.Payloads[i]; p.Type == PayloadNotify && len(p.Data) >= genericLen+notifyFixed {
			if t := binary.BigEndian.Uint16(p.Data[genericLen+notifyTypeOff:]); t < 16384 {
				s.Info = append(s.Info, ' ')
				if n := notifyNames[uint64(t)]; n != "" {
					s.Info = append(s.Info, n...)
				} else {
					s.Info = append(s.Info, "error "...)
					s.Info = strconv.AppendUint(s.Info, uint64(t), 10)
				}
			}
		}
	}
}
