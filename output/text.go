package output

import (
	"net/netip"
	"strconv"

	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
)

// AppendSummary appends p's one-line summary, as tshark prints it without
// -V: number, time, source → destination, protocol, length, info.
func AppendSummary(dst []byte, p *decode.Packet, c *Clock) []byte {
	// tshark's minimum column widths: number 5 and time 10, right-aligned;
	// source 12, right-aligned, and destination 12, left-aligned.
	var tb [64]byte
	dst = appendPadLeft(dst, strconv.AppendInt(tb[:0], int64(p.Number), 10), 5)
	dst = append(dst, ' ')
	dst = appendPadLeft(dst, c.Append(tb[:0], p), 10)
	dst = append(dst, ' ')
	s := &p.Summary
	dst = appendPadLeft(dst, AppendEndpoint(tb[:0], s.Src, s.SrcHW), 12)
	dst = append(dst, " → "...)
	start := len(dst)
	dst = AppendEndpoint(dst, s.Dst, s.DstHW)
	for i := len(dst) - start; i < 12; i++ {
		dst = append(dst, ' ')
	}
	dst = append(dst, ' ')
	if s.Protocol != "" {
		dst = append(dst, s.Protocol...)
	} else {
		dst = append(dst, "Data"...)
	}
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(p.OrigLen), 10)
	if len(s.Info) > 0 {
		dst = append(dst, ' ')
		dst = AppendSafe(dst, s.Info)
	}
	for _, n := range p.Tree.Notes {
		if n.Malformed {
			dst = append(dst, " [Malformed Packet]"...)
			break
		}
	}
	return dst
}

// AppendEndpoint appends a network address, or a link-layer one when there
// is no network address.
func AppendEndpoint(dst []byte, a netip.Addr, hw []byte) []byte {
	if a.IsValid() {
		return a.AppendTo(dst)
	}
	if len(hw) > 0 {
		return dissect.AppendMAC(dst, hw)
	}
	return dst
}

func appendPadLeft(dst, s []byte, width int) []byte {
	for i := len(s); i < width; i++ {
		dst = append(dst, ' ')
	}
	return append(dst, s...)
}

// AppendTree appends the field tree of p as tshark -V does: one line per
// field, indented four spaces per level. Hidden fields are left out.
// explain adds each field's explanation and RFC section under it.
func AppendTree(dst []byte, p *decode.Packet, explain bool) []byte {
	fields := p.Tree.Fields
	for i := range fields {
		f := &fields[i]
		if f.Hidden {
			continue
		}
		dst = appendIndent(dst, f.Depth)
		dst = AppendLabel(dst, p, i)
		dst = append(dst, '\n')
		if explain && f.Info != nil && f.Info.Explain != "" {
			dst = appendIndent(dst, f.Depth+1)
			dst = append(dst, "» "...)
			dst = append(dst, f.Info.Explain...)
			if f.Info.RFC != "" {
				dst = append(dst, " ["...)
				dst = append(dst, f.Info.RFC...)
				dst = append(dst, ']')
			}
			dst = append(dst, '\n')
		}
		if explain && f.Info != nil && f.Info.Kind == dissect.Uint {
			if vt, ok := f.Info.ExplainValue(f.U); ok {
				dst = appendIndent(dst, f.Depth+1)
				dst = append(dst, "» "...)
				dst = AppendValueText(dst, f.Info, f.U, vt)
				dst = append(dst, '\n')
			}
		}
	}
	return dst
}

// AppendValueText appends the explanation of value v of field info:
// "Neighbor Solicitation (135): text [RFC]".
func AppendValueText(dst []byte, info *dissect.FieldInfo, v uint64, vt dissect.ValueText) []byte {
	if name := info.ValueName(v); name != "" {
		dst = append(dst, name...)
		dst = append(dst, " ("...)
		dst = strconv.AppendUint(dst, v, 10)
		dst = append(dst, "): "...)
	} else {
		dst = append(dst, "Value "...)
		dst = strconv.AppendUint(dst, v, 10)
		dst = append(dst, ": "...)
	}
	dst = append(dst, vt.Text...)
	if vt.RFC != "" {
		dst = append(dst, " ["...)
		dst = append(dst, vt.RFC...)
		dst = append(dst, ']')
	}
	return dst
}

func appendIndent(dst []byte, depth int) []byte {
	for i := 0; i < depth; i++ {
		dst = append(dst, "    "...)
	}
	return dst
}

// AppendLabel appends the tree line of field i of p, sanitized.
func AppendLabel(dst []byte, p *decode.Packet, i int) []byte {
	fields := p.Tree.Fields
	f := &fields[i]
	if f.Info == nil {
		return AppendSafe(dst, []byte(f.Label))
	}
	switch f.Info.Kind {
	case dissect.Protocol:
		if f.Info.Name == "frame" {
			return appendFrameLine(dst, p)
		}
		if f.Label != "" {
			return AppendSafe(dst, []byte(f.Label))
		}
		dst = append(dst, f.Info.Title...)
		return appendProtoSummary(dst, fields, i)
	case dissect.None:
		if f.Label != "" {
			return AppendSafe(dst, []byte(f.Label))
		}
		return append(dst, f.Info.Title...)
	}
	if f.Info == dissect.ExpertField || f.Info == dissect.MalformedField {
		dst = append(dst, "[Expert Info: "...)
		dst = AppendSafe(dst, []byte(f.Label))
		return append(dst, ']')
	}
	var buf [128]byte
	return AppendSafe(dst, f.AppendDisplay(buf[:0]))
}

func appendFrameLine(dst []byte, p *decode.Packet) []byte {
	dst = append(dst, "Frame "...)
	dst = strconv.AppendInt(dst, int64(p.Number), 10)
	dst = append(dst, ": "...)
	dst = strconv.AppendInt(dst, int64(p.OrigLen), 10)
	dst = append(dst, " bytes on wire ("...)
	dst = strconv.AppendInt(dst, int64(p.OrigLen)*8, 10)
	dst = append(dst, " bits), "...)
	dst = strconv.AppendInt(dst, int64(p.CapLen), 10)
	dst = append(dst, " bytes captured ("...)
	dst = strconv.AppendInt(dst, int64(p.CapLen)*8, 10)
	dst = append(dst, " bits)"...)
	if p.InterfaceName != "" {
		dst = append(dst, " on interface "...)
		dst = AppendSafe(dst, []byte(p.InterfaceName))
	}
	return dst
}

// appendProtoSummary adds ", Src: …, Dst: …" to a protocol line from its
// children, as tshark's protocol lines do.
func appendProtoSummary(dst []byte, fields []dissect.Field, i int) []byte {
	name := fields[i].Info.Name
	depth := fields[i].Depth
	var src, dst2 *dissect.Field
	for j := i + 1; j < len(fields) && fields[j].Depth > depth; j++ {
		if fields[j].Depth != depth+1 || fields[j].Info == nil {
			continue
		}
		switch fields[j].Info.Name {
		case name + ".src", name + ".srcport":
			src = &fields[j]
		case name + ".dst", name + ".dstport":
			dst2 = &fields[j]
		}
	}
	if src == nil || dst2 == nil {
		return dst
	}
	label := ", Src: "
	if src.Info.Name == name+".srcport" {
		label = ", Src Port: "
	}
	dst = append(dst, label...)
	dst = src.AppendValue(dst)
	if src.Info.Name == name+".srcport" {
		dst = append(dst, ", Dst Port: "...)
	} else {
		dst = append(dst, ", Dst: "...)
	}
	return dst2.AppendValue(dst)
}

// AppendHex appends a hex and ASCII dump of data as tshark -x does:
// offset, sixteen bytes in hex, and the printable ones as text.
func AppendHex(dst []byte, data []byte) []byte {
	for off := 0; off < len(data); off += 16 {
		line := data[off:min(off+16, len(data))]
		dst = append(dst, hexdigit[off>>12&0xf], hexdigit[off>>8&0xf], hexdigit[off>>4&0xf], hexdigit[off&0xf], ' ', ' ')
		for i := 0; i < 16; i++ {
			if i < len(line) {
				dst = append(dst, hexdigit[line[i]>>4], hexdigit[line[i]&0xf], ' ')
			} else {
				dst = append(dst, "   "...)
			}
			if i == 7 {
				dst = append(dst, ' ')
			}
		}
		dst = append(dst, "  "...)
		for i, b := range line {
			if b < 0x20 || b >= 0x7f {
				b = '.'
			}
			dst = append(dst, b)
			if i == 7 {
				dst = append(dst, ' ')
			}
		}
		dst = append(dst, '\n')
	}
	return dst
}
