package dissect

import (
	"encoding/hex"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"
)

// Kind is the type of a field's value, after Wireshark's FT_* types.
type Kind uint8

// Field kinds. Protocol marks a protocol's subtree ("ipv6", "icmpv6"); None
// marks a node that groups others and has no value of its own.
const (
	None Kind = iota
	Protocol
	Bool
	Uint
	Int
	Bytes
	String
	IPv4
	IPv6
	MAC
	Float     // printed with 9 decimals, like frame.time_relative
	AbsTime   // a date and time, printed as tshark prints frame.time
	EpochTime // a date and time, printed as seconds since 1970 with nanoseconds
	RelTime   // a duration in U (nanoseconds, two's complement), printed as seconds with nanoseconds
	FrameNum
)

var kindNames = [...]string{"FT_NONE", "FT_PROTOCOL", "FT_BOOLEAN", "FT_UINT", "FT_INT", "FT_BYTES", "FT_STRING", "FT_IPv4", "FT_IPv6", "FT_ETHER", "FT_DOUBLE", "FT_ABSOLUTE_TIME", "FT_ABSOLUTE_TIME", "FT_RELATIVE_TIME", "FT_FRAMENUM"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Unknown(" + strconv.Itoa(int(k)) + ")"
}

// Base says how an integer is printed: BaseDec as a decimal, BaseHex as
// 0x followed by FieldInfo.Digits hex digits (the width tshark uses).
type Base uint8

// Integer bases.
const (
	BaseDec Base = iota
	BaseHex
)

// FieldInfo describes one field name: what `v6scope fields` lists and what the
// display-filter compiler checks names and literals against.
type FieldInfo struct {
	Name    string // display-filter name, Wireshark's where Wireshark has it
	Title   string // label in the field tree ("Source Address")
	Kind    Kind
	Base    Base
	Digits  int                 // hex digits for BaseHex, as tshark prints them
	Values  func(uint64) string // names of values, "" when a value has no name
	Explain string              // one line: what the field is for
	RFC     string              // where it is defined, e.g. "RFC 8200 §3"
	// Texts explains the values of an enumerated field (message types,
	// option types, status codes), nil when its values need none.
	Texts ValueTexts
	id    int32 // set by FieldList.Add; 0 when never added
}

// ValueText explains one value of an enumerated field for a student: what
// it is, why a node sends it and what the receiver does, in a sentence or
// three, and the RFC section that defines it.
type ValueText struct {
	Text string
	RFC  string
}

// ValueTexts maps the values of an enumerated field to their explanations.
// One table per field, in the package that decodes it, is the one source
// for `read -V --explain` and the TUI's explain pane.
type ValueTexts map[uint64]ValueText

// ExplainValue returns the explanation of the value v of f, if it has one.
func (f *FieldInfo) ExplainValue(v uint64) (ValueText, bool) {
	if f == nil || f.Texts == nil {
		return ValueText{}, false
	}
	t, ok := f.Texts[v]
	return t, ok
}

// WithTexts sets f.Texts and returns f, for declaring a field in one line.
func (f *FieldInfo) WithTexts(t ValueTexts) *FieldInfo {
	f.Texts = t
	return f
}

// lastID counts the fields given an ID by FieldList.Add.
var lastID atomic.Int32

// ID returns a small number that tells f from every other registered field,
// for printers that index tables by field instead of comparing names: at
// least 1 and at most MaxID() for a field added to a FieldList, 0 for one
// that never was.
func (f *FieldInfo) ID() int { return int(f.id) }

// MaxID returns the highest ID given so far.
func MaxID() int { return int(lastID.Load()) }

// ValueName returns the name of v from f.Values, or "" when none.
func (f *FieldInfo) ValueName(v uint64) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values(v)
}

// Field is one node of a dissection: a value of a named field, or a text
// label (Info nil), with the bytes it came from. Children follow their parent
// in Tree.Fields with Depth one greater.
//
// A Tree holds tens of Fields per frame and writes each once, so Field is
// kept small: floats and times live in U (see Float and Time).
type Field struct {
	Info   *FieldInfo
	Label  string // shown instead of "Title: value" in the tree when set
	Depth  int
	Hidden bool   // present for filters and fields output, not shown in the tree (ipv6.addr)
	Offset int    // byte offset within the frame
	Length int    // bytes covered (0 for generated fields)
	U      uint64 // integers and booleans; Float bits; Time as Unix nanoseconds; RelTime nanoseconds
	B      []byte // Bytes and MAC values; aliases the frame (or a buffer the packet reuses)
	S      string // String values (or B, when S is empty)
	Addr   netip.Addr
}

// Float returns the value of a Float field.
func (f *Field) Float() float64 { return math.Float64frombits(f.U) }

// Time returns the value of an AbsTime or EpochTime field, in local time as
// tshark shows it.
func (f *Field) Time() time.Time { return time.Unix(0, int64(f.U)) }

// Name returns the field's display-filter name, or "" for a label node.
func (f *Field) Name() string {
	if f.Info == nil {
		return ""
	}
	return f.Info.Name
}

// AppendValue appends the value the way `tshark -T fields` prints it.
func (f *Field) AppendValue(dst []byte) []byte {
	if f.Info == nil {
		return dst
	}
	switch f.Info.Kind {
	case None:
		// A field with no value of its own (ipv6.opt, icmpv6.mldr.mar):
		// tshark prints 1 for each occurrence.
		return append(dst, '1')
	case Bool:
		if f.U != 0 {
			return append(dst, '1')
		}
		return append(dst, '0')
	case Uint, FrameNum:
		if f.Info.Base == BaseHex {
			return appendHex(dst, f.U, f.Info.Digits)
		}
		return strconv.AppendUint(dst, f.U, 10)
	case Int:
		return strconv.AppendInt(dst, int64(f.U), 10)
	case Bytes:
		if len(f.B) == 0 {
			if f.S != "" {
				return append(dst, f.S...) // a text tshark prints instead, such as "<MISSING>"
			}
			return append(dst, "<none>"...) // as tshark prints an empty byte string
		}
		return hex.AppendEncode(dst, f.B)
	case String:
		if f.S == "" {
			return append(dst, f.B...) // text kept in a reused buffer
		}
		return append(dst, f.S...)
	case IPv4, IPv6:
		return f.Addr.AppendTo(dst)
	case MAC:
		return AppendMAC(dst, f.B)
	case Float:
		return strconv.AppendFloat(dst, f.Float(), 'f', 9, 64)
	case AbsTime:
		return f.Time().AppendFormat(dst, "Jan _2, 2006 15:04:05.000000000 MST")
	case EpochTime:
		ns := int64(f.U)
		sec, frac := ns/1e9, ns%1e9
		if frac < 0 {
			sec, frac = sec-1, frac+1e9
		}
		dst = strconv.AppendInt(dst, sec, 10)
		dst = append(dst, '.')
		return appendPadded(dst, uint64(frac), 9)
	case RelTime:
		return AppendSeconds(dst, time.Duration(f.U))
	case Protocol:
		if len(f.S) > 0 {
			return append(dst, f.S...)
		}
		return dst
	}
	return dst
}

// Value returns AppendValue as a string.
func (f *Field) Value() string { return string(f.AppendValue(nil)) }

// AppendDisplay appends the line the field tree shows for f ("Hop Limit: 255",
// "Next Header: ICMPv6 (58)").
func (f *Field) AppendDisplay(dst []byte) []byte {
	if f.Label != "" {
		return append(dst, f.Label...)
	}
	if f.Info == nil {
		return dst
	}
	dst = append(dst, f.Info.Title...)
	switch f.Info.Kind {
	case None, Protocol:
		return dst
	}
	dst = append(dst, ": "...)
	switch f.Info.Kind {
	case Bool:
		if f.U != 0 {
			dst = append(dst, "True"...)
		} else {
			dst = append(dst, "False"...)
		}
		return dst
	case Uint:
		if name := f.Info.ValueName(f.U); name != "" {
			dst = append(dst, name...)
			dst = append(dst, " ("...)
			dst = f.AppendValue(dst)
			return append(dst, ')')
		}
	}
	return f.AppendValue(dst)
}

// Display returns AppendDisplay as a string.
func (f *Field) Display() string { return string(f.AppendDisplay(nil)) }

const hexDigits = "0123456789abcdef"

func appendHex(dst []byte, v uint64, digits int) []byte {
	var buf [16]byte
	n := 0
	for v != 0 || n == 0 {
		buf[15-n] = hexDigits[v&0xf]
		v >>= 4
		n++
	}
	dst = append(dst, '0', 'x')
	for i := n; i < digits; i++ {
		dst = append(dst, '0')
	}
	return append(dst, buf[16-n:]...)
}

// AppendSeconds appends d as seconds with nine decimals, "-0.000001000"
// style, as tshark prints relative times.
func AppendSeconds(dst []byte, d time.Duration) []byte {
	if d < 0 {
		dst = append(dst, '-')
		d = -d
	}
	dst = strconv.AppendInt(dst, int64(d/time.Second), 10)
	dst = append(dst, '.')
	return appendPadded(dst, uint64(d%time.Second), 9)
}

func appendPadded(dst []byte, v uint64, width int) []byte {
	var buf [20]byte
	s := strconv.AppendUint(buf[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// AppendMAC appends a link-layer address as colon-separated hex pairs.
func AppendMAC(dst, mac []byte) []byte {
	for i, b := range mac {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[b>>4], hexDigits[b&0xf])
	}
	return dst
}

// AppendHex appends v as 0x and at least digits hex digits.
func AppendHex(dst []byte, v uint64, digits int) []byte { return appendHex(dst, v, digits) }

// HexValue formats v as tshark does for a BaseHex field of the given width.
func HexValue(v uint64, digits int) string { return string(appendHex(nil, v, digits)) }

// Unknown is how a code without a name prints: Unknown(42).
func Unknown(v uint64) string { return fmt.Sprintf("Unknown(%d)", v) }

// FieldList collects a package's field definitions so that the registry and
// `v6scope fields` can list them.
type FieldList []*FieldInfo

// Add appends f to the list and returns it, so a package can declare a field
// and register it in one line.
func (l *FieldList) Add(f *FieldInfo) *FieldInfo {
	if f.id == 0 {
		f.id = lastID.Add(1)
	}
	*l = append(*l, f)
	return f
}

// Hex returns a FieldInfo for an unsigned integer printed in hex with the
// width tshark gives a field of that many bits.
func Hex(name, title string, bits int, explain, rfc string) *FieldInfo {
	return &FieldInfo{Name: name, Title: title, Kind: Uint, Base: BaseHex, Digits: bits / 4, Explain: explain, RFC: rfc}
}

// Dec returns a FieldInfo for an unsigned integer printed in decimal.
func Dec(name, title, explain, rfc string) *FieldInfo {
	return &FieldInfo{Name: name, Title: title, Kind: Uint, Explain: explain, RFC: rfc}
}

// Flag returns a FieldInfo for a one-bit flag.
func Flag(name, title, explain, rfc string) *FieldInfo {
	return &FieldInfo{Name: name, Title: title, Kind: Bool, Explain: explain, RFC: rfc}
}

// Proto returns a FieldInfo for a protocol's subtree.
func Proto(name, title, explain, rfc string) *FieldInfo {
	return &FieldInfo{Name: name, Title: title, Kind: Protocol, Explain: explain, RFC: rfc}
}

// Of returns a FieldInfo of any other kind.
func Of(name, title string, kind Kind, explain, rfc string) *FieldInfo {
	return &FieldInfo{Name: name, Title: title, Kind: kind, Explain: explain, RFC: rfc}
}
