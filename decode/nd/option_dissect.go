package nd

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strconv"
	"time"

	"github.com/v6scope/v6scope/decode/dissect"
)

// Sizes within the options' data (the bytes after type and length).
const (
	macLen   = 6 // Ethernet address in a Length 1 link-layer option
	eui64Len = 8 // EUI-64 in a Length 2 link-layer option, then 6 zero bytes
	eui64Pad = 6

	// Prefix Information (RFC 4861 §4.6.2), offsets in the data.
	piPrefixLenOffset = 0
	piFlagsOffset     = 1
	piValidOffset     = 2
	piPreferredOffset = 6
	piReservedOffset  = 10
	piReservedLen     = 4
	piPrefixOffset    = 14
	piFlagL           = 0x80
	piFlagA           = 0x40
	piFlagR           = 0x20
	piFlagRsv         = 0x1f

	// MTU (RFC 4861 §4.6.4), Advertisement Interval (RFC 6275 §7.3):
	// two reserved bytes, then a 32-bit value.
	reserved2Len    = 2
	valueAfterRsv2  = 2
	haPrefOffset    = 2 // Home Agent Information (RFC 6275 §7.4)
	haLifetimeOffst = 4

	// Route Information (RFC 4191 §2.3).
	riPrefixLenOffset = 0
	riFlagsOffset     = 1
	riLifetimeOffset  = 2
	riPrefixOffset    = 6
	riPrfMask         = 0x18
	riPrfShift        = 3
	riFlagRsv         = 0xe7

	// RDNSS and DNSSL (RFC 8106 §5.1, §5.2): two reserved bytes, lifetime,
	// then addresses or names.
	dnsLifetimeOffset = 2
	dnsListOffset     = 6

	// RA Flags Extension (RFC 5175 §4): 48 bits of flags; the first 16
	// repeat the RA header's (Wireshark shows them so), the rest reserved.
	efoFlagsLen    = 2
	efoReservedLen = 4
	efoM           = 0x8000
	efoO           = 0x4000
	efoH           = 0x2000
	efoPrfMask     = 0x1800
	efoPrfShift    = 11
	efoP           = 0x0400
	efoRsv         = 0x02ff

	// PREF64 (RFC 8781 §4): 13 bits of scaled lifetime, 3 of PLC, then
	// the highest 96 bits of the prefix.
	p64PrefixOffset = 2
	p64PrefixLen    = 12
	p64LifetimeShft = 3
	p64PLCMask      = 0x7

	// SEND (RFC 3971 §5, §6.4).
	cgaPadOffset      = 0
	cgaParamsOffset   = 2
	cgaModifierLen    = 16
	cgaSubnetLen      = 8
	cgaCountLen       = 1
	rsaKeyHashOffset  = 2
	rsaKeyHashLen     = 16
	tsReservedLen     = 6
	tsLen             = 8
	taNameOffset      = 2
	certTypeX509      = 1
	nameTypeX501      = 1
	nameTypeFQDN      = 2
	certOffset        = 2
	addrListAddrsFrom = 6 // RFC 3122 §3.2: six reserved bytes
	nbmaReservedLen   = 4
)

// isEUI64 reports whether a link-layer option holds an EUI-64: Length 2,
// the address in the first 8 bytes and 6 zero bytes after it (RFC 4944 §8
// and the like).
func isEUI64(o *Option) bool {
	if o.Length != 2 || len(o.Data) < eui64Len+eui64Pad {
		return false
	}
	for _, b := range o.Data[eui64Len : eui64Len+eui64Pad] {
		if b != 0 {
			return false
		}
	}
	return true
}

// optCursor hands out the fields of one option's data in order, each only
// when the option holds all of it; what it does not reach is shown as
// unknown data when the option is done.
type optCursor struct {
	t    *dissect.Tree
	d    []byte  // option data
	at   int     // frame offset of d
	pos  int     // next byte of d
	stop bool    // a field did not fit
	buf  *[]byte // where decoded names are written, reused from packet to packet
}

// text adds a string field: b up to its first NUL, as tshark prints
// wire text (control characters are the printer's to sanitize).
func (c *optCursor) text(info *dissect.FieldInfo, at, n int, b []byte) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		c.t.String(info, at, n, "")
		return
	}
	c.t.Bytes(info, at, n, b)
}

// take returns the next n bytes and their frame offset, or ok false (and
// stops the cursor) when the option is too short.
func (c *optCursor) take(n int) ([]byte, int, bool) {
	if c.stop || n < 0 || c.pos+n > len(c.d) {
		c.stop = true
		return nil, 0, false
	}
	b, at := c.d[c.pos:c.pos+n], c.at+c.pos
	c.pos += n
	return b, at, true
}

func (c *optCursor) uint(info *dissect.FieldInfo, n int) (uint64, bool) {
	b, at, ok := c.take(n)
	if !ok {
		return 0, false
	}
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	c.t.Uint(info, at, n, v)
	return v, true
}

func (c *optCursor) bytes(info *dissect.FieldInfo, n int) {
	if b, at, ok := c.take(n); ok {
		c.t.Bytes(info, at, n, b)
	}
}

func (c *optCursor) none(info *dissect.FieldInfo, n int) {
	if _, at, ok := c.take(n); ok {
		c.t.Add(info, at, n)
	}
}

func (c *optCursor) addr(info *dissect.FieldInfo) {
	if b, at, ok := c.take(addrLen); ok {
		c.t.Addr(info, at, addrLen, netip.AddrFrom16([addrLen]byte(b)))
	}
}

// rest returns the bytes not taken yet.
func (c *optCursor) rest() int { return len(c.d) - c.pos }

// dissectOption adds option o of the message at frame offset off.
func (m *ND) dissectOption(t *dissect.Tree, off int, o *Option) {
	at := off + o.Offset
	size := int(o.Length) * optUnit
	t.Push(fOpt, at, size).Label = optionLabels[o.Type]
	t.Uint(fOptType, at+optTypeOffset, 1, uint64(o.Type))
	t.Uint(fOptLength, at+optLenOffset, 1, uint64(o.Length))
	c := optCursor{t: t, d: o.Data, at: at + optHeaderLen, buf: &m.names}
	if !lengthOK(o.Type, int(o.Length)) {
		m.badLength(t, o, at)
	}
	m.checkOption(t, o, at)
	switch o.Type {
	case OptSourceLinkAddr, OptTargetLinkAddr:
		dissectLinkAddr(&c, o)
	case OptPrefixInfo:
		c.uint(fPrefixLen, 1)
		if b, fa, ok := c.take(1); ok {
			f := uint64(b[0])
			t.Push(fPrefixFlags, fa, 1).U = f
			t.Uint(fPrefixFlagL, fa, 1, bit(f, piFlagL))
			t.Uint(fPrefixFlagA, fa, 1, bit(f, piFlagA))
			t.Uint(fPrefixFlagR, fa, 1, bit(f, piFlagR))
			t.Uint(fPrefixFlagRsv, fa, 1, f&piFlagRsv)
			t.Pop()
		}
		c.uint(fPrefixValid, 4)
		c.uint(fPrefixPreferred, 4)
		c.none(fOptReserved, piReservedLen)
		c.addr(fPrefix)
	case OptRedirectedHdr:
		c.none(fOptReserved, redirReservedLen)
		if c.rest() > 0 && !c.stop {
			n := c.rest()
			if m.redirected >= 0 && o == &m.Options[m.redirected] {
				// Left open: the packet decoded next is its child.
				t.Push(fRedirected, c.at+c.pos, n)
				return
			}
			c.none(fRedirected, n)
		}
	case OptMTU:
		c.none(fOptReserved, reserved2Len)
		c.uint(fMTU, 4)
	case OptNBMA:
		c.uint(fNBMALimit, 1)
		c.none(fOptReserved, 1)
		c.none(fOptReserved, nbmaReservedLen)
	case OptAdvInterval:
		c.none(fOptReserved, reserved2Len)
		c.uint(fAdvInterval, 4)
	case OptHomeAgentInfo:
		c.none(fOptReserved, reserved2Len)
		c.uint(fHAPreference, 2)
		c.uint(fHALifetime, 2)
	case OptSourceAddrList, OptTargetAddrList:
		c.none(fOptReserved, addrListAddrsFrom)
		for c.rest() >= addrLen {
			c.addr(fAddrListAddr)
		}
	case OptCGA:
		dissectCGA(&c)
	case OptRSASignature:
		c.none(fOptReserved, reserved2Len)
		c.bytes(fRSAKeyHash, rsaKeyHashLen)
		if n := c.rest(); n > 0 {
			c.none(fSignature, n)
		}
	case OptTimestamp:
		c.none(fOptReserved, tsReservedLen)
		if b, at, ok := c.take(tsLen); ok {
			// RFC 3971 §5.3.1: 48 bits of seconds since 1970-01-01 UTC, 16
			// bits of 1/64K fractions of a second.
			v := binary.BigEndian.Uint64(b)
			ts := time.Unix(int64(v>>16), int64((v&0xffff)*1e9>>16)).UTC()
			f := t.Time(fTimestamp, ts)
			f.Offset, f.Length = at, tsLen
		}
	case OptNonce:
		c.bytes(fNonce, c.rest())
	case OptTrustAnchor:
		dissectTrustAnchor(&c)
	case OptCertificate:
		dissectCertificate(&c)
	case OptRouteInfo:
		c.uint(fPrefixLen, 1)
		if b, fa, ok := c.take(1); ok {
			f := uint64(b[0])
			t.Push(fRouteFlags, fa, 1).U = f
			t.Uint(fRoutePrf, fa, 1, f&riPrfMask>>riPrfShift)
			t.Uint(fRouteFlagRsv, fa, 1, f&riFlagRsv)
			t.Pop()
		}
		c.uint(fRouteLifetime, 4)
		// RFC 4191 §2.3: Length 1, 2 or 3 holds 0, 8 or 16 bytes of prefix.
		switch o.Length {
		case 2:
			if b, pa, ok := c.take(8); ok {
				var a [addrLen]byte
				copy(a[:], b)
				t.Addr(fPrefix, pa, 8, netip.AddrFrom16(a))
			}
		case 3:
			c.addr(fPrefix)
		}
	case OptRDNSS:
		c.none(fOptReserved, reserved2Len)
		c.uint(fRDNSSLifetime, 4)
		for c.rest() >= addrLen {
			c.addr(fRDNSS)
		}
	case OptFlagsExtension:
		if b, fa, ok := c.take(efoFlagsLen); ok {
			f := uint64(binary.BigEndian.Uint16(b))
			t.Push(fEFO, fa, efoFlagsLen).U = f
			t.Uint(fEFOM, fa, 2, bit(f, efoM))
			t.Uint(fEFOO, fa, 2, bit(f, efoO))
			t.Uint(fEFOH, fa, 2, bit(f, efoH))
			t.Uint(fEFOPrf, fa, 2, f&efoPrfMask>>efoPrfShift)
			t.Uint(fEFOP, fa, 2, bit(f, efoP))
			t.Uint(fEFORsv, fa, 2, f&efoRsv)
			t.Pop()
		}
		c.none(fOptReserved, efoReservedLen)
	case OptDNSSL:
		c.none(fOptReserved, reserved2Len)
		c.uint(fDNSSLLifetime, 4)
		m.dissectDNSSL(&c, at)
	case OptCaptivePortal:
		if b, ca, ok := c.take(c.rest()); ok {
			// The URI, padded with NULs (RFC 8910 §2.3).
			c.text(fCaptivePortal, ca, len(b), b)
		}
	case OptPREF64:
		if b, fa, ok := c.take(2); ok {
			v := uint64(b[0])<<8 | uint64(b[1])
			t.Uint(fPref64Lifetime, fa, 2, v>>p64LifetimeShft)
			plc := v & p64PLCMask
			t.Uint(fPref64PLC, fa, 2, plc)
			if b, pa, ok := c.take(p64PrefixLen); ok {
				if n := pref64Bytes(plc); n > 0 {
					var a [addrLen]byte
					copy(a[:], b[:n])
					t.Addr(fPref64Prefix, pa, n, netip.AddrFrom16(a))
				} else {
					t.Note(dissect.Note{Severity: dissect.Error, Code: "nd.opt.pref64.plc", Message: "PREF64 Prefix Length Code " + strconv.FormatUint(plc, 10) + " is not one of 0-5", RFC: rfcPref64, Offset: fa, Length: 2, Malformed: true})
				}
			}
		}
	default:
		c.bytes(fOptData, c.rest())
	}
	if n := c.rest(); n > 0 && !c.stop {
		t.Bytes(fOptUnknown, c.at+c.pos, n, c.d[c.pos:])
	}
	t.Pop()
}

// pref64Bytes is how many bytes of prefix a PREF64 Prefix Length Code
// names (RFC 8781 §4), or 0 for an invalid code.
func pref64Bytes(plc uint64) int {
	switch plc {
	case 0:
		return 12
	case 1:
		return 8
	case 2:
		return 7
	case 3:
		return 6
	case 4:
		return 5
	case 5:
		return 4
	}
	return 0
}

// dissectLinkAddr adds a source or target link-layer address (RFC 4861
// §4.6.1): an Ethernet address when the option is 8 bytes long, an EUI-64
// when it is 16 long and ends in six zero bytes, raw bytes otherwise.
func dissectLinkAddr(c *optCursor, o *Option) {
	src := o.Type == OptSourceLinkAddr
	switch {
	case o.Length == 1:
		b, at, _ := c.take(macLen)
		c.t.Bytes(fLinkAddrMAC, at, macLen, b)
		if src {
			c.t.Bytes(fSrcLinkAddrMAC, at, macLen, b).Hidden = true
		} else {
			c.t.Bytes(fTgtLinkAddrMAC, at, macLen, b).Hidden = true
		}
	case isEUI64(o):
		b, at, _ := c.take(eui64Len)
		c.t.Bytes(fLinkAddrEUI64, at, eui64Len, b)
		if src {
			c.t.Bytes(fSrcLinkAddrEUI, at, eui64Len, b).Hidden = true
			c.t.Bytes(fLinkAddr, at, eui64Len, b).Hidden = true
			c.t.Bytes(fSrcLinkAddr, at, eui64Len, b).Hidden = true
		} else {
			c.t.Bytes(fTgtLinkAddrEUI, at, eui64Len, b).Hidden = true
		}
		c.none(fOptPadding, eui64Pad)
	default:
		n := c.rest()
		b, at, _ := c.take(n)
		c.t.Bytes(fLinkAddr, at, n, b)
		if src {
			c.t.Bytes(fSrcLinkAddr, at, n, b).Hidden = true
		} else {
			c.t.Bytes(fTgtLinkAddr, at, n, b).Hidden = true
		}
	}
}

// dissectCGA adds a CGA option (RFC 3971 §5.1): pad length, reserved, the
// CGA Parameters of RFC 3972 §3 (modifier, subnet prefix, collision count,
// public key, extension fields of RFC 4581), then padding.
func dissectCGA(c *optCursor) {
	pad, ok := c.uint(fCGAPadLen, 1)
	if !ok {
		return
	}
	c.none(fOptReserved, 1)
	n := c.rest() - int(pad)
	if n < 0 {
		c.stop = true
		return
	}
	params, pa, _ := c.take(n)
	c.t.Push(fCGA, pa, n).B = params
	p := optCursor{t: c.t, d: params, at: pa, buf: c.buf}
	p.bytes(fCGAModifier, cgaModifierLen)
	p.bytes(fCGASubnet, cgaSubnetLen)
	p.bytes(fCGACount, cgaCountLen)
	if k := derLen(params[min(p.pos, len(params)):]); k > 0 && !p.stop {
		p.none(fCGASPKI, k)
		for !p.stop && p.rest() > 0 {
			p.uint(fCGAExtType, 2)
			l, ok := p.uint(fCGAExtLen, 2)
			if !ok {
				break
			}
			p.bytes(fCGAExtData, int(l))
		}
	}
	c.t.Pop()
	c.none(fOptPadding, int(pad)) // shown even when empty, as tshark does
}

// derLen returns the size of the DER element (tag, length, contents) at
// the start of b, or 0 when its header cannot be read or it does not fit.
func derLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	n, hdr := int(b[1]), 2
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 || k > 3 || len(b) < 2+k {
			return 0
		}
		n = 0
		for _, x := range b[2 : 2+k] {
			n = n<<8 | int(x)
		}
		hdr += k
	}
	if hdr+n > len(b) {
		return 0
	}
	return hdr + n
}

// dissectTrustAnchor adds a Trust Anchor option (RFC 3971 §6.4.3).
func dissectTrustAnchor(c *optCursor) {
	typ, ok := c.uint(fNameType, 1)
	if !ok {
		return
	}
	pad, ok := c.uint(fCGAPadLen, 1)
	if !ok {
		return
	}
	n := c.rest() - int(pad)
	if n < 0 {
		c.stop = true
		return
	}
	switch typ {
	case nameTypeX501:
		c.bytes(fNameX501, n)
	case nameTypeFQDN:
		if b, at, ok := c.take(n); ok {
			c.text(fNameFQDN, at, n, b)
		}
	default:
		c.take(n)
	}
	c.none(fOptPadding, int(pad))
}

// dissectCertificate adds a Certificate option (RFC 3971 §6.4.4).
func dissectCertificate(c *optCursor) {
	typ, ok := c.uint(fCertType, 1)
	if !ok {
		return
	}
	c.none(fOptReserved, 1)
	if typ == certTypeX509 {
		if k := derLen(c.d[min(c.pos, len(c.d)):]); k > 0 && !c.stop {
			c.none(fCertificate, k)
			if n := c.rest(); n > 0 {
				c.none(fOptPadding, n)
			}
		}
		return
	}
	if n := c.rest(); n > 0 {
		c.none(fCertPadding, n)
	}
}

// dissectDNSSL adds the names of a DNSSL option (RFC 8106 §5.2), encoded
// as RFC 1035 §3.1 says and without compression, then the zero padding.
func (m *ND) dissectDNSSL(c *optCursor, at int) {
	for !c.stop && c.rest() > 0 {
		if c.d[c.pos] == 0 {
			c.none(fOptPadding, c.rest())
			return
		}
		start := len(m.names)
		n, err := appendName(&m.names, c.d[c.pos:])
		if err != "" {
			m.names = m.names[:start]
			c.t.Note(dissect.Note{Severity: dissect.Error, Code: "nd.opt.dnssl.bad_name", Message: "DNSSL domain name " + err, RFC: rfcDNSSL, Offset: c.at + c.pos, Length: c.rest(), Malformed: true})
			c.stop = true
			return
		}
		c.t.Bytes(fDNSSL, c.at+c.pos, n, m.names[start:len(m.names):len(m.names)])
		c.pos += n
	}
}

// appendName decodes the uncompressed domain name at the start of b
// (RFC 1035 §3.1) into *dst as dotted text, and returns the bytes it took,
// or a reason it is invalid.
func appendName(dst *[]byte, b []byte) (int, string) {
	start := len(*dst)
	for p := 0; ; {
		if p >= len(b) {
			return 0, "runs past the end of the option"
		}
		l := int(b[p])
		switch {
		case l == 0:
			if len(*dst) == start {
				*dst = append(*dst, "<Root>"...)
			}
			return p + 1, ""
		case l&0xc0 == 0xc0:
			// RFC 8106 §5.2: "the DNS name compression described in
			// Section 4.1.4 of [RFC1035] MUST NOT be used."
			return 0, "uses name compression, which RFC 8106 §5.2 forbids"
		case l > 63:
			return 0, "has a label longer than 63 bytes"
		}
		if p+1+l > len(b) {
			return 0, "runs past the end of the option"
		}
		if len(*dst) > start {
			*dst = append(*dst, '.')
		}
		for _, ch := range b[p+1 : p+1+l] {
			if ch < 0x20 || ch > 0x7e || ch == '\\' {
				*dst = append(*dst, '\\')
				*dst = strconv.AppendUint(*dst, uint64(ch), 8)
				continue
			}
			*dst = append(*dst, ch)
		}
		p += 1 + l
	}
}

// dissectBadOption shows the option that ended the walk: of Length 0, or
// running past the end of the message (RFC 4861 §4.6).
func (m *ND) dissectBadOption(t *dissect.Tree, off int) {
	o := &m.BadOption
	at := off + o.Offset
	switch m.optStatus {
	case optZeroLen:
		t.Push(fOpt, at, optHeaderLen).Label = optionLabels[o.Type]
		t.Uint(fOptType, at, 1, uint64(o.Type))
		t.Uint(fOptLength, at+optLenOffset, 1, 0)
		t.Note(dissect.Note{Severity: dissect.Error, Code: "nd.opt.zero_length", Message: "option of length 0: the options after it cannot be found, and a node must discard the message", RFC: m.optionRule(), Offset: at + optLenOffset, Length: 1, Malformed: true})
		t.Pop()
	case optNoLength:
		t.Note(dissect.Note{Severity: dissect.Error, Code: "nd.opt.truncated", Message: "option has a type byte and no length byte", RFC: rfcOpt, Offset: at, Length: 1, Malformed: true})
	case optOverrun:
		sev, code, msg, mal := dissect.Error, "nd.opt.overrun", "option runs past the end of the message", true
		if m.truncated {
			sev, code, msg, mal = dissect.Warn, "nd.opt.truncated", "option cut short by the capture", false
		}
		t.Push(fOpt, at, optHeaderLen+len(o.Data)).Label = optionLabels[o.Type]
		t.Uint(fOptType, at, 1, uint64(o.Type))
		t.Uint(fOptLength, at+optLenOffset, 1, uint64(o.Length))
		t.Note(dissect.Note{Severity: sev, Code: code, Message: msg + " (" + strconv.Itoa(int(o.Length)*optUnit) + " bytes said, " + strconv.Itoa(optHeaderLen+len(o.Data)) + " there)", RFC: rfcOpt, Offset: at, Length: optHeaderLen + len(o.Data), Malformed: mal})
		t.Pop()
	}
}
