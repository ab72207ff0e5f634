package filter

import (
	"encoding/binary"
	"errors"
	"math"
	"net/netip"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/v6scope/v6scope/decode/dissect"
)

// seeds are expressions of every form, valid and not, for the fuzzers.
var seeds = []string{
	"", "ipv6", "icmpv6.type == 135 and ipv6.src == fe80::/10", "ipv6.addr != fe80::1",
	"ipv6.hlim ~= 63 || ipv6.hlim === 64", "udp.port in {53, 5353 1..10}", "udp.port not in {53}",
	`dns.qry.name matches "(?-i)^www\\."`, `dns.qry.name contains "Ex"`, `dns.qry.name == r"a\b"`,
	`ipv6.src contains "fe80"`, "eth.src[0:3] == 00:11:22", "eth.src[-2:] == 44-55", "eth.src[1-2]",
	"data.data contains 02.03", `frame contains "\x00\x01"`, "ipv6[0] == 0x60", "ipv6.tclass & 0x0f == 0x0e",
	"udp.srcport > udp.dstport", "frame.time_relative > 1.5e3", "v6scope.delta >= -5", "v6scope.ratio < 0.5",
	"frame.time_epoch >= 1700000000.25", "frame.time_delta in {0..1.5}", `frame.interface_name[1:] == "th0"`,
	`icmpv6.type == "Neighbor Solicitation"`, "icmpv6.nd.na.flag.s == True", "ipv6.nxt == ':'",
	"not (ip or udp) and !dns", "((ipv6))", "ipv6.scr == fe80::1", "ipv6.src ==", "(ipv6", "ipv6)",
	"ipv6 udp", "ipv6.src == 10.0.0.1", "udp.port in {5..1}", `dns.qry.name == "\q`, "eth.src[0:2,4]",
	"ip.addr == 198.51.100.0/24", "ip.src in {192.0.2.0..192.0.2.10}", "icmpv6.checksum == 0xbeef",
	"frame.time", "_ws.expert", "ipv6 ^^ udp", "len(eth.src)", "ipv6.src == ipv6.dst",
}

// FuzzCompile checks that Compile never panics, that its errors point
// inside the expression, and that the canonical form of a filter compiles
// to itself and matches the same packets.
func FuzzCompile(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := Compile(expr, testSchema)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Compile(%q) error %T, want *Error", expr, err)
			}
			if n := utf8.RuneCountInString(expr); e.Col < 1 || e.Col > n+1 || e.Length < 1 {
				t.Fatalf("Compile(%q): column %d length %d outside an expression of %d characters", expr, e.Col, e.Length, n)
			}
			_ = e.Caret()
			_ = e.Error()
			return
		}
		s := flt.String()
		again, err := Compile(s, testSchema)
		if err != nil {
			t.Fatalf("Compile(%q).String() = %q does not compile: %v", expr, s, err)
		}
		if s2 := again.String(); s2 != s {
			t.Fatalf("String() is not a fixed point for %q: %q then %q", expr, s, s2)
		}
		for _, name := range treeNames {
			if a, b := flt.Match(trees[name]), again.Match(trees[name]); a != b {
				t.Fatalf("%q and its canonical form %q disagree on %s: %v, %v", expr, s, name, a, b)
			}
		}
	})
}

// fuzzInfos are the fields FuzzMatch builds trees from.
var fuzzInfos = []*dissect.FieldInfo{fFrame, fFrameNumber, fTimeRel, fTimeDelta, fTime, fTimeEpoch, fRatio, fIfName, fEth, fEthSrc, fEthAddr, fIP, fIPSrc,
	fIPv6, fIPv6Src, fIPv6Addr, fIPv6Hlim, fIPv6Tclass, fUDP, fUDPPort, fICMPv6, fICMPv6Type, fNAFlagS,
	fData, fDataData, fDNSQryName, fDelta, dissect.ExpertField}

// fuzzTree builds a tree from arbitrary bytes: fields of any kind, with
// any value, offset and length (in or out of the frame).
func fuzzTree(data []byte) *dissect.Tree {
	t := &dissect.Tree{}
	t.Reset(data)
	for len(data) >= 4 {
		info := fuzzInfos[int(data[0])%len(fuzzInfos)]
		off, n := int(int8(data[1])), int(int8(data[2]))
		arg := data[3]
		data = data[4:]
		take := min(int(arg%20), len(data))
		val := data[:take]
		var u uint64
		var buf [8]byte
		copy(buf[:], val)
		u = binary.BigEndian.Uint64(buf[:])
		switch info.Kind {
		case dissect.Protocol:
			if arg&1 == 0 {
				t.Push(info, off, n)
			} else {
				t.Pop()
			}
		case dissect.Bool, dissect.Uint, dissect.Int, dissect.FrameNum:
			t.Uint(info, off, n, u)
		case dissect.RelTime:
			t.Duration(info, time.Duration(u))
		case dissect.Float:
			t.Float(info, math.Float64frombits(u))
		case dissect.AbsTime, dissect.EpochTime:
			t.Time(info, time.Unix(0, int64(u)))
		case dissect.IPv4:
			a, _ := netip.AddrFromSlice(append([]byte(nil), padTo(val, 4)...))
			t.Addr(info, off, n, a)
		case dissect.IPv6:
			a, _ := netip.AddrFromSlice(append([]byte(nil), padTo(val, 16)...))
			t.Addr(info, off, n, a)
		case dissect.Bytes, dissect.MAC:
			t.Bytes(info, off, n, val)
		case dissect.String:
			if arg&1 == 0 {
				t.String(info, off, n, string(val))
			} else {
				t.String(info, off, n, "").B = val
			}
		}
		data = data[take:]
	}
	return t
}

func padTo(b []byte, n int) []byte {
	p := make([]byte, n)
	copy(p, b)
	return p
}

// FuzzMatch runs filters over trees with arbitrary fields and values: Match
// must never panic, and "not" must be the complement.
func FuzzMatch(f *testing.F) {
	for i, s := range seeds {
		f.Add(s, []byte{byte(i), 0, 40, 3, 1, 2, 3, byte(i * 7), 200, 10, 4, 0xfe, 0x80, 0, 1})
	}
	f.Fuzz(func(t *testing.T, expr string, data []byte) {
		flt, err := Compile(expr, testSchema)
		if err != nil {
			return
		}
		tr := fuzzTree(data)
		m := flt.Match(tr)
		if flt.MatchesAll() {
			return
		}
		neg, err := Compile("not ("+flt.String()+")", testSchema)
		if err != nil {
			t.Fatalf("not (%s) does not compile: %v", flt.String(), err)
		}
		if neg.Match(tr) == m {
			t.Fatalf("%q and its negation agree (%v)", expr, m)
		}
	})
}
