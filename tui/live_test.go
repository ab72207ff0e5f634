package tui

import (
	"bytes"
	"io"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/capture/live/livetest"
	"github.com/v6scope/v6scope/tui/model"
)

func readFrames(t *testing.T, path string) ([]capture.Frame, []capture.Interface) {
	t.Helper()
	r, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []capture.Frame
	for {
		var f capture.Frame
		if err := r.Next(&f); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			return out, r.Interfaces()
		}
		f.Data = bytes.Clone(f.Data)
		out = append(out, f)
	}
}

// startLive opens the UI on a fake live capture of the interfaces of
// pcaps/name, writing to w.
func startLive(t *testing.T, name, w string, opts Options) (*harness, *livetest.Fake, *model.Feed, []capture.Frame) {
	t.Helper()
	frames, ifs := readFrames(t, capturePath(name))
	src, err := model.NewLiveSource("live: veth0", ifs, w, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	fc := newFakeCapture()
	feed := &model.Feed{Source: src, Capture: fc}
	opts.Live = feed
	h := start(t, src, opts)
	return h, fc, feed, frames
}

func TestLiveAutoScroll(t *testing.T) {
	h, fc, _, frames := startLive(t, "kernel-nd-mld.pcapng", "", Options{})
	h.screenHas("live: veth0")
	h.screenHas("auto-scroll (A)")

	// Rows appear, and the list follows the last one.
	fc.Push(frames[:5]...)
	h.wait("5 packets, the last selected", func() bool {
		return h.a.packets.Len() == 5 && h.a.list.SelectedFrame() == 5
	})
	h.screenHas("Fields of frame 5")
	h.screenHas("captured 5")
	h.screenHas("dropped 2") // the kernel's counter, as the capture reports it

	// A stops following: new rows come, the selection stays.
	h.rune('A')
	h.screenHas("paused (A follows)")
	fc.Push(frames[5:12]...)
	h.wait("12 packets", func() bool { return h.a.packets.Len() == 12 })
	h.onLoop(func() {
		if n := h.a.list.SelectedFrame(); n != 5 {
			t.Errorf("with auto-scroll off the selection moved to frame %d", n)
		}
	})
	h.screenHas("Neighbor Solicitation") // a row that came after the pause

	// A again jumps to the end and follows.
	h.rune('A')
	h.wait("the last packet selected", func() bool { return h.a.list.SelectedFrame() == 12 })
	fc.Push(frames[12:20]...)
	h.wait("20 packets, the last selected", func() bool {
		return h.a.packets.Len() == 20 && h.a.list.SelectedFrame() == 20
	})
	h.screenHas("Fields of frame 20")
}

func TestLiveFilterKeepsUp(t *testing.T) {
	const expr = "icmpv6.type == 135"
	h, fc, _, frames := startLive(t, "kernel-nd-mld.pcapng", "", Options{Filter: expr})
	// What the filter picks out of the whole file.
	fsrc, err := model.OpenFile(capturePath("kernel-nd-mld.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	defer fsrc.Close()
	f, _ := model.Check(expr)
	var want model.Progress
	model.StartFilter(fsrc, f, func(p model.Progress) { want = p }).Wait()
	if len(want.Matches) < 2 {
		t.Fatalf("the capture should hold Neighbor Solicitations; %d match", len(want.Matches))
	}
	// Frames arrive in bursts; the filtered list keeps up with each.
	for k := 0; k < len(frames); k += 9 {
		fc.Push(frames[k:min(k+9, len(frames))]...)
	}
	h.wait("the filter over every frame", func() bool {
		return h.a.packets.Source().Len() == len(frames) && h.a.FilterDone() && h.a.progress.Total == len(frames)
	})
	h.onLoop(func() {
		if got := h.a.packets.Len(); got != len(want.Matches) {
			t.Errorf("the live list shows %d packets, the filter over the file %d", got, len(want.Matches))
		}
		for i, n := range want.Matches {
			if got := h.a.packets.FrameAt(i); got != int(n) {
				t.Errorf("row %d: frame %d, want %d", i, got, n)
			}
		}
		if n := h.a.list.SelectedFrame(); n != int(want.Matches[len(want.Matches)-1]) {
			t.Errorf("auto-scroll selected frame %d, want the last match %d", n, want.Matches[len(want.Matches)-1])
		}
	})
	h.screenHas("shown " + strconv.Itoa(len(want.Matches)))
}

// TestLiveQuitFlushes quits while frames are still being captured: the UI
// stops only after the capture is drained, and the -w file holds every
// frame the capture handed out.
func TestLiveQuitFlushes(t *testing.T) {
	w := filepath.Join(t.TempDir(), "live.pcapng")
	h, fc, feed, frames := startLive(t, "mixed.pcapng", w, Options{})
	fc.Push(frames...)
	h.special(tcell.KeyCtrlC)
	h.waitQuit()
	select {
	case <-feed.ReaderDone():
	default:
		t.Fatal("Run returned before the capture was drained")
	}
	if err := feed.Source.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := readFrames(t, w)
	if len(got) != len(frames) || uint64(len(got)) != fc.Read() {
		t.Fatalf("the file holds %d frames; the capture gave %d of %d", len(got), fc.Read(), len(frames))
	}
	for i := range got {
		if !bytes.Equal(got[i].Data, frames[i].Data) {
			t.Errorf("frame %d differs", i+1)
		}
	}
	if !h.a.CaptureEnded() {
		t.Errorf("the UI did not see the capture end")
	}
}

// newFakeCapture is a hand-fed capture whose kernel reports 2 drops.
func newFakeCapture() *livetest.Fake {
	c := livetest.New(4096)
	c.Dropped = 2
	return c
}
