package teredo

import (
	"encoding/binary"
	"net/netip"

	"github.com/v6scope/v6scope/decode/dissect"
)

// Trailers (RFC 6081 §4) follow the IPv6 packet inside the UDP payload:
// the IPv6 Payload Length says where the packet ends, and what is left
// is a list of type-length-value items.
//
//	+--------+--------+-------------------+
//	|  Type  | Length | Value (Length oct.)
//	+--------+--------+-------------------+
const (
	trailerHeaderLen = 2 // type, length

	// TrailerNonce ties a bubble to the one it answers (RFC 6081 §4.2):
	// a 4-byte nonce.
	TrailerNonce = 0x01
	// TrailerAltAddress lists other IPv4 addresses and ports the sender
	// can be reached at, for a peer behind the same NAT (RFC 6081 §4.3,
	// the Hairpinning Extension of §3.5): 2 reserved bytes, then 6 bytes
	// (address, port) per entry.
	TrailerAltAddress = 0x03
	// TrailerND carries a discovery type, solicitation (0) or
	// advertisement (1), in direct bubbles that refresh a peer without the
	// server (RFC 6081 §4.4, the Server Load Reduction Extension of §3.6).
	TrailerND = 0x04
	// TrailerRandomPort carries a port the sender predicts its NAT will
	// map next (RFC 6081 §4.5, the Sequential Port-Symmetric NAT
	// Extension of §3.4).
	TrailerRandomPort = 0x05

	nonceTrailerLen  = 4
	altReservedLen   = 2
	altEntryLen      = 6 // IPv4 address, port
	ndTrailerLen     = 4 // discovery type, 3 bytes of padding
	randomTrailerLen = 2

	// maxTrailers bounds the trailers one packet is read for: four types
	// exist, and a sender has no reason to repeat one.
	maxTrailers = 8
)

// ND trailer discovery types (RFC 6081 §4.4).
const (
	NDSolicitation  = 0
	NDAdvertisement = 1
)

// Trailer is one RFC 6081 trailer: its type and value (the bytes after
// the length octet).
type Trailer struct {
	Type  uint8
	Value []byte
}

// trailerFits reports whether a value of n bytes has the size RFC 6081 §4
// gives a trailer of type typ; false for a type it does not define.
func trailerFits(typ uint8, n int) bool {
	switch typ {
	case TrailerNonce:
		return n == nonceTrailerLen
	case TrailerAltAddress:
		return n >= altReservedLen+altEntryLen && (n-altReservedLen)%altEntryLen == 0
	case TrailerND:
		return n == ndTrailerLen
	case TrailerRandomPort:
		return n == randomTrailerLen
	}
	return false
}

// parseTrailers reads b as a list of trailers into dst. ok is false when
// b is not exactly such a list: an item runs past the end, has a type RFC
// 6081 does not define or a length its type does not allow, or there are
// more than maxTrailers. Bytes that are not trailers are left to the
// payload checks.
func parseTrailers(dst []Trailer, b []byte) (_ []Trailer, ok bool) {
	dst = dst[:0]
	for len(b) > 0 {
		if len(b) < trailerHeaderLen || len(dst) == maxTrailers {
			return dst[:0], false
		}
		typ, n := b[0], int(b[1])
		if len(b) < trailerHeaderLen+n || !trailerFits(typ, n) {
			return dst[:0], false
		}
		dst = append(dst, Trailer{Type: typ, Value: b[trailerHeaderLen : trailerHeaderLen+n]})
		b = b[trailerHeaderLen+n:]
	}
	return dst, len(dst) > 0
}

// Trailer returns the first trailer of type typ, if the packet has one.
func (p *Teredo) Trailer(typ uint8) (Trailer, bool) {
	for _, t := range p.Trailers {
		if t.Type == typ {
			return t, true
		}
	}
	return Trailer{}, false
}

// AltAddresses appends to dst the addresses and ports of the packet's
// Alternate Address trailer (RFC 6081 §4.3).
func (p *Teredo) AltAddresses(dst []netip.AddrPort) []netip.AddrPort {
	t, ok := p.Trailer(TrailerAltAddress)
	if !ok {
		return dst
	}
	for b := t.Value[altReservedLen:]; len(b) >= altEntryLen; b = b[altEntryLen:] {
		dst = append(dst, netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[:4])), binary.BigEndian.Uint16(b[4:])))
	}
	return dst
}

// NDDiscoveryType returns the discovery type of the packet's Neighbor
// Discovery Option trailer (RFC 6081 §4.4).
func (p *Teredo) NDDiscoveryType() (uint8, bool) {
	t, ok := p.Trailer(TrailerND)
	if !ok {
		return 0, false
	}
	return t.Value[0], true
}

// RandomPort returns the port of the packet's Random Port trailer (RFC
// 6081 §4.5).
func (p *Teredo) RandomPort() (uint16, bool) {
	t, ok := p.Trailer(TrailerRandomPort)
	if !ok {
		return 0, false
	}
	return binary.BigEndian.Uint16(t.Value), true
}

// dissectTrailers adds the trailers, which start at frame offset at.
func (p *Teredo) dissectTrailers(t *dissect.Tree, at int) {
	for _, tr := range p.Trailers {
		n := trailerHeaderLen + len(tr.Value)
		t.Push(fTrailer, at, n)
		t.Uint(fTrType, at, 1, uint64(tr.Type))
		t.Uint(fTrLen, at+1, 1, uint64(len(tr.Value)))
		v := at + trailerHeaderLen
		switch tr.Type {
		case TrailerNonce:
			t.Bytes(fTrNonce, v, len(tr.Value), tr.Value)
		case TrailerAltAddress:
			for i := altReservedLen; i+altEntryLen <= len(tr.Value); i += altEntryLen {
				t.Addr(fTrAltAddr, v+i, 4, netip.AddrFrom4([4]byte(tr.Value[i:i+4])))
				t.Uint(fTrAltPort, v+i+4, 2, uint64(binary.BigEndian.Uint16(tr.Value[i+4:])))
			}
		case TrailerND:
			t.Uint(fTrND, v, 1, uint64(tr.Value[0]))
		case TrailerRandomPort:
			t.Uint(fTrPort, v, 2, uint64(binary.BigEndian.Uint16(tr.Value)))
		}
		t.Pop()
		at += n
	}
}
