package live

import (
	"fmt"

	"github.com/v6scope/v6scope/capture"
	"golang.org/x/net/bpf"
)

// The built-in capture filter keeps what v6scope decodes and nothing else:
//
//   - IPv6 packets (EtherType 0x86DD, RFC 8200) whose upper layer, after
//     up to maxExtHeaders Hop-by-Hop, Routing, Destination Options and
//     Fragment headers, is ICMPv6 (58: ND, MLD — MLD always comes behind a
//     Hop-by-Hop header with Router Alert, RFC 3810 §5, which tcpdump's
//     "icmp6" does not follow), the Mobility Header (135, RFC 6275 §6.1;
//     and 62, the value of the drafts before it), IPv6 in IPv6 (41), or UDP
//     from or to port 3544 (Teredo, RFC 4380), 500 (IKEv2, RFC 7296 §2) or
//     4500 (UDP-encapsulated IKE and ESP, RFC 3948). A non-first fragment
//     (RFC 8200 §4.5) of UDP, ICMPv6 or the Mobility Header is kept, since
//     its ports cannot be seen: IKE_AUTH messages with certificates are
//     often fragmented at the IP layer.
//   - IPv4 packets (0x0800, RFC 791) of protocol 41 (6in4, 6to4 and ISATAP:
//     RFC 4213, RFC 3056, RFC 5214), and UDP to or from 3544, 500 or 4500,
//     or on any port when the payload is shaped like Teredo (indicators,
//     then an IPv6 header whose Payload Length fills the datagram: the
//     check of decode/teredo.Match, since relays and peers reach a client
//     on its NAT-mapped port, RFC 4380 §5.2.3); non-first UDP fragments.
//   - Both directly after the Ethernet header and after one IEEE 802.1Q or
//     802.1ad tag. (Linux usually strips the tag of received frames before
//     packet sockets see them; then the EtherType is where it would be
//     untagged, and the capture puts the tag back.)
//
// A kept packet is cut to the snapshot length by the program's return
// value, as classic BPF does (filter.txt in the Linux documentation).

// maxExtHeaders is how many IPv6 extension headers the filter walks
// before it gives up on a packet. Classic BPF has no backward jumps, so
// the walk is unrolled: each step costs about thirty instructions.
const maxExtHeaders = 6

// EtherTypes (IEEE 802; the IANA ieee-802-numbers registry).
const (
	etherTypeIPv4   = 0x0800
	etherTypeIPv6   = 0x86DD
	etherTypeDot1Q  = 0x8100 // IEEE 802.1Q customer VLAN tag
	etherTypeDot1AD = 0x88A8 // IEEE 802.1ad service VLAN tag
)

// Offsets in an Ethernet frame (IEEE 802.3 §3.1.1).
const (
	ethTypeOff     = 12 // EtherType after destination and source MAC
	ethHeaderLen   = 14
	dot1QTagLen    = 4 // TPID and TCI; the inner EtherType follows
	ethVLANTypeOff = ethTypeOff + dot1QTagLen
)

// IP protocol and IPv6 Next Header numbers (IANA protocol-numbers).
const (
	protoHopByHop    = 0
	protoUDP         = 17
	protoIPv6        = 41 // IPv6 encapsulation: 6in4 (RFC 4213), IPv6 in IPv6 (RFC 2473)
	protoRouting     = 43
	protoFragment    = 44
	protoICMPv6      = 58
	protoDestOpts    = 60
	protoMobilityOld = 62  // the Mobility Header's number in the drafts before RFC 6275
	protoMobility    = 135 // RFC 6275 §6.1
)

// UDP ports of the protocols v6scope decodes.
const (
	portTeredo  = 3544 // RFC 4380 §4
	portIKE     = 500  // RFC 7296 §2
	portIKENATT = 4500 // RFC 3948 §2, RFC 7296 §2.23
)

// IPv4 header fields (RFC 791 §3.1).
const (
	ip4ProtoOff     = 9
	ip4FlagsFragOff = 6
	ip4FragOffMask  = 0x1FFF // fragment offset, in 8-byte units
)

// IPv6 header fields (RFC 8200 §3) and extension headers (§4).
const (
	ip6PlenOff       = 4
	ip6NextHeaderOff = 6
	ip6HeaderLen     = 40
	extNextHeaderOff = 0
	extLenOff        = 1 // Hdr Ext Len: 8-octet units, not counting the first 8
	fragOffsetOff    = 2 // Fragment Offset (13 bits) and M flag
	fragOffsetMask   = 0xFFF8
	fragHeaderLen    = 8
)

// UDP header (RFC 768).
const (
	udpSrcPortOff = 0
	udpDstPortOff = 2
	udpLenOff     = 4
	udpHeaderLen  = 8
)

// Teredo indicators (RFC 4380 §5.1.1): authentication (type 1) has a
// 4-byte head with the two lengths, then the client identifier, the
// authentication value, an 8-byte nonce and a 1-byte confirmation; origin
// indication (type 0) is 8 bytes.
const (
	teredoAuthType     = 0x0001
	teredoOriginType   = 0x0000
	teredoAuthIDLenOff = 2
	teredoAuthAuLenOff = 3
	teredoAuthFixed    = 4 + 8 + 1
	teredoOriginLen    = 8
)

// Scratch memory slots the program uses.
const (
	memNextHeader = 0 // next header value while X moves on
	memUDPEnd     = 1 // offset just past the UDP datagram
	memTemp       = 2
	memPayload    = 3
)

// Program returns the built-in filter for a link type, keeping snapLen
// bytes of each accepted packet (0 or more than 2^32-1 means all). It
// supports Ethernet (and the Linux loopback, which has an Ethernet header)
// and raw IP (tun devices and IP tunnels).
func Program(link capture.LinkType, snapLen int) ([]bpf.Instruction, error) {
	g := &gen{a: newAsm(), snap: acceptLen(snapLen)}
	switch link {
	case capture.LinkEthernet:
		g.ethernet()
	case capture.LinkRaw:
		g.raw()
	default:
		return nil, fmt.Errorf("the built-in capture filter does not know link type %s", link)
	}
	return g.a.assemble()
}

// acceptLen is the value an accepting program returns.
func acceptLen(snapLen int) uint32 {
	if snapLen <= 0 || int64(snapLen) > int64(^uint32(0)) {
		return ^uint32(0)
	}
	return uint32(snapLen)
}

// AcceptAll returns the program that keeps every packet, cut to snapLen.
func AcceptAll(snapLen int) []bpf.Instruction {
	return []bpf.Instruction{bpf.RetConstant{Val: acceptLen(snapLen)}}
}

// rejectAll is attached when a capture stops, so that nothing more enters
// the ring while what is there is drained.
var rejectAll = []bpf.Instruction{bpf.RetConstant{Val: 0}}

type gen struct {
	a    *asm
	snap uint32
	n    int // label counter
}

func (g *gen) uniq(name string) string {
	g.n++
	return fmt.Sprintf("%s.%d", name, g.n)
}

func (g *gen) accept() { g.a.emit(bpf.RetConstant{Val: g.snap}) }
func (g *gen) reject() { g.a.emit(bpf.RetConstant{Val: 0}) }

func (g *gen) ethernet() {
	a := g.a
	ip6, ip4, vlan := g.uniq("ip6"), g.uniq("ip4"), g.uniq("vlan")
	a.emit(bpf.LoadAbsolute{Off: ethTypeOff, Size: 2})
	g.dispatch([]uint32{etherTypeIPv6, etherTypeIPv4, etherTypeDot1Q, etherTypeDot1AD}, []string{ip6, ip4, vlan, vlan})
	a.label(ip6)
	g.ipv6(ethHeaderLen)
	a.label(ip4)
	g.ipv4(ethHeaderLen)
	a.label(vlan)
	vip6, vip4 := g.uniq("vip6"), g.uniq("vip4")
	a.emit(bpf.LoadAbsolute{Off: ethVLANTypeOff, Size: 2})
	g.dispatch([]uint32{etherTypeIPv6, etherTypeIPv4}, []string{vip6, vip4})
	a.label(vip6)
	g.ipv6(ethHeaderLen + dot1QTagLen)
	a.label(vip4)
	g.ipv4(ethHeaderLen + dot1QTagLen)
}

// raw: the packet starts with the IP header; its version nibble says which.
func (g *gen) raw() {
	a := g.a
	ip6, ip4 := g.uniq("ip6"), g.uniq("ip4")
	a.emit(bpf.LoadAbsolute{Off: 0, Size: 1}, bpf.ALUOpConstant{Op: bpf.ALUOpShiftRight, Val: 4})
	g.dispatch([]uint32{6, 4}, []string{ip6, ip4})
	a.label(ip6)
	g.ipv6(0)
	a.label(ip4)
	g.ipv4(0)
}

// dispatch jumps to labels[i] when A == vals[i] and rejects the packet
// when A is none of them. The jumps go through unconditional ones, which
// reach any distance.
func (g *gen) dispatch(vals []uint32, labels []string) {
	tramp := make([]string, len(vals))
	for i, v := range vals {
		tramp[i] = g.uniq("to")
		g.a.jeq(v, tramp[i])
	}
	g.reject()
	for i := range vals {
		g.a.label(tramp[i])
		g.a.ja(labels[i])
	}
}

// ipv6 emits the IPv6 test for a header at the constant offset l. It ends
// in return instructions on every path.
func (g *gen) ipv6(l uint32) {
	a := g.a
	udp := g.uniq("udp6")
	// A = Next Header, X = where the header it names starts.
	a.emit(bpf.LoadAbsolute{Off: l + ip6NextHeaderOff, Size: 1},
		bpf.LoadConstant{Dst: bpf.RegX, Val: l + ip6HeaderLen})
	for i := 0; i <= maxExtHeaders; i++ {
		acc, toUDP, ext, frag, next := g.uniq("acc"), g.uniq("toudp"), g.uniq("ext"), g.uniq("frag"), g.uniq("next")
		a.jeq(protoICMPv6, acc)
		a.jeq(protoMobility, acc)
		a.jeq(protoMobilityOld, acc)
		a.jeq(protoIPv6, acc)
		a.jeq(protoUDP, toUDP)
		if i == maxExtHeaders {
			// Too many extension headers: give up.
			g.reject()
			a.label(acc)
			g.accept()
			a.label(toUDP)
			a.ja(udp)
			break
		}
		a.jeq(protoHopByHop, ext)
		a.jeq(protoDestOpts, ext)
		a.jeq(protoRouting, ext)
		a.jeq(protoFragment, frag)
		g.reject()
		a.label(acc)
		g.accept()
		a.label(toUDP)
		a.ja(udp)

		// Hop-by-Hop, Destination Options, Routing: length in 8-octet
		// units beyond the first 8 (RFC 8200 §4.3, §4.4, §4.6).
		a.label(ext)
		a.emit(
			bpf.LoadIndirect{Off: extNextHeaderOff, Size: 1},
			bpf.StoreScratch{Src: bpf.RegA, N: memNextHeader},
			bpf.LoadIndirect{Off: extLenOff, Size: 1},
			bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: 1},
			bpf.ALUOpConstant{Op: bpf.ALUOpShiftLeft, Val: 3},
			bpf.ALUOpX{Op: bpf.ALUOpAdd},
			bpf.TAX{},
			bpf.LoadScratch{Dst: bpf.RegA, N: memNextHeader},
		)
		a.ja(next)

		// Fragment (RFC 8200 §4.5): the first fragment holds the upper
		// header; a later one is kept when the upper protocol is ours.
		a.label(frag)
		first, later := g.uniq("first"), g.uniq("later")
		a.emit(bpf.LoadIndirect{Off: fragOffsetOff, Size: 2})
		a.jif(bpf.JumpBitsSet, fragOffsetMask, later, first)
		a.label(later)
		lacc := g.uniq("lacc")
		a.emit(bpf.LoadIndirect{Off: extNextHeaderOff, Size: 1})
		a.jeq(protoUDP, lacc)
		a.jeq(protoICMPv6, lacc)
		a.jeq(protoMobility, lacc)
		a.jeq(protoMobilityOld, lacc)
		a.jeq(protoIPv6, lacc)
		g.reject()
		a.label(lacc)
		g.accept()
		a.label(first)
		a.emit(
			bpf.LoadIndirect{Off: extNextHeaderOff, Size: 1},
			bpf.StoreScratch{Src: bpf.RegA, N: memNextHeader},
			bpf.TXA{},
			bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: fragHeaderLen},
			bpf.TAX{},
			bpf.LoadScratch{Dst: bpf.RegA, N: memNextHeader},
		)
		a.label(next)
	}
	a.label(udp)
	g.udp(false)
}

// ipv4 emits the IPv4 test for a header at the constant offset l.
func (g *gen) ipv4(l uint32) {
	a := g.a
	acc, udp, first := g.uniq("acc4"), g.uniq("udp4"), g.uniq("first4")
	a.emit(bpf.LoadAbsolute{Off: l + ip4ProtoOff, Size: 1})
	a.jeq(protoIPv6, acc)
	a.jeq(protoUDP, udp)
	g.reject()
	a.label(acc)
	g.accept()
	a.label(udp)
	// A non-first fragment has no UDP header to look at: keep it.
	a.emit(bpf.LoadAbsolute{Off: l + ip4FlagsFragOff, Size: 2})
	later := g.uniq("later4")
	a.jif(bpf.JumpBitsSet, ip4FragOffMask, later, first)
	a.label(later)
	g.accept()
	a.label(first)
	// X = l + IHL*4 (ldxb 4*([l]&0xf)).
	a.emit(bpf.LoadMemShift{Off: l}, bpf.TXA{},
		bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: l}, bpf.TAX{})
	g.udp(true)
}

// udp emits the UDP test for a header at X: ports, then (over IPv4) the
// Teredo shape.
func (g *gen) udp(teredo bool) {
	a := g.a
	acc := g.uniq("uacc")
	for _, off := range []uint32{udpSrcPortOff, udpDstPortOff} {
		a.emit(bpf.LoadIndirect{Off: off, Size: 2})
		a.jeq(portTeredo, acc)
		a.jeq(portIKE, acc)
		a.jeq(portIKENATT, acc)
	}
	if !teredo {
		g.reject()
		a.label(acc)
		g.accept()
		return
	}
	rej, auth, origin, ip6, afterAuth := g.uniq("trej"), g.uniq("tauth"), g.uniq("torigin"), g.uniq("tip6"), g.uniq("tafter")
	// M[end] = X + UDP length; X = start of the payload.
	a.emit(
		bpf.LoadIndirect{Off: udpLenOff, Size: 2},
		bpf.ALUOpX{Op: bpf.ALUOpAdd},
		bpf.StoreScratch{Src: bpf.RegA, N: memUDPEnd},
		bpf.TXA{},
		bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: udpHeaderLen},
		bpf.TAX{},
		bpf.LoadIndirect{Off: 0, Size: 2},
	)
	a.jeq(teredoAuthType, auth)
	a.jeq(teredoOriginType, origin)
	a.ja(ip6)

	// Authentication indicator: X += 13 + ID-len + AU-len.
	a.label(auth)
	a.emit(
		bpf.StoreScratch{Src: bpf.RegX, N: memPayload},
		bpf.LoadIndirect{Off: teredoAuthAuLenOff, Size: 1},
		bpf.StoreScratch{Src: bpf.RegA, N: memTemp},
		bpf.LoadIndirect{Off: teredoAuthIDLenOff, Size: 1},
		bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: teredoAuthFixed},
		bpf.LoadScratch{Dst: bpf.RegX, N: memTemp},
		bpf.ALUOpX{Op: bpf.ALUOpAdd},
		bpf.LoadScratch{Dst: bpf.RegX, N: memPayload},
		bpf.ALUOpX{Op: bpf.ALUOpAdd},
		bpf.TAX{},
		bpf.LoadIndirect{Off: 0, Size: 2},
	)
	a.jif(bpf.JumpEqual, teredoOriginType, origin, afterAuth)
	a.label(afterAuth)
	a.ja(ip6)

	// Origin indication: X += 8.
	a.label(origin)
	a.emit(bpf.TXA{}, bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: teredoOriginLen}, bpf.TAX{})

	// An IPv6 header whose Payload Length ends exactly at the datagram's end.
	a.label(ip6)
	a.emit(bpf.LoadIndirect{Off: 0, Size: 1}, bpf.ALUOpConstant{Op: bpf.ALUOpShiftRight, Val: 4})
	a.jif(bpf.JumpNotEqual, 6, rej, "")
	a.emit(
		bpf.LoadIndirect{Off: ip6PlenOff, Size: 2},
		bpf.ALUOpConstant{Op: bpf.ALUOpAdd, Val: ip6HeaderLen},
		bpf.ALUOpX{Op: bpf.ALUOpAdd},
		bpf.LoadScratch{Dst: bpf.RegX, N: memUDPEnd},
	)
	a.jifx(bpf.JumpEqual, acc, rej)
	a.label(rej)
	g.reject()
	a.label(acc)
	g.accept()
}
