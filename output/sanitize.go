package output

import "unicode/utf8"

// AppendSafe appends s with every control character, escape sequence
// introducer and invalid UTF-8 byte replaced by a visible \xNN escape, and
// backslashes doubled, so text from a capture cannot move the cursor,
// change colours or hide itself on a terminal.
func AppendSafe(dst []byte, s []byte) []byte {
	// Most values (numbers, addresses) are plain ASCII: copy them at once.
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' {
		i++
	}
	dst = append(dst, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			if c == '\\' {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError || r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029 || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			// Control characters, C1 controls (CSI is 0x9b), line separators
			// and bidirectional overrides are shown, not obeyed.
			for j := 0; j < n; j++ {
				dst = append(dst, '\\', 'x', hexdigit[s[i+j]>>4], hexdigit[s[i+j]&0xf])
			}
			i += n
			continue
		}
		dst = append(dst, s[i:i+n]...)
		i += n
	}
	return dst
}

// Safe returns s sanitized as AppendSafe does.
func Safe(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\\' {
			return string(AppendSafe(nil, []byte(s)))
		}
	}
	return s
}

const hexdigit = "0123456789abcdef"
