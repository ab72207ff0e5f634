package tunnel

import (
	"encoding/binary"
	"net/netip"

	"github.com/v6scope/v6scope/decode/dissect"
)

// Teredo address (RFC 4380 §4):
//
//	+-------------+-------------+-------+------+-------------+
//	| Prefix      | Server IPv4 | Flags | Port | Client IPv4 |
//	+-------------+-------------+-------+------+-------------+
//	  32 bits       32 bits       16      16     32 bits
//
// Port and Client IPv4 are the client's mapped (NAT-external) port and
// address "obfuscated": every bit inverted.
const (
	teredoServerOffset = 4
	teredoFlagsOffset  = 8
	teredoPortOffset   = 10
	teredoClientOffset = 12
)

// Teredo flag bits, "CRAAAAUG AAAAAAAA" (RFC 4380 §4 defines C; RFC 5991
// §4 makes the A bits random and keeps U and G zero).
const (
	FlagCone     = 0x8000 // C: the client is behind a cone NAT (RFC 4380 §4)
	FlagReserved = 0x4000 // R: reserved, zero (RFC 5991)
	FlagsRandom  = 0x3cff // the twelve A bits, random (RFC 5991)
	FlagU        = 0x0200 // Universal/Local, zero (RFC 5991)
	FlagG        = 0x0100 // Individual/Group, zero (RFC 5991)
)

// TeredoPrefix is the Teredo service prefix 2001::/32 (RFC 4380 §2.6).
var TeredoPrefix = netip.MustParsePrefix("2001::/32")

// Teredo is what a Teredo address holds, de-obfuscated.
type Teredo struct {
	Server netip.Addr // the Teredo server's primary IPv4 address
	Flags  uint16
	Port   uint16     // the client's mapped UDP port
	Client netip.Addr // the client's mapped IPv4 address
}

// ParseTeredo reads a Teredo address (RFC 4380 §4). ok is false when a is
// not in 2001::/32.
func ParseTeredo(a netip.Addr) (t Teredo, ok bool) {
	if !a.Is6() || a.Is4In6() {
		return t, false
	}
	b := a.As16()
	if b[0] != 0x20 || b[1] != 0x01 || b[2] != 0 || b[3] != 0 {
		return t, false
	}
	t.Server = netip.AddrFrom4([4]byte(b[teredoServerOffset : teredoServerOffset+4]))
	t.Flags = binary.BigEndian.Uint16(b[teredoFlagsOffset:])
	t.Port = ^binary.BigEndian.Uint16(b[teredoPortOffset:])
	c := [4]byte(b[teredoClientOffset:])
	for i := range c {
		c[i] = ^c[i]
	}
	t.Client = netip.AddrFrom4(c)
	return t, true
}

// 6to4 address (RFC 3056 §2): 2002:V4ADDR:SLA-ID:Interface-ID.
const (
	sixToFourGWOffset  = 2
	sixToFourSLAOffset = 6
)

// ParseSixToFour reads a 6to4 address (RFC 3056 §2): the IPv4 address of
// the site's 6to4 gateway and the SLA (subnet) ID. ok is false when a is
// not in 2002::/16.
func ParseSixToFour(a netip.Addr) (gw netip.Addr, sla uint16, ok bool) {
	if !a.Is6() || a.Is4In6() {
		return gw, 0, false
	}
	b := a.As16()
	if b[0] != 0x20 || b[1] != 0x02 {
		return gw, 0, false
	}
	return netip.AddrFrom4([4]byte(b[sixToFourGWOffset:])), binary.BigEndian.Uint16(b[sixToFourSLAOffset:]), true
}

// ISATAP interface identifier (RFC 5214 §6.1): [00-00-5E-FE] or, with
// the u bit of a universally unique IPv4 address, [02-00-5E-FE], then the
// IPv4 address.
const (
	isatapIIDOffset  = 8
	isatapIPv4Offset = 12
)

// ParseISATAP reads the IPv4 address in an ISATAP interface identifier
// (RFC 5214 §6.1). Like Wireshark 4.0 it accepts the u and g bits (the
// first octet's two low bits) in any state: 0000:5efe, 0100:5efe,
// 0200:5efe and 0300:5efe.
func ParseISATAP(a netip.Addr) (v4 netip.Addr, ok bool) {
	if !a.Is6() || a.Is4In6() {
		return v4, false
	}
	b := a.As16()
	if b[isatapIIDOffset]&0xfc != 0 || b[isatapIIDOffset+1] != 0 || b[isatapIIDOffset+2] != 0x5e || b[isatapIIDOffset+3] != 0xfe {
		return v4, false
	}
	return netip.AddrFrom4([4]byte(b[isatapIPv4Offset:])), true
}

const (
	rfc4380Addr = "RFC 4380 §4"
	rfc5991     = "RFC 5991"
	rfc3056     = "RFC 3056 §2"
	rfc5214     = "RFC 5214 §6.1"
)

var fields dissect.FieldList

// Fields returns the fields of this package.
func Fields() []*dissect.FieldInfo { return fields }

// addrFields are the fields of one address role: source, destination, or
// either (the hidden aggregates).
type addrFields struct {
	gw, sla, ts, port, client, isatap, flags *dissect.FieldInfo
}

func v4(name, title, explain, rfc string) *dissect.FieldInfo {
	return fields.Add(dissect.Of(name, title, dissect.IPv4, explain, rfc))
}

func dec(name, title, explain, rfc string) *dissect.FieldInfo {
	return fields.Add(dissect.Dec(name, title, explain, rfc))
}

func roleFields(prefix, role string) addrFields {
	return addrFields{
		gw:     v4("ipv6."+prefix+"6to4_gw_ipv4", role+"6to4 Gateway IPv4", "The IPv4 address of the 6to4 gateway of this address's site, bits 16-47 of a 2002::/16 address.", rfc3056),
		sla:    dec("ipv6."+prefix+"6to4_sla_id", role+"6to4 SLA ID", "The subnet within the 6to4 site, bits 48-63.", rfc3056),
		ts:     v4("ipv6."+prefix+"ts_ipv4", role+"Teredo Server IPv4", "The public IPv4 address of the Teredo server the client qualified with, bits 32-63 of a 2001::/32 address.", rfc4380Addr),
		port:   dec("ipv6."+prefix+"tc_port", role+"Teredo Port", "The client's UDP port as its NAT maps it, stored with every bit inverted so NATs do not rewrite it.", rfc4380Addr),
		client: v4("ipv6."+prefix+"tc_ipv4", role+"Teredo Client IPv4", "The client's public (NAT-mapped) IPv4 address, stored with every bit inverted.", rfc4380Addr),
		isatap: v4("ipv6."+prefix+"isatap_ipv4", role+"ISATAP IPv4", "The IPv4 address of the ISATAP interface, in the last 32 bits after the 0000:5efe or 0200:5efe interface identifier.", rfc5214),
	}
}

var (
	srcFields = roleFields("src_", "Source ")
	dstFields = roleFields("dst_", "Destination ")
	anyFields = roleFields("", "")

	fSrcFlags   = fields.Add(dissect.Hex("v6scope.ipv6.src_tc_flags", "Source Teredo Flags", 16, "The 16 flag bits of a Teredo address, CRAAAAUG AAAAAAAA: cone, reserved, 12 random bits, and U and G, which stay zero.", rfc5991))
	fDstFlags   = fields.Add(dissect.Hex("v6scope.ipv6.dst_tc_flags", "Destination Teredo Flags", 16, "The 16 flag bits of a Teredo address, CRAAAAUG AAAAAAAA: cone, reserved, 12 random bits, and U and G, which stay zero.", rfc5991))
	fFlagCone   = fields.Add(dissect.Flag("v6scope.ipv6.tc_flags.cone", "Cone NAT", "Set when qualification found the client behind a cone NAT: any peer can reach its mapped address and port directly, so no bubble is needed first.", rfc4380Addr))
	fFlagRsv    = fields.Add(dissect.Flag("v6scope.ipv6.tc_flags.reserved", "Reserved", "The R bit: reserved, sent as zero.", rfc5991))
	fFlagRandom = fields.Add(dissect.Hex("v6scope.ipv6.tc_flags.random", "Random bits", 16, "The twelve A bits (mask 0x3cff), chosen at random by the client so that an attacker who knows the server and mapping still has 4096 addresses to guess.", rfc5991))
	fFlagU      = fields.Add(dissect.Flag("v6scope.ipv6.tc_flags.u", "Universal/Local", "The U bit, in the place of the universal/local bit of an interface identifier: zero.", rfc5991))
	fFlagG      = fields.Add(dissect.Flag("v6scope.ipv6.tc_flags.g", "Individual/Group", "The G bit, in the place of the individual/group bit of an interface identifier: zero.", rfc5991))
)

func init() { srcFields.flags, dstFields.flags = fSrcFlags, fDstFlags }

// AddressDetails adds, under an IPv6 header, what the source and
// destination addresses embed, as tshark 4.0 does and in its order: 6to4
// gateways and SLA IDs, then Teredo servers, ports and clients, then ISATAP
// IPv4 addresses, source before destination, each followed by its hidden
// role-less twin (ipv6.6to4_gw_ipv4, ipv6.ts_ipv4, …). srcOff and dstOff
// are the addresses' offsets in the frame. v6scope adds the Teredo flags.
func AddressDetails(t *dissect.Tree, srcOff, dstOff int, src, dst netip.Addr) {
	sixToFour(t, srcOff, src, &srcFields)
	sixToFour(t, dstOff, dst, &dstFields)
	teredo(t, srcOff, src, &srcFields)
	teredo(t, dstOff, dst, &dstFields)
	isatap(t, srcOff, src, &srcFields)
	isatap(t, dstOff, dst, &dstFields)
}

func sixToFour(t *dissect.Tree, off int, a netip.Addr, f *addrFields) {
	gw, sla, ok := ParseSixToFour(a)
	if !ok {
		return
	}
	t.Addr(f.gw, off+sixToFourGWOffset, 4, gw)
	t.Uint(f.sla, off+sixToFourSLAOffset, 2, uint64(sla))
	t.Addr(anyFields.gw, off+sixToFourGWOffset, 4, gw).Hidden = true
	t.Uint(anyFields.sla, off+sixToFourSLAOffset, 2, uint64(sla)).Hidden = true
}

func teredo(t *dissect.Tree, off int, a netip.Addr, f *addrFields) {
	ta, ok := ParseTeredo(a)
	if !ok {
		return
	}
	t.Addr(f.ts, off+teredoServerOffset, 4, ta.Server)
	at := off + teredoFlagsOffset
	t.Push(f.flags, at, 2).U = uint64(ta.Flags)
	t.Uint(fFlagCone, at, 2, b2u(ta.Flags&FlagCone != 0))
	t.Uint(fFlagRsv, at, 2, b2u(ta.Flags&FlagReserved != 0))
	t.Uint(fFlagRandom, at, 2, uint64(ta.Flags&FlagsRandom))
	t.Uint(fFlagU, at, 1, b2u(ta.Flags&FlagU != 0))
	t.Uint(fFlagG, at, 1, b2u(ta.Flags&FlagG != 0))
	t.Pop()
	t.Uint(f.port, off+teredoPortOffset, 2, uint64(ta.Port))
	t.Addr(f.client, off+teredoClientOffset, 4, ta.Client)
	t.Addr(anyFields.ts, off+teredoServerOffset, 4, ta.Server).Hidden = true
	t.Uint(anyFields.port, off+teredoPortOffset, 2, uint64(ta.Port)).Hidden = true
	t.Addr(anyFields.client, off+teredoClientOffset, 4, ta.Client).Hidden = true
}

func isatap(t *dissect.Tree, off int, a netip.Addr, f *addrFields) {
	v4, ok := ParseISATAP(a)
	if !ok {
		return
	}
	t.Addr(f.isatap, off+isatapIPv4Offset, 4, v4)
	t.Addr(anyFields.isatap, off+isatapIPv4Offset, 4, v4).Hidden = true
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
