package filter

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/v6scope/v6scope/decode/dissect"
)

// maxDepth bounds the nesting of parentheses and "not", so a hostile
// expression cannot exhaust the stack.
const maxDepth = 256

// parser is a recursive-descent parser over the token list. Grammar, lowest
// precedence first:
//
//	expr    = and { ("or" | "||") and }
//	and     = not { ("and" | "&&") not }
//	not     = ("not" | "!") not | primary
//	primary = "(" expr ")" | test
//	test    = operand [ cmpop value | "contains" value | "matches" string
//	                  | ["not"] "in" set ]
//	operand = field [ "[" range "]" ] [ "&" integer ]
//	value   = literal | operand
//	set     = "{" element { [","] element } "}"
//	element = literal [ ".." literal ]
type parser struct {
	expr   string
	toks   []token
	i      int
	schema Schema
	names  []string // schema.Names(), fetched on the first unknown name
	warns  []*Error
	depth  int
}

func (p *parser) peek() token        { return p.toks[p.i] }
func (p *parser) peekAt(n int) token { return p.toks[min(p.i+n, len(p.toks)-1)] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errTok(t token, msg string) *Error { return errAt(p.expr, t.pos, t.end, msg) }

func (p *parser) warn(t token, msg string) { p.warns = append(p.warns, p.errTok(t, msg)) }

func (p *parser) lookup(name string) (*dissect.FieldInfo, bool) {
	if p.schema == nil {
		return nil, false
	}
	info, ok := p.schema.Lookup(name)
	return info, ok && info != nil
}

func (p *parser) suggest(name string) string {
	if p.names == nil && p.schema != nil {
		p.names = p.schema.Names()
	}
	return suggest(name, p.names)
}

// describe names a token for an error message.
func describe(t token) string {
	if t.kind == tEOF {
		return "the end of the filter"
	}
	return strconv.Quote(t.text)
}

func (p *parser) parse() (node, *Error) {
	if p.peek().kind == tEOF {
		return allNode{}, nil
	}
	n, _, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.leftover(t)
	}
	return n, nil
}

// leftover explains a token found after a complete expression.
func (p *parser) leftover(t token) *Error {
	switch t.kind {
	case tRParen:
		return p.errTok(t, `unbalanced parenthesis: this ")" has no matching "("`)
	case tEq, tNe, tAllEq, tAnyNe, tLt, tLe, tGt, tGe, tContains, tMatches, tIn, tBitAnd:
		return p.errTok(t, "unexpected "+describe(t)+": a comparison needs a field on its left")
	}
	return p.errTok(t, "unexpected "+describe(t)+` after a complete test: join tests with "and" or "or"`)
}

// parseOr parses "a or b or …".
func (p *parser) parseOr() (node, bool, *Error) {
	first, andAt, err := p.parseAnd()
	if err != nil {
		return nil, false, err
	}
	if p.peek().kind != tOr {
		return first, andAt >= 0, nil
	}
	kids := appendFlat(orNode(nil), first)
	mixed := andAt
	for p.peek().kind == tOr {
		p.next()
		n, at, err := p.parseAnd()
		if err != nil {
			return nil, false, err
		}
		if mixed < 0 {
			mixed = at
		}
		kids = appendFlat(kids, n)
	}
	if mixed >= 0 {
		p.warn(p.toks[mixed], `"and" binds tighter than "or" here: a and b or c means (a and b) or c, as in Wireshark 4.0; `+
			`Wireshark before 4.0 grouped it the other way, so add parentheses to make the meaning explicit`)
	}
	return kids, false, nil
}

// parseAnd parses "a and b and …" and returns the index of its first "and"
// token, or -1 when there was none.
func (p *parser) parseAnd() (node, int, *Error) {
	first, err := p.parseNot()
	if err != nil {
		return nil, -1, err
	}
	if p.peek().kind != tAnd {
		return first, -1, nil
	}
	at := p.i
	kids := appendFlat(andNode(nil), first)
	for p.peek().kind == tAnd {
		p.next()
		n, err := p.parseNot()
		if err != nil {
			return nil, -1, err
		}
		kids = appendFlat(kids, n)
	}
	return kids, at, nil
}

// appendFlat appends n to a logical node of the same type, splicing in n's
// children when n is itself that type ("(a or b) or c" is "a or b or c").
func appendFlat[T andNode | orNode](kids T, n node) T {
	if same, ok := n.(T); ok {
		return append(kids, same...)
	}
	return append(kids, n)
}

func (p *parser) parseNot() (node, *Error) {
	if p.peek().kind != tNot {
		return p.parsePrimary()
	}
	p.next()
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errTok(p.peek(), "the filter nests too deeply")
	}
	x, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	return &notNode{x}, nil
}

func (p *parser) parsePrimary() (node, *Error) {
	t := p.peek()
	switch t.kind {
	case tLParen:
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, p.errTok(t, "the filter nests too deeply")
		}
		n, _, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		switch c := p.peek(); c.kind {
		case tRParen:
			p.next()
			return n, nil
		case tEOF:
			return nil, p.errTok(t, `unbalanced parenthesis: this "(" is never closed`)
		default:
			return nil, p.errTok(c, "unexpected "+describe(c)+`: expected ")", "and" or "or"`)
		}
	case tWord:
		return p.parseTest()
	}
	return nil, p.noTest(t)
}

// noTest explains a token found where a test should start.
func (p *parser) noTest(t token) *Error {
	var prev token
	if p.i > 0 {
		prev = p.toks[p.i-1]
	}
	switch {
	case t.kind == tRParen && p.i > 0 && prev.kind == tLParen:
		return errAt(p.expr, prev.pos, t.end, `empty parentheses: put a test between "(" and ")"`)
	case t.kind == tString || t.kind == tChar:
		return p.errTok(t, "expected a field or protocol name, found the value "+describe(t)+
			`: a comparison names the field first, as in dns.qry.name == "example.org"`)
	case p.i > 0 && (prev.kind == tAnd || prev.kind == tOr || prev.kind == tNot || prev.kind == tLParen):
		msg := "expected a test after " + strconv.Quote(prev.text)
		if t.kind != tEOF {
			msg += ", found " + describe(t)
		}
		if t.kind == tEOF {
			return errAt(p.expr, len(p.expr), len(p.expr), msg)
		}
		return p.errTok(t, msg)
	case t.kind == tRParen:
		return p.errTok(t, `unbalanced parenthesis: this ")" has no matching "("`)
	}
	return p.errTok(t, "expected a field or protocol name, found "+describe(t))
}

// looksLikeName reports whether w could be a field name (letters, digits,
// _ . - with a letter somewhere) rather than a value.
func looksLikeName(w string) bool {
	letter := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-':
		default:
			return false
		}
	}
	return letter && w[0] != '-' && w[0] != '.'
}

func (p *parser) unknownField(t token) *Error {
	e := p.errTok(t, "unknown field "+strconv.Quote(t.text))
	e.Suggestion = p.suggest(t.text)
	if e.Suggestion == "" {
		e.Msg += `; "v6scope fields" lists the known names`
	}
	return e
}

func (p *parser) parseTest() (node, *Error) {
	w := p.next()
	if p.peek().kind == tLParen {
		return nil, errAt(p.expr, w.pos, p.peek().end, "functions such as "+strconv.Quote(w.text+"()")+" are not supported yet")
	}
	info, ok := p.lookup(w.text)
	if !ok {
		if !looksLikeName(w.text) {
			return nil, p.errTok(w, "expected a field or protocol name, found the value "+describe(w)+
				": a comparison names the field first, as in ipv6.hlim == 255")
		}
		return nil, p.unknownField(w)
	}
	lhs, err := p.parseOperand(w, info)
	if err != nil {
		return nil, err
	}
	switch t := p.peek(); t.kind {
	case tEq, tNe, tAllEq, tAnyNe, tLt, tLe, tGt, tGe:
		return p.parseCompare(w, lhs)
	case tContains:
		return p.parseContains(lhs)
	case tMatches:
		return p.parseMatches(lhs)
	case tIn:
		return p.parseIn(w, lhs)
	case tNot:
		if p.peekAt(1).kind == tIn {
			p.next()
			n, err := p.parseIn(w, lhs)
			if err != nil {
				return nil, err
			}
			return &notNode{n}, nil
		}
	}
	return &test{lhs: *lhs, op: opExists}, nil
}

// vkindOf is the shape a field of kind k loads as.
func vkindOf(k dissect.Kind) vkind {
	switch k {
	case dissect.Bool, dissect.Uint, dissect.FrameNum:
		return vUint
	case dissect.Int, dissect.RelTime:
		return vInt
	case dissect.Float:
		return vFloat
	case dissect.IPv4, dissect.IPv6:
		return vAddr
	case dissect.Bytes, dissect.MAC, dissect.Protocol, dissect.None:
		return vBytes
	case dissect.String:
		return vString
	case dissect.AbsTime, dissect.EpochTime:
		return vTime
	}
	return vNone
}

func isInteger(k dissect.Kind) bool {
	return k == dissect.Uint || k == dissect.Int || k == dissect.Bool || k == dissect.FrameNum
}

func isProto(k dissect.Kind) bool { return k == dissect.Protocol || k == dissect.None }

// parseOperand parses the optional slice and mask after the field name w.
func (p *parser) parseOperand(w token, info *dissect.FieldInfo) (*operand, *Error) {
	o := &operand{name: w.text, info: info, kind: info.Kind, vk: vkindOf(info.Kind)}
	if p.peek().kind == tLBracket {
		lb := p.next()
		switch info.Kind {
		case dissect.Bytes, dissect.MAC, dissect.String, dissect.Protocol, dissect.None:
		default:
			return nil, p.errTok(lb, w.text+" is "+info.Kind.String()+
				": slices [i:n] work on byte strings, strings, MAC addresses and protocols")
		}
		r := p.next()
		if r.kind != tWord {
			return nil, p.errTok(r, `expected a byte range such as [0:3], [2], [1-4] or [-2:] after "[", found `+describe(r))
		}
		spec, msg := parseSlice(r.text)
		if msg != "" {
			return nil, p.errTok(r, msg)
		}
		switch c := p.next(); c.kind {
		case tRBracket:
		case tComma:
			return nil, p.errTok(c, `lists of ranges such as [0:2,4] are not supported yet: use one range`)
		default:
			return nil, p.errTok(c, `expected "]" to close the slice, found `+describe(c))
		}
		o.slice = spec
		o.vk = vBytes
		if info.Kind == dissect.String {
			o.vk = vString
		}
	}
	if p.peek().kind == tBitAnd {
		amp := p.next()
		if o.slice != nil || !isInteger(info.Kind) {
			return nil, p.errTok(amp, `"&" (bitwise and) works on integer fields, but `+o.display()+" is "+o.kindName())
		}
		m := p.next()
		var v uint64
		var err error
		switch m.kind {
		case tWord:
			v, err = strconv.ParseUint(m.text, 0, 64)
			if err != nil && o.vk == vInt {
				var s int64
				s, err = strconv.ParseInt(m.text, 0, 64)
				v = uint64(s)
			}
		case tChar:
			v = m.num
		default:
			return nil, p.errTok(m, `expected a bit mask such as 0x02 after "&", found `+describe(m))
		}
		if err != nil {
			return nil, p.errTok(m, strconv.Quote(m.text)+` is not a valid bit mask: write an integer such as 0x02`)
		}
		o.hasMask, o.mask, o.maskText = true, v, "0x"+strconv.FormatUint(v, 16)
	}
	return o, nil
}

// display is the operand as written: name and slice.
func (o *operand) display() string {
	if o.slice != nil {
		return o.name + o.slice.text
	}
	return o.name
}

// kindName is the type of the operand's values, for messages.
func (o *operand) kindName() string {
	if o.slice != nil {
		return "a slice of " + o.kind.String()
	}
	return o.kind.String()
}

// parseSlice parses the inside of [...]: "i:n", ":n", "i:", "i-j" or "i".
func parseSlice(s string) (*sliceSpec, string) {
	bad := strconv.Quote(s) + ` is not a byte range: write [i:n] (n bytes from i), [i-j] (i through j), [i] or [i:]`
	num := func(s string) (int, string, bool) {
		j := 0
		if j < len(s) && s[j] == '-' {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k == j || k-j > 9 {
			return 0, s, false
		}
		v, _ := strconv.Atoi(s[:k])
		return v, s[k:], true
	}
	spec := &sliceSpec{}
	if strings.HasPrefix(s, ":") {
		n, rest, ok := num(s[1:])
		if !ok || rest != "" || n <= 0 {
			return nil, bad
		}
		spec.form, spec.start, spec.n = sliceLen, 0, n
	} else {
		start, rest, ok := num(s)
		if !ok {
			return nil, bad
		}
		spec.start = start
		switch {
		case rest == "":
			spec.form = sliceSingle
		case rest == ":":
			spec.form = sliceToEnd
		case rest[0] == ':':
			n, r, ok := num(rest[1:])
			if !ok || r != "" || n <= 0 {
				return nil, bad
			}
			spec.form, spec.n = sliceLen, n
		case rest[0] == '-':
			end, r, ok := num(rest[1:])
			if !ok || r != "" || start >= 0 && end >= 0 && end < start {
				return nil, bad
			}
			spec.form, spec.n = sliceThru, end
		default:
			return nil, bad
		}
	}
	spec.text = spec.format()
	return spec, ""
}

func (s *sliceSpec) format() string {
	i := strconv.Itoa(s.start)
	switch s.form {
	case sliceLen:
		return "[" + i + ":" + strconv.Itoa(s.n) + "]"
	case sliceToEnd:
		return "[" + i + ":]"
	case sliceThru:
		return "[" + i + "-" + strconv.Itoa(s.n) + "]"
	}
	return "[" + i + "]"
}

var cmpOps = map[tokKind]op{tEq: opEq, tNe: opNe, tAllEq: opAllEq, tAnyNe: opAnyNe, tLt: opLt, tLe: opLe, tGt: opGt, tGe: opGe}

// noValue rejects operands that have no value to compare: protocols (unless
// sliced).
func (p *parser) noValue(w token, o *operand, opTok token) *Error {
	if isProto(o.kind) && o.slice == nil {
		return errAt(p.expr, w.pos, opTok.end, o.name+" is a protocol ("+o.kind.String()+"): test its presence ("+o.name+
			`), search its bytes with "contains" or "matches", or compare a slice of its bytes (`+o.name+`[0:2] == 01:02); it has no value for `+strconv.Quote(opTok.text))
	}
	return nil
}

func (p *parser) parseCompare(w token, lhs *operand) (node, *Error) {
	opTok := p.next()
	o := cmpOps[opTok.kind]
	if err := p.noValue(w, lhs, opTok); err != nil {
		return nil, err
	}
	v := p.peek()
	if v.kind == tWord {
		if info, ok := p.lookup(v.text); ok {
			p.next()
			rhs, err := p.parseOperand(v, info)
			if err != nil {
				return nil, err
			}
			if isProto(rhs.kind) && rhs.slice == nil || rhs.vk != lhs.vk || lhs.vk == vAddr && rhs.kind != lhs.kind {
				return nil, errAt(p.expr, w.pos, p.toks[p.i-1].end, "cannot compare "+lhs.display()+" ("+lhs.kindName()+") with "+
					rhs.display()+" ("+rhs.kindName()+")")
			}
			return &test{lhs: *lhs, op: o, rhs: rhs}, nil
		}
	}
	if v.kind != tWord && v.kind != tString && v.kind != tChar {
		msg := "expected a value after " + strconv.Quote(opTok.text)
		if v.kind != tEOF {
			msg += ", found " + describe(v)
		}
		return nil, p.errTok(v, msg)
	}
	p.next()
	lit, err := p.parseLiteral(lhs, v)
	if err != nil {
		return nil, err
	}
	if lit.isPfx && o != opEq && o != opNe && o != opAllEq && o != opAnyNe {
		return nil, p.errTok(v, "a prefix can only be tested with ==, !=, === and ~= (is the address in it?); "+
			strconv.Quote(opTok.text)+" needs an address")
	}
	return &test{lhs: *lhs, op: o, lit: lit}, nil
}

// valueToken reads the token after keyword kw, which must be a value.
func (p *parser) valueToken(kw token) (token, *Error) {
	v := p.next()
	if v.kind != tWord && v.kind != tString && v.kind != tChar {
		msg := "expected a value after " + strconv.Quote(kw.text)
		if v.kind != tEOF {
			msg += ", found " + describe(v)
		}
		return v, p.errTok(v, msg)
	}
	return v, nil
}

func (p *parser) parseContains(lhs *operand) (node, *Error) {
	kw := p.next()
	if lhs.hasMask {
		return nil, p.errTok(kw, `"contains" cannot follow "&": compare the masked value with == instead`)
	}
	v, err := p.valueToken(kw)
	if err != nil {
		return nil, err
	}
	x := &test{lhs: *lhs, op: opContains}
	switch {
	case lhs.vk == vBytes || lhs.slice != nil:
		b, msg := bytesLiteral(v)
		if msg != "" {
			return nil, p.errTok(v, strconv.Quote(v.text)+" is not a byte string: write hex bytes such as 01:02:03, or text in double quotes")
		}
		x.lit.v = view{k: lhs.vk, b: b, s: string(b)}
		x.lit.text = formatBytes(b)
	case lhs.vk == vString:
		s := p.stringLiteral(v, lhs)
		x.lit.v = view{k: vString, s: s, b: []byte(s)}
		x.lit.text = quote(s)
	default:
		// Numbers, addresses and times are searched in their printed form.
		s := v.text
		switch v.kind {
		case tString:
			s = v.val
		case tChar:
			s = string(rune(v.num))
		}
		x.text = true
		x.lit.v = view{k: vBytes, b: []byte(s)}
		x.lit.text = quote(s)
	}
	return x, nil
}

func (p *parser) parseMatches(lhs *operand) (node, *Error) {
	kw := p.next()
	if lhs.hasMask {
		return nil, p.errTok(kw, `"matches" cannot follow "&": compare the masked value with == instead`)
	}
	v := p.next()
	if v.kind != tString {
		return nil, p.errTok(v, `the pattern after `+strconv.Quote(kw.text)+` must be a double-quoted string, such as matches "^fe80", found `+describe(v))
	}
	if _, err := regexp.Compile(v.val); err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "error parsing regexp: ")
		return nil, p.errTok(v, "invalid regular expression: "+msg)
	}
	// Wireshark matches case-insensitively unless the pattern says (?-i).
	re, err := regexp.Compile("(?i)" + v.val)
	if err != nil {
		return nil, p.errTok(v, "invalid regular expression: "+err.Error())
	}
	x := &test{lhs: *lhs, op: opMatches, re: re, reSrc: v.val}
	if lhs.slice == nil && lhs.vk != vBytes && lhs.vk != vString {
		x.text = true // numbers, addresses and times, as printed
	}
	return x, nil
}

func (p *parser) parseIn(w token, lhs *operand) (node, *Error) {
	kw := p.next()
	if err := p.noValue(w, lhs, kw); err != nil {
		return nil, err
	}
	lb := p.next()
	if lb.kind != tLBrace {
		return nil, p.errTok(lb, `expected "{" after "in", as in udp.port in {53 5353}, found `+describe(lb))
	}
	x := &test{lhs: *lhs, op: opIn}
	comma := false
	for {
		t := p.peek()
		switch t.kind {
		case tRBrace:
			if comma {
				return nil, p.errTok(t, `expected a value after ",", found "}"`)
			}
			p.next()
			if len(x.set) == 0 {
				return nil, errAt(p.expr, lb.pos, t.end, `empty set: put at least one value between "{" and "}"`)
			}
			return x, nil
		case tEOF:
			return nil, p.errTok(lb, `expected "}" to close the set opened here`)
		case tComma:
			if comma || len(x.set) == 0 {
				return nil, p.errTok(t, `expected a value before ","`)
			}
			p.next()
			comma = true
			continue
		case tWord, tString, tChar:
		default:
			return nil, p.errTok(t, `expected a value or "}" in the set, found `+describe(t))
		}
		comma = false
		lo, err := p.setLiteral(lhs)
		if err != nil {
			return nil, err
		}
		e := setElem{lo: lo}
		if dd := p.peek(); dd.kind == tDotDot {
			p.next()
			if c := p.peek(); c.kind != tWord && c.kind != tString && c.kind != tChar {
				return nil, p.errTok(c, `expected the end of the range after "..", found `+describe(c))
			}
			hiTok := p.peek()
			hi, err := p.setLiteral(lhs)
			if err != nil {
				return nil, err
			}
			if lo.isPfx || hi.isPfx {
				return nil, errAt(p.expr, t.pos, hiTok.end, "a range cannot have a prefix as an end: write addresses, as in 10.0.0.5..10.0.0.9")
			}
			if compareViews(&lo.v, &hi.v) > 0 {
				return nil, errAt(p.expr, t.pos, hiTok.end, "range "+lo.text+".."+hi.text+" is empty: write the lower end first")
			}
			e.hi, e.isRange = hi, true
		}
		x.set = append(x.set, e)
	}
}

func (p *parser) setLiteral(lhs *operand) (literal, *Error) {
	v := p.next()
	if v.kind == tWord {
		if _, ok := p.lookup(v.text); ok {
			return literal{}, p.errTok(v, "a set holds values, but "+strconv.Quote(v.text)+" is a field: compare fields with ==")
		}
	}
	return p.parseLiteral(lhs, v)
}
