package decodetest

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
)

// BenchFast runs the decoder's fast path (Decoder.Fast, no field tree)
// over frames, round robin; one op is one packet. A first pass outside
// the timer lets the reused slices grow.
func BenchFast(b *testing.B, frames []capture.Frame) {
	b.Helper()
	d := decode.New()
	decoded := make([]gopacket.LayerType, 0, 16)
	for i := range frames {
		_ = d.Fast(&frames[i], &decoded)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = d.Fast(&frames[i%len(frames)], &decoded)
	}
}

// BenchDecode runs the full dissection (field tree, notes, summary) over
// frames as BenchFast does.
func BenchDecode(b *testing.B, frames []capture.Frame) {
	b.Helper()
	d := decode.New()
	var p decode.Packet
	for i := range frames {
		d.Decode(&frames[i], &p)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Decode(&frames[i%len(frames)], &p)
	}
}

// Deref copies frames given by pointer into a slice of frames (their data
// is shared), for BenchFast and BenchDecode.
func Deref(frames []*capture.Frame) []capture.Frame {
	out := make([]capture.Frame, len(frames))
	for i, f := range frames {
		out[i] = *f
	}
	return out
}
