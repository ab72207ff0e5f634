package replay

import (
	"bytes"
	"encoding/binary"
	"net"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/teredo"
)

// Link layer (IEEE 802.3, IEEE 802.1Q; Linux cooked capture v1 and v2;
// BSD loopback).
const (
	ethDstOff    = 0
	ethSrcOff    = 6
	ethTypeOff   = 12
	ethHeaderLen = 14
	vlanTagLen   = 4
	sllProtoOff  = 14
	sllLen       = 16
	sll2ProtoOff = 0
	sll2Len      = 20
	nullLen      = 4

	etherTypeIPv4 = 0x0800
	etherTypeIPv6 = 0x86dd
	etherTypeVLAN = 0x8100
	etherTypeQinQ = 0x88a8
	maxVLANTags   = 2
)

// IPv4 header (RFC 791 §3.1).
const (
	v4MinHeader   = 20
	v4LenOff      = 2
	v4FragOff     = 6
	v4FragMask    = 0x1fff
	v4ProtoOff    = 9
	v4CsumOff     = 10
	v4SrcOff      = 12
	v4DstOff      = 16
	v4AddrLen     = 4
	v4IHLUnitsLen = 4
)

// IPv6 header (RFC 8200 §3) and extension headers (§4).
const (
	v6HeaderLen = 40
	v6PlenOff   = 4
	v6NextOff   = 6
	v6SrcOff    = 8
	v6DstOff    = 24
	v6AddrLen   = 16
	extLenUnit  = 8 // Hdr Ext Len counts 8-octet units, not including the first 8

	fragHeaderLen = 8
	fragOffOff    = 2
	fragOffMask   = 0xfff8

	// Routing header (RFC 8200 §4.4); types 0 (deprecated, RFC 5095) and
	// 2 (RFC 6275 §6.4) carry a list of addresses after 8 octets.
	rhTypeOff     = 2
	rhSegLeftOff  = 3
	rhAddrsOff    = 8
	rhType0       = 0
	rhType2       = 2
	optPad1       = 0
	optHomeAddr   = 0xc9 // Home Address option (RFC 6275 §6.3)
	optHomeAddrSz = 16
	ahLenUnit     = 4 // AH Payload Len counts 4-octet units minus 2 (RFC 4302 §2.2)
)

// Protocol numbers (IANA).
const (
	protoHopByHop = 0
	protoICMP     = 1
	protoIPv4     = 4
	protoTCP      = 6
	protoUDP      = 17
	protoIPv6     = 41
	protoRouting  = 43
	protoFragment = 44
	protoAH       = 51
	protoICMPv6   = 58
	protoDstOpts  = 60
	protoMobility = 135
)

// Upper layers: where each checksum sits.
const (
	udpHeaderLen  = 8
	udpLenOff     = 4
	udpCsumOff    = 6
	tcpCsumOff    = 16 // RFC 9293 §3.1
	tcpMinHeader  = 20
	icmpCsumOff   = 2 // RFC 792, RFC 4443 §2.1
	icmpHeaderLen = 8
	mhCsumOff     = 4 // RFC 6275 §6.1.1
	mhMinLen      = 6

	ndTargetOff        = 8  // NS, NA, Redirect Target Address (RFC 4861 §4.3, §4.4, §4.5)
	redirectDstOff     = 24 // Redirect Destination Address (RFC 4861 §4.5)
	redirectOptsOff    = 40 // options after the Redirect's two addresses
	ndOptUnit          = 8  // ND option Length counts 8-octet units (RFC 4861 §4.6)
	ndOptRedirected    = 4  // Redirected Header option (RFC 4861 §4.6.3)
	ndOptRedirectedHdr = 8  // type, length, 6 reserved octets, then the packet
	icmpv6NS           = 135
	icmpv6NA           = 136
	icmpv6Redirect     = 137
	icmpv6ErrorMax     = 127 // types 0-127 are errors and quote the invoking packet (RFC 4443 §2.1)
	icmpv4Unreach      = 3
	icmpv4Quench       = 4
	icmpv4Redirect     = 5
	icmpv4TimeExceed   = 11
	icmpv4ParamProb    = 12

	teredoAuthType    = 0x0001 // RFC 4380 §5.1.1
	teredoAuthFixed   = 4
	teredoAuthTrailer = 9 // nonce 8 + confirmation 1
	teredoOriginType  = 0x0000
	teredoOriginAddr  = 4
	teredoOriginLen   = 8
)

// maxDepth bounds the nesting of IP headers the rewriter follows.
const maxDepth = 8

// Rewriter changes frames in place: MAC addresses of an Ethernet frame and
// IP addresses anywhere in it, then every checksum that covers a changed
// byte. It is not safe for concurrent use.
type Rewriter struct {
	SrcMAC, DstMAC net.HardwareAddr // nil: unchanged
	// Ethernet, when set, has Prepare put frames of other link types into
	// Ethernet frames before rewriting them (see EthernetHeader).
	Ethernet *EthernetHeader
	maps     mapSet
	old      []byte
}

// NewRewriter returns a Rewriter with the given MACs (nil: unchanged) and
// address maps (most specific first when they overlap).
func NewRewriter(src, dst net.HardwareAddr, maps []IPMap) *Rewriter {
	return &Rewriter{SrcMAC: src, DstMAC: dst, maps: newMapSet(maps)}
}

// Active reports whether the rewriter changes anything.
func (r *Rewriter) Active() bool {
	return r != nil && (r.SrcMAC != nil || r.DstMAC != nil || !r.maps.empty())
}

// Rewrite rewrites frame b of link type lt in place; it never changes its
// length. What it does not understand it leaves alone.
func (r *Rewriter) Rewrite(lt capture.LinkType, b []byte) {
	if !r.Active() {
		return
	}
	off, etype := linkHeader(lt, b)
	if lt == capture.LinkEthernet && len(b) >= ethHeaderLen {
		if r.DstMAC != nil {
			copy(b[ethDstOff:ethDstOff+6], r.DstMAC)
		}
		if r.SrcMAC != nil {
			copy(b[ethSrcOff:ethSrcOff+6], r.SrcMAC)
		}
	}
	if r.maps.empty() || off < 0 {
		return
	}
	r.old = append(r.old[:0], b...)
	w := walker{maps: &r.maps, old: r.old, b: b}
	switch etype {
	case etherTypeIPv4:
		w.ipv4(off, 0)
	case etherTypeIPv6:
		w.ipv6(off, 0)
	}
}

// linkHeader returns where the network layer starts and its EtherType, or
// -1 when the frame carries neither IPv4 nor IPv6.
func linkHeader(lt capture.LinkType, b []byte) (int, uint16) {
	switch lt {
	case capture.LinkEthernet:
		off := ethTypeOff
		for i := 0; ; i++ {
			if len(b) < off+2 {
				return -1, 0
			}
			et := binary.BigEndian.Uint16(b[off:])
			if (et == etherTypeVLAN || et == etherTypeQinQ) && i < maxVLANTags {
				off += vlanTagLen
				continue
			}
			return off + 2, et
		}
	case capture.LinkLinuxSLL:
		if len(b) < sllLen {
			return -1, 0
		}
		return sllLen, binary.BigEndian.Uint16(b[sllProtoOff:])
	case capture.LinkLinuxSLL2:
		if len(b) < sll2Len {
			return -1, 0
		}
		return sll2Len, binary.BigEndian.Uint16(b[sll2ProtoOff:])
	case capture.LinkNull, capture.LinkLoop:
		return versionOf(b, nullLen)
	case capture.LinkRaw, capture.LinkIPv4, capture.LinkIPv6:
		return versionOf(b, 0)
	}
	return -1, 0
}

func versionOf(b []byte, off int) (int, uint16) {
	if len(b) <= off {
		return -1, 0
	}
	switch b[off] >> 4 {
	case 4:
		return off, etherTypeIPv4
	case 6:
		return off, etherTypeIPv6
	}
	return -1, 0
}

// walker rewrites one frame: b is the frame being changed, old a copy of
// it as it was; lengths never change, so an offset means the same in both.
type walker struct {
	maps *mapSet
	old  []byte
	b    []byte
}

// end returns the end of a header's payload: start+length, or the end of
// what was captured when that is shorter (or length is 0, a jumbogram).
func (w *walker) end(start, length int) int {
	if length == 0 || start+length > len(w.b) {
		return len(w.b)
	}
	return start + length
}

func (w *walker) addr(off, n int) {
	if off+n <= len(w.b) {
		w.maps.addr(w.b[off : off+n])
	}
}

// pseudo returns the pseudo-header sums (proto and length left out: they
// do not change) over the given addresses, in the old and new frame.
func (w *walker) pseudo(srcOff, dstOff, n int) (oldSum, newSum uint32) {
	if srcOff < 0 || dstOff < 0 || srcOff+n > len(w.b) || dstOff+n > len(w.b) {
		return 0, 0
	}
	oldSum = dissect.Sum(dissect.Sum(0, w.old[srcOff:srcOff+n]), w.old[dstOff:dstOff+n])
	newSum = dissect.Sum(dissect.Sum(0, w.b[srcOff:srcOff+n]), w.b[dstOff:dstOff+n])
	return oldSum, newSum
}

// fix updates the checksum at ck, which covers [start, end) and a
// pseudo-header whose sums are oldP and newP, by RFC 1624 eqn. 3:
// HC' = ~(~HC + ~m + m'), where m and m' are the sums of everything the
// checksum covers before and after. The checksum field itself counts as
// zero in both. zeroMeansNone: UDP over IPv4, where 0 means "no
// checksum" (RFC 768), and a computed 0 is sent as 0xffff.
func (w *walker) fix(start, end, ck int, oldP, newP uint32, zeroMeansNone bool) {
	if ck+2 > len(w.b) || ck+2 > end {
		return
	}
	if oldP == newP && bytes.Equal(w.old[start:end], w.b[start:end]) {
		return
	}
	hc := binary.BigEndian.Uint16(w.b[ck:])
	if zeroMeansNone && hc == 0 {
		return
	}
	m := dissect.Sum(dissect.Sum(oldP, w.old[start:ck]), w.old[ck+2:end])
	m2 := dissect.Sum(dissect.Sum(newP, w.b[start:ck]), w.b[ck+2:end])
	sum := uint32(^hc) + uint32(^fold16(m)) + uint32(fold16(m2))
	nc := ^fold16(sum)
	if zeroMeansNone && nc == 0 {
		nc = 0xffff
	}
	binary.BigEndian.PutUint16(w.b[ck:], nc)
}

// fold16 folds a running sum to 16 bits (not complemented).
func fold16(s uint32) uint16 {
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

func (w *walker) ipv4(off, depth int) {
	b := w.b
	if depth > maxDepth || len(b) < off+v4MinHeader || b[off]>>4 != 4 {
		return
	}
	hl := int(b[off]&0x0f) * v4IHLUnitsLen
	if hl < v4MinHeader || len(b) < off+hl {
		return
	}
	w.addr(off+v4SrcOff, v4AddrLen)
	w.addr(off+v4DstOff, v4AddrLen)
	end := w.end(off, int(binary.BigEndian.Uint16(b[off+v4LenOff:])))
	if end > off+hl && binary.BigEndian.Uint16(b[off+v4FragOff:])&v4FragMask == 0 {
		// A first fragment (or a whole datagram): the upper-layer header
		// is here. The checksum of the reassembled datagram changes by
		// what changes in this fragment and the pseudo-header.
		w.upper(b[off+v4ProtoOff], off+hl, end, off+v4SrcOff, off+v4DstOff, v4AddrLen, depth)
	}
	w.fix(off, off+hl, off+v4CsumOff, 0, 0, false)
}

func (w *walker) ipv6(off, depth int) {
	b := w.b
	if depth > maxDepth || len(b) < off+v6HeaderLen || b[off]>>4 != 6 {
		return
	}
	w.addr(off+v6SrcOff, v6AddrLen)
	w.addr(off+v6DstOff, v6AddrLen)
	end := w.end(off+v6HeaderLen, int(binary.BigEndian.Uint16(b[off+v6PlenOff:])))
	next := b[off+v6NextOff]
	srcOff, dstOff := off+v6SrcOff, off+v6DstOff
	p := off + v6HeaderLen
	for p < end {
		switch next {
		case protoHopByHop, protoDstOpts, protoRouting:
			if p+2 > end {
				return
			}
			hlen := (int(b[p+1]) + 1) * extLenUnit
			if p+hlen > end {
				return
			}
			switch next {
			case protoDstOpts:
				if hao := w.homeAddress(p, p+hlen); hao >= 0 {
					srcOff = hao // RFC 6275 §6.3: the checksum uses the home address
				}
			case protoRouting:
				if last := w.routing(p, hlen); last >= 0 {
					dstOff = last // RFC 8200 §8.1: the final destination
				}
			}
			next, p = b[p], p+hlen
		case protoFragment:
			if p+fragHeaderLen > end {
				return
			}
			if binary.BigEndian.Uint16(b[p+fragOffOff:])&fragOffMask != 0 {
				return // not the first fragment: no upper-layer header here
			}
			next, p = b[p], p+fragHeaderLen
		case protoAH:
			if p+2 > end {
				return
			}
			next, p = b[p], p+(int(b[p+1])+2)*ahLenUnit
		default:
			w.upper(next, p, end, srcOff, dstOff, v6AddrLen, depth)
			return
		}
	}
}

// homeAddress rewrites a Home Address option in the Destination Options
// header at [p, end) and returns the offset of its address, or -1.
func (w *walker) homeAddress(p, end int) int {
	b := w.b
	found := -1
	for o := p + 2; o < end; {
		if b[o] == optPad1 {
			o++
			continue
		}
		if o+2 > end {
			break
		}
		n := int(b[o+1])
		if o+2+n > end {
			break
		}
		if b[o] == optHomeAddr && n == optHomeAddrSz {
			w.addr(o+2, v6AddrLen)
			found = o + 2
		}
		o += 2 + n
	}
	return found
}

// routing rewrites the addresses of a type 0 or type 2 routing header and
// returns the offset of the final destination when the packet has not yet
// reached it (Segments Left > 0), or -1.
func (w *walker) routing(p, hlen int) int {
	b := w.b
	if hlen < rhAddrsOff {
		return -1
	}
	if t := b[p+rhTypeOff]; t != rhType0 && t != rhType2 {
		return -1
	}
	n := (hlen - rhAddrsOff) / v6AddrLen
	for i := 0; i < n; i++ {
		w.addr(p+rhAddrsOff+i*v6AddrLen, v6AddrLen)
	}
	if n == 0 || b[p+rhSegLeftOff] == 0 {
		return -1
	}
	return p + rhAddrsOff + (n-1)*v6AddrLen
}

// upper handles the upper-layer protocol at [p, end), whose pseudo-header
// addresses are at srcOff and dstOff (n bytes each).
func (w *walker) upper(proto byte, p, end, srcOff, dstOff, n, depth int) {
	b := w.b
	oldP, newP := w.pseudo(srcOff, dstOff, n)
	switch proto {
	case protoIPv4:
		w.ipv4(p, depth+1)
	case protoIPv6:
		w.ipv6(p, depth+1)
	case protoUDP:
		if end-p < udpHeaderLen {
			return
		}
		ulen := int(binary.BigEndian.Uint16(b[p+udpLenOff:]))
		if ulen >= udpHeaderLen && p+ulen < end {
			end = p + ulen
		}
		if w.teredo(p, end, ulen) {
			w.teredoPayload(p+udpHeaderLen, end, depth)
		}
		w.fix(p, end, p+udpCsumOff, oldP, newP, n == v4AddrLen)
	case protoTCP:
		if end-p < tcpMinHeader {
			return
		}
		w.fix(p, end, p+tcpCsumOff, oldP, newP, false)
	case protoICMPv6:
		if end-p < icmpHeaderLen {
			return
		}
		switch t := b[p]; {
		case t <= icmpv6ErrorMax:
			w.quoted(p+icmpHeaderLen, depth, true)
		case t == icmpv6NS || t == icmpv6NA:
			w.addr(p+ndTargetOff, v6AddrLen)
		case t == icmpv6Redirect:
			w.addr(p+ndTargetOff, v6AddrLen)
			w.addr(p+redirectDstOff, v6AddrLen)
			w.redirectedHeader(p+redirectOptsOff, end, depth)
		}
		w.fix(p, end, p+icmpCsumOff, oldP, newP, false)
	case protoICMP:
		if end-p < icmpHeaderLen {
			return
		}
		switch b[p] {
		case icmpv4Unreach, icmpv4Quench, icmpv4Redirect, icmpv4TimeExceed, icmpv4ParamProb:
			w.quoted(p+icmpHeaderLen, depth, false)
		}
		w.fix(p, end, p+icmpCsumOff, 0, 0, false) // no pseudo-header (RFC 792)
	case protoMobility:
		if end-p < mhMinLen {
			return
		}
		w.fix(p, end, p+mhCsumOff, oldP, newP, false)
	}
}

// redirectedHeader rewrites the packet a Redirect's Redirected Header
// option quotes (RFC 4861 §4.6.3).
func (w *walker) redirectedHeader(p, end, depth int) {
	for p+2 <= end {
		n := int(w.b[p+1]) * ndOptUnit
		if n == 0 || p+n > end {
			return
		}
		if w.b[p] == ndOptRedirected && n > ndOptRedirectedHdr {
			w.quoted(p+ndOptRedirectedHdr, depth, true)
		}
		p += n
	}
}

// quoted rewrites the invoking packet an ICMP error quotes.
func (w *walker) quoted(p, depth int, v6 bool) {
	if p >= len(w.b) {
		return
	}
	if v6 && w.b[p]>>4 == 6 {
		w.ipv6(p, depth+1)
	} else if !v6 && w.b[p]>>4 == 4 {
		w.ipv4(p, depth+1)
	}
}

// teredo reports whether the UDP datagram at p carries Teredo: port 3544
// on either side, or a payload shaped like one (teredo.Match, the
// heuristic the decoder uses by default).
func (w *walker) teredo(p, end, ulen int) bool {
	b := w.b
	if binary.BigEndian.Uint16(b[p:]) == teredo.Port || binary.BigEndian.Uint16(b[p+2:]) == teredo.Port {
		return true
	}
	return teredo.Match(b[p+udpHeaderLen:end], ulen-udpHeaderLen)
}

// teredoPayload rewrites the indicators' origin address (obfuscated,
// RFC 4380 §5.1.1) and the encapsulated IPv6 packet.
func (w *walker) teredoPayload(p, end, depth int) {
	b := w.b
	if p+2 <= end && binary.BigEndian.Uint16(b[p:]) == teredoAuthType {
		if p+teredoAuthFixed > end {
			return
		}
		p += teredoAuthFixed + int(b[p+2]) + int(b[p+3]) + teredoAuthTrailer
	}
	if p+2 <= end && binary.BigEndian.Uint16(b[p:]) == teredoOriginType {
		if p+teredoOriginLen > end {
			return
		}
		a := b[p+teredoOriginAddr : p+teredoOriginAddr+v4AddrLen]
		for i := range a {
			a[i] = ^a[i]
		}
		w.maps.addr(a)
		for i := range a {
			a[i] = ^a[i]
		}
		p += teredoOriginLen
	}
	if p < end && b[p]>>4 == 6 {
		w.ipv6(p, depth+1)
	}
}
