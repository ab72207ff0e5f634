package mip6

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// Mobility Header (RFC 6275 §6.1.1):
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	| Payload Proto |  Header Len   |   MH Type     |   Reserved    |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           Checksum            |                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//	.                                                               .
//	.                       Message Data                            .
//	.                                                               .
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Header Len counts 8-octet units after the first 8 octets; Message Data
// is a fixed part that depends on MH Type, then mobility options (§6.2).
const (
	protoOffset    = 0
	hlenOffset     = 1
	typeOffset     = 2
	reservedOffset = 3
	csumOffset     = 4
	dataOffset     = 6 // Message Data starts here
	unit           = 8
	addrLen        = 16
	// NoNextHeader is the Payload Proto senders set (RFC 6275 §6.1.1).
	NoNextHeader = 59
)

// Mobility is one Mobility Header: the common header, the fixed fields of
// its message type, and its options. The fields of the types it is not are
// zero. Byte slices alias the frame.
type Mobility struct {
	dissect.Span
	PayloadProto uint8
	HeaderLen    uint8 // as sent: 8-octet units after the first 8
	Type         uint8
	Reserved     uint8
	Checksum     uint16

	// Sequence is the sequence number of BU, BA, FBU, FBack, HI and HAck
	// (RFC 6275 §6.1.7, §6.1.8; RFC 5568 §6.2.4, §6.3), or of a Heartbeat
	// (RFC 5847 §3.1, 32 bits).
	Sequence uint32
	// Flags holds the flag bits: 16 bits of BU (A H L K M R P F T B from
	// the top, RFC 6275 §6.1.7), 8 bits of BA (K R P T B, §6.1.8), FBU,
	// FBack, HI and Heartbeat.
	Flags uint16
	// Lifetime is the BU, BA, FBU or FBack lifetime, in units of 4 seconds.
	Lifetime uint16
	// Status is the BA, BE or FBack status; Code that of HI and HAck.
	Status uint8
	// HomeAddress is the Binding Error's Home Address (RFC 6275 §6.1.9).
	HomeAddress netip.Addr

	// Return routability (RFC 6275 §6.1.3-§6.1.6): the Init cookie of
	// HoTI, CoTI, HoT and CoT, the nonce index and the keygen token of HoT
	// and CoT.
	Cookie      [8]byte
	NonceIndex  uint16
	KeygenToken [8]byte

	// Options holds the well-formed options, in order (Pad1 included). A
	// malformed one ends the walk (see BadOption).
	Options   []Option
	BadOption Option
	optStatus optStatus

	// The IP view when the header was decoded: the IPv6 header's
	// addresses, the Home Address option's address and the routing
	// header's final destination (zero when absent).
	Src, Dst    netip.Addr
	HoA         netip.Addr
	FinalDst    netip.Addr
	ChecksumOK  bool // verified and right
	csumStatus  uint8
	csumWant    uint16
	fixedLen    int  // bytes of the type's fixed part (after the 6-byte header)
	short       bool // Header Len too small for the type's fixed part
	cut         bool // the capture holds less than Header Len says
	tooLong     bool // … because the IPv6 payload ends first
	capturedFix bool // the fixed part is captured whole
	quoted      bool
	obsolete    bool // came under next header 62

	mh   []byte // the Mobility Header as captured (≤ its length)
	ctx  *dissect.Context
	next gopacket.LayerType
	lt   gopacket.LayerType
}

// New returns a Mobility Header decoder for next header 135; NewObsolete
// one for next header 62, which marks what it decodes with a note.
func New(ctx *dissect.Context) *Mobility {
	return &Mobility{ctx: ctx, lt: dissect.LayerMobility}
}

// NewObsolete returns the decoder for next header 62 (draft value).
func NewObsolete(ctx *dissect.Context) *Mobility {
	return &Mobility{ctx: ctx, lt: dissect.LayerMobilityOld, obsolete: true}
}

// CanDecode implements gopacket.DecodingLayer.
func (m *Mobility) CanDecode() gopacket.LayerClass { return m.lt }

// LayerType implements gopacket.Layer.
func (m *Mobility) LayerType() gopacket.LayerType { return m.lt }

// NextLayerType implements gopacket.DecodingLayer: nothing follows a
// Mobility Header today (Payload Proto 59); bytes after it are data.
func (m *Mobility) NextLayerType() gopacket.LayerType { return m.next }

// Obsolete reports whether the header came under next header 62.
func (m *Mobility) Obsolete() bool { return m.obsolete }

// fixedLen returns the length of a type's fixed part, after the 6-byte
// common header, or -1 when the whole message data is opaque.
func fixedLength(typ uint8) int {
	switch typ {
	case TypeBRR, TypeFNA:
		return 2 // Reserved (RFC 6275 §6.1.2; RFC 5568 §6.3.3)
	case TypeHoTI, TypeCoTI:
		return hotiLen
	case TypeHoT, TypeCoT:
		return hotLen
	case TypeBU, TypeBA, TypeFBU, TypeFBack, TypeHB:
		return buLen
	case TypeBE:
		return beLen
	case TypeHAS:
		return hasFixedLen
	case TypeHI, TypeHAck:
		return hiLen
	}
	return -1
}

// DecodeFromBytes implements gopacket.DecodingLayer. It resets every
// field, and allocates nothing once Options has grown.
func (m *Mobility) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*m = Mobility{Options: m.Options[:0], ctx: m.ctx, lt: m.lt, obsolete: m.obsolete}
	if len(data) < dataOffset {
		df.SetTruncated()
		return dissect.Truncated("Mobility Header", dataOffset, len(data))
	}
	m.PayloadProto = data[protoOffset]
	m.HeaderLen = data[hlenOffset]
	m.Type = data[typeOffset]
	m.Reserved = data[reservedOffset]
	m.Checksum = binary.BigEndian.Uint16(data[csumOffset:])
	if c := m.ctx; c != nil {
		m.Src, m.Dst, m.HoA, m.FinalDst = c.Src, c.Dst, c.HomeAddress, c.FinalDst
		m.quoted = c.InError
	}
	n := (int(m.HeaderLen) + 1) * unit
	if n > len(data) {
		m.cut = true
		m.tooLong = m.ctx != nil && !m.ctx.Truncated && !m.quoted
		df.SetTruncated()
		n = len(data)
	}
	m.mh = data[:n]
	m.Contents, m.Payload = data[:n], data[n:]
	m.next = gopacket.LayerTypeZero
	if len(m.Payload) > 0 {
		m.next = dissect.LayerPayload
	}
	fixed := fixedLength(m.Type)
	body := m.mh[dataOffset:]
	if fixed < 0 {
		m.fixedLen = len(body)
	} else {
		m.fixedLen = fixed
		if m.Type == TypeHAS && len(body) >= 1 {
			m.fixedLen += int(body[0]) * addrLen
		}
	}
	if dataOffset+m.fixedLen > (int(m.HeaderLen)+1)*unit {
		m.short = true // RFC 6275 §9.2: Header Len too small for the type
	}
	m.capturedFix = len(body) >= m.fixedLen
	if m.capturedFix {
		m.decodeFixed(body)
	}
	m.verifyChecksum()
	if !m.cut && !m.short && fixed >= 0 {
		m.walkOptions(dataOffset + m.fixedLen)
	}
	return nil
}

// verifyChecksum checks the checksum over the pseudo-header of RFC 6275
// §6.1.1: "the Source Address is the home address when a Home Address
// option is present, the Destination Address is the final destination".
func (m *Mobility) verifyChecksum() {
	m.csumStatus = dissect.ChecksumUnverified
	if m.cut || m.quoted || !m.Src.IsValid() || !m.Src.Is6() {
		return
	}
	src, dst := m.PseudoAddrs()
	proto := uint8(Proto)
	if m.obsolete {
		proto = ProtoObsolete
	}
	sum := dissect.PseudoHeader(src, dst, proto, len(m.mh))
	sum = dissect.Sum(sum, m.mh[:csumOffset])
	sum = dissect.Sum(sum, m.mh[dataOffset:])
	m.csumWant = dissect.Fold(sum)
	if m.csumWant == m.Checksum {
		m.csumStatus, m.ChecksumOK = dissect.ChecksumGood, true
	} else {
		m.csumStatus = dissect.ChecksumBad
	}
}

// PseudoAddrs returns the addresses the checksum's pseudo-header uses: the
// Home Address option's address as source, the type 2 routing header's
// final destination as destination, else the IPv6 header's (RFC 6275
// §6.1.1, RFC 8200 §8.1).
func (m *Mobility) PseudoAddrs() (src, dst netip.Addr) {
	src, dst = m.Src, m.Dst
	if m.HoA.IsValid() {
		src = m.HoA
	}
	if m.FinalDst.IsValid() {
		dst = m.FinalDst
	}
	return src, dst
}

// Dissect implements dissect.Layer.
func (m *Mobility) Dissect(t *dissect.Tree) {
	off := t.At(m.Contents)
	t.Push(fMIPv6, off, len(m.Contents))
	if m.obsolete {
		t.Uint(fObsolete, off, 0, 1)
	}
	t.Uint(fProto, off+protoOffset, 1, uint64(m.PayloadProto))
	t.Uint(fHLen, off+hlenOffset, 1, uint64(m.HeaderLen)).Label = hlenLabels[m.HeaderLen]
	t.Uint(fMHType, off+typeOffset, 1, uint64(m.Type))
	t.Uint(fReserved, off+reservedOffset, 1, uint64(m.Reserved))
	t.Uint(fCsum, off+csumOffset, 2, uint64(m.Checksum))
	if m.csumStatus != dissect.ChecksumUnverified {
		t.Uint(fCsumStat, off+csumOffset, 0, uint64(m.csumStatus))
		if m.csumStatus == dissect.ChecksumBad {
			t.Uint(fCsumCalc, off+csumOffset, 0, uint64(m.csumWant))
		}
	}
	if m.capturedFix {
		m.dissectFixed(t, off)
	}
	if len(m.Options) > 0 || m.optStatus != optOK {
		m.dissectOptions(t, off)
	}
	m.notes(t, off)
	t.Pop()
}

// hlenLabels holds "Header length: N (8(N+1) bytes)", built once.
var hlenLabels = func() (l [256]string) {
	for i := range l {
		l[i] = "Header length: " + itoa(i) + " (" + itoa((i+1)*unit) + " bytes)"
	}
	return l
}()

// Summarize implements dissect.Layer: tshark's Protocol "MIPv6" and the
// message type as Info.
func (m *Mobility) Summarize(s *dissect.Summary) {
	s.Protocol = "MIPv6"
	s.Info = append(s.SetInfo(), infoLabels[m.Type]...)
}
