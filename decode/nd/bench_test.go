package nd_test

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/internal/decodetest"
)

// benchSet is the kernel's ND frames from pcaps/ and the synthetic frames
// that carry every option.
func benchSet(b *testing.B) []*capture.Frame {
	var out []*capture.Frame
	for _, fr := range ndFrames(b) {
		out = append(out, decodetest.Frame(capture.LinkEthernet, fr))
	}
	for _, fr := range syntheticFrames() {
		out = append(out, decodetest.Frame(capture.LinkEthernet, fr))
	}
	return out
}

// BenchmarkFast decodes ND frames on the fast path (decode.Decoder.Fast):
// it must not allocate.
func BenchmarkFast(b *testing.B) {
	decodetest.BenchFast(b, decodetest.Deref(benchSet(b)))
}

// BenchmarkDecode is the full dissection of the same frames.
func BenchmarkDecode(b *testing.B) {
	decodetest.BenchDecode(b, decodetest.Deref(benchSet(b)))
}

// TestFastPathDoesNotAllocate holds the fast path to 0 allocations per ND
// frame, once the reused slices have grown.
func TestFastPathDoesNotAllocate(t *testing.T) {
	var frames []*capture.Frame
	for _, fr := range syntheticFrames() {
		frames = append(frames, decodetest.Frame(capture.LinkEthernet, fr))
	}
	d := decode.New()
	var layers []gopacket.LayerType
	for _, f := range frames {
		d.Fast(f, &layers)
		found := false
		for _, l := range layers {
			found = found || l == dissect.LayerND
		}
		if !found {
			t.Fatalf("fast path did not reach ND: %v", layers)
		}
	}
	for _, f := range frames {
		if n := testing.AllocsPerRun(100, func() { d.Fast(f, &layers) }); n != 0 {
			t.Errorf("fast path allocates %.1f times per frame (%x)", n, f.Data)
		}
	}
}
