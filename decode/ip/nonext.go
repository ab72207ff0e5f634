package ip

import (
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

// NoNext stands for IPv6 Next Header 59 (RFC 8200 §4.7): nothing follows.
// Bytes after it are ignored by receivers; Teredo bubbles (RFC 4380 §2.8)
// are IPv6 headers with No Next Header and no payload.
type NoNext struct {
	dissect.Span
}

// CanDecode implements gopacket.DecodingLayer.
func (n *NoNext) CanDecode() gopacket.LayerClass { return dissect.LayerNoNext }

// NextLayerType implements gopacket.DecodingLayer.
func (n *NoNext) NextLayerType() gopacket.LayerType { return gopacket.LayerTypeZero }

// LayerType implements gopacket.Layer.
func (n *NoNext) LayerType() gopacket.LayerType { return dissect.LayerNoNext }

// DecodeFromBytes implements gopacket.DecodingLayer.
func (n *NoNext) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	n.Contents, n.Payload = data, nil
	return nil
}

// Dissect implements dissect.Layer.
func (n *NoNext) Dissect(t *dissect.Tree) {
	if len(n.Contents) > 0 {
		t.Note(dissect.Note{Severity: dissect.NoteSev, Code: "ipv6.nonext.data", Message: strconv.Itoa(len(n.Contents)) + " bytes follow No Next Header; receivers ignore them", RFC: "RFC 8200 §4.7", Offset: t.At(n.Contents), Length: len(n.Contents)})
	}
}

// Summarize implements dissect.Layer.
func (n *NoNext) Summarize(s *dissect.Summary) {
	s.Info = append(s.SetInfo(), "IPv6 no next header"...)
}

func appendUint(dst []byte, v uint64) []byte { return strconv.AppendUint(dst, v, 10) }
