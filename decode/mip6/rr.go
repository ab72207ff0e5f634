package mip6

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/binary"
	"net/netip"
)

// Return routability (RFC 6275 §5.2). The correspondent node answers a
// Home Test Init (sent through the home agent) with a Home Test holding a
// home keygen token, and a Care-of Test Init (sent directly) with a Care-of
// Test holding a care-of keygen token:
//
//	home keygen token    = First(64, HMAC_SHA1(Kcn, home address | nonce | 0))
//	care-of keygen token = First(64, HMAC_SHA1(Kcn, care-of address | nonce | 1))
//
// Only a node that receives both, at the home address and at the care-of
// address, can build the binding management key Kbm and authorize a
// Binding Update to that correspondent (§5.2.6).

// Sizes of the return routability values (RFC 6275 §5.2.5, §6.2.7).
const (
	TokenLen         = 8
	KbmLen           = sha1.Size // 20
	AuthenticatorLen = 12        // First(96, …)
)

// Kbm returns the binding management key of RFC 6275 §5.2.5:
// SHA1(home keygen token | care-of keygen token).
func Kbm(homeToken, careofToken [8]byte) [20]byte {
	var b [2 * TokenLen]byte
	copy(b[:], homeToken[:])
	copy(b[TokenLen:], careofToken[:])
	return sha1.Sum(b[:])
}

// KbmDeregistration returns the key of a Binding Update that deletes a
// binding: "the care-of keygen token is not used. Instead, the binding
// management key is generated as follows: Kbm = SHA1(home keygen token)"
// (RFC 6275 §5.2.6).
func KbmDeregistration(homeToken [8]byte) [20]byte { return sha1.Sum(homeToken[:]) }

// Authenticator returns the authenticator of a Binding Authorization Data
// option (RFC 6275 §6.2.7):
//
//	Mobility Data = care-of address | correspondent | MH Data
//	Authenticator = First(96, HMAC_SHA1(Kbm, Mobility Data))
//
// mh is MH Data: "the content of the Mobility Header, excluding the
// Authenticator field itself", computed "as if the Checksum field in the
// Mobility Header was zero" (Mobility.AppendAuthData builds it).
func Authenticator(kbm []byte, coa, cn netip.Addr, mh []byte) [12]byte {
	h := hmac.New(sha1.New, kbm)
	a, c := coa.As16(), cn.As16()
	h.Write(a[:])
	h.Write(c[:])
	h.Write(mh)
	var out [AuthenticatorLen]byte
	copy(out[:], h.Sum(nil))
	return out
}

// Cookies, nonce indices and tokens of the message, by role.

// HomeInitCookie returns the Home Init Cookie of a HoTI or HoT.
func (m *Mobility) HomeInitCookie() ([8]byte, bool) {
	return m.Cookie, m.capturedFix && (m.Type == TypeHoTI || m.Type == TypeHoT)
}

// CareofInitCookie returns the Care-of Init Cookie of a CoTI or CoT.
func (m *Mobility) CareofInitCookie() ([8]byte, bool) {
	return m.Cookie, m.capturedFix && (m.Type == TypeCoTI || m.Type == TypeCoT)
}

// HomeKeygenToken returns a Home Test's nonce index and home keygen token.
func (m *Mobility) HomeKeygenToken() (index uint16, token [8]byte, ok bool) {
	return m.NonceIndex, m.KeygenToken, m.capturedFix && m.Type == TypeHoT
}

// CareofKeygenToken returns a Care-of Test's nonce index and care-of
// keygen token.
func (m *Mobility) CareofKeygenToken() (index uint16, token [8]byte, ok bool) {
	return m.NonceIndex, m.KeygenToken, m.capturedFix && m.Type == TypeCoT
}

// NonceIndices returns the home and care-of nonce indices of a Nonce
// Indices option (RFC 6275 §6.2.6).
func (m *Mobility) NonceIndices() (home, careof uint16, ok bool) {
	o, ok := m.Option(OptNI)
	if !ok || len(o.Data) != options[OptNI].size {
		return 0, 0, false
	}
	return binary.BigEndian.Uint16(o.Data[niHomeOff:]), binary.BigEndian.Uint16(o.Data[niCareofOff:]), true
}

// AlternateCareof returns the address of an Alternate Care-of Address
// option (RFC 6275 §6.2.5).
func (m *Mobility) AlternateCareof() (netip.Addr, bool) {
	o, ok := m.Option(OptACoA)
	if !ok || len(o.Data) != addrLen {
		return netip.Addr{}, false
	}
	return netip.AddrFrom16([16]byte(o.Data)), true
}

// MobileNetworkPrefixes appends the prefixes of the Mobile Network Prefix
// options (RFC 3963 §4.3) to dst.
func (m *Mobility) MobileNetworkPrefixes(dst []netip.Prefix) []netip.Prefix {
	for _, o := range m.Options {
		if o.Type == OptMNP && len(o.Data) == options[OptMNP].size {
			p, err := netip.AddrFrom16([16]byte(o.Data[prefixOff:])).Prefix(int(o.Data[prefixLenOff]))
			if err == nil {
				dst = append(dst, p)
			}
		}
	}
	return dst
}

// RefreshInterval returns a Binding Refresh Advice's interval, in units of
// 4 seconds (RFC 6275 §6.2.4).
func (m *Mobility) RefreshInterval() (uint16, bool) {
	o, ok := m.Option(OptBRA)
	if !ok || len(o.Data) != 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(o.Data), true
}

// AuthenticatorValue returns the authenticator of the Binding
// Authorization Data option, and where it starts in the header.
func (m *Mobility) AuthenticatorValue() (auth []byte, at int, ok bool) {
	o, ok := m.Option(OptBAD)
	if !ok {
		return nil, 0, false
	}
	return o.Data, o.Offset + optHeaderLen, true
}

// AppendAuthData appends to dst the MH Data a Binding Authorization Data
// authenticator covers (RFC 6275 §6.2.7): the whole Mobility Header with
// the Checksum field zero and without the Authenticator field itself. ok is
// false when the header holds no such option or is cut short.
func (m *Mobility) AppendAuthData(dst []byte) (out []byte, ok bool) {
	auth, at, ok := m.AuthenticatorValue()
	if !ok || m.cut {
		return dst, false
	}
	start := len(dst)
	dst = append(dst, m.mh[:at]...)
	dst = append(dst, m.mh[at+len(auth):]...)
	dst[start+csumOffset], dst[start+csumOffset+1] = 0, 0
	return dst, true
}

// AuthAddresses returns the care-of address and the correspondent address
// a Binding Authorization Data authenticator covers (RFC 6275 §6.2.7).
// For a Binding Update, the care-of address is "the care-of address that
// will be registered": the Alternate Care-of Address option's, else the
// IPv6 source, but "the home address of the mobile node if this option is
// used in de-registration" (lifetime 0); the correspondent is the IPv6
// destination, or the type 2 routing header's home address when the
// correspondent is itself mobile. For a Binding Acknowledgement from a
// correspondent, the care-of address is the IPv6 destination and the
// correspondent the source (its home address when it is mobile); a BA
// that accepts a deregistration (status below 128, lifetime 0) uses the
// BU's, the home address, which its type 2 routing header carries.
func (m *Mobility) AuthAddresses() (coa, cn netip.Addr) {
	src, dst := m.PseudoAddrs()
	switch m.Type {
	case TypeBU:
		coa = m.Src
		if a, ok := m.AlternateCareof(); ok {
			coa = a
		}
		if m.Lifetime == 0 && m.HoA.IsValid() {
			coa = m.HoA
		}
		return coa, dst
	case TypeBA:
		if m.Lifetime == 0 && m.Status < 128 && m.FinalDst.IsValid() {
			return m.FinalDst, src
		}
		return m.Dst, src
	}
	return netip.Addr{}, netip.Addr{}
}

// VerifyAuthenticator reports whether the Binding Authorization Data
// option's authenticator is the one kbm gives over the addresses of
// AuthAddresses (ok is false when there is nothing to verify).
func (m *Mobility) VerifyAuthenticator(kbm []byte) (match, ok bool) {
	auth, _, ok := m.AuthenticatorValue()
	if !ok || len(auth) != AuthenticatorLen {
		return false, false
	}
	data, ok := m.AppendAuthData(nil)
	if !ok {
		return false, false
	}
	coa, cn := m.AuthAddresses()
	want := Authenticator(kbm, coa, cn, data)
	return hmac.Equal(want[:], auth), true
}
