package mld

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/mld"
)

type recorder struct{ trs []string }

func (r *recorder) Transition(t *analyze.Transition) {
	r.trs = append(r.trs, t.From+"→"+t.To+" "+t.Reason.String())
}
func (r *recorder) Anomaly(*analyze.Anomaly) {}
func (r *recorder) Session(*analyze.Session) {}

func (r *recorder) take() []string { t := r.trs; r.trs = nil; return t }

var t0 = time.Unix(1_800_000_000, 0)

type fixture struct {
	e   *analyze.Engine
	tr  *Tracker
	rec *recorder
	now time.Time
}

func newFixture() *fixture {
	rec := &recorder{}
	e := analyze.New(rec)
	e.Clock.Advance(t0)
	return &fixture{e: e, tr: New(e, Config{}), rec: rec, now: t0}
}

func (f *fixture) wait(d time.Duration) { f.now = f.now.Add(d); f.e.Clock.Advance(f.now) }

// MALI with the defaults of RFC 3810 §9: 2 × 125 s + 10 s.
const mali = 260 * time.Second

func (f *fixture) record(g *group, typ uint8, srcs ...netip.Addr) {
	g.record(typ, srcs, f.now, mali)
	g.settle(ReasonReport, analyze.BasisObserved, 1, f.now, 1)
}

func expect(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("transitions\n got %q\nwant %q", got, want)
	}
}

var s1, s2 = netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")

func (f *fixture) group() *group { return &group{t: f.tr, id: "g"} }

func toExclude(t *testing.T, f *fixture) *group {
	t.Helper()
	g := f.group()
	f.record(g, mld.ChangeToExcludeMode)
	expect(t, f.rec.take(), "→EXCLUDE report")
	return g
}

func toInclude(t *testing.T, f *fixture) *group {
	t.Helper()
	g := f.group()
	f.record(g, mld.AllowNewSources, s1)
	expect(t, f.rec.take(), "→INCLUDE report")
	return g
}

func TestNoneToExclude(t *testing.T) { toExclude(t, newFixture()) }
func TestNoneToInclude(t *testing.T) { toInclude(t, newFixture()) }

func TestExcludeToNoListenersOnFilterTimer(t *testing.T) {
	f := newFixture()
	toExclude(t, f)
	f.wait(mali)
	expect(t, f.rec.take(), "EXCLUDE→NO_LISTENERS filter_timer")
}

func TestExcludeToIncludeKeepsRunningSources(t *testing.T) {
	f := newFixture()
	g := toExclude(t, f)
	f.wait(time.Second)
	f.record(g, mld.AllowNewSources, s2) // (A)=MALI: outlives the Filter Timer
	f.wait(mali - time.Second)
	expect(t, f.rec.take(), "EXCLUDE→INCLUDE filter_timer")
	if len(g.sources) != 1 || g.sources[0].addr != s2 {
		t.Errorf("sources %v, want [%v]", g.sources, s2)
	}
}

func TestIncludeToNoListenersOnSourceTimer(t *testing.T) {
	f := newFixture()
	toInclude(t, f)
	f.wait(mali)
	expect(t, f.rec.take(), "INCLUDE→NO_LISTENERS source_timer")
}

func TestIncludeToExcludeOnToEx(t *testing.T) {
	f := newFixture()
	g := toInclude(t, f)
	f.record(g, mld.ChangeToExcludeMode, s2)
	expect(t, f.rec.take(), "INCLUDE→EXCLUDE report")
}

func TestSpecificQueryLowersFilterTimer(t *testing.T) {
	f := newFixture()
	g := toExclude(t, f)
	g.lower(nil, f.now, 2*time.Second) // LLQT
	g.settle(ReasonQuery, analyze.BasisObserved, 2, f.now, 2)
	f.wait(2 * time.Second)
	expect(t, f.rec.take(), "EXCLUDE→NO_LISTENERS filter_timer")
}

// Querier election (RFC 3810 §7.6.2).

func (f *fixture) query(src string, frame int) {
	p := &analyze.Packet{Frame: frame, Time: f.now}
	f.tr.elect(p, f.tr.link(p.Link), netip.MustParseAddr(src))
}

func TestLowerAddressWins(t *testing.T) {
	f := newFixture()
	f.query("fe80::31", 1)
	expect(t, f.rec.take(), "→QUERIER query")
	f.query("fe80::21", 2)
	expect(t, f.rec.take(), "QUERIER→OTHER_QUERIER_PRESENT lower_querier", "→QUERIER query")
	f.query("fe80::31", 3) // has not heard the lower one yet
	expect(t, f.rec.take())
}

func TestOtherQuerierPresentTimer(t *testing.T) {
	f := newFixture()
	f.query("fe80::31", 1)
	f.query("fe80::21", 2)
	f.rec.take()
	f.wait(2*125*time.Second + 5*time.Second) // OQPI = QRV × QI + QRI/2
	expect(t, f.rec.take(), "OTHER_QUERIER_PRESENT→QUERIER other_querier_present_timer", "QUERIER→OTHER_QUERIER_PRESENT other_querier_present_timer")
}
