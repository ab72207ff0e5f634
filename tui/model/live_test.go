package model

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/capture/live/livetest"
	"github.com/v6scope/v6scope/output"
)

// corpus reads a capture of pcaps/ into memory.
func corpus(t *testing.T, name string) ([]capture.Frame, []capture.Interface) {
	t.Helper()
	return readAll(t, filepath.Join("..", "..", "pcaps", name))
}

// readAll reads the capture file at path into memory.
func readAll(t *testing.T, path string) ([]capture.Frame, []capture.Interface) {
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
			break
		}
		f.Data = bytes.Clone(f.Data)
		out = append(out, f)
	}
	return out, r.Interfaces()
}

func TestLiveSourceGrowsOnPublish(t *testing.T) {
	frames, ifs := corpus(t, "kernel-nd-mld.pcapng")
	w := filepath.Join(t.TempDir(), "out.pcapng")
	src, err := NewLiveSource("live: veth0", ifs, w, "")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	p := NewPackets(src, output.TimeRelative)
	for i := range frames[:5] {
		f := frames[i]
		if err := src.Write(&f); err != nil {
			t.Fatal(err)
		}
		if f.Number != i+1 {
			t.Errorf("Write numbered frame %d as %d", i+1, f.Number)
		}
	}
	if src.Len() != 0 || p.Len() != 0 {
		t.Fatalf("frames visible before Publish: Len %d", src.Len())
	}
	n, err := src.Flush()
	if err != nil || n != 5 {
		t.Fatalf("Flush = %d, %v; want 5", n, err)
	}
	src.Publish(n + 10) // clamped to what is readable
	if p.Len() != 5 {
		t.Fatalf("after Publish the list has %d rows, want 5", p.Len())
	}
	// Rows decode from the spilled file exactly as from the original.
	fsrc, err := OpenFile(filepath.Join("..", "..", "pcaps", "kernel-nd-mld.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	defer fsrc.Close()
	fp := NewPackets(fsrc, output.TimeRelative)
	for i := 0; i < 5; i++ {
		got, want := *p.Row(i), *fp.Row(i)
		if got != want {
			t.Errorf("row %d:\n live %+v\n file %+v", i, got, want)
		}
	}
	// More frames: Len moves only with Publish, and never down.
	for i := range frames[5:] {
		f := frames[5+i]
		if err := src.Write(&f); err != nil {
			t.Fatal(err)
		}
	}
	n, _ = src.Flush()
	if p.Len() != 5 {
		t.Errorf("Len moved without Publish: %d", p.Len())
	}
	src.Publish(n)
	src.Publish(2)
	if p.Len() != len(frames) {
		t.Errorf("Len %d after publishing all, want %d", p.Len(), len(frames))
	}
	if r := p.Row(len(frames) - 1); r == nil || r.ReadErr != nil || r.Info != fp.Row(len(frames)-1).Info {
		t.Errorf("last row %+v", r)
	}
	// Close leaves the -w file complete: the same frames, byte for byte.
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := readAll(t, w)
	if len(got) != len(frames) {
		t.Fatalf("the -w file holds %d frames, want %d", len(got), len(frames))
	}
	for i := range got {
		if !bytes.Equal(got[i].Data, frames[i].Data) || !got[i].Time.Equal(frames[i].Time) || got[i].OrigLen != frames[i].OrigLen {
			t.Errorf("frame %d differs in the -w file", i+1)
		}
	}
}

func TestLiveSourceTemporaryFileIsGone(t *testing.T) {
	_, ifs := corpus(t, "kernel-nd-mld.pcapng")
	dir := t.TempDir()
	src, err := NewLiveSource("live", ifs, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ents, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(ents) != 0 {
		t.Errorf("the spill file should be unlinked at once; the directory holds %v", ents)
	}
}

// feedRun runs fd, collecting its updates; the returned function waits for
// it to end and returns them.
func feedRun(fd *Feed) func(t *testing.T) []Update {
	var mu sync.Mutex
	var ups []Update
	end := make(chan struct{})
	go func() {
		fd.Run(func(u Update) {
			mu.Lock()
			ups = append(ups, u)
			mu.Unlock()
		})
		close(end)
	}()
	return func(t *testing.T) []Update {
		t.Helper()
		select {
		case <-end:
		case <-time.After(20 * time.Second):
			t.Fatal("the feed did not end")
		}
		mu.Lock()
		defer mu.Unlock()
		return ups
	}
}

// countingAnalyzer is a LiveAnalyzer that counts frames into one session.
type countingAnalyzer struct {
	mu       sync.Mutex
	frames   []int
	changed  bool
	finished bool
}

func (c *countingAnalyzer) Observe(f *capture.Frame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frames = append(c.frames, f.Number)
	c.changed = true
}

func (c *countingAnalyzer) snap() *Analysis {
	s := Session{Proto: "nd", Kind: "neighbor", ID: "x", Frames: c.frames[:len(c.frames):len(c.frames)]}
	return &Analysis{Sessions: []Session{s}}
}

func (c *countingAnalyzer) Snapshot() (*Analysis, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.changed
	c.changed = false
	return c.snap(), ch
}

func (c *countingAnalyzer) Finish() *Analysis {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finished = true
	return c.snap()
}

func TestFeedPublishesAtABoundedRate(t *testing.T) {
	frames, ifs := corpus(t, "mixed.pcapng")
	src, err := NewLiveSource("live", ifs, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	fc := newFakeCapture()
	an := &countingAnalyzer{}
	fd := &Feed{Source: src, Capture: fc, Analyzer: an, Interval: 20 * time.Millisecond, AnalysisInterval: 20 * time.Millisecond}
	wait := feedRun(fd)
	start := time.Now()
	// Many small bursts: far more frames than updates.
	for round := 0; round < 20; round++ {
		for i := range frames {
			fc.Push(frames[i])
		}
	}
	fc.Stop()
	ups := wait(t)
	elapsed := time.Since(start)
	total := 20 * len(frames)
	last := ups[len(ups)-1]
	if !last.Done || last.Err != nil {
		t.Fatalf("last update %+v: want Done without error", last)
	}
	if last.Frames != total || src.Written() != total {
		t.Errorf("last update has %d frames (%d written), want %d", last.Frames, src.Written(), total)
	}
	if last.Stats.Captured != uint64(total) || last.Stats.Dropped != 3 {
		t.Errorf("counters %+v", last.Stats)
	}
	if max := int(elapsed/fd.Interval) + 2; len(ups) > max {
		t.Errorf("%d updates in %v: more than one per %v", len(ups), elapsed, fd.Interval)
	}
	prev := 0
	for i, u := range ups {
		if u.Frames < prev {
			t.Errorf("update %d: frames went down from %d to %d", i, prev, u.Frames)
		}
		prev = u.Frames
	}
	if !an.finished || last.Analysis == nil || len(last.Analysis.Sessions[0].Frames) != total {
		t.Errorf("the analyzer saw %d frames (finished %v); want %d", len(an.frames), an.finished, total)
	}
}

func TestFeedReportsCaptureErrors(t *testing.T) {
	_, ifs := corpus(t, "kernel-nd-mld.pcapng")
	src, err := NewLiveSource("live", ifs, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	fc := newFakeCapture()
	wait := feedRun(&Feed{Source: src, Capture: fc})
	down := errors.New("capturing on veth0: the interface went down")
	fc.Fail(down)
	ups := wait(t)
	if last := ups[len(ups)-1]; !last.Done || !errors.Is(last.Err, down) {
		t.Errorf("last update %+v: want Done with %v", last, down)
	}
}

// TestFilterKeepsUpWithNewFrames runs the display filter over a growing
// source in steps, as the UI does when frames arrive, and checks the
// matches equal one run over the whole capture.
func TestFilterKeepsUpWithNewFrames(t *testing.T) {
	frames, ifs := corpus(t, "mixed.pcapng")
	src, err := NewLiveSource("live", ifs, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, msg := Check("icmpv6.type == 135 || frame.time_relative > 1")
	if f == nil {
		t.Fatal(msg)
	}
	run := func(from int, matched []int32) Progress {
		var last Progress
		j := StartFilterFrom(src, f, from, matched, func(p Progress) { last = p })
		j.Wait()
		if !last.Finished {
			t.Fatalf("filter from %d did not finish: %+v", from, last)
		}
		return last
	}
	var pr Progress
	for k := 0; k < len(frames); {
		step := min(7, len(frames)-k)
		for i := k; i < k+step; i++ {
			fr := frames[i]
			if err := src.Write(&fr); err != nil {
				t.Fatal(err)
			}
		}
		k += step
		n, _ := src.Flush()
		src.Publish(n)
		pr = run(pr.Total+1, pr.Matches)
		if pr.Total != k || pr.Done != k {
			t.Fatalf("after %d frames the filter covered %d/%d", k, pr.Done, pr.Total)
		}
	}
	whole := run(1, nil)
	if len(whole.Matches) == 0 || len(whole.Matches) == len(frames) {
		t.Fatalf("the filter should match some frames, not %d of %d", len(whole.Matches), len(frames))
	}
	if len(pr.Matches) != len(whole.Matches) {
		t.Fatalf("stepwise %d matches, whole %d", len(pr.Matches), len(whole.Matches))
	}
	for i := range pr.Matches {
		if pr.Matches[i] != whole.Matches[i] {
			t.Fatalf("match %d: stepwise frame %d, whole frame %d", i, pr.Matches[i], whole.Matches[i])
		}
	}
}

// newFakeCapture is a hand-fed capture whose kernel reports 3 drops.
func newFakeCapture() *livetest.Fake {
	c := livetest.New(1 << 16)
	c.Dropped = 3
	return c
}
