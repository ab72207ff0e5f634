package filter

import (
	"bytes"
	"cmp"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/v6scope/v6scope/decode/dissect"
)

// node is one compiled test or logical operator. match must not allocate.
type node interface {
	match(t *dissect.Tree) bool
}

type (
	allNode struct{}         // the empty filter: matches every packet
	andNode []node           // every child matches
	orNode  []node           // some child matches
	notNode struct{ x node } // the child does not match
)

func (allNode) match(*dissect.Tree) bool { return true }

func (n andNode) match(t *dissect.Tree) bool {
	for _, c := range n {
		if !c.match(t) {
			return false
		}
	}
	return true
}

func (n orNode) match(t *dissect.Tree) bool {
	for _, c := range n {
		if c.match(t) {
			return true
		}
	}
	return false
}

func (n *notNode) match(t *dissect.Tree) bool { return !n.x.match(t) }

// op is a relation between a field and a value.
type op uint8

const (
	opExists   op = iota // the field is present (for a masked field: some occurrence has a bit of the mask set)
	opEq                 // some occurrence equals
	opNe                 // every occurrence differs (Wireshark 4.0's "!=")
	opAllEq              // every occurrence equals
	opAnyNe              // some occurrence differs
	opLt                 // some occurrence is less
	opLe                 // some occurrence is less or equal
	opGt                 // some occurrence is greater
	opGe                 // some occurrence is greater or equal
	opContains           // some occurrence contains the bytes or text
	opMatches            // some occurrence matches the regular expression
	opIn                 // some occurrence is in the set
)

var opNames = [...]string{opExists: "", opEq: "==", opNe: "!=", opAllEq: "===", opAnyNe: "~=",
	opLt: "<", opLe: "<=", opGt: ">", opGe: ">=", opContains: "contains", opMatches: "matches", opIn: "in"}

// all reports whether the op needs every occurrence to satisfy its
// predicate (and at least one occurrence), rather than some occurrence.
func (o op) all() bool { return o == opNe || o == opAllEq }

// vkind is the shape of a value once loaded from a field.
type vkind uint8

const (
	vNone   vkind = iota
	vUint         // Uint, FrameNum, Bool (0 or 1)
	vInt          // Int, RelTime (nanoseconds)
	vFloat        // Float
	vAddr         // IPv4, IPv6
	vBytes        // Bytes, MAC, slices, protocol spans
	vString       // String and slices of strings
	vTime         // AbsTime, EpochTime
)

// view is one occurrence's value, or a literal, in comparable form. A
// string is in s, or in b when isB is set (a dissector may keep text in a
// reused buffer, Field.B, and leave Field.S empty). Literal strings keep
// their text in both s and b.
type view struct {
	k   vkind
	isB bool
	u   uint64
	f   float64
	a   netip.Addr
	b   []byte
	s   string
	t   time.Time
}

func compareViews(x, y *view) int {
	switch x.k {
	case vUint:
		return cmp.Compare(x.u, y.u)
	case vInt:
		return cmp.Compare(int64(x.u), int64(y.u))
	case vFloat:
		return cmp.Compare(x.f, y.f)
	case vAddr:
		return x.a.Compare(y.a)
	case vBytes:
		return bytes.Compare(x.b, y.b)
	case vString:
		switch {
		case !x.isB && !y.isB:
			return strings.Compare(x.s, y.s)
		case x.isB && y.isB:
			return bytes.Compare(x.b, y.b)
		case x.isB:
			return -compareText(y.s, x.b)
		default:
			return compareText(x.s, y.b)
		}
	case vTime:
		return x.t.Compare(y.t)
	}
	return 0
}

// compareText compares a string with text held in bytes, without
// converting (the compiler does not allocate for string(b) in a
// comparison).
func compareText(s string, b []byte) int {
	switch {
	case s == string(b):
		return 0
	case s < string(b):
		return -1
	}
	return 1
}

// sliceForm is how a slice was written; it decides how end is found.
type sliceForm uint8

const (
	sliceLen    sliceForm = iota // [i:n] n bytes from i; [:n] is [0:n]
	sliceToEnd                   // [i:] from i to the end
	sliceThru                    // [i-j] from i through j
	sliceSingle                  // [i] one byte
)

type sliceSpec struct {
	form  sliceForm
	start int // negative counts from the end
	n     int // length for sliceLen, last offset for sliceThru
	text  string
}

// apply returns the bounds of the slice within a value of n bytes, and
// false when the slice does not fit.
func (s *sliceSpec) apply(n int) (int, int, bool) {
	start := s.start
	if start < 0 {
		start += n
	}
	if start < 0 || start > n {
		return 0, 0, false
	}
	end := n
	switch s.form {
	case sliceLen:
		end = start + s.n
	case sliceSingle:
		end = start + 1
	case sliceThru:
		last := s.n
		if last < 0 {
			last += n
		}
		end = last + 1
	}
	if end < start || end > n {
		return 0, 0, false
	}
	return start, end, true
}

// operand is a field as a test reads it: its name, and an optional slice
// or bit mask.
type operand struct {
	name     string
	info     *dissect.FieldInfo
	kind     dissect.Kind // the schema's kind for name
	vk       vkind        // shape of the loaded value
	slice    *sliceSpec
	hasMask  bool
	mask     uint64
	maskText string
}

// is reports whether f is an occurrence of the operand's field.
func (o *operand) is(f *dissect.Field) bool {
	return f.Info != nil && (f.Info == o.info || f.Info.Name == o.name)
}

// load puts f's value into v, and reports false when f has no value of the
// expected shape (a slice out of range, a field of another kind).
func (o *operand) load(t *dissect.Tree, f *dissect.Field, v *view) bool {
	k := f.Info.Kind
	if o.slice != nil {
		var n int
		switch k {
		case dissect.String:
			if f.S == "" {
				n = len(f.B)
			} else {
				n = len(f.S)
			}
		case dissect.Bytes, dissect.MAC:
			n = len(f.B)
		case dissect.Protocol, dissect.None:
			n = len(span(t, f))
		default:
			return false
		}
		i, j, ok := o.slice.apply(n)
		if !ok {
			return false
		}
		switch {
		case k == dissect.String && f.S == "":
			v.k, v.isB, v.b = vString, true, f.B[i:j]
		case k == dissect.String:
			v.k, v.s = vString, f.S[i:j]
		case k == dissect.Bytes || k == dissect.MAC:
			v.k, v.b = vBytes, f.B[i:j]
		default:
			v.k, v.b = vBytes, span(t, f)[i:j]
		}
		return v.k == o.vk
	}
	switch k {
	case dissect.Bool:
		v.k, v.u = vUint, 0
		if f.U != 0 {
			v.u = 1
		}
	case dissect.Uint, dissect.FrameNum:
		v.k, v.u = vUint, f.U
	case dissect.Int, dissect.RelTime:
		v.k, v.u = vInt, f.U
	case dissect.Float:
		v.k, v.f = vFloat, f.Float()
	case dissect.IPv4, dissect.IPv6:
		v.k, v.a = vAddr, f.Addr
	case dissect.Bytes, dissect.MAC:
		v.k, v.b = vBytes, f.B
	case dissect.String:
		if f.S == "" {
			v.k, v.isB, v.b = vString, true, f.B
		} else {
			v.k, v.s = vString, f.S
		}
	case dissect.AbsTime, dissect.EpochTime:
		v.k, v.t = vTime, f.Time()
	case dissect.Protocol, dissect.None:
		v.k, v.b = vBytes, span(t, f)
	default:
		return false
	}
	if o.hasMask {
		if v.k != vUint && v.k != vInt {
			return false
		}
		v.u &= o.mask
	}
	return v.k == o.vk
}

// span returns the frame bytes a field covers, clipped to the frame.
func span(t *dissect.Tree, f *dissect.Field) []byte {
	off, n := f.Offset, f.Length
	if off < 0 || off > len(t.Data) || n <= 0 {
		return nil
	}
	if n > len(t.Data)-off {
		n = len(t.Data) - off
	}
	return t.Data[off : off+n]
}

// literal is a value written in the expression, parsed for its operand.
type literal struct {
	v     view
	pfx   netip.Prefix // for address fields compared with a CIDR prefix
	isPfx bool
	text  string // canonical form, for String
}

// eq reports whether v equals the literal, or lies in its prefix.
func (l *literal) eq(v *view) bool {
	if l.isPfx {
		return l.pfx.Contains(v.a)
	}
	return compareViews(v, &l.v) == 0
}

// setElem is one member of an "in" set: a value, or a range lo..hi.
type setElem struct {
	lo, hi  literal
	isRange bool
}

// test is a compiled relation on one field, or between two. Which of lit,
// set, re and rhs it uses follows from op (rhs != nil compares two fields).
type test struct {
	lhs   operand
	op    op
	lit   literal
	set   []setElem
	re    *regexp.Regexp
	reSrc string   // the pattern as written, for String
	rhs   *operand // the field on the right of a comparison of two fields
	text  bool     // contains/matches on the printed form of a non-text field
}

// textBufs holds scratch buffers for the printed form of values that
// matches runs a regular expression over: regexp keeps a reference to its
// input, so a buffer on the stack would escape and allocate on every call.
var textBufs = sync.Pool{New: func() any { b := make([]byte, 0, 128); return &b }}

func (x *test) match(t *dissect.Tree) bool {
	if x.rhs != nil {
		return x.matchFields(t)
	}
	if x.op == opExists && x.lhs.slice == nil && !x.lhs.hasMask {
		for i := range t.Fields {
			if x.lhs.is(&t.Fields[i]) {
				return true
			}
		}
		return false
	}
	all := x.op.all()
	seen := false
	fs := t.Fields
	for i := range fs {
		f := &fs[i]
		if !x.lhs.is(f) {
			continue
		}
		var v view
		if !x.lhs.load(t, f, &v) {
			continue
		}
		seen = true
		if all {
			if !x.pred(f, &v) {
				return false
			}
		} else if x.pred(f, &v) {
			return true
		}
	}
	return all && seen
}

// pred is the test's predicate on one occurrence.
func (x *test) pred(f *dissect.Field, v *view) bool {
	switch x.op {
	case opExists:
		return !x.lhs.hasMask || v.u != 0
	case opEq, opAllEq:
		return x.lit.eq(v)
	case opNe, opAnyNe:
		return !x.lit.eq(v)
	case opLt:
		return compareViews(v, &x.lit.v) < 0
	case opLe:
		return compareViews(v, &x.lit.v) <= 0
	case opGt:
		return compareViews(v, &x.lit.v) > 0
	case opGe:
		return compareViews(v, &x.lit.v) >= 0
	case opIn:
		for i := range x.set {
			e := &x.set[i]
			if e.isRange {
				if compareViews(v, &e.lo.v) >= 0 && compareViews(v, &e.hi.v) <= 0 {
					return true
				}
			} else if e.lo.eq(v) {
				return true
			}
		}
		return false
	case opContains:
		if x.text {
			var buf [128]byte
			return bytes.Contains(f.AppendValue(buf[:0]), x.lit.v.b)
		}
		if v.k == vString && !v.isB {
			return strings.Contains(v.s, x.lit.v.s)
		}
		return bytes.Contains(v.b, x.lit.v.b)
	case opMatches:
		switch {
		case x.text:
			bp := textBufs.Get().(*[]byte)
			b := f.AppendValue((*bp)[:0])
			ok := x.re.Match(b)
			*bp = b[:0]
			textBufs.Put(bp)
			return ok
		case v.k == vString && !v.isB:
			return x.re.MatchString(v.s)
		default:
			return x.re.Match(v.b)
		}
	}
	return false
}

// matchFields compares two fields: for "==" some pair of occurrences must
// satisfy the relation, for "!=" and "===" every pair, as in Wireshark.
func (x *test) matchFields(t *dissect.Tree) bool {
	all := x.op.all()
	seen := false
	fs := t.Fields
	for i := range fs {
		f := &fs[i]
		if !x.lhs.is(f) {
			continue
		}
		var a view
		if !x.lhs.load(t, f, &a) {
			continue
		}
		for j := range fs {
			g := &fs[j]
			if !x.rhs.is(g) {
				continue
			}
			var b view
			if !x.rhs.load(t, g, &b) {
				continue
			}
			seen = true
			c := compareViews(&a, &b)
			var r bool
			switch x.op {
			case opEq, opAllEq:
				r = c == 0
			case opNe, opAnyNe:
				r = c != 0
			case opLt:
				r = c < 0
			case opLe:
				r = c <= 0
			case opGt:
				r = c > 0
			case opGe:
				r = c >= 0
			}
			if all {
				if !r {
					return false
				}
			} else if r {
				return true
			}
		}
	}
	return all && seen
}
