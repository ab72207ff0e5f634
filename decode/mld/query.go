package mld

import "github.com/v6scope/v6scope/decode/dissect"

// MLDv2 Query (RFC 3810 §5.1): the MLDv1 format (see v1.go) followed by
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	| Resv  |S| QRV |     QQIC      |     Number of Sources (N)     |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       Source Address [1]                      |
//	.                              ...                              .
//	|                       Source Address [N]                      |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// where the MLDv1 Maximum Response Delay has become the Maximum Response
// Code.
const (
	flagsOffset      = 24 // RFC 3810 §5.1.6-§5.1.8
	qqicOffset       = 25 // RFC 3810 §5.1.9
	numSourcesOffset = 26 // RFC 3810 §5.1.10
	numSourcesLen    = 2  //
	sourcesOffset    = 28 // RFC 3810 §5.1.11
	v2QueryMinLen    = 28 // RFC 3810 §8.1: an MLDv2 Query is at least 28 octets

	flagS        = 0x08 // RFC 3810 §5.1.7
	flagQRVMask  = 0x07 // RFC 3810 §5.1.8
	flagResvBits = 4    // RFC 3810 §5.1.6: the four high bits
)

// Floating-point forms of the Maximum Response Code (RFC 3810 §5.1.3) and
// of the QQIC (§5.1.9): when the high bit is set, the rest is a 3-bit
// exponent and a mantissa, and the value is (mant | implicit bit) <<
// (exp + 3).
const (
	mrcFloat     = 0x8000
	mrcExpShift  = 12
	mrcMantMask  = 0x0fff
	mrcMantBit   = 0x1000
	qqicFloat    = 0x80
	qqicExpShift = 4
	qqicMantMask = 0x0f
	qqicMantBit  = 0x10
	floatExpMask = 0x7
	floatExpBias = 3
)

// MaxResponseDelay returns the Maximum Response Delay in milliseconds that
// an MLDv2 Maximum Response Code stands for (RFC 3810 §5.1.3): the code
// itself below 32768, else
//
//	Maximum Response Delay = (mant | 0x1000) << (exp+3)
//
// up to 8387584 ms for 0xffff.
func MaxResponseDelay(code uint16) uint32 {
	if code < mrcFloat {
		return uint32(code)
	}
	exp := code >> mrcExpShift & floatExpMask
	mant := uint32(code&mrcMantMask | mrcMantBit)
	return mant << (exp + floatExpBias)
}

// QueryInterval returns the Querier's Query Interval in seconds that a
// QQIC stands for (RFC 3810 §5.1.9): the code itself below 128, else
//
//	QQI = (mant | 0x10) << (exp + 3)
//
// up to 31744 s for 0xff.
func QueryInterval(qqic uint8) uint32 {
	if qqic < qqicFloat {
		return uint32(qqic)
	}
	exp := qqic >> qqicExpShift & floatExpMask
	mant := uint32(qqic&qqicMantMask | qqicMantBit)
	return mant << (exp + floatExpBias)
}

// MaxResponseDelay returns the message's Maximum Response Delay in
// milliseconds: the MLDv1 field as it stands, or the MLDv2 code decoded.
func (m *MLD) MaxResponseDelay() uint32 {
	if m.Version == 2 {
		return MaxResponseDelay(m.MaxResp)
	}
	return uint32(m.MaxResp)
}

// QueryInterval returns the Querier's Query Interval in seconds of an MLDv2
// Query (RFC 3810 §5.1.9).
func (m *MLD) QueryInterval() uint32 { return QueryInterval(m.QQIC) }

// S reports the Suppress Router-Side Processing flag of an MLDv2 Query
// (RFC 3810 §5.1.7).
func (m *MLD) S() bool { return m.Flags&flagS != 0 }

// QRV returns the Querier's Robustness Variable of an MLDv2 Query
// (RFC 3810 §5.1.8).
func (m *MLD) QRV() uint8 { return m.Flags & flagQRVMask }

// decodeQuery tells an MLDv1 Query from an MLDv2 one by its length
// (RFC 3810 §8.1) and decodes it.
func (m *MLD) decodeQuery(data []byte) {
	switch {
	case len(data) >= v2QueryMinLen:
		m.Version = 2
		m.decodeQueryV2(data)
	case len(data) >= v1Len:
		// 24 octets is MLDv1; 25 to 27 match neither version: "Query
		// messages that do not match any of the above conditions ... MUST
		// be silently ignored" (RFC 3810 §8.1). Shown as MLDv1, as tshark
		// shows them, with a note (check.go).
		m.Version = 1
		m.decodeV1(data)
	default:
		m.decodeV1(data) // too short to tell; Version stays 0
	}
}

func (m *MLD) decodeQueryV2(data []byte) {
	m.MaxResp = be16(data, maxRespOffset)
	m.Reserved = be16(data, reservedOffset)
	m.Group = addr(data, groupOffset)
	m.Flags = data[flagsOffset]
	m.QQIC = data[qqicOffset]
	m.NumSources = be16(data, numSourcesOffset)
	// Check the count against the length once; then read what is there.
	n := int(m.NumSources)
	if room := (len(data) - sourcesOffset) / addrLen; n > room {
		n = room
		m.Short = true
	}
	for i := range n {
		m.Sources = append(m.Sources, addr(data, sourcesOffset+i*addrLen))
	}
	// RFC 3810 §5.1.12: additional octets are counted in the checksum and
	// otherwise ignored.
	if end := sourcesOffset + n*addrLen; !m.Short && end < len(data) {
		m.Additional = data[end:]
	}
}

// dissectQueryV2 adds the fields of an MLDv2 Query. tshark shows the
// Maximum Response Code and the QQIC as the delay and interval they stand
// for; v6scope does too, with the codes themselves beneath.
func (m *MLD) dissectQueryV2(t *dissect.Tree, off int) {
	b := m.Contents
	t.Push(fMaxCode, off+maxRespOffset, maxRespLen).U = uint64(MaxResponseDelay(m.MaxResp))
	t.Uint(fMaxCodeRaw, off+maxRespOffset, maxRespLen, uint64(m.MaxResp))
	t.Pop()
	t.Bytes(fReserved, off+reservedOffset, reservedLen, b[reservedOffset:reservedOffset+reservedLen])
	t.Addr(fGroup, off+groupOffset, addrLen, m.Group)
	t.Push(fFlags, off+flagsOffset, 1).U = uint64(m.Flags)
	t.Uint(fFlagS, off+flagsOffset, 1, uint64(m.Flags&flagS>>3))
	t.Uint(fFlagQRV, off+flagsOffset, 1, uint64(m.QRV()))
	t.Uint(fFlagResv, off+flagsOffset, 1, uint64(m.Flags>>flagResvBits))
	t.Pop()
	t.Push(fQQI, off+qqicOffset, 1).U = uint64(m.QueryInterval())
	t.Uint(fQQICRaw, off+qqicOffset, 1, uint64(m.QQIC))
	t.Pop()
	t.Uint(fNumSources, off+numSourcesOffset, numSourcesLen, uint64(m.NumSources))
	for i, a := range m.Sources {
		t.Addr(fSource, off+sourcesOffset+i*addrLen, addrLen, a)
	}
}
