package nd

import "github.com/v6scope/v6scope/decode/dissect"

// Neighbor Advertisement (RFC 4861 §4.4):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Type      |     Code      |          Checksum             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|R|S|O|                     Reserved                            |
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
	naFlagsOffset  = 4
	naTargetOffset = 8
	naLen          = 24

	naFlagR   = 0x80000000
	naFlagS   = 0x40000000
	naFlagO   = 0x20000000
	naFlagRsv = 0x1fffffff
)

// Router, Solicited and Override report the NA flags (RFC 4861 §4.4).
func (m *ND) Router() bool    { return m.NAFlags&naFlagR != 0 }
func (m *ND) Solicited() bool { return m.NAFlags&naFlagS != 0 }
func (m *ND) Override() bool  { return m.NAFlags&naFlagO != 0 }

func (m *ND) dissectNA(t *dissect.Tree, off int) {
	if m.have >= naFlagsOffset+4 {
		at := off + naFlagsOffset
		f := uint64(m.NAFlags)
		t.Push(fNAFlags, at, 4).U = f
		t.Uint(fNAFlagR, at, 4, bit(f, naFlagR))
		t.Uint(fNAFlagS, at, 4, bit(f, naFlagS))
		t.Uint(fNAFlagO, at, 4, bit(f, naFlagO))
		t.Uint(fNAFlagRsv, at, 4, f&naFlagRsv)
		t.Pop()
	}
	if m.Target.IsValid() {
		t.Addr(fNATarget, off+naTargetOffset, addrLen, m.Target)
	}
}
