package model

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/capture/live"
)

// LiveSource is a Source that grows while a live capture runs. Frames are
// not kept in memory: each is appended to a pcapng file (the -w file when
// one is given, otherwise a temporary file removed as soon as it is made,
// so nothing is left behind even on a crash) and read back through a frame
// index, as a FileSource reads a file. Memory therefore grows by the
// index's 16 bytes per frame (capture.IndexEntry) and nothing else: an
// hour at 1,000 frames/s is 58 MB of index, the frames themselves are on
// disk. A ring in memory was the other choice; it would either bound the
// capture or make old frames unreadable, and the file is wanted for -w
// anyway.
//
// Three parties use it. The capture goroutine calls Write for each frame.
// Flush (any goroutine) makes the frames written so far readable and says
// how many there are. Publish, on the event loop, moves Len up to that
// count: Len changes only when the event loop says so, so the packet list
// never sees it move under its feet. ReadFrame and Len are safe from any
// goroutine (the display filter reads in the background).
type LiveSource struct {
	name   string
	ifaces []capture.Interface

	// wmu serializes Write, Flush and Close.
	wmu     sync.Mutex
	file    *os.File
	pw      *capture.PcapngWriter
	pending []capture.IndexEntry // written, not yet in the index
	written int                  // frames given to Write
	closed  bool
	werr    error // the first write error: later frames are dropped

	// rmu guards ix against Append during ReadFrame.
	rmu      sync.RWMutex
	ix       *capture.Index
	readable atomic.Int64 // frames in the index
	visible  atomic.Int64 // Len
}

// NewLiveSource makes the source for a capture on ifaces, named name in the
// title bar. When path is not empty the frames go to that file (created or
// truncated), which stays when the source is closed: that is -w. When path
// is empty they go to a temporary file in dir (os.TempDir when "").
func NewLiveSource(name string, ifaces []capture.Interface, path, dir string) (*LiveSource, error) {
	var (
		f   *os.File
		err error
	)
	if path != "" {
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
	} else {
		f, err = os.CreateTemp(dir, "v6scope-live-*.pcapng")
	}
	if err != nil {
		return nil, fmt.Errorf("live capture: the file frames are kept in: %w", err)
	}
	fail := func(err error) (*LiveSource, error) {
		f.Close()
		if path == "" {
			os.Remove(f.Name())
		}
		return nil, fmt.Errorf("live capture: %s: %w", f.Name(), err)
	}
	pw, err := capture.NewPcapngWriter(f, "", ifaces)
	if err == nil {
		err = pw.Flush()
	}
	if err != nil {
		return fail(err)
	}
	// The header is on disk: index it (no frames yet) for its interfaces
	// and time resolutions, then append to the index as frames come.
	ix, err := capture.BuildIndex(f.Name())
	if err != nil {
		return fail(err)
	}
	if path == "" {
		// Unlinked now; the open descriptor keeps it readable.
		os.Remove(f.Name())
	}
	ix.File = name
	return &LiveSource{name: name, ifaces: ix.Interfaces, file: f, pw: pw, ix: ix}, nil
}

// Name says where the frames come from.
func (s *LiveSource) Name() string { return s.name }

// Len is the number of frames published to the views.
func (s *LiveSource) Len() int { return int(s.visible.Load()) }

// Interfaces describes the capture's interfaces.
func (s *LiveSource) Interfaces() []capture.Interface { return s.ifaces }

// ReadFrame reads frame n (1 ≤ n ≤ Len(), or up to Readable()).
func (s *LiveSource) ReadFrame(n int, f *capture.Frame) error {
	s.rmu.RLock()
	defer s.rmu.RUnlock()
	return s.ix.ReadFrame(s.file, n, f)
}

// Write appends f to the file as frame Written()+1 and sets f.Number to
// that: the capture goroutine calls it for every frame, in order. After a
// write error every later call returns it.
func (s *LiveSource) Write(f *capture.Frame) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return errors.New("live capture: frame written after Close")
	}
	if s.werr != nil {
		return s.werr
	}
	off := s.pw.Offset()
	if err := s.pw.WriteFrame(f); err != nil {
		s.werr = fmt.Errorf("writing %s: %w", s.file.Name(), err)
		return s.werr
	}
	s.written++
	f.Number = s.written
	s.pending = append(s.pending, capture.IndexEntry{Offset: off, Len: int32(s.pw.Offset() - off)})
	return nil
}

// Written is the number of frames given to Write.
func (s *LiveSource) Written() int {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.written
}

// Flush writes the buffered frames to the file and indexes them; it returns
// the number of frames readable.
func (s *LiveSource) Flush() (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.flushLocked()
}

func (s *LiveSource) flushLocked() (int, error) {
	if s.closed {
		return int(s.readable.Load()), nil
	}
	if len(s.pending) > 0 {
		if err := s.pw.Flush(); err != nil {
			if s.werr == nil {
				s.werr = fmt.Errorf("writing %s: %w", s.file.Name(), err)
			}
			return int(s.readable.Load()), s.werr
		}
		s.rmu.Lock()
		for _, e := range s.pending {
			s.ix.Append(e)
		}
		s.rmu.Unlock()
		s.readable.Add(int64(len(s.pending)))
		s.pending = s.pending[:0]
	}
	return int(s.readable.Load()), s.werr
}

// Publish makes frames 1…n visible (Len returns n); n is clamped to the
// frames readable and never goes down. Call it on the event loop.
func (s *LiveSource) Publish(n int) {
	n = min(n, int(s.readable.Load()))
	if int64(n) > s.visible.Load() {
		s.visible.Store(int64(n))
	}
}

// Close flushes every frame written to the file and closes it: the -w file
// is then complete; a temporary one is gone. Frames can no longer be read.
func (s *LiveSource) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return nil
	}
	_, err := s.flushLocked()
	s.closed = true
	if cerr := s.file.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing %s: %w", s.file.Name(), cerr)
	}
	return err
}

// Capturer is what the UI needs of a live capture; *live.Capture is one.
type Capturer interface {
	// Next waits for the next frame; after Stop it returns the frames
	// already captured, then io.EOF.
	Next(f *capture.Frame) error
	// Stop ends the capture from any goroutine.
	Stop()
	// Stats reads the kernel's counters.
	Stats() (live.Stats, error)
}

// LiveAnalyzer analyses frames as they are captured, so that the sessions
// and anomalies panes follow a live capture. Observe is called from the
// capture goroutine for every frame in order (f.Number set); Snapshot and
// Finish from the feed's publishing goroutine, possibly while Observe
// runs: an implementation locks.
type LiveAnalyzer interface {
	Observe(f *capture.Frame)
	// Snapshot returns the analysis so far and whether it changed since the
	// last snapshot. The result is never modified afterwards.
	Snapshot() (*Analysis, bool)
	// Finish ends the analysis (sessions report their final state) and
	// returns it. Observe is not called after it.
	Finish() *Analysis
}

// Update is what a Feed hands the UI, at most once per interval.
type Update struct {
	Frames   int        // frames readable: Publish(Frames)
	Stats    live.Stats // the kernel's and v6scope's counters
	StatsErr error
	// Analysis is a new snapshot, nil when it did not change.
	Analysis *Analysis
	// Done says the capture has ended; Err says why when it was not Stop.
	Done bool
	Err  error
}

// Default rates of a Feed.
const (
	// DefaultPublishInterval bounds the packet list's redraws: 20 per
	// second at most, however fast frames come.
	DefaultPublishInterval = 50 * time.Millisecond
	// DefaultAnalysisInterval bounds how often the analysis is copied for
	// the sessions and anomalies panes.
	DefaultAnalysisInterval = 500 * time.Millisecond
)

// Feed moves a live capture into a LiveSource (and a LiveAnalyzer) and
// tells the UI about it at a bounded rate.
type Feed struct {
	Source   *LiveSource
	Capture  Capturer
	Analyzer LiveAnalyzer // nil: no analysis
	// Interval and AnalysisInterval: 0 means the defaults.
	Interval, AnalysisInterval time.Duration

	readerDone chan struct{}
	once       sync.Once
}

func (fd *Feed) init() { fd.once.Do(func() { fd.readerDone = make(chan struct{}) }) }

// ReaderDone is closed when the capture has ended and every frame it gave
// is written: the file can then be closed, even if the last Update was
// never taken.
func (fd *Feed) ReaderDone() <-chan struct{} {
	fd.init()
	return fd.readerDone
}

// Run reads the capture until it ends (Stop, or an error) and calls
// publish with an Update at most once per Interval while something
// changed, and once more with Done set at the end. It returns when that
// last publish returns. publish runs on a goroutine of Run's: the UI hands
// it to its event loop (Application.QueueUpdateDraw).
func (fd *Feed) Run(publish func(Update)) {
	fd.init()
	every, aevery := fd.Interval, fd.AnalysisInterval
	if every <= 0 {
		every = DefaultPublishInterval
	}
	if aevery <= 0 {
		aevery = DefaultAnalysisInterval
	}
	var readErr error
	go func() {
		defer close(fd.readerDone)
		var f capture.Frame
		for {
			err := fd.Capture.Next(&f)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				return
			}
			if err := fd.Source.Write(&f); err != nil {
				readErr = err
				fd.Capture.Stop()
				// keep draining so the capture ends cleanly
				continue
			}
			if fd.Analyzer != nil {
				fd.Analyzer.Observe(&f)
			}
		}
	}()
	tick := time.NewTicker(every)
	defer tick.Stop()
	var (
		last      Update
		lastSnap  time.Time
		published bool
	)
	for {
		done := false
		select {
		case <-fd.readerDone:
			done = true
		case <-tick.C:
		}
		u := Update{}
		var ferr error
		u.Frames, ferr = fd.Source.Flush()
		u.Stats, u.StatsErr = fd.Capture.Stats()
		if fd.Analyzer != nil {
			if done {
				u.Analysis = fd.Analyzer.Finish()
			} else if now := time.Now(); now.Sub(lastSnap) >= aevery {
				if a, changed := fd.Analyzer.Snapshot(); changed {
					u.Analysis, lastSnap = a, now
				}
			}
		}
		if done {
			u.Done = true
			u.Err = readErr
			if u.Err == nil {
				u.Err = ferr
			}
			publish(u)
			return
		}
		if published && u.Frames == last.Frames && u.Analysis == nil && sameCounts(u.Stats, last.Stats) {
			continue
		}
		publish(u)
		last, published = u, true
	}
}

func sameCounts(a, b live.Stats) bool {
	return a.Received == b.Received && a.Dropped == b.Dropped && a.Captured == b.Captured
}
