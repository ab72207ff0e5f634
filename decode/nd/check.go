package nd

import (
	"net/netip"
	"strconv"

	"github.com/v6scope/v6scope/decode/dissect"
)

// Expert note codes, each with the rule that decides it. docs/nd.md lists
// them for users.
const (
	NoteHopLimit        = "nd.hop_limit"               // RFC 4861 §6.1.1, §6.1.2, §7.1.1, §7.1.2, §8.1
	NoteCode            = "nd.code"                    // same sections
	NoteShort           = "nd.short"                   // same sections: "ICMP length … is N or more octets"
	NoteTruncated       = "nd.truncated"               // the capture cut the message short
	NoteZeroLength      = "nd.opt.zero_length"         // RFC 4861 §4.6, §6.1, §7.1, §8.1
	NoteOptOverrun      = "nd.opt.overrun"             // RFC 4861 §4.6
	NoteOptBadLength    = "nd.opt.bad_length"          // the option's RFC fixes its length
	NoteRDNSSEven       = "nd.opt.rdnss.even_length"   // RFC 8106 §5.1
	NoteSLLAUnspecified = "nd.opt.sllao_unspecified"   // RFC 4861 §6.1.1, §7.1.1
	NoteOptIgnored      = "nd.opt.ignored"             // RFC 4861 §4.6.1 to §4.6.4
	NoteTargetMulticast = "nd.target_multicast"        // RFC 4861 §7.1.1, §7.1.2
	NoteSolicitedMcast  = "nd.na.solicited_multicast"  // RFC 4861 §7.1.2
	NoteDADDestination  = "nd.ns.dad_destination"      // RFC 4861 §7.1.1
	NoteRASource        = "nd.ra.source_not_linklocal" // RFC 4861 §6.1.2
	NotePrfReserved     = "nd.ra.prf_reserved"         // RFC 4191 §2.2
	NoteRedirectSource  = "nd.redirect.source_not_linklocal"
	NoteRedirectTarget  = "nd.redirect.target" // RFC 4861 §8.1
	NoteRedirectDest    = "nd.redirect.destination_multicast"
	NotePrefixLifetimes = "nd.opt.prefix.lifetimes"  // RFC 4862 §5.5.3 c)
	NotePrefixLinkLocal = "nd.opt.prefix.link_local" // RFC 4861 §6.3.4, RFC 4862 §5.5.3 b)
	NoteDNSSLName       = "nd.opt.dnssl.bad_name"    // RFC 8106 §5.2
	NotePREF64PLC       = "nd.opt.pref64.plc"        // RFC 8781 §4
)

// validationRule is the section that lists what a receiver checks for a
// message type (RFC 4861 §6.1.1, §6.1.2, §7.1.1, §7.1.2, §8.1).
func validationRule(typ uint8) string {
	switch typ {
	case TypeRouterSolicit:
		return "RFC 4861 §6.1.1"
	case TypeRouterAdvert:
		return "RFC 4861 §6.1.2"
	case TypeNeighborSolicit:
		return "RFC 4861 §7.1.1"
	case TypeNeighborAdvert:
		return "RFC 4861 §7.1.2"
	case TypeRedirect:
		return "RFC 4861 §8.1"
	}
	return rfcOpt
}

func (m *ND) optionRule() string { return validationRule(m.Type) }

var messageNames = [...]string{
	TypeRouterSolicit - TypeRouterSolicit:   "Router Solicitation",
	TypeRouterAdvert - TypeRouterSolicit:    "Router Advertisement",
	TypeNeighborSolicit - TypeRouterSolicit: "Neighbor Solicitation",
	TypeNeighborAdvert - TypeRouterSolicit:  "Neighbor Advertisement",
	TypeRedirect - TypeRouterSolicit:        "Redirect",
}

func messageName(typ uint8) string {
	if typ >= TypeRouterSolicit && typ <= TypeRedirect {
		return messageNames[typ-TypeRouterSolicit]
	}
	return "ND message"
}

// checkMessage adds the notes about the message as a whole: what RFC 4861
// asks a receiver to check before it accepts one.
func (m *ND) checkMessage(t *dissect.Tree, off int) {
	rule := validationRule(m.Type)
	name := messageName(m.Type)
	if m.short {
		need := fixedLen(m.Type)
		n := dissect.Note{Severity: dissect.Error, Code: NoteShort, Message: name + " is " + strconv.Itoa(len(m.msg)) + " bytes, shorter than its " + strconv.Itoa(need) + "-byte fixed part", RFC: rule, Offset: off, Length: len(m.msg), Malformed: true}
		if m.truncated {
			n.Severity, n.Code, n.Malformed = dissect.Warn, NoteTruncated, false
			n.Message = name + " cut short by the capture (" + strconv.Itoa(len(m.msg)) + " of at least " + strconv.Itoa(need) + " bytes)"
		}
		t.Note(n)
	}
	if m.quoted {
		// Inside an ICMPv6 error or a Redirected Header: the packet was
		// judged where it was sent, not here.
		return
	}
	if m.HopLimit != RequiredHopLimit {
		t.Note(dissect.Note{Severity: dissect.Error, Code: NoteHopLimit, Message: name + " with Hop Limit " + strconv.Itoa(int(m.HopLimit)) + ", not 255: it may have been forwarded by a router, and receivers must discard it", RFC: rule, Offset: off, Length: len(m.msg)})
	}
	if m.Code != 0 {
		t.Note(dissect.Note{Severity: dissect.Error, Code: NoteCode, Message: name + " with ICMP Code " + strconv.Itoa(int(m.Code)) + ", not 0: receivers must discard it", RFC: rule, Offset: off + codeOffset, Length: 1})
	}
	unspecified := m.Src.IsValid() && m.Src.IsUnspecified()
	switch m.Type {
	case TypeRouterAdvert:
		if m.Src.IsValid() && !m.Src.IsLinkLocalUnicast() {
			t.Note(dissect.Note{Severity: dissect.Error, Code: NoteRASource, Message: "Router Advertisement from " + m.Src.String() + ", not a link-local address: receivers must discard it", RFC: rule, Offset: off, Length: len(m.msg)})
		}
		if m.have > raFlagsOffset && m.Prf() == prfReserved {
			t.Note(dissect.Note{Severity: dissect.NoteSev, Code: NotePrfReserved, Message: "Default Router Preference uses the reserved value 10, which receivers treat as Medium", RFC: rfcPrf, Offset: off + raFlagsOffset, Length: 1})
		}
	case TypeNeighborSolicit:
		if m.Target.IsValid() && m.Target.IsMulticast() {
			t.Note(dissect.Note{Severity: dissect.Error, Code: NoteTargetMulticast, Message: "Neighbor Solicitation for a multicast target " + m.Target.String() + ": receivers must discard it", RFC: rule, Offset: off + nsTargetOffset, Length: addrLen})
		}
		if unspecified && m.Dst.IsValid() && !isSolicitedNode(m.Dst) {
			t.Note(dissect.Note{Severity: dissect.Error, Code: NoteDADDestination, Message: "Neighbor Solicitation from the unspecified address (Duplicate Address Detection) sent to " + m.Dst.String() + ", not to a solicited-node multicast address: receivers must discard it", RFC: rule, Offset: off, Length: len(m.msg)})
		}
	case TypeNeighborAdvert:
		if m.Target.IsValid() && m.Target.IsMulticast() {
			t.Note(dissect.Note{Severity: dissect.Error, Code: NoteTargetMulticast, Message: "Neighbor Advertisement for a multicast target " + m.Target.String() + ": receivers must discard it", RFC: rule, Offset: off + naTargetOffset, Length: addrLen})
		}
		if m.Solicited() && m.Dst.IsValid() && m.Dst.IsMulticast() {
			t.Note(dissect.Note{Severity: dissect.Error, Code: NoteSolicitedMcast, Message: "Neighbor Advertisement with the Solicited flag sent to multicast " + m.Dst.String() + ": receivers must discard it", RFC: rule, Offset: off + naFlagsOffset, Length: 4})
		}
	case TypeRedirect:
		if m.Src.IsValid() && !m.Src.IsLinkLocalUnicast() {
			t.Note(dissect.Note{Severity: dissect.Error, Code: NoteRedirectSource, Message: "Redirect from " + m.Src.String() + ", not a link-local address: receivers must discard it", RFC: rule, Offset: off, Length: len(m.msg)})
		}
		if m.Destination.IsValid() && m.Destination.IsMulticast() {
			t.Note(dissect.Note{Severity: dissect.Error, Code: NoteRedirectDest, Message: "Redirect for a multicast destination " + m.Destination.String() + ": receivers must discard it", RFC: rule, Offset: off + rdDestOffset, Length: addrLen})
		}
		// RFC 4861 §8.1: "The ICMP Target Address is either a link-local
		// address (when redirected to a router) or the same as the ICMP
		// Destination Address (when redirected to the on-link destination)."
		if m.Target.IsValid() && m.Destination.IsValid() && !m.Target.IsLinkLocalUnicast() && m.Target != m.Destination {
			t.Note(dissect.Note{Severity: dissect.Error, Code: NoteRedirectTarget, Message: "Redirect target " + m.Target.String() + " is neither link-local nor the destination: receivers must discard it", RFC: rule, Offset: off + rdTargetOffset, Length: addrLen})
		}
	}
}

// isSolicitedNode reports whether a is a solicited-node multicast address,
// ff02::1:ffXX:XXXX (RFC 4291 §2.7.1).
func isSolicitedNode(a netip.Addr) bool {
	b := a.As16()
	return a.Is6() && b[0] == 0xff && b[1] == 0x02 && b[11] == 0x01 && b[12] == 0xff &&
		b[2]|b[3]|b[4]|b[5]|b[6]|b[7]|b[8]|b[9]|b[10] == 0
}

// badLength notes an option whose length its RFC does not allow.
func (m *ND) badLength(t *dissect.Tree, o *Option, at int) {
	n := dissect.Note{Severity: dissect.Error, Code: NoteOptBadLength, RFC: optionRFC(o.Type), Offset: at + optLenOffset, Length: 1, Malformed: true,
		Message: OptionName(uint64(o.Type)) + " option with Length " + strconv.Itoa(int(o.Length)) + ", which its RFC does not allow; receivers ignore it"}
	if o.Type == OptRDNSS && o.Length >= 3 && o.Length%2 == 0 {
		// RFC 8106 §5.3.1: the Length must be "greater than or equal to
		// the minimum value (3) and [satisfy] the requirement that
		// (Length - 1) % 2 == 0"; an even one leaves half an address.
		n.Code, n.RFC = NoteRDNSSEven, "RFC 8106 §5.3.1"
		n.Message = "RDNSS option with an even Length " + strconv.Itoa(int(o.Length)) + ": its addresses do not fill it (3 + 2 per extra address); receivers ignore it"
	}
	t.Note(n)
}

// checkOption notes an option the message must not carry, or one whose
// contents break their RFC.
func (m *ND) checkOption(t *dissect.Tree, o *Option, at int) {
	if m.quoted {
		return
	}
	size := int(o.Length) * optUnit
	switch o.Type {
	case OptSourceLinkAddr:
		switch m.Type {
		case TypeRouterSolicit, TypeNeighborSolicit:
			// RFC 4861 §6.1.1 and §7.1.1: "If the IP source address is the
			// unspecified address, there is no source link-layer address
			// option in the message."
			if m.Src.IsValid() && m.Src.IsUnspecified() {
				t.Note(dissect.Note{Severity: dissect.Error, Code: NoteSLLAUnspecified, Message: messageName(m.Type) + " from the unspecified address carries a Source Link-Layer Address option: receivers must discard it", RFC: m.optionRule(), Offset: at, Length: size})
			}
		case TypeRouterAdvert:
		default:
			m.ignored(t, o, at, rfcLLA)
		}
	case OptTargetLinkAddr:
		if m.Type != TypeNeighborAdvert && m.Type != TypeRedirect {
			m.ignored(t, o, at, rfcLLA)
		}
	case OptPrefixInfo:
		if m.Type != TypeRouterAdvert {
			m.ignored(t, o, at, rfcPrefix)
		}
		if len(o.Data) >= piPrefixOffset+addrLen {
			valid := be32(o.Data[piValidOffset:])
			preferred := be32(o.Data[piPreferredOffset:])
			if preferred > valid {
				t.Note(dissect.Note{Severity: dissect.Warn, Code: NotePrefixLifetimes, Message: "prefix's preferred lifetime " + strconv.FormatUint(uint64(preferred), 10) + " exceeds its valid lifetime " + strconv.FormatUint(uint64(valid), 10) + ": hosts ignore it for address autoconfiguration", RFC: "RFC 4862 §5.5.3", Offset: at + optHeaderLen + piValidOffset, Length: 8})
			}
			p := netip.AddrFrom16([addrLen]byte(o.Data[piPrefixOffset : piPrefixOffset+addrLen]))
			if p.IsLinkLocalUnicast() {
				t.Note(dissect.Note{Severity: dissect.Warn, Code: NotePrefixLinkLocal, Message: "Prefix Information for the link-local prefix " + p.String() + ": hosts ignore it", RFC: "RFC 4861 §6.3.4", Offset: at + optHeaderLen + piPrefixOffset, Length: addrLen})
			}
		}
	case OptRedirectedHdr:
		if m.Type != TypeRedirect {
			m.ignored(t, o, at, rfcRedirHdr)
		}
	case OptMTU:
		if m.Type != TypeRouterAdvert {
			m.ignored(t, o, at, rfcMTU)
		}
	}
}

// ignored notes an option a message type does not use. RFC 4861 §4.6.1:
// "These options MUST be silently ignored for other Neighbor Discovery
// messages"; §4.6.2 to §4.6.4 say the same of their options.
func (m *ND) ignored(t *dissect.Tree, o *Option, at int, rfc string) {
	t.Note(dissect.Note{Severity: dissect.NoteSev, Code: NoteOptIgnored, Message: OptionName(uint64(o.Type)) + " option does not belong in a " + messageName(m.Type) + "; receivers ignore it", RFC: rfc, Offset: at, Length: int(o.Length) * optUnit})
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
