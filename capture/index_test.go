package capture

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The index of a multi-section pcapng (both byte orders, SPB, PB, comments)
// and of pcap files reads every frame back exactly.
func TestIndexSynthetic(t *testing.T) {
	ng, wantNg, wantIfs, wantComments := synthPcapng()
	pcLE, wantLE := synthPcap(le16, true)
	pcBE, wantBE := synthPcap(be16, false)
	for _, c := range []struct {
		name, format string
		b            []byte
		want         []Frame
	}{{"a.pcapng", "pcapng", ng, wantNg}, {"le.pcap", "pcap", pcLE, wantLE}, {"be.pcap", "pcap", pcBE, wantBE}} {
		t.Run(c.name, func(t *testing.T) {
			path := writeTemp(t, c.name, c.b)
			ix, err := BuildIndex(path)
			if err != nil {
				t.Fatal(err)
			}
			if ix.Format != c.format {
				t.Errorf("Format %q", ix.Format)
			}
			for i, e := range ix.Entries {
				if e.Offset != c.want[i].Offset {
					t.Errorf("entry %d offset %d, want %d", i+1, e.Offset, c.want[i].Offset)
				}
			}
			checkIndex(t, ix, path, c.want)
		})
	}
	ix, err := BuildIndex(writeTemp(t, "b.pcapng", ng))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ix.Interfaces, wantIfs) || !reflect.DeepEqual(ix.SectionComments, wantComments) {
		t.Errorf("index interfaces %+v comments %q", ix.Interfaces, ix.SectionComments)
	}
	// Entry lengths are whole records: consecutive records here are
	// adjacent unless a skipped block lies between them.
	if e := ix.Entries[0]; e.Len != 28+64+12+12+4+4 { // 61 bytes padded to 64, two 5-byte comments, endofopt, trailer
		t.Errorf("entry 1 length %d", e.Len)
	}
}

// A gzip file cannot be indexed; the error says why and what to do.
func TestIndexRefusesGzipAndStdin(t *testing.T) {
	ng, _, _, _ := synthPcapng()
	path := writeTemp(t, "c.pcapng.gz", gzipBytes(t, ng))
	ix, err := BuildIndex(path)
	if ix != nil || !errors.Is(err, ErrCompressed) || !strings.Contains(err.Error(), "gunzip -k "+path) {
		t.Errorf("BuildIndex(gzip) = %v, %v", ix, err)
	}
	if _, err := BuildIndex("-"); err == nil || !strings.Contains(err.Error(), "standard input") {
		t.Errorf("BuildIndex(-) = %v", err)
	}
}

// On a cut file, BuildIndex returns the complete frames and the
// TruncatedError; the index still works.
func TestIndexTruncated(t *testing.T) {
	ng, want, _, _ := synthPcapng()
	cut := int(want[3].Offset) + 10 // inside frame 4's block
	path := writeTemp(t, "cut.pcapng", ng[:cut])
	ix, err := BuildIndex(path)
	te, ok := isTruncated(err)
	if !ok || te.Frame != 4 || ix == nil || len(ix.Entries) != 3 {
		t.Fatalf("BuildIndex = %v entries, %v", ix, err)
	}
	checkIndex(t, ix, path, want[:3])
}

func TestReadFrameErrors(t *testing.T) {
	ng, _, _, _ := synthPcapng()
	path := writeTemp(t, "d.pcapng", ng)
	ix, err := BuildIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	var f Frame
	for _, n := range []int{0, -1, len(ix.Entries) + 1} {
		if err := ix.ReadFrame(bytes.NewReader(ng), n, &f); err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("ReadFrame(%d) = %v", n, err)
		}
	}
	// The file was replaced by another: the record no longer matches.
	other := bytes.Clone(ng)
	e := ix.Entries[0]
	other[e.Offset+4] ^= 0x40 // leading block length
	if err := ix.ReadFrame(bytes.NewReader(other), 1, &f); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "changed") {
		t.Errorf("ReadFrame on a changed file = %v", err)
	}
	// The file was cut after indexing.
	if err := ix.ReadFrame(bytes.NewReader(ng[:e.Offset+10]), 1, &f); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("ReadFrame on a shortened file = %v", err)
	}
}

// ReadFrame reuses the Frame's buffer: no allocation once it is large
// enough.
func TestReadFrameDoesNotAllocate(t *testing.T) {
	b, _ := synthPcap(le16, false)
	path := writeTemp(t, "e.pcap", b)
	ix, err := BuildIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	ra := bytes.NewReader(b)
	var f Frame
	n := 0
	allocs := testing.AllocsPerRun(100, func() {
		n = n%len(ix.Entries) + 1
		if err := ix.ReadFrame(ra, n, &f); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ReadFrame allocates %v times per call", allocs)
	}
}
