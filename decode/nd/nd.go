package nd

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/icmp"
)

// ICMPv6 types of the Neighbor Discovery messages (RFC 4861 §4).
const (
	TypeRouterSolicit   = 133
	TypeRouterAdvert    = 134
	TypeNeighborSolicit = 135
	TypeNeighborAdvert  = 136
	TypeRedirect        = 137
)

// Types lists the ICMPv6 types this package decodes, for the registry.
var Types = [...]uint8{TypeRouterSolicit, TypeRouterAdvert, TypeNeighborSolicit, TypeNeighborAdvert, TypeRedirect}

// Offsets shared by every message: the ICMPv6 header (RFC 4443 §2.1) and
// the word after it, then the 16-byte addresses of NS, NA and Redirect.
const (
	typeOffset = 0
	codeOffset = 1
	bodyOffset = 4  // first byte after type, code and checksum
	addrLen    = 16 // an IPv6 address
	// RequiredHopLimit is the Hop Limit every ND message must arrive with,
	// proof that no router forwarded it (RFC 4861 §3.1).
	RequiredHopLimit = 255
)

// fixedLen returns the length of a message type's fixed part: the bytes
// before its options (RFC 4861 §4.1 to §4.5).
func fixedLen(typ uint8) int {
	switch typ {
	case TypeRouterSolicit:
		return rsLen
	case TypeRouterAdvert:
		return raLen
	case TypeNeighborSolicit:
		return nsLen
	case TypeNeighborAdvert:
		return naLen
	case TypeRedirect:
		return rdLen
	}
	return bodyOffset
}

// ND is one Neighbor Discovery message: the whole ICMPv6 message, handed
// over by the ICMPv6 layer, with its fixed fields and its options. The
// fields of the message types it is not are zero.
type ND struct {
	dissect.Span
	Type, Code uint8

	// Router Advertisement (RFC 4861 §4.2).
	CurHopLimit    uint8
	RAFlags        uint8
	RouterLifetime uint16
	ReachableTime  uint32
	RetransTimer   uint32
	// Neighbor Advertisement (RFC 4861 §4.4).
	NAFlags uint32
	// Target is the Target Address of NS, NA and Redirect; Destination the
	// Destination Address of Redirect (RFC 4861 §4.3 to §4.5).
	Target, Destination netip.Addr

	// Options holds the well-formed options, in order. A malformed one
	// ends the walk (see BadOption).
	Options []Option
	// BadOption is the option that ended the walk when it was of Length
	// 0 or ran past the end of the message (OptStatus tells which).
	BadOption Option
	optStatus optStatus

	// What the IP header said: Hop Limit and addresses (RFC 4861 §6.1,
	// §7.1, §8.1 judge them).
	HopLimit uint8
	Src, Dst netip.Addr

	msg        []byte // the whole message, aliasing the frame
	have       int    // bytes of the fixed part present
	short      bool   // message shorter than its fixed part
	truncated  bool   // … because the capture cut it short
	quoted     bool   // inside an ICMPv6 error or a Redirected Header: not judged
	redirected int    // index in Options of the Redirected Header whose packet follows, or -1
	names      []byte // DNSSL names, reused
	icmp       *icmp.ICMPv6
	ctx        *dissect.Context
	next       gopacket.LayerType
}

// New returns an ND decoder. icmp6 is the ICMPv6 layer that hands it the
// messages, and dissects their header (icmp.ICMPv6.Open).
func New(ctx *dissect.Context, icmp6 *icmp.ICMPv6) *ND {
	return &ND{ctx: ctx, icmp: icmp6, redirected: -1}
}

// CanDecode implements gopacket.DecodingLayer.
func (m *ND) CanDecode() gopacket.LayerClass { return dissect.LayerND }

// LayerType implements gopacket.Layer.
func (m *ND) LayerType() gopacket.LayerType { return dissect.LayerND }

// NextLayerType implements gopacket.DecodingLayer: IPv6 for the packet of
// a Redirected Header option, else nothing.
func (m *ND) NextLayerType() gopacket.LayerType { return m.next }

// DecodeFromBytes implements gopacket.DecodingLayer. data is the whole
// ICMPv6 message, header included. It resets every field first, and does
// not allocate once Options has grown to the number of options seen.
func (m *ND) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*m = ND{Options: m.Options[:0], names: m.names[:0], icmp: m.icmp, ctx: m.ctx, redirected: -1}
	if len(data) < bodyOffset {
		df.SetTruncated()
		return dissect.Truncated("Neighbor Discovery message", bodyOffset, len(data))
	}
	m.msg = data
	m.Contents = data
	m.Type, m.Code = data[typeOffset], data[codeOffset]
	if m.ctx != nil {
		m.quoted = m.ctx.InError
		m.truncated = m.ctx.Truncated
		m.HopLimit = m.ctx.HopLimit
		m.Src, m.Dst = m.ctx.Src, m.ctx.Dst
	}
	fixed := fixedLen(m.Type)
	m.have = min(len(data), fixed)
	if len(data) < fixed {
		m.short = true
		if m.truncated {
			df.SetTruncated()
		}
	}
	m.decodeFixed(data)
	if m.short {
		return nil
	}
	it := optionIterator{b: data, off: fixed}
	for {
		o, done, st := it.next()
		if st != optOK {
			m.BadOption, m.optStatus = o, st
			if st == optOverrun && m.truncated {
				df.SetTruncated()
			}
			break
		}
		if done {
			break
		}
		if o.Type == OptRedirectedHdr && m.Type == TypeRedirect && m.redirected < 0 && len(o.Data) > redirReservedLen {
			m.redirected = len(m.Options)
		}
		m.Options = append(m.Options, o)
	}
	if m.redirected >= 0 {
		// RFC 4861 §4.6.3: as much of the redirected packet as fits. It is
		// cut short on purpose, so it is decoded as ICMPv6 errors decode
		// their invoking packet: checksums and lengths are not judged.
		m.Payload = m.Options[m.redirected].Data[redirReservedLen:]
		m.next = dissect.LayerIPv6
		if m.ctx != nil {
			m.ctx.InError = true
		}
	}
	return nil
}

// decodeFixed reads the fields of the fixed part that are present.
func (m *ND) decodeFixed(b []byte) {
	switch m.Type {
	case TypeRouterAdvert:
		if len(b) >= raHopLimitOffset+1 {
			m.CurHopLimit = b[raHopLimitOffset]
		}
		if len(b) >= raFlagsOffset+1 {
			m.RAFlags = b[raFlagsOffset]
		}
		if len(b) >= raLifetimeOffset+2 {
			m.RouterLifetime = binary.BigEndian.Uint16(b[raLifetimeOffset:])
		}
		if len(b) >= raReachableOffset+4 {
			m.ReachableTime = binary.BigEndian.Uint32(b[raReachableOffset:])
		}
		if len(b) >= raRetransOffset+4 {
			m.RetransTimer = binary.BigEndian.Uint32(b[raRetransOffset:])
		}
	case TypeNeighborSolicit:
		m.Target = addrAt(b, nsTargetOffset)
	case TypeNeighborAdvert:
		if len(b) >= naFlagsOffset+4 {
			m.NAFlags = binary.BigEndian.Uint32(b[naFlagsOffset:])
		}
		m.Target = addrAt(b, naTargetOffset)
	case TypeRedirect:
		m.Target = addrAt(b, rdTargetOffset)
		m.Destination = addrAt(b, rdDestOffset)
	}
}

// addrAt returns the address at b[off:], or the zero Addr when b is too
// short to hold it.
func addrAt(b []byte, off int) netip.Addr {
	if len(b) < off+addrLen {
		return netip.Addr{}
	}
	return netip.AddrFrom16([addrLen]byte(b[off : off+addrLen]))
}

// Dissect implements dissect.Layer: the ICMPv6 header through
// icmp.ICMPv6.Open, the message's fixed fields, its options, and the expert
// notes. When a Redirected Header carries a packet, its option node is left
// open, so that the packet decoded next sits inside it.
func (m *ND) Dissect(t *dissect.Tree) {
	off := m.icmp.Open(t, m.msg)
	switch m.Type {
	case TypeRouterSolicit:
		m.dissectRS(t, off)
	case TypeRouterAdvert:
		m.dissectRA(t, off)
	case TypeNeighborSolicit:
		m.dissectNS(t, off)
	case TypeNeighborAdvert:
		m.dissectNA(t, off)
	case TypeRedirect:
		m.dissectRedirect(t, off)
	}
	m.checkMessage(t, off)
	for i := range m.Options {
		if i != m.redirected {
			m.dissectOption(t, off, &m.Options[i])
		}
	}
	m.dissectBadOption(t, off)
	if m.redirected >= 0 {
		// The Redirected Header goes last, whatever its place in the
		// message, so that the packet decoded after this layer is its
		// child (docs/differences.md, "Neighbor Discovery").
		m.dissectOption(t, off, &m.Options[m.redirected])
		return
	}
	t.Pop()
}

// Summarize implements dissect.Layer: it appends to the type name the
// ICMPv6 layer put in Info what tshark 4.0 appends: the target of NS and
// NA, the NA flags, and the link-layer address of the options.
func (m *ND) Summarize(s *dissect.Summary) {
	switch m.Type {
	case TypeNeighborSolicit:
		if m.Target.IsValid() {
			s.Info = append(s.Info, " for "...)
			s.Info = m.Target.AppendTo(s.Info)
		}
	case TypeNeighborAdvert:
		if m.Target.IsValid() {
			s.Info = append(s.Info, ' ')
			s.Info = m.Target.AppendTo(s.Info)
			s.Info = append(s.Info, " ("...)
			n := len(s.Info)
			for _, f := range [...]struct {
				bit  uint32
				name string
			}{{naFlagR, "rtr"}, {naFlagS, "sol"}, {naFlagO, "ovr"}} {
				if m.NAFlags&f.bit != 0 {
					if len(s.Info) > n {
						s.Info = append(s.Info, ", "...)
					}
					s.Info = append(s.Info, f.name...)
				}
			}
			if len(s.Info) == n {
				s.Info = append(s.Info, "none"...)
			}
			s.Info = append(s.Info, ')')
		}
	}
	for i := range m.Options {
		o := &m.Options[i]
		if o.Type != OptSourceLinkAddr && o.Type != OptTargetLinkAddr {
			continue
		}
		switch {
		case o.Length == 1:
			if o.Type == OptSourceLinkAddr {
				s.Info = append(s.Info, " from "...)
			} else {
				s.Info = append(s.Info, " is at "...)
			}
			s.Info = dissect.AppendMAC(s.Info, o.Data[:macLen])
		case isEUI64(o):
			s.Info = append(s.Info, " from "...)
			s.Info = dissect.AppendMAC(s.Info, o.Data[:eui64Len])
		}
	}
}
