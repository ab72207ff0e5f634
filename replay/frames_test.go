package replay

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
)

// playToBuffer replays fs into a pcapng in memory at top speed and reads
// the frames back.
func playToBuffer(t *testing.T, fs *Frames, loops int) ([][]byte, Report, error) {
	t.Helper()
	var buf bytes.Buffer
	lt := capture.LinkEthernet
	for l := range fs.Links {
		lt = l
	}
	out, err := NewWriterOutput(&buf, lt)
	if err != nil {
		t.Fatal(err)
	}
	rep, playErr := Play(context.Background(), fs, out, Options{Pacing: Pacing{Mode: Topspeed}, Loops: loops, Batch: 3})
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := capture.NewReader(&buf, "replayed")
	if err != nil {
		t.Fatal(err)
	}
	var got [][]byte
	for {
		var f capture.Frame
		if err := r.Next(&f); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			return got, rep, playErr
		}
		got = append(got, append([]byte(nil), f.Data...))
	}
}

// TestOpenFileStreamed: a selection streamed from the file (preload of 1
// byte) sends, pass after pass, exactly the frames a filter and a frame
// set pick, rewritten — worked out here frame by frame with the decoder —
// and the same as when they are held in memory.
func TestOpenFileStreamed(t *testing.T) {
	const name = "teredo-miredo.pcapng"
	path := filepath.Join("..", "pcaps", name)
	fl, err := filter.Compile("ipv6 and udp", decode.NewSchema())
	if err != nil {
		t.Fatal(err)
	}
	set := map[int]bool{}
	for n := 1; n <= 200; n += 2 { // odd frames only
		set[n] = true
	}
	maps := mustMaps(t, "2001:0:cb00:7101::/64=2001:0:cb00:7199::/64", "192.0.2.0/24=198.18.2.0/24")
	newRW := func() *Rewriter { return NewRewriter(nil, []byte{2, 0xbb, 0, 0, 0, 2}, maps) }

	// What should be sent, from the frames as captured.
	d := decode.New()
	d.SetHeuristic("teredo", true)
	rw := newRW()
	var want [][]byte
	unmatched := 0
	for _, f := range readAll(t, name) {
		var p decode.Packet
		d.Decode(&f, &p)
		if !set[f.Number] || !fl.Match(&p.Tree) {
			unmatched++
			continue
		}
		b := append([]byte(nil), f.Data...)
		rw.Rewrite(f.LinkType, b)
		want = append(want, b)
	}
	if len(want) < 5 || unmatched < 5 {
		t.Fatalf("the selection picks %d and leaves %d: choose another", len(want), unmatched)
	}

	sel := Selection{Filter: fl, Frames: set}
	for _, preload := range []int{1, 1 << 30} {
		fs, err := OpenFile(path, sel, newRW(), true, preload)
		if err != nil || fs.Err != nil {
			t.Fatal(err, fs.Err)
		}
		if fs.Streamed() != (preload == 1) {
			t.Errorf("preload %d: streamed %v", preload, fs.Streamed())
		}
		if fs.Selected != len(want) || fs.Unmatched != unmatched {
			t.Errorf("preload %d: selected %d, unmatched %d; want %d, %d", preload, fs.Selected, fs.Unmatched, len(want), unmatched)
		}
		const loops = 3
		got, rep, err := playToBuffer(t, fs, loops)
		fs.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != loops*len(want) || rep.Packets != int64(len(got)) || rep.Loops != loops {
			t.Fatalf("preload %d: %d frames written (report %d, %d loops), want %d", preload, len(got), rep.Packets, rep.Loops, loops*len(want))
		}
		for i, b := range got {
			if !bytes.Equal(b, want[i%len(want)]) {
				t.Fatalf("preload %d: frame %d written differs from selected frame %d rewritten", preload, i+1, i%len(want)+1)
			}
		}
	}
}

// TestOpenFileMax: Selection.Max ends a streamed pass at the last frame
// it allows.
func TestOpenFileMax(t *testing.T) {
	path := filepath.Join("..", "pcaps", "kernel-nd-mld.pcapng")
	all := readAll(t, "kernel-nd-mld.pcapng")
	fs, err := OpenFile(path, Selection{Max: 4}, nil, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	got, _, err := playToBuffer(t, fs, 2)
	if err != nil || len(got) != 8 {
		t.Fatalf("%v: %d frames", err, len(got))
	}
	for i, b := range got {
		if !bytes.Equal(b, all[i%4].Data) {
			t.Fatalf("frame %d is not frame %d of the capture", i+1, i%4+1)
		}
	}
}

// cutCapture writes the first n bytes of a bundled capture to a file.
func cutCapture(t *testing.T, name string, n int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "pcaps", name))
	if err != nil {
		t.Fatal(err)
	}
	if n < 0 {
		n = len(b) + n
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b[:n], 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenFileDamaged: a capture cut short is streamed like a held one:
// the frames before the damage go out once, then the damage is the error.
func TestOpenFileDamaged(t *testing.T) {
	path := cutCapture(t, "kernel-nd-mld.pcapng", -100)
	fs, err := OpenFile(path, Selection{}, nil, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	var te *capture.TruncatedError
	if !errors.As(fs.Err, &te) || fs.Selected == 0 {
		t.Fatalf("damage %v, %d frames before it", fs.Err, fs.Selected)
	}
	got, rep, err := playToBuffer(t, fs, 5)
	if !errors.Is(err, fs.Err) || len(got) != fs.Selected || rep.Stopped != "damaged capture" {
		t.Fatalf("error %v, %d frames sent of %d, stopped %q", err, len(got), fs.Selected, rep.Stopped)
	}
}

// TestOpenFileChanged: a streamed file that shrinks between passes stops
// the replay with an error that says so.
func TestOpenFileChanged(t *testing.T) {
	path := cutCapture(t, "kernel-nd-mld.pcapng", 0)
	b, err := os.ReadFile(filepath.Join("..", "pcaps", "kernel-nd-mld.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	fs, err := OpenFile(path, Selection{}, nil, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = playToBuffer(t, fs, 1)
	if err == nil || !strings.Contains(err.Error(), "did the file change during the replay?") {
		t.Fatalf("error %v", err)
	}
}
