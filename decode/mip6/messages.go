package mip6

import (
	"encoding/binary"
	"net/netip"

	"github.com/v6scope/v6scope/decode/dissect"
)

// Offsets of the fixed parts, relative to the start of Message Data (byte
// 6 of the Mobility Header).
//
// Home Test Init and Care-of Test Init (RFC 6275 §6.1.3, §6.1.4):
//
//	                                +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	                                |           Reserved            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                     Home (Care-of) Init Cookie                |
//	+                                                               +
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       Mobility Options ...
//
// Home Test and Care-of Test (RFC 6275 §6.1.5, §6.1.6):
//
//	                                +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	                                | Home (Care-of) Nonce Index    |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	+                  Home (Care-of) Init Cookie                   +
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	+                 Home (Care-of) Keygen Token                   +
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       Mobility Options ...
const (
	cookieLen      = 8
	hotiCookieOff  = 2
	hotiLen        = hotiCookieOff + cookieLen
	hotIndexOff    = 0
	hotCookieOff   = 2
	hotTokenOff    = hotCookieOff + cookieLen
	hotLen         = hotTokenOff + cookieLen
	brrReservedLen = 2
)

// Binding Update (RFC 6275 §6.1.7; flags of RFC 5380, 3963, 5213, 5555,
// 5845, 6602):
//
//	                                +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	                                |          Sequence #           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|A|H|L|K|M|R|P|F|T|B| Reserved  |           Lifetime            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       Mobility Options ...
//
// Binding Acknowledgement (RFC 6275 §6.1.8):
//
//	                                +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	                                |    Status     |K|R|P|T|B| Res |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           Sequence #          |           Lifetime            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       Mobility Options ...
//
// Binding Error (RFC 6275 §6.1.9): Status, Reserved, then the 16-byte
// Home Address.
const (
	buSeqOff   = 0
	buFlagsOff = 2
	buLifeOff  = 4
	buLen      = 6
	baStatOff  = 0
	baFlagsOff = 1
	baSeqOff   = 2
	baLifeOff  = 4
	beStatOff  = 0
	beHoAOff   = 2
	beLen      = beHoAOff + addrLen
	// Fast Binding Update and Acknowledgment share the BU and BA layouts
	// with 8 flag bits (RFC 5568 §6.3.1, §6.3.2); Heartbeat has Reserved,
	// flags and a 32-bit sequence number (RFC 5847 §3.1).
	hbFlagsOff = 1
	hbSeqOff   = 2
	// Home Agent Switch: number of addresses, reserved, addresses
	// (RFC 5142 §3).
	hasFixedLen = 2
	// Handover Initiate and Acknowledge: sequence, flags or reserved,
	// code (RFC 5568 §6.2.4, §6.2.5).
	hiFlagsOff = 2
	hiCodeOff  = 3
	hiLen      = 4
)

// Binding Update flag bits (RFC 6275 §6.1.7 and the RFCs that added bits).
const (
	BUFlagA = 0x8000 // Acknowledge
	BUFlagH = 0x4000 // Home Registration
	BUFlagL = 0x2000 // Link-Local Address Compatibility
	BUFlagK = 0x1000 // Key Management Mobility Capability
	BUFlagM = 0x0800 // MAP Registration (RFC 5380)
	BUFlagR = 0x0400 // Mobile Router (RFC 3963)
	BUFlagP = 0x0200 // Proxy Registration (RFC 5213)
	BUFlagF = 0x0100 // Forcing UDP encapsulation (RFC 5555)
	BUFlagT = 0x0080 // TLV-header format (RFC 5845)
	BUFlagB = 0x0040 // Bulk Binding Update (RFC 6602)
)

// Binding Acknowledgement flag bits (RFC 6275 §6.1.8 and later).
const (
	BAFlagK = 0x80
	BAFlagR = 0x40 // RFC 3963 §4.2
	BAFlagP = 0x20 // RFC 5213 §8.2
	BAFlagT = 0x10 // RFC 5845 §4
	BAFlagB = 0x08 // RFC 6602 §5.2
)

var buFlags = [...]struct {
	f   *dissect.FieldInfo
	bit uint16
}{{fBUFlagA, BUFlagA}, {fBUFlagH, BUFlagH}, {fBUFlagL, BUFlagL}, {fBUFlagK, BUFlagK}, {fBUFlagM, BUFlagM},
	{fBUFlagR, BUFlagR}, {fBUFlagP, BUFlagP}, {fBUFlagF, BUFlagF}, {fBUFlagT, BUFlagT}, {fBUFlagB, BUFlagB}}

var baFlags = [...]struct {
	f   *dissect.FieldInfo
	bit uint16
}{{fBAFlagK, BAFlagK}, {fBAFlagR, BAFlagR}, {fBAFlagP, BAFlagP}, {fBAFlagT, BAFlagT}, {fBAFlagB, BAFlagB}}

// decodeFixed reads the fixed part of the message (b is Message Data,
// holding at least fixedLen bytes).
func (m *Mobility) decodeFixed(b []byte) {
	switch m.Type {
	case TypeHoTI, TypeCoTI:
		m.Cookie = [8]byte(b[hotiCookieOff:])
	case TypeHoT, TypeCoT:
		m.NonceIndex = binary.BigEndian.Uint16(b[hotIndexOff:])
		m.Cookie = [8]byte(b[hotCookieOff:])
		m.KeygenToken = [8]byte(b[hotTokenOff:])
	case TypeBU, TypeFBU:
		m.Sequence = uint32(binary.BigEndian.Uint16(b[buSeqOff:]))
		m.Flags = binary.BigEndian.Uint16(b[buFlagsOff:])
		m.Lifetime = binary.BigEndian.Uint16(b[buLifeOff:])
	case TypeBA, TypeFBack:
		m.Status = b[baStatOff]
		m.Flags = uint16(b[baFlagsOff])
		m.Sequence = uint32(binary.BigEndian.Uint16(b[baSeqOff:]))
		m.Lifetime = binary.BigEndian.Uint16(b[baLifeOff:])
	case TypeBE:
		m.Status = b[beStatOff]
		m.HomeAddress = netip.AddrFrom16([16]byte(b[beHoAOff:]))
	case TypeHB:
		m.Flags = uint16(b[hbFlagsOff])
		m.Sequence = binary.BigEndian.Uint32(b[hbSeqOff:])
	case TypeHI, TypeHAck:
		m.Sequence = uint32(binary.BigEndian.Uint16(b))
		m.Flags = uint16(b[hiFlagsOff])
		m.Status = b[hiCodeOff]
	}
}

// dissectFixed adds the fixed part's fields, under a node named for the
// message as tshark groups them.
func (m *Mobility) dissectFixed(t *dissect.Tree, off int) {
	at := off + dataOffset
	b := m.mh[dataOffset:]
	switch m.Type {
	case TypeBRR:
		t.Bytes(fBRR, at, brrReservedLen, b[:brrReservedLen])
		return
	case TypeFNA:
		t.Bytes(fFNA, at, brrReservedLen, b[:brrReservedLen])
		return
	case TypeEMH:
		t.Bytes(fEMData, at, len(b), b)
		return
	case TypeBRev, TypeLRI, TypeLRA:
		t.Bytes(fData, at, len(b), b)
		return
	}
	if m.fixedLen < 0 || fixedLength(m.Type) < 0 {
		t.Bytes(fUnknown, at, len(b), b)
		return
	}
	t.PushLabel(groupLabel(m.Type), at, m.fixedLen)
	switch m.Type {
	case TypeHoTI:
		t.Uint(fHoTICookie, at+hotiCookieOff, cookieLen, binary.BigEndian.Uint64(m.Cookie[:]))
	case TypeCoTI:
		t.Uint(fCoTICookie, at+hotiCookieOff, cookieLen, binary.BigEndian.Uint64(m.Cookie[:]))
	case TypeHoT, TypeCoT:
		index, cookie := fHoTIndex, fHoTCookie
		if m.Type == TypeCoT {
			index, cookie = fCoTIndex, fCoTCookie
		}
		t.Uint(index, at+hotIndexOff, 2, uint64(m.NonceIndex))
		t.Uint(cookie, at+hotCookieOff, cookieLen, binary.BigEndian.Uint64(m.Cookie[:]))
		t.Uint(fKeygen, at+hotTokenOff, cookieLen, binary.BigEndian.Uint64(m.KeygenToken[:]))
	case TypeBU:
		t.Uint(fBUSeq, at+buSeqOff, 2, uint64(m.Sequence))
		for _, f := range buFlags {
			t.Uint(f.f, at+buFlagsOff, 2, b2u(m.Flags&f.bit != 0))
		}
		t.Uint(fBULife, at+buLifeOff, 2, uint64(m.Lifetime)).Label = lifetimeLabel(m.Lifetime)
	case TypeBA:
		t.Uint(fBAStatus, at+baStatOff, 1, uint64(m.Status))
		for _, f := range baFlags {
			t.Uint(f.f, at+baFlagsOff, 1, b2u(m.Flags&f.bit != 0))
		}
		t.Uint(fBASeq, at+baSeqOff, 2, uint64(m.Sequence))
		t.Uint(fBALife, at+baLifeOff, 2, uint64(m.Lifetime)).Label = lifetimeLabel(m.Lifetime)
	case TypeBE:
		t.Uint(fBEStatus, at+beStatOff, 1, uint64(m.Status))
		t.Addr(fBEHoA, at+beHoAOff, addrLen, m.HomeAddress)
	case TypeFBU:
		t.Uint(fFBUSeq, at+buSeqOff, 2, uint64(m.Sequence))
		for i, f := range [...]*dissect.FieldInfo{fFBUFlagA, fFBUFlagH, fFBUFlagL, fFBUFlagK} {
			t.Uint(f, at+buFlagsOff, 1, b2u(m.Flags&(BUFlagA>>i) != 0))
		}
		t.Uint(fFBULife, at+buLifeOff, 2, uint64(m.Lifetime)).Label = lifetimeLabel(m.Lifetime)
	case TypeFBack:
		t.Uint(fFBackStat, at+baStatOff, 1, uint64(m.Status))
		t.Uint(fFBackK, at+baFlagsOff, 1, b2u(m.Flags&BAFlagK != 0))
		t.Uint(fFBackSeq, at+baSeqOff, 2, uint64(m.Sequence))
		t.Uint(fFBackLife, at+baLifeOff, 2, uint64(m.Lifetime)).Label = lifetimeLabel(m.Lifetime)
	case TypeHAS:
		t.Uint(fHASNum, at, 1, uint64(b[0]))
		t.Uint(fHASRes, at+1, 1, uint64(b[1]))
		for i := hasFixedLen; i+addrLen <= m.fixedLen; i += addrLen {
			t.Addr(fHASAddr, at+i, addrLen, netip.AddrFrom16([16]byte(b[i:])))
		}
	case TypeHB:
		t.Uint(fHBFlagU, at+hbFlagsOff, 1, b2u(m.Flags&0x02 != 0))
		t.Uint(fHBFlagR, at+hbFlagsOff, 1, b2u(m.Flags&0x01 != 0))
		t.Uint(fHBSeq, at+hbSeqOff, 4, uint64(m.Sequence))
	case TypeHI:
		t.Uint(fHISeq, at, 2, uint64(m.Sequence))
		t.Uint(fHIFlagS, at+hiFlagsOff, 1, b2u(m.Flags&0x80 != 0))
		t.Uint(fHIFlagU, at+hiFlagsOff, 1, b2u(m.Flags&0x40 != 0))
		t.Uint(fHICode, at+hiCodeOff, 1, uint64(m.Status))
	case TypeHAck:
		t.Uint(fHAckSeq, at, 2, uint64(m.Sequence))
		t.Uint(fHAckCode, at+hiCodeOff, 1, uint64(m.Status))
	}
	t.Pop()
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// groupLabel names the node holding a message's fixed fields.
func groupLabel(typ uint8) string {
	if typ == TypeFBack {
		return "Fast Binding Acknowledgement"
	}
	return typeNames[typ]
}

// lifetimeLabels and refreshLabels cache "Lifetime: N (4N seconds)" and
// "Refresh interval: N (4N seconds)" for the common values, so that a
// dissection allocates nothing; others are built on demand.
var lifetimeLabels, refreshLabels = unitsLabels("Lifetime: "), unitsLabels("Refresh interval: ")

func unitsLabels(prefix string) (l [1024]string) {
	for i := range l {
		l[i] = prefix + itoa(i) + " (" + itoa(i*lifetimeUnits) + " seconds)"
	}
	return l
}

func unitsLabel(cache *[1024]string, prefix string, v uint16) string {
	if int(v) < len(cache) {
		return cache[v]
	}
	return prefix + itoa(int(v)) + " (" + itoa(int(v)*lifetimeUnits) + " seconds)"
}

func lifetimeLabel(v uint16) string { return unitsLabel(&lifetimeLabels, "Lifetime: ", v) }

// Lifetime values in seconds.

// LifetimeSeconds returns the BU, BA, FBU or FBack lifetime in seconds.
func (m *Mobility) LifetimeSeconds() int { return int(m.Lifetime) * lifetimeUnits }
