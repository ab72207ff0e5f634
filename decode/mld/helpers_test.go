package mld_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/pcaps"
)

// ip6 describes the IPv6 header (and Hop-by-Hop header) a test message is
// sent in. The zero value is what RFC 2710 §3 and RFC 3810 §5 ask for: a
// link-local source, Hop Limit 1, a Router Alert option of value 0.
type ip6 struct {
	src, dst    string // default fe80::1 and ff02::1
	hopLimit    uint8  // default 1
	noHBH       bool   // no Hop-by-Hop header at all
	noRA        bool   // a Hop-by-Hop header with padding only
	raValue     uint16
	captureCut  int // bytes cut off the end of the frame by the capture
	plenPlus    int // added to the IPv6 Payload Length
	checksumBad bool
}

var epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// frame builds an Ethernet frame holding msg, an ICMPv6 message whose
// checksum is filled in here.
func frame(h ip6, msg []byte) *capture.Frame {
	if h.src == "" {
		h.src = "fe80::1"
	}
	if h.dst == "" {
		h.dst = "ff02::1"
	}
	if h.hopLimit == 0 {
		h.hopLimit = 1
	}
	src, dst := netip.MustParseAddr(h.src), netip.MustParseAddr(h.dst)
	icmp := bytes.Clone(msg)
	if len(icmp) >= 4 {
		icmp[2], icmp[3] = 0, 0
		sum := dissect.PseudoHeader(src, dst, 58, len(icmp))
		ck := dissect.Fold(dissect.Sum(sum, icmp))
		if h.checksumBad {
			ck ^= 0xffff
		}
		binary.BigEndian.PutUint16(icmp[2:], ck)
	}
	var payload []byte
	next := byte(58)
	if !h.noHBH {
		next = 0
		if h.noRA {
			payload = []byte{58, 0, 1, 4, 0, 0, 0, 0} // PadN
		} else {
			payload = []byte{58, 0, 5, 2, byte(h.raValue >> 8), byte(h.raValue), 1, 0} // Router Alert, PadN
		}
	}
	payload = append(payload, icmp...)
	b := []byte{0x33, 0x33, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 1, 0x86, 0xdd}
	b = append(b, 0x60, 0, 0, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(len(payload)+h.plenPlus))
	b = append(b, next, h.hopLimit)
	s, d := src.As16(), dst.As16()
	b = append(b, s[:]...)
	b = append(b, d[:]...)
	b = append(b, payload...)
	orig := len(b)
	b = b[:len(b)-h.captureCut]
	return &capture.Frame{Number: 1, Time: epoch, CapLen: len(b), OrigLen: orig, LinkType: capture.LinkEthernet, Data: b}
}

// msg assembles an ICMPv6 message from its parts: bytes, uint8, uint16
// and addresses written as strings.
func msg(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case []byte:
			b = append(b, v...)
		case int:
			b = append(b, byte(v))
		case uint8:
			b = append(b, v)
		case uint16:
			b = binary.BigEndian.AppendUint16(b, v)
		case string:
			a := netip.MustParseAddr(v).As16()
			b = append(b, a[:]...)
		default:
			panic(fmt.Sprintf("msg: %T", p))
		}
	}
	return b
}

// v1 builds an MLDv1 message (RFC 2710 §3).
func v1(typ, code uint8, delay uint16, group string) []byte {
	return msg(typ, code, uint16(0), delay, uint16(0), group)
}

// query2 builds an MLDv2 Query (RFC 3810 §5.1).
func query2(mrc uint16, group string, flags, qqic uint8, sources ...string) []byte {
	b := msg(130, 0, uint16(0), mrc, uint16(0), group, flags, qqic, uint16(len(sources)))
	for _, s := range sources {
		b = append(b, msg(s)...)
	}
	return b
}

// rec builds a Multicast Address Record (RFC 3810 §5.2.4).
func rec(typ uint8, group string, aux []byte, sources ...string) []byte {
	b := msg(typ, uint8(len(aux)/4), uint16(len(sources)), group)
	for _, s := range sources {
		b = append(b, msg(s)...)
	}
	return append(b, aux...)
}

// report2 builds an MLDv2 Report (RFC 3810 §5.2) announcing n records.
func report2(n uint16, records ...[]byte) []byte {
	b := msg(143, 0, uint16(0), uint16(0), n)
	for _, r := range records {
		b = append(b, r...)
	}
	return b
}

// render writes a dissection as text, one line per node (depth, name,
// offset, length, tree line, fields value), then the notes and the
// summary: two dissections are the same when their renderings are.
func render(p *decode.Packet) string {
	var b strings.Builder
	for i := range p.Tree.Fields {
		f := &p.Tree.Fields[i]
		fmt.Fprintf(&b, "%s%s @%d+%d hidden=%v %q = %q\n", strings.Repeat("  ", f.Depth), f.Name(), f.Offset, f.Length, f.Hidden, f.AppendDisplay(nil), f.AppendValue(nil))
	}
	for _, n := range p.Tree.Notes {
		fmt.Fprintf(&b, "note %s %s %q %s @%d+%d malformed=%v\n", n.Severity, n.Code, n.Message, n.RFC, n.Offset, n.Length, n.Malformed)
	}
	fmt.Fprintf(&b, "layers %v\nprotocols %s\nsummary %s %s %s %q\n", p.Layers, p.Tree.Protocols, p.Summary.Protocol, p.Summary.Src, p.Summary.Dst, p.Summary.Info)
	return b.String()
}

// values returns every occurrence of the named field, joined with commas
// as `-T fields -E occurrence=a` prints them.
func values(p *decode.Packet, name string) string {
	var b []byte
	n := 0
	for i := range p.Tree.Fields {
		f := &p.Tree.Fields[i]
		if f.Name() != name {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = f.AppendValue(b)
		n++
	}
	return string(b)
}

// noteCodes lists the codes of the packet's notes that start with prefix.
func noteCodes(p *decode.Packet, prefix string) []string {
	var codes []string
	for _, n := range p.Notes() {
		if strings.HasPrefix(n.Code, prefix) {
			codes = append(codes, n.Code)
		}
	}
	return codes
}

// bundledMLDFrames returns the MLD frames of the bundled capture.
func bundledMLDFrames(t testing.TB) []capture.Frame {
	t.Helper()
	data, err := pcaps.FS.ReadFile(pcaps.Default)
	if err != nil {
		t.Fatal(err)
	}
	r, err := capture.NewReader(bytes.NewReader(data), pcaps.Default)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d := decode.New()
	var (
		out []capture.Frame
		f   capture.Frame
		p   decode.Packet
	)
	for {
		if err := r.Next(&f); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		d.Decode(&f, &p)
		if values(&p, "v6scope.mld.version") != "" {
			g := f
			g.Data = bytes.Clone(f.Data)
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no MLD message", pcaps.Default)
	}
	return out
}

// decodeLayerMLD is the layer type of MLD messages.
var decodeLayerMLD = dissect.LayerMLD
