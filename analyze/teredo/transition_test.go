package teredo

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
)

// recorder is a Sink that keeps transitions as "FROM→TO reason" and
// anomaly codes.
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

// fixture feeds hand-built frames (raw IPv4, UDP, Teredo) to a tracker on
// a manual clock: each frame's time is the fixture's now.
type fixture struct {
	e       *analyze.Engine
	tr      *Tracker
	rec     *recorder
	d       *decode.Decoder
	now     time.Time
	n       int
	decoded []gopacket.LayerType
}

func newFixture() *fixture {
	rec := &recorder{}
	e := analyze.New(rec)
	e.Clock.Advance(t0)
	tr := New(e, Config{})
	e.Add(tr)
	return &fixture{e: e, tr: tr, rec: rec, d: decode.New(), now: t0}
}

func (f *fixture) wait(d time.Duration) { f.now = f.now.Add(d); f.e.Clock.Advance(f.now) }

// send feeds one Teredo datagram from src to dst, seen on interface iface.
func (f *fixture) send(iface int, src, dst netip.AddrPort, teredo []byte) {
	f.n++
	udpLen := 8 + len(teredo)
	b := make([]byte, 20+udpLen)
	b[0], b[8], b[9] = 0x45, 64, 17 // version/IHL, TTL, UDP
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	s4, d4 := src.Addr().As4(), dst.Addr().As4()
	copy(b[12:], s4[:])
	copy(b[16:], d4[:])
	binary.BigEndian.PutUint16(b[20:], src.Port())
	binary.BigEndian.PutUint16(b[22:], dst.Port())
	binary.BigEndian.PutUint16(b[24:], uint16(udpLen))
	copy(b[28:], teredo)
	fr := capture.Frame{Number: f.n, Time: f.now, Interface: iface, LinkType: capture.LinkIPv4, Data: b, CapLen: len(b), OrigLen: len(b)}
	_ = f.d.Fast(&fr, &f.decoded)
	f.e.Observe(&fr, f.decoded, f.d)
}

// ipv6 returns an IPv6 packet with next header nh and payload.
func ipv6(src, dst netip.Addr, nh byte, payload []byte) []byte {
	b := make([]byte, 40, 40+len(payload))
	b[0], b[6], b[7] = 0x60, nh, 255
	binary.BigEndian.PutUint16(b[4:], uint16(len(payload)))
	s, d := src.As16(), dst.As16()
	copy(b[8:], s[:])
	copy(b[24:], d[:])
	return append(b, payload...)
}

// origin returns an origin indication for ep (RFC 4380 §5.1.1).
func origin(ep netip.AddrPort) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint16(b[2:], ^ep.Port())
	a := ep.Addr().As4()
	for i := range a {
		b[4+i] = ^a[i]
	}
	return b
}

var (
	server   = netip.MustParseAddrPort("203.0.113.1:3544")
	server2  = netip.MustParseAddrPort("203.0.113.2:3544")
	local    = netip.MustParseAddrPort("192.168.1.10:40001")
	mapping  = netip.MustParseAddrPort("198.51.100.11:61001")
	peerMap  = netip.MustParseAddrPort("198.51.100.22:40002")
	relay    = netip.MustParseAddrPort("198.51.100.33:40033")
	llCone   = netip.MustParseAddr("fe80::8000:ffff:ffff:ffff")
	llPlain  = netip.MustParseAddr("fe80::ffff:ffff:ffff")
	llServer = netip.MustParseAddr("fe80::8000:f227:34ff:8efe")
	allRtrs  = netip.MustParseAddr("ff02::2")
	native   = netip.MustParseAddr("2001:db8:64::100")
)

// teredoAddr builds the Teredo address of a client of server 203.0.113.1
// mapped at m (RFC 4380 §4).
func teredoAddr(m netip.AddrPort) netip.Addr {
	var b [16]byte
	b[0], b[1] = 0x20, 0x01
	s := server.Addr().As4()
	copy(b[4:], s[:])
	binary.BigEndian.PutUint16(b[10:], ^m.Port())
	a := m.Addr().As4()
	for i := range a {
		b[12+i] = ^a[i]
	}
	return netip.AddrFrom16(b)
}

func rs(cone bool) []byte {
	src := llPlain
	if cone {
		src = llCone
	}
	return ipv6(src, allRtrs, 58, []byte{133, 0, 0, 0, 0, 0, 0, 0})
}

func ra(dst netip.Addr, m netip.AddrPort) []byte {
	return append(origin(m), ipv6(llServer, dst, 58, []byte{134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})...)
}

func bubble(src, dst netip.Addr) []byte { return ipv6(src, dst, 59, nil) }

func echo(src, dst netip.Addr) []byte {
	return ipv6(src, dst, 58, []byte{128, 0, 0, 0, 0, 1, 0, 1})
}

func expect(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("transitions\n got %q\nwant %q", got, want)
	}
}

// Chaining helpers: client qualification (RFC 4380 §5.2.1).

func toQualifying(t *testing.T, f *fixture) {
	t.Helper()
	f.send(0, local, server, rs(false))
	expect(t, f.rec.take(), "→QUALIFYING router_solicitation")
}

func toQualified(t *testing.T, f *fixture) *client {
	t.Helper()
	toQualifying(t, f)
	f.send(0, server, local, ra(llPlain, mapping))
	expect(t, f.rec.take(), "QUALIFYING→QUALIFIED router_advertisement")
	c := f.tr.clientAt(local)
	if c == nil || c.nat != Restricted || c.mapping != mapping || c.local != local {
		t.Fatalf("client %+v: want restricted, mapped %v, local %v", c, mapping, local)
	}
	return c
}

func TestNoneToQualifying(t *testing.T) { toQualifying(t, newFixture()) }
func TestQualifyingToQualified(t *testing.T) {
	toQualified(t, newFixture())
}

func TestConeRSAnsweredFromSecondaryIsCone(t *testing.T) {
	f := newFixture()
	f.send(0, local, server, rs(true))
	expect(t, f.rec.take(), "→QUALIFYING router_solicitation")
	f.send(0, server2, local, ra(llCone, mapping))
	expect(t, f.rec.take(), "QUALIFYING→QUALIFIED router_advertisement")
	if c := f.tr.clientAt(local); c.nat != Cone || len(f.rec.codes) != 0 {
		t.Errorf("nat %v, anomalies %q; want cone and none", c.nat, f.rec.codes)
	}
}

func TestQualifyingToFailedOnTimeout(t *testing.T) {
	f := newFixture()
	toQualifying(t, f)
	f.wait(time.Second)
	f.send(0, local, server, rs(false)) // a retry moves nothing
	expect(t, f.rec.take())
	f.wait(11 * time.Second) // 3 × 4 s after the first
	expect(t, f.rec.take(), "QUALIFYING→FAILED qualification_timeout")
}

func TestConeFormUnansweredIsNotFailure(t *testing.T) {
	f := newFixture()
	f.send(0, local, server, rs(true))
	f.rec.take()
	f.wait(12 * time.Second)
	expect(t, f.rec.take())
	if c := f.tr.clientAt(local); !c.coneFailed || c.state != Qualifying {
		t.Errorf("cone test failed %v, state %v; want true, QUALIFYING", c.coneFailed, c.state)
	}
}

func TestQualifiedToFailedOnSymmetricNAT(t *testing.T) {
	f := newFixture()
	toQualified(t, f)
	f.send(0, local, server2, rs(false)) // the secondary server check
	f.send(0, server2, local, ra(llPlain, netip.MustParseAddrPort("198.51.100.11:61002")))
	expect(t, f.rec.take(), "QUALIFIED→FAILED secondary_mapping_differs")
}

func TestFailedToQualifyingOnRetry(t *testing.T) {
	f := newFixture()
	toQualifying(t, f)
	f.wait(12 * time.Second)
	f.rec.take()
	f.send(0, local, server, rs(false))
	expect(t, f.rec.take(), "FAILED→QUALIFYING router_solicitation")
}

func TestSameRSAfterTheNATIsOneClient(t *testing.T) {
	f := newFixture()
	toQualifying(t, f)
	f.send(1, mapping, server, rs(false)) // the same RS on the outside link
	f.send(1, server, mapping, ra(llPlain, mapping))
	expect(t, f.rec.take(), "QUALIFYING→QUALIFIED router_advertisement")
	f.send(0, server, local, ra(llPlain, mapping))
	expect(t, f.rec.take())
	if n := f.tr.clients.Len(); n != 1 {
		t.Errorf("%d clients, want 1", n)
	}
}

// Peer paths (RFC 4380 §5.2.4–§5.2.10).

func toBubbleSent(t *testing.T, f *fixture) *client {
	t.Helper()
	c := toQualified(t, f)
	f.send(0, local, peerMap, bubble(teredoAddr(mapping), teredoAddr(peerMap)))
	expect(t, f.rec.take(), "→BUBBLE_SENT bubble")
	return c
}

func TestNoneToBubbleSent(t *testing.T) { toBubbleSent(t, newFixture()) }

func TestBubbleSentToDirect(t *testing.T) {
	f := newFixture()
	toBubbleSent(t, f)
	f.send(0, peerMap, local, bubble(teredoAddr(peerMap), teredoAddr(mapping)))
	// The peer, seen sending from the Teredo address its mapping embeds, is
	// a client too (inferred), and its own path opens with this bubble.
	expect(t, f.rec.take(), "→QUALIFIED address_in_use", "→BUBBLE_SENT bubble", "BUBBLE_SENT→DIRECT from_peer")
}

func TestArrivalOutsideTheNATIsNotDelivery(t *testing.T) {
	f := newFixture()
	toBubbleSent(t, f)
	f.send(1, peerMap, mapping, bubble(teredoAddr(peerMap), teredoAddr(mapping)))
	expect(t, f.rec.take(), "→QUALIFIED address_in_use", "→BUBBLE_SENT bubble") // the peer's side only
}

func toTesting(t *testing.T, f *fixture) {
	t.Helper()
	toQualified(t, f)
	f.send(0, local, server, echo(teredoAddr(mapping), native))
	expect(t, f.rec.take(), "→TESTING connectivity_test")
}

func TestNoneToTesting(t *testing.T) { toTesting(t, newFixture()) }

func TestTestingToBubbleSentToViaRelay(t *testing.T) {
	f := newFixture()
	toTesting(t, f)
	relayLL := netip.MustParseAddr("fe80::4448:9a8c:4320:f0e1")
	// The relay's bubble through the server, then the client's to it.
	f.send(0, server, local, append(origin(relay), bubble(relayLL, teredoAddr(mapping))...))
	expect(t, f.rec.take())
	f.send(0, local, relay, bubble(teredoAddr(mapping), relayLL))
	expect(t, f.rec.take(), "TESTING→BUBBLE_SENT bubble")
	f.send(0, relay, local, echo(native, teredoAddr(mapping)))
	expect(t, f.rec.take(), "BUBBLE_SENT→VIA_RELAY via_relay")
}

// Anomalies.

func TestAnomalies(t *testing.T) {
	f := newFixture()
	toQualified(t, f)
	other := netip.MustParseAddrPort("198.51.100.99:5000")
	for _, c := range []struct {
		name string
		send func()
		code string
	}{
		{"bubble with payload", func() {
			f.send(1, peerMap, mapping, ipv6(teredoAddr(peerMap), teredoAddr(mapping), 59, []byte{1, 2, 3, 4, 5, 6, 7, 8}))
		}, "teredo.bubble_payload"},
		{"source does not match its mapping", func() {
			f.send(1, other, mapping, bubble(teredoAddr(peerMap), teredoAddr(mapping)))
		}, "teredo.mapping_mismatch"},
		{"origin indication not from the server", func() {
			f.send(1, other, mapping, append(origin(peerMap), bubble(teredoAddr(peerMap), teredoAddr(mapping))...))
		}, "teredo.origin_not_server"},
		{"address does not embed the mapping", func() {
			f.send(0, local, peerMap, bubble(teredoAddr(other), teredoAddr(peerMap)))
		}, "teredo.address_mismatch"},
		{"RA from another server", func() {
			f.send(0, local, server, rs(false))
			f.send(0, netip.MustParseAddrPort("203.0.113.66:3544"), local, ra(llPlain, mapping))
		}, "teredo.origin_not_server"},
	} {
		f.rec.codes = nil
		c.send()
		if !slices.Contains(f.rec.codes, c.code) {
			t.Errorf("%s: anomalies %q, want %s", c.name, f.rec.codes, c.code)
		}
	}
}
