package decode

import (
	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode/dissect"
)

var (
	fData    = coreFields.Add(dissect.Proto("data", "Data", "Bytes no v6scope dissector decodes.", ""))
	fDataRaw = coreFields.Add(dissect.Of("data.data", "Data", dissect.Bytes, "The undecoded bytes.", ""))
	fDataLen = coreFields.Add(dissect.Dec("data.len", "Length", "How many undecoded bytes there are.", ""))
)

// payload shows what no dissector claims, like Wireshark's "data".
type payload struct {
	dissect.Span
}

func (p *payload) CanDecode() gopacket.LayerClass    { return dissect.LayerPayload }
func (p *payload) NextLayerType() gopacket.LayerType { return gopacket.LayerTypeZero }
func (p *payload) LayerType() gopacket.LayerType     { return dissect.LayerPayload }

func (p *payload) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	p.Contents, p.Payload = data, nil
	return nil
}

func (p *payload) Dissect(t *dissect.Tree) {
	if len(p.Contents) == 0 {
		return
	}
	off := t.At(p.Contents)
	t.Push(fData, off, len(p.Contents))
	t.Bytes(fDataRaw, off, len(p.Contents), p.Contents)
	t.Uint(fDataLen, off, 0, uint64(len(p.Contents)))
	t.Pop()
}

func (p *payload) Summarize(s *dissect.Summary) {}
