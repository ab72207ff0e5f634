package mip6_test

import (
	"io"
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/internal/decodetest"
)

// benchSet is the Mobility Header frames of pcaps/mipv6-nemo.pcapng and
// the synthetic frames (malformed ones included).
func benchSet(tb testing.TB) []*capture.Frame {
	r, err := capture.Open(decodetest.ModuleRoot(tb) + "/pcaps/mipv6-nemo.pcapng")
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var out []*capture.Frame
	for {
		var f capture.Frame
		if err := r.Next(&f); err == io.EOF {
			break
		} else if err != nil {
			tb.Fatal(err)
		}
		p := decodetest.Decode(f.LinkType, f.Data)
		if slices.Contains(p.Layers, dissect.LayerMobility) {
			out = append(out, decodetest.Frame(f.LinkType, slices.Clone(f.Data)))
		}
	}
	for _, fr := range syntheticFrames() {
		out = append(out, decodetest.Frame(capture.LinkEthernet, fr))
	}
	return out
}

// BenchmarkFast decodes Mobility Header frames on the fast path: no
// allocation.
func BenchmarkFast(b *testing.B) {
	decodetest.BenchFast(b, decodetest.Deref(benchSet(b)))
}

// BenchmarkDecode is the full dissection of the same frames.
func BenchmarkDecode(b *testing.B) {
	decodetest.BenchDecode(b, decodetest.Deref(benchSet(b)))
}

// TestFastPathDoesNotAllocate holds the fast path to 0 allocations per
// Mobility Header frame, malformed ones included, once the reused slices
// have grown; and the full dissection to 0 for frames without notes.
func TestFastPathDoesNotAllocate(t *testing.T) {
	frames := benchSet(t)
	d := decode.New()
	var layers []gopacket.LayerType
	var p decode.Packet
	for _, f := range frames {
		d.Fast(f, &layers)
		d.Decode(f, &p)
	}
	for _, f := range frames {
		if n := testing.AllocsPerRun(50, func() { d.Fast(f, &layers) }); n != 0 {
			t.Errorf("fast path allocates %.1f times per frame (%x)", n, f.Data)
		}
		if d.Decode(f, &p); len(p.Notes()) > 0 {
			continue
		}
		if n := testing.AllocsPerRun(50, func() { d.Decode(f, &p) }); n != 0 {
			t.Errorf("dissection allocates %.1f times per frame (%x)", n, f.Data)
		}
	}
}
