// Package decodetest helps the decoder packages' tests: it builds frames
// (IPv6, UDP and ICMPv6 with correct checksums, Ethernet, VLAN tags),
// decodes them with the full decode pipeline, renders a dissection as text
// so two dissections can be compared, checks that a Decoder reused from
// frame to frame gives what a fresh one gives, and collects real frames
// from the bundled capture and the public corpus to seed fuzz targets.
//
// It is imported by tests only.
package decodetest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
)

// Epoch is the timestamp every frame decoded here carries, so that the
// frame's time fields are the same whatever was decoded before.
var Epoch = time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC)

// Frame wraps data as frame 1 of link type lt.
func Frame(lt capture.LinkType, data []byte) *capture.Frame {
	return &capture.Frame{Number: 1, Time: Epoch, CapLen: len(data), OrigLen: len(data), LinkType: lt, Data: data}
}

// Decode dissects data (link type lt) with a fresh Decoder into a fresh
// Packet.
func Decode(lt capture.LinkType, data []byte) *decode.Packet {
	p := new(decode.Packet)
	decode.New().Decode(Frame(lt, data), p)
	return p
}

// Render writes a dissection as text, one line per tree node (depth, name,
// offset, length, hidden, the tree line and the -T fields value), then the
// expert notes, the layers and the summary: two dissections are the same
// when their renderings are.
func Render(p *decode.Packet) string {
	var b strings.Builder
	for i := range p.Tree.Fields {
		f := &p.Tree.Fields[i]
		fmt.Fprintf(&b, "%s%s @%d+%d", strings.Repeat("  ", f.Depth), f.Name(), f.Offset, f.Length)
		if f.Hidden {
			b.WriteString(" hidden")
		}
		fmt.Fprintf(&b, " %q = %q\n", f.AppendDisplay(nil), f.AppendValue(nil))
	}
	for _, n := range p.Tree.Notes {
		fmt.Fprintf(&b, "note %s %s %q %s @%d+%d malformed=%v\n", n.Severity, n.Code, n.Message, n.RFC, n.Offset, n.Length, n.Malformed)
	}
	fmt.Fprintf(&b, "layers %v\n", p.Layers)
	s := &p.Summary
	fmt.Fprintf(&b, "summary %q %v %v %x %x %q\n", s.Protocol, s.Src, s.Dst, s.SrcHW, s.DstHW, s.Info)
	return b.String()
}

// CheckReuse decodes prev and then data with one Decoder into one Packet,
// and data alone with a fresh Decoder into a fresh Packet, and fails t when
// the two dissections of data differ: a layer kept something from prev.
// It returns the fresh dissection of data.
func CheckReuse(t testing.TB, lt capture.LinkType, prev, data []byte) *decode.Packet {
	t.Helper()
	d := decode.New()
	var reused decode.Packet
	d.Decode(Frame(lt, prev), &reused)
	d.Decode(Frame(lt, data), &reused)
	fresh := Decode(lt, data)
	if got, want := Render(&reused), Render(fresh); got != want {
		t.Fatalf("decoding %x after %x differs from decoding it alone:\nreused:\n%s\nfresh:\n%s", data, prev, got, want)
	}
	CheckSpans(t, fresh)
	return fresh
}

// CheckSpans fails t when a node or note of p claims bytes outside the
// frame: the TUI highlights them, so every span must lie within it.
func CheckSpans(t testing.TB, p *decode.Packet) {
	t.Helper()
	n := len(p.Data)
	for i := range p.Tree.Fields {
		f := &p.Tree.Fields[i]
		if f.Offset < 0 || f.Length < 0 || f.Offset+f.Length > n {
			t.Fatalf("node %d %q (%s) spans bytes %d+%d of a %d-byte frame %x:\n%s", i, f.Name(), f.AppendDisplay(nil), f.Offset, f.Length, n, p.Data, Render(p))
		}
	}
	for _, note := range p.Tree.Notes {
		if note.Offset < 0 || note.Length < 0 || note.Offset+note.Length > n {
			t.Fatalf("note %s spans bytes %d+%d of a %d-byte frame %x:\n%s", note.Code, note.Offset, note.Length, n, p.Data, Render(p))
		}
	}
}

// Find returns the first node named name, or fails t.
func Find(t testing.TB, p *decode.Packet, name string) *dissect.Field {
	t.Helper()
	f := p.Tree.Find(name)
	if f == nil {
		t.Fatalf("no %s in the dissection:\n%s", name, Render(p))
	}
	return f
}

// Values returns the -T fields values of every node named name.
func Values(p *decode.Packet, name string) []string {
	var vs []string
	for i := range p.Tree.Fields {
		if f := &p.Tree.Fields[i]; f.Name() == name {
			vs = append(vs, string(f.AppendValue(nil)))
		}
	}
	return vs
}

// Note returns the first expert note with the given code, or nil.
func Note(p *decode.Packet, code string) *dissect.Note {
	for i := range p.Tree.Notes {
		if p.Tree.Notes[i].Code == code {
			return &p.Tree.Notes[i]
		}
	}
	return nil
}

// HasLayer reports whether the dissection went through the layer of that
// name ("IPv6", "UDP", as gopacket prints the layer types).
func HasLayer(p *decode.Packet, name string) bool {
	for _, l := range p.Layers {
		if l.String() == name {
			return true
		}
	}
	return false
}

// IPv6 returns an IPv6 header (RFC 8200 §3) with Payload Length
// len(payload), followed by payload.
func IPv6(src, dst string, next, hlim uint8, payload []byte) []byte {
	return IPv6Len(src, dst, next, hlim, len(payload), payload)
}

// IPv6Len is IPv6 with Payload Length plen, whatever len(payload) is.
func IPv6Len(src, dst string, next, hlim uint8, plen int, payload []byte) []byte {
	b := make([]byte, 40, 40+len(payload))
	b[0] = 0x60
	binary.BigEndian.PutUint16(b[4:], uint16(plen))
	b[6], b[7] = next, hlim
	s, d := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	copy(b[8:], s[:])
	copy(b[24:], d[:])
	return append(b, payload...)
}

// IPv4 returns a 20-byte IPv4 header (RFC 791) with a correct header
// checksum, followed by payload.
func IPv4(src, dst string, proto, ttl uint8, payload []byte) []byte {
	b := make([]byte, 20, 20+len(payload))
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(20+len(payload)))
	b[8], b[9] = ttl, proto
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	copy(b[12:], s[:])
	copy(b[16:], d[:])
	binary.BigEndian.PutUint16(b[10:], dissect.Fold(dissect.Sum(0, b)))
	return append(b, payload...)
}

// Checksum returns the transport checksum of msg (its checksum field zero)
// over the pseudo-header of src, dst and proto (RFC 8200 §8.1, RFC 768).
func Checksum(src, dst string, proto uint8, msg []byte) uint16 {
	sum := dissect.PseudoHeader(netip.MustParseAddr(src), netip.MustParseAddr(dst), proto, len(msg))
	return dissect.Fold(dissect.Sum(sum, msg))
}

// UDP returns a UDP header and payload with a correct checksum for src and
// dst.
func UDP(src, dst string, sport, dport uint16, payload []byte) []byte {
	u := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(u[0:], sport)
	binary.BigEndian.PutUint16(u[2:], dport)
	binary.BigEndian.PutUint16(u[4:], uint16(8+len(payload)))
	u = append(u, payload...)
	binary.BigEndian.PutUint16(u[6:], Checksum(src, dst, 17, u))
	return u
}

// ICMPv6 returns an ICMPv6 message (RFC 4443 §2.1) with a correct
// checksum for src and dst.
func ICMPv6(src, dst string, typ, code uint8, body []byte) []byte {
	m := append([]byte{typ, code, 0, 0}, body...)
	binary.BigEndian.PutUint16(m[2:], Checksum(src, dst, 58, m))
	return m
}

// Ethernet returns an Ethernet II header (02:00:00:00:00:02 to
// 33:33:00:00:00:01) with etherType, followed by payload.
func Ethernet(etherType uint16, payload []byte) []byte {
	b := []byte{0x33, 0x33, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, byte(etherType >> 8), byte(etherType)}
	return append(b, payload...)
}

// VLAN returns an 802.1Q tag (after its TPID) with priority, VLAN id and
// the EtherType that follows, then payload.
func VLAN(prio uint8, id uint16, etherType uint16, payload []byte) []byte {
	tci := uint16(prio)<<13 | id&0x0fff
	b := []byte{byte(tci >> 8), byte(tci), byte(etherType >> 8), byte(etherType)}
	return append(b, payload...)
}

// ModuleRoot returns the directory holding go.mod above the working
// directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			t.Fatal("no go.mod above the working directory")
		}
		d = up
	}
}

// RealFrames returns up to perFile frames of each capture in the bundled
// pcaps/ and, when it is there, the public corpus (../shared/corpus beside
// the module), whose link type keep accepts: seeds for fuzz targets. The
// frames' data are copies.
func RealFrames(t testing.TB, perFile int, keep func(capture.LinkType) bool) []capture.Frame {
	t.Helper()
	root := ModuleRoot(t)
	files, _ := filepath.Glob(filepath.Join(root, "pcaps", "*.pcapng"))
	corpus := filepath.Join(filepath.Dir(root), "shared", "corpus")
	filepath.WalkDir(corpus, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	var out []capture.Frame
	for _, name := range files {
		r, err := capture.Open(name)
		if err != nil {
			continue // not a capture (keys, notes) in the corpus
		}
		for n := 0; n < perFile; {
			var f capture.Frame
			if err := r.Next(&f); err != nil {
				break // io.EOF, or a damaged corpus file: seeds only
			}
			if !keep(f.LinkType) {
				continue
			}
			f.Data = bytes.Clone(f.Data)
			out = append(out, f)
			n++
		}
		r.Close()
	}
	if len(out) == 0 {
		t.Fatalf("no real frames found in %s/pcaps or %s", root, corpus)
	}
	return out
}

// From returns the bytes of p's frame from the first node named proto
// (such as "ipv6" or "udp") to the end of the frame, or nil when there is
// none.
func From(p *decode.Packet, proto string) []byte {
	if f := p.Tree.Find(proto); f != nil && f.Offset < len(p.Data) {
		return p.Data[f.Offset:]
	}
	return nil
}
