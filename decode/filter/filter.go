package filter

import (
	"slices"
	"strings"

	"github.com/v6scope/v6scope/decode/dissect"
)

// Schema tells the compiler which field names exist and their types.
type Schema interface {
	Lookup(name string) (*dissect.FieldInfo, bool)
	Names() []string // every known name, for suggestions
}

// NewSchema returns a Schema over the given fields (a later field with the
// same name replaces an earlier one).
func NewSchema(fields ...*dissect.FieldInfo) Schema {
	s := mapSchema{m: make(map[string]*dissect.FieldInfo, len(fields))}
	for _, f := range fields {
		if f != nil {
			s.m[f.Name] = f
		}
	}
	for n := range s.m {
		s.names = append(s.names, n)
	}
	slices.Sort(s.names)
	return s
}

type mapSchema struct {
	m     map[string]*dissect.FieldInfo
	names []string
}

func (s mapSchema) Lookup(name string) (*dissect.FieldInfo, bool) {
	f, ok := s.m[name]
	return f, ok
}

func (s mapSchema) Names() []string { return s.names }

// Filter is a compiled display filter. It is immutable: one Filter may be
// used by many goroutines at once.
type Filter struct {
	expr  string
	root  node
	warns []*Error
}

// Compile compiles a display filter against the fields s knows. An empty
// or all-blank expression compiles to a Filter that matches every packet
// (and whose String is ""). Errors are of type *Error.
func Compile(expr string, s Schema) (*Filter, error) {
	toks, lerr := lex(expr)
	if lerr != nil {
		return nil, lerr
	}
	p := &parser{expr: expr, toks: toks, schema: s}
	root, perr := p.parse()
	if perr != nil {
		return nil, perr
	}
	return &Filter{expr: expr, root: root, warns: p.warns}, nil
}

// emptyTree stands in for a nil tree.
var emptyTree dissect.Tree

// Match reports whether the dissection t passes the filter. It does not
// allocate. A nil Filter matches every packet; a nil tree is a packet with
// no fields.
func (f *Filter) Match(t *dissect.Tree) bool {
	if f == nil {
		return true
	}
	if t == nil {
		t = &emptyTree
	}
	return f.root.match(t)
}

// MatchesAll reports whether the filter is empty and so passes every
// packet without looking at it.
func (f *Filter) MatchesAll() bool {
	if f == nil {
		return true
	}
	_, ok := f.root.(allNode)
	return ok
}

// Expr returns the expression as it was written.
func (f *Filter) Expr() string {
	if f == nil {
		return ""
	}
	return f.expr
}

// Warnings returns what compiled but deserves a second look: "and" mixed
// with "or" without parentheses, unquoted text compared with a string
// field. The CLI may print them (with Caret) without failing.
func (f *Filter) Warnings() []*Error {
	if f == nil {
		return nil
	}
	return slices.Clone(f.warns)
}

// String returns the canonical form of the filter: C-style operators
// (&&, ||, !, ==), parentheses around every "or" inside an "and" (and vice
// versa), literals in the form tshark prints them. It compiles back to an
// equivalent filter.
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	var b strings.Builder
	format(&b, f.root)
	return b.String()
}

func format(b *strings.Builder, n node) {
	switch n := n.(type) {
	case andNode:
		for i, c := range n {
			if i > 0 {
				b.WriteString(" && ")
			}
			formatChild(b, c)
		}
	case orNode:
		for i, c := range n {
			if i > 0 {
				b.WriteString(" || ")
			}
			formatChild(b, c)
		}
	case *notNode:
		b.WriteByte('!')
		if t, ok := n.x.(*test); ok && t.op == opExists && !t.lhs.hasMask {
			format(b, t)
			return
		}
		b.WriteByte('(')
		format(b, n.x)
		b.WriteByte(')')
	case *test:
		n.format(b)
	}
}

// formatChild writes an operand of && or ||, in parentheses when it is
// itself an && or ||.
func formatChild(b *strings.Builder, n node) {
	switch n.(type) {
	case andNode, orNode:
		b.WriteByte('(')
		format(b, n)
		b.WriteByte(')')
	default:
		format(b, n)
	}
}

func (o *operand) format(b *strings.Builder) {
	b.WriteString(o.display())
	if o.hasMask {
		b.WriteString(" & ")
		b.WriteString(o.maskText)
	}
}

func (x *test) format(b *strings.Builder) {
	x.lhs.format(b)
	switch x.op {
	case opExists:
	case opIn:
		b.WriteString(" in {")
		for i, e := range x.set {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.lo.text)
			if e.isRange {
				b.WriteString("..")
				b.WriteString(e.hi.text)
			}
		}
		b.WriteByte('}')
	case opMatches:
		b.WriteString(" matches ")
		b.WriteString(quote(x.reSrc))
	default:
		b.WriteByte(' ')
		b.WriteString(opNames[x.op])
		b.WriteByte(' ')
		if x.rhs != nil {
			x.rhs.format(b)
		} else {
			b.WriteString(x.lit.text)
		}
	}
}
