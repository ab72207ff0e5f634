package ikev2

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

// recorder keeps transitions as "FROM→TO reason basis" and anomaly codes.
type recorder struct {
	trs      []string
	codes    []string
	sessions map[string]analyze.Session
}

func (r *recorder) Transition(t *analyze.Transition) {
	r.trs = append(r.trs, t.Kind+" "+t.From+"→"+t.To+" "+t.Reason.String()+" "+t.Basis.String())
}
func (r *recorder) Anomaly(a *analyze.Anomaly) { r.codes = append(r.codes, a.Code) }
func (r *recorder) Session(s *analyze.Session) {
	c := *s
	c.Attrs = append([]analyze.Attr(nil), s.Attrs...)
	r.sessions[s.ID] = c
}
func (r *recorder) take() []string { t := r.trs; r.trs = nil; return t }

var t0 = time.Unix(1_800_000_000, 0)

// fixture feeds hand-built IKEv2 messages (raw IPv6, UDP) to a tracker on
// a manual clock: each frame's time is the fixture's now.
type fixture struct {
	e       *analyze.Engine
	tr      *Tracker
	rec     *recorder
	d       *decode.Decoder
	now     time.Time
	n       int
	decoded []gopacket.LayerType
	ispi    [8]byte
	rspi    [8]byte
	ini     netip.AddrPort
	res     netip.AddrPort
}

func newFixture() *fixture {
	rec := &recorder{sessions: map[string]analyze.Session{}}
	e := analyze.New(rec)
	e.Clock.Advance(t0)
	tr := New(e, Config{})
	e.Add(tr)
	return &fixture{e: e, tr: tr, rec: rec, d: decode.New(), now: t0,
		ispi: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, rspi: [8]byte{9, 10, 11, 12, 13, 14, 15, 16},
		ini: netip.MustParseAddrPort("[2001:db8::a]:500"), res: netip.MustParseAddrPort("[2001:db8::b]:500")}
}

func (f *fixture) wait(d time.Duration) { f.now = f.now.Add(d); f.e.Clock.Advance(f.now) }

// payload is one payload of a hand-built message.
type payload struct {
	typ  uint8
	body []byte
}

func notifyP(typ uint16, data []byte) payload {
	b := make([]byte, 4, 4+len(data))
	binary.BigEndian.PutUint16(b[2:], typ)
	return payload{PayloadNotifyT, append(b, data...)}
}

// PayloadNotifyT and friends: payload types (RFC 7296 §3.2).
const (
	PayloadNotifyT = 41
	PayloadSAT     = 33
	PayloadKET     = 34
	PayloadSKT     = 46
)

// sk is an Encrypted payload of n bytes of "ciphertext" (IV, data, ICV),
// which without keys nobody can read.
func sk(n int) payload { return payload{PayloadSKT, make([]byte, n)} }

// send feeds one IKE message. fromInit: sent by the original initiator;
// resp: the R flag.
func (f *fixture) send(exch uint8, mid uint32, fromInit, resp bool, rspi [8]byte, ps ...payload) {
	f.n++
	var msg []byte
	msg = append(msg, f.ispi[:]...)
	msg = append(msg, rspi[:]...)
	next := byte(0)
	if len(ps) > 0 {
		next = ps[0].typ
	}
	flags := byte(0)
	if fromInit {
		flags |= 0x08
	}
	if resp {
		flags |= 0x20
	}
	msg = append(msg, next, 0x20, exch, flags, 0, 0, 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(msg[20:], mid)
	for i, p := range ps {
		nx := byte(0)
		if i+1 < len(ps) {
			nx = ps[i+1].typ
		}
		h := []byte{nx, 0, 0, 0}
		binary.BigEndian.PutUint16(h[2:], uint16(4+len(p.body)))
		msg = append(msg, h...)
		msg = append(msg, p.body...)
	}
	binary.BigEndian.PutUint32(msg[24:], uint32(len(msg)))
	src, dst := f.ini, f.res
	if !fromInit {
		src, dst = dst, src
	}
	if src.Port() == 4500 {
		msg = append([]byte{0, 0, 0, 0}, msg...) // Non-ESP Marker (RFC 3948 §2.2)
	}
	udp := make([]byte, 8, 8+len(msg))
	binary.BigEndian.PutUint16(udp[0:], src.Port())
	binary.BigEndian.PutUint16(udp[2:], dst.Port())
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(msg)))
	udp = append(udp, msg...)
	b := make([]byte, 40, 40+len(udp))
	b[0], b[6], b[7] = 0x60, 17, 64
	binary.BigEndian.PutUint16(b[4:], uint16(len(udp)))
	s, d := src.Addr().As16(), dst.Addr().As16()
	copy(b[8:], s[:])
	copy(b[24:], d[:])
	b = append(b, udp...)
	fr := capture.Frame{Number: f.n, Time: f.now, LinkType: capture.LinkIPv6, Data: b, CapLen: len(b), OrigLen: len(b)}
	_ = f.d.Fast(&fr, &f.decoded)
	f.e.Observe(&fr, f.decoded, f.d)
}

func expect(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("transitions\n got %q\nwant %q", got, want)
	}
}

var zero [8]byte

// natPayloads are correct NAT_DETECTION notifications for a message from
// src to dst (RFC 7296 §2.23).
func (f *fixture) natPayloads(rspi [8]byte, src, dst netip.AddrPort) []payload {
	s, d := natHash(f.ispi, rspi, src), natHash(f.ispi, rspi, dst)
	return []payload{notifyP(notifyNATSource, s[:]), notifyP(notifyNATDest, d[:])}
}

// saESP is an SA payload choosing AES-CBC-128 and HMAC-SHA2-256-128.
func saP() payload {
	xf := func(last, typ byte, id uint16) []byte {
		b := []byte{last, 0, 0, 8, typ, 0, 0, 0}
		binary.BigEndian.PutUint16(b[6:], id)
		return b
	}
	prop := []byte{0, 0, 0, 0, 1, protoIKE, 0, 2}
	prop = append(prop, xf(3, xformTypeEncr, 12)...)
	prop = append(prop, xf(0, xformTypeInt, 12)...)
	binary.BigEndian.PutUint16(prop[2:], uint16(len(prop)))
	return payload{PayloadSAT, prop}
}

func keP(group uint16) payload {
	b := make([]byte, 4+32)
	binary.BigEndian.PutUint16(b, group)
	return payload{PayloadKET, b}
}

// The chain of helpers: each brings an SA to a state and checks the
// transitions that got it there.

func toInitSent(t *testing.T, f *fixture) {
	t.Helper()
	f.send(exIKESAInit, 0, true, false, zero, append([]payload{saP(), keP(31)}, f.natPayloads(zero, f.ini, f.res)...)...)
	expect(t, f.rec.take(), "ike_sa →INIT_SENT init_request observed")
}

func toInitDone(t *testing.T, f *fixture) {
	t.Helper()
	toInitSent(t, f)
	f.wait(10 * time.Millisecond)
	f.send(exIKESAInit, 0, false, true, f.rspi, append([]payload{saP(), keP(31)}, f.natPayloads(f.rspi, f.res, f.ini)...)...)
	expect(t, f.rec.take(), "ike_sa INIT_SENT→INIT_DONE init_response observed")
}

func toAuthSent(t *testing.T, f *fixture) {
	t.Helper()
	toInitDone(t, f)
	f.ini, f.res = netip.AddrPortFrom(f.ini.Addr(), 4500), netip.AddrPortFrom(f.res.Addr(), 4500)
	f.send(exIKEAuth, 1, true, false, f.rspi, sk(300))
	expect(t, f.rec.take(), "ike_sa INIT_DONE→AUTH_SENT auth_request observed")
}

func toEstablished(t *testing.T, f *fixture) {
	t.Helper()
	toAuthSent(t, f)
	f.wait(10 * time.Millisecond)
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(250))
	expect(t, f.rec.take(), "ike_sa AUTH_SENT→ESTABLISHED auth_response inferred")
}

func (f *fixture) sa() *sa { return &f.tr.sas.Peek(f.ispi).Val }

func TestNoneToInitSent(t *testing.T)     { toInitSent(t, newFixture()) }
func TestInitSentToInitDone(t *testing.T) { toInitDone(t, newFixture()) }
func TestInitDoneToAuthSent(t *testing.T) { toAuthSent(t, newFixture()) }

func TestAuthSentToEstablished(t *testing.T) {
	f := newFixture()
	toEstablished(t, f)
	s := f.sa()
	if s.natText() != "none" || s.floatFrame != 3 {
		t.Errorf("nat %q float %d, want none and frame 3", s.natText(), s.floatFrame)
	}
}

func TestInitSentToInitRetryOnCookie(t *testing.T) {
	f := newFixture()
	toInitSent(t, f)
	f.send(exIKESAInit, 0, false, true, zero, notifyP(notifyCookie, []byte("cookie-cookie")))
	expect(t, f.rec.take(), "ike_sa INIT_SENT→INIT_RETRY cookie observed")
	f.send(exIKESAInit, 0, true, false, zero, notifyP(notifyCookie, []byte("cookie-cookie")), saP(), keP(31))
	expect(t, f.rec.take(), "ike_sa INIT_RETRY→INIT_SENT init_retry observed")
	if len(f.rec.codes) != 0 {
		t.Errorf("a retry taken for %v", f.rec.codes)
	}
}

func TestInitSentToInitRetryOnInvalidKE(t *testing.T) {
	f := newFixture()
	toInitSent(t, f)
	f.send(exIKESAInit, 0, false, true, zero, notifyP(notifyInvalidKE, []byte{0, 31}))
	expect(t, f.rec.take(), "ike_sa INIT_SENT→INIT_RETRY invalid_ke observed")
	if f.sa().retry != "INVALID_KE_PAYLOAD (wants Curve25519)" {
		t.Errorf("retry %q", f.sa().retry)
	}
}

func TestInitSentToFailedOnNoProposal(t *testing.T) {
	f := newFixture()
	toInitSent(t, f)
	f.send(exIKESAInit, 0, false, true, zero, notifyP(notifyNoProposal, nil))
	expect(t, f.rec.take(), "ike_sa INIT_SENT→FAILED error_notify observed")
	if f.sa().failNotify != "NO_PROPOSAL_CHOSEN" {
		t.Errorf("failed by %q", f.sa().failNotify)
	}
}

func TestAuthSentToFailedOnShortResponse(t *testing.T) {
	f := newFixture()
	toAuthSent(t, f)
	// 4 + IV 16 + one block 16 + ICV 16: room for one small notification.
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(48))
	expect(t, f.rec.take(), "ike_sa AUTH_SENT→FAILED short_auth_response inferred")
}

func TestInitDoneIsHalfOpenAtTheEnd(t *testing.T) {
	f := newFixture()
	toInitDone(t, f)
	f.e.Finish()
	if !slices.Contains(f.rec.codes, "ikev2.half_open") {
		t.Errorf("anomalies %v, want ikev2.half_open", f.rec.codes)
	}
}

// ESP between the peers after IKE_AUTH is its Child SA (without keys).
func (f *fixture) esp(fromInit bool, spi uint32) {
	f.n++
	src, dst := f.ini, f.res
	if !fromInit {
		src, dst = dst, src
	}
	pl := make([]byte, 8+8+32)
	binary.BigEndian.PutUint16(pl[0:], src.Port())
	binary.BigEndian.PutUint16(pl[2:], dst.Port())
	binary.BigEndian.PutUint16(pl[4:], uint16(len(pl)))
	binary.BigEndian.PutUint32(pl[8:], spi)
	binary.BigEndian.PutUint32(pl[12:], 1)
	b := make([]byte, 40, 40+len(pl))
	b[0], b[6], b[7] = 0x60, 17, 64
	binary.BigEndian.PutUint16(b[4:], uint16(len(pl)))
	s, d := src.Addr().As16(), dst.Addr().As16()
	copy(b[8:], s[:])
	copy(b[24:], d[:])
	b = append(b, pl...)
	fr := capture.Frame{Number: f.n, Time: f.now, LinkType: capture.LinkIPv6, Data: b, CapLen: len(b), OrigLen: len(b)}
	_ = f.d.Fast(&fr, &f.decoded)
	f.e.Observe(&fr, f.decoded, f.d)
}

func toChildInstalled(t *testing.T, f *fixture) {
	t.Helper()
	toEstablished(t, f)
	f.wait(10 * time.Millisecond)
	f.esp(true, 0xaaaa0001)
	expect(t, f.rec.take(), "child_sa →INSTALLED esp_seen inferred")
	f.esp(false, 0xbbbb0001)
	expect(t, f.rec.take())
}

func TestESPInstallsChild(t *testing.T) {
	f := newFixture()
	toChildInstalled(t, f)
	c := f.sa().children[0]
	if c.toR != 0xaaaa0001 || c.toI != 0xbbbb0001 {
		t.Errorf("child SPIs %08x/%08x", c.toI, c.toR)
	}
}

// A CREATE_CHILD_SA, a delete-like INFORMATIONAL right after, new ESP
// SPIs: a child rekey (inferred).
func TestChildInstalledToRekeyed(t *testing.T) {
	f := newFixture()
	toChildInstalled(t, f)
	f.wait(time.Second)
	f.send(exCreateChildSA, 2, true, false, f.rspi, sk(200))
	f.send(exCreateChildSA, 2, false, true, f.rspi, sk(200))
	f.send(exInformational, 3, true, false, f.rspi, sk(52))
	f.send(exInformational, 3, false, true, f.rspi, sk(52))
	expect(t, f.rec.take())
	f.esp(true, 0xaaaa0002)
	expect(t, f.rec.take(), "child_sa →INSTALLED esp_seen inferred", "child_sa INSTALLED→REKEYED child_rekey inferred")
}

// An empty-looking INFORMATIONAL after an idle spell is a DPD; at the end
// the SA is still established.
func TestDPDKeepsEstablished(t *testing.T) {
	f := newFixture()
	toEstablished(t, f)
	f.wait(5 * time.Second)
	f.send(exInformational, 2, true, false, f.rspi, sk(52))
	f.send(exInformational, 2, false, true, f.rspi, sk(52))
	f.e.Finish()
	expect(t, f.rec.take())
	if f.sa().lastKind != kDPD {
		t.Errorf("last kind %v, want dpd", xkindNames[f.sa().lastKind])
	}
}

// One sent while traffic flows is a Delete: the SA ends DELETED with its
// Child SAs.
func TestEstablishedToDeletedInferred(t *testing.T) {
	f := newFixture()
	toChildInstalled(t, f)
	f.wait(100 * time.Millisecond)
	f.send(exInformational, 2, true, false, f.rspi, sk(52))
	f.send(exInformational, 2, false, true, f.rspi, sk(52))
	f.e.Finish()
	expect(t, f.rec.take(), "ike_sa ESTABLISHED→DELETED delete inferred", "child_sa INSTALLED→DELETED parent_deleted inferred")
}

// A CREATE_CHILD_SA, a Delete, then a new IKE SA whose first message has
// Message ID 0: an IKE SA rekey (inferred).
func TestEstablishedToRekeyingToDeleted(t *testing.T) {
	f := newFixture()
	toEstablished(t, f)
	f.wait(time.Second)
	f.send(exCreateChildSA, 2, true, false, f.rspi, sk(150))
	f.send(exCreateChildSA, 2, false, true, f.rspi, sk(150))
	f.send(exInformational, 3, true, false, f.rspi, sk(52))
	f.send(exInformational, 3, false, true, f.rspi, sk(52))
	expect(t, f.rec.take())
	old := f.ispi
	f.ispi, f.rspi = [8]byte{0xee, 1}, [8]byte{0xee, 2}
	f.wait(2 * time.Second)
	f.send(exInformational, 0, true, false, f.rspi, sk(52))
	expect(t, f.rec.take(), "ike_sa →ESTABLISHED rekeyed inferred", "ike_sa ESTABLISHED→REKEYING rekey_request inferred", "ike_sa REKEYING→DELETED delete inferred")
	if f.sa().rekeyOf != spiHex(old) {
		t.Errorf("rekey_of %q", f.sa().rekeyOf)
	}
}

// A request sent three times and never answered: the peer is dead.
func TestEstablishedToFailedWhenUnanswered(t *testing.T) {
	f := newFixture()
	toEstablished(t, f)
	for i := 0; i < 3; i++ {
		f.wait(2 * time.Second)
		f.send(exInformational, 2, true, false, f.rspi, sk(52))
	}
	f.e.Finish()
	expect(t, f.rec.take(), "ike_sa ESTABLISHED→FAILED unresponsive inferred")
	if n := f.sa().retransmits; n != 2 {
		t.Errorf("retransmissions %d, want 2", n)
	}
}

// Message ID anomalies (RFC 7296 §2.2).
func TestMessageIDAnomalies(t *testing.T) {
	f := newFixture()
	toEstablished(t, f)
	f.send(exInformational, 5, true, false, f.rspi, sk(52)) // 2, 3, 4 skipped
	f.send(exInformational, 3, true, false, f.rspi, sk(52)) // back
	f.send(exInformational, 9, false, true, f.rspi, sk(52)) // to nothing
	want := []string{"ikev2.msgid_gap", "ikev2.msgid_reuse", "ikev2.response_without_request"}
	if !slices.Equal(f.rec.codes, want) {
		t.Errorf("anomalies %v, want %v", f.rec.codes, want)
	}
}

// NAT detection (RFC 7296 §2.23): the initiator's source hash over an
// address behind a NAT, and the packet seen outside it.
func TestNATDetection(t *testing.T) {
	f := newFixture()
	inside := netip.MustParseAddrPort("[fd00::a]:500")
	ps := append([]payload{saP(), keP(31)}, f.natPayloads(zero, inside, f.res)...)
	f.send(exIKESAInit, 0, true, false, zero, ps...)
	s := f.sa()
	if s.natText() != "initiator" || s.nat[1].verdict() != "no NAT" {
		t.Errorf("nat %q, responder %q", s.natText(), s.nat[1].verdict())
	}
}
