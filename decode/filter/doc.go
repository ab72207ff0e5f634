// Package filter compiles and runs display filters: the subset of
// Wireshark's display-filter language that v6scope's read, tui and replay
// commands use to select packets ("icmpv6.type == 135 and ipv6.src ==
// fe80::/10"). Filters name fields of the dissect registry and run over a
// dissect.Tree; Match allocates nothing, so a filter can run on every packet
// of a large capture. docs/filters.md is the user's reference.
//
// # Language
//
// A test is a field or protocol name, alone (present at least once) or
// followed by a relation:
//
//	== eq any_eq    some occurrence equals
//	!= ne all_ne    every occurrence differs (Wireshark 4.0's "!=")
//	=== all_eq      every occurrence equals
//	~= !== any_ne   some occurrence differs
//	< lt  <= le  > gt  >= ge   some occurrence compares so
//	contains        some occurrence contains the bytes or text
//	matches ~       some occurrence matches the regular expression
//	in {a b..c}     some occurrence is in the set (commas optional)
//	not in {…}      not (… in {…}): true when the field is absent
//
// A field may occur many times in one packet (ipv6.addr is both source and
// destination; a tunnel has two ipv6 layers), hence the any/all forms. A
// relation on a field the packet lacks is false, whatever the operator.
// Fields can be compared with each other (ipv6.src == ipv6.dst), sliced
// (eth.src[0:3] == 00:11:22) and masked (ipv6.tclass & 0x3 == 1).
//
// Tests combine with "not"/"!", "and"/"&&" and "or"/"||", in that order of
// precedence, and parentheses: "a and b or c" is "(a and b) or c", and
// "not a and b" is "(not a) and b". This is what tshark 4.0.17 does
// (TestAgainstTshark runs such filters through both) and what Wireshark's
// grammar declares today (epan/dfilter/grammar.lemon: "%left TEST_OR.
// %left TEST_AND."). Grammars before 4.0 declared the two the other way
// round, so that "a and b or c" meant "a and (b or c)", and warned
// "suggest parentheses around '&&' within '||'"; Compile likewise reports
// mixed "and" and "or" without parentheses as a warning (Filter.Warnings).
//
// Literals are read by the type of the field they are compared with:
// integers in decimal, hex (0x35) or octal (065), or 'c' character
// constants; booleans 1/0/true/false; "strings" with C escapes (and r"raw"
// strings); MAC addresses with ':', '-' or '.' between bytes; hex byte
// strings (01:02:03, 01.02, 0102) or quoted text for byte fields; IPv4 and
// IPv6 addresses and CIDR prefixes, where == with a prefix means "is in the
// prefix"; a quoted value name for integer fields with a value table
// (icmpv6.type == "Neighbor Solicitation"). Literal absolute times are not
// supported yet.
//
// matches uses Go's regexp syntax (RE2) and, as in Wireshark, ignores case
// unless the pattern starts with (?-i). Both contains and matches search
// the bytes of byte strings, MAC addresses and protocols and the text of
// strings. On numbers, IP addresses and times, which tshark 4.0 refuses
// there, they search the printed form, as tshark -T fields prints it
// (ipv6.src contains "fe80").
//
// # Errors
//
// Compile returns an *Error that says what was wrong, at which column, and
// what to write instead; for an unknown field it carries the nearest known
// name. Error.Caret draws the expression with a ^~~~ marker under the
// problem for the CLI. An empty expression compiles to a filter that
// matches every packet.
package filter
