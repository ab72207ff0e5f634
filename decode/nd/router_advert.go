package nd

import "github.com/v6scope/v6scope/decode/dissect"

// Router Advertisement (RFC 4861 §4.2, with the H flag of RFC 6275 §7.1,
// Prf of RFC 4191 §2.2 and Proxy of RFC 4389 §4.1.3.3):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Type      |     Code      |          Checksum             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	| Cur Hop Limit |M|O|H|Prf|P|Rsv|       Router Lifetime         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                         Reachable Time                        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                          Retrans Timer                        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|   Options ...
//	+-+-+-+-+-+-+-+-+-+-+-+-
const (
	raHopLimitOffset  = 4
	raFlagsOffset     = 5
	raLifetimeOffset  = 6
	raReachableOffset = 8
	raRetransOffset   = 12
	raLen             = 16

	raFlagM     = 0x80
	raFlagO     = 0x40
	raFlagH     = 0x20
	raPrfMask   = 0x18
	raPrfShift  = 3
	raFlagP     = 0x04
	raFlagRsv   = 0x03
	prfReserved = 2 // RFC 4191 §2.2: treated as Medium
)

// Prf returns the Default Router Preference (RFC 4191 §2.2): 1 High,
// 0 Medium, 3 Low, 2 reserved.
func (m *ND) Prf() uint8 { return m.RAFlags & raPrfMask >> raPrfShift }

func (m *ND) dissectRA(t *dissect.Tree, off int) {
	if m.have > raHopLimitOffset {
		t.Uint(fRAHopLimit, off+raHopLimitOffset, 1, uint64(m.CurHopLimit))
	}
	if m.have > raFlagsOffset {
		at := off + raFlagsOffset
		f := uint64(m.RAFlags)
		t.Push(fRAFlags, at, 1).U = f
		t.Uint(fRAFlagM, at, 1, bit(f, raFlagM))
		t.Uint(fRAFlagO, at, 1, bit(f, raFlagO))
		t.Uint(fRAFlagH, at, 1, bit(f, raFlagH))
		t.Uint(fRAFlagPrf, at, 1, uint64(m.Prf()))
		t.Uint(fRAFlagP, at, 1, bit(f, raFlagP))
		t.Uint(fRAFlagRsv, at, 1, f&raFlagRsv)
		t.Pop()
	}
	if m.have >= raLifetimeOffset+2 {
		t.Uint(fRALifetime, off+raLifetimeOffset, 2, uint64(m.RouterLifetime))
	}
	if m.have >= raReachableOffset+4 {
		t.Uint(fRAReach, off+raReachableOffset, 4, uint64(m.ReachableTime))
	}
	if m.have >= raRetransOffset+4 {
		t.Uint(fRARetrans, off+raRetransOffset, 4, uint64(m.RetransTimer))
	}
}

// bit returns 1 when v has any bit of mask set.
func bit(v, mask uint64) uint64 {
	if v&mask != 0 {
		return 1
	}
	return 0
}
