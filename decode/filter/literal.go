package filter

import (
	"encoding/hex"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/v6scope/v6scope/decode/dissect"
)

// maxValueName is the largest value searched for a value name
// (icmpv6.type == "Neighbor Solicitation"): value tables are functions, so
// names of larger values cannot be found.
const maxValueName = 0xffff

// hints say what a valid literal of each kind looks like.
var hints = map[dissect.Kind]string{
	dissect.Uint:      "write a number: decimal (53), hex (0x35) or octal (065)",
	dissect.FrameNum:  "write a frame number such as 42",
	dissect.Int:       "write a number such as -5, 17 or 0x11",
	dissect.Bool:      "write 1, 0, true or false",
	dissect.Float:     "write a number such as 1.5",
	dissect.IPv4:      "write an IPv4 address (192.0.2.1) or prefix (192.0.2.0/24); host names are not resolved",
	dissect.IPv6:      "write an IPv6 address (2001:db8::1) or prefix (2001:db8::/32)",
	dissect.MAC:       "write six bytes such as 00:11:22:33:44:55 (or with - or . between the bytes)",
	dissect.Bytes:     "write hex bytes such as 01:02:03, 01.02.03 or 010203, or text in double quotes",
	dissect.RelTime:   "write seconds such as 1.5 or 0.000250",
	dissect.EpochTime: "write seconds since 1970-01-01 UTC, such as 1700000000.5",
}

// parseLiteral parses the value token v for comparison with o.
func (p *parser) parseLiteral(o *operand, v token) (literal, *Error) {
	k := o.kind
	if o.slice != nil {
		k = dissect.Bytes // a slice is bytes, even of a string, as in Wireshark
	}
	lit := literal{v: view{k: o.vk}}
	bad := func(extra string) (literal, *Error) {
		msg := strconv.Quote(v.text) + " is not a valid " + o.kindName() + " value for " + o.display()
		if extra != "" {
			msg = extra
		}
		if h := hints[k]; h != "" {
			msg += ": " + h
		}
		e := p.errTok(v, msg)
		if v.kind == tWord && looksLikeName(v.text) && strings.Contains(v.text, ".") {
			if s := p.suggest(v.text); s != "" {
				e.Msg = strconv.Quote(v.text) + " is neither a known field nor a valid " + o.kindName() + " value for " + o.display()
				e.Suggestion = s
			}
		}
		return literal{}, e
	}
	switch k {
	case dissect.Uint, dissect.FrameNum:
		switch v.kind {
		case tChar:
			lit.v.u = v.num
		case tWord:
			if strings.HasPrefix(v.text, "-") {
				return bad(strconv.Quote(v.text) + " is negative, but " + o.display() + " is " + o.kindName() + " (unsigned)")
			}
			u, err := strconv.ParseUint(v.text, 0, 64)
			if err != nil {
				return bad("")
			}
			lit.v.u = u
		case tString:
			u, ok := valueByName(o.info, v.val)
			if !ok {
				if o.info.Values == nil {
					return bad(o.display() + " has no named values, so " + v.text + " cannot be compared with it")
				}
				return bad(o.display() + " has no value named " + v.text)
			}
			lit.v.u = u
		}
		lit.text = formatUint(o, lit.v.u)
	case dissect.Bool:
		switch {
		case v.kind != tWord:
			return bad("")
		case v.text == "true" || v.text == "True" || v.text == "TRUE":
			lit.v.u = 1
		case v.text == "false" || v.text == "False" || v.text == "FALSE":
			lit.v.u = 0
		default:
			// As in Wireshark, any non-zero number means true.
			u, err := strconv.ParseUint(v.text, 0, 64)
			if err != nil {
				return bad("")
			}
			if u != 0 {
				lit.v.u = 1
			}
		}
		if o.hasMask {
			lit.text = formatUint(o, lit.v.u)
		} else {
			lit.text = strconv.FormatUint(lit.v.u, 10)
		}
	case dissect.Int:
		switch v.kind {
		case tChar:
			lit.v.u = v.num
		case tWord:
			i, err := strconv.ParseInt(v.text, 0, 64)
			if err != nil {
				return bad("")
			}
			lit.v.u = uint64(i)
		default:
			return bad("")
		}
		lit.text = strconv.FormatInt(int64(lit.v.u), 10)
	case dissect.Float:
		if v.kind != tWord {
			return bad("")
		}
		f, err := strconv.ParseFloat(v.text, 64)
		if err != nil {
			return bad("")
		}
		lit.v.f = f
		lit.text = strconv.FormatFloat(f, 'g', -1, 64)
	case dissect.IPv4, dissect.IPv6:
		if v.kind != tWord {
			return bad("")
		}
		want4 := k == dissect.IPv4
		if strings.Contains(v.text, "/") {
			pfx, err := netip.ParsePrefix(v.text)
			if err != nil {
				return bad("")
			}
			if pfx.Addr().Is4() != want4 {
				return bad(familyMismatch(v.text, pfx.Addr().Is4(), o))
			}
			lit.pfx, lit.isPfx = pfx.Masked(), true
			lit.v.a = lit.pfx.Addr()
			lit.text = lit.pfx.String()
			break
		}
		a, err := netip.ParseAddr(v.text)
		if err != nil || a.Zone() != "" {
			return bad("")
		}
		if a.Is4() != want4 {
			return bad(familyMismatch(v.text, a.Is4(), o))
		}
		lit.v.a = a
		lit.text = a.String()
	case dissect.MAC:
		if v.kind != tWord {
			return bad("")
		}
		b, msg := parseByteString(v.text, false)
		if msg != "" {
			b, msg = parseDottedMAC(v.text)
		}
		if msg != "" {
			return bad("")
		}
		if len(b) != 6 {
			e := p.errTok(v, strconv.Quote(v.text)+" has "+strconv.Itoa(len(b))+" bytes, but "+o.display()+" is "+o.kindName()+
				" (6 bytes): to match the first bytes compare a slice, as in "+o.name+"[0:"+strconv.Itoa(len(b))+"] == "+v.text)
			return literal{}, e
		}
		lit.v.b = b
		lit.text = string(dissect.AppendMAC(nil, b))
	case dissect.Bytes:
		b, msg := bytesLiteral(v)
		if msg != "" {
			return bad("")
		}
		lit.v.b = b
		if o.vk == vString {
			lit.v.s = string(b) // a slice of a string field
		}
		lit.text = formatBytes(b)
	case dissect.String:
		lit.v.s = p.stringLiteral(v, o)
		lit.text = quote(lit.v.s)
	case dissect.RelTime:
		if v.kind != tWord {
			return bad("")
		}
		ns, ok := parseSeconds(v.text)
		if !ok {
			return bad("")
		}
		lit.v.u = uint64(ns)
		lit.text = formatSeconds(ns)
	case dissect.EpochTime:
		if v.kind != tWord {
			return bad("")
		}
		neg, sec, nsec, ok := parseDecimal(v.text)
		if !ok || sec > math.MaxInt64 {
			return bad("")
		}
		if neg {
			lit.v.t = time.Unix(-int64(sec), -nsec)
		} else {
			lit.v.t = time.Unix(int64(sec), nsec)
		}
		lit.text = formatEpoch(lit.v.t)
	case dissect.AbsTime:
		return literal{}, p.errTok(v, "comparing "+o.display()+" ("+o.kindName()+") with a date is not supported yet: "+
			"compare frame.time_epoch (seconds since 1970) or frame.time_relative (seconds since the first frame) instead, or compare two time fields")
	default:
		return literal{}, p.errTok(v, o.display()+" is "+o.kindName()+" and has no value to compare")
	}
	return lit, nil
}

func familyMismatch(text string, is4 bool, o *operand) string {
	fam := "an IPv6"
	if is4 {
		fam = "an IPv4"
	}
	return strconv.Quote(text) + " is " + fam + " address, but " + o.display() + " is " + o.kindName()
}

// valueByName finds the value whose name (from info.Values) is name,
// ignoring case.
func valueByName(info *dissect.FieldInfo, name string) (uint64, bool) {
	if info == nil || info.Values == nil || name == "" {
		return 0, false
	}
	for v := uint64(0); v <= maxValueName; v++ {
		if n := info.Values(v); n != "" && strings.EqualFold(n, name) {
			return v, true
		}
	}
	return 0, false
}

// formatUint prints an integer literal the way tshark prints the field:
// 0x-prefixed hex for BaseHex fields, decimal otherwise.
func formatUint(o *operand, u uint64) string {
	if o.info != nil && o.info.Base == dissect.BaseHex && o.kind != dissect.Bool {
		return dissect.HexValue(u, o.info.Digits)
	}
	return strconv.FormatUint(u, 10)
}

// stringLiteral returns the text of a value compared with a string field.
// An unquoted word is accepted, as Wireshark does, with a warning.
func (p *parser) stringLiteral(v token, o *operand) string {
	switch v.kind {
	case tString:
		return v.val
	case tChar:
		return string(rune(v.num))
	}
	p.warn(v, "unquoted text "+strconv.Quote(v.text)+" compared with "+o.display()+": write it in double quotes, "+quote(v.text))
	return v.text
}

// bytesLiteral parses a value for a byte-string context: hex bytes, text in
// double quotes, or a character constant.
func bytesLiteral(v token) ([]byte, string) {
	switch v.kind {
	case tString:
		return []byte(v.val), ""
	case tChar:
		if v.num > 0xff {
			return nil, "not a byte"
		}
		return []byte{byte(v.num)}, ""
	}
	return parseByteString(v.text, true)
}

// parseByteString parses hex bytes: pairs (or single digits) separated by
// ':', '-' or '.' (00:11:22, 0.1.0.d), or an even run of hex digits
// (001122). With short, a lone hex digit ("7") and a one-byte hex integer
// ("0xff") are accepted too, as Wireshark does for byte fields.
func parseByteString(s string, short bool) ([]byte, string) {
	const bad = "not a byte string"
	if s == "" {
		return nil, bad
	}
	if strings.ContainsAny(s, ":-.") {
		var b []byte
		for len(s) > 0 {
			i := strings.IndexAny(s, ":-.")
			g := s
			if i >= 0 {
				g, s = s[:i], s[i+1:]
				if s == "" {
					return nil, bad
				}
			} else {
				s = ""
			}
			if len(g) < 1 || len(g) > 2 || !isHex(g[0]) || len(g) == 2 && !isHex(g[1]) {
				return nil, bad
			}
			v, _ := strconv.ParseUint(g, 16, 8)
			b = append(b, byte(v))
		}
		return b, ""
	}
	if short && (strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X")) {
		h := s[2:]
		if len(h) < 1 || len(h) > 2 {
			return nil, bad
		}
		v, err := strconv.ParseUint(h, 16, 8)
		if err != nil {
			return nil, bad
		}
		return []byte{byte(v)}, ""
	}
	if short && len(s) == 1 && isHex(s[0]) {
		v, _ := strconv.ParseUint(s, 16, 8)
		return []byte{byte(v)}, ""
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	return b, ""
}

// parseDottedMAC parses the xxxx.xxxx.xxxx form of a MAC address that
// Cisco devices print.
func parseDottedMAC(s string) ([]byte, string) {
	g := strings.Split(s, ".")
	if len(g) != 3 {
		return nil, "not a MAC address"
	}
	var b []byte
	for _, p := range g {
		if len(p) != 4 {
			return nil, "not a MAC address"
		}
		v, err := hex.DecodeString(p)
		if err != nil {
			return nil, "not a MAC address"
		}
		b = append(b, v...)
	}
	return b, ""
}

// formatBytes prints a byte literal so it parses back: colon-separated hex
// for two bytes or more, a quoted string otherwise.
func formatBytes(b []byte) string {
	if len(b) < 2 {
		return quote(string(b))
	}
	return string(dissect.AppendMAC(nil, b))
}

// quote writes s as a double-quoted literal that lex decodes back to s:
// printable ASCII as is, every other byte as \xHH.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			b.WriteString(`\x`)
			b.WriteByte(hexDigit[c>>4])
			b.WriteByte(hexDigit[c&0xf])
		}
	}
	b.WriteByte('"')
	return b.String()
}

const hexDigit = "0123456789abcdef"

const nsPerSec = 1_000_000_000

// parseDecimal parses [+-]digits[.digits] with at most nine decimals into
// whole seconds and nanoseconds.
func parseDecimal(s string) (neg bool, sec uint64, nsec int64, ok bool) {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 9 || !allDigits(whole) || !allDigits(frac) {
		return false, 0, 0, false
	}
	if whole != "" {
		var err error
		if sec, err = strconv.ParseUint(whole, 10, 64); err != nil {
			return false, 0, 0, false
		}
	}
	for i := 0; i < 9; i++ {
		nsec *= 10
		if i < len(frac) {
			nsec += int64(frac[i] - '0')
		}
	}
	return neg, sec, nsec, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseSeconds parses a duration written in seconds ("1.5", "-0.000250",
// "1e-3") into nanoseconds.
func parseSeconds(s string) (int64, bool) {
	if neg, sec, nsec, ok := parseDecimal(s); ok {
		if sec > math.MaxInt64/nsPerSec-1 {
			return 0, false
		}
		ns := int64(sec)*nsPerSec + nsec
		if neg {
			ns = -ns
		}
		return ns, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) >= math.MaxInt64/nsPerSec-1 {
		return 0, false
	}
	return int64(math.Round(f * 1e9)), true
}

// formatSeconds prints nanoseconds as seconds, without trailing zeros.
func formatSeconds(ns int64) string {
	neg := ns < 0
	u := uint64(ns)
	if neg {
		u = -u
	}
	return formatSecNsec(neg, u/nsPerSec, u%nsPerSec)
}

func formatSecNsec(neg bool, sec, nsec uint64) string {
	s := strconv.FormatUint(sec, 10)
	if nsec != 0 {
		f := strconv.FormatUint(nsec+nsPerSec, 10)[1:] // nine digits, zero-padded
		s += "." + strings.TrimRight(f, "0")
	}
	if neg && (sec != 0 || nsec != 0) {
		s = "-" + s
	}
	return s
}

// formatEpoch prints a time as seconds since 1970-01-01 UTC.
func formatEpoch(t time.Time) string {
	sec, nsec := t.Unix(), int64(t.Nanosecond())
	if sec >= 0 {
		return formatSecNsec(false, uint64(sec), uint64(nsec))
	}
	// t is sec + nsec/1e9 with sec negative: its magnitude is
	// -(sec+1) seconds and 1e9-nsec nanoseconds (or -sec when nsec is 0).
	if nsec == 0 {
		return formatSecNsec(true, uint64(-sec), 0)
	}
	return formatSecNsec(true, uint64(-(sec + 1)), uint64(nsPerSec-nsec))
}
