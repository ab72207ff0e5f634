package ip

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// IPv4 header (RFC 791 §3.1):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|Version|  IHL  |    DSCP   |ECN|          Total Length         |
//	|         Identification        |Flags|      Fragment Offset    |
//	|  Time to Live |    Protocol   |         Header Checksum       |
//	|                       Source Address                          |
//	|                    Destination Address                        |
//	|                    Options                    |    Padding    |
const (
	v4VerIHLOffset   = 0
	v4TOSOffset      = 1
	v4LenOffset      = 2
	v4IDOffset       = 4
	v4FlagsOffset    = 6
	v4TTLOffset      = 8
	v4ProtoOffset    = 9
	v4ChecksumOffset = 10
	v4SrcOffset      = 12
	v4DstOffset      = 16
	v4MinHeaderLen   = 20
	v4FlagsShift     = 13
	v4FragMask       = 0x1fff
	v4FlagDF         = 0x2
	v4FlagMF         = 0x1
	v4FlagRB         = 0x4
)

const rfc791 = "RFC 791 §3.1"

var (
	fIP         = fields.Add(dissect.Proto("ip", "Internet Protocol Version 4", "The IPv4 header: addresses, length, fragmentation and the protocol it carries.", rfc791))
	fIPVersion  = fields.Add(dissect.Dec("ip.version", "Version", "IP version: 4 here (IPv6 headers carry 6).", rfc791))
	fIPHdrLen   = fields.Add(dissect.Dec("ip.hdr_len", "Header Length", "Length of the IPv4 header in bytes (IHL × 4).", rfc791))
	fIPDSField  = fields.Add(dissect.Hex("ip.dsfield", "Differentiated Services Field", 8, "The DS field: DSCP and ECN.", "RFC 2474 §3"))
	fIPDSCP     = fields.Add(dissect.Dec("ip.dsfield.dscp", "Differentiated Services Codepoint", "Per-hop behaviour the packet asks for.", "RFC 2474 §3"))
	fIPECN      = fields.Add(dissect.Dec("ip.dsfield.ecn", "Explicit Congestion Notification", "ECN codepoint: 0 not ECN-capable, 1 or 2 capable, 3 congestion experienced.", "RFC 3168 §5"))
	fIPLen      = fields.Add(dissect.Dec("ip.len", "Total Length", "Length of the datagram, header and data, in bytes.", rfc791))
	fIPID       = fields.Add(dissect.Hex("ip.id", "Identification", 16, "Identifies the fragments of one datagram.", rfc791))
	fIPFlags    = fields.Add(dissect.Hex("ip.flags", "Flags", 8, "Fragmentation flags: reserved, Don't Fragment, More Fragments.", rfc791))
	fIPFlagRB   = fields.Add(dissect.Flag("ip.flags.rb", "Reserved bit", "Must be zero.", rfc791))
	fIPFlagDF   = fields.Add(dissect.Flag("ip.flags.df", "Don't fragment", "Routers must not fragment this datagram; they drop it and send an ICMP error instead.", rfc791))
	fIPFlagMF   = fields.Add(dissect.Flag("ip.flags.mf", "More fragments", "More fragments of this datagram follow.", rfc791))
	fIPFragOff  = fields.Add(dissect.Dec("ip.frag_offset", "Fragment Offset", "Where this fragment belongs in the datagram, in 8-byte units.", rfc791))
	fIPTTL      = fields.Add(dissect.Dec("ip.ttl", "Time to Live", "Hops left before a router discards the datagram.", rfc791))
	fIPProto    = fields.Add(&dissect.FieldInfo{Name: "ip.proto", Title: "Protocol", Kind: dissect.Uint, Values: ProtoName, Explain: "The protocol in the data (41 is IPv6 in IPv4: 6in4, 6to4, ISATAP).", RFC: rfc791})
	fIPChecksum = fields.Add(dissect.Hex("ip.checksum", "Header Checksum", 16, "Ones'-complement checksum of the header only.", rfc791))
	fIPCkStatus = fields.Add(&dissect.FieldInfo{Name: "ip.checksum.status", Title: "Header checksum status", Kind: dissect.Uint, Values: dissect.ChecksumStatusNames, Explain: "0 bad, 1 good, 2 not verified (Wireshark does not verify IPv4 header checksums by default, and neither does v6scope's field; a bad one still gets an expert note).", RFC: rfc791})
	fIPSrc      = fields.Add(dissect.Of("ip.src", "Source Address", dissect.IPv4, "The sender of the datagram.", rfc791))
	fIPDst      = fields.Add(dissect.Of("ip.dst", "Destination Address", dissect.IPv4, "The receiver of the datagram.", rfc791))
	fIPAddr     = fields.Add(dissect.Of("ip.addr", "Source or Destination Address", dissect.IPv4, "Matches either address.", rfc791))
	fIPOptions  = fields.Add(dissect.Of("ip.options", "Options", dissect.Bytes, "IPv4 options, not decoded.", rfc791))
)

// IPv4 is an IPv4 header.
type IPv4 struct {
	dissect.Span
	Version, IHL   uint8
	TOS            uint8
	Length         uint16
	ID             uint16
	Flags          uint8
	FragOffset     uint16
	TTL            uint8
	Protocol       uint8
	Checksum       uint16
	Src, Dst       netip.Addr
	Options        []byte
	checksumOK     bool
	truncated      bool
	lengthMismatch bool
	ctx            *dissect.Context
	next           gopacket.LayerType
}

// NewIPv4 returns an IPv4 decoder that dispatches through ctx.
func NewIPv4(ctx *dissect.Context) *IPv4 { return &IPv4{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (ip *IPv4) CanDecode() gopacket.LayerClass { return dissect.LayerIPv4 }

// NextLayerType implements gopacket.DecodingLayer.
func (ip *IPv4) NextLayerType() gopacket.LayerType { return ip.next }

// LayerType implements gopacket.Layer.
func (ip *IPv4) LayerType() gopacket.LayerType { return dissect.LayerIPv4 }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (ip *IPv4) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*ip = IPv4{ctx: ip.ctx, Options: ip.Options[:0]}
	if len(data) < v4MinHeaderLen {
		df.SetTruncated()
		return dissect.Truncated("IPv4 header", v4MinHeaderLen, len(data))
	}
	ip.Version = data[v4VerIHLOffset] >> 4
	ip.IHL = data[v4VerIHLOffset] & 0x0f
	if ip.Version != 4 {
		return dissect.Malformed("IPv4 header has version %d", ip.Version)
	}
	hlen := int(ip.IHL) * 4
	if hlen < v4MinHeaderLen {
		return dissect.Malformed("IPv4 header length %d is below the minimum of 20 bytes", hlen)
	}
	if len(data) < hlen {
		df.SetTruncated()
		return dissect.Truncated("IPv4 header with options", hlen, len(data))
	}
	ip.TOS = data[v4TOSOffset]
	ip.Length = binary.BigEndian.Uint16(data[v4LenOffset:])
	ip.ID = binary.BigEndian.Uint16(data[v4IDOffset:])
	ff := binary.BigEndian.Uint16(data[v4FlagsOffset:])
	ip.Flags = uint8(ff >> v4FlagsShift)
	ip.FragOffset = ff & v4FragMask
	ip.TTL = data[v4TTLOffset]
	ip.Protocol = data[v4ProtoOffset]
	ip.Checksum = binary.BigEndian.Uint16(data[v4ChecksumOffset:])
	ip.Src = netip.AddrFrom4([4]byte(data[v4SrcOffset : v4SrcOffset+4]))
	ip.Dst = netip.AddrFrom4([4]byte(data[v4DstOffset : v4DstOffset+4]))
	ip.Options = data[v4MinHeaderLen:hlen]
	ip.checksumOK = dissect.Fold(dissect.Sum(0, data[:hlen])) == 0
	ip.Contents = data[:hlen]
	end := int(ip.Length)
	switch {
	case end < hlen:
		ip.lengthMismatch = true
		end = len(data)
	case end > len(data):
		ip.truncated = true
		ip.ctx.Truncated = true
		df.SetTruncated()
		end = len(data)
	}
	ip.Payload = data[hlen:end]
	ip.ctx.Src, ip.ctx.Dst = ip.Src, ip.Dst
	ip.ctx.HopLimit = ip.TTL
	ip.ctx.FinalDst, ip.ctx.HomeAddress = netip.Addr{}, netip.Addr{}
	ip.ctx.Depth++
	ip.next = ip.ctx.Dispatch.ProtoNext(ip.Protocol)
	if ip.isFragment() && (ip.FragOffset != 0 || !ip.truncated && ip.checksumOK) {
		// v6scope does not reassemble. A first fragment that a reassembler
		// would take (all captured, good checksum) is shown as data, as
		// Wireshark does; one it could not take is decoded as far as it
		// goes; later fragments are always data.
		ip.next = dissect.LayerPayload
	}
	return nil
}

// isFragment reports whether the datagram is one fragment of a larger one.
func (ip *IPv4) isFragment() bool { return ip.FragOffset != 0 || ip.Flags&v4FlagMF != 0 }

// Dissect implements dissect.Layer.
func (ip *IPv4) Dissect(t *dissect.Tree) {
	off := t.At(ip.Contents)
	t.Push(fIP, off, len(ip.Contents))
	t.Uint(fIPVersion, off, 1, uint64(ip.Version))
	t.Uint(fIPHdrLen, off, 1, uint64(ip.IHL)*4)
	t.Uint(fIPDSField, off+v4TOSOffset, 1, uint64(ip.TOS))
	t.Uint(fIPDSCP, off+v4TOSOffset, 1, uint64(ip.TOS>>2))
	t.Uint(fIPECN, off+v4TOSOffset, 1, uint64(ip.TOS&3))
	t.Uint(fIPLen, off+v4LenOffset, 2, uint64(ip.Length))
	t.Uint(fIPID, off+v4IDOffset, 2, uint64(ip.ID))
	t.Uint(fIPFlags, off+v4FlagsOffset, 1, uint64(ip.Flags))
	t.Uint(fIPFlagRB, off+v4FlagsOffset, 1, uint64(ip.Flags&v4FlagRB>>2))
	t.Uint(fIPFlagDF, off+v4FlagsOffset, 1, uint64(ip.Flags&v4FlagDF>>1))
	t.Uint(fIPFlagMF, off+v4FlagsOffset, 1, uint64(ip.Flags&v4FlagMF))
	t.Uint(fIPFragOff, off+v4FlagsOffset, 2, uint64(ip.FragOffset))
	t.Uint(fIPTTL, off+v4TTLOffset, 1, uint64(ip.TTL))
	t.Uint(fIPProto, off+v4ProtoOffset, 1, uint64(ip.Protocol))
	t.Uint(fIPChecksum, off+v4ChecksumOffset, 2, uint64(ip.Checksum))
	t.Uint(fIPCkStatus, off+v4ChecksumOffset, 0, dissect.ChecksumUnverified)
	t.Addr(fIPSrc, off+v4SrcOffset, 4, ip.Src)
	t.Addr(fIPAddr, off+v4SrcOffset, 4, ip.Src).Hidden = true
	t.Addr(fIPDst, off+v4DstOffset, 4, ip.Dst)
	t.Addr(fIPAddr, off+v4DstOffset, 4, ip.Dst).Hidden = true
	if len(ip.Options) > 0 {
		t.Bytes(fIPOptions, off+v4MinHeaderLen, len(ip.Options), ip.Options)
	}
	if !ip.checksumOK && !ip.ctx.InError {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "ip.checksum_bad", Message: "IPv4 header checksum is wrong", RFC: rfc791, Offset: off + v4ChecksumOffset, Length: 2})
	}
	if ip.lengthMismatch {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "ip.len_bad", Message: "IPv4 Total Length is smaller than the header", RFC: rfc791, Offset: off + v4LenOffset, Length: 2, Malformed: true})
	}
	if ip.truncated && !ip.ctx.InError {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "ip.truncated", Message: "capture holds less than the IPv4 Total Length (packet size limited during capture)", RFC: rfc791, Offset: off, Length: len(ip.Contents)})
	}
	t.Pop()
}

// Summarize implements dissect.Layer.
func (ip *IPv4) Summarize(s *dissect.Summary) {
	s.Protocol = "IPv4"
	s.Src, s.Dst = ip.Src, ip.Dst
	if ip.next == dissect.LayerPayload {
		s.Info = s.SetInfo()
		if ip.isFragment() {
			s.Info = append(s.Info, "Fragmented IP protocol (proto="...)
			s.Info = appendProto(s.Info, ip.Protocol)
			s.Info = append(s.Info, ')')
		}
	}
}
