package mld_test

import (
	"os"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/decodetest"
)

// benchFrames are the MLD frames the benchmarks decode: every MLDv2 Report
// of the bundled kernel capture, and one message of each other kind.
func benchFrames(b testing.TB) []capture.Frame {
	frames := bundledMLDFrames(b)
	for _, f := range []*capture.Frame{
		frame(ip6{}, generalQv1),
		frame(ip6{dst: group}, v1(131, 0, 0, group)),
		frame(ip6{dst: "ff02::2"}, v1(132, 0, 0, group)),
		bigQuery,
		bigReport,
	} {
		frames = append(frames, *f)
	}
	return frames
}

// BenchmarkFast decodes MLD frames on the fast path (no field tree); one
// op is one packet.
func BenchmarkFast(b *testing.B) {
	decodetest.BenchFast(b, benchFrames(b))
}

// BenchmarkDecode fully dissects MLD frames (field tree, notes, summary);
// one op is one packet.
func BenchmarkDecode(b *testing.B) {
	decodetest.BenchDecode(b, benchFrames(b))
}

// TestNoAllocs checks what BenchmarkFast measures: once the reused slices
// have grown, the fast path allocates nothing for any MLD frame, hostile
// ones included, and the full dissection nothing for a frame without
// expert notes (notes carry text built for them).
func TestNoAllocs(t *testing.T) {
	if os.Getenv("V6SCOPE_RACE") != "" {
		t.Skip("allocation counts differ under -race")
	}
	frames := benchFrames(t)
	for _, tc := range edgeCases {
		frames = append(frames, *frame(tc.h, tc.msg))
	}
	d := decode.New()
	var p decode.Packet
	decoded := make([]gopacket.LayerType, 0, 16)
	for i := range frames {
		d.Decode(&frames[i], &p)
		_ = d.Fast(&frames[i], &decoded)
	}
	var fast, full int
	for i := range frames {
		f := &frames[i]
		if n := testing.AllocsPerRun(10, func() { _ = d.Fast(f, &decoded) }); n != 0 {
			t.Errorf("frame %d: Fast allocates %.0f times; decoded %v", i, n, decoded)
		}
		fast++
		d.Decode(f, &p)
		if len(p.Notes()) > 0 {
			continue
		}
		if n := testing.AllocsPerRun(10, func() { d.Decode(f, &p) }); n != 0 {
			t.Errorf("frame %d: Decode allocates %.0f times\n%s", i, n, render(&p))
		}
		full++
	}
	t.Logf("Fast checked on %d frames, Decode on %d", fast, full)
}
