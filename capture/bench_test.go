package capture

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const benchFrames = 100_000

var (
	benchOnce  sync.Once
	benchDir   string
	benchNg    string // pcapng written by PcapngWriter
	benchPcap  string // classic pcap
	benchBytes int64  // packet bytes in each file
	benchErr   error
)

// benchFiles writes the large synthetic captures once per test binary.
func benchFiles(b *testing.B) (ng, pcap string, dataBytes int64) {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "capture-bench")
		if benchErr != nil {
			return
		}
		benchNg = filepath.Join(benchDir, "big.pcapng")
		benchPcap = filepath.Join(benchDir, "big.pcap")
		fh, err := os.Create(benchNg)
		if err != nil {
			benchErr = err
			return
		}
		defer fh.Close()
		w, err := NewPcapngWriter(fh, "benchmark", []Interface{{Name: "eth0", LinkType: LinkEthernet, TSResolution: time.Nanosecond}})
		if err != nil {
			benchErr = err
			return
		}
		p := newPcapFile(le16, true, 65535, uint32(LinkEthernet))
		sizes := []int{60, 1514, 86, 590, 1280, 74, 342}
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		bufs := make([][]byte, len(sizes))
		for i, n := range sizes {
			bufs[i] = payload(i, n)
		}
		for i := range benchFrames {
			data := bufs[i%len(sizes)]
			tm := base.Add(time.Duration(i) * 137 * time.Microsecond)
			f := Frame{Time: tm, Data: data}
			if benchErr = w.WriteFrame(&f); benchErr != nil {
				return
			}
			p.record(uint32(tm.Unix()), uint32(tm.Nanosecond()), len(data), data)
			benchBytes += int64(len(data))
		}
		if benchErr = w.Flush(); benchErr != nil {
			return
		}
		benchErr = os.WriteFile(benchPcap, p.buf, 0o644)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchNg, benchPcap, benchBytes
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchNext reads frames from path round and round; one op is one frame.
func benchNext(b *testing.B, path string, dataBytes int64) {
	r, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	var f Frame
	b.SetBytes(dataBytes / benchFrames)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := r.Next(&f); err != nil {
			if err != io.EOF {
				b.Fatal(err)
			}
			r.Close()
			if r, err = Open(path); err != nil {
				b.Fatal(err)
			}
			if err := r.Next(&f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	r.Close()
}

// BenchmarkNext reads a 100 000-frame pcapng file written by PcapngWriter.
func BenchmarkNext(b *testing.B) {
	ng, _, n := benchFiles(b)
	benchNext(b, ng, n)
}

// BenchmarkNextPcap reads the same frames from a classic pcap file.
func BenchmarkNextPcap(b *testing.B) {
	_, pc, n := benchFiles(b)
	benchNext(b, pc, n)
}

// BenchmarkNextGzip reads the pcapng file through gzip.
func BenchmarkNextGzip(b *testing.B) {
	ng, _, n := benchFiles(b)
	gz := ng + ".gz"
	if _, err := os.Stat(gz); err != nil {
		raw, err := os.ReadFile(ng)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(gz, gzipBytes(b, raw), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	benchNext(b, gz, n)
}

// BenchmarkReadFrame reads frames at random through the index.
func BenchmarkReadFrame(b *testing.B) {
	ng, _, n := benchFiles(b)
	ix, err := BuildIndex(ng)
	if err != nil {
		b.Fatal(err)
	}
	fh, err := os.Open(ng)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	var f Frame
	b.SetBytes(n / benchFrames)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := ix.ReadFrame(fh, (i*7919)%benchFrames+1, &f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildIndex indexes the 100 000-frame pcapng file; one op is
// one file.
func BenchmarkBuildIndex(b *testing.B) {
	ng, _, _ := benchFiles(b)
	b.ReportAllocs()
	for range b.N {
		if _, err := BuildIndex(ng); err != nil {
			b.Fatal(err)
		}
	}
}

// Next does not allocate per frame, for either format, plain or gzip
// (a packet comment is the one exception, and has its own string).
func TestNextDoesNotAllocate(t *testing.T) {
	var frames []Frame
	for i := range 2000 {
		frames = append(frames, Frame{Time: time.Unix(int64(i), 0), Data: payload(i, 60+i%1400)})
	}
	ng := writeFrames(t, "", writerIfaces[:1], frames)
	p := newPcapFile(be16, false, 65535, 1)
	for _, f := range frames {
		p.record(uint32(f.Time.Unix()), 0, len(f.Data), f.Data)
	}
	for name, in := range map[string][]byte{"pcapng": ng, "pcap": p.buf, "pcapng gzip": gzipBytes(t, ng)} {
		t.Run(name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(in), "x")
			if err != nil {
				t.Fatal(err)
			}
			var f Frame
			for range 100 { // warm up: grow f.Data
				if err := r.Next(&f); err != nil {
					t.Fatal(err)
				}
			}
			f.Data = make([]byte, 0, 2000)
			if a := testing.AllocsPerRun(1000, func() {
				if err := r.Next(&f); err != nil {
					t.Fatal(err)
				}
			}); a != 0 {
				t.Errorf("Next allocates %v times per frame", a)
			}
		})
	}
}
