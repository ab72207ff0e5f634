package ikev2

import (
	"encoding/binary"
	"encoding/hex"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	dike "github.com/v6scope/v6scope/decode/ikev2"
)

// recorder keeps transitions as "FROM→TO reason basis" and anomaly codes.
type recorder struct {
	trs      []string
	rs       []analyze.Reason // the reason of each transition in trs
	frames   []int            // the frame of each transition in trs
	last     []int            // the frames of the transitions take returned last
	lastRs   []analyze.Reason // their reasons
	codes    []string
	sessions map[string]analyze.Session
}

func (r *recorder) Transition(t *analyze.Transition) {
	r.trs = append(r.trs, t.Kind+" "+t.From+"→"+t.To+" "+t.Reason.String()+" "+t.Basis.String())
	r.rs = append(r.rs, t.Reason)
	r.frames = append(r.frames, t.Frame)
}

// viaHeader reports whether r rests on an Encrypted payload's clear
// header.
func viaHeader(r analyze.Reason) bool {
	x, ok := r.(Reason)
	return ok && x&ViaHeader != 0
}
func (r *recorder) Anomaly(a *analyze.Anomaly) { r.codes = append(r.codes, a.Code) }
func (r *recorder) Session(s *analyze.Session) {
	c := *s
	c.Attrs = append([]analyze.Attr(nil), s.Attrs...)
	r.sessions[s.ID] = c
}
func (r *recorder) take() []string {
	t := r.trs
	r.trs = nil
	if len(t) > 0 {
		r.last = r.frames
		r.lastRs = r.rs
	}
	r.frames, r.rs = nil, nil
	return t
}

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
	ipid    uint16 // the IPv4 Identification of the next message (IPv4 fixtures)
	last    []byte // the last message's frame
}

func newFixture() *fixture { return newFixtureWith(Config{}) }

func newFixtureWith(cfg Config) *fixture {
	rec := &recorder{sessions: map[string]analyze.Session{}}
	e := analyze.New(rec)
	e.Clock.Advance(t0)
	tr := New(e, cfg)
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
	// first: an Encrypted payload's Next Payload, the type of the first
	// payload inside it (RFC 7296 §3.14).
	first uint8
}

func notifyP(typ uint16, data []byte) payload {
	b := make([]byte, 4, 4+len(data))
	binary.BigEndian.PutUint16(b[2:], typ)
	return payload{typ: PayloadNotifyT, body: append(b, data...)}
}

// PayloadNotifyT and friends: payload types (RFC 7296 §3.2).
const (
	PayloadNotifyT = 41
	PayloadSAT     = 33
	PayloadKET     = 34
	PayloadSKT     = 46
)

// sk is an Encrypted payload of n bytes of "ciphertext" (IV, data, ICV),
// which without keys nobody can read; its clear Next Payload is 0, as
// for an empty message (a DPD).
func sk(n int) payload { return payload{typ: PayloadSKT, body: make([]byte, n)} }

// skFirst is an Encrypted payload of n unreadable bytes whose clear Next
// Payload names first as the first payload inside (RFC 7296 §3.14).
func skFirst(n int, first uint8) payload {
	return payload{typ: PayloadSKT, body: make([]byte, n), first: first}
}

// del is an encrypted INFORMATIONAL Delete as strongSwan sends it
// without keys: 52 bytes, a Delete first (RFC 7296 §1.4.1).
func del() payload { return skFirst(52, payloadDelete) }

// skf is fragment num of total of an Encrypted Fragment payload (RFC 7383
// §2.5) with n unreadable bytes; first is its Next Payload (0 on all but
// fragment 1).
func skf(num, total uint16, n int, first uint8) payload {
	b := make([]byte, 4+n)
	binary.BigEndian.PutUint16(b[0:], num)
	binary.BigEndian.PutUint16(b[2:], total)
	return payload{typ: payloadSKF, body: b, first: first}
}

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
		nx := p.first
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
	lt, b := f.ipPacket(src.Addr(), dst.Addr(), udp)
	f.last = b
	fr := capture.Frame{Number: f.n, Time: f.now, LinkType: lt, Data: b, CapLen: len(b), OrigLen: len(b)}
	_ = f.d.Fast(&fr, &f.decoded)
	f.e.Observe(&fr, f.decoded, f.d)
}

// ipPacket wraps a UDP datagram in an IPv6 header, or in an IPv4 header
// (RFC 791 §3.1) with the fixture's Identification when the addresses are
// IPv4 ones.
func (f *fixture) ipPacket(src, dst netip.Addr, udp []byte) (capture.LinkType, []byte) {
	if src.Is4() {
		b := make([]byte, 20, 20+len(udp))
		b[0], b[8], b[9] = 0x45, 64, 17
		binary.BigEndian.PutUint16(b[2:], uint16(20+len(udp)))
		binary.BigEndian.PutUint16(b[4:], f.ipid)
		s, d := src.As4(), dst.As4()
		copy(b[12:], s[:])
		copy(b[16:], d[:])
		return capture.LinkIPv4, append(b, udp...)
	}
	b := make([]byte, 40, 40+len(udp))
	b[0], b[6], b[7] = 0x60, 17, 64
	binary.BigEndian.PutUint16(b[4:], uint16(len(udp)))
	s, d := src.As16(), dst.As16()
	copy(b[8:], s[:])
	copy(b[24:], d[:])
	return capture.LinkIPv6, append(b, udp...)
}

// again feeds the last message's frame once more, byte for byte, at the
// fixture's now: a second copy in the capture, or a resend that kept
// every byte (and, over IPv4, the Identification).
func (f *fixture) again() {
	f.n++
	b := append([]byte(nil), f.last...)
	lt := capture.LinkIPv6
	if b[0]>>4 == 4 {
		lt = capture.LinkIPv4
	}
	fr := capture.Frame{Number: f.n, Time: f.now, LinkType: lt, Data: b, CapLen: len(b), OrigLen: len(b)}
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
	return payload{typ: PayloadSAT, body: prop}
}

func keP(group uint16) payload {
	b := make([]byte, 4+32)
	binary.BigEndian.PutUint16(b, group)
	return payload{typ: PayloadKET, body: b}
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

// toEstablished: without keys, an IKE_AUTH response may be followed by
// another round (EAP, RFC 7296 §2.16); the ESP of its Child SA shows it
// was the last, and the SA established at the response.
func toEstablished(t *testing.T, f *fixture) {
	t.Helper()
	toAuthSent(t, f)
	f.wait(10 * time.Millisecond)
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(250))
	expect(t, f.rec.take())
	resp := f.n
	f.wait(10 * time.Millisecond)
	f.esp(true, 0xaaaa0001)
	expect(t, f.rec.take(), "ike_sa AUTH_SENT→ESTABLISHED auth_response inferred", "child_sa →INSTALLED esp_seen inferred")
	if got := f.rec.last[0]; got != resp {
		t.Fatalf("ESTABLISHED at frame %d, want the response's %d", got, resp)
	}
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
	expect(t, f.rec.take()) // unless another IKE_AUTH round follows (EAP)
	f.e.Finish()
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
	lt, b := f.ipPacket(src.Addr(), dst.Addr(), pl)
	fr := capture.Frame{Number: f.n, Time: f.now, LinkType: lt, Data: b, CapLen: len(b), OrigLen: len(b)}
	_ = f.d.Fast(&fr, &f.decoded)
	f.e.Observe(&fr, f.decoded, f.d)
}

func toChildInstalled(t *testing.T, f *fixture) {
	t.Helper()
	toEstablished(t, f)
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
	f.send(exCreateChildSA, 2, true, false, f.rspi, skFirst(200, PayloadNotifyT))
	f.send(exCreateChildSA, 2, false, true, f.rspi, skFirst(200, PayloadSAT))
	f.send(exInformational, 3, true, false, f.rspi, del())
	f.send(exInformational, 3, false, true, f.rspi, del())
	expect(t, f.rec.take())
	f.esp(true, 0xaaaa0002)
	expect(t, f.rec.take(), "child_sa →INSTALLED esp_seen inferred", "child_sa INSTALLED→REKEYED child_rekey inferred")
	if !viaHeader(f.rec.lastRs[1]) {
		t.Errorf("the child rekey's explanation does not cite the clear header: %q", f.rec.lastRs[1].Explain())
	}
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

// A Delete as the last exchange: the SA ends DELETED with its Child SAs.
// The clear header shows a Delete, not which SA it names: inferred, with
// the header cited.
func TestEstablishedToDeletedInferred(t *testing.T) {
	f := newFixture()
	toChildInstalled(t, f)
	f.wait(100 * time.Millisecond)
	f.send(exInformational, 2, true, false, f.rspi, del())
	f.send(exInformational, 2, false, true, f.rspi, sk(52))
	f.e.Finish()
	expect(t, f.rec.take(), "ike_sa ESTABLISHED→DELETED delete inferred", "child_sa INSTALLED→DELETED parent_deleted inferred")
	for _, r := range f.rec.lastRs {
		if !viaHeader(r) || !strings.Contains(r.Explain(), "Next Payload, which is sent in the clear") {
			t.Errorf("%s: explanation %q", r, r.Explain())
		}
	}
}

// A CREATE_CHILD_SA, a Delete, then a new IKE SA whose first message has
// Message ID 0: an IKE SA rekey (inferred).
func TestEstablishedToRekeyingToDeleted(t *testing.T) {
	f := newFixture()
	toEstablished(t, f)
	f.wait(time.Second)
	f.send(exCreateChildSA, 2, true, false, f.rspi, skFirst(150, PayloadSAT))
	f.send(exCreateChildSA, 2, false, true, f.rspi, skFirst(150, PayloadSAT))
	f.send(exInformational, 3, true, false, f.rspi, del())
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

// Payload types (RFC 7296 §3.2) of the payloads inside Encrypted ones.
const (
	payloadIDi  = 35
	payloadIDr  = 36
	payloadAUTH = 39
	payloadTSi  = 44
	payloadTSr  = 45
	payloadEAP  = 48
	payloadDel  = 42
	payloadSKF  = 53
)

const payloadDelete = payloadDel

func plain(typ uint8, n int) payload { return payload{typ: typ, body: make([]byte, n)} }

// keyed gives the fixture's decoder keys for its IKE SA: NULL encryption
// (RFC 2410) and no integrity, so that an Encrypted payload is its
// plaintext followed by a zero Pad Length (RFC 7296 §3.14) and the test
// needs no cipher; the decoder reads it as it reads any decrypted one.
func (f *fixture) keyed(t *testing.T) {
	t.Helper()
	line := hex.EncodeToString(f.ispi[:]) + "," + hex.EncodeToString(f.rspi[:]) + `,,,"NULL [RFC2410]",,,"NONE [RFC4306]"` + "\n"
	k, err := dike.ReadKeyTable(strings.NewReader(line))
	if err != nil {
		t.Fatal(err)
	}
	f.d.SetIKEv2Keys(k)
}

// skIn is an Encrypted payload holding ps, readable with keyed's keys.
func skIn(ps ...payload) payload {
	var b []byte
	first := uint8(0)
	if len(ps) > 0 {
		first = ps[0].typ
	}
	for i, p := range ps {
		nx := byte(0)
		if i+1 < len(ps) {
			nx = ps[i+1].typ
		}
		h := []byte{nx, 0, 0, 0}
		binary.BigEndian.PutUint16(h[2:], uint16(4+len(p.body)))
		b = append(b, h...)
		b = append(b, p.body...)
	}
	return payload{typ: PayloadSKT, body: append(b, 0), first: first}
}

// childSAP is an SA payload proposing a Child SA of protocol proto (ESP
// or AH) with the SPI spi (RFC 7296 §3.3.1): AH carries only integrity.
func childSAP(proto uint8, spi uint32) payload {
	xf := func(last, typ byte, id uint16) []byte {
		b := []byte{last, 0, 0, 8, typ, 0, 0, 0}
		binary.BigEndian.PutUint16(b[6:], id)
		return b
	}
	prop := []byte{0, 0, 0, 0, 1, proto, 4, 1}
	prop = binary.BigEndian.AppendUint32(prop, spi)
	if proto == protoESP {
		prop[7] = 2
		prop = append(prop, xf(3, xformTypeEncr, 12)...)
	}
	prop = append(prop, xf(0, xformTypeInt, 12)...)
	binary.BigEndian.PutUint16(prop[2:], uint16(len(prop)))
	return payload{typ: PayloadSAT, body: prop}
}

func (f *fixture) session(id string) analyze.Session {
	f.e.Finish()
	return f.rec.sessions[id]
}

func attrOf(s analyze.Session, key string) any {
	for _, a := range s.Attrs {
		if a.Key == key {
			return a.Val
		}
	}
	return nil
}

// EAP without keys (RFC 7296 §2.16): three IKE_AUTH rounds, the middle
// response short (EAP Success carries 4 bytes). Neither the first
// response nor the short one settles the SA; the ESP after the last one
// shows it was the last, and the SA is established at that response.
func TestEAPRoundsWithoutKeys(t *testing.T) {
	f := newFixture()
	toAuthSent(t, f)
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(600)) // IDr, CERT, AUTH, EAP
	f.send(exIKEAuth, 2, true, false, f.rspi, sk(80))  // EAP
	f.send(exIKEAuth, 2, false, true, f.rspi, sk(48))  // EAP Success
	f.send(exIKEAuth, 3, true, false, f.rspi, sk(80))  // AUTH
	f.send(exIKEAuth, 3, false, true, f.rspi, sk(300)) // AUTH, SA, TSi, TSr
	last := f.n
	expect(t, f.rec.take())
	f.esp(true, 0xaaaa0001)
	expect(t, f.rec.take(), "ike_sa AUTH_SENT→ESTABLISHED auth_response inferred", "child_sa →INSTALLED esp_seen inferred")
	if f.rec.last[0] != last {
		t.Errorf("ESTABLISHED at frame %d, want %d (the last IKE_AUTH response)", f.rec.last[0], last)
	}
	if s := f.session(saID(f.ispi)); attrOf(s, "auth_rounds") != 3 || len(f.rec.codes) != 0 {
		t.Errorf("auth_rounds %v, anomalies %v", attrOf(s, "auth_rounds"), f.rec.codes)
	}
}

// EAP that ends with a short response and nothing after: an error
// notification (or EAP Failure) ended IKE_AUTH (RFC 7296 §2.21.2).
func TestEAPFailureWithoutKeys(t *testing.T) {
	f := newFixture()
	toAuthSent(t, f)
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(600))
	f.send(exIKEAuth, 2, true, false, f.rspi, sk(80))
	f.send(exIKEAuth, 2, false, true, f.rspi, sk(48))
	short := f.n
	f.e.Finish()
	expect(t, f.rec.take(), "ike_sa AUTH_SENT→FAILED short_auth_response inferred")
	if f.rec.last[0] != short {
		t.Errorf("FAILED at frame %d, want %d", f.rec.last[0], short)
	}
}

// A second IKE_AUTH round that leads nowhere leaves the SA AUTH_SENT,
// half-open at the end.
func TestEAPUnansweredRound(t *testing.T) {
	f := newFixture()
	toAuthSent(t, f)
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(600))
	f.send(exIKEAuth, 2, true, false, f.rspi, sk(80))
	f.e.Finish()
	expect(t, f.rec.take())
	if !slices.Equal(f.rec.codes, []string{"ikev2.half_open"}) {
		t.Errorf("anomalies %v", f.rec.codes)
	}
}

// EAP with keys: the first response carries AUTH and EAP, no SA; the
// Child SA proposed in the first request is installed by the last
// response, which carries its SA (RFC 7296 §2.16, §1.3.1).
func TestEAPRoundsWithKeys(t *testing.T) {
	f := newFixture()
	toInitDone(t, f)
	f.keyed(t)
	f.send(exIKEAuth, 1, true, false, f.rspi, skIn(plain(payloadIDi, 8), childSAP(protoESP, 0xc0000001), plain(payloadTSi, 24), plain(payloadTSr, 24)))
	expect(t, f.rec.take(), "ike_sa INIT_DONE→AUTH_SENT auth_request observed", "child_sa →CREATING child_request observed")
	f.send(exIKEAuth, 1, false, true, f.rspi, skIn(plain(payloadIDr, 8), plain(payloadAUTH, 40), plain(payloadEAP, 10)))
	f.send(exIKEAuth, 2, true, false, f.rspi, skIn(plain(payloadEAP, 30)))
	f.send(exIKEAuth, 2, false, true, f.rspi, skIn(plain(payloadEAP, 4)))
	f.send(exIKEAuth, 3, true, false, f.rspi, skIn(plain(payloadAUTH, 40)))
	expect(t, f.rec.take())
	f.send(exIKEAuth, 3, false, true, f.rspi, skIn(plain(payloadAUTH, 40), childSAP(protoESP, 0xd0000001), plain(payloadTSi, 24), plain(payloadTSr, 24)))
	expect(t, f.rec.take(), "ike_sa AUTH_SENT→ESTABLISHED auth_response observed", "child_sa CREATING→INSTALLED child_response observed")
	s := f.session(saID(f.ispi))
	if attrOf(s, "eap") != true || attrOf(s, "auth_rounds") != 3 {
		t.Errorf("attrs %v", s.Attrs)
	}
	c := f.rec.sessions["ikev2/child_sa/"+spiHex(f.ispi)+"/1"]
	// The SPI a proposal carries is the one its sender receives with
	// (RFC 7296 §3.3.1, §2.17).
	if attrOf(c, "spi_to_initiator") != "c0000001" || attrOf(c, "spi_to_responder") != "d0000001" || attrOf(c, "protocol") != "ESP" {
		t.Errorf("child %v", c.Attrs)
	}
}

// An AH-only Child SA (protocol ID 2, RFC 7296 §3.3.1) read with keys: its
// record says AH.
func TestAHChildWithKeys(t *testing.T) {
	f := newFixture()
	toInitDone(t, f)
	f.keyed(t)
	f.send(exIKEAuth, 1, true, false, f.rspi, skIn(plain(payloadIDi, 8), plain(payloadAUTH, 40), childSAP(protoAH, 0x604816f6), plain(payloadTSi, 24), plain(payloadTSr, 24)))
	f.send(exIKEAuth, 1, false, true, f.rspi, skIn(plain(payloadIDr, 8), plain(payloadAUTH, 40), childSAP(protoAH, 0xaf8683ef), plain(payloadTSi, 24), plain(payloadTSr, 24)))
	f.e.Finish()
	c := f.rec.sessions["ikev2/child_sa/"+spiHex(f.ispi)+"/1"]
	if c.State != "INSTALLED" || attrOf(c, "protocol") != "AH" || attrOf(c, "spi_to_initiator") != "604816f6" {
		t.Errorf("child %s %v", c.State, c.Attrs)
	}
}

// IKE_INTERMEDIATE (RFC 9242 §3): two exchanges between IKE_SA_INIT and
// IKE_AUTH, Message IDs 1 and 2; IKE_AUTH follows with 3. No Message ID
// anomaly, the SA stays INIT_DONE through them, and they are counted.
func TestIntermediateExchanges(t *testing.T) {
	f := newFixture()
	toInitDone(t, f)
	for mid := uint32(1); mid <= 2; mid++ {
		f.send(exIntermediate, mid, true, false, f.rspi, sk(1200))
		f.send(exIntermediate, mid, false, true, f.rspi, sk(1200))
	}
	expect(t, f.rec.take())
	f.send(exIKEAuth, 3, true, false, f.rspi, sk(300))
	expect(t, f.rec.take(), "ike_sa INIT_DONE→AUTH_SENT auth_request observed")
	f.send(exIKEAuth, 3, false, true, f.rspi, sk(250))
	s := f.session(saID(f.ispi))
	expect(t, f.rec.take(), "ike_sa AUTH_SENT→ESTABLISHED auth_response inferred")
	if len(f.rec.codes) != 0 || attrOf(s, "intermediate_exchanges") != 2 {
		t.Errorf("anomalies %v, attrs %v", f.rec.codes, s.Attrs)
	}
}

// A capture that begins at an IKE_INTERMEDIATE: the SA is between
// IKE_SA_INIT and IKE_AUTH, not established.
func TestIntermediateFirstSeen(t *testing.T) {
	f := newFixture()
	f.send(exIntermediate, 1, true, false, f.rspi, sk(1200))
	expect(t, f.rec.take(), "ike_sa →INIT_DONE mid_setup inferred")
}

// A file not in time order (as the nDPI IPsec sample): IKE_AUTH stored
// before the IKE_SA_INIT exchanges that precede it in time. The late
// IKE_SA_INIT is no Message ID reuse; its cookie and the origin count.
func TestLateIKESAInit(t *testing.T) {
	f := newFixture()
	start := f.now
	f.wait(time.Second)
	f.ini, f.res = netip.AddrPortFrom(f.ini.Addr(), 4500), netip.AddrPortFrom(f.res.Addr(), 4500)
	f.send(exIKEAuth, 1, true, false, f.rspi, sk(300))
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(250))
	f.send(exInformational, 0, false, false, f.rspi, sk(52))
	f.rec.take()
	f.now = start
	f.ini, f.res = netip.AddrPortFrom(f.ini.Addr(), 500), netip.AddrPortFrom(f.res.Addr(), 500)
	f.send(exIKESAInit, 0, true, false, zero, saP(), keP(31))
	f.send(exIKESAInit, 0, false, true, zero, notifyP(notifyCookie, []byte("cookie-cookie")))
	f.send(exIKESAInit, 0, true, false, zero, notifyP(notifyCookie, []byte("cookie-cookie")), saP(), keP(31))
	f.send(exIKESAInit, 0, false, true, f.rspi, saP(), keP(31))
	expect(t, f.rec.take())
	s := f.session(saID(f.ispi))
	if len(f.rec.codes) != 0 {
		t.Errorf("anomalies %v", f.rec.codes)
	}
	if attrOf(s, "origin") != "IKE_SA_INIT" || attrOf(s, "retry") != "COOKIE" {
		t.Errorf("attrs %v", s.Attrs)
	}
	if l := f.tr.Limits(); !slices.ContainsFunc(l, func(s string) bool { return strings.HasPrefix(s, "4 IKE messages carry a timestamp before") }) {
		t.Errorf("limits %q", l)
	}
}

// The same IKE_SA_INIT sent after IKE_AUTH in time is a real reuse of
// Message ID 0 (RFC 7296 §2.2).
func TestIKESAInitAfterAuthIsReuse(t *testing.T) {
	f := newFixture()
	f.ini, f.res = netip.AddrPortFrom(f.ini.Addr(), 4500), netip.AddrPortFrom(f.res.Addr(), 4500)
	f.send(exIKEAuth, 1, true, false, f.rspi, sk(300))
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(250))
	f.wait(time.Second)
	f.send(exIKESAInit, 0, true, false, zero, saP(), keP(31))
	if !slices.Equal(f.rec.codes, []string{"ikev2.msgid_reuse"}) {
		t.Errorf("anomalies %v, want ikev2.msgid_reuse", f.rec.codes)
	}
}

// ah feeds an AH packet (IPv6 Next Header 51, RFC 4302 §2) with the SPI
// spi, protecting 16 bytes of data; v6scope decodes no AH, the tracker
// reads it after the IPv6 header.
func (f *fixture) ah(fromInit bool, spi uint32) {
	f.n++
	src, dst := f.ini.Addr(), f.res.Addr()
	if !fromInit {
		src, dst = dst, src
	}
	pl := []byte{59, 4, 0, 0} // No Next Header; 6 words: 12 + ICV 12
	pl = binary.BigEndian.AppendUint32(pl, spi)
	pl = binary.BigEndian.AppendUint32(pl, 1)
	pl = append(pl, make([]byte, 12+16)...)
	b := make([]byte, 40, 40+len(pl))
	b[0], b[6], b[7] = 0x60, 51, 64
	binary.BigEndian.PutUint16(b[4:], uint16(len(pl)))
	s, d := src.As16(), dst.As16()
	copy(b[8:], s[:])
	copy(b[24:], d[:])
	b = append(b, pl...)
	fr := capture.Frame{Number: f.n, Time: f.now, LinkType: capture.LinkIPv6, Data: b, CapLen: len(b), OrigLen: len(b)}
	_ = f.d.Fast(&fr, &f.decoded)
	f.e.Observe(&fr, f.decoded, f.d)
}

// AH traffic after IKE_AUTH, without keys: its Child SA is an AH one (RFC
// 4302), with both SPIs; the AH shows IKE_AUTH is over, as ESP does.
func TestAHInstallsChild(t *testing.T) {
	f := newFixture()
	toAuthSent(t, f)
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(250))
	f.wait(time.Second)
	f.ah(true, 0x604816f6)
	expect(t, f.rec.take(), "ike_sa AUTH_SENT→ESTABLISHED auth_response inferred", "child_sa →INSTALLED esp_seen inferred")
	f.ah(false, 0xaf8683ef)
	expect(t, f.rec.take())
	c := f.session("ikev2/child_sa/" + spiHex(f.ispi) + "/1")
	if attrOf(c, "protocol") != "AH" || attrOf(c, "spi_to_responder") != "604816f6" || attrOf(c, "spi_to_initiator") != "af8683ef" {
		t.Errorf("child %v", c.Attrs)
	}
}

// An SPI names an SA with its protocol (RFC 4301 §4.1): AH with the SPI of
// an ESP Child SA is not that Child SA's traffic.
func TestAHAndESPSPIsApart(t *testing.T) {
	f := newFixture()
	toChildInstalled(t, f)
	f.ah(true, 0xaaaa0001)
	f.e.Finish()
	c := f.rec.sessions["ikev2/child_sa/"+spiHex(f.ispi)+"/1"]
	if attrOf(c, "protocol") != "ESP" || c.LastFrame == f.n {
		t.Errorf("ESP child %v, last frame %d", c.Attrs, c.LastFrame)
	}
}

// An evicted SA's exchange ring goes to the next new SA, cleared: the new
// SA's IKE_SA_INIT (Message ID 0, another length) is neither a
// retransmission nor a reused Message ID of the evicted one's.
func TestEvictedRingReusedCleared(t *testing.T) {
	f := newFixtureWith(Config{MaxSAs: 1})
	toAuthSent(t, f) // side 0 ring: IKE_SA_INIT (0) and IKE_AUTH (1)
	f.send(exInformational, 0, false, false, f.rspi, sk(52))
	f.rec.take()
	f.ispi = [8]byte{0xee, 1}
	f.send(exIKESAInit, 0, true, false, zero, saP(), keP(19))
	f.send(exIKEAuth, 1, true, false, f.rspi, sk(100))
	f.send(exIKEAuth, 1, false, true, f.rspi, sk(100))
	expect(t, f.rec.take(), "ike_sa →INIT_SENT init_request observed")
	// The evicted SA left two rings (it and its responder sent requests);
	// the new one took one.
	if len(f.tr.rings) != 1 || len(f.rec.codes) != 0 {
		t.Errorf("rings left %d, anomalies %v", len(f.tr.rings), f.rec.codes)
	}
	if f.sa().side[1].ring != nil {
		t.Error("a ring for the responder, which sent no request")
	}
}

// A capture that begins at IKE_AUTH: the SA is placed between IKE_SA_INIT
// and IKE_AUTH (mid_setup), then IKE_AUTH moves it on; one that begins
// after IKE_AUTH (an INFORMATIONAL with Message ID 5) is assumed
// established (mid_session). Each reason's text says what its own use
// means.
func TestMidSetupAndMidSession(t *testing.T) {
	f := newFixture()
	f.send(exIKEAuth, 1, true, false, f.rspi, sk(300))
	expect(t, f.rec.take(), "ike_sa →INIT_DONE mid_setup inferred", "ike_sa INIT_DONE→AUTH_SENT auth_request observed")
	f.ispi = [8]byte{0xee, 7}
	f.send(exInformational, 5, true, false, f.rspi, sk(52))
	expect(t, f.rec.take(), "ike_sa →ESTABLISHED mid_session inferred")
	if e := ReasonMidSetup.Explain(); strings.Contains(e, "established") || !strings.Contains(e, "nobody is authenticated") {
		t.Errorf("mid_setup text %q", e)
	}
	if e := ReasonMidSession.Explain(); !strings.Contains(e, "assumed established") {
		t.Errorf("mid_session text %q", e)
	}
}

// Every reason has a stable code and a sentence citing the RFC.
func TestReasonsExplained(t *testing.T) {
	if len(reasonCodes) != len(reasonText) {
		t.Fatalf("%d codes, %d texts", len(reasonCodes), len(reasonText))
	}
	seen := map[string]bool{}
	for r := Reason(1); int(r) < len(reasonCodes); r++ {
		if r.String() == "" || seen[r.String()] || !strings.Contains(r.Explain(), "RFC ") {
			t.Errorf("reason %d: code %q text %q", r, r.String(), r.Explain())
		}
		seen[r.String()] = true
	}
}

// Capture duplicates (RFC 7296 §2.1; RFC 6864 §4.1): over IPv4, a
// byte-identical request with the same Identification 9 µs later is the
// capture's second copy, not a retransmission, and so is a copy of the
// response. The same request sent again 2 s later with a new
// Identification is a retransmission; so is one that keeps every byte
// and the Identification but comes 2 ms later (outside the 1 ms window).
func TestCaptureDuplicatesIPv4(t *testing.T) {
	f := newFixture()
	f.ini, f.res = netip.MustParseAddrPort("192.0.2.1:500"), netip.MustParseAddrPort("198.51.100.2:500")
	toEstablished(t, f)
	f.wait(5 * time.Second)
	f.ipid = 0x81e5
	f.send(exInformational, 2, true, false, f.rspi, sk(52))
	f.wait(9 * time.Microsecond)
	f.again()
	f.again() // a third copy, 9 µs after the second
	if len(f.rec.codes) != 0 || f.tr.duplicates != 2 || f.sa().retransmits != 0 {
		t.Fatalf("copies: anomalies %v, duplicates %d, retransmissions %d", f.rec.codes, f.tr.duplicates, f.sa().retransmits)
	}
	f.wait(2 * time.Second)
	f.ipid = 0x81e6
	f.send(exInformational, 2, true, false, f.rspi, sk(52))
	f.wait(2 * time.Millisecond)
	f.again()
	if !slices.Equal(f.rec.codes, []string{"ikev2.retransmission", "ikev2.retransmission"}) || f.tr.duplicates != 2 {
		t.Fatalf("resends: anomalies %v, duplicates %d", f.rec.codes, f.tr.duplicates)
	}
	f.ipid = 0x78fd
	f.send(exInformational, 2, false, true, f.rspi, sk(52))
	f.wait(5 * time.Microsecond)
	f.again()
	s := f.session(saID(f.ispi))
	if attrOf(s, "capture_duplicates") != 3 || attrOf(s, "retransmissions") != 2 || s.LastFrame != f.n {
		t.Errorf("attrs %v, last frame %d (want %d)", s.Attrs, s.LastFrame, f.n)
	}
	if l := f.tr.Limits(); !slices.ContainsFunc(l, func(s string) bool { return strings.HasPrefix(s, "3 IKE messages were captured twice") }) {
		t.Errorf("limits %q", l)
	}
}

// Over IPv4 a copy with another Identification is another datagram, even
// 9 µs later: a resend. IPv6 has no Identification: a byte-identical
// copy within the window is a duplicate; on another capture interface it
// is a sighting (the NAT case), neither.
func TestCaptureDuplicatesIdentificationAndLink(t *testing.T) {
	f := newFixture()
	f.ini, f.res = netip.MustParseAddrPort("192.0.2.1:500"), netip.MustParseAddrPort("198.51.100.2:500")
	toEstablished(t, f)
	f.wait(5 * time.Second)
	f.ipid = 1
	f.send(exInformational, 2, true, false, f.rspi, sk(52))
	f.wait(9 * time.Microsecond)
	f.ipid = 2
	f.send(exInformational, 2, true, false, f.rspi, sk(52))
	if !slices.Equal(f.rec.codes, []string{"ikev2.retransmission"}) || f.tr.duplicates != 0 {
		t.Errorf("IPv4, new Identification: anomalies %v, duplicates %d", f.rec.codes, f.tr.duplicates)
	}

	g := newFixture()
	toEstablished(t, g)
	g.wait(5 * time.Second)
	g.send(exInformational, 2, true, false, g.rspi, sk(52))
	g.wait(9 * time.Microsecond)
	g.again()
	if len(g.rec.codes) != 0 || g.tr.duplicates != 1 {
		t.Errorf("IPv6: anomalies %v, duplicates %d", g.rec.codes, g.tr.duplicates)
	}
	// The same bytes on interface 1: seen past a router, not copied.
	g.n++
	g.wait(9 * time.Microsecond)
	fr := capture.Frame{Number: g.n, Time: g.now, Interface: 1, LinkType: capture.LinkIPv6, Data: g.last, CapLen: len(g.last), OrigLen: len(g.last)}
	_ = g.d.Fast(&fr, &g.decoded)
	g.e.Observe(&fr, g.decoded, g.d)
	if len(g.rec.codes) != 0 || g.tr.duplicates != 1 {
		t.Errorf("another link: anomalies %v, duplicates %d", g.rec.codes, g.tr.duplicates)
	}
}

// The clear header of the Encrypted payload (RFC 7296 §3.14) settles an
// INFORMATIONAL request's kind whatever the timing: an empty one sent
// while traffic flows is a DPD (timing alone took it for a Delete), a
// Delete after an idle spell is a Delete (timing alone took it for a
// DPD), a Notify first is another INFORMATIONAL.
func TestInformationalKindByHeader(t *testing.T) {
	for _, c := range []struct {
		name  string
		idle  time.Duration
		sk    payload
		kind  xkind
		final string
	}{
		{"empty while traffic flows", 100 * time.Millisecond, sk(52), kDPD, "ESTABLISHED"},
		{"Delete after idle", 5 * time.Second, del(), kDelete, "DELETED"},
		{"Notify first", 100 * time.Millisecond, skFirst(52, PayloadNotifyT), kInfo, "ESTABLISHED"},
		{"CP first, big", 100 * time.Millisecond, skFirst(200, 47), kInfo, "ESTABLISHED"},
		{"several Deletes, big", 100 * time.Millisecond, skFirst(200, payloadDelete), kDelete, "DELETED"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			toChildInstalled(t, f)
			f.wait(c.idle)
			f.send(exInformational, 2, true, false, f.rspi, c.sk)
			f.send(exInformational, 2, false, true, f.rspi, sk(52))
			x := f.sa().side[0].find(2)
			if x == nil || x.kind != c.kind || !x.byHeader {
				t.Fatalf("exchange %+v, want kind %s by header", x, xkindNames[c.kind])
			}
			if s := f.session(saID(f.ispi)); s.State != c.final {
				t.Errorf("final state %s, want %s", s.State, c.final)
			}
			if f.tr.headerSettled != 1 {
				t.Errorf("headerSettled %d, want 1", f.tr.headerSettled)
			}
		})
	}
}

// Only fragment 1 of an Encrypted Fragment payload carries the first
// payload's type (RFC 7383 §2.5: the others carry 0). Fragment 1 with 0
// is an empty message; a fragment 2 seen first says nothing, and timing
// decides as before (traffic flows: a Delete).
func TestInformationalFragmentHeader(t *testing.T) {
	f := newFixture()
	toChildInstalled(t, f)
	f.wait(100 * time.Millisecond)
	f.send(exInformational, 2, true, false, f.rspi, skf(1, 2, 40, payloadDelete))
	f.send(exInformational, 2, true, false, f.rspi, skf(2, 2, 40, 0))
	if x := f.sa().side[0].find(2); x.kind != kDelete || !x.byHeader {
		t.Errorf("fragment 1 naming a Delete: kind %s byHeader %v", xkindNames[x.kind], x.byHeader)
	}
	f.send(exInformational, 3, true, false, f.rspi, skf(2, 2, 40, 0))
	if x := f.sa().side[0].find(3); x.kind != kDelete || x.byHeader {
		t.Errorf("fragment 2 alone: kind %s byHeader %v, want delete by timing", xkindNames[x.kind], x.byHeader)
	}
	if len(f.rec.codes) != 0 {
		t.Errorf("anomalies %v", f.rec.codes)
	}
}

// EAP without keys, read from the clear headers (RFC 7296 §2.16): the
// rounds that start with EAP make the SA an EAP one; the response that
// starts with AUTH is the last, and establishes the SA at once, before
// any ESP, its explanation citing the header.
func TestEAPByHeaderWithoutKeys(t *testing.T) {
	f := newFixture()
	toAuthSent(t, f)
	f.send(exIKEAuth, 1, false, true, f.rspi, skFirst(600, payloadIDr))
	f.send(exIKEAuth, 2, true, false, f.rspi, skFirst(80, payloadEAP))
	f.send(exIKEAuth, 2, false, true, f.rspi, skFirst(48, payloadEAP)) // EAP Success
	f.send(exIKEAuth, 3, true, false, f.rspi, skFirst(80, payloadAUTH))
	expect(t, f.rec.take())
	f.send(exIKEAuth, 3, false, true, f.rspi, skFirst(300, payloadAUTH))
	expect(t, f.rec.take(), "ike_sa AUTH_SENT→ESTABLISHED auth_response inferred")
	if f.rec.last[0] != f.n || !viaHeader(f.rec.lastRs[0]) {
		t.Errorf("established at frame %d (want %d), reason %q", f.rec.last[0], f.n, f.rec.lastRs[0].Explain())
	}
	f.esp(true, 0xaaaa0001)
	expect(t, f.rec.take(), "child_sa →INSTALLED esp_seen inferred")
	if s := f.session(saID(f.ispi)); attrOf(s, "eap") != true || attrOf(s, "auth_rounds") != 3 {
		t.Errorf("attrs %v", s.Attrs)
	}
}

// A capture that ends right after an EAP round's response (an EAP
// Request, not short): the header shows it is no last response, so the
// SA is not taken for established; it stays AUTH_SENT, half-open.
func TestEAPRoundAtEndByHeader(t *testing.T) {
	f := newFixture()
	toAuthSent(t, f)
	f.send(exIKEAuth, 1, false, true, f.rspi, skFirst(600, payloadIDr))
	f.send(exIKEAuth, 2, true, false, f.rspi, skFirst(80, payloadEAP))
	f.send(exIKEAuth, 2, false, true, f.rspi, skFirst(120, payloadEAP))
	f.e.Finish()
	expect(t, f.rec.take())
	if !slices.Equal(f.rec.codes, []string{"ikev2.half_open"}) {
		t.Errorf("anomalies %v", f.rec.codes)
	}
}

// deleteP is a Delete payload (RFC 7296 §3.11) naming spis of protocol
// proto (none for the IKE SA).
func deleteP(proto uint8, spis ...uint32) payload {
	b := []byte{proto, 0, 0, byte(len(spis))}
	if len(spis) > 0 {
		b[1] = 4
	}
	for _, v := range spis {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return payload{typ: payloadDelete, body: b}
}

// agreement runs one EAP IKE_AUTH and four INFORMATIONAL exchanges
// (empty, a Child SA's Delete, a Notify, the IKE SA's Delete) built with
// skIn: readable with keyed's keys, or, without them, only their clear
// headers. It returns the INFORMATIONAL kinds by Message ID, the IKE
// SA's transitions as "TO@frame", and its record.
func agreement(t *testing.T, withKeys bool) (map[uint32]string, []string, analyze.Session) {
	f := newFixture()
	kinds := map[uint32]string{}
	f.tr.kindHook = func(s *sa, side int, x *exchange) {
		if !withKeys && !x.byHeader {
			t.Errorf("Message ID %d: kind not from the header", x.mid)
		}
		kinds[x.mid] = xkindNames[x.kind]
	}
	var trs []string
	note := func() {
		for i, tr := range f.rec.take() {
			if strings.HasPrefix(tr, "ike_sa ") {
				to := strings.Fields(tr)[1]
				trs = append(trs, to[strings.Index(to, "→")+len("→"):]+"@"+strconv.Itoa(f.rec.last[i]))
			}
		}
	}
	toInitDone(t, f)
	if withKeys {
		f.keyed(t)
	}
	f.send(exIKEAuth, 1, true, false, f.rspi, skIn(plain(payloadIDi, 8), childSAP(protoESP, 0xc0000001), plain(payloadTSi, 24), plain(payloadTSr, 24)))
	f.send(exIKEAuth, 1, false, true, f.rspi, skIn(plain(payloadIDr, 8), plain(payloadAUTH, 40), plain(payloadEAP, 10)))
	f.send(exIKEAuth, 2, true, false, f.rspi, skIn(plain(payloadEAP, 30)))
	f.send(exIKEAuth, 2, false, true, f.rspi, skIn(plain(payloadEAP, 4)))
	f.send(exIKEAuth, 3, true, false, f.rspi, skIn(plain(payloadAUTH, 40)))
	f.send(exIKEAuth, 3, false, true, f.rspi, skIn(plain(payloadAUTH, 40), childSAP(protoESP, 0xd0000001), plain(payloadTSi, 24), plain(payloadTSr, 24)))
	note()
	f.wait(time.Second)
	f.send(exInformational, 4, true, false, f.rspi, skIn())
	f.send(exInformational, 4, false, true, f.rspi, skIn())
	f.send(exInformational, 5, true, false, f.rspi, skIn(deleteP(protoESP, 0xd0000001)))
	f.send(exInformational, 5, false, true, f.rspi, skIn(deleteP(protoESP, 0xc0000001)))
	f.send(exInformational, 6, true, false, f.rspi, skIn(notifyP(16403, nil)))
	f.send(exInformational, 6, false, true, f.rspi, skIn())
	f.send(exInformational, 7, true, false, f.rspi, skIn(deleteP(protoIKE)))
	f.send(exInformational, 7, false, true, f.rspi, skIn())
	s := f.session(saID(f.ispi))
	note()
	return kinds, trs, s
}

// Keyless, the clear headers give the same INFORMATIONAL kinds as the
// decrypted payloads, the SA is established at the same response and
// ends in the same state, and EAP is seen either way.
func TestHeaderAgreesWithKeys(t *testing.T) {
	kk, ktr, ks := agreement(t, true)
	nk, ntr, ns := agreement(t, false)
	want := map[uint32]string{4: "dpd", 5: "delete", 6: "informational", 7: "delete"}
	if !maps.Equal(kk, want) {
		t.Errorf("with keys: kinds %v, want %v", kk, want)
	}
	if !maps.Equal(nk, kk) {
		t.Errorf("without keys: kinds %v, with keys %v", nk, kk)
	}
	// IKE_AUTH request (frame 3), the last response (8), the IKE SA's
	// Delete answered (16).
	wantTr := []string{"AUTH_SENT@3", "ESTABLISHED@8", "DELETED@16"}
	if !slices.Equal(ktr, wantTr) || !slices.Equal(ntr, ktr) || ks.State != ns.State {
		t.Errorf("transitions with keys %v (%s), without %v (%s); want %v", ktr, ks.State, ntr, ns.State, wantTr)
	}
	if attrOf(ks, "eap") != true || attrOf(ns, "eap") != true {
		t.Errorf("eap with keys %v, without %v", attrOf(ks, "eap"), attrOf(ns, "eap"))
	}
}
