package filter

import (
	"errors"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/decode/dissect"
)

// TestMatch runs each filter over every test packet (dns, empty, na, ns,
// tunnel; see helpers_test.go) and lists the packets it must match.
func TestMatch(t *testing.T) {
	const all = "dns,empty,na,ns,tunnel"
	cases := []struct {
		name, expr, want string
	}{
		// Presence of protocols and fields.
		{"empty expression", "", all},
		{"blank expression", " \t ", all},
		{"protocol ipv6", "ipv6", "dns,na,ns,tunnel"},
		{"protocol ip", "ip", "dns"},
		{"protocol frame", "frame", "dns,na,ns,tunnel"},
		{"field present", "icmpv6.nd.na.flag.s", "na"},
		{"hidden field present", "udp.port", "dns"},
		{"expert field present", "_ws.expert", "dns"},

		// == and its spellings; integer literal forms.
		{"eq decimal", "icmpv6.type == 135", "ns"},
		{"eq keyword", "icmpv6.type eq 135", "ns"},
		{"any_eq hex", "icmpv6.type any_eq 0x87", "ns"},
		{"eq octal", "icmpv6.type == 0207", "ns"},
		{"eq char constant", "ipv6.nxt == ':'", "na,ns,tunnel"},
		{"eq char escape", `ipv6.hlim == '\x40'`, "dns,tunnel"},
		{"eq value name", `icmpv6.type == "Neighbor Solicitation"`, "ns"},
		{"eq value name any case", `icmpv6.type == "neighbor advertisement"`, "na"},
		{"eq value name other field", `ipv6.nxt == "UDP"`, "dns"},
		{"eq frame number", "frame.number == 2", "na"},
		{"eq hex field as decimal", "icmpv6.checksum == 48879", "na"},
		{"eq hex field as hex", "icmpv6.checksum == 0xbeef", "na"},
		{"eq hex field upper", "icmpv6.checksum == 0XBEEF", "na"},

		// Booleans.
		{"bool 1", "icmpv6.nd.na.flag.s == 1", "na"},
		{"bool true", "icmpv6.nd.na.flag.s == true", "na"},
		{"bool True", "icmpv6.nd.na.flag.s == True", "na"},
		{"bool 0", "icmpv6.nd.na.flag.s == 0", ""},
		{"bool False", "icmpv6.nd.na.flag.s == False", ""},
		{"bool nonzero is true", "icmpv6.nd.na.flag.s == 2", "na"},
		{"bool ne", "icmpv6.nd.na.flag.s != 0", "na"},

		// Signed integers and floats.
		{"int eq negative", "v6scope.delta == -5", "dns"},
		{"int lt", "v6scope.delta < 0", "dns"},
		{"int gt", "v6scope.delta > -6", "dns"},
		{"int ge", "v6scope.delta >= 0", ""},
		{"float eq", "v6scope.ratio == 0.25", "ns"},
		{"float gt", "v6scope.ratio > 1", "dns"},
		{"float exponent", "v6scope.ratio < 1e0", "ns"},
		{"float in", "v6scope.ratio in {0..0.5}", "ns"},

		// Times: relative times and epoch times in seconds.
		{"reltime eq", "frame.time_relative == 1.75", "na"},
		{"reltime gt", "frame.time_relative > 1.5", "dns,na,tunnel"},
		{"reltime le", "frame.time_relative <= 0.5", "ns"},
		{"reltime exponent", "frame.time_relative < 5e-1", ""},
		{"reltime integer", "frame.time_relative == 3", "tunnel"},
		{"reltime negative", "frame.time_relative > -1", "dns,na,ns,tunnel"},
		{"reltime nine decimals", "frame.time_delta == 1.250000000", "dns,na"},
		{"reltime delta", "frame.time_delta > 1.25", "tunnel"},
		{"epoch gt", "frame.time_epoch > 1700000001.5", "dns,na,tunnel"},
		{"epoch eq", "frame.time_epoch == 1700000000.5", "ns"},
		{"epoch ge", "frame.time_epoch >= 1700000002.25", "dns,tunnel"},
		{"abstime present", "frame.time", "dns,na,ns,tunnel"},
		{"abstime fields", "frame.time == frame.time", "dns,na,ns,tunnel"},
		{"abstime printed", `frame.time contains "2023"`, "dns,na,ns,tunnel"},

		// Ordering operators and their keywords.
		{"lt", "ipv6.hlim < 64", "tunnel"},
		{"lt keyword", "ipv6.hlim lt 64", "tunnel"},
		{"le", "ipv6.hlim le 63", "tunnel"},
		{"gt keyword", "ipv6.hlim gt 64", "na,ns"},
		{"ge", "ipv6.hlim >= 255", "na,ns"},
		{"ge any occurrence", "ipv6.hlim ge 64", "dns,na,ns,tunnel"},
		{"frame number ge", "frame.number >= 3", "dns,tunnel"},

		// Several occurrences: any versus all.
		{"eq any occurrence", "ipv6.hlim == 63", "tunnel"},
		{"ne is all not equal", "ipv6.hlim != 63", "dns,na,ns"},
		{"ne keyword", "ipv6.hlim ne 63", "dns,na,ns"},
		{"all_ne keyword", "ipv6.hlim all_ne 63", "dns,na,ns"},
		{"any_ne", "ipv6.hlim ~= 63", "dns,na,ns,tunnel"},
		{"any_ne bang", "ipv6.hlim !== 63", "dns,na,ns,tunnel"},
		{"any_ne keyword", "ipv6.hlim any_ne 63", "dns,na,ns,tunnel"},
		{"all_eq", "ipv6.hlim === 64", "dns"},
		{"all_eq keyword", "ipv6.src all_eq 2001:db8::1", "dns,tunnel"},
		{"all_eq fails on one", "ipv6.dst === 2001:db8::2", ""},
		{"eq inner layer", "ipv6.dst == 2001:db8::3", "tunnel"},
		{"ne inner layer", "ipv6.dst != 2001:db8::3", "dns,na,ns"},
		{"addr matches src or dst", "ipv6.addr == fe80::1", "na,ns"},
		{"addr ne needs all", "ipv6.addr != fe80::1", "dns,tunnel"},
		{"addr any_ne", "ipv6.addr ~= fe80::1", "dns,na,ns,tunnel"},

		// A relation on an absent field is false, whatever the operator.
		{"absent eq", "udp.port == 53", "dns"},
		{"absent ne", "udp.port != 80", "dns"},
		{"absent ne excluded", "udp.port != 53", ""},
		{"not eq includes absent", "not udp.port == 53", "empty,na,ns,tunnel"},
		{"absent ne icmpv6", "icmpv6.type != 135", "na,tunnel"},
		{"absent all_eq", "udp.port === 53", ""},
		{"absent any_ne", "ip.src ~= 10.0.0.1", "dns"},
		{"absent string ne", `dns.qry.name != "x"`, "dns"},

		// Addresses and prefixes.
		{"ipv6 eq", "ipv6.src == fe80::1", "ns"},
		{"ipv6 prefix", "ipv6.src == fe80::/10", "na,ns"},
		{"ipv6 prefix host bits", "ipv6.src == fe80::1/10", "na,ns"},
		{"ipv6 multicast prefix", "ipv6.dst == ff02::/16", "ns"},
		{"ipv6 prefix ne all", "ipv6.addr != fe80::/10", "dns,tunnel"},
		{"ipv6 prefix in set", "ipv6.src in {fe80::/10 2001:db8::1}", "dns,na,ns,tunnel"},
		{"ipv6 ordering", "ipv6.src > fe80::1", "na"},
		{"ipv6 ordering lt", "ipv6.src < 2001:db8::2", "dns,tunnel"},
		{"ipv6 target", "icmpv6.nd.ns.target_address == fe80::2", "ns"},
		{"ipv4 eq", "ip.src == 192.0.2.1", "dns"},
		{"ipv4 prefix", "ip.addr == 198.51.100.0/24", "dns"},
		{"ipv4 lt", "ip.dst < 198.51.100.2", "dns"},
		{"ipv4 gt", "ip.src > 192.0.2.1", ""},
		{"ipv4 range", "ip.src in {192.0.2.0..192.0.2.10}", "dns"},

		// MAC addresses.
		{"mac colon", "eth.src == 00:11:22:33:44:55", "dns,ns"},
		{"mac dash", "eth.src == 00-11-22-33-44-55", "dns,ns"},
		{"mac dot", "eth.src == 00.11.22.33.44.55", "dns,ns"},
		{"mac plain hex", "eth.src == 001122334455", "dns,ns"},
		{"mac addr either", "eth.addr == 00:11:22:33:44:55", "dns,na,ns"},
		{"mac dst", "eth.dst == 33:33:ff:00:00:02", "ns"},
		{"mac ordering", "eth.src > 00:11:22:33:44:55", "na"},
		{"mac contains", "eth.src contains 33:44", "dns,ns"},
		{"mac matches bytes", `eth.src matches "^\\x00\\x11"`, "dns,ns"},
		{"mac matches not printed", `eth.src matches "^00:11"`, ""},
		{"mac dotted quads", "eth.src == 0011.2233.4455", "dns,ns"},

		// Slices.
		{"slice oui", "eth.src[0:3] == 00:11:22", "dns,ns"},
		{"slice dst", "eth.dst[0:2] == 33:33", "ns"},
		{"slice single negative", "eth.src[-1] == 55", "dns,ns"},
		{"slice through", "eth.src[3-5] == 33:44:55", "dns,ns"},
		{"slice to end", "eth.src[4:] == 44:55", "dns,ns"},
		{"slice from start", "eth.src[:2] == 00:aa", "na"},
		{"slice bytes", "data.data[1:2] == 02:03", "dns"},
		{"slice out of range", "data.data[10:2] == 02:03", ""},
		{"slice present", "data.data[1:2]", "dns"},
		{"slice too long", "data.data[3:2]", ""},
		{"slice string", `dns.qry.name[0:3] == "www"`, "dns"},
		{"slice string through", `dns.qry.name[4-10] == "Example"`, "dns"},
		{"slice string as bytes", `dns.qry.name[0:3] == 77:77:77`, "dns"},
		{"slice string one byte", `dns.qry.name[1] == 77`, "dns"},
		{"slice string contains bytes", `dns.qry.name[0:5] contains 77:2e`, "dns"},
		{"slice string in bytes field", `frame.interface_name[1] == 74`, "dns,ns"},
		{"slice protocol", "ipv6[0:1] == 60", "na,ns"},
		{"slice protocol hex byte", "ipv6[0] == 0x60", "na,ns"},
		{"slice vs slice", "eth.src[0:1] == eth.dst[0:1]", "dns,na"},

		// Byte strings.
		{"bytes colon", "data.data == 01:02:03:04", "dns"},
		{"bytes dot", "data.data == 01.02.03.04", "dns"},
		{"bytes plain", "data.data == 01020304", "dns"},
		{"bytes single digits", "data.data == 1.2.3.4", "dns"},
		{"bytes ordering", "data.data > 01:02", "dns"},
		{"bytes contains", "data.data contains 02:03", "dns"},
		{"bytes contains string", `data.data contains "\x02\x03"`, "dns"},
		{"bytes contains hex byte", "data.data contains 0x03", "dns"},
		{"bytes contains char", `data.data contains '\x04'`, "dns"},
		{"bytes contains absent", "data.data contains 05", ""},
		{"bytes matches", `data.data matches "\x02\x03"`, "dns"},

		// Strings.
		{"string eq", `dns.qry.name == "www.Example.org"`, "dns"},
		{"string eq is case-sensitive", `dns.qry.name == "www.example.org"`, ""},
		{"string unquoted", "dns.qry.name == www.Example.org", "dns"},
		{"string contains", `dns.qry.name contains "Example"`, "dns"},
		{"string contains is case-sensitive", `dns.qry.name contains "example"`, ""},
		{"string matches ignores case", `dns.qry.name matches "example\\.org$"`, "dns"},
		{"string matches raw", `dns.qry.name matches r"example\.org$"`, "dns"},
		{"string matches case-sensitive", `dns.qry.name matches "(?-i)example"`, ""},
		{"string tilde", `dns.qry.name ~ "^www"`, "dns"},
		{"string ordering", `dns.qry.name > "a"`, "dns"},
		{"string in", `dns.qry.name in {"a" "www.Example.org"}`, "dns"},
		{"string escapes", `dns.qry.name == "\x77\167w.Example.org"`, "dns"},
		{"expert code", `_ws.expert == "ipv6.hlim.low"`, "dns"},

		// Strings a dissector keeps in Field.B (frame.interface_name is in
		// B for odd frame numbers, in S for even ones).
		{"string in bytes eq", `frame.interface_name == "eth0"`, "dns,ns"},
		{"string in text eq", `frame.interface_name == "wlan0"`, "na,tunnel"},
		{"string in bytes ne", `frame.interface_name != "eth0"`, "na,tunnel"},
		{"string in bytes contains", `frame.interface_name contains "th"`, "dns,ns"},
		{"string in bytes matches", `frame.interface_name matches "^ETH"`, "dns,ns"},
		{"string in bytes slice", `frame.interface_name[0:3] == "eth"`, "dns,ns"},
		{"string in bytes ordering", `frame.interface_name > "f"`, "na,tunnel"},
		{"string in bytes set", `frame.interface_name in {"eth0" "x"}`, "dns,ns"},
		{"string in bytes fields", `frame.interface_name == frame.interface_name`, "dns,na,ns,tunnel"},

		// Protocols as byte strings.
		{"protocol contains", "icmpv6 contains 36:37", "na,ns"},
		{"frame contains", `frame contains "\x00\x01\x02"`, "dns,na,ns,tunnel"},
		{"protocol matches", `ipv6 matches "^\x60"`, "na,ns"},

		// contains and matches on printed values.
		{"contains printed address", `ipv6.src contains "fe80"`, "na,ns"},
		{"contains printed address unquoted", `ipv6.addr contains "db8::5"`, "dns"},
		{"contains printed hex", `icmpv6.checksum contains "be"`, "na"},
		{"matches printed number", `icmpv6.type matches "^13[56]$"`, "na,ns"},
		{"matches frame number", `frame.number matches "[13]"`, "dns,ns"},

		// Sets.
		{"in spaces", "udp.port in {53 5353}", "dns"},
		{"in commas", "udp.port in {53, 5353}", "dns"},
		{"in upper", "udp.port IN {53}", "dns"},
		{"in range", "udp.port in {1..100}", "dns"},
		{"in ranges miss", "udp.port in {1..52 54..5352}", ""},
		{"in ranges spaced", "udp.port in {1 .. 52, 54 .. 5353}", "dns"},
		{"not in includes absent", "udp.port not in {53}", "empty,na,ns,tunnel"},
		{"in type range", "icmpv6.type in {133..137}", "na,ns"},
		{"in value name", `icmpv6.type in {"Neighbor Solicitation" 136}`, "na,ns"},
		{"in single", "ipv6.hlim in {63}", "tunnel"},
		{"in float range", "frame.time_relative in {0..1}", "ns"},
		{"in frame numbers", "frame.number in {1 3}", "dns,ns"},

		// Bit masks.
		{"mask nonzero", "ipv6.tclass & 0x2", "dns"},
		{"mask zero", "ipv6.tclass & 0x01", ""},
		{"mask compare", "ipv6.tclass & 0x0f == 0x0e", "dns"},
		{"mask keyword", "icmpv6.type bitwise_and 0x80 == 0x80", "na,ns,tunnel"},
		{"mask odd", "icmpv6.type & 1", "ns"},

		// Two fields.
		{"fields eq", "ipv6.src == ipv6.dst", ""},
		{"fields gt", "udp.srcport > udp.dstport", "dns"},
		{"fields ne all pairs", "ipv6.dst != icmpv6.nd.ns.target_address", "ns"},
		{"fields any pair", "eth.addr == eth.src", "dns,na,ns"},

		// Logic and precedence: not > and > or.
		{"and binds tighter than or", "icmpv6.type == 135 and ipv6.hlim == 64 or udp", "dns"},
		{"parentheses override", "icmpv6.type == 135 and (ipv6.hlim == 64 or udp)", ""},
		{"or then and", "udp or icmpv6.type == 135 and ipv6.hlim == 255", "dns,ns"},
		{"or then and parenthesized", "(udp or icmpv6.type == 135) and ipv6.hlim == 255", "ns"},
		{"not binds tighter than and", "not ip and ipv6", "na,ns,tunnel"},
		{"not of group", "not (ip and ipv6)", "empty,na,ns,tunnel"},
		{"c-style", "!ip && ipv6", "na,ns,tunnel"},
		{"c-style or", "ipv6 && !icmpv6 || ip", "dns"},
		{"double not", "not not ipv6", "dns,na,ns,tunnel"},
		{"upper-case keywords", "NOT ip AND ipv6", "na,ns,tunnel"},
		{"or of and", "ipv6 or ip and udp", "dns,na,ns,tunnel"},
		{"nested parens", "((ipv6) and ((udp)))", "dns"},

		// The filters people write for ND and MLD labs.
		{"nd ns from link-local", "icmpv6.type == 135 and ipv6.src == fe80::/10", "ns"},
		{"nd any", "icmpv6.type in {133..137}", "na,ns"},
		{"nd solicited na", "icmpv6.type == 136 && icmpv6.nd.na.flag.s == 1", "na"},
		{"nd target", "icmpv6.nd.ns.target_address == fe80::2 and eth.dst[0:2] == 33:33", "ns"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mustCompile(t, c.expr)
			if got := matching(f); got != c.want {
				t.Errorf("%q matches [%s], want [%s]", c.expr, got, c.want)
			}
			// The canonical form must mean the same.
			g := mustCompile(t, f.String())
			if got := matching(g); got != c.want {
				t.Errorf("String() %q of %q matches [%s], want [%s]", f.String(), c.expr, got, c.want)
			}
		})
	}
}

// TestErrors checks every error message, its column and span, and the
// suggestion.
func TestErrors(t *testing.T) {
	cases := []struct {
		name, expr  string
		col, length int
		msg         string // substring of Msg
		suggestion  string
	}{
		{"unknown field", "ipv6.scr == fe80::1", 1, 8, `unknown field "ipv6.scr"`, "ipv6.src"},
		{"unknown field later", "ipv6 and icmpv6.typ == 1", 10, 10, `unknown field "icmpv6.typ"`, "icmpv6.type"},
		{"unknown field missing letter", "icmp6.type == 1", 1, 10, `unknown field`, "icmpv6.type"},
		{"unknown field case", "IPv6.src", 1, 8, `unknown field`, "ipv6.src"},
		{"unknown field prefix of known", "icmpv6.nd.ns.target == fe80::1", 1, 19, `unknown field`, "icmpv6.nd.ns.target_address"},
		{"unknown field no suggestion", "foo.bar", 1, 7, `"v6scope fields" lists the known names`, ""},
		{"unknown field column in runes", `dns.qry.name == "é" and ipv6.scr`, 25, 8, `unknown field "ipv6.scr"`, "ipv6.src"},
		{"missing value at end", "ipv6.src ==", 12, 1, `expected a value after "=="`, ""},
		{"missing value before and", "ipv6.src == and udp", 13, 3, `expected a value after "==", found "and"`, ""},
		{"missing value after contains", "data.data contains", 19, 1, `expected a value after "contains"`, ""},
		{"unclosed paren", "(ipv6", 1, 1, `unbalanced parenthesis: this "(" is never closed`, ""},
		{"unclosed outer paren", "((ipv6) and udp", 1, 1, `unbalanced parenthesis`, ""},
		{"extra close paren", "ipv6)", 5, 1, `unbalanced parenthesis: this ")" has no matching "("`, ""},
		{"close paren first", ")", 1, 1, `unbalanced parenthesis`, ""},
		{"junk in parens", "(ipv6 udp)", 7, 3, `unexpected "udp": expected ")", "and" or "or"`, ""},
		{"empty parens", "()", 1, 2, `empty parentheses`, ""},
		{"two tests", "ipv6 udp", 6, 3, `unexpected "udp" after a complete test: join tests with "and" or "or"`, ""},
		{"dangling and", "ipv6 and", 9, 1, `expected a test after "and"`, ""},
		{"dangling or", "ipv6 || ", 9, 1, `expected a test after "||"`, ""},
		{"dangling not", "not", 4, 1, `expected a test after "not"`, ""},
		{"and and", "ipv6 and and udp", 10, 3, `expected a test after "and", found "and"`, ""},
		{"operator first", "== 5", 1, 2, `expected a field or protocol name, found "=="`, ""},
		{"value first", "255 == ipv6.hlim", 1, 3, `found the value "255"`, ""},
		{"string first", `"x" == dns.qry.name`, 1, 3, `found the value "\"x\""`, ""},
		{"double operator", "ipv6.hlim == 1 == 2", 16, 2, `a comparison needs a field on its left`, ""},
		{"ipv4 literal for ipv6", "ipv6.src == 10.0.0.1", 13, 8, `"10.0.0.1" is an IPv4 address, but ipv6.src is FT_IPv6: write an IPv6 address`, ""},
		{"ipv6 literal for ipv4", "ip.src == fe80::1", 11, 7, `"fe80::1" is an IPv6 address, but ip.src is FT_IPv4`, ""},
		{"ipv4 prefix for ipv6", "ipv6.src == 10.0.0.0/8", 13, 10, `is an IPv4 address, but ipv6.src is FT_IPv6`, ""},
		{"bad ipv6", "ipv6.src == fe80:::1", 13, 8, `"fe80:::1" is not a valid FT_IPv6 value for ipv6.src: write an IPv6 address`, ""},
		{"bad prefix length", "ipv6.src == fe80::/129", 13, 10, `not a valid FT_IPv6 value`, ""},
		{"host name", "ip.dst == www.example.com", 11, 15, `host names are not resolved`, ""},
		{"bad uint", "udp.port == 0x1z", 13, 4, `"0x1z" is not a valid FT_UINT value for udp.port: write a number`, ""},
		{"negative uint", "udp.port == -1", 13, 2, `"-1" is negative, but udp.port is FT_UINT (unsigned)`, ""},
		{"float for uint", "udp.port == 1.5", 13, 3, `not a valid FT_UINT value`, ""},
		{"bad int", "v6scope.delta == x", 18, 1, `not a valid FT_INT value for v6scope.delta`, ""},
		{"bad bool", "icmpv6.nd.na.flag.s == maybe", 24, 5, `write 1, 0, true or false`, ""},
		{"bad float", "v6scope.ratio == abc", 18, 3, `not a valid FT_DOUBLE value for v6scope.ratio: write a number`, ""},
		{"bad relative time", "frame.time_relative == 1.5.5", 24, 5, `not a valid FT_RELATIVE_TIME value for frame.time_relative: write seconds`, ""},
		{"bad epoch time", "frame.time_epoch == 1e9", 21, 3, `write seconds since 1970-01-01 UTC`, ""},
		{"bad mac", "eth.src == 00:11:22:33:44:zz", 12, 17, `not a valid FT_ETHER value for eth.src: write six bytes`, ""},
		{"short mac", "eth.src == 00:11:22", 12, 8, `has 3 bytes, but eth.src is FT_ETHER (6 bytes): to match the first bytes compare a slice, as in eth.src[0:3] == 00:11:22`, ""},
		{"bad bytes", "data.data == 0g", 14, 2, `not a valid FT_BYTES value for data.data: write hex bytes`, ""},
		{"bad bytes contains", "data.data contains zz:1", 20, 4, `is not a byte string`, ""},
		{"no value name", `ipv6.nxt == "Bogus"`, 13, 7, `ipv6.nxt has no value named "Bogus"`, ""},
		{"no value table", `udp.port == "dns"`, 13, 5, `udp.port has no named values`, ""},
		{"field typo on right", "ipv6.src == ipv6.dts", 13, 8, `"ipv6.dts" is neither a known field nor a valid FT_IPv6 value for ipv6.src`, "ipv6.dst"},
		{"fields of two types", "ipv6.src == ip.src", 1, 18, `cannot compare ipv6.src (FT_IPv6) with ip.src (FT_IPv4)`, ""},
		{"fields with protocol", "ipv6.src == ipv6", 1, 16, `cannot compare ipv6.src (FT_IPv6) with ipv6 (FT_PROTOCOL)`, ""},
		{"protocol compared", "ipv6 == 1", 1, 7, `ipv6 is a protocol (FT_PROTOCOL): test its presence`, ""},
		{"protocol in set", "udp in {1}", 1, 6, `udp is a protocol`, ""},
		{"prefix ordering", "ipv6.src < fe80::/10", 12, 9, `a prefix can only be tested with ==, !=, === and ~=`, ""},
		{"abs time literal", "frame.time == 1", 15, 1, `comparing frame.time (FT_ABSOLUTE_TIME) with a date is not supported yet: compare frame.time_epoch`, ""},
		{"single equals", "ipv6.src = fe80::1", 10, 1, `"=" is not an operator: use "==" to compare`, ""},
		{"single bar", "ipv6 | udp", 6, 1, `"|" is not an operator: use "||" or "or"`, ""},
		{"xor", "ipv6 ^^ udp", 6, 2, `"^^" (xor) is not supported`, ""},
		{"layer", "ipv6.src#2 == fe80::1", 9, 1, `layer selectors`, ""},
		{"reference", "ipv6.src == ${ipv6.dst}", 13, 1, `field references`, ""},
		{"function", "len(eth.src) == 6", 1, 4, `functions such as "len()" are not supported yet`, ""},
		{"unexpected character", "ipv6.src == fé80::1", 14, 1, `unexpected character 'é'`, ""},
		{"unterminated string", `dns.qry.name == "abc`, 17, 4, `unterminated string: add a closing "`, ""},
		{"bad escape", `dns.qry.name == "\q"`, 18, 2, `unknown escape sequence "\\q"`, ""},
		{"bad hex escape", `dns.qry.name == "\xg"`, 18, 2, `"\x" must be followed by one or two hex digits`, ""},
		{"long char constant", `ipv6.nxt == 'ab'`, 13, 4, `a character constant holds one character`, ""},
		{"bad regexp", `dns.qry.name matches "("`, 22, 3, `invalid regular expression: missing closing ): ` + "`(`", ""},
		{"unquoted regexp", `dns.qry.name matches abc`, 22, 3, `must be a double-quoted string`, ""},
		{"empty set", "udp.port in {}", 13, 2, `empty set`, ""},
		{"unclosed set", "udp.port in {53", 13, 1, `expected "}" to close the set opened here`, ""},
		{"set without brace", "udp.port in 53", 13, 2, `expected "{" after "in"`, ""},
		{"empty range", "udp.port in {5..1}", 14, 4, `range 5..1 is empty: write the lower end first`, ""},
		{"range without end", "udp.port in {5..}", 17, 1, `expected the end of the range after ".."`, ""},
		{"double comma", "udp.port in {1,,2}", 16, 1, `expected a value before ","`, ""},
		{"trailing comma", "udp.port in {1,}", 16, 1, `expected a value after ","`, ""},
		{"field in set", "udp.port in {udp.srcport}", 14, 11, `a set holds values`, ""},
		{"bad value in set", "udp.port in {53 x}", 17, 1, `not a valid FT_UINT value`, ""},
		{"prefix range", "ipv6.src in {fe80::/10..fe80::1}", 14, 18, `a range cannot have a prefix`, ""},
		{"slice of address", "ipv6.src[0:2] == 1", 9, 1, `ipv6.src is FT_IPv6: slices [i:n] work on byte strings`, ""},
		{"empty slice length", "eth.src[0:0] == 00", 9, 3, `"0:0" is not a byte range`, ""},
		{"bad slice", "eth.src[a] == 00", 9, 1, `"a" is not a byte range`, ""},
		{"slice list", "eth.src[0:2,4] == 00", 12, 1, `lists of ranges`, ""},
		{"unclosed slice", "eth.src[0:2 == 00", 13, 2, `expected "]" to close the slice`, ""},
		{"slice without range", "eth.src[] == 00", 9, 1, `expected a byte range`, ""},
		{"mask on address", "ipv6.src & 1", 10, 1, `"&" (bitwise and) works on integer fields, but ipv6.src is FT_IPv6`, ""},
		{"mask without value", "ipv6.hlim & ", 13, 1, `expected a bit mask`, ""},
		{"bad mask", "ipv6.hlim & zz", 13, 2, `is not a valid bit mask`, ""},
		{"contains after mask", "ipv6.hlim & 1 contains 1", 15, 8, `"contains" cannot follow "&"`, ""},
		{"matches after mask", `ipv6.hlim & 1 matches "1"`, 15, 7, `"matches" cannot follow "&"`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Compile(c.expr, testSchema)
			if err == nil {
				t.Fatalf("Compile(%q) = %q, want an error", c.expr, f.String())
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Compile(%q) error is %T, want *Error", c.expr, err)
			}
			if e.Col != c.col || e.Length != c.length {
				t.Errorf("Compile(%q): column %d length %d, want column %d length %d\n%s", c.expr, e.Col, e.Length, c.col, c.length, e.Caret())
			}
			if !strings.Contains(e.Msg, c.msg) {
				t.Errorf("Compile(%q): message %q, want it to contain %q", c.expr, e.Msg, c.msg)
			}
			if e.Suggestion != c.suggestion {
				t.Errorf("Compile(%q): suggestion %q, want %q", c.expr, e.Suggestion, c.suggestion)
			}
			if e.Expr != c.expr {
				t.Errorf("Compile(%q): Expr %q", c.expr, e.Expr)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	_, err := Compile("ipv6.scr == fe80::1", testSchema)
	const want = `filter: column 1: unknown field "ipv6.scr" (did you mean "ipv6.src"?)`
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
}

func TestCaret(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"ipv6.src == 10.0.0.1", "ipv6.src == 10.0.0.1\n            ^~~~~~~~"},
		{"ipv6.src ==", "ipv6.src ==\n           ^"},
		{"ipv6.scr", "ipv6.scr\n^~~~~~~~"},
		{"ipv6 and\tipv6.scr", "ipv6 and\tipv6.scr\n        \t^~~~~~~~"},
		{`dns.qry.name == "é" and ipv6.scr`, `dns.qry.name == "é" and ipv6.scr` + "\n" + strings.Repeat(" ", 24) + "^~~~~~~~"},
	}
	for _, c := range cases {
		_, err := Compile(c.expr, testSchema)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("Compile(%q): %v, want *Error", c.expr, err)
		}
		if got := e.Caret(); got != c.want {
			t.Errorf("Caret() for %q =\n%s\nwant\n%s", c.expr, got, c.want)
		}
	}
}

// TestString checks the canonical form.
func TestString(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"", ""},
		{"ipv6", "ipv6"},
		{"icmpv6.type eq 135 and ipv6.src == fe80::1/10", "icmpv6.type == 135 && ipv6.src == fe80::/10"},
		{"udp or icmpv6 and ipv6", "udp || (icmpv6 && ipv6)"},
		{"(udp or icmpv6) and ipv6", "(udp || icmpv6) && ipv6"},
		{"(ipv6 and udp) and dns", "ipv6 && udp && dns"},
		{"ipv6 or (udp or dns)", "ipv6 || udp || dns"},
		{"not (udp or ip)", "!(udp || ip)"},
		{"not udp", "!udp"},
		{"not not udp", "!(!udp)"},
		{"not udp.port == 53", "!(udp.port == 53)"},
		{"icmpv6.checksum == 48879", "icmpv6.checksum == 0xbeef"},
		{"icmpv6.checksum == 0x12", "icmpv6.checksum == 0x0012"},
		{`icmpv6.type == "Neighbor Solicitation"`, "icmpv6.type == 135"},
		{"udp.port in {53,5353 1..10}", "udp.port in {53, 5353, 1..10}"},
		{"udp.port not in {53}", "!(udp.port in {53})"},
		{"eth.src == 00-11-22-33-44-55", "eth.src == 00:11:22:33:44:55"},
		{"eth.src[:3] == 00.11.22", "eth.src[0:3] == 00:11:22"},
		{"eth.src[-2:]", "eth.src[-2:]"},
		{"eth.src[1-2] == 1122", "eth.src[1-2] == 11:22"},
		{"eth.src[5] == 55", `eth.src[5] == "U"`},
		{`data.data contains "ab"`, "data.data contains 61:62"},
		{`data.data == "\x01"`, `data.data == "\x01"`},
		{`dns.qry.name ~ "a\"b"`, `dns.qry.name matches "a\"b"`},
		{`dns.qry.name matches r"\d"`, `dns.qry.name matches "\\d"`},
		{"dns.qry.name == www", `dns.qry.name == "www"`},
		{`dns.qry.name == "tab\there"`, `dns.qry.name == "tab\x09here"`},
		{"ipv6.hlim any_ne 1", "ipv6.hlim ~= 1"},
		{"ipv6.hlim !== 1", "ipv6.hlim ~= 1"},
		{"ipv6.hlim all_eq 1", "ipv6.hlim === 1"},
		{"ipv6.hlim ne 1", "ipv6.hlim != 1"},
		{"ipv6.hlim ge 1 && ipv6.hlim le 0x10", "ipv6.hlim >= 1 && ipv6.hlim <= 16"},
		{"frame.time_relative > 1.5e3", "frame.time_relative > 1500"},
		{"v6scope.ratio > 1e-7", "v6scope.ratio > 1e-07"},
		{"frame.time_relative > 1e-7", "frame.time_relative > 0.0000001"},
		{"frame.time_relative >= 1.500", "frame.time_relative >= 1.5"},
		{"frame.time_delta == 2", "frame.time_delta == 2"},
		{"frame.time_delta == -0.25", "frame.time_delta == -0.25"},
		{"frame.time_epoch < -0.5", "frame.time_epoch < -0.5"},
		{"frame.time_epoch == 1700000000.000000001", "frame.time_epoch == 1700000000.000000001"},
		{"ipv6.tclass & 0x0f == 14", "ipv6.tclass & 0xf == 0x0e"},
		{"ipv6.tclass & 2", "ipv6.tclass & 0x2"},
		{"not ipv6.tclass & 2", "!(ipv6.tclass & 0x2)"},
		{"v6scope.delta == -0x5", "v6scope.delta == -5"},
		{"icmpv6.nd.na.flag.s == True", "icmpv6.nd.na.flag.s == 1"},
		{"ipv6.nxt == ':'", "ipv6.nxt == 58"},
		{"ipv6.src contains fe80", `ipv6.src contains "fe80"`},
		{"udp.srcport>udp.dstport", "udp.srcport > udp.dstport"},
		{"ipv6.src == 2001:0db8:0000::0001", "ipv6.src == 2001:db8::1"},
		{"ip.src in {10.0.0.1 .. 10.0.0.9}", "ip.src in {10.0.0.1..10.0.0.9}"},
	}
	for _, c := range cases {
		f := mustCompile(t, c.expr)
		if got := f.String(); got != c.want {
			t.Errorf("Compile(%q).String() = %q, want %q", c.expr, got, c.want)
		}
		if g := mustCompile(t, f.String()); g.String() != f.String() {
			t.Errorf("String() of %q is not a fixed point: %q then %q", c.expr, f.String(), g.String())
		}
	}
}

func TestWarnings(t *testing.T) {
	cases := []struct {
		expr string
		col  int // 0: no warning
		msg  string
	}{
		{"ipv6 and udp or ip", 6, `"and" binds tighter than "or" here`},
		{"ipv6 or udp and ip", 13, `"and" binds tighter than "or" here`},
		{"ipv6 && udp || ip && dns", 6, `Wireshark before 4.0 grouped it the other way, so add parentheses`},
		{"(ipv6 and udp) or ip", 0, ""},
		{"ipv6 and (udp or ip)", 0, ""},
		{"ipv6 and udp and ip", 0, ""},
		{"ipv6 or udp or ip", 0, ""},
		{"dns.qry.name == www", 17, `unquoted text "www" compared with dns.qry.name: write it in double quotes, "www"`},
		{`dns.qry.name == "www"`, 0, ""},
	}
	for _, c := range cases {
		f := mustCompile(t, c.expr)
		w := f.Warnings()
		if c.col == 0 {
			if len(w) != 0 {
				t.Errorf("Warnings(%q) = %v, want none", c.expr, w)
			}
			continue
		}
		if len(w) != 1 {
			t.Fatalf("Warnings(%q) = %v, want one", c.expr, w)
		}
		if w[0].Col != c.col || !strings.Contains(w[0].Msg, c.msg) {
			t.Errorf("Warnings(%q) = column %d %q, want column %d %q", c.expr, w[0].Col, w[0].Msg, c.col, c.msg)
		}
	}
}

func TestNilAndEmpty(t *testing.T) {
	var f *Filter
	if !f.Match(trees["ns"]) || f.String() != "" || !f.MatchesAll() || f.Warnings() != nil || f.Expr() != "" {
		t.Error("a nil Filter must match everything and print as empty")
	}
	g := mustCompile(t, "  ")
	if !g.MatchesAll() || !g.Match(nil) || g.String() != "" || g.Expr() != "  " {
		t.Error("an empty expression must compile to a filter matching everything")
	}
	h := mustCompile(t, "ipv6")
	if h.MatchesAll() || h.Match(nil) {
		t.Error("ipv6 must not match a nil tree")
	}
	if !mustCompile(t, "not ipv6").Match(nil) {
		t.Error("not ipv6 must match a nil tree")
	}
	if _, err := Compile("ipv6", nil); err == nil {
		t.Error("a nil schema knows no names")
	}
}

// TestMatchByName checks that fields are recognized by name when a
// dissector uses another FieldInfo value than the schema, and that label
// nodes and fields of an unexpected kind are skipped.
func TestMatchByName(t *testing.T) {
	other := &dissect.FieldInfo{Name: "ipv6.hlim", Kind: dissect.Uint}
	wrongKind := &dissect.FieldInfo{Name: "udp.port", Kind: dissect.String}
	tr := &dissect.Tree{}
	tr.Label("a label", 0, 0)
	tr.Uint(other, 0, 1, 7)
	tr.String(wrongKind, 0, 0, "53")
	if !mustCompile(t, "ipv6.hlim == 7").Match(tr) {
		t.Error("field with another FieldInfo of the same name not matched")
	}
	if mustCompile(t, "udp.port == 53").Match(tr) {
		t.Error("a field of another kind must not compare")
	}
	if !mustCompile(t, "udp.port").Match(tr) {
		t.Error("presence is by name, whatever the kind")
	}
}

func TestSuggest(t *testing.T) {
	names := testSchema.Names()
	cases := []struct{ in, want string }{
		{"ipv6.scr", "ipv6.src"},
		{"ipv6.sr", "ipv6.src"},
		{"ipv6.srcc", "ipv6.src"},
		{"udp.prot", "udp.port"},
		{"icmpv6.tpye", "icmpv6.type"},
		{"IPV6", "ipv6"},
		{"ipv7", "ipv6"},
		{"ipx", "ip"},
		{"frame.tim", "frame.time"},
		{"dns.qry", "dns.qry.name"},
		{"eth.dts", "eth.dst"},
		{"ip.scr", "ip.src"},
		{"zzzz.zzzz", ""},
		{"", ""},
	}
	for _, c := range cases {
		if got := suggest(c.in, names); got != c.want {
			t.Errorf("suggest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestOSADistance(t *testing.T) {
	cases := []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "ab", 2}, {"abc", "abc", 0}, {"abc", "acb", 1},
		{"ipv6.scr", "ipv6.src", 1}, {"kitten", "sitting", 3}, {"ca", "abc", 3}, {"é", "e", 1},
	}
	for _, c := range cases {
		if d := osaDistance(c.a, c.b); d != c.d {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
	}
}

// TestMatchAllocs checks that Match allocates nothing, for every filter
// of every kind in the table tests.
func TestMatchAllocs(t *testing.T) {
	exprs := []string{
		"ipv6", "icmpv6.type == 135 and ipv6.src == fe80::/10", "ipv6.addr != fe80::1",
		"udp.port in {53 5353 1..10}", `dns.qry.name matches "example"`, `dns.qry.name contains "Ex"`,
		`ipv6.src contains "fe80"`, `icmpv6.type matches "^13[56]$"`, `eth.src matches "^\\x00"`,
		"eth.src[0:3] == 00:11:22", "data.data contains 02:03", "ipv6[0] == 60", `frame contains "\x01"`,
		"ipv6.tclass & 0x0f == 0x0e", "udp.srcport > udp.dstport", "eth.src[0:1] == eth.dst[0:1]",
		"frame.time_relative > 1.5", "frame.time", "not ip and (ipv6 or udp)", "v6scope.delta < 0",
		`ipv6 matches "^\x60"`, `data.data matches "\x02"`, `dns.qry.name[0:3] == "www"`,
		`frame.interface_name matches "eth"`, `frame.interface_name > "f"`, `frame.interface_name contains "th"`,
		"frame.time_epoch > 1700000001.5", `frame.time contains "2023"`, "frame.time_delta < 1",
	}
	for _, expr := range exprs {
		f := mustCompile(t, expr)
		for _, name := range treeNames {
			tr := trees[name]
			if n := testing.AllocsPerRun(100, func() { f.Match(tr) }); n != 0 {
				t.Errorf("Match(%q) on %s: %v allocations, want 0", expr, name, n)
			}
		}
	}
}

// TestConcurrentMatch runs one Filter from many goroutines (go test -race
// checks it shares nothing mutable).
func TestConcurrentMatch(t *testing.T) {
	f := mustCompile(t, `icmpv6.type matches "^13[56]$" and ipv6.src contains "fe80" or dns.qry.name matches "example"`)
	want := matching(f)
	done := make(chan string)
	for range 8 {
		go func() {
			var got string
			for range 200 {
				got = matching(f)
			}
			done <- got
		}()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Errorf("concurrent Match gave [%s], want [%s]", got, want)
		}
	}
}
