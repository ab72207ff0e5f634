package capture

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// recordBoundaries walks a good capture by its length fields alone,
// independently of the reader, and returns the offset where each record
// (the file header, each pcap record, each pcapng block) ends.
func recordBoundaries(t testing.TB, b []byte) []int {
	t.Helper()
	var ends []int
	switch binary.BigEndian.Uint32(b) {
	case 0x0a0d0d0a:
		var order binary.ByteOrder = binary.LittleEndian
		for off := 0; off < len(b); {
			if binary.BigEndian.Uint32(b[off:]) == 0x0a0d0d0a {
				order = binary.LittleEndian
				if binary.BigEndian.Uint32(b[off+8:]) == 0x1a2b3c4d {
					order = binary.BigEndian
				}
			}
			off += int(order.Uint32(b[off+4:]))
			ends = append(ends, off)
		}
	default:
		var order binary.ByteOrder = binary.LittleEndian
		if m := binary.BigEndian.Uint32(b); m == 0xa1b2c3d4 || m == 0xa1b23c4d {
			order = binary.BigEndian
		}
		ends = append(ends, 24)
		for off := 24; off < len(b); {
			off += 16 + int(order.Uint32(b[off+8:]))
			ends = append(ends, off)
		}
	}
	if ends[len(ends)-1] != len(b) {
		t.Fatalf("records end at %d, file is %d bytes", ends[len(ends)-1], len(b))
	}
	return ends
}

// checkCut reads b[:cut] and checks that it yields exactly the frames whose
// records lie wholly before the cut, then io.EOF if the cut falls on a
// record boundary, or else a TruncatedError saying where the cut record
// starts and how much of it there is.
func checkCut(t *testing.T, b []byte, cut int, full []Frame, ends []int) {
	t.Helper()
	frames, end, err := readOutcome(b[:cut])
	if cut == 0 {
		if end != endOther {
			t.Fatalf("cut at 0: %s (%v), want the empty-file error", end, err)
		}
		return
	}
	complete := 0
	for _, f := range full {
		i, _ := slices.BinarySearch(ends, int(f.Offset)+1) // first end after the record's start
		if ends[i] <= cut {
			complete++
		}
	}
	if len(frames) != complete {
		t.Fatalf("cut at %d: %d frames, want %d (err %v)", cut, len(frames), complete, err)
	}
	equalFrames(t, frames, full[:complete])
	if _, onBoundary := slices.BinarySearch(ends, cut); onBoundary {
		if end != endEOF {
			t.Fatalf("cut at %d, a record boundary: %s (%v), want io.EOF", cut, end, err)
		}
		return
	}
	te, ok := isTruncated(err)
	if !ok {
		t.Fatalf("cut at %d: %s (%v), want a TruncatedError", cut, end, err)
	}
	i, _ := slices.BinarySearch(ends, cut)
	start := 0
	if i > 0 {
		start = ends[i-1]
	}
	if te.Frame != complete+1 || te.Offset != int64(start) || te.Have != cut-start || te.Want <= te.Have {
		t.Fatalf("cut at %d: %+v; want frame %d, offset %d, have %d", cut, te, complete+1, start, cut-start)
	}
}

// Every cut of small synthetic files of both formats.
func TestTruncationEveryOffset(t *testing.T) {
	ng, _, _, _ := synthPcapng()
	pcLE, _ := synthPcap(le16, true)
	pcBE, _ := synthPcap(be16, false)
	for name, b := range map[string][]byte{"pcapng": ng, "pcap LE ns": pcLE, "pcap BE µs": pcBE} {
		t.Run(name, func(t *testing.T) {
			full, _ := mustReadAll(t, b)
			ends := recordBoundaries(t, b)
			for cut := 0; cut <= len(b); cut++ {
				checkCut(t, b, cut, full, ends)
			}
		})
	}
}

// Cuts of real captures: every record boundary and its neighbours, and
// random offsets.
func TestTruncationCorpus(t *testing.T) {
	for _, rel := range []string{
		"nd/wiki_v6.pcap", "teredo/wiki_test.pcapng", "ikev2/wiki_ipsec_ikev2_natt/capture.pcapng",
		"ikev2/wiki_ipsec.cap", "mld/ppp_ipv6_options.pcap",
	} {
		t.Run(rel, func(t *testing.T) {
			b, err := os.ReadFile(corpusFile(t, rel))
			if err != nil {
				t.Fatal(err)
			}
			full, _ := mustReadAll(t, b)
			ends := recordBoundaries(t, b)
			rng := rand.New(rand.NewPCG(1, uint64(len(b))))
			cuts := []int{0, 1, 3, 4, 23, 24, 25}
			for i, e := range ends {
				if len(ends) < 200 || i%(len(ends)/50) == 0 {
					cuts = append(cuts, e-1, e, e+1)
				}
			}
			for range 100 {
				cuts = append(cuts, rng.IntN(len(b)+1))
			}
			for _, cut := range cuts {
				if cut >= 0 && cut <= len(b) {
					checkCut(t, b, cut, full, ends)
				}
			}
		})
	}
}

// A gzip stream cut anywhere never ends cleanly, and what it yields is a
// prefix of the full capture.
func TestTruncationGzip(t *testing.T) {
	plain, _, _, _ := synthPcapng()
	full, _ := mustReadAll(t, plain)
	gz := gzipBytes(t, plain)
	for cut := 1; cut < len(gz); cut++ {
		frames, end, err := readOutcome(gz[:cut])
		if end == endEOF || end == endCorrupt {
			t.Fatalf("gzip cut at %d of %d: %s (%v)", cut, len(gz), end, err)
		}
		equalFrames(t, frames, full[:len(frames)])
	}
}
