package filter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tWord             // unquoted run: field names, numbers, addresses, byte strings
	tString           // "double quoted" or r"raw"; val holds the decoded bytes
	tChar             // 'c' character constant; num holds its value
	tLParen           // (
	tRParen           // )
	tLBrace           // {
	tRBrace           // }
	tLBracket         // [
	tRBracket         // ]
	tComma            // ,
	tDotDot           // ..
	tAnd              // and &&
	tOr               // or ||
	tNot              // not !
	tEq               // == eq any_eq
	tNe               // != ne all_ne
	tAllEq            // === all_eq
	tAnyNe            // ~= !== any_ne
	tLt               // < lt
	tLe               // <= le
	tGt               // > gt
	tGe               // >= ge
	tContains         // contains
	tMatches          // matches ~
	tIn               // in
	tBitAnd           // & bitwise_and
)

// token is one lexical token; pos and end are byte offsets into the
// expression.
type token struct {
	kind     tokKind
	pos, end int
	text     string // source text
	val      string // decoded value of a tString
	num      uint64 // value of a tChar
}

// keywords maps the English spellings of operators to their tokens. They
// are accepted in lower case, as Wireshark spells them, and in upper case
// (AND, OR, NOT), which tshark 4.0 refuses but SQL habits produce.
var keywords = map[string]tokKind{
	"and": tAnd, "or": tOr, "not": tNot,
	"eq": tEq, "any_eq": tEq, "ne": tNe, "all_ne": tNe,
	"all_eq": tAllEq, "any_ne": tAnyNe,
	"lt": tLt, "le": tLe, "gt": tGt, "ge": tGe,
	"contains": tContains, "matches": tMatches, "in": tIn,
	"bitwise_and": tBitAnd,
}

func keyword(w string) (tokKind, bool) {
	if k, ok := keywords[w]; ok {
		return k, true
	}
	if k, ok := keywords[strings.ToLower(w)]; ok && w == strings.ToUpper(w) {
		return k, true
	}
	return 0, false
}

// isWordByte reports whether c may appear in an unquoted word: field names
// (ipv6.src, mac-lte), numbers (0x1f, -5, 1e+06), addresses (fe80::1,
// 10.0.0.0/8) and byte strings (00:11:22, 01.02, aa-bb).
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == ':' || c == '/' || c == '-' || c == '+'
}

// lex splits expr into tokens, ending with a tEOF token.
func lex(expr string) ([]token, *Error) {
	var toks []token
	i := 0
	for {
		for i < len(expr) && isSpace(expr[i]) {
			i++
		}
		if i >= len(expr) {
			toks = append(toks, token{kind: tEOF, pos: len(expr), end: len(expr)})
			return toks, nil
		}
		start := i
		c := expr[i]
		two := ""
		if i+1 < len(expr) {
			two = expr[i : i+2]
		}
		three := ""
		if i+2 < len(expr) {
			three = expr[i : i+3]
		}
		op := func(k tokKind, n int) {
			toks = append(toks, token{kind: k, pos: start, end: start + n, text: expr[start : start+n]})
			i = start + n
		}
		switch {
		case c == '"' || c == 'r' && two == `r"`:
			tok, err := lexString(expr, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, tok)
			i = tok.end
		case c == '\'':
			tok, err := lexChar(expr, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, tok)
			i = tok.end
		case two == "..":
			op(tDotDot, 2)
		case isWordByte(c):
			j := i
			for j < len(expr) && isWordByte(expr[j]) {
				if expr[j] == '.' && j+1 < len(expr) && expr[j+1] == '.' {
					break
				}
				j++
			}
			w := expr[i:j]
			k, ok := keyword(w)
			if !ok {
				k = tWord
			}
			toks = append(toks, token{kind: k, pos: i, end: j, text: w})
			i = j
		case three == "===":
			op(tAllEq, 3)
		case three == "!==":
			op(tAnyNe, 3)
		case two == "==":
			op(tEq, 2)
		case two == "!=":
			op(tNe, 2)
		case two == "~=":
			op(tAnyNe, 2)
		case two == "<=":
			op(tLe, 2)
		case two == ">=":
			op(tGe, 2)
		case two == "&&":
			op(tAnd, 2)
		case two == "||":
			op(tOr, 2)
		case c == '=':
			return nil, errAt(expr, i, i+1, `"=" is not an operator: use "==" to compare`)
		case c == '|':
			return nil, errAt(expr, i, i+1, `"|" is not an operator: use "||" or "or"`)
		case c == '!':
			op(tNot, 1)
		case c == '~':
			op(tMatches, 1)
		case c == '<':
			op(tLt, 1)
		case c == '>':
			op(tGt, 1)
		case c == '&':
			op(tBitAnd, 1)
		case c == '(':
			op(tLParen, 1)
		case c == ')':
			op(tRParen, 1)
		case c == '{':
			op(tLBrace, 1)
		case c == '}':
			op(tRBrace, 1)
		case c == '[':
			op(tLBracket, 1)
		case c == ']':
			op(tRBracket, 1)
		case c == ',':
			op(tComma, 1)
		case c == '#':
			return nil, errAt(expr, i, i+1, `layer selectors such as "ip.src#2" are not supported yet`)
		case c == '$':
			return nil, errAt(expr, i, i+1, `field references such as "${ip.src}" are not supported yet`)
		case two == "^^":
			return nil, errAt(expr, i, i+2, `"^^" (xor) is not supported: write (a and not b) or (not a and b)`)
		default:
			r, n := utf8.DecodeRuneInString(expr[i:])
			msg := "unexpected character " + strconv.QuoteRune(r)
			if r == utf8.RuneError && n == 1 {
				msg = "invalid UTF-8 byte " + strconv.Quote(expr[i:i+1])
			}
			return nil, errAt(expr, i, i+n, msg)
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// lexString reads a "double quoted" string with C escapes, or a r"raw"
// string in which a backslash stands for itself (\" still does not end it,
// and keeps its backslash), starting at expr[i].
func lexString(expr string, i int) (token, *Error) {
	start := i
	raw := expr[i] == 'r'
	if raw {
		i++
	}
	i++ // opening quote
	var b []byte
	for {
		if i >= len(expr) {
			return token{}, errAt(expr, start, len(expr), `unterminated string: add a closing "`)
		}
		c := expr[i]
		switch {
		case c == '"':
			i++
			return token{kind: tString, pos: start, end: i, text: expr[start:i], val: string(b)}, nil
		case c == '\\' && raw:
			if i+1 < len(expr) && (expr[i+1] == '"' || expr[i+1] == '\\') {
				b = append(b, c, expr[i+1])
				i += 2
				continue
			}
			b = append(b, c)
			i++
		case c == '\\':
			v, n, err := unescape(expr, i)
			if err != nil {
				return token{}, err
			}
			b = append(b, v...)
			i += n
		default:
			b = append(b, c)
			i++
		}
	}
}

// lexChar reads a C character constant such as 'a', '\n', '\x0a' or '\012'.
func lexChar(expr string, i int) (token, *Error) {
	start := i
	i++
	if i >= len(expr) {
		return token{}, errAt(expr, start, len(expr), `unterminated character constant: add a closing '`)
	}
	var v []byte
	if expr[i] == '\\' {
		u, n, err := unescape(expr, i)
		if err != nil {
			return token{}, err
		}
		v = u
		i += n
	} else {
		_, n := utf8.DecodeRuneInString(expr[i:])
		v = []byte(expr[i : i+n])
		i += n
	}
	if i >= len(expr) || expr[i] != '\'' {
		end := strings.IndexByte(expr[start+1:], '\'')
		if end < 0 {
			return token{}, errAt(expr, start, len(expr), `unterminated character constant: add a closing '`)
		}
		return token{}, errAt(expr, start, start+end+2, `a character constant holds one character: use double quotes for strings`)
	}
	i++
	var num uint64
	if len(v) == 1 {
		num = uint64(v[0])
	} else {
		r, _ := utf8.DecodeRune(v)
		num = uint64(r)
	}
	return token{kind: tChar, pos: start, end: i, text: expr[start:i], num: num}, nil
}

// unescape decodes the escape sequence at expr[i] (a backslash) and returns
// its bytes and its length in expr.
func unescape(expr string, i int) ([]byte, int, *Error) {
	if i+1 >= len(expr) {
		return nil, 0, errAt(expr, i, i+1, `unterminated string: add a closing "`)
	}
	c := expr[i+1]
	switch c {
	case '\\', '"', '\'', '?':
		return []byte{c}, 2, nil
	case 'a':
		return []byte{7}, 2, nil
	case 'b':
		return []byte{8}, 2, nil
	case 'f':
		return []byte{12}, 2, nil
	case 'n':
		return []byte{'\n'}, 2, nil
	case 'r':
		return []byte{'\r'}, 2, nil
	case 't':
		return []byte{'\t'}, 2, nil
	case 'v':
		return []byte{11}, 2, nil
	case 'x':
		j := i + 2
		for j < len(expr) && j < i+4 && isHex(expr[j]) {
			j++
		}
		if j == i+2 {
			return nil, 0, errAt(expr, i, i+2, `"\x" must be followed by one or two hex digits`)
		}
		v, _ := strconv.ParseUint(expr[i+2:j], 16, 8)
		return []byte{byte(v)}, j - i, nil
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		if i+2+n > len(expr) {
			return nil, 0, errAt(expr, i, len(expr), `"\`+string(c)+`" must be followed by `+strconv.Itoa(n)+` hex digits`)
		}
		v, err := strconv.ParseUint(expr[i+2:i+2+n], 16, 32)
		if err != nil || v > utf8.MaxRune {
			return nil, 0, errAt(expr, i, i+2+n, `"\`+string(c)+`" must be followed by `+strconv.Itoa(n)+` hex digits naming a Unicode code point`)
		}
		return utf8.AppendRune(nil, rune(v)), 2 + n, nil
	}
	if c >= '0' && c <= '7' {
		j := i + 1
		for j < len(expr) && j < i+4 && expr[j] >= '0' && expr[j] <= '7' {
			j++
		}
		v, _ := strconv.ParseUint(expr[i+1:j], 8, 16)
		if v > 0xff {
			return nil, 0, errAt(expr, i, j, `octal escape is larger than \377`)
		}
		return []byte{byte(v)}, j - i, nil
	}
	_, n := utf8.DecodeRuneInString(expr[i+1:])
	return nil, 0, errAt(expr, i, i+1+n, `unknown escape sequence `+strconv.Quote(expr[i:i+1+n])+`: write \\ for a backslash`)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
