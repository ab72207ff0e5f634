package decode

import (
	"errors"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/decode/ikev2"
	"github.com/v6scope/v6scope/decode/link"
)

// maxLayers bounds the layers of one frame, so that a frame of nested
// tunnels cannot make the decoder loop for long.
const maxLayers = 64

// Packet is one decoded frame. A Decoder reuses it: everything in it is
// valid until the next Decode into it, and Data and the byte fields alias
// the capture reader's buffer.
type Packet struct {
	Number        int
	Time          time.Time
	Relative      time.Duration // since the first frame
	Delta         time.Duration // since the previous frame
	CapLen        int
	OrigLen       int
	LinkType      capture.LinkType
	Interface     int
	InterfaceName string
	Comment       string
	Data          []byte
	Layers        []gopacket.LayerType
	Tree          dissect.Tree
	Summary       dissect.Summary
}

// Notes returns the packet's expert notes.
func (p *Packet) Notes() []dissect.Note { return p.Tree.Notes }

// Decoder decodes frames. It is not safe for concurrent use; give each
// goroutine its own.
type Decoder struct {
	// InterfaceName, when set, names interface i for frame.interface_name.
	InterfaceName func(i int) string
	// NoSummary skips the summary line (Packet.Summary stays empty) for
	// printers that do not show it, such as -T fields.
	NoSummary bool

	keep []bool // see KeepOnly

	ctx      dissect.Context
	layers   map[gopacket.LayerType]dissect.Layer
	byIndex  [64]dissect.Layer // layer types 3000..3063, the hot ones
	null     *link.Null
	parsers  map[gopacket.LayerType]*gopacket.DecodingLayerParser
	df       feedback
	first    time.Time
	prev     time.Time
	started  bool
	linkNote [1]dissect.Note
}

// New returns a Decoder with every dissector registered.
func New() *Decoder {
	dissect.RegisterLayerTypes()
	d := &Decoder{layers: map[gopacket.LayerType]dissect.Layer{}, parsers: map[gopacket.LayerType]*gopacket.DecodingLayerParser{}}
	d.ctx.Dispatch = dissect.NewDispatch()
	Register(d)
	return d
}

func (d *Decoder) add(l dissect.Layer) {
	t := l.LayerType()
	d.layers[t] = l
	if i := int(t) - int(dissect.LayerEthernet); i >= 0 && i < len(d.byIndex) {
		d.byIndex[i] = l
	}
}

func (d *Decoder) layer(t gopacket.LayerType) dissect.Layer {
	if i := int(t) - int(dissect.LayerEthernet); i >= 0 && i < len(d.byIndex) {
		return d.byIndex[i]
	}
	return d.layers[t]
}

// feedback is the gopacket.DecodeFeedback the layers report truncation to.
type feedback struct{ truncated bool }

func (f *feedback) SetTruncated() { f.truncated = true }

// Supports reports whether frames of link type lt are decoded (others are
// shown as data, with an expert note).
func Supports(lt capture.LinkType) bool {
	var d Decoder
	_, ok := d.firstLayer(lt, nil)
	return ok
}

// firstLayer picks the layer a frame of link type lt starts with.
func (d *Decoder) firstLayer(lt capture.LinkType, data []byte) (gopacket.LayerType, bool) {
	switch lt {
	case capture.LinkEthernet:
		return dissect.LayerEthernet, true
	case capture.LinkLinuxSLL:
		return dissect.LayerSLL, true
	case capture.LinkLinuxSLL2:
		return dissect.LayerSLL2, true
	case capture.LinkNull, capture.LinkLoop:
		return dissect.LayerNull, true
	case capture.LinkIPv4:
		return dissect.LayerIPv4, true
	case capture.LinkIPv6:
		return dissect.LayerIPv6, true
	case capture.LinkRaw:
		if len(data) > 0 && data[0]>>4 == 6 {
			return dissect.LayerIPv6, true
		}
		return dissect.LayerIPv4, true
	}
	return dissect.LayerPayload, false
}

// KeepOnly makes Decode record only the fields named in names (and
// frame.protocols) in the packet's tree: what -T fields needs when no
// display filter asks for more. Every layer is still decoded and every note
// still recorded in Packet.Notes. nil restores full trees.
func (d *Decoder) KeepOnly(names []string) {
	if names == nil {
		d.keep = nil
		return
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	d.keep = make([]bool, dissect.MaxID()+1)
	for _, f := range allFields() {
		if want[f.Name] && f.ID() > 0 {
			d.keep[f.ID()] = true
		}
	}
}

// Fast runs the zero-allocation path: the frame's layers are decoded by
// gopacket's DecodingLayerParser into the Decoder's reusable layers, and
// their types appended to decoded. No field tree is built. The layers hold
// the results until the next call.
func (d *Decoder) Fast(f *capture.Frame, decoded *[]gopacket.LayerType) error {
	d.ctx.Reset()
	d.ctx.Frame = f.Number
	first, _ := d.firstLayer(f.LinkType, f.Data)
	d.null.SetNetworkOrder(f.LinkType == capture.LinkLoop)
	p := d.parsers[first]
	if p == nil {
		p = gopacket.NewDecodingLayerParser(first)
		// A slice indexed by layer type: one bounds check per layer
		// instead of a map lookup (v6scope's types start at 3000, so
		// the slice holds a few thousand interface values).
		p.SetDecodingLayerContainer(gopacket.DecodingLayerSparse(nil))
		for _, l := range d.layers {
			p.AddDecodingLayer(l)
		}
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return p.DecodeLayers(f.Data, decoded)
}

// Decode fully dissects frame f into p: frame fields, every layer's fields
// and expert notes, and the summary line. It never fails: what cannot be
// decoded becomes an expert note.
func (d *Decoder) Decode(f *capture.Frame, p *Packet) {
	d.reset(f, p)
	t := &p.Tree
	d.frameFields(p)

	typ, ok := d.firstLayer(f.LinkType, f.Data)
	if !ok {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "frame.link_type_unsupported", Message: "link type " + f.LinkType.String() + " is not supported; the frame is shown as data", Length: len(f.Data)})
	}
	d.null.SetNetworkOrder(f.LinkType == capture.LinkLoop)
	data := f.Data
	for typ != gopacket.LayerTypeZero && len(p.Layers) < maxLayers {
		l := d.layer(typ)
		if l == nil {
			l, typ = d.layer(dissect.LayerPayload), dissect.LayerPayload
		}
		quoted := d.ctx.InError
		if err := l.DecodeFromBytes(data, &d.df); err != nil {
			if !quoted || !errors.Is(err, dissect.ErrTruncated) {
				d.decodeError(t, typ, data, err)
			}
			if typ != dissect.LayerPayload && len(data) > 0 {
				typ = dissect.LayerPayload
				continue
			}
			break
		}
		p.Layers = append(p.Layers, typ)
		l.Dissect(t)
		if !quoted && !d.NoSummary {
			l.Summarize(&p.Summary)
		}
		typ, data = l.NextLayerType(), l.LayerPayload()
		if typ == dissect.LayerPayload && len(data) == 0 {
			break
		}
	}
	if !d.NoSummary {
		for _, typ := range p.Layers {
			if a, ok := d.layer(typ).(dissect.Annotator); ok {
				a.Annotate(&p.Summary)
			}
		}
	}
	d.protocols(p)
}

// SetHeuristic turns the heuristic dissector named name ("teredo") on or
// off, as tshark's --enable-heuristic and --disable-heuristic do, and
// reports whether there is one by that name.
func (d *Decoder) SetHeuristic(name string, on bool) bool {
	found := false
	for i := range d.ctx.Dispatch.UDPHeuristic {
		if h := &d.ctx.Dispatch.UDPHeuristic[i]; h.Name == name {
			h.Enabled, found = on, true
		}
	}
	return found
}

// SetIKEv2Keys gives the IKEv2 dissector a key table (read with
// ikev2.ReadKeyTable): the Encrypted payloads of the IKE SAs it holds are
// integrity-checked, decrypted and decoded. nil turns decryption off.
func (d *Decoder) SetIKEv2Keys(k *ikev2.KeyTable) {
	if m, ok := d.layer(dissect.LayerISAKMP).(*ikev2.ISAKMP); ok {
		m.SetKeys(k)
	}
}

func (d *Decoder) decodeError(t *dissect.Tree, typ gopacket.LayerType, data []byte, err error) {
	n := dissect.Note{Severity: dissect.Error, Code: "malformed", Message: typ.String() + ": " + err.Error(), Offset: t.At(data), Length: len(data), Malformed: true}
	if errors.Is(err, dissect.ErrTruncated) {
		n.Severity, n.Code, n.Malformed = dissect.Warn, "truncated", false
		n.Message = typ.String() + ": " + err.Error() + " (packet size limited during capture?)"
	}
	t.Note(n)
}

func (d *Decoder) reset(f *capture.Frame, p *Packet) {
	p.Tree.Keep = d.keep
	d.ctx.Reset()
	d.ctx.Frame = f.Number
	d.df = feedback{}
	if !d.started {
		d.first, d.prev, d.started = f.Time, f.Time, true
	}
	p.Number = f.Number
	p.Time = f.Time
	p.Relative = f.Time.Sub(d.first)
	p.Delta = f.Time.Sub(d.prev)
	d.prev = f.Time
	p.CapLen, p.OrigLen = len(f.Data), f.OrigLen
	p.LinkType = f.LinkType
	p.Interface = f.Interface
	p.InterfaceName = ""
	if d.InterfaceName != nil {
		p.InterfaceName = d.InterfaceName(f.Interface)
	}
	p.Comment = f.Comment
	p.Data = f.Data
	p.Layers = p.Layers[:0]
	p.Tree.Reset(f.Data)
	p.Summary.Reset()
}

func (d *Decoder) frameFields(p *Packet) {
	t := &p.Tree
	t.Push(fFrame, 0, len(p.Data))
	t.Time(fFrameTime, p.Time)
	t.Time(fFrameEpoch, p.Time)
	t.Duration(fFrameDelta, p.Delta)
	t.Duration(fFrameRelative, p.Relative)
	t.Uint(fFrameNumber, 0, 0, uint64(p.Number))
	t.Uint(fFrameLen, 0, 0, uint64(p.OrigLen))
	t.Uint(fFrameCapLen, 0, 0, uint64(p.CapLen))
	t.Uint(fFrameIface, 0, 0, uint64(p.Interface))
	if p.InterfaceName != "" {
		t.String(fFrameIfName, 0, 0, p.InterfaceName)
	}
	if p.Comment != "" {
		t.String(fFrameComment, 0, 0, p.Comment)
	}
	t.Pop()
	t.Protocols = t.Protocols[:0] // frame.protocols starts after frame
}

// protocols adds frame.protocols, which the Tree built as protocol nodes
// were pushed. It belongs to the frame subtree: it is the field after the
// frame's own ones, placed at depth 1.
func (d *Decoder) protocols(p *Packet) {
	p.Tree.Fields = append(p.Tree.Fields, dissect.Field{Info: fFrameProtos, Depth: 1, B: p.Tree.Protocols, Hidden: true})
}
