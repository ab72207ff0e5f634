package mip6

import "github.com/v6scope/v6scope/decode/dissect"

// RFC sections the fields cite.
const (
	rfcMH    = "RFC 6275 §6.1.1"
	rfcBRR   = "RFC 6275 §6.1.2"
	rfcHoTI  = "RFC 6275 §6.1.3"
	rfcCoTI  = "RFC 6275 §6.1.4"
	rfcHoT   = "RFC 6275 §6.1.5"
	rfcCoT   = "RFC 6275 §6.1.6"
	rfcBU    = "RFC 6275 §6.1.7"
	rfcBA    = "RFC 6275 §6.1.8"
	rfcBE    = "RFC 6275 §6.1.9"
	rfcOpts  = "RFC 6275 §6.2"
	rfcPad1  = "RFC 6275 §6.2.2"
	rfcPadN  = "RFC 6275 §6.2.3"
	rfcBRA   = "RFC 6275 §6.2.4"
	rfcACoA  = "RFC 6275 §6.2.5"
	rfcNI    = "RFC 6275 §6.2.6"
	rfcBAD   = "RFC 6275 §6.2.7"
	rfcNEMO  = "RFC 3963 §4.1"
	rfcNEMOA = "RFC 3963 §4.2"
	rfcMNP   = "RFC 3963 §4.3"
	rfcFBU   = "RFC 5568 §6.3.1"
	rfcFBack = "RFC 5568 §6.3.2"
	rfcFNA   = "RFC 5568 §6.3.3"
	rfcHI    = "RFC 5568 §6.2.4"
	rfcHAck  = "RFC 5568 §6.2.5"
	rfcEMH   = "RFC 5096 §2"
	rfcHAS   = "RFC 5142 §3"
	rfcHB    = "RFC 5847 §3.1"
	rfcMNID  = "RFC 4283 §3"
	rfcHNP   = "RFC 5213 §8.3"
	rfcHInd  = "RFC 5213 §8.4"
	rfcATT   = "RFC 5213 §8.5"
	rfcMNLLI = "RFC 5213 §8.6"
	rfcLLA   = "RFC 5213 §8.7"
	rfcTS    = "RFC 5213 §8.8"
	rfcPBU   = "RFC 5213 §8.1"
	rfcFlagF = "RFC 5555 §3.1.3"
	rfcFlagT = "RFC 5845 §4"
	rfcFlagB = "RFC 6602 §5.1"
)

func named(f *dissect.FieldInfo, values func(uint64) string) *dissect.FieldInfo {
	f.Values = values
	return f
}

// lifetimeUnits is the unit of Binding Update and Acknowledgement
// lifetimes, and of the refresh interval: 4 seconds (RFC 6275 §6.1.7).
const lifetimeUnits = 4

// Fields of the header and the messages.
var (
	fMIPv6    = fields.Add(dissect.Proto("mipv6", "Mobile IPv6", "The Mobility Header: the extension header that carries every Mobile IPv6 and NEMO signalling message (binding updates, return routability).", rfcMH))
	fProto    = fields.Add(named(dissect.Dec("mip6.proto", "Payload protocol", "The header after the Mobility Header; senders set 59 (no next header), since nothing may follow yet.", rfcMH), protoName))
	fHLen     = fields.Add(dissect.Dec("mip6.hlen", "Header length", "Length of the Mobility Header in 8-octet units, not counting the first 8 octets.", rfcMH))
	fMHType   = fields.Add(named(dissect.Dec("mip6.mhtype", "Mobility Header Type", "Which mobility message this is: 5 Binding Update, 6 Binding Acknowledgement, 1-4 return routability, …", rfcMH), TypeName).WithTexts(typeTexts))
	fReserved = fields.Add(dissect.Hex("mip6.reserved", "Reserved", 8, "Unused; zero.", rfcMH))
	fCsum     = fields.Add(dissect.Hex("mip6.csum", "Checksum", 16, "Internet checksum over an IPv6 pseudo-header (the home address as source when a Home Address option is present, the type 2 routing header's address as destination) and the whole Mobility Header.", rfcMH))
	fCsumStat = fields.Add(named(dissect.Dec("v6scope.mip6.csum.status", "Checksum Status", "Whether the checksum is right: v6scope verifies it (tshark 4.0 does not).", rfcMH), dissect.ChecksumStatusNames))
	fCsumCalc = fields.Add(dissect.Hex("v6scope.mip6.csum.calculated", "Calculated Checksum", 16, "The checksum the header should carry, when it carries another.", rfcMH))
	fObsolete = fields.Add(dissect.Flag("v6scope.mip6.obsolete_proto", "Obsolete next header 62", "The Mobility Header came under next header 62, the value of the early Mobile IPv6 drafts, not 135.", rfcMH))

	fBRR = fields.Add(dissect.Of("mip6.binding_refresh_request", "Binding Refresh Request", dissect.Bytes, "A correspondent or home agent asks the mobile node to send a fresh Binding Update; the message holds only a reserved field.", rfcBRR))

	fHoTICookie = fields.Add(dissect.Hex("mip6.hoti.cookie", "Home Init Cookie", 64, "A random value the mobile node sends through its home agent; the Home Test must return it.", rfcHoTI))
	fCoTICookie = fields.Add(dissect.Hex("mip6.coti.cookie", "Care-of Init Cookie", 64, "A random value the mobile node sends directly from its care-of address; the Care-of Test must return it.", rfcCoTI))
	fHoTIndex   = fields.Add(dissect.Dec("mip6.hot.nindex", "Home Nonce Index", "Which of the correspondent's nonces made the home keygen token; the Binding Update returns it in a Nonce Indices option.", rfcHoT))
	fHoTCookie  = fields.Add(dissect.Hex("mip6.hot.cookie", "Home Init Cookie", 64, "The Home Test Init's cookie, returned: proves the Home Test answers it.", rfcHoT))
	fKeygen     = fields.Add(dissect.Hex("mip6.hot.token", "Home Keygen Token", 64, "Keygen token: First(64, HMAC_SHA1(Kcn, address | nonce | 0 or 1)). In a Home Test it is the home keygen token, in a Care-of Test the care-of keygen token (Wireshark names both with this field). Kbm = SHA1(home token | care-of token).", "RFC 6275 §5.2.5"))
	fCoTIndex   = fields.Add(dissect.Dec("mip6.cot.nindex", "Care-of Nonce Index", "Which of the correspondent's nonces made the care-of keygen token.", rfcCoT))
	fCoTCookie  = fields.Add(dissect.Hex("mip6.cot.cookie", "Care-of Init Cookie", 64, "The Care-of Test Init's cookie, returned.", rfcCoT))

	fBUSeq   = fields.Add(dissect.Dec("mip6.bu.seqnr", "Sequence number", "Orders Binding Updates; the receiver accepts only a number newer than the last one, modulo 2^16.", rfcBU))
	fBUFlagA = fields.Add(dissect.Flag("mip6.bu.a_flag", "Acknowledge (A) flag", "A: the mobile node asks for a Binding Acknowledgement.", rfcBU))
	fBUFlagH = fields.Add(dissect.Flag("mip6.bu.h_flag", "Home Registration (H) flag", "H: a home registration: the receiver should act as the mobile node's home agent.", rfcBU))
	fBUFlagL = fields.Add(dissect.Flag("mip6.bu.l_flag", "Link-Local Compatibility (L) flag", "L: the home address's interface identifier is also the mobile node's link-local one; the home agent defends both.", rfcBU))
	fBUFlagK = fields.Add(dissect.Flag("mip6.bu.k_flag", "Key Management Compatibility (K) flag", "K: the IKE security association between mobile node and home agent survives movement.", rfcBU))
	fBUFlagM = fields.Add(dissect.Flag("mip6.bu.m_flag", "MAP Registration Compatibility (M) flag", "M: a registration with a Hierarchical Mobile IPv6 Mobility Anchor Point.", "RFC 5380 §5.1"))
	fBUFlagR = fields.Add(dissect.Flag("mip6.nemo.bu.r_flag", "Mobile Router (R) flag", "R: the sender is a NEMO mobile router: the home agent forwards its mobile network prefixes to it too.", rfcNEMO))
	fBUFlagP = fields.Add(dissect.Flag("mip6.bu.p_flag", "Proxy Registration (P) flag", "P: a Proxy Mobile IPv6 Binding Update, sent by a mobile access gateway on a mobile node's behalf.", rfcPBU))
	fBUFlagF = fields.Add(dissect.Flag("mip6.bu.f_flag", "Forcing UDP encapsulation (F) flag", "F: the mobile node asks for UDP encapsulation even without a NAT (DSMIPv6).", rfcFlagF))
	fBUFlagT = fields.Add(dissect.Flag("mip6.bu.t_flag", "TLV-header format (T) flag", "T: tunnelled packets use the TLV header format.", rfcFlagT))
	fBUFlagB = fields.Add(dissect.Flag("mip6.bu.b_flag", "Bulk-Binding-Update flag (B)", "B: a bulk binding update for several mobile nodes.", rfcFlagB))
	fBULife  = fields.Add(dissect.Dec("mip6.bu.lifetime", "Lifetime", "How long the binding should last, in units of 4 seconds; 0 asks to delete it (deregistration).", rfcBU))

	fBAStatus = fields.Add(named(dissect.Dec("mip6.ba.status", "Status", "The outcome: below 128 the Binding Update was accepted, from 128 it was rejected, and why.", rfcBA), BAStatusName).WithTexts(baStatusTexts))
	fBAFlagK  = fields.Add(dissect.Flag("mip6.ba.k_flag", "Key Management Compatibility (K) flag", "K: the home agent keeps the IKE security association across movement.", rfcBA))
	fBAFlagR  = fields.Add(dissect.Flag("mip6.nemo.ba.r_flag", "Mobile Router (R) flag", "R: the home agent supports the NEMO mobile router.", rfcNEMOA))
	fBAFlagP  = fields.Add(dissect.Flag("mip6.ba.p_flag", "Proxy Registration (P) flag", "P: answers a Proxy Binding Update.", rfcPBU))
	fBAFlagT  = fields.Add(dissect.Flag("mip6.ba.t_flag", "TLV-header format (T) flag", "T: the TLV header format is accepted.", rfcFlagT))
	fBAFlagB  = fields.Add(dissect.Flag("mip6.ba.b_flag", "Bulk-Binding-Update flag (B)", "B: bulk binding updates are supported.", rfcFlagB))
	fBASeq    = fields.Add(dissect.Dec("mip6.ba.seqnr", "Sequence number", "The Binding Update's sequence number; on status 135 the last number the receiver accepted, so the mobile node can resynchronise.", rfcBA))
	fBALife   = fields.Add(dissect.Dec("mip6.ba.lifetime", "Lifetime", "How long the binding will last, in units of 4 seconds: at most what the Binding Update asked.", rfcBA))

	fBEStatus = fields.Add(named(dissect.Dec("mip6.be.status", "Status", "Why the packet was refused: 1, no binding for the Home Address option's address; 2, unknown MH type.", rfcBE), BEStatusName).WithTexts(beStatusTexts))
	fBEHoA    = fields.Add(dissect.Of("mip6.be.haddr", "Home Address", dissect.IPv6, "The home address of the offending packet's Home Address option, or unspecified.", rfcBE))

	fFBUSeq    = fields.Add(dissect.Dec("mip6.fbu.seqnr", "Sequence number", "Orders Fast Binding Updates.", rfcFBU))
	fFBUFlagA  = fields.Add(dissect.Flag("mip6.fbu.a_flag", "Acknowledge (A) flag", "A: a Fast Binding Acknowledgment is requested.", rfcFBU))
	fFBUFlagH  = fields.Add(dissect.Flag("mip6.fbu.h_flag", "Home Registration (H) flag", "H: as in a Binding Update.", rfcFBU))
	fFBUFlagL  = fields.Add(dissect.Flag("mip6.fbu.l_flag", "Link-Local Compatibility (L) flag", "L: as in a Binding Update.", rfcFBU))
	fFBUFlagK  = fields.Add(dissect.Flag("mip6.fbu.k_flag", "Key Management Compatibility (K) flag", "K: as in a Binding Update.", rfcFBU))
	fFBULife   = fields.Add(dissect.Dec("mip6.fbu.lifetime", "Lifetime", "Lifetime in units of 4 seconds.", rfcFBU))
	fFBackStat = fields.Add(named(dissect.Dec("mip6.fback.status", "Status", "The outcome of a Fast Binding Update.", rfcFBack), FBackStatusName))
	fFBackK    = fields.Add(dissect.Flag("mip6.fback.k_flag", "Key Management Compatibility (K) flag", "K: as in a Binding Acknowledgement.", rfcFBack))
	fFBackSeq  = fields.Add(dissect.Dec("mip6.fback.seqnr", "Sequence number", "The Fast Binding Update's sequence number.", rfcFBack))
	fFBackLife = fields.Add(dissect.Dec("mip6.fback.lifetime", "Lifetime", "Lifetime in units of 4 seconds.", rfcFBack))
	fFNA       = fields.Add(dissect.Of("mip6.fast_neighbor_advertisement", "Fast Neighbor Advertisement", dissect.Bytes, "The reserved field of a (deprecated) Fast Neighbor Advertisement.", rfcFNA))
	fEMData    = fields.Add(dissect.Of("mip6.em.data", "Data", dissect.Bytes, "The data of an Experimental Mobility Header.", rfcEMH))
	fHASNum    = fields.Add(dissect.Dec("mip6.has.num_addrs", "Number of Addresses", "How many home agent addresses follow.", rfcHAS))
	fHASRes    = fields.Add(dissect.Hex("mip6.has.reserved", "Reserved", 8, "Unused; zero.", rfcHAS))
	fHASAddr   = fields.Add(dissect.Of("mip6.has.address", "Address", dissect.IPv6, "A home agent the mobile node should switch to.", rfcHAS))
	fHBFlagU   = fields.Add(dissect.Flag("mip6.hb.u_flag", "Unsolicited (U) flag", "U: an unsolicited heartbeat response.", rfcHB))
	fHBFlagR   = fields.Add(dissect.Flag("mip6.hb.r_flag", "Response (R) flag", "R: a heartbeat response (clear: a request).", rfcHB))
	fHBSeq     = fields.Add(dissect.Dec("mip6.hb.seqnr", "Sequence number", "Matches a heartbeat response to its request.", rfcHB))
	fHISeq     = fields.Add(dissect.Dec("mip6.hi.seqnr", "Sequence number", "Matches a Handover Acknowledge to its Handover Initiate.", rfcHI))
	fHIFlagS   = fields.Add(dissect.Flag("mip6.hi.s_flag", "Assigned address configuration flag (S) flag", "S: the new access router assigns the new care-of address.", rfcHI))
	fHIFlagU   = fields.Add(dissect.Flag("mip6.hi.u_flag", "Buffer flag (U) flag", "U: the new access router should buffer packets for the mobile node.", rfcHI))
	fHICode    = fields.Add(dissect.Dec("mip6.hi.code", "Code", "0: the FBU came from the previous link; 1: from the new link.", rfcHI))
	fHAckSeq   = fields.Add(dissect.Dec("mip6.hack.seqnr", "Sequence number", "The Handover Initiate's sequence number.", rfcHAck))
	fHAckCode  = fields.Add(dissect.Dec("mip6.hack.code", "Code", "The outcome of the Handover Initiate.", rfcHAck))
	fUnknown   = fields.Add(dissect.Of("mip6.unknown_type_data", "Message Data", dissect.Bytes, "The data of a Mobility Header type v6scope (and Wireshark 4.0) does not decode.", rfcMH))
	fData      = fields.Add(dissect.Of("v6scope.mip6.data", "Message Data", dissect.Bytes, "The data of a Mobility Header type Wireshark decodes and v6scope shows as bytes (binding revocation, localized routing).", rfcMH))
)

// Fields of the options.
var (
	fOptType     = fields.Add(named(dissect.Dec("mip6.mobility_opt", "Mobility Option", "The type of a mobility option Wireshark has no decoder for.", rfcOpts), OptionName))
	fOptLen      = fields.Add(dissect.Dec("mip6.mobility_opt.len", "Length", "Length of the option data in bytes, not counting type and length.", rfcOpts))
	fOptData     = fields.Add(dissect.Of("v6scope.mip6.option.data", "Data", dissect.Bytes, "The data of an option v6scope shows as bytes, or of one whose length is wrong.", rfcOpts))
	fPadN        = fields.Add(dissect.Of("mip6.padn", "PadN", dissect.Bytes, "Padding; its data should be zero.", rfcPadN))
	fBRAInterval = fields.Add(dissect.Dec("mip6.bra.interval", "Refresh interval", "When the mobile node should send its next Binding Update, in units of 4 seconds (shorter than the binding's lifetime).", rfcBRA))
	fACoA        = fields.Add(dissect.Of("mip6.acoa.acoa", "Alternate care-of address", dissect.IPv6, "The care-of address to register when it is not the packet's source address.", rfcACoA))
	fNIHome      = fields.Add(dissect.Dec("mip6.ni.hni", "Home nonce index", "The Home Test's nonce index: tells the correspondent which nonce made the home keygen token.", rfcNI))
	fNICareof    = fields.Add(dissect.Dec("mip6.ni.cni", "Care-of nonce index", "The Care-of Test's nonce index.", rfcNI))
	fBADAuth     = fields.Add(dissect.Of("mip6.bad.auth", "Authenticator", dissect.Bytes, "First(96, HMAC_SHA1(Kbm, care-of address | correspondent | Mobility Header with checksum 0 and without this field)): proves the sender holds both keygen tokens.", rfcBAD))
	fMNPLen      = fields.Add(dissect.Dec("mip6.nemo.mnp.pfl", "Mobile Network Prefix Length", "Prefix length of the mobile network prefix (or of the Proxy MIPv6 home network prefix).", rfcMNP))
	fMNP         = fields.Add(dissect.Of("mip6.nemo.mnp.mnp", "Mobile Network Prefix", dissect.IPv6, "A prefix of the network behind a NEMO mobile router (or a Proxy MIPv6 home network prefix): the home agent forwards it to the router's care-of address.", rfcMNP))
	fMNIDSub     = fields.Add(named(dissect.Dec("mip6.mnid.subtype", "Subtype", "The kind of identifier: 1 is a NAI (user@realm).", rfcMNID), mnidSubtypeName))
	fMNID        = fields.Add(dissect.Of("mip6.mnid.identifier", "Identifier", dissect.String, "The mobile node's identifier, such as its NAI.", rfcMNID))
	fHIRes       = fields.Add(dissect.Dec("mip6.hi.reserved", "Reserved", "Unused; zero.", rfcHInd))
	fHInd        = fields.Add(named(dissect.Dec("mip6.hi", "Handoff Indicator", "Why the mobile access gateway registers: a new attachment, a handoff between interfaces or gateways, or a re-registration.", rfcHInd), handoffName))
	fATTRes      = fields.Add(dissect.Dec("mip6.att.reserved", "Reserved", "Unused; zero.", rfcATT))
	fATT         = fields.Add(named(dissect.Dec("mip6.att", "Access Technology Type", "The link technology the mobile node attaches by (802.3, 802.11, 3GPP, …).", rfcATT), attName))
	fMNLLIRes    = fields.Add(dissect.Dec("mip6.mnlli.reserved", "Reserved", "Unused; zero.", rfcMNLLI))
	fMNLLI       = fields.Add(dissect.Of("mip6.mnlli.lli", "Link-layer Identifier", dissect.Bytes, "The mobile node's link-layer identifier on the access link.", rfcMNLLI))
	fLLA         = fields.Add(dissect.Of("mip6.lila_lla", "Link-local Address", dissect.IPv6, "The link-local address the mobile access gateway uses on the access link.", rfcLLA))
	fTS          = fields.Add(dissect.Of("mip6.timestamp_tmp", "Timestamp", dissect.AbsTime, "When the Proxy Binding Update was sent: 48 bits of seconds since 1970 and 16 bits of 1/65536 second; replaces the sequence number for ordering.", rfcTS))
)

// options describes the mobility option types, indexed by type. The node
// names are Wireshark's (mip6.options.*); types without one show their
// type as mip6.mobility_opt.
var options = [...]optInfo{
	OptPad1:  {name: "Pad1", field: optNode("pad1", "Pad1", rfcPad1), size: 0, rfc: rfcPad1},
	OptPadN:  {name: "PadN", field: optNode("padn", "PadN", rfcPadN), size: -1, rfc: rfcPadN},
	OptBRA:   {name: "Binding Refresh Advice", field: optNode("bra", "Binding Refresh Advice", rfcBRA), x: 2, y: 0, size: 2, rfc: rfcBRA},
	OptACoA:  {name: "Alternate Care-of Address", field: optNode("acoa", "Alternate Care-of Address", rfcACoA), x: 8, y: 6, size: 16, rfc: rfcACoA},
	OptNI:    {name: "Nonce Indices", field: optNode("ni", "Nonce Indices", rfcNI), x: 2, y: 0, size: 4, rfc: rfcNI},
	OptBAD:   {name: "Authorization Data", field: optNode("bad_auth", "Authorization Data", rfcBAD), x: 8, y: 2, size: -1, rfc: rfcBAD},
	OptMNP:   {name: "Mobile Network Prefix", field: optNode("mnp", "Mobile Network Prefix", rfcMNP), x: 8, y: 4, size: 18, rfc: rfcMNP},
	OptMHLLA: {name: "Mobility Header Link-Layer Address", field: optNode("mhlla", "Mobility Header Link-Layer Address", "RFC 5568 §6.4.3"), size: -1, rfc: "RFC 5568 §6.4.3"},
	OptMNID:  {name: "Mobile Node Identifier", field: optNode("mnid", "Mobile Node Identifier", rfcMNID), size: -1, rfc: rfcMNID},
	9:        {name: "AUTH-OPTION-TYPE", field: optNode("auth", "Authentication", "RFC 4285 §5"), size: -1, rfc: "RFC 4285 §5"},
	10:       {name: "MESG-ID-OPTION-TYPE", field: optNode("mseg_id", "Mobility Message Replay Protection", "RFC 4285 §6"), size: -1, rfc: "RFC 4285 §6"},
	11:       {name: "CGA Parameters Request", field: optNode("cgapr", "CGA Parameters Request", "RFC 4866 §5.1"), size: -1, rfc: "RFC 4866 §5.1"},
	12:       {name: "CGA Parameters", field: optNode("cgar", "CGA Parameters", "RFC 4866 §5.2"), size: -1, rfc: "RFC 4866 §5.2"},
	13:       {name: "Signature", field: optNode("sign", "Signature", "RFC 4866 §5.3"), size: -1, rfc: "RFC 4866 §5.3"},
	14:       {name: "Permanent Home Keygen Token", field: optNode("phkt", "Permanent Home Keygen Token", "RFC 4866 §5.4"), size: -1, rfc: "RFC 4866 §5.4"},
	15:       {name: "Care-of Test Init", field: optNode("coti", "Care-of Test Init", "RFC 4866 §5.5"), size: -1, rfc: "RFC 4866 §5.5"},
	16:       {name: "Care-of Test", field: optNode("cot", "Care-of Test", "RFC 4866 §5.6"), size: -1, rfc: "RFC 4866 §5.6"},
	17:       {name: "DNS-UPDATE-TYPE", field: optNode("dnsu", "DNS Update", "RFC 5026 §6.1"), size: -1, rfc: "RFC 5026 §6.1"},
	18:       {name: "Experimental", field: optNode("em", "Experimental", "RFC 5096 §3"), size: -1, rfc: "RFC 5096 §3"},
	19:       {name: "Vendor Specific", field: optNode("vsm", "Vendor Specific", "RFC 5094 §3"), size: -1, rfc: "RFC 5094 §3"},
	20:       {name: "Service Selection", field: optNode("ssm", "Service Selection", "RFC 5149 §3"), size: -1, rfc: "RFC 5149 §3"},
	21:       {name: "Binding Authorization Data for FMIPv6 (BADF)", field: optNode("badff", "Binding Authorization Data for FMIPv6", "RFC 5568 §6.4.4"), size: -1, rfc: "RFC 5568 §6.4.4"},
	OptHNP:   {name: "Home Network Prefix", field: optNode("hnp", "Home Network Prefix", rfcHNP), x: 8, y: 4, size: 18, rfc: rfcHNP},
	OptHI:    {name: "Handoff Indicator", field: optNode("hi", "Handoff Indicator", rfcHInd), size: 2, rfc: rfcHInd},
	OptATT:   {name: "Access Technology Type Option", field: optNode("att", "Access Technology Type", rfcATT), size: 2, rfc: rfcATT},
	OptMNLLI: {name: "Mobile Node Link-layer Identifier", field: optNode("mnlli", "Mobile Node Link-layer Identifier", rfcMNLLI), x: 8, y: 2, size: -1, rfc: rfcMNLLI},
	OptLLA:   {name: "Link-local Address", field: optNode("lla", "Link-local Address", rfcLLA), x: 8, y: 6, size: 16, rfc: rfcLLA},
	OptTS:    {name: "Timestamp", field: optNode("ts", "Timestamp", rfcTS), x: 8, y: 2, size: 8, rfc: rfcTS},
	28:       {name: "Restart Counter", field: optNode("rc", "Restart Counter", "RFC 7847 §4"), size: -1, rfc: "RFC 7847 §4"},
	29:       {name: "IPv4 Home Address", field: optNode("ipv4ha", "IPv4 Home Address", "RFC 5555 §3.1.1"), size: -1, rfc: "RFC 5555 §3.1.1"},
	30:       {name: "IPv4 Address Acknowledgement", field: optNode("ipv4aa", "IPv4 Address Acknowledgement", "RFC 5555 §3.2.1"), size: -1, rfc: "RFC 5555 §3.2.1"},
	31:       {name: "NAT Detection", field: optNode("natd", "NAT Detection", "RFC 5555 §3.2.2"), size: -1, rfc: "RFC 5555 §3.2.2"},
	32:       {name: "IPv4 Care-of Address", field: optNode("ipv4coa", "IPv4 Care-of Address", "RFC 5555 §3.1.2"), size: -1, rfc: "RFC 5555 §3.1.2"},
	33:       {name: "GRE Key", field: optNode("grek", "GRE Key", "RFC 5845 §3.1"), size: -1, rfc: "RFC 5845 §3.1"},
	34:       {name: "Mobility Header IPv6 Address/Prefix", field: optNode("mhipv6ap", "Mobility Header IPv6 Address/Prefix", "RFC 5568 §6.4.2"), size: -1, rfc: "RFC 5568 §6.4.2"},
	35:       {name: "Binding Identifier", field: optNode("bi", "Binding Identifier", "RFC 5648 §6.1"), size: -1, rfc: "RFC 5648 §6.1"},
	36:       {name: "IPv4 Home Address Request", field: optNode("ipv4hareq", "IPv4 Home Address Request", "RFC 5844 §3.1"), size: -1, rfc: "RFC 5844 §3.1"},
	37:       {name: "IPv4 Home Address Reply", field: optNode("ipv4harep", "IPv4 Home Address Reply", "RFC 5844 §3.2"), size: -1, rfc: "RFC 5844 §3.2"},
	38:       {name: "IPv4 Default-Router Address", field: optNode("ipv4dra", "IPv4 Default-Router Address", "RFC 5844 §3.3"), size: -1, rfc: "RFC 5844 §3.3"},
	39:       {name: "IPv4 DHCP Support Mode", field: optNode("ipv4dsm", "IPv4 DHCP Support Mode", "RFC 5844 §3.4"), size: -1, rfc: "RFC 5844 §3.4"},
	40:       {name: "Context Request", field: optNode("cr", "Context Request", "RFC 5949 §6.2.2"), size: -1, rfc: "RFC 5949 §6.2.2"},
	41:       {name: "Local Mobility Anchor Address", field: optNode("lmaa", "Local Mobility Anchor Address", "RFC 5949 §6.2.3"), size: -1, rfc: "RFC 5949 §6.2.3"},
	42:       {name: "Mobile Node Link-local Address Interface Identifier", size: -1, rfc: "RFC 5949 §6.2.4"},
	43:       {name: "Transient Binding", size: -1, rfc: "RFC 6058 §4.1"},
	44:       {name: "Flow Summary", size: -1, rfc: "RFC 7109 §3.2"},
	45:       {name: "Flow Identification", size: -1, rfc: "RFC 7109 §3.1"},
	46:       {name: "Redirect-Capability", field: optNode("recap", "Redirect-Capability", "RFC 6463 §4.1"), size: -1, rfc: "RFC 6463 §4.1"},
	47:       {name: "Redirect", field: optNode("redir", "Redirect", "RFC 6463 §4.2"), size: -1, rfc: "RFC 6463 §4.2"},
	48:       {name: "Load Information", field: optNode("load_inf", "Load Information", "RFC 6463 §4.3"), size: -1, rfc: "RFC 6463 §4.3"},
	49:       {name: "Alternate IPv4", field: optNode("alt_ip4", "Alternate IPv4 Care-of Address", "RFC 6463 §4.4"), size: -1, rfc: "RFC 6463 §4.4"},
	50:       {name: "Mobile Node Group Identifier", field: optNode("mng", "Mobile Node Group Identifier", "RFC 6602 §4"), size: -1, rfc: "RFC 6602 §4"},
	51:       {name: "MAG IPv6 Address", field: optNode("mag_ipv6", "MAG IPv6 Address", "RFC 6705 §9.1"), size: -1, rfc: "RFC 6705 §9.1"},
	52:       {name: "Access Network Identifier", field: optNode("acc_net_id", "Access Network Identifier", "RFC 6757 §3"), size: -1, rfc: "RFC 6757 §3"},
	55:       {name: "Delegated Mobile Network Prefix", field: optNode("dmnp", "Delegated Mobile Network Prefix", "RFC 7148 §3.1"), size: -1, rfc: "RFC 7148 §3.1"},
}

// optNode declares the field of an option's subtree, named as Wireshark
// names it. Its value is the whole option's bytes, as tshark prints it.
func optNode(short, title, rfc string) *dissect.FieldInfo {
	return fields.Add(dissect.Of("mip6.options."+short, "MIPv6 Option - "+title, dissect.Bytes, "The "+title+" mobility option: type, length and data.", rfc))
}

// protoName names the payload protocol values (IPv6 next header values).
func protoName(v uint64) string {
	switch v {
	case 2:
		return "IGMP"
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 48:
		return "Dynamic source routing"
	case 58:
		return "ICMPv6"
	case 59:
		return "No Next Header for IPv6"
	case 60:
		return "Destination Options for IPv6"
	case 135:
		return "Mobile IPv6"
	}
	return ""
}
