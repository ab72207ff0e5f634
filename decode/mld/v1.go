package mld

import "github.com/v6scope/v6scope/decode/dissect"

// MLDv1 message: Query, Report and Done share one format (RFC 2710 §3):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Type      |     Code      |          Checksum             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Maximum Response Delay    |          Reserved             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                                                               |
//	+                                                               +
//	|                                                               |
//	+                       Multicast Address                       +
//	|                                                               |
//	+                                                               +
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
const (
	maxRespOffset  = 4  // RFC 2710 §3.4; Maximum Response Code in RFC 3810 §5.1.3
	maxRespLen     = 2  //
	reservedOffset = 6  // RFC 2710 §3.5; RFC 3810 §5.1.4
	reservedLen    = 2  //
	groupOffset    = 8  // RFC 2710 §3.6; RFC 3810 §5.1.5
	v1Len          = 24 // RFC 2710 §3: the whole MLDv1 message
)

// decodeV1 decodes an MLDv1 message, or a Query that is not MLDv2.
func (m *MLD) decodeV1(data []byte) {
	if has(data, maxRespOffset, maxRespLen) {
		m.MaxResp = be16(data, maxRespOffset)
	}
	if has(data, reservedOffset, reservedLen) {
		m.Reserved = be16(data, reservedOffset)
	}
	if has(data, groupOffset, addrLen) {
		m.Group = addr(data, groupOffset)
	}
	if len(data) < v1Len {
		m.Short = true
		return
	}
	// RFC 2710 §3.7: an implementation "MUST ignore anything past the
	// first 24 octets of a received MLD message".
	if len(data) > v1Len {
		m.Additional = data[v1Len:]
	}
}

// dissectV1 adds the fields of an MLDv1 message, as far as it goes.
func (m *MLD) dissectV1(t *dissect.Tree, off int) {
	b := m.Contents
	if has(b, maxRespOffset, maxRespLen) {
		t.Uint(fMaxDelay, off+maxRespOffset, maxRespLen, uint64(m.MaxResp))
	}
	if has(b, reservedOffset, reservedLen) {
		t.Bytes(fReserved, off+reservedOffset, reservedLen, b[reservedOffset:reservedOffset+reservedLen])
	}
	if m.Group.IsValid() {
		t.Addr(fGroup, off+groupOffset, addrLen, m.Group)
	}
}
