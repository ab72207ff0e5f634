package mld

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/icmp"
)

// ICMPv6 types of the MLD messages (IANA "ICMPv6 Parameters").
const (
	TypeQuery    = 130 // Multicast Listener Query, MLDv1 and MLDv2 (RFC 2710 §3, RFC 3810 §5.1)
	TypeReport   = 131 // MLDv1 Multicast Listener Report (RFC 2710 §3)
	TypeDone     = 132 // MLDv1 Multicast Listener Done (RFC 2710 §3)
	TypeReportV2 = 143 // MLDv2 Multicast Listener Report (RFC 3810 §5.2)
)

// Types are the ICMPv6 types this package decodes, for the registry's
// dispatch table.
var Types = [...]uint8{TypeQuery, TypeReport, TypeDone, TypeReportV2}

// Offsets shared by every MLD message: the ICMPv6 header (RFC 4443 §2.1).
const (
	typeOffset = 0
	codeOffset = 1
	addrLen    = 16
)

// MLD is one MLD message, MLDv1 or MLDv2, decoded from the whole ICMPv6
// message (header included) that the ICMPv6 layer hands over.
//
// Which fields are set depends on Type and Version: MaxResp, Reserved and
// Group for MLDv1 messages and Queries; Flags, QQIC, NumSources and Sources
// for MLDv2 Queries; Reserved, NumRecords and Records for MLDv2 Reports.
// Sources, Records and the records' Sources are reused by the next
// DecodeFromBytes; copy what must outlive it.
type MLD struct {
	dissect.Span
	Type, Code uint8
	// Version is 1 or 2: MLDv1 for types 131 and 132, MLDv2 for type 143,
	// and for a Query by its length (RFC 3810 §8.1); 0 for a Query too
	// short to tell.
	Version uint8
	// MaxResp is the raw Maximum Response Delay (MLDv1, RFC 2710 §3.4) or
	// Maximum Response Code (MLDv2 Query, RFC 3810 §5.1.3); see
	// MaxResponseDelay.
	MaxResp uint16
	// Reserved is the 16-bit reserved field of every message but the
	// MLDv2 Report's second octet (RFC 2710 §3.5, RFC 3810 §5.1.4,
	// §5.2.1).
	Reserved uint16
	// Group is the Multicast Address field; the zero Addr when the message
	// ends before it.
	Group netip.Addr
	// Flags is the octet after Group in an MLDv2 Query: Resv, S, QRV
	// (RFC 3810 §5.1.6-§5.1.8).
	Flags uint8
	// QQIC is the Querier's Query Interval Code (RFC 3810 §5.1.9); see
	// QueryInterval.
	QQIC uint8
	// NumSources is the Number of Sources field of an MLDv2 Query
	// (RFC 3810 §5.1.10); Sources holds those present in the message.
	NumSources uint16
	Sources    []netip.Addr
	// NumRecords is the Nr of Mcast Address Records of an MLDv2 Report
	// (RFC 3810 §5.2.3); Records holds those present in the message.
	NumRecords uint16
	Records    []Record
	// Additional holds the octets after the message's last field, which a
	// receiver counts in the checksum and otherwise ignores (RFC 2710
	// §3.7, RFC 3810 §5.1.12, §5.2.11).
	Additional []byte
	// Short is set when the message ends before a field its type or its
	// counts call for.
	Short bool

	recSources []netip.Addr // backing store of the records' Sources
	ctx        *dissect.Context
	icmp6      *icmp.ICMPv6
}

// New returns an MLD decoder. It dissects through icmp6, the ICMPv6 layer
// that hands MLD messages over, and reads the IPv6 header's facts (source,
// destination, hop limit, Router Alert) from ctx.
func New(ctx *dissect.Context, icmp6 *icmp.ICMPv6) *MLD {
	return &MLD{ctx: ctx, icmp6: icmp6}
}

// CanDecode implements gopacket.DecodingLayer.
func (m *MLD) CanDecode() gopacket.LayerClass { return dissect.LayerMLD }

// NextLayerType implements gopacket.DecodingLayer: nothing follows an MLD
// message.
func (m *MLD) NextLayerType() gopacket.LayerType { return gopacket.LayerTypeZero }

// LayerType implements gopacket.Layer.
func (m *MLD) LayerType() gopacket.LayerType { return dissect.LayerMLD }

// DecodeFromBytes implements gopacket.DecodingLayer. data is the whole
// ICMPv6 message. A message cut short is decoded as far as it goes and
// marked Short (and df.SetTruncated when the capture cut it); it is not an
// error, so that the dissection can show what is there.
func (m *MLD) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	m.reset()
	if len(data) < codeOffset+1 {
		df.SetTruncated()
		return dissect.Truncated("MLD message", codeOffset+1, len(data))
	}
	m.Contents = data
	m.Type = data[typeOffset]
	m.Code = data[codeOffset]
	switch m.Type {
	case TypeReportV2:
		m.Version = 2
		m.decodeReportV2(data)
	case TypeQuery:
		m.decodeQuery(data)
	default:
		m.Version = 1
		m.decodeV1(data)
	}
	if m.Short && m.ctx.Truncated {
		df.SetTruncated()
	}
	return nil
}

// reset clears every field for the next message, keeping the slices'
// storage (a reused layer must decode as a fresh one does).
func (m *MLD) reset() {
	*m = MLD{
		Sources:    m.Sources[:0],
		Records:    m.Records[:0],
		recSources: m.recSources[:0],
		ctx:        m.ctx,
		icmp6:      m.icmp6,
	}
}

// addr reads the IPv6 address at b[off:]; b must hold it.
func addr(b []byte, off int) netip.Addr {
	return netip.AddrFrom16([addrLen]byte(b[off : off+addrLen]))
}

func be16(b []byte, off int) uint16 { return binary.BigEndian.Uint16(b[off:]) }

// has reports whether b holds n bytes at off.
func has(b []byte, off, n int) bool { return off+n <= len(b) }

// Dissect implements dissect.Layer: the icmpv6 node, opened by the ICMPv6
// layer, gets the message's fields and expert notes.
func (m *MLD) Dissect(t *dissect.Tree) {
	off := m.icmp6.Open(t, m.Contents)
	if m.Version != 0 {
		t.Uint(fVersion, off, 0, uint64(m.Version))
	}
	switch {
	case m.Type == TypeReportV2:
		m.dissectReportV2(t, off)
	case m.Type == TypeQuery && m.Version == 2:
		m.dissectQueryV2(t, off)
	default:
		m.dissectV1(t, off)
	}
	if len(m.Additional) > 0 {
		t.Bytes(fAdditional, t.At(m.Additional), len(m.Additional), m.Additional)
	}
	m.check(t, off)
	t.Pop()
}

// Summarize implements dissect.Layer. The ICMPv6 layer has already set the
// Protocol and Info columns to "ICMPv6" and the message's type name, which
// is all tshark 4.0 shows for MLD messages.
func (m *MLD) Summarize(s *dissect.Summary) {}
