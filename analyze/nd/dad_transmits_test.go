package nd

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/nd"
)

// DAD with more than one probe (DupAddrDetectTransmits > 1, RFC 4862
// §5.1, §5.4.2): a node sends its probes RetransTimer apart and ends DAD
// RetransTimer after the last. The fixture's RetransTimer is 1 s, so the
// grace (dadGrace) is 250 ms.

const (
	retrans = time.Second
	grace   = retrans / 4
	// linuxGap is how far apart Linux sends dad_transmits probes with a
	// 1 s RetransTimer: its timer wheel runs the DAD work a little late.
	linuxGap = 1024 * time.Millisecond
)

var nonce3 = []byte{9, 9, 9, 9, 9, 9}

// probes has mac send n DAD probes for target gap apart, the i-th with
// the options opts(i); it returns the frame of the last.
func (f *fixture) probes(mac analyze.MAC, target netip.Addr, n int, gap time.Duration, opts func(i int) []byte) int {
	var fr int
	for i := range n {
		if i > 0 {
			f.wait(gap)
		}
		if b := opts(i); b != nil {
			fr = f.dadNS(mac, target, nonceOpt(b...))
		} else {
			fr = f.dadNS(mac, target)
		}
	}
	return fr
}

// endsAfter checks that the DAD timer shows PREFERRED exactly d from now:
// nothing a nanosecond earlier, the transition then.
func (f *fixture) endsAfter(t *testing.T, d time.Duration) {
	t.Helper()
	f.wait(d - time.Nanosecond)
	expect(t, f.rec.take())
	f.wait(time.Nanosecond)
	expect(t, f.rec.take(), "TENTATIVE→PREFERRED dad_complete")
}

func (f *fixture) addr(mac analyze.MAC, target netip.Addr) *address {
	if e := f.tr.addresses.Peek(addressKey{addr: target, node: mac}); e != nil {
		return &e.Val
	}
	return nil
}

func linuxNonce(int) []byte { return nonce1 }

func freeBSDNonce(i int) []byte { return [][]byte{nonce1, nonce2, nonce3}[i%3] }

func noNonce(int) []byte { return nil }

// Linux with dad_transmits=3 keeps one Nonce for the whole DAD; FreeBSD
// (and a node without Enhanced DAD) sends one per probe, or none. Either
// way: one TENTATIVE at the first probe, one PREFERRED RetransTimer after
// the third (plus the grace) — never PREFERRED between probes, although
// the observer assumes one probe: each probe, due RetransTimer after the
// previous and arriving 24 ms late, comes before the grace runs out.
func TestDADThreeProbesOneRun(t *testing.T) {
	for _, c := range []struct {
		name  string
		nonce func(int) []byte
	}{
		{"Linux: one nonce", linuxNonce},
		{"FreeBSD: a nonce per probe", freeBSDNonce},
		{"no nonce", noNonce},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			f.dadNS(macA, tentative, optsOf(c.nonce(0))...)
			expect(t, f.rec.take(), "→TENTATIVE dad_ns")
			f.wait(linuxGap)
			f.dadNS(macA, tentative, optsOf(c.nonce(1))...)
			f.wait(linuxGap)
			f.dadNS(macA, tentative, optsOf(c.nonce(2))...)
			expect(t, f.rec.take()) // probes 2 and 3: no transition
			f.endsAfter(t, retrans+grace)
			if len(f.rec.codes) != 0 {
				t.Errorf("anomalies %q, want none", f.rec.codes)
			}
			a := f.addr(macA, tentative)
			if a == nil || a.attempts != 3 || a.lastRun != 3 || a.transitions != 2 {
				t.Fatalf("session %+v, want 3 probes in one DAD, 2 transitions", a)
			}
			if n, learned := f.tr.dadTransmits(analyze.Link{}, macA); n != 3 || !learned {
				t.Errorf("a's DupAddrDetectTransmits %d (learned %v), want 3 learned", n, learned)
			}
			s := a.session()
			if i := slices.IndexFunc(s.Attrs, func(x analyze.Attr) bool { return x.Key == "dad_transmits" }); i < 0 || s.Attrs[i].Val != 3 {
				t.Errorf("session attrs %+v, want dad_transmits 3", s.Attrs)
			}
		})
	}
}

func optsOf(b []byte) []nd.Option {
	if b == nil {
		return nil
	}
	return []nd.Option{nonceOpt(b...)}
}

// One probe, the RFC default: PREFERRED RetransTimer + grace after it,
// and the node's count is learnt as 1, so its next address is timed the
// same way.
func TestDADOneProbeUnchanged(t *testing.T) {
	f := newFixture()
	f.dadNS(macA, tentative, nonceOpt(nonce1...))
	expect(t, f.rec.take(), "→TENTATIVE dad_ns")
	f.endsAfter(t, retrans+grace)
	if n, learned := f.tr.dadTransmits(analyze.Link{}, macA); n != 1 || !learned {
		t.Errorf("a's DupAddrDetectTransmits %d (learned %v), want 1 learned", n, learned)
	}
	other := netip.MustParseAddr("2001:db8::e")
	f.wait(10 * time.Second)
	f.dadNS(macA, other, nonceOpt(nonce2...))
	expect(t, f.rec.take(), "→TENTATIVE dad_ns")
	f.endsAfter(t, retrans+grace)
	if len(f.rec.codes) != 0 {
		t.Errorf("anomalies %q, want none", f.rec.codes)
	}
}

// --dad-transmits 3 (Config.DADTransmits): after the first probe the node
// has two more to send, RetransTimer apart, and waits RetransTimer after
// the last: the timer falls 3 RetransTimers (+ grace) after the first
// probe; after the second, 2; after the third, 1. Probes 1.3 s apart
// (a node whose own RetransTimer is longer than assumed) stay one DAD.
func TestDADTransmitsOption(t *testing.T) {
	t.Run("one probe seen", func(t *testing.T) {
		f := newFixtureWith(Config{DADTransmits: 3})
		f.dadNS(macA, tentative)
		expect(t, f.rec.take(), "→TENTATIVE dad_ns")
		f.endsAfter(t, 3*retrans+grace)
	})
	t.Run("three probes 1.3 s apart", func(t *testing.T) {
		f := newFixtureWith(Config{DADTransmits: 3})
		f.probes(macA, tentative, 3, 1300*time.Millisecond, noNonce)
		expect(t, f.rec.take(), "→TENTATIVE dad_ns")
		f.endsAfter(t, retrans+grace)
		if len(f.rec.codes) != 0 {
			t.Errorf("anomalies %q, want none", f.rec.codes)
		}
	})
	t.Run("more probes than assumed", func(t *testing.T) {
		// A fourth probe, RetransTimer after the third: DAD ends
		// RetransTimer after it, and the node's count is 4.
		f := newFixtureWith(Config{DADTransmits: 3})
		f.probes(macA, tentative, 4, linuxGap, linuxNonce)
		expect(t, f.rec.take(), "→TENTATIVE dad_ns")
		f.endsAfter(t, retrans+grace)
		if n, _ := f.tr.dadTransmits(analyze.Link{}, macA); n != 4 {
			t.Errorf("a's DupAddrDetectTransmits %d, want 4", n)
		}
	})
	t.Run("bounded", func(t *testing.T) {
		f := newFixtureWith(Config{DADTransmits: 1 << 40})
		if f.tr.cfg.DADTransmits != MaxDADTransmits {
			t.Errorf("DADTransmits %d, want the bound %d", f.tr.cfg.DADTransmits, MaxDADTransmits)
		}
	})
}

// A node seen sending 3 probes in one DAD keeps that count: its next
// address's timer waits for 3 probes even when the capture lost the
// later ones (it would otherwise show PREFERRED 1.25 s after the first);
// another node still gets the assumed one.
func TestDADLearnedCountTimesTheNodesNextAddress(t *testing.T) {
	f := newFixture()
	f.probes(macA, tentative, 3, linuxGap, linuxNonce)
	expect(t, f.rec.take(), "→TENTATIVE dad_ns")
	f.endsAfter(t, retrans+grace)
	f.rec.take()

	second := netip.MustParseAddr("2001:db8::e")
	f.wait(5 * time.Second)
	f.dadNS(macA, second, nonceOpt(nonce2...))
	f.dadNS(macC, tentative, nonceOpt(nonce3...)) // c, never seen: assumes 1
	expect(t, f.rec.take(), "→TENTATIVE dad_ns", "→TENTATIVE dad_ns")
	f.wait(retrans + grace)
	got := f.rec.took()
	if len(got) != 1 {
		t.Fatalf("transitions %+v, want c's PREFERRED only", got)
	}
	wantTr(t, got[0], addrSession(macC), "TENTATIVE→PREFERRED", ReasonDADDone, analyze.BasisTimer, 5) // c's probe, frame 5
	// a's second address: 3 RetransTimers + grace after its probe.
	f.wait(2*retrans - time.Nanosecond)
	expect(t, f.rec.take())
	f.wait(time.Nanosecond)
	expect(t, f.rec.take(), "TENTATIVE→PREFERRED dad_complete")

	// With its probes all seen, the second address ends like the first.
	third := netip.MustParseAddr("2001:db8::f")
	f.wait(5 * time.Second)
	f.probes(macA, third, 3, linuxGap, func(int) []byte { return nonce3 })
	expect(t, f.rec.take(), "→TENTATIVE dad_ns")
	f.endsAfter(t, retrans+grace)
}

// A node whose probes are further apart than RetransTimer + grace (its
// RetransTimer is 1.5 s, the observer assumes 1 s) shows PREFERRED after
// its first probe: the observer cannot wait for ever. Its second probe
// follows within RetransTimer + grace of that verdict: it continues the
// DAD — no PREFERRED→TENTATIVE, one note — and the DAD runs on: a
// conflict still fails it, its end teaches the count.
func TestDADFurtherProbeAfterTimerContinues(t *testing.T) {
	const gap = 1500 * time.Millisecond
	for _, c := range []struct {
		name  string
		nonce func(int) []byte
	}{
		{"Linux: one nonce", linuxNonce},
		{"FreeBSD: a nonce per probe", freeBSDNonce},
		{"no nonce", noNonce},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			f.dadNS(macA, tentative, optsOf(c.nonce(0))...)
			expect(t, f.rec.take(), "→TENTATIVE dad_ns")
			f.endsAfter(t, retrans+grace) // at 1.25 s: unavoidable
			f.rec.take()
			f.wait(gap - retrans - grace)
			f.dadNS(macA, tentative, optsOf(c.nonce(1))...)
			expect(t, f.rec.take())
			if !slices.Equal(f.rec.codes, []string{"nd.dad_more_probes"}) {
				t.Errorf("anomalies %q, want nd.dad_more_probes", f.rec.codes)
			}
			f.wait(gap)
			f.dadNS(macA, tentative, optsOf(c.nonce(2))...)
			f.wait(retrans + grace)
			expect(t, f.rec.take()) // already PREFERRED: the end shows nothing
			a := f.addr(macA, tentative)
			if a == nil || a.state != Preferred || a.attempts != 3 || a.lastRun != 3 || a.transitions != 2 || a.continued {
				t.Fatalf("session %+v, want PREFERRED after 3 probes, 2 transitions", a)
			}
			// The timer fell between probes 2 and 3 as well (each 1.5 s
			// apart), but one note tells the story of one DAD.
			if len(f.rec.codes) != 1 {
				t.Errorf("anomalies %q, want one note", f.rec.codes)
			}
			if n, _ := f.tr.dadTransmits(analyze.Link{}, macA); n != 3 {
				t.Errorf("a's DupAddrDetectTransmits %d, want 3", n)
			}
		})
	}
}

// While a continued DAD runs, an NA for the address fails it: the
// PREFERRED the timer showed was early, and the transition says so with
// the further probe and the NA as evidence.
func TestDADConflictDuringContinuedDAD(t *testing.T) {
	f := newFixture()
	f.dadNS(macA, tentative, nonceOpt(nonce1...))
	expect(t, f.rec.take(), "→TENTATIVE dad_ns")
	f.endsAfter(t, retrans+grace)
	f.wait(250 * time.Millisecond)
	probe := f.dadNS(macA, tentative, nonceOpt(nonce1...)) // 1.5 s after the first
	f.wait(100 * time.Millisecond)
	// c defends the address: an NA to all nodes (RFC 4862 §5.4.4 has
	// the tentative node's DAD fail on it).
	na := f.send(macC, mcastAll, nd.ND{Type: nd.TypeNeighborAdvert, NAFlags: flagO, Src: llC, Dst: allNodes, Target: tentative, Options: []nd.Option{tlla(macC)}})
	got := f.rec.took()
	if len(got) != 1 {
		t.Fatalf("transitions %+v, want PREFERRED→DUPLICATE", got)
	}
	wantTr(t, got[0], addrSession(macA), "PREFERRED→DUPLICATE", ReasonDADNA, analyze.BasisObserved, probe, na)
	f.wait(10 * time.Second)
	expect(t, f.rec.take())
}

// A new DAD after PREFERRED is still a new DAD: a probe long after the
// timer, or one whose Nonce differs from the one the previous DAD kept
// (Linux draws a new one for each DAD), starts TENTATIVE again.
func TestDADNewRunAfterPreferred(t *testing.T) {
	t.Run("later than RetransTimer + grace", func(t *testing.T) {
		f := newFixture()
		f.dadNS(macA, tentative)
		expect(t, f.rec.take(), "→TENTATIVE dad_ns")
		f.endsAfter(t, retrans+grace)
		f.wait(retrans + grace + time.Nanosecond)
		f.dadNS(macA, tentative)
		expect(t, f.rec.take(), "PREFERRED→TENTATIVE dad_ns")
		if len(f.rec.codes) != 0 {
			t.Errorf("anomalies %q, want none", f.rec.codes)
		}
	})
	t.Run("Linux's nonce changes", func(t *testing.T) {
		f := newFixtureWith(Config{DADTransmits: 2})
		f.probes(macA, tentative, 2, linuxGap, linuxNonce)
		expect(t, f.rec.take(), "→TENTATIVE dad_ns")
		f.endsAfter(t, retrans+grace)
		f.wait(100 * time.Millisecond)
		f.dadNS(macA, tentative, nonceOpt(nonce2...))
		expect(t, f.rec.take(), "PREFERRED→TENTATIVE dad_ns")
	})
	t.Run("the same nonce later still continues", func(t *testing.T) {
		f := newFixture()
		f.dadNS(macA, tentative, nonceOpt(nonce1...))
		expect(t, f.rec.take(), "→TENTATIVE dad_ns")
		f.endsAfter(t, retrans+grace)
		f.wait(3 * time.Second) // a node with a 4 s RetransTimer
		f.dadNS(macA, tentative, nonceOpt(nonce1...))
		expect(t, f.rec.take())
		if !slices.Equal(f.rec.codes, []string{"nd.dad_more_probes"}) {
			t.Errorf("anomalies %q, want nd.dad_more_probes", f.rec.codes)
		}
	})
	t.Run("the same nonce 8 RetransTimers later is a new DAD", func(t *testing.T) {
		f := newFixture()
		f.dadNS(macA, tentative, nonceOpt(nonce1...))
		expect(t, f.rec.take(), "→TENTATIVE dad_ns")
		f.endsAfter(t, retrans+grace)
		f.wait(8*retrans + time.Nanosecond) // a node that reuses its Nonce
		f.dadNS(macA, tentative, nonceOpt(nonce1...))
		expect(t, f.rec.take(), "PREFERRED→TENTATIVE dad_ns")
		if len(f.rec.codes) != 0 {
			t.Errorf("anomalies %q, want none", f.rec.codes)
		}
	})
}
