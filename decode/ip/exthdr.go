package ip

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// Every IPv6 extension header that v6scope walks starts the same way
// (RFC 8200 §4; RFC 6564 §4):
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Next Header  |  Hdr Ext Len  |  ... header-specific data
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Hdr Ext Len counts 8-octet units after the first 8 octets.
const (
	extNextOffset = 0
	extLenOffset  = 1
	extUnit       = 8
	extMinLen     = 8
	extOptsOffset = 2 // options of Hop-by-Hop and Destination Options start here
)

// extLen returns the length in bytes of the extension header at data, or an
// error when the capture holds less.
func extLen(what string, data []byte) (int, error) {
	if len(data) < extMinLen {
		return 0, dissect.Truncated(what, extMinLen, len(data))
	}
	n := (int(data[extLenOffset]) + 1) * extUnit
	if n > len(data) {
		return 0, dissect.Truncated(what, n, len(data))
	}
	return n, nil
}

// extShort reports a header longer than the bytes left: cut short by the
// capture's snapshot length (truncated), or by the IPv6 Payload Length
// (malformed, RFC 8200 §4).
func extShort(t *dissect.Tree, ctx *dissect.Context, what string, off, want, have int) {
	n := dissect.Note{Severity: dissect.Error, Code: "ipv6.ext.too_long", Message: what + " says it is " + strconv.Itoa(want) + " bytes long; only " + strconv.Itoa(have) + " are left in the packet", RFC: "RFC 8200 §4", Offset: off, Length: have, Malformed: true}
	if ctx.Truncated {
		n.Severity, n.Code, n.Malformed = dissect.Warn, "ipv6.ext.truncated", false
		n.Message = what + " is cut short in the capture (" + strconv.Itoa(have) + " of " + strconv.Itoa(want) + " bytes)"
	}
	if !ctx.InError {
		t.Note(n)
	}
}

type optsHeader struct {
	name, proto string
	fProto      *dissect.FieldInfo
	fNxt, fLen  *dissect.FieldInfo
	fLenOct     *dissect.FieldInfo
	layer       gopacket.LayerType
	rfc         string
}

var (
	hopByHop = optsHeader{
		name:    "Hop-by-Hop Options header",
		fProto:  fields.Add(dissect.Proto("ipv6.hopopts", "IPv6 Hop-by-Hop Option", "Options every node on the path examines; it must come right after the IPv6 header.", "RFC 8200 §4.3")),
		fNxt:    fields.Add(&dissect.FieldInfo{Name: "ipv6.hopopts.nxt", Title: "Next Header", Kind: dissect.Uint, Values: ProtoName, Explain: "The header after this one.", RFC: "RFC 8200 §4.3"}),
		fLen:    fields.Add(dissect.Dec("ipv6.hopopts.len", "Length", "Header length in 8-octet units, not counting the first 8 octets.", "RFC 8200 §4.3")),
		fLenOct: fields.Add(dissect.Dec("ipv6.hopopts.len_oct", "Length in bytes", "Header length in bytes: (Length + 1) × 8.", "RFC 8200 §4.3")),
		layer:   dissect.LayerHopByHop,
		rfc:     "RFC 8200 §4.3",
	}
	destOpts = optsHeader{
		name:    "Destination Options header",
		fProto:  fields.Add(dissect.Proto("ipv6.dstopts", "Destination Options for IPv6", "Options for the destination node only (the Home Address option of Mobile IPv6 travels here).", "RFC 8200 §4.6")),
		fNxt:    fields.Add(&dissect.FieldInfo{Name: "ipv6.dstopts.nxt", Title: "Next Header", Kind: dissect.Uint, Values: ProtoName, Explain: "The header after this one.", RFC: "RFC 8200 §4.6"}),
		fLen:    fields.Add(dissect.Dec("ipv6.dstopts.len", "Length", "Header length in 8-octet units, not counting the first 8 octets.", "RFC 8200 §4.6")),
		fLenOct: fields.Add(dissect.Dec("ipv6.dstopts.len_oct", "Length in bytes", "Header length in bytes: (Length + 1) × 8.", "RFC 8200 §4.6")),
		layer:   dissect.LayerDestOpts,
		rfc:     "RFC 8200 §4.6",
	}
)

// Options is a Hop-by-Hop Options or Destination Options header.
type Options struct {
	dissect.Span
	NextHeader uint8
	Options    []byte // the TLV area; walk it with NewOptionIterator
	notFirst   bool
	short      int  // the header's stated length when the packet holds less
	badOptions bool // an option overruns the header or has a wrong size
	kind       *optsHeader
	ctx        *dissect.Context
	next       gopacket.LayerType
}

// NewHopByHop returns a Hop-by-Hop Options decoder.
func NewHopByHop(ctx *dissect.Context) *Options { return &Options{ctx: ctx, kind: &hopByHop} }

// NewDestOpts returns a Destination Options decoder.
func NewDestOpts(ctx *dissect.Context) *Options { return &Options{ctx: ctx, kind: &destOpts} }

// CanDecode implements gopacket.DecodingLayer.
func (o *Options) CanDecode() gopacket.LayerClass { return o.kind.layer }

// NextLayerType implements gopacket.DecodingLayer.
func (o *Options) NextLayerType() gopacket.LayerType { return o.next }

// LayerType implements gopacket.Layer.
func (o *Options) LayerType() gopacket.LayerType { return o.kind.layer }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (o *Options) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	*o = Options{ctx: o.ctx, kind: o.kind}
	if len(data) < extOptsOffset {
		df.SetTruncated()
		return dissect.Truncated(o.kind.name, extMinLen, len(data))
	}
	o.NextHeader = data[extNextOffset]
	n := (int(data[extLenOffset]) + 1) * extUnit
	if n > len(data) {
		// Decode the options that are there; nothing after can be found.
		o.short = n
		df.SetTruncated()
		o.Options = data[extOptsOffset:]
		o.Contents, o.Payload = data, nil
		o.ctx.FirstExt = false
		o.next = gopacket.LayerTypeZero
		return nil
	}
	o.Options = data[extOptsOffset:n]
	o.Contents, o.Payload = data[:n], data[n:]
	o.badOptions = !validOptions(o.Options)
	o.notFirst = o.kind == &hopByHop && !o.ctx.FirstExt
	o.ctx.FirstExt = false
	if o.kind == &destOpts {
		o.findHomeAddress()
	} else {
		o.findRouterAlert()
	}
	o.next = o.ctx.Dispatch.ProtoNext(o.NextHeader)
	if o.badOptions {
		// A malformed option makes the rest of the packet untrustworthy.
		o.next = gopacket.LayerTypeZero
	}
	return nil
}

// findHomeAddress records a Home Address option for the Mobility Header's
// pseudo-header (RFC 6275 §6.3).
func (o *Options) findHomeAddress() {
	it := NewOptionIterator(o.Options)
	for {
		opt, done, err := it.Next()
		if done || err != nil {
			return
		}
		if opt.Type == OptHomeAddress && len(opt.Data) == v6AddrLen {
			o.ctx.HomeAddress = netip.AddrFrom16([16]byte(opt.Data))
		}
	}
}

// findRouterAlert records a Router Alert option (RFC 2711 §2.1) for the
// protocols that must be sent with one, such as MLD (RFC 2710 §3).
func (o *Options) findRouterAlert() {
	it := NewOptionIterator(o.Options)
	for {
		opt, done, err := it.Next()
		if done || err != nil {
			return
		}
		if opt.Type == OptRouterAlert && len(opt.Data) == 2 {
			o.ctx.RouterAlert = true
			o.ctx.RouterAlertValue = binary.BigEndian.Uint16(opt.Data)
		}
	}
}

// Dissect implements dissect.Layer.
func (o *Options) Dissect(t *dissect.Tree) {
	off := t.At(o.Contents)
	k := o.kind
	t.Push(k.fProto, off, len(o.Contents))
	t.Uint(k.fNxt, off+extNextOffset, 1, uint64(o.NextHeader))
	t.Uint(k.fLen, off+extLenOffset, 1, uint64(o.Contents[extLenOffset]))
	length := len(o.Contents)
	if o.short > 0 {
		length = o.short
	}
	t.Uint(k.fLenOct, off+extLenOffset, 0, uint64(length))
	dissectOptions(t, o.Options, off+extOptsOffset)
	if o.short > 0 {
		extShort(t, o.ctx, k.name, off, o.short, len(o.Contents))
	}
	if o.notFirst {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "ipv6.hopopts.not_first", Message: "Hop-by-Hop Options header is not the first header after the IPv6 header", RFC: "RFC 8200 §4.1", Offset: off, Length: len(o.Contents)})
	}
	t.Pop()
}

// Summarize implements dissect.Layer. Like Wireshark, the Source column
// of a packet with a Home Address option shows the mobile node's home
// address: the address the packet is from once the receiver has swapped
// it in for the care-of address (RFC 6275 §9.3.1).
func (o *Options) Summarize(s *dissect.Summary) {
	if o.kind == &destOpts && o.ctx.HomeAddress.IsValid() && !o.ctx.InError {
		s.Src = o.ctx.HomeAddress
	}
}
