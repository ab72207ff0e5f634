package nd

import "github.com/v6scope/v6scope/decode/dissect"

// Router Solicitation (RFC 4861 §4.1):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Type      |     Code      |          Checksum             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                            Reserved                           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|   Options ...
//	+-+-+-+-+-+-+-+-+-+-+-+-+-
const (
	rsReservedOffset = 4
	rsReservedLen    = 4
	rsLen            = 8
)

func (m *ND) dissectRS(t *dissect.Tree, off int) {
	if m.have >= rsReservedOffset+rsReservedLen {
		t.Bytes(fReserved, off+rsReservedOffset, rsReservedLen, m.msg[rsReservedOffset:rsReservedOffset+rsReservedLen])
	}
}
