package mip6

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/decode/mip6"
)

// rr is one return routability procedure between a mobile node (by its
// home address) and a correspondent (RFC 6275 §5.2.5, §11.6).
type rr struct {
	t                    *Tracker
	key                  pairKey
	id                   string
	state                RRState
	coa                  netip.Addr
	homeCookie           [8]byte
	careofCookie         [8]byte
	hotiSent, cotiSent   bool
	homeKnown, coKnown   bool
	homeIndex, coIndex   uint16
	homeToken, coToken   [8]byte
	verified, failed     int
	first, last          int
	transitions          int
	hotiFrame, cotiFrame int
	hotFrame, cotFrame   int
}

// rrVal returns the entry's value, ok false for a nil entry.
func rrVal(e *analyze.Entry[pairKey, rr]) (*rr, bool) {
	if e == nil {
		return nil, false
	}
	return &e.Val, true
}

func (r *rr) move(to RRState, reason Reason, frame int, at time.Time, evidence ...int) {
	if r.state != to {
		from := r.state
		r.state = to
		r.transitions++
		r.t.transition("rr", r.id, frame, at, from.String(), to.String(), reason, analyze.BasisObserved, evidence...)
	}
	r.t.e.Touch("mip6", r.id, r.state.String())
}

func (t *Tracker) rrOf(k pairKey, frame int) *rr {
	en, created := t.rrs.Add(k)
	r := &en.Val
	if created {
		*r = rr{t: t, key: k, id: "mip6/rr/" + k.String(), first: frame}
	}
	r.last = frame
	return r
}

// testInit handles a HoTI (from the home address, through the home
// agent) or a CoTI (from the care-of address) (RFC 6275 §6.1.3, §6.1.4).
func (t *Tracker) testInit(p *analyze.Packet, m *mip6.Mobility) {
	if m.Type == mip6.TypeHoTI {
		r := t.rrOf(pairKey{m.Src, m.Dst}, p.Frame)
		r.homeCookie, r.hotiSent, r.homeKnown, r.hotiFrame = m.Cookie, true, false, p.Frame
		if r.state == Complete || r.state == RRNone {
			r.move(HoTISent, ReasonHoTI, p.Frame, p.Time, p.Frame)
		} else {
			t.e.Touch("mip6", r.id, r.state.String())
		}
		return
	}
	hoa, ok := t.homeOf[m.Src]
	if !ok {
		hoa = m.Src // no home registration seen: known by its care-of address
	}
	r := t.rrOf(pairKey{hoa, m.Dst}, p.Frame)
	r.coa, r.careofCookie, r.cotiSent, r.coKnown, r.cotiFrame = m.Src, m.Cookie, true, false, p.Frame
	r.move(CoTISent, ReasonCoTI, p.Frame, p.Time, p.Frame)
}

// test handles a HoT or CoT: paired with its init by the cookie; once
// both tokens are known the procedure is COMPLETE (RFC 6275 §5.2.5).
func (t *Tracker) test(p *analyze.Packet, m *mip6.Mobility) {
	var r *rr
	if m.Type == mip6.TypeHoT {
		if en := t.rrs.Get(pairKey{m.Dst, m.Src}); en != nil && en.Val.hotiSent && en.Val.homeCookie == m.Cookie {
			r = &en.Val
			r.homeIndex, r.homeToken, r.homeKnown, r.hotFrame = m.NonceIndex, m.KeygenToken, true, p.Frame
		}
	} else {
		hoa, ok := t.homeOf[m.Dst]
		if !ok {
			hoa = m.Dst
		}
		if en := t.rrs.Get(pairKey{hoa, m.Src}); en != nil && en.Val.cotiSent && en.Val.careofCookie == m.Cookie {
			r = &en.Val
			r.coIndex, r.coToken, r.coKnown, r.cotFrame = m.NonceIndex, m.KeygenToken, true, p.Frame
		}
	}
	if r == nil {
		t.anomaly(analyze.Note, "mip6.test_without_init", "", p.Frame, p.Time,
			mip6.TypeName(uint64(m.Type))+" from "+m.Src.String()+" answers no Test Init seen (cookie mismatch, or the init was not captured)", "RFC 6275 §11.6.2")
		return
	}
	r.last = p.Frame
	if r.homeKnown && r.coKnown {
		r.move(Complete, ReasonTokens, p.Frame, p.Time, r.hotFrame, r.cotFrame)
	} else {
		t.e.Touch("mip6", r.id, r.state.String())
	}
}

// verify checks a BU's Binding Authorization Data (RFC 6275 §6.2.7)
// when the return routability tokens it rests on are known.
func (t *Tracker) verify(p *analyze.Packet, m *mip6.Mobility, bid string, hoa, cn netip.Addr, dereg bool) {
	if _, _, ok := m.AuthenticatorValue(); !ok {
		return
	}
	r, ok := rrVal(t.rrs.Get(pairKey{hoa, cn}))
	if !ok || !r.homeKnown || !r.coKnown && !dereg {
		t.unverified++
		return
	}
	if hi, ci, ok := m.NonceIndices(); ok && (hi != r.homeIndex || !dereg && ci != r.coIndex) {
		t.anomaly(analyze.Warn, "mip6.nonce_index_mismatch", bid, p.Frame, p.Time,
			"Binding Update nonce indices "+strconv.Itoa(int(hi))+"/"+strconv.Itoa(int(ci))+" are not those of the Home and Care-of Tests seen ("+strconv.Itoa(int(r.homeIndex))+"/"+strconv.Itoa(int(r.coIndex))+")", "RFC 6275 §6.2.6, §9.5.1")
	}
	t.checkAuth(p, m, bid, r, dereg)
}

// checkAuth verifies the authenticator of a BU or a BA from the
// correspondent with Kbm (RFC 6275 §5.2.5, §5.2.6, §6.2.7). A
// deregistration is read two ways, as implementations differ: Kbm from
// both tokens or from the home keygen token alone (§5.2.6, "returning
// home"), over the care-of address the packet travels with or the home
// address (§6.2.7, "the home address … if this option is used in
// de-registration").
func (t *Tracker) checkAuth(p *analyze.Packet, m *mip6.Mobility, bid string, r *rr, dereg bool) {
	auth, _, ok := m.AuthenticatorValue()
	if !ok || len(auth) != mip6.AuthenticatorLen {
		return
	}
	data, ok := m.AppendAuthData(t.auth[:0])
	t.auth = data
	if !ok {
		return
	}
	coa, cn := m.AuthAddresses()
	keys := make([][20]byte, 0, 2)
	if r.coKnown {
		keys = append(keys, mip6.Kbm(r.homeToken, r.coToken))
	}
	if dereg || !r.coKnown {
		keys = append(keys, mip6.KbmDeregistration(r.homeToken))
	}
	coas := []netip.Addr{coa}
	if dereg {
		travel := m.Src // the BU's care-of address, the BA's destination
		if m.Type == mip6.TypeBA {
			travel = m.Dst
		}
		coas = append(coas, travel, r.key.hoa)
	}
	for _, k := range keys {
		for _, c := range coas {
			if want := mip6.Authenticator(k[:], c, cn, data); string(want[:]) == string(auth) {
				r.verified++
				r.last = p.Frame
				if en := t.bindings.Peek(pairKey{r.key.hoa, r.key.peer}); en != nil {
					en.Val.authOK++
				}
				t.e.Touch("mip6", r.id, r.state.String())
				return
			}
		}
	}
	r.failed++
	t.anomaly(analyze.Error, "mip6.authenticator_mismatch", bid, p.Frame, p.Time,
		mip6.TypeName(uint64(m.Type))+" authenticator does not verify with Kbm from the keygen tokens of frames "+strconv.Itoa(r.hotFrame)+" and "+strconv.Itoa(r.cotFrame)+": forged, or computed over other addresses", "RFC 6275 §6.2.7, §9.5.1")
}

func (r *rr) session() *analyze.Session {
	s := &analyze.Session{Proto: "mip6", Kind: "rr", ID: r.id, State: r.state.String(), FirstFrame: r.first, LastFrame: r.last, Transitions: r.transitions}
	add := func(k string, v any) { s.Attrs = append(s.Attrs, analyze.Attr{Key: k, Val: v}) }
	add("home_address", r.key.hoa)
	add("correspondent", r.key.peer)
	if r.coa.IsValid() {
		add("care_of_address", r.coa)
	}
	if r.homeKnown {
		add("home_nonce_index", int(r.homeIndex))
	}
	if r.coKnown {
		add("careof_nonce_index", int(r.coIndex))
	}
	add("authenticators_verified", r.verified)
	if r.failed > 0 {
		add("authenticators_failed", r.failed)
	}
	return s
}
