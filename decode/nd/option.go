package nd

import "github.com/v6scope/v6scope/decode/dissect"

// Neighbor Discovery option (RFC 4861 §4.6):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Type      |    Length     |              ...              |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	~                              ...                              ~
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "Length: 8-bit unsigned integer. The length of the option (including the
// type and length fields) in units of 8 octets. The value 0 is invalid."
const (
	optTypeOffset = 0
	optLenOffset  = 1
	optHeaderLen  = 2
	optUnit       = 8
)

// Option types (IANA "IPv6 Neighbor Discovery Option Formats").
const (
	OptSourceLinkAddr = 1  // RFC 4861 §4.6.1
	OptTargetLinkAddr = 2  // RFC 4861 §4.6.1
	OptPrefixInfo     = 3  // RFC 4861 §4.6.2
	OptRedirectedHdr  = 4  // RFC 4861 §4.6.3
	OptMTU            = 5  // RFC 4861 §4.6.4
	OptNBMA           = 6  // RFC 2491 §5.2
	OptAdvInterval    = 7  // RFC 6275 §7.3
	OptHomeAgentInfo  = 8  // RFC 6275 §7.4
	OptSourceAddrList = 9  // RFC 3122 §3.2
	OptTargetAddrList = 10 // RFC 3122 §3.2
	OptCGA            = 11 // RFC 3971 §5.1
	OptRSASignature   = 12 // RFC 3971 §5.2
	OptTimestamp      = 13 // RFC 3971 §5.3.1
	OptNonce          = 14 // RFC 3971 §5.3.2
	OptTrustAnchor    = 15 // RFC 3971 §6.4.3
	OptCertificate    = 16 // RFC 3971 §6.4.4
	OptRouteInfo      = 24 // RFC 4191 §2.3
	OptRDNSS          = 25 // RFC 8106 §5.1
	OptFlagsExtension = 26 // RFC 5175 §4
	OptDNSSL          = 31 // RFC 8106 §5.2
	OptCaptivePortal  = 37 // RFC 8910 §2.3
	OptPREF64         = 38 // RFC 8781 §4
)

var optionNames = [...]string{
	1: "Source link-layer address", 2: "Target link-layer address", 3: "Prefix information",
	4: "Redirected header", 5: "MTU", 6: "NBMA Shortcut Limit Option", 7: "Advertisement Interval",
	8: "Home Agent Information", 9: "Source Address List", 10: "Target Address List", 11: "CGA",
	12: "RSA Signature", 13: "Timestamp", 14: "Nonce", 15: "Trust Anchor", 16: "Certificate",
	17: "IP Address/Prefix Option", 18: "New Router Prefix Information", 19: "Link-layer Address",
	20: "Neighbor Advertisement Acknowledgment", 23: "MAP", 24: "Route Information",
	25: "Recursive DNS Server", 26: "RA Flags Extension", 27: "Handover Key Request",
	28: "Handover Key Reply", 29: "Handover Assist Information", 30: "Mobile Node Identifier Option",
	31: "DNS Search List Option", 32: "Proxy Signature (PS)", 33: "Address Registration Option",
	34: "6LoWPAN Context Option", 35: "Authoritative Border Router", 36: "6LoWPAN Capability Indication Option",
	37: "DHCP Captive-Portal", 38: "PREF64 Option", 138: "CARD Request", 139: "CARD Reply",
	253: "RFC3692-style Experiment 1", 254: "RFC3692-style Experiment 2",
}

// OptionName names an option type as Wireshark does, or "" when unknown.
func OptionName(v uint64) string {
	if v < uint64(len(optionNames)) {
		return optionNames[v]
	}
	return ""
}

// optionLabels are the tree labels of the options, built once.
var optionLabels [256]string

func init() {
	for i := range optionLabels {
		name := OptionName(uint64(i))
		if name == "" {
			name = dissect.Unknown(uint64(i))
		}
		optionLabels[i] = "ICMPv6 Option (" + name + ")"
	}
}

// optionRFC is the section that defines an option type.
func optionRFC(typ uint8) string {
	switch typ {
	case OptSourceLinkAddr, OptTargetLinkAddr:
		return rfcLLA
	case OptPrefixInfo:
		return rfcPrefix
	case OptRedirectedHdr:
		return rfcRedirHdr
	case OptMTU:
		return rfcMTU
	case OptNBMA:
		return rfcNBMA
	case OptAdvInterval:
		return rfcAdvIval
	case OptHomeAgentInfo:
		return rfcHAInfo
	case OptSourceAddrList, OptTargetAddrList:
		return rfcAddrList
	case OptCGA:
		return rfcCGA
	case OptRSASignature:
		return rfcRSA
	case OptTimestamp:
		return rfcTS
	case OptNonce:
		return rfcNonce
	case OptTrustAnchor:
		return rfcTA
	case OptCertificate:
		return rfcCert
	case OptRouteInfo:
		return rfcRoute
	case OptRDNSS:
		return rfcRDNSS
	case OptFlagsExtension:
		return rfcFlagsExt
	case OptDNSSL:
		return rfcDNSSL
	case OptCaptivePortal:
		return rfcCapPort
	case OptPREF64:
		return rfcPref64
	}
	return rfcOpt
}

// lengthOK reports whether an option of type typ may have the Length n (in
// units of 8 bytes), as the RFC defining it fixes it. Options of other
// types may have any non-zero length.
func lengthOK(typ uint8, n int) bool {
	switch typ {
	case OptPrefixInfo:
		return n == 4 // RFC 4861 §4.6.2
	case OptMTU, OptAdvInterval, OptHomeAgentInfo, OptNBMA, OptFlagsExtension:
		// RFC 4861 §4.6.4, RFC 6275 §7.3, §7.4, RFC 2491 §5.2, RFC 5175 §4.
		return n == 1
	case OptTimestamp:
		return n == 2 // RFC 3971 §5.3.1: 16 bytes
	case OptRouteInfo:
		return n >= 1 && n <= 3 // RFC 4191 §2.3
	case OptRDNSS:
		// RFC 8106 §5.1: "The minimum value is 3 if one IPv6 address is
		// contained in the option. Every additional RDNSS address increases
		// the length by 2."
		return n >= 3 && n%2 == 1
	case OptDNSSL:
		return n >= 2 // RFC 8106 §5.2
	case OptPREF64:
		return n == 2 // RFC 8781 §4
	case OptSourceAddrList, OptTargetAddrList:
		// RFC 3122 §3.2: 8 bytes, then addresses of 16 bytes each.
		return n >= 3 && n%2 == 1
	}
	return true
}

// Option is one option of a message. Data aliases the frame.
type Option struct {
	Type uint8
	// Length is the Length field, in units of 8 bytes.
	Length uint8
	// Offset is where the option starts, counted from the start of the
	// ICMPv6 message.
	Offset int
	// Data holds the bytes after the type and length (Length*8-2 of them
	// when the option is whole).
	Data []byte
}

// optStatus says how a walk over the options ended.
type optStatus uint8

const (
	optOK       optStatus = iota
	optZeroLen            // an option has Length 0 (RFC 4861 §4.6)
	optNoLength           // the last option has its type byte only
	optOverrun            // an option runs past the end of the message
)

// optionIterator walks the options area of a message, gVisor-style: Next
// returns (option, done, status). An option of Length 0, or one that runs
// past the end of the message, ends the walk: nothing after it can be
// found.
type optionIterator struct {
	b   []byte // the whole message
	off int
}

// next returns the next option. When status is not optOK, the option
// returned is what could be read of the bad one (its Data is what lies
// after its length byte), and the walk is over.
func (it *optionIterator) next() (Option, bool, optStatus) {
	if it.off >= len(it.b) {
		return Option{}, true, optOK
	}
	start := it.off
	o := Option{Type: it.b[start+optTypeOffset], Offset: start}
	if len(it.b)-start < optHeaderLen {
		it.off = len(it.b)
		return o, true, optNoLength
	}
	o.Length = it.b[start+optLenOffset]
	if o.Length == 0 {
		it.off = len(it.b)
		return o, true, optZeroLen
	}
	end := start + int(o.Length)*optUnit
	if end > len(it.b) {
		o.Data = it.b[start+optHeaderLen:]
		it.off = len(it.b)
		return o, true, optOverrun
	}
	o.Data = it.b[start+optHeaderLen : end]
	it.off = end
	return o, false, optOK
}
