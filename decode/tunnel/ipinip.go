package tunnel

import (
	"net/netip"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// MaxDepth is how many IP headers (outer ones included) a frame may stack
// before v6scope stops following tunnels: an IPv6-in-IP or Teredo header
// met at this depth is shown as data, with an expert note. Real tunnels
// nest two or three deep; the limit keeps a crafted frame of hundreds of
// nested headers from costing hundreds of layers.
const MaxDepth = 8

// Kind is the kind of IPv6-in-IP tunnel, judged from the addresses.
type Kind uint8

// Tunnel kinds.
const (
	KindUnknown   Kind = iota // the inner header is too short to tell
	KindSixInFour             // a configured tunnel (RFC 4213 §3)
	KindSixToFour             // a 6to4 address on either side (RFC 3056 §5)
	KindISATAP                // an ISATAP interface identifier (RFC 5214 §7)
	KindSixInSix              // IPv6 in IPv6 (RFC 2473)
)

var kindNames = [...]string{"unknown", "6in4", "6to4", "ISATAP", "6in6"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return dissect.Unknown(uint64(k))
}

// kindLabels are the tree labels of the kinds, built once so that a
// dissection allocates nothing.
var kindLabels = [...]string{
	"Kind: unknown (inner header too short to tell)",
	"Kind: 6in4, a configured tunnel (RFC 4213 §3)",
	"Kind: 6to4 (RFC 3056 §5)",
	"Kind: ISATAP (RFC 5214 §7)",
	"Kind: 6in6, IPv6 in IPv6 (RFC 2473 §3)",
}

// IPv6 header offsets this layer peeks at (RFC 8200 §3).
const (
	v6HeaderLen = 40
	v6SrcOffset = 8
	v6DstOffset = 24
)

const (
	rfc4213     = "RFC 4213 §3"
	rfc5214Recv = "RFC 5214 §7.3"
)

var (
	fTunnel     = fields.Add(dissect.Of("v6scope.tunnel", "IPv6 tunnelled in IP (protocol 41)", dissect.None, "An IPv6 packet carried as the payload of an IP packet with protocol 41: 6in4, 6to4, ISATAP, or IPv6 in IPv6.", rfc4213))
	fTunnelKind = fields.Add(dissect.Of("v6scope.tunnel.kind", "Kind", dissect.String, "6to4 when an address is in 2002::/16 (RFC 3056), ISATAP when one has an ISATAP interface identifier (RFC 5214), 6in6 inside IPv6 (RFC 2473), else a configured 6in4 tunnel (RFC 4213).", rfc4213))
)

// IPinIP is the step from an IP header with protocol 41 to the IPv6
// packet it carries. It has no bytes of its own (tshark shows the IPv6
// header straight after the outer one); it names the kind of tunnel,
// checks ISATAP's source rule, and stops at MaxDepth.
type IPinIP struct {
	dissect.Span
	Kind     Kind
	outerSrc netip.Addr
	innerSrc netip.Addr
	tooDeep  bool
	depth    int
	inError  bool
	ctx      *dissect.Context
	next     gopacket.LayerType
}

// NewIPinIP returns the layer for IP protocol 41.
func NewIPinIP(ctx *dissect.Context) *IPinIP { return &IPinIP{ctx: ctx} }

// CanDecode implements gopacket.DecodingLayer.
func (l *IPinIP) CanDecode() gopacket.LayerClass { return dissect.LayerIPinIP }

// NextLayerType implements gopacket.DecodingLayer.
func (l *IPinIP) NextLayerType() gopacket.LayerType { return l.next }

// LayerType implements gopacket.Layer.
func (l *IPinIP) LayerType() gopacket.LayerType { return dissect.LayerIPinIP }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (l *IPinIP) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*l = IPinIP{ctx: l.ctx, outerSrc: l.ctx.Src, depth: l.ctx.Depth, inError: l.ctx.InError}
	l.Contents, l.Payload = data[:0], data
	l.next = dissect.LayerIPv6
	if l.depth >= MaxDepth {
		l.tooDeep = true
		l.next = dissect.LayerPayload
	}
	if len(data) >= v6HeaderLen && data[0]>>4 == 6 {
		src := netip.AddrFrom16([16]byte(data[v6SrcOffset : v6SrcOffset+16]))
		dst := netip.AddrFrom16([16]byte(data[v6DstOffset : v6DstOffset+16]))
		l.innerSrc = src
		l.Kind = classify(l.outerSrc, src, dst)
	}
	return nil
}

// classify names the tunnel from its outer source and inner addresses.
func classify(outer, src, dst netip.Addr) Kind {
	if outer.Is6() {
		return KindSixInSix
	}
	if _, _, ok := ParseSixToFour(src); ok {
		return KindSixToFour
	}
	if _, _, ok := ParseSixToFour(dst); ok {
		return KindSixToFour
	}
	if _, ok := ParseISATAP(src); ok {
		return KindISATAP
	}
	if _, ok := ParseISATAP(dst); ok {
		return KindISATAP
	}
	return KindSixInFour
}

// Dissect implements dissect.Layer.
func (l *IPinIP) Dissect(t *dissect.Tree) {
	off := t.At(l.Payload)
	t.Push(fTunnel, off, 0)
	t.String(fTunnelKind, off, 0, l.Kind.String()).Label = kindLabels[l.Kind]
	if l.tooDeep {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "tunnel.too_deep", Message: "tunnel nested " + strconv.Itoa(l.depth) + " IP headers deep; v6scope stops following tunnels here and shows the rest as data", RFC: rfc4213, Offset: off, Length: len(l.Payload)})
	}
	if l.Kind == KindISATAP && !l.inError && l.outerSrc.Is4() {
		// RFC 5214 §7.3: a packet from an ISATAP address is accepted when
		// "the IPv6 source address embeds the IPv4 source address" (or
		// comes from a known router). A mismatch from a host is spoofing
		// or a router's relayed packet.
		if v4, ok := ParseISATAP(l.innerSrc); ok && v4 != l.outerSrc {
			t.Note(dissect.Note{Severity: dissect.NoteSev, Code: "tunnel.isatap_src_mismatch", Message: "ISATAP source " + l.innerSrc.String() + " embeds " + v4.String() + ", but the IPv4 source is " + l.outerSrc.String() + " (fine only if it is a router on the ISATAP link's potential router list)", RFC: rfc5214Recv, Offset: off + v6SrcOffset, Length: 16})
		}
	}
	t.Pop()
}

// Summarize implements dissect.Layer: the IPv6 header inside writes the
// summary.
func (l *IPinIP) Summarize(s *dissect.Summary) {}
