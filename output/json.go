package output

import (
	"encoding/json"
	"time"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
)

// JSONPacket is one line of `v6scope read -T json` (NDJSON): the schema is
// documented in docs/json.md.
type JSONPacket struct {
	Number    int         `json:"number"`
	Time      string      `json:"time"` // RFC 3339, nanoseconds, UTC
	Relative  float64     `json:"relative"`
	Length    int         `json:"length"`
	Captured  int         `json:"captured"`
	Interface int         `json:"interface"`
	LinkType  string      `json:"link_type"`
	Comment   string      `json:"comment,omitempty"`
	Protocols string      `json:"protocols"`
	Source    string      `json:"source"`
	Dest      string      `json:"destination"`
	Protocol  string      `json:"protocol"`
	Info      string      `json:"info"`
	Tree      []*JSONNode `json:"tree"`
	Notes     []JSONNote  `json:"notes"`
}

// JSONNode is one node of the field tree.
type JSONNode struct {
	Name     string      `json:"name,omitempty"`
	Label    string      `json:"label"`
	Value    string      `json:"value,omitempty"` // as -T fields prints it
	Offset   int         `json:"offset"`
	Length   int         `json:"length"`
	Hidden   bool        `json:"hidden,omitempty"`
	Children []*JSONNode `json:"children,omitempty"`
}

// JSONNote is an expert note.
type JSONNote struct {
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	RFC       string `json:"rfc,omitempty"`
	Offset    int    `json:"offset"`
	Length    int    `json:"length"`
	Malformed bool   `json:"malformed,omitempty"`
}

// NewJSONPacket converts p into its JSON form.
func NewJSONPacket(p *decode.Packet) *JSONPacket {
	s := &p.Summary
	j := &JSONPacket{
		Number:    p.Number,
		Time:      p.Time.UTC().Format(time.RFC3339Nano),
		Relative:  p.Relative.Seconds(),
		Length:    p.OrigLen,
		Captured:  p.CapLen,
		Interface: p.Interface,
		LinkType:  p.LinkType.String(),
		Comment:   p.Comment,
		Source:    string(AppendEndpoint(nil, s.Src, s.SrcHW)),
		Dest:      string(AppendEndpoint(nil, s.Dst, s.DstHW)),
		Protocol:  s.Protocol,
		Info:      string(s.Info),
		Notes:     []JSONNote{},
	}
	if f := p.Tree.Find("frame.protocols"); f != nil {
		j.Protocols = f.Value()
	}
	var stack []*JSONNode
	for i := range p.Tree.Fields {
		f := &p.Tree.Fields[i]
		if f.Info != nil && f.Info.Name == "frame.protocols" {
			continue
		}
		n := &JSONNode{Name: f.Name(), Label: string(AppendLabel(nil, p, i)), Offset: f.Offset, Length: f.Length, Hidden: f.Hidden}
		if f.Info != nil && f.Info.Kind != dissect.Protocol && f.Info.Kind != dissect.None {
			n.Value = f.Value()
		}
		if f.Depth > len(stack) {
			f.Depth = len(stack) // a tree is never deeper than its parents
		}
		stack = stack[:f.Depth]
		if len(stack) == 0 {
			j.Tree = append(j.Tree, n)
		} else {
			parent := stack[len(stack)-1]
			parent.Children = append(parent.Children, n)
		}
		stack = append(stack, n)
	}
	for _, n := range p.Tree.Notes {
		j.Notes = append(j.Notes, JSONNote{Severity: n.Severity.String(), Code: n.Code, Message: n.Message, RFC: n.RFC, Offset: n.Offset, Length: n.Length, Malformed: n.Malformed})
	}
	return j
}

// AppendJSON appends p as one line of NDJSON.
func AppendJSON(dst []byte, p *decode.Packet) ([]byte, error) {
	b, err := json.Marshal(NewJSONPacket(p))
	if err != nil {
		return dst, err
	}
	dst = append(dst, b...)
	return append(dst, '\n'), nil
}
