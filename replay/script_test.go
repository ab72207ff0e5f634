package replay

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/decode"
)

func TestParseScript(t *testing.T) {
	src := `# comment
interface v6s0
open ns.pcapng   # trailing comment
select icmpv6.type == 135
rewrite map-ip fe80::b=fe80::1
rewrite dst-mac 02:00:00:00:00:01
rate pps 100
loop 3
  send 1
  wait 10ms
end
expect icmpv6.type == 136 and icmpv6.nd.na.flag.s == 1 within 1500ms
expect-none icmpv6.type == 1
`
	s, err := ParseScript(strings.NewReader(src), "t.v6s", decode.NewSchema())
	if err != nil {
		t.Fatal(err)
	}
	var ops []Op
	for _, st := range s.Steps {
		ops = append(ops, st.Op)
	}
	want := []Op{OpInterface, OpOpen, OpSelect, OpRewrite, OpRewrite, OpRate, OpLoop, OpSend, OpWait, OpEnd, OpExpect, OpExpectNone}
	if len(ops) != len(want) {
		t.Fatalf("ops %v, want %v", ops, want)
	}
	for i := range want {
		if ops[i] != want[i] {
			t.Fatalf("ops %v, want %v", ops, want)
		}
	}
	if st := s.Steps[10]; st.D != 1500*time.Millisecond || st.Arg != "icmpv6.type == 136 and icmpv6.nd.na.flag.s == 1" || st.Line != 12 {
		t.Errorf("expect: %+v", st)
	}
	if st := s.Steps[11]; st.D != defaultWithin {
		t.Errorf("expect-none within %v", st.D)
	}
	if s.Steps[6].Match != 9 || s.Steps[9].Match != 6 {
		t.Errorf("loop/end not matched: %d %d", s.Steps[6].Match, s.Steps[9].Match)
	}
	if p := s.Steps[5].Pacing; p.Mode != PPS || p.Rate != 100 {
		t.Errorf("rate %+v", p)
	}
	if s.Steps[7].N != 1 {
		t.Errorf("send N %d", s.Steps[7].N)
	}
}

// TestParseScriptErrors: every error names the line and says what is
// wrong.
func TestParseScriptErrors(t *testing.T) {
	const head = "interface v6s0\nopen x.pcapng\n"
	for _, tc := range []struct {
		src  string
		line int
		msg  string
	}{
		{"", 0, "no commands"},
		{"frobnicate\n", 1, `unknown command "frobnicate"`},
		{"interface\n", 1, "interface takes one name"},
		{"open a b\n", 1, "open takes one name"},
		{"interface v6s0\noutput x.pcapng\n", 2, "cannot both"},
		{"output x.pcapng\ninterface v6s0\n", 2, "cannot both"},
		{"interface v6s0\nsend\n", 2, "send before open"},
		{"open x.pcapng\nsend\n", 2, "send before interface"},
		{head + "send 0\n", 3, `send "0"`},
		{head + "send 1 2\n", 3, "at most a frame count"},
		{head + "select icmpv6.typo == 1\n", 3, "select:"},
		{head + "select icmpv6.type ==\n", 3, "select:"},
		{head + "rewrite\n", 3, "rewrite needs"},
		{head + "rewrite src-mac zz\n", 3, "not a MAC address"},
		{head + "rewrite map-ip 1.2.3.4=::1\n", 3, "both sides"},
		{head + "rewrite swap\n", 3, `rewrite "swap"`},
		{head + "rewrite clear now\n", 3, "takes nothing more"},
		{head + "rate\n", 3, "rate: want"},
		{head + "rate pps\n", 3, "pps takes one number"},
		{head + "rate pps -5\n", 3, "positive"},
		{head + "rate mbps x\n", 3, "not a number"},
		{head + "rate multiplier 0\n", 3, "more than 0"},
		{head + "rate warp 9\n", 3, `"warp"`},
		{head + "wait\n", 3, "wait takes a duration"},
		{head + "wait 5 parsecs\n", 3, "wait takes a duration"},
		{head + "wait 2h\n", 3, "from 0 to 1h"},
		{head + "loop 0\nend\n", 3, "from 1 to"},
		{head + "loop 2\nsend\n", 3, "loop without end"},
		{head + "end\n", 3, "end without loop"},
		{head + "loop 2\nend 3\n", 4, "end takes nothing"},
		{head + strings.Repeat("loop 2\n", 9), 11, "nest more than 8"},
		{head + "expect\n", 3, "needs a display filter"},
		{head + "expect icmpv6 within forever\n", 3, `within "forever"`},
		{head + "expect icmpv6.nope == 1 within 1s\n", 3, "expect:"},
		{"output x.pcapng\nexpect icmpv6\n", 2, "needs an interface"},
		{head + "wait 1s\x01\n", 3, "control character"},
	} {
		_, err := ParseScript(strings.NewReader(tc.src), "s.v6s", decode.NewSchema())
		var se *ScriptError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a ScriptError", tc.src, err)
			continue
		}
		if se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) || !strings.HasPrefix(err.Error(), "s.v6s:") {
			t.Errorf("%q: %v; want line %d and %q", tc.src, err, tc.line, tc.msg)
		}
	}
}

func FuzzParseScript(f *testing.F) {
	f.Add("interface v6s0\nopen a.pcapng\nselect icmpv6\nrate pps 10\nloop 2\nsend 1\nend\nexpect icmpv6.type == 136 within 1s\n")
	f.Add("output o.pcapng\nopen a\nrewrite map-ip 10.0.0.0/8=11.0.0.0/8\nrate topspeed\nsend\nwait 1ms\n")
	f.Add("loop 1\nloop 1\nend\nend\n# x\n")
	schema := decode.NewSchema()
	f.Fuzz(func(t *testing.T, src string) {
		s, err := ParseScript(strings.NewReader(src), "f.v6s", schema)
		if err != nil {
			var se *ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a ScriptError", err)
			}
			return
		}
		// Properties of a script that parsed: loops and ends pair up,
		// counts and durations are within bounds.
		depth := 0
		for i, st := range s.Steps {
			switch st.Op {
			case OpLoop:
				depth++
				if st.N < 1 || st.N > maxLoopCount || s.Steps[st.Match].Op != OpEnd || s.Steps[st.Match].Match != i {
					t.Fatalf("loop at line %d badly paired", st.Line)
				}
			case OpEnd:
				depth--
			case OpWait, OpExpect, OpExpectNone:
				if st.D < 0 || st.D > maxWait {
					t.Fatalf("duration %v", st.D)
				}
			}
			if depth < 0 || depth > maxLoopDepth {
				t.Fatalf("depth %d", depth)
			}
		}
		if depth != 0 {
			t.Fatal("unbalanced loops")
		}
	})
}
