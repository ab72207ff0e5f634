package mip6_test

import (
	"encoding/hex"
	"io"
	"net/netip"
	"slices"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/mip6"
	"github.com/v6scope/v6scope/internal/decodetest"
)

// rrFrame is what TestReturnRoutability keeps of a frame.
type rrFrame struct {
	number int
	m      mip6.Mobility // a copy; its slices alias data
	data   []byte
}

// mobilityFrames decodes a capture and returns its Mobility Header frames.
func mobilityFrames(t *testing.T, file string) []rrFrame {
	t.Helper()
	r, err := capture.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d := decode.New()
	var (
		p   decode.Packet
		out []rrFrame
	)
	for {
		var f capture.Frame // the reader reuses a frame's buffer: a fresh one each time
		if err := r.Next(&f); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		f.Data = slices.Clone(f.Data)
		d.Decode(&f, &p)
		if !slices.Contains(p.Layers, dissect.LayerMobility) {
			continue
		}
		m := d.Layer(dissect.LayerMobility).(*mip6.Mobility)
		c := *m
		c.Options = slices.Clone(m.Options)
		out = append(out, rrFrame{number: f.Number, m: c, data: f.Data})
	}
	return out
}

// TestReturnRoutability checks the return routability of
// pcaps/mipv6-nemo.pcapng end to end with the exported accessors: the
// cookies of HoTI and CoTI come back in HoT and CoT, and the keygen tokens
// of HoT and CoT (README: home e94ed4075ed2b5fc, care-of e16fe1ac7c1b7c83)
// give the Kbm that authorises the route optimisation Binding Updates and
// their Acknowledgements, and the home token alone the key of the
// deregistration (RFC 6275 §5.2.6, §6.2.7).
func TestReturnRoutability(t *testing.T) {
	frames := mobilityFrames(t, decodetest.ModuleRoot(t)+"/pcaps/mipv6-nemo.pcapng")
	byNumber := map[int]*mip6.Mobility{}
	for i := range frames {
		byNumber[frames[i].number] = &frames[i].m
	}
	hoti, coti, hot, cot := byNumber[7], byNumber[8], byNumber[10], byNumber[9]
	if hoti == nil || coti == nil || hot == nil || cot == nil {
		t.Fatal("frames 7-10 are not HoTI, CoTI, CoT and HoT")
	}
	hc, ok1 := hoti.HomeInitCookie()
	hc2, ok2 := hot.HomeInitCookie()
	cc, ok3 := coti.CareofInitCookie()
	cc2, ok4 := cot.CareofInitCookie()
	if !ok1 || !ok2 || !ok3 || !ok4 || hc != hc2 || cc != cc2 {
		t.Fatalf("cookies: HoTI %x HoT %x CoTI %x CoT %x", hc, hc2, cc, cc2)
	}
	hi, htok, ok1 := hot.HomeKeygenToken()
	ci, ctok, ok2 := cot.CareofKeygenToken()
	if !ok1 || !ok2 || hex.EncodeToString(htok[:]) != "e94ed4075ed2b5fc" || hex.EncodeToString(ctok[:]) != "e16fe1ac7c1b7c83" || hi != 2558 || ci != 2558 {
		t.Fatalf("tokens: home %d %x care-of %d %x", hi, htok, ci, ctok)
	}
	kbm := mip6.Kbm(htok, ctok)
	// Route optimisation (11, 12) and the refresh after the BRR (18, 19).
	for _, n := range []int{11, 12, 18, 19} {
		m := byNumber[n]
		if m.Type == mip6.TypeBU {
			if h, c, ok := m.NonceIndices(); !ok || h != hi || c != ci {
				t.Errorf("frame %d: nonce indices %d %d %v, want %d %d", n, h, c, ok, hi, ci)
			}
		}
		if match, ok := m.VerifyAuthenticator(kbm[:]); !ok || !match {
			t.Errorf("frame %d: authenticator does not verify with Kbm %x (ok %v)", n, kbm, ok)
		}
		// A wrong key must fail, or the check proves nothing.
		bad := kbm
		bad[0] ^= 1
		if match, _ := m.VerifyAuthenticator(bad[:]); match {
			t.Errorf("frame %d: authenticator verifies with a wrong Kbm", n)
		}
	}
	// The deregistration from the CN (BU 24, BA 25). RFC 6275 §5.2.6 makes
	// its key SHA1(home keygen token) and §6.2.7 its care-of address the
	// home address ("the home address of the mobile node if this option is
	// used in de-registration"), for the BU and the BA that accepts it.
	kd := mip6.KbmDeregistration(htok)
	homeAddress := netip.MustParseAddr("2001:db8:10:1::100")
	for _, n := range []int{24, 25} {
		m := byNumber[n]
		if m == nil || m.Lifetime != 0 || (m.Type != mip6.TypeBU && m.Type != mip6.TypeBA) {
			t.Fatalf("frame %d is not the lifetime-0 BU/BA with the CN", n)
		}
		if h, _, ok := m.NonceIndices(); m.Type == mip6.TypeBU && (!ok || h != hi) {
			t.Errorf("frame %d: home nonce index %d %v, want %d", n, h, ok, hi)
		}
		if coa, _ := m.AuthAddresses(); coa != homeAddress {
			t.Errorf("frame %d: care-of address for the authenticator %v, want the home address %v", n, coa, homeAddress)
		}
		if match, ok := m.VerifyAuthenticator(kd[:]); !ok || !match {
			t.Errorf("frame %d: does not verify by RFC 6275 §5.2.6 with Kbm %x (match %v, ok %v)", n, kd, match, ok)
		}
		// Not with the full Kbm …
		if match, _ := m.VerifyAuthenticator(kbm[:]); match {
			t.Errorf("frame %d: verifies with the full Kbm", n)
		}
		// … nor the old, non-RFC way the capture used to be made: the full
		// Kbm over the care-of address the packet travels with.
		data, _ := m.AppendAuthData(nil)
		auth, _, _ := m.AuthenticatorValue()
		travel := m.Src
		if m.Type == mip6.TypeBA {
			travel = m.Dst
		}
		_, cn := m.AuthAddresses()
		for _, k := range [][20]byte{kbm, kd} {
			if got := mip6.Authenticator(k[:], travel, cn, data); hex.EncodeToString(got[:]) == hex.EncodeToString(auth) {
				t.Errorf("frame %d: verifies with Kbm %x over the care-of address %v", n, k, travel)
			}
		}
	}
}

// TestKbmAuthenticatorVectors pins Kbm and KbmDeregistration to values
// computed independently (Python hashlib) for the capture's tokens.
func TestKbmAuthenticatorVectors(t *testing.T) {
	var h, c [8]byte
	hex.Decode(h[:], []byte("e94ed4075ed2b5fc"))
	hex.Decode(c[:], []byte("e16fe1ac7c1b7c83"))
	kbm := mip6.Kbm(h, c)
	if got := hex.EncodeToString(kbm[:]); got != wantKbm {
		t.Errorf("Kbm = %s, want %s", got, wantKbm)
	}
	kd := mip6.KbmDeregistration(h)
	if got := hex.EncodeToString(kd[:]); got != wantKbmDereg {
		t.Errorf("KbmDeregistration = %s, want %s", got, wantKbmDereg)
	}
}

// wantKbm is SHA1(e94ed4075ed2b5fc | e16fe1ac7c1b7c83) and wantKbmDereg
// SHA1(e94ed4075ed2b5fc), by Python's hashlib.
const (
	wantKbm      = "1cd8bc5b33d2c7e57d7c91ea24acdbaf574a1a8a"
	wantKbmDereg = "8754629a228f5f7c696824fd6a33bd210e000ec6"
)
