package tui

import (
	"bufio"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/gdamore/tcell/v2"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui/model"
)

// benchPackets is the size of the benchmarks' capture: 1,000,000 unless
// V6SCOPE_BENCH_PACKETS says otherwise.
func benchPackets() int {
	if n, err := strconv.Atoi(os.Getenv("V6SCOPE_BENCH_PACKETS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// bigCapture writes a classic pcap of n packets by repeating the frames
// of kernel-nd-mld.pcapng (as internal/tools/mkbig does with pcap inputs),
// 10 µs apart.
func bigCapture(b *testing.B, n int) string {
	b.Helper()
	r, err := capture.Open(capturePath("kernel-nd-mld.pcapng"))
	if err != nil {
		b.Fatal(err)
	}
	var frames [][]byte
	var f capture.Frame
	for {
		if err := r.Next(&f); err == io.EOF {
			break
		} else if err != nil {
			b.Fatal(err)
		}
		frames = append(frames, append([]byte(nil), f.Data...))
	}
	r.Close()
	path := filepath.Join(b.TempDir(), "big.pcap")
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(out, 1<<20)
	le := binary.LittleEndian
	hdr := make([]byte, 24)
	le.PutUint32(hdr[0:], 0xa1b2c3d4)
	le.PutUint16(hdr[4:], 2)
	le.PutUint16(hdr[6:], 4)
	le.PutUint32(hdr[16:], 262144)
	le.PutUint32(hdr[20:], 1)
	w.Write(hdr)
	rec := make([]byte, 16)
	start := time.Unix(1_700_000_000, 0)
	for i := 0; i < n; i++ {
		d := frames[i%len(frames)]
		t := start.Add(time.Duration(i) * 10 * time.Microsecond)
		le.PutUint32(rec[0:], uint32(t.Unix()))
		le.PutUint32(rec[4:], uint32(t.Nanosecond()/1000))
		le.PutUint32(rec[8:], uint32(len(d)))
		le.PutUint32(rec[12:], uint32(len(d)))
		w.Write(rec)
		w.Write(d)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	out.Close()
	return path
}

// firstScreen opens path and draws the UI's first screen on a simulation
// screen, as `v6scope tui FILE` does before the user can type.
func firstScreen(b *testing.B, path string) (*App, *model.FileSource) {
	src, err := model.OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	a, err := New(Options{Source: src, TimeFormat: output.TimeRelative})
	if err != nil {
		b.Fatal(err)
	}
	s := tcell.NewSimulationScreen("UTF-8")
	a.Application().SetScreen(s)
	s.SetSize(120, 40)
	a.Application().ForceDraw()
	return a, src
}

// BenchmarkOpenFirstScreen measures opening a large capture: building the
// frame index and drawing the first screen. It reports the index's memory
// per packet.
func BenchmarkOpenFirstScreen(b *testing.B) {
	n := benchPackets()
	path := bigCapture(b, n)
	b.ResetTimer()
	var src *model.FileSource
	for i := 0; i < b.N; i++ {
		_, src = firstScreen(b, path)
		if i < b.N-1 {
			src.Close()
		}
	}
	b.StopTimer()
	// What stays in memory with the UI open, per packet.
	var before, after runtime.MemStats
	src.Close()
	runtime.GC()
	runtime.ReadMemStats(&before)
	a, src := firstScreen(b, path)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(a)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(n), "heap-B/pkt")
	ix := src.Index()
	b.ReportMetric(float64(cap(ix.Entries))*float64(unsafe.Sizeof(capture.IndexEntry{}))/float64(n), "index-B/pkt")
	b.ReportMetric(float64(n), "packets")
	src.Close()
}

// BenchmarkJumpToLast measures going to the last packet (G) and back to
// the first, each with the three panes redrawn: decoding is on demand, so
// this does not depend on the capture's size.
func BenchmarkJumpToLast(b *testing.B) {
	path := bigCapture(b, benchPackets())
	a, src := firstScreen(b, path)
	defer src.Close()
	last, first := &Keys[0], &Keys[0]
	for i := range Keys {
		switch Keys[i].Name() {
		case "G":
			last = &Keys[i]
		case "H":
			first = &Keys[i]
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := last
		if i%2 == 1 {
			k = first
		}
		k.Do(a)
		a.Application().ForceDraw()
	}
	b.StopTimer()
	if n := a.list.SelectedFrame(); n != 1 && n != src.Len() {
		b.Fatalf("selected frame %d", n)
	}
}

// BenchmarkFilterWholeFile measures a display filter over every packet, as
// the background job runs it; it reports packets per second.
func BenchmarkFilterWholeFile(b *testing.B) {
	n := benchPackets()
	path := bigCapture(b, n)
	src, err := model.OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	f, msg := model.Check("icmpv6.type == 135")
	if msg != "" {
		b.Fatal(msg)
	}
	b.ResetTimer()
	var last model.Progress
	for i := 0; i < b.N; i++ {
		j := model.StartFilter(src, f, func(p model.Progress) { last = p })
		j.Wait()
	}
	b.StopTimer()
	if !last.Finished || len(last.Matches) == 0 {
		b.Fatalf("filter ended %+v", last.Done)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}
