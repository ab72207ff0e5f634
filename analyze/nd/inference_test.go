package nd

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/nd"
)

// Tracker-level tests: messages go through Observe on the manual clock,
// built field by field (RFC 4861 §4), so that each test reads as the
// exchange it replays.

// NA flags (RFC 4861 §4.4): Router, Solicited, Override.
const (
	flagR = 0x80000000
	flagS = 0x40000000
	flagO = 0x20000000
)

var (
	macA = analyze.MAC{2, 0, 0, 0, 0, 0xa}
	macC = analyze.MAC{2, 0, 0, 0, 0, 0xc}
	macR = analyze.MAC{2, 0, 0, 0, 0, 1}
	macZ = analyze.MAC{2, 0, 0, 0, 0, 0x5a}

	llA = netip.MustParseAddr("fe80::a")
	llB = netip.MustParseAddr("fe80::b")
	llC = netip.MustParseAddr("fe80::c")
	llR = netip.MustParseAddr("fe80::1")

	allNodes   = netip.MustParseAddr("ff02::1")
	allRouters = netip.MustParseAddr("ff02::2")
	mcastAll   = analyze.MAC{0x33, 0x33, 0, 0, 0, 1}
	mcastRtr   = analyze.MAC{0x33, 0x33, 0, 0, 0, 2}
)

// solicitedNode is the solicited-node group of a (RFC 4291 §2.7.1) and its
// Ethernet group (RFC 2464 §7).
func solicitedNode(a netip.Addr) (netip.Addr, analyze.MAC) {
	b := a.As16()
	g := netip.AddrFrom16([16]byte{0xff, 0x02, 11: 1, 12: 0xff, 13: b[13], 14: b[14], 15: b[15]})
	return g, analyze.MAC{0x33, 0x33, 0xff, b[13], b[14], b[15]}
}

func slla(mac analyze.MAC) nd.Option {
	return nd.Option{Type: nd.OptSourceLinkAddr, Length: 1, Data: mac[:]}
}

func tlla(mac analyze.MAC) nd.Option {
	return nd.Option{Type: nd.OptTargetLinkAddr, Length: 1, Data: mac[:]}
}

func nonceOpt(b ...byte) nd.Option {
	return nd.Option{Type: nd.OptNonce, Length: 1, Data: b}
}

// send feeds one ND message, sent by the station src to the Ethernet
// destination dst, at the fixture's time; it returns the frame number.
func (f *fixture) send(src, dst analyze.MAC, m nd.ND) int {
	f.frames++
	m.HopLimit = nd.RequiredHopLimit
	p := &analyze.Packet{Frame: f.frames, Time: f.now, HasMAC: true, Src: src, Dst: dst, Direct: true, ND: &m}
	f.tr.Observe(p)
	return f.frames
}

// rs: the host (mac, from) solicits routers, with its link-layer address
// (RFC 4861 §4.1): how a test makes a host heard on the link.
func (f *fixture) rs(mac analyze.MAC, from netip.Addr) int {
	return f.send(mac, mcastRtr, nd.ND{Type: nd.TypeRouterSolicit, Src: from, Dst: allRouters, Options: []nd.Option{slla(mac)}})
}

// ra: the router (macR, fe80::1) advertises to all nodes with its
// link-layer address (RFC 4861 §4.2).
func (f *fixture) ra() int {
	return f.send(macR, mcastAll, nd.ND{Type: nd.TypeRouterAdvert, Src: llR, Dst: allNodes, RouterLifetime: 1800, Options: []nd.Option{slla(macR)}})
}

// multicastNS: (mac, from) resolves target (RFC 4861 §7.2.2).
func (f *fixture) multicastNS(mac analyze.MAC, from, target netip.Addr) int {
	g, gm := solicitedNode(target)
	return f.send(mac, gm, nd.ND{Type: nd.TypeNeighborSolicit, Src: from, Dst: g, Target: target, Options: []nd.Option{slla(mac)}})
}

// dadNS: mac probes target from :: (RFC 4862 §5.4.2), with opts.
func (f *fixture) dadNS(mac analyze.MAC, target netip.Addr, opts ...nd.Option) int {
	g, gm := solicitedNode(target)
	return f.send(mac, gm, nd.ND{Type: nd.TypeNeighborSolicit, Src: netip.IPv6Unspecified(), Dst: g, Target: target, Options: opts})
}

// took returns the transitions recorded since the last call, whole.
func (r *recorder) took() []analyze.Transition {
	a := r.all
	r.all, r.trs = nil, nil
	return a
}

func sessionOf(node analyze.MAC, target netip.Addr) string {
	return "nd/neighbor/if0/" + node.String() + "/" + target.String()
}

// wantTr checks one transition's session, states, reason, basis and
// evidence.
func wantTr(t *testing.T, got analyze.Transition, session, fromTo string, r Reason, b analyze.Basis, evidence ...int) {
	t.Helper()
	if got.Session != session || got.From+"→"+got.To != fromTo || got.Reason != r || got.Basis != b || !slices.Equal(got.Evidence, evidence) {
		t.Errorf("transition %s %s→%s %v %v evidence %v;\nwant %s %s %v %v evidence %v",
			got.Session, got.From, got.To, got.Reason, got.Basis, got.Evidence, session, fromTo, r, b, evidence)
	}
}

func limitsMention(tr *Tracker, s string) bool {
	return slices.ContainsFunc(tr.Limits(), func(l string) bool { return strings.Contains(l, s) })
}

// 1. A multicast RA with SLLA reaches every host (RFC 4861 §6.3.4).

func TestMulticastRAGivesKnownHostsAnEntryForTheRouter(t *testing.T) {
	f := newFixture()
	f.rs(macA, llA)
	f.rs(macC, llC)
	expect(t, f.rec.take()) // no router yet: nobody learns the hosts
	ra := f.ra()
	got := f.rec.took()
	// The chain is most recently heard first: c, then a. The router gets
	// no entry for itself.
	if len(got) != 3 {
		t.Fatalf("%d transitions, want c's and a's entries and the router: %+v", len(got), got)
	}
	wantTr(t, got[0], sessionOf(macC, llR), "→STALE", ReasonLearned, analyze.BasisInferred, ra)
	wantTr(t, got[1], sessionOf(macA, llR), "→STALE", ReasonLearned, analyze.BasisInferred, ra)
	if got[2].Kind != "router" {
		t.Errorf("third transition %+v, want the router's", got[2])
	}
	n := f.tr.neighbors.Peek(neighborKey{node: Node{MAC: macA}, target: llR})
	if n == nil || !n.Val.router || n.Val.lla != macR {
		t.Fatalf("a's entry for the router: %+v; want IsRouter set and lladdr %v (RFC 4861 §6.3.4)", n, macR)
	}
	// The next RA changes nothing: same address, entries STALE already.
	f.wait(time.Second)
	f.ra()
	for _, tr := range f.rec.took() {
		if tr.Kind == "neighbor" {
			t.Errorf("a repeated RA moved %s %s→%s", tr.Session, tr.From, tr.To)
		}
	}
	// A host heard only now gets nothing for the RAs it came after.
	f.send(macZ, mcastRtr, nd.ND{Type: nd.TypeRouterSolicit, Src: netip.MustParseAddr("fe80::5a"), Dst: allRouters})
	if n := f.tr.neighbors.Peek(neighborKey{node: Node{MAC: macZ}, target: llR}); n != nil {
		t.Errorf("a host first heard after the RAs has an entry for the router: %+v", n.Val)
	}
	if !limitsMention(f.tr, "a node first heard later gets none") {
		t.Errorf("Limits do not say late hosts get nothing: %q", f.tr.Limits())
	}
}

func TestMulticastRAUpdatesAnExistingEntryAsInferred(t *testing.T) {
	f := newFixture()
	f.rs(macA, llA)
	f.ra()
	f.rec.took()
	// The router's interface changes: the next RA brings another address.
	other := analyze.MAC{2, 0, 0, 0, 0, 2}
	ra := f.send(other, mcastAll, nd.ND{Type: nd.TypeRouterAdvert, Src: llR, Dst: allNodes, RouterLifetime: 1800, Options: []nd.Option{slla(other)}})
	got := f.rec.took()
	if len(got) != 0 {
		// STALE → STALE is a refresh, not a transition; the address must
		// have changed all the same.
		t.Fatalf("transitions %+v, want none (STALE stays STALE)", got)
	}
	n := f.tr.neighbors.Peek(neighborKey{node: Node{MAC: macA}, target: llR})
	if n == nil || n.Val.lla != other || n.Val.last != ra {
		t.Fatalf("a's entry %+v, want lladdr %v from frame %d", n, other, ra)
	}
}

func TestMulticastRAReachesAtMostMaxHostsPerRA(t *testing.T) {
	f := newFixtureWith(Config{MaxHostsPerRA: 2})
	hosts := []analyze.MAC{{2, 0, 0, 0, 1, 1}, {2, 0, 0, 0, 1, 2}, {2, 0, 0, 0, 1, 3}}
	for i, h := range hosts {
		f.rs(h, netip.AddrFrom16([16]byte{0xfe, 0x80, 15: byte(0x10 + i)}))
	}
	ra := f.ra()
	var got []string
	for _, tr := range f.rec.took() {
		if tr.Kind == "neighbor" {
			got = append(got, tr.Session)
		}
	}
	// The two most recently heard: hosts[2], hosts[1].
	want := []string{sessionOf(hosts[2], llR), sessionOf(hosts[1], llR)}
	if !slices.Equal(got, want) {
		t.Fatalf("entries created %q, want %q", got, want)
	}
	if f.tr.raOverflow != 1 || !limitsMention(f.tr, "1 multicast Router Advertisements reached more than 2 known nodes") {
		t.Errorf("RA %d over the bound not in Limits: %q", ra, f.tr.Limits())
	}
}

func TestMulticastRADoesNotEvictForInferences(t *testing.T) {
	f := newFixtureWith(Config{MaxNeighbors: 2})
	for i := range 3 {
		f.rs(analyze.MAC{2, 0, 0, 0, 1, byte(i)}, netip.AddrFrom16([16]byte{0xfe, 0x80, 15: byte(0x10 + i)}))
	}
	f.ra()
	if f.tr.neighbors.Len() != 2 || f.tr.neighbors.Evicted() != 0 {
		t.Errorf("neighbor table holds %d, evicted %d; want 2 held, none evicted", f.tr.neighbors.Len(), f.tr.neighbors.Evicted())
	}
	if f.tr.raTableFull != 1 || !limitsMention(f.tr, "1 inferred entries for routers were not created because the neighbor table was full") {
		t.Errorf("table-full skip not counted: %d; %q", f.tr.raTableFull, f.tr.Limits())
	}
}

func TestEvictedStationLeavesTheLinkChain(t *testing.T) {
	f := newFixtureWith(Config{MaxNodes: 2})
	f.rs(macA, llA)
	f.rs(macC, llC)
	f.rs(macZ, netip.MustParseAddr("fe80::5a")) // evicts a's station
	var chain []analyze.MAC
	for s := f.tr.linkConfig(analyze.Link{}).hosts; s != nil && len(chain) < 10; s = s.next {
		chain = append(chain, s.mac)
	}
	if !slices.Equal(chain, []analyze.MAC{macZ, macC}) {
		t.Errorf("link chain %v, want [z c]", chain)
	}
}

// 2. A multicast NS whose target's owner is not yet known (RFC 4861
// §7.2.3).

func TestPendingNSPlacedWhenTheOwnerAnswers(t *testing.T) {
	f := newFixture()
	ns := f.multicastNS(macA, llA, llB)
	expect(t, f.rec.take(), "→INCOMPLETE multicast_ns")
	f.wait(10 * time.Millisecond)
	// b answers with a solicited NA to a (RFC 4861 §7.2.4).
	na := f.send(macB, macA, nd.ND{Type: nd.TypeNeighborAdvert, NAFlags: flagS | flagO, Src: llB, Dst: llA, Target: llB, Options: []nd.Option{tlla(macB)}})
	got := f.rec.took()
	if len(got) != 3 {
		t.Fatalf("transitions %+v; want b's entry placed, a's REACHABLE, b's DELAY", got)
	}
	// b created its entry for a when the NS arrived: at the NS, inferred
	// from the NS and the NA.
	wantTr(t, got[0], sessionOf(macB, llA), "→STALE", ReasonLearned, analyze.BasisInferred, ns, na)
	if got[0].Frame != ns || !got[0].Time.Equal(t0) {
		t.Errorf("b's entry placed at frame %d %v, want the NS's (%d, %v)", got[0].Frame, got[0].Time, ns, t0)
	}
	wantTr(t, got[1], sessionOf(macA, llB), "INCOMPLETE→REACHABLE", ReasonSolicitedNA, analyze.BasisObserved, na)
	// b sent its NA to a's STALE entry (RFC 4861 §7.3.3).
	wantTr(t, got[2], sessionOf(macB, llA), "STALE→DELAY", ReasonPacketSent, analyze.BasisObserved, na)
	if limitsMention(f.tr, "multicast solicitations were for targets") {
		t.Errorf("a resolved solicitation still counted in Limits: %q", f.tr.Limits())
	}
}

// Two hosts resolve the same address before its owner is heard: the
// owner takes both solicitors' addresses in (RFC 4861 §7.2.3).
func TestPendingNSKeepsEverySolicitor(t *testing.T) {
	f := newFixture()
	nsA := f.multicastNS(macA, llA, llB)
	f.wait(5 * time.Millisecond)
	nsC := f.multicastNS(macC, llC, llB)
	f.rec.took()
	f.wait(5 * time.Millisecond)
	na := f.send(macB, macA, nd.ND{Type: nd.TypeNeighborAdvert, NAFlags: flagS | flagO, Src: llB, Dst: llA, Target: llB, Options: []nd.Option{tlla(macB)}})
	got := f.rec.took()
	var placed []string
	for _, tr := range got {
		if tr.Reason == ReasonLearned && tr.Basis == analyze.BasisInferred {
			placed = append(placed, tr.Session)
			switch tr.Session {
			case sessionOf(macB, llA):
				wantTr(t, tr, sessionOf(macB, llA), "→STALE", ReasonLearned, analyze.BasisInferred, nsA, na)
			case sessionOf(macB, llC):
				wantTr(t, tr, sessionOf(macB, llC), "→STALE", ReasonLearned, analyze.BasisInferred, nsC, na)
			}
		}
	}
	if !slices.Contains(placed, sessionOf(macB, llA)) || !slices.Contains(placed, sessionOf(macB, llC)) {
		t.Fatalf("placed %v; want b's entries for a and for c (transitions %+v)", placed, got)
	}
	if limitsMention(f.tr, "multicast solicitations were for targets") {
		t.Errorf("resolved solicitations still counted in Limits: %q", f.tr.Limits())
	}
}

// More solicitors than a target keeps: the oldest gives way and counts as
// never resolved.
func TestPendingNSSolicitorsAreBounded(t *testing.T) {
	f := newFixture()
	for i := range maxSolicitors + 1 {
		mac := analyze.MAC{2, 0, 0, 0, 1, byte(i)}
		f.multicastNS(mac, netip.AddrFrom16([16]byte{0xfe, 0x80, 14: 2, 15: byte(i)}), llB)
	}
	f.rec.took()
	f.send(macB, macA, nd.ND{Type: nd.TypeNeighborAdvert, NAFlags: flagO, Src: llB, Dst: allNodes, Target: llB, Options: []nd.Option{tlla(macB)}})
	placed := 0
	for _, tr := range f.rec.took() {
		if tr.Reason == ReasonLearned && tr.Basis == analyze.BasisInferred && strings.HasPrefix(tr.Session, "nd/neighbor/if0/"+macB.String()) {
			placed++
		}
	}
	if placed != maxSolicitors {
		t.Errorf("%d of b's entries placed, want the %d kept", placed, maxSolicitors)
	}
	if !limitsMention(f.tr, "1 multicast solicitations were for targets whose owner was not heard") {
		t.Errorf("Limits %q, want 1 unresolved", f.tr.Limits())
	}
}

func TestPendingNSPlacedWhenTheOwnerSpeaks(t *testing.T) {
	f := newFixture()
	ns := f.multicastNS(macA, llA, llB)
	f.rec.took()
	f.wait(500 * time.Millisecond)
	rs := f.rs(macB, llB) // b sends from fe80::b: it owns it
	got := f.rec.took()
	if len(got) != 1 {
		t.Fatalf("transitions %+v, want b's entry for a", got)
	}
	wantTr(t, got[0], sessionOf(macB, llA), "→STALE", ReasonLearned, analyze.BasisInferred, ns, rs)
}

func TestPendingNSExpiresUnresolved(t *testing.T) {
	f := newFixture()
	f.multicastNS(macA, llA, llB)
	f.wait(time.Second)
	f.multicastNS(macA, llA, llB) // a retransmission: the same solicitation
	f.rec.took()
	// MAX_MULTICAST_SOLICIT × RetransTimer after the last NS, and more.
	f.wait(3*time.Second + time.Millisecond)
	f.send(macB, macA, nd.ND{Type: nd.TypeNeighborAdvert, NAFlags: flagS | flagO, Src: llB, Dst: llA, Target: llB, Options: []nd.Option{tlla(macB)}})
	if n := f.tr.neighbors.Peek(neighborKey{node: Node{MAC: macB}, target: llA}); n != nil {
		t.Errorf("b's entry for a placed from a solicitation %v old: %+v", 3*time.Second, n.Val)
	}
	if !limitsMention(f.tr, "1 multicast solicitations were for targets whose owner was not heard") {
		t.Errorf("Limits %q, want 1 unresolved solicitation", f.tr.Limits())
	}
}

func TestPendingNSTableIsBounded(t *testing.T) {
	f := newFixtureWith(Config{MaxPending: 4})
	for i := range 10 {
		f.multicastNS(macA, llA, netip.AddrFrom16([16]byte{0xfe, 0x80, 14: 1, 15: byte(i)}))
	}
	if f.tr.pending.Len() != 4 {
		t.Errorf("pending table holds %d, want its cap 4", f.tr.pending.Len())
	}
	if !limitsMention(f.tr, "10 multicast solicitations") {
		t.Errorf("Limits %q, want 10 unresolved", f.tr.Limits())
	}
}

// 3. DAD and the Nonce option (RFC 7527 §4.1, RFC 4862 §5.4.3).

var (
	tentative = netip.MustParseAddr("2001:db8::d")
	nonce1    = []byte{1, 2, 3, 4, 5, 6}
	nonce2    = []byte{6, 5, 4, 3, 2, 1}
)

func addrSession(mac analyze.MAC) string {
	return "nd/address/if0/" + tentative.String() + "/" + mac.String()
}

func TestDADOwnProbeLoopedBackIsNotDuplicate(t *testing.T) {
	f := newFixture()
	f.dadNS(macA, tentative, nonceOpt(nonce1...))
	expect(t, f.rec.take(), "→TENTATIVE dad_ns")
	f.wait(time.Millisecond)
	f.dadNS(macA, tentative, nonceOpt(nonce1...)) // the same probe, back
	expect(t, f.rec.take())
	if !slices.Contains(f.rec.codes, "nd.dad_looped_back") {
		t.Errorf("anomalies %q, want nd.dad_looped_back", f.rec.codes)
	}
	// The copy neither counts as a probe nor re-arms the timer: DAD ends
	// RetransTimer (+ the grace, RetransTimer/4) after the real probe.
	f.wait(1250*time.Millisecond - time.Millisecond)
	expect(t, f.rec.take(), "TENTATIVE→PREFERRED dad_complete")
	a := f.tr.addresses.Peek(addressKey{addr: tentative, node: macA})
	if a == nil || a.Val.attempts != 1 || a.Val.looped != 1 {
		t.Errorf("session %+v, want 1 probe and 1 looped back", a)
	}
}

func TestDADLoopedBackFromAnotherSourceIsNotDuplicate(t *testing.T) {
	f := newFixture()
	f.dadNS(macA, tentative, nonceOpt(nonce1...))
	f.rec.take()
	f.wait(time.Millisecond)
	f.dadNS(macZ, tentative, nonceOpt(nonce1...)) // a's probe, through something that rewrote the source
	expect(t, f.rec.take())
	if f.tr.addresses.Peek(addressKey{addr: tentative, node: macZ}) != nil {
		t.Error("a looped-back probe became a DAD session of its own")
	}
	f.wait(1250*time.Millisecond - time.Millisecond) // RetransTimer + grace after a's probe
	expect(t, f.rec.take(), "TENTATIVE→PREFERRED dad_complete")
}

// Two nodes probe one address, a first: a receives c's probe while its
// address is tentative, so a's copy is a duplicate (RFC 4862 §5.4.3). c
// sent its probe after a's, so it had not taken a's probe for a conflict
// (it would have stopped, §5.4.5): c's DAD goes on and passes. Linux does
// exactly this (pcaps/dad-loopback.pcapng: the first prober ends
// dadfailed, the second keeps the address).
func TestDADTwoNoncesTwoNodesFirstProberDuplicate(t *testing.T) {
	f := newFixture()
	f.dadNS(macA, tentative, nonceOpt(nonce1...))
	f.rec.take()
	f.wait(100 * time.Millisecond)
	ns := f.dadNS(macC, tentative, nonceOpt(nonce2...))
	got := f.rec.took()
	if len(got) != 2 {
		t.Fatalf("transitions %+v, want a DUPLICATE, c TENTATIVE", got)
	}
	wantTr(t, got[0], addrSession(macA), "TENTATIVE→DUPLICATE", ReasonDADNS, analyze.BasisObserved, 1, ns)
	wantTr(t, got[1], addrSession(macC), "→TENTATIVE", ReasonDADStart, analyze.BasisObserved, ns)
	if slices.Contains(f.rec.codes, "nd.dad_looped_back") {
		t.Error("different nonces taken for a loop")
	}
	// One RetransTimer (+ the grace, RetransTimer/4) after c's probe, c's
	// DAD is done; a's stays failed.
	f.wait(1249 * time.Millisecond)
	expect(t, f.rec.take())
	f.wait(2 * time.Millisecond)
	expect(t, f.rec.take(), "TENTATIVE→PREFERRED dad_complete")
	if a := f.tr.addresses.Peek(addressKey{addr: tentative, node: macA}); a == nil || a.Val.state != Duplicate {
		t.Errorf("a's copy: %+v, want DUPLICATE", a)
	}
	if c := f.tr.addresses.Peek(addressKey{addr: tentative, node: macC}); c == nil || c.Val.state != Preferred || c.Val.attempts != 1 {
		t.Errorf("c's copy: %+v, want PREFERRED after 1 probe", c)
	}
}

func TestDADWithoutNonceFromTwoSourcesFirstDuplicate(t *testing.T) {
	f := newFixture()
	f.dadNS(macA, tentative)
	f.rec.take()
	f.dadNS(macC, tentative)
	expect(t, f.rec.take(), "TENTATIVE→DUPLICATE dad_ns_conflict", "→TENTATIVE dad_ns")
	// a probes again while c's DAD runs: now c receives a probe while
	// tentative, and c's copy fails too.
	f.wait(10 * time.Millisecond)
	f.dadNS(macA, tentative)
	expect(t, f.rec.take(), "TENTATIVE→DUPLICATE dad_ns_conflict", "DUPLICATE→TENTATIVE dad_ns")
}

func TestDADRetransmissionKeepsOrChangesItsNonce(t *testing.T) {
	for _, c := range []struct {
		name   string
		second []byte
	}{
		{"same nonce (Linux: one per DAD)", nonce1},
		{"new nonce (FreeBSD: one per probe)", nonce2},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixtureWith(Config{DADTransmits: 2})
			f.dadNS(macA, tentative, nonceOpt(nonce1...))
			expect(t, f.rec.take(), "→TENTATIVE dad_ns")
			f.wait(time.Second)
			f.dadNS(macA, tentative, nonceOpt(c.second...))
			expect(t, f.rec.take()) // a second probe, not a conflict
			// The second of two probes is the last: DAD ends RetransTimer
			// after it (RFC 4862 §5.1), shown with the grace.
			f.wait(1250*time.Millisecond - time.Millisecond)
			expect(t, f.rec.take())
			f.wait(time.Millisecond)
			expect(t, f.rec.take(), "TENTATIVE→PREFERRED dad_complete")
			if len(f.rec.codes) != 0 {
				t.Errorf("anomalies %q, want none", f.rec.codes)
			}
		})
	}
}

func TestDADNewAttemptForgetsOldNonces(t *testing.T) {
	f := newFixture()
	f.dadNS(macA, tentative, nonceOpt(nonce1...))
	f.wait(1250 * time.Millisecond) // PREFERRED
	f.rec.take()
	// Another node now probes with the nonce a used: a's DAD is over, so
	// this is no loop of a's; it is c's own attempt.
	f.dadNS(macC, tentative, nonceOpt(nonce1...))
	expect(t, f.rec.take(), "→TENTATIVE dad_ns")
}
