package nd

import "github.com/v6scope/v6scope/decode/dissect"

// Neighbor Solicitation (RFC 4861 §4.3):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Type      |     Code      |          Checksum             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                           Reserved                            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                                                               |
//	+                                                               +
//	|                                                               |
//	+                       Target Address                          +
//	|                                                               |
//	+                                                               +
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|   Options ...
//	+-+-+-+-+-+-+-+-+-+-+-+-
const (
	nsReservedOffset = 4
	nsReservedLen    = 4
	nsTargetOffset   = 8
	nsLen            = 24
)

func (m *ND) dissectNS(t *dissect.Tree, off int) {
	if m.have >= nsReservedOffset+nsReservedLen {
		t.Bytes(fReserved, off+nsReservedOffset, nsReservedLen, m.msg[nsReservedOffset:nsReservedOffset+nsReservedLen])
	}
	if m.Target.IsValid() {
		t.Addr(fNSTarget, off+nsTargetOffset, addrLen, m.Target)
	}
}
