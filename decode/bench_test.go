package decode_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/decodetest"
	"github.com/v6scope/v6scope/pcaps"
)

// benchFrames returns the frames of every bundled capture and, when the
// public corpus is beside the repository, of its ND, MLD, tunnel and Teredo
// captures: a mix like the one scripts/bench-vs-tshark.sh builds.
func benchFrames(tb testing.TB) []capture.Frame {
	frames, _ := namedFrames(tb)
	return frames
}

// namedFrames is benchFrames with the file each frame came from.
func namedFrames(tb testing.TB) ([]capture.Frame, []string) {
	tb.Helper()
	var frames []capture.Frame
	var files []string
	add := func(name string, r *capture.Reader) {
		defer r.Close()
		for {
			var f capture.Frame
			err := r.Next(&f)
			if err == io.EOF {
				return
			}
			if err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			f.Data = bytes.Clone(f.Data)
			frames = append(frames, f)
			files = append(files, filepath.Base(name))
		}
	}
	for _, name := range pcaps.Captures() {
		b, err := pcaps.FS.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		r, err := capture.NewReader(bytes.NewReader(b), name)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		add(name, r)
	}
	corpus, _ := filepath.Glob("../../shared/corpus/*/*.pcap*")
	for _, name := range corpus {
		r, err := capture.Open(name)
		if err != nil {
			continue // not every corpus file is a capture v6scope reads
		}
		add(name, r)
	}
	if len(frames) == 0 {
		tb.Skip("no frames to decode")
	}
	return frames, files
}

// BenchmarkFast is the zero-allocation path: layers decoded by gopacket's
// DecodingLayerParser into reused decoders, no field tree.
func BenchmarkFast(b *testing.B) {
	decodetest.BenchFast(b, benchFrames(b))
}

// BenchmarkDecode is the full dissection: field tree, notes and summary.
func BenchmarkDecode(b *testing.B) {
	decodetest.BenchDecode(b, benchFrames(b))
}

// TestNoAllocsPerPacket checks the promise the benchmarks measure: once the
// reused buffers have grown, neither path allocates for any well-formed
// frame of the bundled captures and the corpus. Malformed and truncated
// frames are the one exception allowed (their errors and expert notes carry
// text built for them), so frames with notes are left out.
func TestNoAllocsPerPacket(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if os.Getenv("V6SCOPE_RACE") != "" {
		t.Skip("allocation counts differ under -race")
	}
	frames, files := namedFrames(t)
	d := decode.New()
	var p decode.Packet
	decoded := make([]gopacket.LayerType, 0, 16)
	for i := range frames { // warm up: grow every reused slice
		d.Decode(&frames[i], &p)
		_ = d.Fast(&frames[i], &decoded)
	}
	for i := range frames {
		f := &frames[i]
		d.Decode(f, &p)
		if len(p.Notes()) > 0 {
			continue
		}
		if n := testing.AllocsPerRun(3, func() { _ = d.Fast(f, &decoded) }); n != 0 {
			t.Errorf("%s frame %d: Fast allocates %.0f times; decoded %v", files[i], f.Number, n, decoded)
		}
		if n := testing.AllocsPerRun(3, func() { d.Decode(f, &p) }); n != 0 {
			t.Errorf("%s frame %d: Decode allocates %.0f times; layers %v", files[i], f.Number, n, p.Layers)
		}
	}
}
