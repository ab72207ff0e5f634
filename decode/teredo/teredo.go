package teredo

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/transport"
	"github.com/v6scope/v6scope/decode/tunnel"
)

// Port is the Teredo server's UDP port (RFC 4380 §2.1, IANA "teredo").
const Port = 3544

// DiscoveryAddr is the Teredo IPv4 Discovery Address: clients that run the
// optional local client discovery procedure send multicast bubbles to it,
// port 3544, on their local link (RFC 4380 §2.17, §5.2.8).
var DiscoveryAddr = netip.AddrFrom4([4]byte{224, 0, 0, 253})

// Authentication indicator (RFC 4380 §5.1.1):
//
//	+--------+--------+--------+--------+
//	|  Indicator Type |  ID-len | AU-len |
//	+--------+--------+--------+--------+
//	|  Client identifier (ID-len octets)|
//	+-----------------------------------+
//	| Authentication value (AU-len oct.)|
//	+-----------------------------------+
//	|         Nonce (8 octets)          |
//	+-----------------------------------+
//	| Confirmation  |
//	+---------------+
//
// Origin indication (RFC 4380 §5.1.1):
//
//	+--------+--------+--------+--------+
//	|  Indicator Type | Obfuscated port |
//	+--------+--------+--------+--------+
//	|  Obfuscated origin IPv4 address   |
//	+--------+--------+--------+--------+
const (
	indicatorLen   = 2
	authType       = 0x0001
	authIDLenOff   = 2
	authAuLenOff   = 3
	authFixedLen   = 4 // type, ID-len, AU-len
	nonceLen       = 8
	confLen        = 1
	authTrailerLen = nonceLen + confLen
	originType     = 0x0000
	originPortOff  = 2
	originAddrOff  = 4
	originLen      = 8
)

// IPv6 header offsets the decoder peeks at (RFC 8200 §3).
const (
	v6HeaderLen = 40
	v6PlenOff   = 4
	v6NextOff   = 6
	v6SrcOff    = 8
	v6DstOff    = 24
	protoICMPv6 = 58
	protoNoNext = 59
	icmpRS      = 133 // Router Solicitation (RFC 4861 §4.1)
	icmpRA      = 134 // Router Advertisement (RFC 4861 §4.2)
	icmpEchoReq = 128 // Echo Request (RFC 4443 §4.1)
)

// maxPayload is the largest IPv6 payload length a Teredo packet can carry
// in one UDP/IPv4 datagram: 65535 - 20 (IPv4) - 8 (UDP) - 40 (IPv6).
const maxPayload = 65467

const (
	rfcIndicators = "RFC 4380 §5.1.1"
	rfcBubble     = "RFC 4380 §2.8"
	rfcReceive    = "RFC 4380 §5.2.3"
	rfcQualify    = "RFC 4380 §5.2.1"
	rfcConnTest   = "RFC 4380 §5.2.9"
	rfcTrailers   = "RFC 6081 §4"
)

var fields dissect.FieldList

// Fields returns the fields of this package.
func Fields() []*dissect.FieldInfo { return fields }

var (
	fTeredo     = fields.Add(dissect.Proto("teredo", "Teredo IPv6 over UDP tunneling", "Teredo: IPv6 in UDP over IPv4, so that a host behind a NAT reaches IPv6. Optional indicators come before the IPv6 packet.", "RFC 4380 §5.1"))
	fAuth       = fields.Add(dissect.Of("teredo.auth", "Teredo Authentication header", dissect.None, "Authentication indicator: a client's Router Solicitation carries one during qualification, and the server's answer echoes its nonce.", rfcIndicators))
	fAuthIDLen  = fields.Add(dissect.Dec("teredo.auth.idlen", "Client identifier length", "ID-len: octets of client identifier (0 when the server does not authenticate clients).", rfcIndicators))
	fAuthAuLen  = fields.Add(dissect.Dec("teredo.auth.aulen", "Authentication value length", "AU-len: octets of authentication value.", rfcIndicators))
	fAuthID     = fields.Add(dissect.Of("teredo.auth.id", "Client identifier", dissect.Bytes, "Identifies the client to a server that authenticates clients.", rfcIndicators))
	fAuthValue  = fields.Add(dissect.Of("teredo.auth.value", "Authentication value", dissect.Bytes, "A keyed hash over the client identifier, nonce, confirmation and IPv6 packet.", rfcIndicators))
	fAuthNonce  = fields.Add(dissect.Of("teredo.auth.nonce", "Nonce value", dissect.Bytes, "A random number the client picks; the server's answer must carry the same one, which keeps off spoofed Router Advertisements.", rfcIndicators))
	fAuthConf   = fields.Add(dissect.Of("teredo.auth.conf", "Confirmation byte", dissect.Bytes, "Zero when the client's authentication succeeded; the server sets it to tell the client to refresh its secret.", rfcIndicators))
	fOrig       = fields.Add(dissect.Of("teredo.orig", "Teredo Origin Indication header", dissect.None, "Origin indication: the server adds it to what it forwards to a client (Router Advertisements, indirect bubbles) to say where the packet came from.", rfcIndicators))
	fOrigPort   = fields.Add(dissect.Dec("teredo.orig.port", "Origin UDP port", "The UDP port the forwarded packet came from, de-obfuscated (the wire holds it with every bit inverted).", rfcIndicators))
	fOrigPortRw = fields.Add(dissect.Hex("v6scope.teredo.orig.port_obfuscated", "Obfuscated port", 16, "The origin port as sent: every bit inverted, so NATs that rewrite their own address and port in payloads leave it alone.", rfcIndicators))
	fOrigAddr   = fields.Add(dissect.Of("teredo.orig.addr", "Origin IPv4 address", dissect.IPv4, "The IPv4 address the forwarded packet came from, de-obfuscated.", rfcIndicators))
	fOrigAddrRw = fields.Add(dissect.Of("v6scope.teredo.orig.addr_obfuscated", "Obfuscated address", dissect.Bytes, "The origin address as sent: every bit inverted.", rfcIndicators))
	fBubble     = fields.Add(dissect.Flag("v6scope.teredo.bubble", "Bubble", "A bubble: an IPv6 header with No Next Header and no payload, sent only to open a NAT mapping or to ask a peer to reply.", rfcBubble))
	fTrailer    = fields.Add(dissect.Of("v6scope.teredo.trailer", "Teredo trailer", dissect.None, "A trailer of the Teredo extensions: a type-length-value item after the end of the IPv6 packet (its Payload Length says where that is).", rfcTrailers))
	fTrType     = fields.Add(dissect.Dec("v6scope.teredo.trailer.type", "Trailer type", "1 Nonce, 3 Alternate Address, 4 Neighbor Discovery Option, 5 Random Port.", rfcTrailers))
	fTrLen      = fields.Add(dissect.Dec("v6scope.teredo.trailer.length", "Trailer length", "Octets of value after the length octet.", rfcTrailers))
	fTrNonce    = fields.Add(dissect.Of("v6scope.teredo.trailer.nonce", "Trailer nonce", dissect.Bytes, "A nonce that ties a bubble to the one it answers.", "RFC 6081 §4.2"))
	fTrAltAddr  = fields.Add(dissect.Of("v6scope.teredo.trailer.alt_addr", "Alternate address", dissect.IPv4, "Another IPv4 address the sender can be reached at (its local address, or one mapped by UPnP), for a peer behind the same NAT.", "RFC 6081 §4.3"))
	fTrAltPort  = fields.Add(dissect.Dec("v6scope.teredo.trailer.alt_port", "Alternate port", "The UDP port that goes with the alternate address.", "RFC 6081 §4.3"))
	fTrND       = fields.Add(dissect.Dec("v6scope.teredo.trailer.nd_type", "Discovery type", "0: solicitation, the sender asks the peer for a direct bubble back; 1: advertisement, the answer. Peers refresh each other without the server.", "RFC 6081 §4.4"))
	fTrPort     = fields.Add(dissect.Dec("v6scope.teredo.trailer.random_port", "Random port", "The port the sender predicts its sequential port-symmetric NAT maps next.", "RFC 6081 §4.5"))
	fHeuristic  = fields.Add(dissect.Flag("v6scope.teredo.heuristic", "Found by content", "Neither UDP port is 3544: the payload was recognised as Teredo by its shape (indicators, then an IPv6 header whose Payload Length fits).", "RFC 4380 §5.1"))
)

// Teredo is the Teredo part of a UDP payload: its indicators, and a look at
// the IPv6 header that follows.
type Teredo struct {
	dissect.Span
	HasAuth      bool
	IDLen, AuLen uint8
	ClientID     []byte
	AuthValue    []byte
	Nonce        []byte
	Confirmation []byte
	HasOrigin    bool
	OriginPort   uint16     // de-obfuscated
	OriginAddr   netip.Addr // de-obfuscated
	originRaw    []byte
	// Trailers are the RFC 6081 trailers after the IPv6 packet, when the
	// bytes there are exactly a list of them (empty otherwise).
	Trailers []Trailer

	// The IPv6 header inside, when there are 40 bytes of one.
	hasInner  bool
	innerNext uint8
	innerPlen uint16
	innerSrc  netip.Addr
	innerDst  netip.Addr
	innerRest int   // captured bytes after the 40-byte header
	icmpType  int16 // -1 when the inner packet is not ICMPv6

	// The outer UDP/IP view when the packet was decoded.
	outerSrc         netip.Addr
	outerDst         netip.Addr
	srcPort, dstPort uint16
	depth            int
	inError          bool

	truncated string // what was cut short, "" when nothing
	tooDeep   bool
	annotated bool
	scratch   []byte

	ctx  *dissect.Context
	udp  *transport.UDP
	next gopacket.LayerType
}

// New returns a Teredo decoder; udp is the decoder's UDP layer, whose ports
// the Teredo checks compare with the addresses inside.
func New(ctx *dissect.Context, udp *transport.UDP) *Teredo {
	return &Teredo{ctx: ctx, udp: udp}
}

// CanDecode implements gopacket.DecodingLayer.
func (p *Teredo) CanDecode() gopacket.LayerClass { return dissect.LayerTeredo }

// NextLayerType implements gopacket.DecodingLayer.
func (p *Teredo) NextLayerType() gopacket.LayerType { return p.next }

// LayerType implements gopacket.Layer.
func (p *Teredo) LayerType() gopacket.LayerType { return dissect.LayerTeredo }

// Match reports whether a UDP payload looks like a Teredo packet: optional
// authentication and origin indicators, then an IPv6 header (version 6)
// whose Payload Length accounts exactly for the rest of the datagram.
// length is the payload length the UDP header announces, which is more
// than len(payload) when the capture was cut short. It is the Wireshark
// and Zeek heuristic; RFC 4380 §5.2.3 has a client check the same shape.
func Match(payload []byte, length int) bool {
	off := 0
	if len(payload) < v6HeaderLen {
		return false
	}
	ind := binary.BigEndian.Uint16(payload)
	if ind == authType {
		off = authFixedLen + int(payload[authIDLenOff]) + int(payload[authAuLenOff]) + authTrailerLen
		if len(payload)-off < v6HeaderLen {
			return false
		}
		ind = binary.BigEndian.Uint16(payload[off:])
	}
	if ind == originType {
		off += originLen
		if len(payload)-off < v6HeaderLen {
			return false
		}
	}
	if payload[off]>>4 != 6 {
		return false
	}
	plen := int(binary.BigEndian.Uint16(payload[off+v6PlenOff:]))
	if plen > maxPayload {
		return false
	}
	extra := length - off - v6HeaderLen - plen
	if extra == 0 {
		return true
	}
	// RFC 6081 trailers after the packet, when captured whole.
	end := off + v6HeaderLen + plen
	if extra < 0 || len(payload) != length {
		return false
	}
	var buf [maxTrailers]Trailer
	_, ok := parseTrailers(buf[:0], payload[end:])
	return ok
}

// DecodeFromBytes implements gopacket.DecodingLayer.
func (p *Teredo) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*p = Teredo{ctx: p.ctx, udp: p.udp, scratch: p.scratch[:0], icmpType: -1, Trailers: p.Trailers[:0]}
	p.outerSrc, p.outerDst, p.depth, p.inError = p.ctx.Src, p.ctx.Dst, p.ctx.Depth, p.ctx.InError
	if p.udp != nil {
		p.srcPort, p.dstPort = p.udp.SrcPort, p.udp.DstPort
	}
	off := 0
	if len(data) >= indicatorLen && binary.BigEndian.Uint16(data) == authType {
		if len(data) < authFixedLen {
			return p.cut(data, "authentication indicator", df)
		}
		p.IDLen, p.AuLen = data[authIDLenOff], data[authAuLenOff]
		idEnd := authFixedLen + int(p.IDLen)
		auEnd := idEnd + int(p.AuLen)
		end := auEnd + authTrailerLen
		if len(data) < end {
			return p.cut(data, "authentication indicator", df)
		}
		p.HasAuth = true
		p.ClientID = data[authFixedLen:idEnd]
		p.AuthValue = data[idEnd:auEnd]
		p.Nonce = data[auEnd : auEnd+nonceLen]
		p.Confirmation = data[auEnd+nonceLen : end]
		off = end
	}
	if len(data)-off >= indicatorLen && binary.BigEndian.Uint16(data[off:]) == originType {
		if len(data)-off < originLen {
			return p.cut(data, "origin indication", df)
		}
		p.HasOrigin = true
		p.originRaw = data[off : off+originLen]
		p.OriginPort = ^binary.BigEndian.Uint16(p.originRaw[originPortOff:])
		a := [4]byte(p.originRaw[originAddrOff:])
		for i := range a {
			a[i] = ^a[i]
		}
		p.OriginAddr = netip.AddrFrom4(a)
		off += originLen
	}
	p.Contents, p.Payload = data[:off], data[off:]
	p.peek(p.Payload)
	switch {
	case len(p.Payload) == 0:
		p.next = gopacket.LayerTypeZero
	case p.depth >= tunnel.MaxDepth:
		p.tooDeep = true
		p.next = dissect.LayerPayload
	default:
		p.next = dissect.LayerIPv6
	}
	return nil
}

// cut records a truncated indicator: what is there is shown, nothing
// follows.
func (p *Teredo) cut(data []byte, what string, df gopacket.DecodeFeedback) error {
	df.SetTruncated()
	p.truncated = what
	p.Contents, p.Payload = data, nil
	p.next = gopacket.LayerTypeZero
	return nil
}

// peek reads what the checks and the Info label need from the IPv6 header
// inside.
func (p *Teredo) peek(b []byte) {
	if len(b) < v6HeaderLen || b[0]>>4 != 6 {
		return
	}
	p.hasInner = true
	p.innerPlen = binary.BigEndian.Uint16(b[v6PlenOff:])
	p.innerNext = b[v6NextOff]
	p.innerSrc = netip.AddrFrom16([16]byte(b[v6SrcOff : v6SrcOff+16]))
	p.innerDst = netip.AddrFrom16([16]byte(b[v6DstOff : v6DstOff+16]))
	p.innerRest = len(b) - v6HeaderLen
	if p.innerNext == protoICMPv6 && len(b) > v6HeaderLen {
		p.icmpType = int16(b[v6HeaderLen])
	}
	if p.innerRest > int(p.innerPlen) {
		p.Trailers, _ = parseTrailers(p.Trailers, b[v6HeaderLen+int(p.innerPlen):])
	}
}

// trailerBytes is how many bytes after the IPv6 packet are trailers.
func (p *Teredo) trailerBytes() int {
	if len(p.Trailers) == 0 {
		return 0
	}
	return p.innerRest - int(p.innerPlen)
}

// Bubble reports whether the packet is a bubble: an IPv6 header with No
// Next Header and nothing after it (RFC 4380 §2.8) but RFC 6081 trailers
// (RFC 6081 §4).
func (p *Teredo) Bubble() bool {
	return p.hasInner && p.innerNext == protoNoNext && p.innerPlen == 0 && p.innerRest == p.trailerBytes()
}

// bubbleWithPayload: No Next Header, yet bytes that are not trailers
// follow the header.
func (p *Teredo) bubbleWithPayload() bool {
	return p.hasInner && p.innerNext == protoNoNext && (p.innerPlen != 0 || p.innerRest != p.trailerBytes())
}

// Discovery reports whether the packet went to the Teredo IPv4 Discovery
// Address: a local client discovery bubble, or something posing as one
// (RFC 4380 §5.2.8).
func (p *Teredo) Discovery() bool { return p.outerDst == DiscoveryAddr }

// Outer returns the outer view of the packet as decoded: the IPv4 source
// address and the UDP source and destination ports around it (RFC 4380
// §5.1), for consumers such as the analysis engine that key on the NAT
// mapping a packet shows.
func (p *Teredo) Outer() (src netip.Addr, srcPort, dstPort uint16) {
	return p.outerSrc, p.srcPort, p.dstPort
}

// heuristic reports whether neither port is Teredo's.
func (p *Teredo) heuristic() bool { return p.srcPort != Port && p.dstPort != Port }

// MappingMismatch reports whether the inner source is a Teredo address
// whose mapped address and port (RFC 4380 §4) disagree with where the
// packet came from: the origin indication when the server forwarded it,
// else the outer IPv4 source and UDP source port. RFC 4380 §5.2.3 has a
// client discard such packets from Teredo peers. Packets whose outer
// source is a private, shared (RFC 6598) or link-local address were
// captured before the NAT translated them and are not judged.
func (p *Teredo) MappingMismatch() (t tunnel.Teredo, from netip.Addr, port uint16, bad bool) {
	if !p.hasInner {
		return t, from, 0, false
	}
	t, ok := tunnel.ParseTeredo(p.innerSrc)
	if !ok {
		return t, from, 0, false
	}
	from, port = p.outerSrc, p.srcPort
	if p.HasOrigin {
		from, port = p.OriginAddr, p.OriginPort
	} else if !from.Is4() || behindNAT(from) {
		return t, from, port, false
	}
	return t, from, port, t.Client != from || t.Port != port
}

var sharedSpace = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598 §7

func behindNAT(a netip.Addr) bool {
	return a.IsPrivate() || sharedSpace.Contains(a) || a.IsLinkLocalUnicast() || a.IsLoopback() || a.IsUnspecified()
}

// OriginNotFromServer reports whether an origin indication came from
// something other than the server embedded in the client's (the inner
// destination's) Teredo address, or from a port other than 3544. Only a
// client's server forwards packets with an origin indication to it (RFC
// 4380 §5.3.1), and a client checks that it did (§5.2.3).
func (p *Teredo) OriginNotFromServer() (server netip.Addr, bad bool) {
	if !p.HasOrigin || !p.hasInner || !p.outerSrc.Is4() {
		return server, false
	}
	t, ok := tunnel.ParseTeredo(p.innerDst)
	if !ok {
		return server, false
	}
	return t.Server, p.outerSrc != t.Server || p.srcPort != Port
}

// Dissect implements dissect.Layer.
func (p *Teredo) Dissect(t *dissect.Tree) {
	off := t.At(p.Contents)
	t.Push(fTeredo, off, len(p.Contents))
	if p.heuristic() {
		t.Uint(fHeuristic, off, 0, 1)
	}
	at := off
	if p.HasAuth {
		n := authFixedLen + len(p.ClientID) + len(p.AuthValue) + authTrailerLen
		t.Push(fAuth, at, n)
		t.Uint(fAuthIDLen, at+authIDLenOff, 1, uint64(p.IDLen))
		t.Uint(fAuthAuLen, at+authAuLenOff, 1, uint64(p.AuLen))
		at += authFixedLen
		if len(p.ClientID) > 0 {
			t.Bytes(fAuthID, at, len(p.ClientID), p.ClientID)
		}
		at += len(p.ClientID)
		if len(p.AuthValue) > 0 {
			t.Bytes(fAuthValue, at, len(p.AuthValue), p.AuthValue)
		}
		at += len(p.AuthValue)
		t.Bytes(fAuthNonce, at, nonceLen, p.Nonce)
		t.Bytes(fAuthConf, at+nonceLen, confLen, p.Confirmation)
		at += authTrailerLen
		t.Pop()
	}
	if p.HasOrigin {
		t.Push(fOrig, at, originLen)
		t.Uint(fOrigPort, at+originPortOff, 2, uint64(p.OriginPort))
		t.Uint(fOrigPortRw, at+originPortOff, 2, uint64(^p.OriginPort))
		t.Addr(fOrigAddr, at+originAddrOff, 4, p.OriginAddr)
		t.Bytes(fOrigAddrRw, at+originAddrOff, 4, p.originRaw[originAddrOff:])
		t.Pop()
	}
	if p.Bubble() {
		t.Uint(fBubble, off+len(p.Contents), v6HeaderLen, 1)
	}
	p.dissectTrailers(t, off+len(p.Contents)+v6HeaderLen+int(p.innerPlen))
	p.notes(t, off)
	t.Pop()
}

func (p *Teredo) notes(t *dissect.Tree, off int) {
	if p.truncated != "" {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "teredo.truncated", Message: "Teredo " + p.truncated + " cut short: it needs more bytes than the datagram holds", RFC: rfcIndicators, Offset: off, Length: len(p.Contents)})
		return
	}
	if p.tooDeep {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "tunnel.too_deep", Message: "Teredo nested " + strconv.Itoa(p.depth) + " IP headers deep; v6scope stops following tunnels here and shows the rest as data", RFC: "RFC 4380 §5.1", Offset: off + len(p.Contents), Length: len(p.Payload)})
	}
	if p.inError {
		return // a quoted packet proves nothing about who sent it
	}
	inner := off + len(p.Contents)
	if p.bubbleWithPayload() {
		t.Note(dissect.Note{Severity: dissect.NoteSev, Code: "teredo.bubble_payload", Message: "bubble (No Next Header) with " + strconv.Itoa(max(int(p.innerPlen), p.innerRest)) + " bytes of payload; a bubble has none, and what follows No Next Header is ignored", RFC: rfcBubble, Offset: inner, Length: len(p.Payload)})
	}
	if ta, from, port, bad := p.MappingMismatch(); bad {
		where := "the IPv4 source"
		if p.HasOrigin {
			where = "the origin indication"
		}
		// A note, not a warning: captured on the client's side of its NAT,
		// every packet a client sends looks like this.
		t.Note(dissect.Note{Severity: dissect.NoteSev, Code: "teredo.mapping_mismatch", Message: "Teredo source " + p.innerSrc.String() + " maps to " + netip.AddrPortFrom(ta.Client, ta.Port).String() + ", but " + where + " is " + netip.AddrPortFrom(from, port).String() + ": a Teredo peer receiving it so drops it (expected only on the client's side of its NAT)", RFC: rfcReceive, Offset: inner + v6SrcOff, Length: 16})
	}
	if server, bad := p.OriginNotFromServer(); bad {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "teredo.origin_not_server", Message: "origin indication sent by " + netip.AddrPortFrom(p.outerSrc, p.srcPort).String() + ", not by the client's server " + netip.AddrPortFrom(server, Port).String() + " named in " + p.innerDst.String(), RFC: rfcReceive, Offset: off, Length: len(p.Contents)})
	}
}

// Summarize implements dissect.Layer: the IPv6 packet inside writes the
// summary, and Annotate labels it afterwards.
func (p *Teredo) Summarize(s *dissect.Summary) {
	if len(p.Payload) == 0 || p.tooDeep {
		s.Protocol = "Teredo"
		s.Info = s.SetInfo()
		if p.truncated != "" {
			s.Info = append(s.Info, "Teredo (truncated "...)
			s.Info = append(s.Info, p.truncated...)
			s.Info = append(s.Info, ')')
		}
	}
}

var (
	echoRequestInfo = []byte("Echo (ping) request")
	connTestInfo    = "Direct IPv6 Connectivity Test"
)

// Annotate implements dissect.Annotator: it labels bubbles, the Router
// Solicitations and Advertisements of qualification (RFC 4380 §5.2.1) and,
// as tshark does, the Echo Requests of the direct IPv6 connectivity test
// (RFC 4380 §5.2.9), after the layers inside wrote their summary.
func (p *Teredo) Annotate(s *dissect.Summary) {
	if p.annotated || p.inError || !p.hasInner || p.tooDeep {
		return
	}
	p.annotated = true
	switch {
	case p.Bubble():
		s.Protocol = "Teredo"
		s.Info = append(s.SetInfo(), "Teredo bubble"...)
		if p.Discovery() {
			s.Info = append(s.Info, " (local discovery)"...)
		} else if p.HasOrigin || p.dstPort == Port {
			s.Info = append(s.Info, " (indirect, via the server)"...)
		}
	case p.icmpType == icmpRS || p.icmpType == icmpRA:
		s.Info = append(s.Info, " [Teredo qualification]"...)
	case p.icmpType == icmpEchoReq && p.dstPort == Port && bytes.HasPrefix(s.Info, echoRequestInfo):
		// tshark's label for an Echo Request sent to a Teredo server.
		s.Protocol = "Teredo"
		p.scratch = append(p.scratch[:0], connTestInfo...)
		p.scratch = append(p.scratch, s.Info[len(echoRequestInfo):]...)
		s.Info = append(s.SetInfo(), p.scratch...)
	}
}
