package mip6

import "github.com/v6scope/v6scope/decode/dissect"

// Next header values that carry a Mobility Header.
const (
	// Proto is the Mobility Header's IPv6 next header value (RFC 6275
	// §6.1.1, IANA "Assigned Internet Protocol Numbers").
	Proto = 135
	// ProtoObsolete is the value the Mobile IPv6 drafts used before IANA
	// assigned 135 (draft-ietf-mobileip-ipv6-13 §5.1); some captures
	// still carry it, and Wireshark decodes it as a Mobility Header.
	ProtoObsolete = 62
)

// Mobility Header types (IANA "Mobility Header Types - for the MH Type
// field in the Mobility Header"), written once as an explicit table.
const (
	TypeBRR   = 0  // Binding Refresh Request, RFC 6275 §6.1.2
	TypeHoTI  = 1  // Home Test Init, RFC 6275 §6.1.3
	TypeCoTI  = 2  // Care-of Test Init, RFC 6275 §6.1.4
	TypeHoT   = 3  // Home Test, RFC 6275 §6.1.5
	TypeCoT   = 4  // Care-of Test, RFC 6275 §6.1.6
	TypeBU    = 5  // Binding Update, RFC 6275 §6.1.7
	TypeBA    = 6  // Binding Acknowledgement, RFC 6275 §6.1.8
	TypeBE    = 7  // Binding Error, RFC 6275 §6.1.9
	TypeFBU   = 8  // Fast Binding Update, RFC 5568 §6.3.1
	TypeFBack = 9  // Fast Binding Acknowledgment, RFC 5568 §6.3.2
	TypeFNA   = 10 // Fast Neighbor Advertisement (deprecated), RFC 5568 §6.3.3
	TypeEMH   = 11 // Experimental Mobility Header, RFC 5096 §2
	TypeHAS   = 12 // Home Agent Switch, RFC 5142 §3
	TypeHB    = 13 // Heartbeat, RFC 5847 §3.1
	TypeHI    = 14 // Handover Initiate, RFC 5568 §6.2.4
	TypeHAck  = 15 // Handover Acknowledge, RFC 5568 §6.2.5
	TypeBRev  = 16 // Binding Revocation, RFC 5846 §6.1
	TypeLRI   = 17 // Localized Routing Initiation, RFC 6705 §8.1
	TypeLRA   = 18 // Localized Routing Acknowledgment, RFC 6705 §8.2
	TypeUN    = 19 // Update Notification, RFC 7077 §4.1
	TypeUNA   = 20 // Update Notification Acknowledgement, RFC 7077 §4.2
	TypeFBM   = 21 // Flow Binding Message, RFC 7109 §3.1
	TypeSQ    = 22 // Subscription Query, RFC 7161 §4.1
	TypeSR    = 23 // Subscription Response, RFC 7161 §4.2
)

// typeNames are the MH type names as tshark 4.0 shows them; Wireshark 4.0
// knows types 0 to 18, so the later IANA types print as Unknown there
// (their IANA names are in ianaTypeNames).
var typeNames = [...]string{
	TypeBRR: "Binding Refresh Request", TypeHoTI: "Home Test Init", TypeCoTI: "Care-of Test Init",
	TypeHoT: "Home Test", TypeCoT: "Care-of Test", TypeBU: "Binding Update",
	TypeBA: "Binding Acknowledgement", TypeBE: "Binding Error", TypeFBU: "Fast Binding Update",
	TypeFBack: "Fast Binding Acknowledgment", TypeFNA: "Fast Neighbor Advertisement",
	TypeEMH: "Experimental Mobility Header", TypeHAS: "Home Agent Switch", TypeHB: "Heartbeat",
	TypeHI: "Handover Initiate", TypeHAck: "Handover Acknowledge", TypeBRev: "Binding Revocation",
	TypeLRI: "Localized Routing Initiation", TypeLRA: "Localized Routing Acknowledgment",
}

var ianaTypeNames = map[uint8]string{
	TypeUN: "Update Notification", TypeUNA: "Update Notification Acknowledgement",
	TypeFBM: "Flow Binding Message", TypeSQ: "Subscription Query", TypeSR: "Subscription Response",
}

// TypeName names a Mobility Header type as tshark does ("" when it has no
// name there).
func TypeName(v uint64) string {
	if v < uint64(len(typeNames)) {
		return typeNames[v]
	}
	return ""
}

// infoLabels is what the Info column shows for each type, built once.
var infoLabels = func() (l [256]string) {
	for t := range l {
		if n := TypeName(uint64(t)); n != "" {
			l[t] = n
		} else {
			l[t] = "Unknown Mobility Header (" + itoa(t) + ")"
		}
	}
	return l
}()

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

// Binding Acknowledgement status codes (IANA "Status Codes - for the
// Status field in the Binding Acknowledgement message"; RFC 6275 §6.1.8,
// RFC 3963 §4.2, RFC 5213 §8.9 and later).
var baStatus = map[uint8]string{
	0:   "Binding Update accepted",
	1:   "Accepted but prefix discovery necessary",
	128: "Reason unspecified",
	129: "Administratively prohibited",
	130: "Insufficient resources",
	131: "Home registration not supported",
	132: "Not home subnet",
	133: "Not home agent for this mobile node",
	134: "Duplicate Address Detection failed",
	135: "Sequence number out of window",
	136: "Expired home nonce index",
	137: "Expired care-of nonce index",
	138: "Expired nonces",
	139: "Registration type change disallowed",
	140: "Mobile Router Operation not permitted",
	141: "Invalid Prefix",
	142: "Not Authorized for Prefix",
	143: "Forwarding Setup failed (prefixes missing)",
	144: "MIPV6-ID-MISMATCH",
	145: "MIPV6-MESG-ID-REQD",
	146: "MIPV6-AUTH-FAIL",
	147: "Permanent home keygen token unavailable",
	148: "CGA and signature verification failed",
	149: "Permanent home keygen token exists",
	150: "Non-null home nonce index expected",
	151: "Service authorization failed",
	152: "Proxy Registration not enabled",
	153: "Not LMA for this Mobile Node",
	154: "MAG not authorized for proxy registration",
	155: "Not authorized for home network prefix",
	156: "Timestamp mismatch",
	157: "Timestamp lower than previous accepted",
	158: "Missing home network prefix option",
	159: "BCE PBU Prefix does not match",
	160: "Missing mobile node identifier option",
	161: "Missing handoff indicator option",
	162: "Missing access tech type option",
	163: "GRE key option required",
	164: "MCOA malformed",
	165: "MCOA non-MCOA binding exists",
	166: "MCOA prohibited",
	167: "MCOA unknown COA",
	168: "MCOA bulk registration prohibited",
	169: "MCOA simultaneous home and foreign prohibited",
	170: "Not authorized for IPv4 mobility service",
	171: "Not authorized for IPv4 home address",
	172: "Not authorized for IPv6 mobility service",
	173: "Multiple IPv4 home address assignment not supported",
	174: "Invalid Care-of Address",
	175: "Invalid mobile node group identifier",
	176: "Reinit SA with HAC",
}

// BAStatusName names a Binding Acknowledgement status ("" when IANA has
// not assigned it). 0-127 accept the Binding Update, 128-255 reject it
// (RFC 6275 §6.1.8).
func BAStatusName(v uint64) string {
	if v > 255 {
		return ""
	}
	return baStatus[uint8(v)]
}

// BEStatusName names a Binding Error status (RFC 6275 §6.1.9, IANA
// "Status Codes - for the Status field in the Binding Error message").
func BEStatusName(v uint64) string {
	switch v {
	case 1:
		return "Unknown binding for Home Address destination option"
	case 2:
		return "Unrecognized MH Type value"
	}
	return ""
}

// FBackStatusName names a Fast Binding Acknowledgment status (RFC 5568
// §6.3.2).
func FBackStatusName(v uint64) string {
	switch v {
	case 0:
		return "Fast Binding Update accepted"
	case 1:
		return "Accepted but use supplied NCoA"
	case 128:
		return "Reason unspecified"
	case 129:
		return "Administratively prohibited"
	case 130:
		return "Insufficient resources"
	case 131:
		return "Incorrect interface identifier length"
	}
	return ""
}

// Mobility option types (IANA "Mobility Options").
const (
	OptPad1     = 0  // RFC 6275 §6.2.2
	OptPadN     = 1  // RFC 6275 §6.2.3
	OptBRA      = 2  // Binding Refresh Advice, RFC 6275 §6.2.4
	OptACoA     = 3  // Alternate Care-of Address, RFC 6275 §6.2.5
	OptNI       = 4  // Nonce Indices, RFC 6275 §6.2.6
	OptBAD      = 5  // Binding Authorization Data, RFC 6275 §6.2.7
	OptMNP      = 6  // Mobile Network Prefix, RFC 3963 §4.3
	OptMHLLA    = 7  // Mobility Header Link-Layer Address, RFC 5568 §6.4.3
	OptMNID     = 8  // Mobile Node Identifier, RFC 4283 §3
	OptHNP      = 22 // Home Network Prefix, RFC 5213 §8.3
	OptHI       = 23 // Handoff Indicator, RFC 5213 §8.4
	OptATT      = 24 // Access Technology Type, RFC 5213 §8.5
	OptMNLLI    = 25 // Mobile Node Link-layer Identifier, RFC 5213 §8.6
	OptLLA      = 26 // Link-local Address, RFC 5213 §8.7
	OptTS       = 27 // Timestamp, RFC 5213 §8.8
	OptRC       = 28 // Restart Counter, RFC 7847 §4
	OptIPv4HoA  = 29 // IPv4 Home Address, RFC 5555 §3.1.1
	OptVendor   = 19 // Vendor Specific, RFC 5094 §3
	OptSvcSelec = 20 // Service Selection, RFC 5149 §3
)

// optInfo is what v6scope knows of an option type: its name (as tshark
// names it), the filter name of its node, and its alignment requirement
// xn+y (x 0: none).
type optInfo struct {
	name  string
	field *dissect.FieldInfo
	x, y  int
	size  int    // fixed data length, -1 when variable
	rfc   string // where it is defined
}

// OptionName names a mobility option type ("" when unassigned).
func OptionName(v uint64) string {
	if v < uint64(len(options)) {
		return options[v].name
	}
	return ""
}

// optionLabels holds "MIPv6 Option - Name" for each type, built once.
var optionLabels = func() (l [256]string) {
	for t := range l {
		if t < len(options) && options[t].name != "" {
			l[t] = "MIPv6 Option - " + options[t].name
		} else {
			l[t] = "Unknown Mobility Option (" + itoa(t) + ")"
		}
	}
	return l
}()

// handoffName names the Handoff Indicator values (RFC 5213 §8.4).
func handoffName(v uint64) string {
	switch v {
	case 0:
		return "Reserved"
	case 1:
		return "Attachment over a new interface"
	case 2:
		return "Handoff between two different interfaces of the mobile node"
	case 3:
		return "Handoff between mobile access gateways for the same interface"
	case 4:
		return "Handoff state unknown"
	case 5:
		return "Handoff state not changed (Re-registration)"
	}
	return ""
}

// attName names the Access Technology Type values (RFC 5213 §8.5, IANA
// "Access Technology Type Option type values").
func attName(v uint64) string {
	switch v {
	case 0:
		return "Reserved"
	case 1:
		return "Virtual"
	case 2:
		return "PPP"
	case 3:
		return "IEEE 802.3"
	case 4:
		return "IEEE 802.11a/b/g"
	case 5:
		return "IEEE 802.16e"
	case 6:
		return "3GPP GERAN"
	case 7:
		return "3GPP UTRAN"
	case 8:
		return "3GPP E-UTRAN"
	case 9:
		return "3GPP2 eHRPD"
	case 10:
		return "3GPP2 HRPD"
	case 11:
		return "3GPP2 1xRTT"
	case 12:
		return "3GPP2 UMB"
	}
	return ""
}

// mnidSubtypeName names the Mobile Node Identifier subtypes (RFC 4283 §3,
// IANA).
func mnidSubtypeName(v uint64) string {
	switch v {
	case 1:
		return "NAI"
	case 2:
		return "IPv6 Address"
	case 3:
		return "IMSI"
	case 4:
		return "P-TMSI"
	case 5:
		return "EUI-48 address"
	case 6:
		return "EUI-64 address"
	case 7:
		return "GUTI"
	}
	return ""
}
