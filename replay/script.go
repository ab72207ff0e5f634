package replay

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/v6scope/v6scope/decode/filter"
)

// A script is a replay scenario, one command a line (docs/replay.md):
//
//	# NS at a kernel, expect its NA
//	interface v6s0
//	open ns.pcapng
//	select icmpv6.type == 135
//	rewrite map-ip fe80::a=fe80::1
//	rate pps 100
//	send
//	expect icmpv6.type == 136 within 2s
//
// Parse checks every line (commands, arguments, display filters, loops)
// before anything is sent; its errors name the line.

// Script limits: every script ends.
const (
	maxScriptLines = 10000
	maxLoopCount   = 1_000_000
	maxLoopDepth   = 8
	maxWait        = time.Hour
	defaultWithin  = 2 * time.Second
)

// Op is a script command.
type Op uint8

// Script commands.
const (
	OpInterface Op = iota + 1
	OpOutput
	OpOpen
	OpSelect
	OpRewrite
	OpRate
	OpSend
	OpWait
	OpLoop
	OpEnd
	OpExpect
	OpExpectNone
)

var opNames = map[string]Op{
	"interface": OpInterface, "output": OpOutput, "open": OpOpen, "select": OpSelect,
	"rewrite": OpRewrite, "rate": OpRate, "send": OpSend, "wait": OpWait,
	"loop": OpLoop, "end": OpEnd, "expect": OpExpect, "expect-none": OpExpectNone,
}

// Step is one parsed line.
type Step struct {
	Line   int
	Op     Op
	Text   string         // the line as written, trimmed
	Arg    string         // interface, output or capture name; the filter text
	Filter *filter.Filter // select, expect, expect-none
	Pacing Pacing         // rate
	N      int            // send: frames (0: all); loop: count
	D      time.Duration  // wait; expect: within
	MAC    net.HardwareAddr
	Map    IPMap
	What   string // rewrite: src-mac, dst-mac, map-ip, clear
	Match  int    // loop: index of its end; end: index of its loop
}

// Script is a parsed script.
type Script struct {
	Name  string
	Steps []Step
}

// ScriptError is a script that does not parse, or a step that failed.
type ScriptError struct {
	Name string
	Line int
	Msg  string
	Err  error // the step's error, when a step failed
}

func (e *ScriptError) Error() string { return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg) }

// Unwrap returns the step's error.
func (e *ScriptError) Unwrap() error { return e.Err }

// ErrExpect is wrapped by the error of an expect that was not met.
var ErrExpect = errors.New("expectation not met")

// ParseScript reads a script; schema is the display-filter field table.
func ParseScript(r io.Reader, name string, schema filter.Schema) (*Script, error) {
	s := &Script{Name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 64<<10)
	line := 0
	var open []int // indexes of unmatched loops
	var haveIface, haveOutput, haveOpen bool
	fail := func(format string, args ...any) error {
		return &ScriptError{Name: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	for sc.Scan() {
		line++
		if line > maxScriptLines {
			return nil, fail("more than %d lines", maxScriptLines)
		}
		text := sc.Text()
		if i := strings.Index(text, "#"); i >= 0 && !strings.Contains(text[:i], "\"") {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		for _, c := range text {
			if c < 0x20 && c != '\t' {
				return nil, fail("control character %q", c)
			}
		}
		cmd, rest, _ := strings.Cut(text, " ")
		rest = strings.TrimSpace(rest)
		op, ok := opNames[cmd]
		if !ok {
			return nil, fail("unknown command %q; commands: interface, output, open, select, rewrite, rate, send, wait, loop, end, expect, expect-none", cmd)
		}
		st := Step{Line: line, Op: op, Text: text}
		args := strings.Fields(rest)
		switch op {
		case OpInterface, OpOutput, OpOpen:
			if len(args) != 1 {
				return nil, fail("%s takes one name", cmd)
			}
			st.Arg = args[0]
			switch op {
			case OpInterface:
				if haveOutput {
					return nil, fail("interface and output cannot both be used in one script")
				}
				haveIface = true
			case OpOutput:
				if haveIface {
					return nil, fail("interface and output cannot both be used in one script")
				}
				haveOutput = true
			case OpOpen:
				haveOpen = true
			}
		case OpSelect:
			f, err := filter.Compile(rest, schema)
			if err != nil {
				return nil, fail("select: %v", err)
			}
			st.Arg, st.Filter = rest, f
		case OpRewrite:
			if len(args) == 0 {
				return nil, fail("rewrite needs src-mac MAC, dst-mac MAC, map-ip OLD=NEW or clear")
			}
			st.What = args[0]
			switch args[0] {
			case "clear":
				if len(args) != 1 {
					return nil, fail("rewrite clear takes nothing more")
				}
			case "src-mac", "dst-mac":
				if len(args) != 2 {
					return nil, fail("rewrite %s takes one MAC address", args[0])
				}
				mac, err := net.ParseMAC(args[1])
				if err != nil || len(mac) != 6 {
					return nil, fail("rewrite %s: %q is not a MAC address (02:00:00:00:00:01)", args[0], args[1])
				}
				st.MAC = mac
			case "map-ip":
				if len(args) != 2 {
					return nil, fail("rewrite map-ip takes OLD=NEW")
				}
				m, err := ParseIPMap(args[1])
				if err != nil {
					return nil, fail("rewrite: %v", err)
				}
				st.Map = m
			default:
				return nil, fail("rewrite %q: want src-mac, dst-mac, map-ip or clear", args[0])
			}
		case OpRate:
			p, err := parseRate(args)
			if err != nil {
				return nil, fail("rate: %v", err)
			}
			st.Pacing = p
		case OpSend:
			if !haveOpen {
				return nil, fail("send before open: open a capture first")
			}
			if !haveIface && !haveOutput {
				return nil, fail("send before interface (or output): say where frames go")
			}
			if len(args) > 1 {
				return nil, fail("send takes at most a frame count")
			}
			if len(args) == 1 {
				n, err := strconv.Atoi(args[0])
				if err != nil || n < 1 {
					return nil, fail("send %q: want a count of frames, 1 or more", args[0])
				}
				st.N = n
			}
		case OpWait:
			if len(args) != 1 {
				return nil, fail("wait takes a duration (500ms, 2s)")
			}
			d, err := time.ParseDuration(args[0])
			if err != nil || d < 0 || d > maxWait {
				return nil, fail("wait %q: want a duration from 0 to 1h (500ms, 2s)", args[0])
			}
			st.D = d
		case OpLoop:
			if len(args) != 1 {
				return nil, fail("loop takes a count")
			}
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 || n > maxLoopCount {
				return nil, fail("loop %q: want a count from 1 to %d", args[0], maxLoopCount)
			}
			if len(open) == maxLoopDepth {
				return nil, fail("loops nest more than %d deep", maxLoopDepth)
			}
			st.N = n
			open = append(open, len(s.Steps))
		case OpEnd:
			if len(args) != 0 {
				return nil, fail("end takes nothing")
			}
			if len(open) == 0 {
				return nil, fail("end without loop")
			}
			st.Match = open[len(open)-1]
			s.Steps[st.Match].Match = len(s.Steps)
			open = open[:len(open)-1]
		case OpExpect, OpExpectNone:
			if !haveIface {
				return nil, fail("%s needs an interface to listen on: put an interface line first", cmd)
			}
			expr, d := rest, defaultWithin
			if i := strings.LastIndex(rest, " within "); i >= 0 {
				w := strings.TrimSpace(rest[i+len(" within "):])
				dd, err := time.ParseDuration(w)
				if err != nil || dd <= 0 || dd > maxWait {
					return nil, fail("%s ... within %q: want a duration from 1ms to 1h", cmd, w)
				}
				expr, d = strings.TrimSpace(rest[:i]), dd
			}
			if expr == "" {
				return nil, fail("%s needs a display filter", cmd)
			}
			f, err := filter.Compile(expr, schema)
			if err != nil {
				return nil, fail("%s: %v", cmd, err)
			}
			st.Arg, st.Filter, st.D = expr, f, d
		}
		s.Steps = append(s.Steps, st)
	}
	if err := sc.Err(); err != nil {
		return nil, fail("%v", err)
	}
	if len(open) > 0 {
		l := s.Steps[open[len(open)-1]].Line
		return nil, &ScriptError{Name: name, Line: l, Msg: "loop without end"}
	}
	if len(s.Steps) == 0 {
		return nil, &ScriptError{Name: name, Line: line, Msg: "the script has no commands"}
	}
	return s, nil
}

func parseRate(args []string) (Pacing, error) {
	if len(args) == 0 {
		return Pacing{}, errors.New("want original, multiplier X, pps N, mbps N or topspeed")
	}
	num := func() (float64, error) {
		if len(args) != 2 {
			return 0, fmt.Errorf("%s takes one number", args[0])
		}
		v, err := strconv.ParseFloat(args[1], 64)
		if err != nil {
			return 0, fmt.Errorf("%s %q: not a number", args[0], args[1])
		}
		return v, nil
	}
	var p Pacing
	switch args[0] {
	case "original":
		if len(args) != 1 {
			return p, errors.New("original takes nothing; use multiplier X")
		}
		p.Mode = Original
	case "multiplier":
		v, err := num()
		if err != nil {
			return p, err
		}
		if !(v > 0) {
			return p, fmt.Errorf("multiplier %v: must be more than 0", v)
		}
		p = Pacing{Mode: Original, Multiplier: v}
	case "pps", "mbps":
		v, err := num()
		if err != nil {
			return p, err
		}
		p = Pacing{Mode: PPS, Rate: v}
		if args[0] == "mbps" {
			p.Mode = Mbps
		}
	case "topspeed":
		if len(args) != 1 {
			return p, errors.New("topspeed takes nothing")
		}
		p.Mode = Topspeed
	default:
		return p, fmt.Errorf("%q: want original, multiplier X, pps N, mbps N or topspeed", args[0])
	}
	return p, p.Validate()
}
