package teredo_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	dt "github.com/v6scope/v6scope/internal/decodetest"
)

// benchFrames are the Teredo frames the benchmarks decode: every Teredo
// frame of the bundled miredo capture (heuristic on), and the edge cases
// that are well-formed Teredo, all without expert notes: the path a packet
// that is fine takes (a note's text is built for it). The miredo capture's
// outer UDP checksums were left unfinished by its veth links' checksum
// offload; they are corrected here first.
func benchFrames(t testing.TB) []capture.Frame {
	var frames []capture.Frame
	d := decode.New()
	var p decode.Packet
	keep := func(f *capture.Frame) {
		c := *f
		c.Data = append([]byte(nil), f.Data...)
		d.Decode(&c, &p)
		if dt.Note(&p, "udp.checksum.bad") != nil {
			fixUDPChecksum(&p)
			d.Decode(&c, &p)
		}
		if dt.HasLayer(&p, "Teredo") && len(p.Notes()) == 0 {
			frames = append(frames, c)
		}
	}
	if r, err := capture.Open(filepath.Join(dt.ModuleRoot(t), "pcaps", "teredo-miredo.pcapng")); err == nil {
		var f capture.Frame
		for r.Next(&f) == nil {
			keep(&f)
		}
		r.Close()
	} else if !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, tc := range edgeCases {
		if !tc.noHeur {
			keep(dt.Frame(capture.LinkRaw, tc.frame))
		}
	}
	if len(frames) == 0 {
		t.Fatal("no Teredo frames")
	}
	return frames
}

// BenchmarkFast decodes Teredo frames on the fast path (no field tree);
// one op is one packet.
func BenchmarkFast(b *testing.B) {
	dt.BenchFast(b, benchFrames(b))
}

// BenchmarkDecode fully dissects Teredo frames (tree, notes, summary); one
// op is one packet.
func BenchmarkDecode(b *testing.B) {
	dt.BenchDecode(b, benchFrames(b))
}

// TestNoAllocs checks what the benchmarks measure: once the reused slices
// have grown, neither the fast path nor the full dissection allocates for a
// Teredo frame of benchFrames.
func TestNoAllocs(t *testing.T) {
	if os.Getenv("V6SCOPE_RACE") != "" {
		t.Skip("allocation counts differ under -race")
	}
	frames := benchFrames(t)
	d := decode.New()
	var p decode.Packet
	decoded := make([]gopacket.LayerType, 0, 16)
	for i := range frames {
		d.Decode(&frames[i], &p)
		_ = d.Fast(&frames[i], &decoded)
	}
	for i := range frames {
		f := &frames[i]
		if n := testing.AllocsPerRun(5, func() { _ = d.Fast(f, &decoded) }); n != 0 {
			t.Errorf("frame %d: Fast allocates %.0f times; layers %v", f.Number, n, decoded)
		}
		if !slicesContainsTeredo(decoded) {
			t.Errorf("frame %d: fast path did not reach Teredo: %v", f.Number, decoded)
		}
		if n := testing.AllocsPerRun(5, func() { d.Decode(f, &p) }); n != 0 {
			t.Errorf("frame %d: Decode allocates %.0f times; layers %v", f.Number, n, p.Layers)
		}
	}
	t.Logf("%d Teredo frames decode without allocating", len(frames))
}

// fixUDPChecksum rewrites the first UDP checksum of p's frame (IPv4
// pseudo-header, RFC 768) in place.
func fixUDPChecksum(p *decode.Packet) {
	u := p.Tree.Find("udp")
	src, dst := p.Tree.Find("ip.src"), p.Tree.Find("ip.dst")
	if u == nil || src == nil || dst == nil {
		return
	}
	seg := p.Data[u.Offset:]
	n := int(binary.BigEndian.Uint16(seg[4:]))
	if n > len(seg) {
		return
	}
	seg = seg[:n]
	seg[6], seg[7] = 0, 0
	sum := dissect.Fold(dissect.Sum(dissect.PseudoHeader(src.Addr, dst.Addr, 17, n), seg))
	binary.BigEndian.PutUint16(seg[6:], sum)
}

func slicesContainsTeredo(ls []gopacket.LayerType) bool {
	for _, l := range ls {
		if l.String() == "Teredo" {
			return true
		}
	}
	return false
}
