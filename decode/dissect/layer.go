package dissect

import (
	"net/netip"

	"github.com/gopacket/gopacket"
)

// Layer is what every v6scope dissector implements: gopacket's
// DecodingLayer contract for the fast path, plus Dissect to add the decoded
// fields to a tree and Summarize to fill the one-line summary.
//
// DecodeFromBytes resets every field, decodes what is there even when the
// capture is cut short (marking it with df.SetTruncated), and never panics.
type Layer interface {
	gopacket.DecodingLayer
	// LayerType is the type this layer decodes (the one CanDecode names).
	LayerType() gopacket.LayerType
	// Dissect adds the fields (and expert notes) of the most recent
	// DecodeFromBytes to t.
	Dissect(t *Tree)
	// Summarize updates the packet's one-line summary.
	Summarize(s *Summary)
}

// Annotator is implemented by a layer that labels the whole packet after
// the layers inside it have written the summary: a Teredo bubble, a
// qualification Router Solicitation. The decoder calls Annotate once per
// frame, after every Summarize, for each annotating layer the frame holds.
type Annotator interface {
	Annotate(s *Summary)
}

// Summary is the one-line view of a packet: tshark's Source, Destination,
// Protocol and Info columns. Layers overwrite what they know, outermost
// first, so the innermost layer has the last word.
type Summary struct {
	Protocol string
	Src, Dst netip.Addr // network-layer addresses when there are any
	SrcHW    []byte     // link-layer addresses otherwise
	DstHW    []byte
	Info     []byte
}

// Reset empties s for the next packet, keeping Info's storage.
func (s *Summary) Reset() {
	s.Protocol = ""
	s.Src, s.Dst = netip.Addr{}, netip.Addr{}
	s.SrcHW, s.DstHW = nil, nil
	s.Info = s.Info[:0]
}

// SetInfo starts a new Info text and returns it for appending; assign the
// result back to s.Info.
func (s *Summary) SetInfo() []byte { return s.Info[:0] }

// Span holds the bytes of a layer's header (Contents) and what follows it
// (Payload); both alias the frame. It gives a layer gopacket's
// LayerContents and LayerPayload.
type Span struct {
	Contents, Payload []byte
}

// LayerContents returns the header bytes.
func (b *Span) LayerContents() []byte { return b.Contents }

// LayerPayload returns the bytes after the header.
func (b *Span) LayerPayload() []byte { return b.Payload }
