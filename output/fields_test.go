package output_test

import (
	"net/netip"
	"testing"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/output"
)

// twoAddrPacket returns a packet with two ipv6.src fields (an outer and an
// inner header, as in an ICMPv6 error), one icmpv6.type and a string field
// whose text carries an escape sequence.
func twoAddrPacket(t *testing.T) *decode.Packet {
	t.Helper()
	s := decode.NewSchema()
	lookup := func(name string) *dissect.FieldInfo {
		f, ok := s.Lookup(name)
		if !ok {
			t.Fatalf("no field %s", name)
		}
		return f
	}
	p := &decode.Packet{}
	p.Tree.Reset(make([]byte, 64))
	p.Tree.Addr(lookup("ipv6.src"), 8, 16, netip.MustParseAddr("fe80::1"))
	p.Tree.Uint(lookup("icmpv6.type"), 40, 1, 135)
	p.Tree.Addr(lookup("ipv6.src"), 48, 16, netip.MustParseAddr("2001:db8::2"))
	p.Tree.String(lookup("frame.comment"), 0, 0, "hi\x1b[2J")
	return p
}

func TestFieldsRow(t *testing.T) {
	p := twoAddrPacket(t)
	cases := []struct {
		name   string
		fields []string
		opts   []string
		want   string
	}{
		{"defaults", []string{"ipv6.src", "icmpv6.type", "udp.port"}, nil, "fe80::1,2001:db8::2\t135\t\n"},
		{"first", []string{"ipv6.src"}, []string{"occurrence=f"}, "fe80::1\n"},
		{"last", []string{"ipv6.src"}, []string{"occurrence=l"}, "2001:db8::2\n"},
		{"aggregator and separator", []string{"ipv6.src", "icmpv6.type"}, []string{"aggregator=/s", "separator=;"}, "fe80::1 2001:db8::2;135\n"},
		{"quote leaves absent fields bare, as tshark", []string{"udp.port", "icmpv6.type"}, []string{"quote=d"}, "\t\"135\"\n"},
		{"same field twice", []string{"icmpv6.type", "ipv6.src", "icmpv6.type"}, []string{"occurrence=f"}, "135\tfe80::1\t135\n"},
		{"wire text sanitized", []string{"frame.comment"}, nil, "hi\\x1b[2J\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ff := output.NewFieldsFormat(c.fields)
			for _, o := range c.opts {
				if err := ff.SetOption(o); err != nil {
					t.Fatal(err)
				}
			}
			// Twice: the second row must not carry anything over.
			for range 2 {
				if got := string(ff.AppendRow(nil, p)); got != c.want {
					t.Errorf("row = %q, want %q", got, c.want)
				}
			}
		})
	}
}

// tshark 4.0 never quotes the header line.
func TestFieldsHeaderAndOptionErrors(t *testing.T) {
	ff := output.NewFieldsFormat([]string{"ipv6.src", "icmpv6.type"})
	for _, o := range []string{"header=y", "quote=s"} {
		if err := ff.SetOption(o); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := string(ff.AppendHeader(nil)), "ipv6.src\ticmpv6.type\n"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}
	for _, bad := range []string{"header", "header=maybe", "separator=ab", "occurrence=x", "quote=q", "colour=y"} {
		if err := ff.SetOption(bad); err == nil {
			t.Errorf("-E %s accepted", bad)
		}
	}
}

func TestAppendSafe(t *testing.T) {
	cases := map[string]string{
		"plain 2001:db8::1": "plain 2001:db8::1",
		"esc\x1b[31mred":    "esc\\x1b[31mred",
		"back\\slash":       "back\\\\slash",
		"csi\u009b2J":       "csi\\xc2\\x9b2J",
		"bidi\u202eevil":    "bidi\\xe2\\x80\\xaeevil",
		"bad utf8 \xff end": "bad utf8 \\xff end",
		"newline\nand\ttab": "newline\\x0aand\\x09tab",
		"unicode ok: héllo": "unicode ok: héllo",
	}
	for in, want := range cases {
		if got := string(output.AppendSafe(nil, []byte(in))); got != want {
			t.Errorf("AppendSafe(%q) = %q, want %q", in, got, want)
		}
		if got := output.Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}
