package decode

import (
	"sort"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// Layer returns the Decoder's own layer of type t (a *nd.ND for
// dissect.LayerND, and so on), or nil when none is registered. After Fast
// or Decode it holds what the frame's last layer of that type decoded, until
// the next frame: consumers such as the analysis engine read the layers'
// exported fields there instead of walking the field tree.
func (d *Decoder) Layer(t gopacket.LayerType) dissect.Layer { return d.layer(t) }

// Context returns the per-frame context of the frame decoded last: the
// innermost IP header's addresses and Hop Limit, and whether a Router Alert
// option preceded the upper layer (RFC 2711). It is reset by the next Fast
// or Decode.
func (d *Decoder) Context() *dissect.Context { return &d.ctx }

// NewSchemaWith is NewSchema with fields that no dissector fills but a
// later stage adds to the tree, such as the analysis engine's v6scope.*
// fields, so that display filters and -T fields accept them too.
func NewSchemaWith(extra ...*dissect.FieldInfo) *Schema {
	s := NewSchema()
	for _, f := range extra {
		if _, dup := s.byName[f.Name]; dup {
			continue
		}
		s.byName[f.Name] = f
		s.names = append(s.names, f.Name)
	}
	sort.Strings(s.names)
	return s
}
