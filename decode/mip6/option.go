package mip6

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/v6scope/v6scope/decode/dissect"
)

// Mobility option (RFC 6275 §6.2.1):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Option Type  | Option Length |   Option Data...
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Option Length counts the data bytes only. Pad1 is the single byte 0.
const (
	optTypeOff   = 0
	optLenOff    = 1
	optHeaderLen = 2
	// Offsets within the data of the options v6scope decodes.
	niHomeOff     = 0 // Nonce Indices: home, care-of (RFC 6275 §6.2.6)
	niCareofOff   = 2
	prefixLenOff  = 1 // MNP and HNP: reserved, prefix length, prefix (RFC 3963 §4.3, RFC 5213 §8.3)
	prefixOff     = 2
	indicatorOff  = 1 // Handoff Indicator and ATT: reserved, value (RFC 5213 §8.4, §8.5)
	mnlliResLen   = 2 // MN Link-layer Identifier: reserved, identifier (RFC 5213 §8.6)
	mnidSubOff    = 0 // MN Identifier: subtype, identifier (RFC 4283 §3)
	mnidIDOff     = 1
	tsFractionLen = 16 // Timestamp: 48 bits of seconds, 16 of fraction (RFC 5213 §8.8)
)

// Option is one mobility option.
type Option struct {
	Type   uint8
	Data   []byte // aliases the frame; nil for Pad1
	Offset int    // of the option's type byte from the start of the Mobility Header
}

// optStatus says why the option walk ended early.
type optStatus uint8

const (
	optOK      optStatus = iota
	optNoLen             // an option with no length byte at the end of the header
	optOverrun           // an option whose length runs past the end of the header
)

// walkOptions walks the options from byte start of the header to its end
// (RFC 6275 §6.2.1), keeping the well-formed ones; one that runs past the
// end stops the walk.
func (m *Mobility) walkOptions(start int) {
	b := m.mh
	for off := start; off < len(b); {
		typ := b[off+optTypeOff]
		if typ == OptPad1 {
			m.Options = append(m.Options, Option{Type: OptPad1, Offset: off})
			off++
			continue
		}
		if off+optHeaderLen > len(b) {
			m.BadOption, m.optStatus = Option{Type: typ, Offset: off}, optNoLen
			return
		}
		end := off + optHeaderLen + int(b[off+optLenOff])
		if end > len(b) {
			m.BadOption, m.optStatus = Option{Type: typ, Data: b[off+optHeaderLen:], Offset: off}, optOverrun
			return
		}
		m.Options = append(m.Options, Option{Type: typ, Data: b[off+optHeaderLen : end], Offset: off})
		off = end
	}
}

// Option returns the first option of type typ.
func (m *Mobility) Option(typ uint8) (Option, bool) {
	for _, o := range m.Options {
		if o.Type == typ {
			return o, true
		}
	}
	return Option{}, false
}

// optSize returns the data length an option type must have, or -1.
func optSize(typ uint8) int {
	if int(typ) < len(options) && options[typ].name != "" {
		return options[typ].size
	}
	return -1
}

// aligned reports whether an option at offset off from the start of the
// Mobility Header meets its type's alignment requirement xn+y (RFC 6275
// §6.2: "the Option Type must appear at an integer multiple of x octets
// from the start of the header, plus y octets").
func aligned(typ uint8, off int) (x, y int, ok bool) {
	if int(typ) >= len(options) {
		return 0, 0, true
	}
	x, y = options[typ].x, options[typ].y
	return x, y, x == 0 || off%x == y
}

// dissectOptions adds the options, and the one that ended the walk.
func (m *Mobility) dissectOptions(t *dissect.Tree, off int) {
	start := off + dataOffset + m.fixedLen
	t.PushLabel("Mobility Options", start, len(m.mh)-dataOffset-m.fixedLen)
	for i := range m.Options {
		m.dissectOption(t, off, &m.Options[i], i == len(m.Options)-1)
	}
	if m.optStatus != optOK {
		o := &m.BadOption
		at := off + o.Offset
		n := len(m.mh) - o.Offset
		if info := optField(o.Type); info != nil {
			t.Bytes(info, at, n, m.mh[o.Offset:]).Label = optionLabels[o.Type]
		} else {
			t.Uint(fOptType, at, 1, uint64(o.Type))
		}
		msg := optionLabels[o.Type] + " has no length byte: the header ends first"
		if m.optStatus == optOverrun {
			t.Uint(fOptLen, at+optLenOff, 1, uint64(m.mh[o.Offset+optLenOff]))
			msg = optionLabels[o.Type] + " says it holds " + itoa(int(m.mh[o.Offset+optLenOff])) + " bytes, only " + itoa(len(o.Data)) + " are left in the Mobility Header"
		}
		t.Note(dissect.Note{Severity: dissect.Error, Code: "mip6.opt.overrun", Message: msg, RFC: rfcOpts, Offset: at, Length: n, Malformed: true})
	}
	t.Pop()
}

// optField returns the node field of an option type, or nil when Wireshark
// has none for it.
func optField(typ uint8) *dissect.FieldInfo {
	if int(typ) < len(options) {
		return options[typ].field
	}
	return nil
}

// dissectOption adds one option and its alignment and length notes.
func (m *Mobility) dissectOption(t *dissect.Tree, off int, o *Option, last bool) {
	at := off + o.Offset
	n := optHeaderLen + len(o.Data)
	if o.Type == OptPad1 {
		t.Bytes(options[OptPad1].field, at, 1, m.mh[o.Offset:o.Offset+1]).Label = optionLabels[OptPad1]
		return
	}
	if info := optField(o.Type); info != nil {
		t.Push(info, at, n).B = m.mh[o.Offset : o.Offset+n]
		t.Fields[len(t.Fields)-1].Label = optionLabels[o.Type]
	} else {
		t.PushLabel(optionLabels[o.Type], at, n)
		t.Uint(fOptType, at, 1, uint64(o.Type))
	}
	t.Uint(fOptLen, at+optLenOff, 1, uint64(len(o.Data)))
	data := at + optHeaderLen
	d := o.Data
	if want := optSize(o.Type); want >= 0 && len(d) != want {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "mip6.opt.invalid_len", Message: options[o.Type].name + " option must hold " + itoa(want) + " bytes, not " + itoa(len(d)), RFC: options[o.Type].rfc, Offset: at + optLenOff, Length: 1})
		if len(d) > 0 {
			t.Bytes(fOptData, data, len(d), d)
		}
	} else {
		m.dissectOptionData(t, o, data)
	}
	if x, y, ok := aligned(o.Type, o.Offset); !ok {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "mip6.opt.alignment", Message: options[o.Type].name + " option must start at " + itoa(x) + "n+" + itoa(y) + " bytes from the start of the Mobility Header, not at " + itoa(o.Offset), RFC: options[o.Type].rfc, Offset: at, Length: n})
	}
	if o.Type == OptBAD && !last {
		// RFC 6275 §6.2.7: "this option MUST be the last mobility option".
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "mip6.opt.bad_not_last", Message: "Binding Authorization Data must be the last mobility option: the authenticator covers everything before it", RFC: rfcBAD, Offset: at, Length: n})
	}
	t.Pop()
}

// dissectOptionData adds the fields of an option of the right size.
func (m *Mobility) dissectOptionData(t *dissect.Tree, o *Option, at int) {
	d := o.Data
	switch o.Type {
	case OptPadN:
		if len(d) > 0 {
			t.Bytes(fPadN, at, len(d), d)
		}
	case OptBRA:
		v := binary.BigEndian.Uint16(d)
		t.Uint(fBRAInterval, at, 2, uint64(v)).Label = unitsLabel(&refreshLabels, "Refresh interval: ", v)
	case OptACoA:
		t.Addr(fACoA, at, addrLen, netip.AddrFrom16([16]byte(d)))
	case OptNI:
		t.Uint(fNIHome, at+niHomeOff, 2, uint64(binary.BigEndian.Uint16(d[niHomeOff:])))
		t.Uint(fNICareof, at+niCareofOff, 2, uint64(binary.BigEndian.Uint16(d[niCareofOff:])))
	case OptBAD:
		if len(d) > 0 {
			t.Bytes(fBADAuth, at, len(d), d)
		}
	case OptMNP, OptHNP:
		t.Uint(fMNPLen, at+prefixLenOff, 1, uint64(d[prefixLenOff]))
		t.Addr(fMNP, at+prefixOff, addrLen, netip.AddrFrom16([16]byte(d[prefixOff:])))
	case OptHI:
		t.Uint(fHIRes, at, 1, uint64(d[0]))
		t.Uint(fHInd, at+indicatorOff, 1, uint64(d[indicatorOff]))
	case OptATT:
		t.Uint(fATTRes, at, 1, uint64(d[0]))
		t.Uint(fATT, at+indicatorOff, 1, uint64(d[indicatorOff]))
	case OptMNID:
		if len(d) > mnidSubOff {
			t.Uint(fMNIDSub, at+mnidSubOff, 1, uint64(d[mnidSubOff]))
		}
		if len(d) > mnidIDOff {
			t.Bytes(fMNID, at+mnidIDOff, len(d)-mnidIDOff, d[mnidIDOff:])
		}
	case OptMNLLI:
		if len(d) >= mnlliResLen {
			t.Uint(fMNLLIRes, at, mnlliResLen, uint64(binary.BigEndian.Uint16(d)))
			if len(d) > mnlliResLen {
				t.Bytes(fMNLLI, at+mnlliResLen, len(d)-mnlliResLen, d[mnlliResLen:])
			}
		} else if len(d) > 0 {
			t.Bytes(fOptData, at, len(d), d)
		}
	case OptLLA:
		t.Addr(fLLA, at, addrLen, netip.AddrFrom16([16]byte(d)))
	case OptTS:
		v := binary.BigEndian.Uint64(d)
		sec, frac := int64(v>>tsFractionLen), int64(v&(1<<tsFractionLen-1))
		ts := time.Unix(sec, frac*int64(time.Second)>>tsFractionLen)
		t.Time(fTS, ts).Offset, t.Fields[len(t.Fields)-1].Length = at, 8
	default:
		if len(d) > 0 {
			t.Bytes(fOptData, at, len(d), d)
		}
	}
}
