package output_test

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/output"
)

// loadFrames reads every frame of a capture into memory.
func loadFrames(tb testing.TB, path string) []capture.Frame {
	r, err := capture.Open(path)
	if err != nil {
		tb.Skipf("no capture to benchmark: %v", err)
	}
	defer r.Close()
	var frames []capture.Frame
	for {
		var f capture.Frame
		if err := r.Next(&f); err != nil {
			if err != io.EOF {
				tb.Fatal(err)
			}
			return frames
		}
		f.Data = bytes.Clone(f.Data)
		frames = append(frames, f)
	}
}

func benchCapture() string {
	if p := os.Getenv("V6SCOPE_BENCH_PCAP"); p != "" {
		return p
	}
	return "../../shared/corpus/nd/wiki_v6.pcap"
}

// BenchmarkDecodeFields is the work of `read -T fields`: full dissection
// and one line of six fields per packet.
func BenchmarkDecodeFields(b *testing.B) {
	frames := loadFrames(b, benchCapture())
	d := decode.New()
	d.NoSummary = true
	ff := output.NewFieldsFormat([]string{"frame.number", "ipv6.src", "ipv6.dst", "ipv6.nxt", "icmpv6.type", "udp.srcport"})
	var p decode.Packet
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := &frames[i%len(frames)]
		d.Decode(f, &p)
		buf = ff.AppendRow(buf[:0], &p)
	}
}

// BenchmarkSummary is the work of plain `read`: dissection and the summary
// line.
func BenchmarkSummary(b *testing.B) {
	frames := loadFrames(b, benchCapture())
	d := decode.New()
	var p decode.Packet
	var c output.Clock
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Decode(&frames[i%len(frames)], &p)
		buf = output.AppendSummary(buf[:0], &p, &c)
	}
}
