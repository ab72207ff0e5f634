package mip6

import (
	"io"
	"net/netip"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/mip6"
)

type recorder struct {
	trs   []string
	codes []string
}

func (r *recorder) Transition(t *analyze.Transition) {
	r.trs = append(r.trs, t.From+"→"+t.To+" "+t.Reason.String())
}
func (r *recorder) Anomaly(a *analyze.Anomaly) { r.codes = append(r.codes, a.Code) }
func (r *recorder) Session(*analyze.Session)   {}

func (r *recorder) take() []string { t := r.trs; r.trs = nil; return t }

var t0 = time.Unix(1_800_000_000, 0)

// fixture hands Mobility Headers to a tracker on a manual clock.
type fixture struct {
	e     *analyze.Engine
	tr    *Tracker
	rec   *recorder
	now   time.Time
	frame int
}

func newFixture() *fixture {
	rec := &recorder{}
	e := analyze.New(rec)
	e.Clock.Advance(t0)
	tr := New(e, Config{})
	e.Add(tr)
	return &fixture{e: e, tr: tr, rec: rec, now: t0}
}

func (f *fixture) wait(d time.Duration) { f.now = f.now.Add(d); f.e.Clock.Advance(f.now) }

func (f *fixture) send(m mip6.Mobility) {
	f.frame++
	f.tr.handle(&analyze.Packet{Frame: f.frame, Time: f.now}, &m)
}

var (
	hoa = netip.MustParseAddr("2001:db8:10:1::100")
	coa = netip.MustParseAddr("2001:db8:20:1::100")
	ha  = netip.MustParseAddr("2001:db8:10:1::2")
	cn  = netip.MustParseAddr("2001:db8:30:1::10")
)

// bu is a home registration BU (A and H flags) with lifetime in 4 s units.
func bu(seq uint16, lifetime uint16) mip6.Mobility {
	return mip6.Mobility{Type: mip6.TypeBU, Sequence: uint32(seq), Flags: mip6.BUFlagA | mip6.BUFlagH, Lifetime: lifetime, Src: coa, Dst: ha, HoA: hoa}
}

func ba(seq uint16, status uint8, lifetime uint16) mip6.Mobility {
	return mip6.Mobility{Type: mip6.TypeBA, Sequence: uint32(seq), Status: status, Lifetime: lifetime, Src: ha, Dst: coa, FinalDst: hoa}
}

func expect(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("transitions\n got %q\nwant %q", got, want)
	}
}

func (f *fixture) binding() *binding { return &f.tr.bindings.Peek(pairKey{hoa, ha}).Val }

// Chaining helpers (RFC 6275 §9.5, §11.7).

func toRegistering(t *testing.T, f *fixture) {
	t.Helper()
	f.send(bu(1000, 30))
	expect(t, f.rec.take(), "→REGISTERING binding_update")
}

func toBound(t *testing.T, f *fixture) {
	t.Helper()
	toRegistering(t, f)
	f.send(ba(1000, 0, 15))
	expect(t, f.rec.take(), "REGISTERING→BOUND binding_ack")
}

func toRefreshing(t *testing.T, f *fixture) {
	t.Helper()
	toBound(t, f)
	f.send(bu(1001, 30))
	expect(t, f.rec.take(), "BOUND→REFRESHING binding_update")
}

func toRejected(t *testing.T, f *fixture) {
	t.Helper()
	toBound(t, f)
	f.send(bu(1, 30)) // after a restart: behind 1000 modulo 2^16
	expect(t, f.rec.take(), "BOUND→REFRESHING binding_update")
	f.send(ba(1000, 135, 0)) // carries the last accepted seq
	expect(t, f.rec.take(), "REFRESHING→REJECTED binding_ack_rejected")
	if b := f.binding(); b.nextSeq != 1001 {
		t.Errorf("next seq %d, want 1001", b.nextSeq)
	}
	if !slices.Contains(f.rec.codes, "mip6.sequence_backwards") {
		t.Errorf("anomalies %q, want mip6.sequence_backwards", f.rec.codes)
	}
}

func toDeregistering(t *testing.T, f *fixture) {
	t.Helper()
	toBound(t, f)
	f.send(bu(1001, 0))
	expect(t, f.rec.take(), "BOUND→DEREGISTERING deregistration_update")
}

func TestNoneToRegistering(t *testing.T)    { toRegistering(t, newFixture()) }
func TestRegisteringToBound(t *testing.T)   { toBound(t, newFixture()) }
func TestBoundToRefreshing(t *testing.T)    { toRefreshing(t, newFixture()) }
func TestRefreshingToRejected(t *testing.T) { toRejected(t, newFixture()) }
func TestBoundToDeregistering(t *testing.T) { toDeregistering(t, newFixture()) }

func TestRefreshingToBound(t *testing.T) {
	f := newFixture()
	toRefreshing(t, f)
	f.send(ba(1001, 0, 15))
	expect(t, f.rec.take(), "REFRESHING→BOUND binding_ack")
}

func TestRejectedToRegisteringOnRetry(t *testing.T) {
	f := newFixture()
	toRejected(t, f)
	f.send(bu(1001, 30))
	expect(t, f.rec.take(), "REJECTED→REGISTERING binding_update")
	f.send(ba(1001, 0, 15))
	expect(t, f.rec.take(), "REGISTERING→BOUND binding_ack")
}

func TestDeregisteringToDeregistered(t *testing.T) {
	f := newFixture()
	toDeregistering(t, f)
	f.send(ba(1001, 0, 0))
	expect(t, f.rec.take(), "DEREGISTERING→DEREGISTERED binding_ack")
	f.wait(time.Hour) // no lifetime left to expire
	expect(t, f.rec.take())
}

func TestBoundToExpired(t *testing.T) {
	f := newFixture()
	toBound(t, f)
	f.wait(59 * time.Second)
	expect(t, f.rec.take())
	f.wait(time.Second) // the BA granted 15 × 4 s
	expect(t, f.rec.take(), "BOUND→EXPIRED lifetime_expired")
}

func TestRefreshMovesExpiry(t *testing.T) {
	f := newFixture()
	toRefreshing(t, f)
	f.wait(30 * time.Second)
	f.send(ba(1001, 0, 15))
	f.rec.take()
	f.wait(40 * time.Second) // 70 s after the first BA, 40 s after the refresh
	expect(t, f.rec.take())
}

func TestCorrespondentWithoutAckIsBound(t *testing.T) {
	f := newFixture()
	m := bu(2000, 30)
	m.Flags, m.Dst = 0, cn
	f.send(m)
	expect(t, f.rec.take(), "→REGISTERING binding_update", "REGISTERING→BOUND no_ack_requested")
}

func TestBUWithoutBA(t *testing.T) {
	f := newFixture()
	toRegistering(t, f)
	f.wait(InitialBindackTimeoutFirstReg)
	if !slices.Equal(f.rec.codes, []string{"mip6.bu_without_ba"}) {
		t.Errorf("anomalies %q, want mip6.bu_without_ba", f.rec.codes)
	}
}

func TestBAWithoutBU(t *testing.T) {
	f := newFixture()
	toBound(t, f)
	f.send(ba(1000, 0, 15)) // answered already
	if !slices.Equal(f.rec.codes, []string{"mip6.ba_without_bu"}) {
		t.Errorf("anomalies %q, want mip6.ba_without_bu", f.rec.codes)
	}
}

func TestSeqLess(t *testing.T) {
	for _, c := range []struct {
		a, b uint16
		less bool
	}{
		{1000, 1001, true}, {1001, 1000, false}, {5, 5, false},
		{65535, 0, true}, {65000, 100, true}, // wraps (RFC 6275 §9.5.1)
		{1001, 1, false}, {0, 32767, true}, {0, 32768, false},
	} {
		if got := seqLess(c.a, c.b); got != c.less {
			t.Errorf("seqLess(%d, %d) = %v, want %v", c.a, c.b, got, c.less)
		}
	}
}

// Return routability (RFC 6275 §5.2.5).

func TestReturnRoutabilityToComplete(t *testing.T) {
	f := newFixture()
	toBound(t, f) // coa → hoa known
	hc, cc := [8]byte{1}, [8]byte{2}
	f.send(mip6.Mobility{Type: mip6.TypeHoTI, Src: hoa, Dst: cn, Cookie: hc})
	expect(t, f.rec.take(), "→HOTI_SENT home_test_init")
	f.send(mip6.Mobility{Type: mip6.TypeCoTI, Src: coa, Dst: cn, Cookie: cc})
	expect(t, f.rec.take(), "HOTI_SENT→COTI_SENT careof_test_init")
	f.send(mip6.Mobility{Type: mip6.TypeCoT, Src: cn, Dst: coa, Cookie: cc, NonceIndex: 7})
	expect(t, f.rec.take())
	f.send(mip6.Mobility{Type: mip6.TypeHoT, Src: cn, Dst: hoa, Cookie: [8]byte{9}}) // wrong cookie
	expect(t, f.rec.take())
	if !slices.Contains(f.rec.codes, "mip6.test_without_init") {
		t.Errorf("anomalies %q, want mip6.test_without_init", f.rec.codes)
	}
	f.send(mip6.Mobility{Type: mip6.TypeHoT, Src: cn, Dst: hoa, Cookie: hc, NonceIndex: 7})
	expect(t, f.rec.take(), "COTI_SENT→COMPLETE tokens_known")
}

// TestAuthenticatorMismatch feeds the bundled capture with one bit of the
// first route optimisation BU's authenticator flipped (frame 11): it no
// longer verifies with Kbm from the Home and Care-of Tests.
func TestAuthenticatorMismatch(t *testing.T) {
	r, err := capture.Open(filepath.Join("..", "..", "pcaps", "mipv6-nemo.pcapng"))
	if err != nil {
		t.Skipf("no bundled capture: %v", err)
	}
	defer r.Close()
	rec := &recorder{}
	e := analyze.New(rec)
	e.Add(New(e, Config{}))
	d := decode.New()
	var (
		fr      capture.Frame
		decoded []gopacket.LayerType
	)
	for {
		if err := r.Next(&fr); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if fr.Number == 11 {
			fr.Data = slices.Clone(fr.Data)
			fr.Data[len(fr.Data)-1] ^= 1 // the authenticator ends the frame
		}
		_ = d.Fast(&fr, &decoded)
		e.Observe(&fr, decoded, d)
	}
	if !slices.Contains(rec.codes, "mip6.authenticator_mismatch") {
		t.Errorf("anomalies %q, want mip6.authenticator_mismatch", rec.codes)
	}
}
