package analyze_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/analyze/mld"
	"github.com/v6scope/v6scope/analyze/nd"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/pcaps"
)

// BenchmarkAnalyze measures the engine with the ND and MLD trackers over
// the frames of every bundled capture, decoded on the fast path, writing
// NDJSON to io.Discard: ns/op is per packet. scripts/bench-analyze.sh
// measures the whole command on a million-packet file beside tshark.
func BenchmarkAnalyze(b *testing.B) {
	var frames []capture.Frame
	for _, name := range pcaps.Captures() {
		data, err := pcaps.FS.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		r, err := capture.NewReader(bytes.NewReader(data), name)
		if err != nil {
			b.Fatal(err)
		}
		for {
			var f capture.Frame
			if err := r.Next(&f); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			f.Data = bytes.Clone(f.Data)
			frames = append(frames, f)
		}
	}
	jw := analyze.NewJSONWriter(io.Discard)
	e := analyze.New(jw)
	e.Add(nd.New(e, nd.Config{}))
	e.Add(mld.New(e, mld.Config{}))
	d := decode.New()
	decoded := make([]gopacket.LayerType, 0, 16)
	first, last := frames[0].Time, frames[len(frames)-1].Time
	span := last.Sub(first) + 1
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := frames[i%len(frames)]
		// Time moves on lap after lap, as in a long capture.
		f.Time = f.Time.Add(span * time.Duration(i/len(frames)))
		_ = d.Fast(&f, &decoded)
		e.Observe(&f, decoded, d)
	}
	e.Finish()
}
