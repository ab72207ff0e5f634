package nd

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/v6scope/v6scope/analyze"
)

// recorder is a Sink that keeps transitions as "FROM→TO reason" (and
// whole, in all), and anomaly codes.
type recorder struct {
	trs   []string
	all   []analyze.Transition
	codes []string
}

func (r *recorder) Transition(t *analyze.Transition) {
	r.trs = append(r.trs, t.From+"→"+t.To+" "+t.Reason.String())
	c := *t
	c.Evidence = slices.Clone(t.Evidence) // the engine reuses the slice
	r.all = append(r.all, c)
}
func (r *recorder) Anomaly(a *analyze.Anomaly) { r.codes = append(r.codes, a.Code) }
func (r *recorder) Session(s *analyze.Session) {}

// take returns the transitions recorded since the last call.
func (r *recorder) take() []string {
	t := r.trs
	r.trs, r.all = nil, nil
	return t
}

var t0 = time.Unix(1_800_000_000, 0)

// fixture is a tracker on a manual clock: the test advances it.
type fixture struct {
	e   *analyze.Engine
	tr  *Tracker
	rec *recorder
	now time.Time
	// frames numbers the packets fixture.send feeds.
	frames int
}

func newFixture() *fixture { return newFixtureWith(Config{}) }

// newFixtureWith is newFixture with cfg's caps and constants, the timers
// at the fixture's values unless cfg sets them.
func newFixtureWith(cfg Config) *fixture {
	rec := &recorder{}
	e := analyze.New(rec)
	if cfg.ReachableTime == 0 {
		cfg.ReachableTime = 30 * time.Second
	}
	if cfg.RetransTimer == 0 {
		cfg.RetransTimer = time.Second
	}
	if cfg.DelayFirstProbe == 0 {
		cfg.DelayFirstProbe = 5 * time.Second
	}
	tr := New(e, cfg)
	e.Clock.Advance(t0)
	return &fixture{e: e, tr: tr, rec: rec, now: t0}
}

// wait advances the manual clock.
func (f *fixture) wait(d time.Duration) {
	f.now = f.now.Add(d)
	f.e.Clock.Advance(f.now)
}

func (f *fixture) neighbor() *neighbor {
	return &neighbor{t: f.tr, id: "test", key: neighborKey{target: netip.MustParseAddr("fe80::b")}}
}

var macB = analyze.MAC{2, 0, 0, 0, 0, 0xb}

func expect(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("transitions\n got %q\nwant %q", got, want)
	}
}

// Chaining helpers: each drives the entry into one state from the previous
// helper's, asserting the transition on the way.

func toIncomplete(t *testing.T, f *fixture) *neighbor {
	t.Helper()
	n := f.neighbor()
	n.multicastSolicit(1, f.now)
	expect(t, f.rec.take(), "→INCOMPLETE multicast_ns")
	return n
}

func toReachable(t *testing.T, f *fixture) *neighbor {
	t.Helper()
	n := toIncomplete(t, f)
	n.advert(2, f.now, true, true, false, macB, true)
	expect(t, f.rec.take(), "INCOMPLETE→REACHABLE solicited_na")
	return n
}

func toStale(t *testing.T, f *fixture) *neighbor {
	t.Helper()
	n := toReachable(t, f)
	f.wait(30 * time.Second)
	expect(t, f.rec.take(), "REACHABLE→STALE reachable_time")
	return n
}

func toDelay(t *testing.T, f *fixture) *neighbor {
	t.Helper()
	n := toStale(t, f)
	n.sent(3, f.now)
	expect(t, f.rec.take(), "STALE→DELAY packet_sent")
	return n
}

func toProbe(t *testing.T, f *fixture) *neighbor {
	t.Helper()
	n := toDelay(t, f)
	f.wait(5 * time.Second)
	expect(t, f.rec.take(), "DELAY→PROBE delay_first_probe_time")
	return n
}

func toUnreachable(t *testing.T, f *fixture) *neighbor {
	t.Helper()
	n := toProbe(t, f)
	f.wait(3 * time.Second) // MAX_UNICAST_SOLICIT × RetransTimer
	expect(t, f.rec.take(), "PROBE→UNREACHABLE probes_unanswered")
	return n
}

func TestNoneToIncomplete(t *testing.T)      { toIncomplete(t, newFixture()) }
func TestIncompleteToReachable(t *testing.T) { toReachable(t, newFixture()) }
func TestReachableToStaleOnTimer(t *testing.T) {
	toStale(t, newFixture())
}
func TestStaleToDelayOnPacket(t *testing.T) { toDelay(t, newFixture()) }
func TestDelayToProbeOnTimer(t *testing.T)  { toProbe(t, newFixture()) }
func TestProbeToUnreachable(t *testing.T)   { toUnreachable(t, newFixture()) }

func TestIncompleteToStaleOnUnsolicitedNA(t *testing.T) {
	f := newFixture()
	n := toIncomplete(t, f)
	n.advert(2, f.now, false, true, false, macB, true)
	expect(t, f.rec.take(), "INCOMPLETE→STALE unsolicited_na")
}

func TestIncompleteToUnreachable(t *testing.T) {
	f := newFixture()
	n := toIncomplete(t, f)
	f.wait(time.Second)
	n.multicastSolicit(3, f.now) // retransmission: keeps it INCOMPLETE
	expect(t, f.rec.take())
	f.wait(3 * time.Second)
	expect(t, f.rec.take(), "INCOMPLETE→UNREACHABLE resolution_failed")
}

func TestUnreachableToIncomplete(t *testing.T) {
	f := newFixture()
	n := toUnreachable(t, f)
	n.multicastSolicit(9, f.now)
	expect(t, f.rec.take(), "UNREACHABLE→INCOMPLETE multicast_ns")
}

func TestProbeToReachable(t *testing.T) {
	f := newFixture()
	n := toProbe(t, f)
	n.advert(5, f.now, true, false, false, macB, false)
	expect(t, f.rec.take(), "PROBE→REACHABLE solicited_na")
}

func TestDelayToProbeOnUnicastProbe(t *testing.T) {
	f := newFixture()
	n := toDelay(t, f)
	n.unicastSolicit(4, f.now)
	expect(t, f.rec.take(), "DELAY→PROBE unicast_probe")
}

func TestReachableProbeInfersStaleAndDelay(t *testing.T) {
	f := newFixture()
	n := toReachable(t, f)
	f.wait(5 * time.Second)
	n.sent(3, f.now)
	f.wait(time.Second)
	n.unicastSolicit(4, f.now)
	expect(t, f.rec.take(), "REACHABLE→STALE stale_inferred", "STALE→DELAY delay_inferred", "DELAY→PROBE unicast_probe")
}

func TestReachableToStaleOnDifferentAddressWithoutOverride(t *testing.T) {
	f := newFixture()
	n := toReachable(t, f)
	other := analyze.MAC{2, 0, 0, 0, 0, 0x66}
	if n.advert(3, f.now, false, false, false, other, true) {
		t.Error("the cached address changed without Override")
	}
	expect(t, f.rec.take(), "REACHABLE→STALE unsolicited_na")
	if n.lla != macB {
		t.Errorf("lladdr %v, want %v kept", n.lla, macB)
	}
}

func TestOverrideRewritesToStale(t *testing.T) {
	f := newFixture()
	n := toReachable(t, f)
	other := analyze.MAC{2, 0, 0, 0, 0, 0x66}
	if !n.advert(3, f.now, false, true, false, other, true) {
		t.Error("Override did not change the cached address")
	}
	expect(t, f.rec.take(), "REACHABLE→STALE override_na")
}

func TestNoneToStaleOnLearned(t *testing.T) {
	f := newFixture()
	n := f.neighbor()
	n.learned(1, f.now, macB, analyze.BasisObserved)
	expect(t, f.rec.take(), "→STALE learned_lladdr")
	n.learned(2, f.now, macB, analyze.BasisObserved) // same address: nothing changes
	expect(t, f.rec.take())
}

func TestUnsolicitedNAWithoutEntryIsDiscarded(t *testing.T) {
	f := newFixture()
	n := f.neighbor()
	n.advert(1, f.now, false, true, false, macB, true)
	expect(t, f.rec.take())
	if n.state != NeighborNone {
		t.Errorf("state %v, want none", n.state)
	}
}

// DAD (RFC 4862 §5.4).

func toTentative(t *testing.T, f *fixture) *address {
	t.Helper()
	a := &address{t: f.tr, id: "addr", key: addressKey{addr: netip.MustParseAddr("2001:db8::1"), node: macB}}
	a.dadSolicit(1, f.now)
	expect(t, f.rec.take(), "→TENTATIVE dad_ns")
	return a
}

// One probe (DupAddrDetectTransmits 1): DAD ends RetransTimer after it
// (RFC 4862 §5.1), and the observer shows it a quarter RetransTimer later,
// when a further probe sent late would have arrived (dadGrace).
func TestTentativeToPreferred(t *testing.T) {
	f := newFixture()
	toTentative(t, f)
	f.wait(1250*time.Millisecond - time.Nanosecond)
	expect(t, f.rec.take())
	f.wait(time.Nanosecond)
	expect(t, f.rec.take(), "TENTATIVE→PREFERRED dad_complete")
}

func TestTentativeToDuplicateOnNA(t *testing.T) {
	f := newFixture()
	a := toTentative(t, f)
	a.conflict(ReasonDADNA, 2, f.now, analyze.MAC{9})
	expect(t, f.rec.take(), "TENTATIVE→DUPLICATE dad_na")
	f.wait(time.Second) // the DAD timer must not fire any more
	expect(t, f.rec.take())
}

func TestTentativeToDuplicateOnNS(t *testing.T) {
	f := newFixture()
	a := toTentative(t, f)
	a.conflict(ReasonDADNS, 2, f.now, analyze.MAC{9})
	expect(t, f.rec.take(), "TENTATIVE→DUPLICATE dad_ns_conflict")
}

// Routers (RFC 4861 §6.3.4).

func TestRouterAdvertisingAndExpiry(t *testing.T) {
	f := newFixture()
	r := &router{t: f.tr, id: "rtr"}
	r.advertised(1, f.now, 10*time.Second)
	expect(t, f.rec.take(), "→ADVERTISING ra")
	f.wait(5 * time.Second)
	r.advertised(2, f.now, 10*time.Second) // refreshed: the lifetime starts again
	f.wait(9 * time.Second)
	expect(t, f.rec.take())
	f.wait(time.Second)
	expect(t, f.rec.take(), "ADVERTISING→EXPIRED lifetime_expired")
}

func TestRouterLifetimeZero(t *testing.T) {
	f := newFixture()
	r := &router{t: f.tr, id: "rtr"}
	r.advertised(1, f.now, 10*time.Second)
	r.advertised(2, f.now, 0)
	expect(t, f.rec.take(), "→ADVERTISING ra", "ADVERTISING→EXPIRED ra_lifetime_zero")
}

func TestPrefixExpiry(t *testing.T) {
	f := newFixture()
	p := &prefix{t: f.tr, id: "pfx", valid: 2}
	p.advertised(1, f.now)
	f.wait(2 * time.Second)
	expect(t, f.rec.take(), "→ADVERTISING ra", "ADVERTISING→EXPIRED lifetime_expired")
}
