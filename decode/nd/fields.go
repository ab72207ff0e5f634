package nd

import "github.com/v6scope/v6scope/decode/dissect"

// RFC sections the fields cite.
const (
	rfcRS       = "RFC 4861 §4.1"
	rfcRA       = "RFC 4861 §4.2"
	rfcNS       = "RFC 4861 §4.3"
	rfcNA       = "RFC 4861 §4.4"
	rfcRedirect = "RFC 4861 §4.5"
	rfcOpt      = "RFC 4861 §4.6"
	rfcLLA      = "RFC 4861 §4.6.1"
	rfcPrefix   = "RFC 4861 §4.6.2"
	rfcRedirHdr = "RFC 4861 §4.6.3"
	rfcMTU      = "RFC 4861 §4.6.4"
	rfcAdvIval  = "RFC 6275 §7.3"
	rfcHAInfo   = "RFC 6275 §7.4"
	rfcPrf      = "RFC 4191 §2.2"
	rfcRoute    = "RFC 4191 §2.3"
	rfcRDNSS    = "RFC 8106 §5.1"
	rfcDNSSL    = "RFC 8106 §5.2"
	rfcFlagsExt = "RFC 5175 §4"
	rfcProxy    = "RFC 4389 §4.1.3.3"
	rfcHomeAg   = "RFC 6275 §7.1"
	rfcCGA      = "RFC 3971 §5.1"
	rfcRSA      = "RFC 3971 §5.2"
	rfcTS       = "RFC 3971 §5.3.1"
	rfcNonce    = "RFC 3971 §5.3.2"
	rfcTA       = "RFC 3971 §6.4.3"
	rfcCert     = "RFC 3971 §6.4.4"
	rfcCapPort  = "RFC 8910 §2.3"
	rfcPref64   = "RFC 8781 §4"
	rfcAddrList = "RFC 3122 §3.2"
	rfcNBMA     = "RFC 2491 §5.2"
)

// lifetimeName names the all-ones lifetime, which means "forever"
// (RFC 4861 §4.6.2, RFC 8106 §5.1, RFC 4191 §2.3).
func lifetimeName(v uint64) string {
	if v == 0xffffffff {
		return "Infinity"
	}
	return ""
}

// preferenceName names a 2-bit router or route preference (RFC 4191 §2.1).
func preferenceName(v uint64) string {
	switch v {
	case 0:
		return "Medium"
	case 1:
		return "High"
	case 2:
		return "Reserved"
	case 3:
		return "Low"
	}
	return ""
}

func named(f *dissect.FieldInfo, values func(uint64) string) *dissect.FieldInfo {
	f.Values = values
	return f
}

// Fields of the messages.
var (
	fReserved = fields.Add(dissect.Of("icmpv6.reserved", "Reserved", dissect.Bytes, "Unused; the sender sets it to zero and the receiver ignores it.", "RFC 4861 §4"))

	fRAHopLimit = fields.Add(dissect.Dec("icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", "The Hop Limit hosts should put in the packets they send; 0 leaves it to the host.", rfcRA))
	fRAFlags    = fields.Add(dissect.Hex("icmpv6.nd.ra.flag", "Flags", 8, "The RA flag byte: M, O, H, Prf and Proxy.", rfcRA))
	fRAFlagM    = fields.Add(dissect.Flag("icmpv6.nd.ra.flag.m", "Managed address configuration", "M: addresses are available from DHCPv6.", rfcRA))
	fRAFlagO    = fields.Add(dissect.Flag("icmpv6.nd.ra.flag.o", "Other configuration", "O: other configuration (DNS and so on) is available from DHCPv6.", rfcRA))
	fRAFlagH    = fields.Add(dissect.Flag("icmpv6.nd.ra.flag.h", "Home Agent", "H: the router is also a Mobile IPv6 home agent on this link.", rfcHomeAg))
	fRAFlagPrf  = fields.Add(named(dissect.Dec("icmpv6.nd.ra.flag.prf", "Prf (Default Router Preference)", "Whether hosts should prefer this default router over others: High, Medium or Low.", rfcPrf), preferenceName))
	fRAFlagP    = fields.Add(dissect.Flag("icmpv6.nd.ra.flag.p", "Proxy", "The router proxies Neighbor Discovery for another link (ND Proxy).", rfcProxy))
	fRAFlagRsv  = fields.Add(dissect.Dec("icmpv6.nd.ra.flag.rsv", "Reserved", "Unused flag bits; zero.", rfcRA))
	fRALifetime = fields.Add(dissect.Dec("icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", "How long the router may be used as a default router, in seconds; 0 means it is not one.", rfcRA))
	fRAReach    = fields.Add(dissect.Dec("icmpv6.nd.ra.reachable_time", "Reachable time (ms)", "How long a neighbor counts as reachable after a confirmation, in milliseconds; 0 leaves it to the host.", rfcRA))
	fRARetrans  = fields.Add(dissect.Dec("icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", "The time between retransmitted Neighbor Solicitations, in milliseconds; 0 leaves it to the host.", rfcRA))

	fNSTarget = fields.Add(dissect.Of("icmpv6.nd.ns.target_address", "Target Address", dissect.IPv6, "The address whose link-layer address is asked for, or which is being checked for duplicates.", rfcNS))

	fNAFlags   = fields.Add(dissect.Hex("icmpv6.nd.na.flag", "Flags", 32, "The NA flags: Router, Solicited, Override.", rfcNA))
	fNAFlagR   = fields.Add(dissect.Flag("icmpv6.nd.na.flag.r", "Router", "R: the sender is a router.", rfcNA))
	fNAFlagS   = fields.Add(dissect.Flag("icmpv6.nd.na.flag.s", "Solicited", "S: the advertisement answers a Neighbor Solicitation; it confirms reachability.", rfcNA))
	fNAFlagO   = fields.Add(dissect.Flag("icmpv6.nd.na.flag.o", "Override", "O: the advertisement should replace a cached link-layer address.", rfcNA))
	fNAFlagRsv = fields.Add(dissect.Dec("icmpv6.nd.na.flag.rsv", "Reserved", "Unused flag bits; zero.", rfcNA))
	fNATarget  = fields.Add(dissect.Of("icmpv6.nd.na.target_address", "Target Address", dissect.IPv6, "The address the advertisement is about.", rfcNA))

	fRDTarget = fields.Add(dissect.Of("icmpv6.nd.rd.target_address", "Target Address", dissect.IPv6, "The better first hop for the destination: a router's link-local address, or the destination itself when it is on-link.", rfcRedirect))
	fRDDest   = fields.Add(dissect.Of("icmpv6.rd.na.destination_address", "Destination Address", dissect.IPv6, "The destination whose traffic is redirected to the target.", rfcRedirect))
)

// Fields of the options.
var (
	fOpt         = fields.Add(dissect.Of("icmpv6.opt", "ICMPv6 Option", dissect.None, "One Neighbor Discovery option: type, length in units of 8 bytes, data.", rfcOpt))
	fOptType     = fields.Add(named(dissect.Dec("icmpv6.opt.type", "Type", "Which option this is.", rfcOpt), OptionName).WithTexts(optionTexts))
	fOptLength   = fields.Add(dissect.Dec("icmpv6.opt.length", "Length", "The option's length, type and length bytes included, in units of 8 bytes; 0 is invalid.", rfcOpt))
	fOptReserved = fields.Add(dissect.Of("icmpv6.opt.reserved", "Reserved", dissect.None, "Unused; zero.", rfcOpt))
	fOptPadding  = fields.Add(dissect.Of("icmpv6.opt.padding", "Padding", dissect.None, "Bytes that round the option up to a multiple of 8.", rfcOpt))
	fOptData     = fields.Add(dissect.Of("icmpv6.data", "Data", dissect.Bytes, "Data of an option v6scope does not decode.", rfcOpt))
	fOptUnknown  = fields.Add(dissect.Of("icmpv6.unknown_data", "Unknown Data", dissect.Bytes, "Bytes of an option after the fields its type defines.", rfcOpt))

	// Link-layer addresses: 6 bytes (Ethernet) print as a MAC address,
	// other sizes as bytes, as Wireshark does.
	fLinkAddrMAC     = fields.Add(dissect.Of("icmpv6.opt.linkaddr", "Link-layer address", dissect.MAC, "The link-layer address of the sender (source) or of the target (target).", rfcLLA))
	fSrcLinkAddrMAC  = fields.Add(dissect.Of("icmpv6.opt.src_linkaddr", "Source Link-layer address", dissect.MAC, "The link-layer address of the sender.", rfcLLA))
	fTgtLinkAddrMAC  = fields.Add(dissect.Of("icmpv6.opt.target_linkaddr", "Target Link-layer address", dissect.MAC, "The link-layer address of the target.", rfcLLA))
	fLinkAddr        = fields.Add(dissect.Of("icmpv6.opt.linkaddr", "Link-layer address", dissect.Bytes, "The link-layer address of the sender (source) or of the target (target).", rfcLLA))
	fSrcLinkAddr     = fields.Add(dissect.Of("icmpv6.opt.src_linkaddr", "Source Link-layer address", dissect.Bytes, "The link-layer address of the sender.", rfcLLA))
	fTgtLinkAddr     = fields.Add(dissect.Of("icmpv6.opt.target_linkaddr", "Target Link-layer address", dissect.Bytes, "The link-layer address of the target.", rfcLLA))
	fLinkAddrEUI64   = fields.Add(dissect.Of("icmpv6.opt.linkaddr_eui64", "Link-layer address", dissect.MAC, "An EUI-64 link-layer address (IEEE 802.15.4 and the like).", rfcLLA))
	fSrcLinkAddrEUI  = fields.Add(dissect.Of("icmpv6.opt.src_linkaddr_eui64", "Source Link-layer address", dissect.MAC, "The sender's EUI-64 link-layer address.", rfcLLA))
	fTgtLinkAddrEUI  = fields.Add(dissect.Of("icmpv6.opt.target_linkaddr_eui64", "Target Link-layer address", dissect.MAC, "The target's EUI-64 link-layer address.", rfcLLA))
	fPrefixLen       = fields.Add(dissect.Dec("icmpv6.opt.prefix.length", "Prefix Length", "How many leading bits of the prefix are significant.", rfcPrefix))
	fPrefixFlags     = fields.Add(dissect.Hex("icmpv6.opt.prefix.flag", "Flag", 8, "The prefix flags: L, A, R.", rfcPrefix))
	fPrefixFlagL     = fields.Add(dissect.Flag("icmpv6.opt.prefix.flag.l", "On-link flag(L)", "L: addresses under the prefix are on this link.", rfcPrefix))
	fPrefixFlagA     = fields.Add(dissect.Flag("icmpv6.opt.prefix.flag.a", "Autonomous address-configuration flag(A)", "A: hosts may form addresses under the prefix themselves (SLAAC, RFC 4862 §5.5.3).", rfcPrefix))
	fPrefixFlagR     = fields.Add(dissect.Flag("icmpv6.opt.prefix.flag.r", "Router address flag(R)", "R: the Prefix field holds the router's full global address (Mobile IPv6).", "RFC 6275 §7.2"))
	fPrefixFlagRsv   = fields.Add(dissect.Dec("icmpv6.opt.prefix.flag.reserved", "Reserved", "Unused flag bits; zero.", rfcPrefix))
	fPrefixValid     = fields.Add(named(dissect.Dec("icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", "Seconds the prefix stays valid for on-link use and for addresses made from it; all ones is forever.", rfcPrefix), lifetimeName))
	fPrefixPreferred = fields.Add(named(dissect.Dec("icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", "Seconds addresses made from the prefix stay preferred (RFC 4862 §5.5.4); all ones is forever.", rfcPrefix), lifetimeName))
	fPrefix          = fields.Add(dissect.Of("icmpv6.opt.prefix", "Prefix", dissect.IPv6, "The prefix; bits past the prefix length are zero.", rfcPrefix))
	fRedirected      = fields.Add(dissect.Of("icmpv6.opt.redirected_packet", "Redirected Packet", dissect.None, "As much of the redirected packet as fits, decoded below.", rfcRedirHdr))
	fMTU             = fields.Add(dissect.Dec("icmpv6.opt.mtu", "MTU", "The MTU hosts should use on this link.", rfcMTU))
	fNBMALimit       = fields.Add(dissect.Dec("icmpv6.opt.nbma.shortcut_limit", "Shortcut Limit", "Hop count limit for NBMA shortcut attempts.", rfcNBMA))
	fAdvInterval     = fields.Add(dissect.Dec("icmpv6.opt.advertisement_interval", "Advertisement Interval", "The longest time, in milliseconds, between this router's unsolicited advertisements.", rfcAdvIval))
	fHAPreference    = fields.Add(dissect.Dec("icmpv6.opt.home_agent_preference", "Home Agent Preference", "How much mobile nodes should prefer this home agent over others.", rfcHAInfo))
	fHALifetime      = fields.Add(dissect.Dec("icmpv6.opt.home_agent_lifetime", "Home Agent Lifetime", "Seconds the router serves as a home agent.", rfcHAInfo))
	fAddrListAddr    = fields.Add(dissect.Of("icmpv6.opt.ipv6_address", "IPv6 Address", dissect.IPv6, "One address of an Inverse ND address list.", rfcAddrList))
	fRouteFlags      = fields.Add(dissect.Hex("icmpv6.opt.route_info.flag", "Flag", 8, "The route flag byte: Prf.", rfcRoute))
	fRoutePrf        = fields.Add(named(dissect.Dec("icmpv6.opt.route_info.flag.route_preference", "Route Preference", "Whether to prefer this router for the prefix over others: High, Medium or Low.", rfcRoute), preferenceName))
	fRouteFlagRsv    = fields.Add(dissect.Dec("icmpv6.opt.route_info.flag.reserved", "Reserved", "Unused flag bits; zero.", rfcRoute))
	fRouteLifetime   = fields.Add(named(dissect.Dec("icmpv6.opt.route_lifetime", "Route Lifetime", "Seconds the route stays valid; all ones is forever.", rfcRoute), lifetimeName))
	fRDNSSLifetime   = fields.Add(named(dissect.Dec("icmpv6.opt.rdnss.lifetime", "Lifetime", "Seconds the servers may be used; all ones is forever, 0 withdraws them.", rfcRDNSS), lifetimeName))
	fRDNSS           = fields.Add(dissect.Of("icmpv6.opt.rdnss", "Recursive DNS Servers", dissect.IPv6, "A recursive DNS server's address.", rfcRDNSS))
	fEFO             = fields.Add(dissect.Hex("icmpv6.opt.efo", "Flags Expansion Option", 16, "The RA flags again with room for more bits.", rfcFlagsExt))
	fEFOM            = fields.Add(dissect.Flag("icmpv6.opt.efo.m", "Managed address configuration", "M, as in the RA header.", rfcFlagsExt))
	fEFOO            = fields.Add(dissect.Flag("icmpv6.opt.efo.o", "Other configuration", "O, as in the RA header.", rfcFlagsExt))
	fEFOH            = fields.Add(dissect.Flag("icmpv6.opt.efo.h", "Home Agent", "H, as in the RA header.", rfcFlagsExt))
	fEFOPrf          = fields.Add(named(dissect.Dec("icmpv6.opt.efo.prf", "Prf (Default Router Preference)", "Prf, as in the RA header.", rfcFlagsExt), preferenceName))
	fEFOP            = fields.Add(dissect.Flag("icmpv6.opt.efo.p", "Proxy", "Proxy, as in the RA header.", rfcFlagsExt))
	fEFORsv          = fields.Add(dissect.Dec("icmpv6.opt.efo.rsv", "Reserved", "Flag bits not yet assigned; zero.", rfcFlagsExt))
	fDNSSLLifetime   = fields.Add(named(dissect.Dec("icmpv6.opt.dnssl.lifetime", "Lifetime", "Seconds the search domains may be used; all ones is forever, 0 withdraws them.", rfcDNSSL), lifetimeName))
	fDNSSL           = fields.Add(dissect.Of("icmpv6.opt.dnssl", "Domain Names", dissect.String, "A DNS search domain.", rfcDNSSL))
	fCaptivePortal   = fields.Add(dissect.Of("icmpv6.opt.captive_portal", "Captive Portal", dissect.String, "The URI of the network's captive-portal API.", rfcCapPort))
	fPref64Lifetime  = fields.Add(dissect.Dec("icmpv6.opt.pref64.scaled_lifetime", "Scaled Lifetime", "The prefix's lifetime in units of 8 seconds.", rfcPref64))
	fPref64PLC       = fields.Add(dissect.Hex("icmpv6.opt.pref64.plc", "PLC (Prefix Length Code)", 16, "The NAT64 prefix length: 0 is /96, 1 /64, 2 /56, 3 /48, 4 /40, 5 /32.", rfcPref64))
	fPref64Prefix    = fields.Add(dissect.Of("icmpv6.opt.pref64.prefix", "Prefix", dissect.IPv6, "The NAT64 prefix hosts synthesize IPv6 addresses for IPv4 with (RFC 6052).", rfcPref64))

	// SEND (RFC 3971).
	fCGAPadLen   = fields.Add(dissect.Dec("icmpv6.opt.cga.pad_length", "Pad Length", "Bytes of padding at the end of the option.", rfcCGA))
	fCGA         = fields.Add(dissect.Of("icmpv6.opt.cga", "CGA", dissect.Bytes, "The CGA Parameters the sender's address was generated from (RFC 3972 §3).", rfcCGA))
	fCGAModifier = fields.Add(dissect.Of("icmpv6.opt.cga.modifier", "Modifier", dissect.Bytes, "The 128-bit modifier of the CGA parameters.", "RFC 3972 §3"))
	fCGASubnet   = fields.Add(dissect.Of("icmpv6.opt.cga.subnet_prefix", "Subnet Prefix", dissect.Bytes, "The 64-bit subnet prefix of the address.", "RFC 3972 §3"))
	fCGACount    = fields.Add(dissect.Of("icmpv6.opt.cga.count", "Count", dissect.Bytes, "The collision count: 0, 1 or 2.", "RFC 3972 §3"))
	fCGASPKI     = fields.Add(dissect.Of("icmpv6.opt.cga.subject_public_key_info", "Subject Public Key Info", dissect.None, "The sender's public key, DER-encoded.", "RFC 3972 §3"))
	fCGAExtType  = fields.Add(dissect.Dec("icmpv6.opt.cga.ext_type", "Ext Type", "Type of a CGA extension field.", "RFC 4581 §3"))
	fCGAExtLen   = fields.Add(dissect.Dec("icmpv6.opt.cga.ext_length", "Ext Length", "Length of a CGA extension's data.", "RFC 4581 §3"))
	fCGAExtData  = fields.Add(dissect.Of("icmpv6.opt.cga.ext_data", "Ext Data", dissect.Bytes, "Data of a CGA extension.", "RFC 4581 §3"))
	fRSAKeyHash  = fields.Add(dissect.Of("icmpv6.opt.rsa.key_hash", "Key Hash", dissect.Bytes, "The leftmost 128 bits of the SHA-1 hash of the signing key.", rfcRSA))
	fSignature   = fields.Add(dissect.Of("icmpv6.opt.digital_signature_padding", "Digital Signature and Padding", dissect.None, "The RSA signature over the message, then padding.", rfcRSA))
	fTimestamp   = fields.Add(dissect.Of("icmpv6.opt.timestamp", "Timestamp", dissect.AbsTime, "When the message was sent: 48 bits of seconds since 1970 and 16 bits of 1/64K fractions; guards against replay.", rfcTS))
	fNonce       = fields.Add(dissect.Of("icmpv6.opt.nonce", "Nonce", dissect.Bytes, "A random number that ties an advertisement to the solicitation it answers.", rfcNonce))
	fNameType    = fields.Add(named(dissect.Dec("icmpv6.opt.name_type", "Name Type", "How the trust anchor is named: 1 DER X.501 name, 2 FQDN.", rfcTA), nameTypeName))
	fNameX501    = fields.Add(dissect.Of("icmpv6.opt.name_x501", "DER Encoded X.501 Name", dissect.Bytes, "The trust anchor's X.501 name.", rfcTA))
	fNameFQDN    = fields.Add(dissect.Of("icmpv6.opt.name_type.fqdn", "FQDN", dissect.String, "The trust anchor's domain name.", rfcTA))
	fCertType    = fields.Add(named(dissect.Dec("icmpv6.opt.name_type", "Cert Type", "The certificate's type: 1 is X.509v3.", rfcCert), certTypeName))
	fCertificate = fields.Add(dissect.Of("icmpv6.x509_Certificate", "Certificate", dissect.None, "An X.509v3 certificate on the path to a trust anchor.", rfcCert))
	fCertPadding = fields.Add(dissect.Of("icmpv6.opt.certificate_padding", "Certificate and Padding", dissect.None, "A certificate of an unknown type, then padding.", rfcCert))
)

func nameTypeName(v uint64) string {
	switch v {
	case 1:
		return "DER Encoded X.501 Name"
	case 2:
		return "FQDN"
	case 3:
		return "SHA-1 Subject Key Identifier (SKI)"
	case 4:
		return "SHA-224 Subject Key Identifier (SKI)"
	case 5:
		return "SHA-256 Subject Key Identifier (SKI)"
	case 6:
		return "SHA-384 Subject Key Identifier (SKI)"
	case 7:
		return "SHA-512 Subject Key Identifier (SKI)"
	}
	return ""
}

func certTypeName(v uint64) string {
	if v == 1 {
		return "X.509v3 Certificate"
	}
	return ""
}
