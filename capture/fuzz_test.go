package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
	"time"
)

// minRecordLen is the smallest record that yields a frame: a pcap record
// header or an empty Simple Packet Block.
const minRecordLen = 16

// maxGzipRatio bounds how much deflate can expand (RFC 1951 maximum is
// about 1032:1).
const maxGzipRatio = 1100

func FuzzReader(f *testing.F) {
	ng, _, _, _ := synthPcapng()
	pcLE, _ := synthPcap(le16, true)
	pcBE, _ := synthPcap(be16, false)
	w := writeFrames(f, "c", writerIfaces, writerFrames())
	for _, s := range [][]byte{ng, pcLE, pcBE, w, gzipBytes(f, pcBE), ng[:len(ng)-3], nil} {
		f.Add(s)
	}
	// Heads of the real captures, when the corpus is there.
	if st, err := os.Stat(corpusDir); err == nil && st.IsDir() {
		for _, p := range corpusCaptures(f) {
			b, err := os.ReadFile(p)
			if err == nil {
				f.Add(b[:min(len(b), 2048)])
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), "fuzz")
		if err != nil {
			if r != nil {
				t.Fatal("reader and error both returned")
			}
			return
		}
		limit := len(data) / minRecordLen
		if r.gz != nil {
			limit = len(data) * maxGzipRatio / minRecordLen
		}
		var frames []Frame
		var fr Frame
		lastOff := int64(-1)
		for {
			if err = r.Next(&fr); err != nil {
				break
			}
			if len(frames) >= limit {
				t.Fatalf("more than %d frames from %d bytes", limit, len(data))
			}
			ifs := r.Interfaces()
			if fr.Number != len(frames)+1 || fr.CapLen != len(fr.Data) || fr.Offset <= lastOff ||
				fr.Interface < 0 || fr.Interface >= len(ifs) || fr.LinkType != ifs[fr.Interface].LinkType {
				t.Fatalf("inconsistent frame %+v (interfaces %+v)", fr, ifs)
			}
			if r.gz == nil && fr.Offset+int64(fr.CapLen) > int64(len(data)) {
				t.Fatalf("frame %d data runs past the input", fr.Number)
			}
			lastOff = fr.Offset
			frames = append(frames, frameCopy(&fr))
		}
		if again := r.Next(&fr); again != err {
			t.Fatalf("Next returned %v, then %v", err, again)
		}
		var te *TruncatedError
		if r.gz == nil && err != io.EOF && !errors.As(err, &te) && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("unexpected error class: %v", err)
		}
		if r.gz != nil {
			return
		}
		// The index finds the same frames, with the same final error, and
		// reads each back identically.
		r2, err2 := NewReader(bytes.NewReader(data), "fuzz")
		if err2 != nil {
			t.Fatalf("second open: %v", err2)
		}
		ix, ierr := buildIndex(r2)
		if (ierr == nil) != (err == io.EOF) || ierr != nil && ierr.Error() != err.Error() {
			t.Fatalf("index ended with %v, reader with %v", ierr, err)
		}
		if len(ix.Entries) != len(frames) {
			t.Fatalf("index has %d frames, reader %d", len(ix.Entries), len(frames))
		}
		ra := bytes.NewReader(data)
		for i := range frames {
			if err := ix.ReadFrame(ra, i+1, &fr); err != nil {
				t.Fatalf("ReadFrame(%d): %v", i+1, err)
			}
			equalFrames(t, []Frame{fr}, frames[i:i+1])
		}
	})
}

// Whatever the writer accepts, the reader reads back the same.
func FuzzPcapngWriterRoundTrip(f *testing.F) {
	f.Add([]byte{1, 2, 3}, "comment", int64(1_700_000_000), uint32(123456789), uint8(0), uint16(10))
	f.Add([]byte{}, "", int64(0), uint32(0), uint8(1), uint16(0))
	f.Add(bytes.Repeat([]byte{0xff}, 1500), "a\nb", int64(1<<40), uint32(999_999_999), uint8(2), uint16(0))
	ifaces := []Interface{
		{Name: "ns", LinkType: LinkEthernet, TSResolution: time.Nanosecond},
		{Name: "us", LinkType: LinkRaw, TSResolution: time.Microsecond, TSOffset: -5},
		{Name: "s", LinkType: LinkIPv6, TSResolution: time.Second, TSOffset: 7},
	}
	f.Fuzz(func(t *testing.T, data []byte, comment string, sec int64, nsec uint32, iface uint8, extra uint16) {
		i := int(iface) % len(ifaces)
		unit := ifaces[i].TSResolution
		tm := time.Unix(sec%(1<<40), int64(nsec%1e9)).Truncate(unit).UTC() // ±35000 years
		if tm.IsZero() {
			tm = time.Unix(0, 0).UTC() // the writer writes a zero Time as the epoch
		}
		in := Frame{Interface: i, Time: tm, OrigLen: len(data) + int(extra), Data: data, Comment: comment}
		var buf bytes.Buffer
		w, err := NewPcapngWriter(&buf, comment, ifaces)
		if err != nil {
			return // e.g. a comment too long for an option
		}
		if err := w.WriteFrame(&in); err != nil {
			return // e.g. a time before the interface's epoch
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		got, r := mustReadAll(t, buf.Bytes())
		wantOrig := in.OrigLen
		if wantOrig == 0 {
			wantOrig = len(data)
		}
		if len(got) != 1 {
			t.Fatalf("%d frames", len(got))
		}
		g := got[0]
		if !g.Time.Equal(tm) || g.Interface != i || !bytes.Equal(g.Data, data) || g.Comment != comment || g.OrigLen != wantOrig {
			t.Fatalf("wrote %+v\nread %+v", in, g)
		}
		if sc := r.SectionComments(); comment != "" && (len(sc) != 1 || sc[0] != comment) {
			t.Fatalf("section comments %q", sc)
		}
	})
}
