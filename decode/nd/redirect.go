package nd

import "github.com/v6scope/v6scope/decode/dissect"

// Redirect (RFC 4861 §4.5):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Type      |     Code      |          Checksum             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                           Reserved                            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                                                               |
//	+                       Target Address (16)                     +
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                                                               |
//	+                     Destination Address (16)                  +
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|   Options ...
//	+-+-+-+-+-+-+-+-+-+-+-+-
const (
	rdReservedOffset = 4
	rdReservedLen    = 4
	rdTargetOffset   = 8
	rdDestOffset     = 24
	rdLen            = 40
)

// Redirected Header option (RFC 4861 §4.6.3): type, length, six reserved
// bytes, then "as much of the original packet as can fit without the
// redirect packet exceeding the minimum MTU".
const redirReservedLen = 6

// Redirected returns the packet a Redirected Header option carries, or nil.
func (m *ND) Redirected() []byte {
	if m.redirected < 0 {
		return nil
	}
	return m.Options[m.redirected].Data[redirReservedLen:]
}

func (m *ND) dissectRedirect(t *dissect.Tree, off int) {
	if m.have >= rdReservedOffset+rdReservedLen {
		t.Bytes(fReserved, off+rdReservedOffset, rdReservedLen, m.msg[rdReservedOffset:rdReservedOffset+rdReservedLen])
	}
	if m.Target.IsValid() {
		t.Addr(fRDTarget, off+rdTargetOffset, addrLen, m.Target)
	}
	if m.Destination.IsValid() {
		t.Addr(fRDDest, off+rdDestOffset, addrLen, m.Destination)
	}
}
