package output_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/output"
)

// TestKeepOnlyPrintsTheSame checks the -T fields shortcut: a decoder told to
// record only the printed fields (Decoder.KeepOnly) must print exactly what
// a full dissection prints, for every field v6scope knows, on every bundled
// capture and every corpus capture.
func TestKeepOnlyPrintsTheSame(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	names := decode.NewSchema().Names()
	files, _ := filepath.Glob("../pcaps/*.pcapng")
	corpus, _ := filepath.Glob("../../shared/corpus/*/*.pcap*")
	files = append(files, corpus...)
	if len(files) == 0 {
		t.Fatal("no captures found")
	}
	full, kept := decode.New(), decode.New()
	kept.KeepOnly(names)
	// Occurrence "all" shows every value and its order.
	ff := output.NewFieldsFormat(names)
	var p, q decode.Packet
	checked := 0
	for _, file := range files {
		frames := loadFramesOrNil(t, file)
		for i := range frames {
			full.Decode(&frames[i], &p)
			kept.Decode(&frames[i], &q)
			a := string(ff.AppendRow(nil, &p))
			b := string(ff.AppendRow(nil, &q))
			if a != b {
				t.Errorf("%s frame %d: kept-fields row differs from the full dissection's", filepath.Base(file), frames[i].Number)
				break
			}
			if len(q.Tree.Fields) > len(p.Tree.Fields) {
				t.Errorf("%s frame %d: %d fields kept, more than the %d of a full tree", filepath.Base(file), frames[i].Number, len(q.Tree.Fields), len(p.Tree.Fields))
			}
			checked++
		}
	}
	// And with a few fields, the tree really is smaller.
	few := decode.New()
	few.KeepOnly([]string{"ipv6.src", "icmpv6.type"})
	frames := loadFramesOrNil(t, "../pcaps/kernel-nd-mld.pcapng")
	if len(frames) == 0 {
		t.Fatal("no frames in the bundled capture")
	}
	full.Decode(&frames[0], &p)
	few.Decode(&frames[0], &q)
	if len(q.Tree.Fields) >= len(p.Tree.Fields)/4 {
		t.Errorf("KeepOnly(ipv6.src, icmpv6.type) kept %d of %d fields", len(q.Tree.Fields), len(p.Tree.Fields))
	}
	t.Logf("%d frames of %d files compared on %d fields", checked, len(files), len(names))
}

// loadFramesOrNil reads what frames it can from path: none when it is not a
// capture v6scope reads, those before the damage when it is cut short.
func loadFramesOrNil(t *testing.T, path string) []capture.Frame {
	t.Helper()
	r, err := capture.Open(path)
	if err != nil {
		return nil
	}
	defer r.Close()
	var frames []capture.Frame
	for {
		var f capture.Frame
		if err := r.Next(&f); err != nil {
			return frames
		}
		f.Data = bytes.Clone(f.Data)
		frames = append(frames, f)
	}
}
