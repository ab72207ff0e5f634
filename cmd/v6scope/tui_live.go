package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui"
	"github.com/v6scope/v6scope/tui/model"
)

// liveAnalyzer is the analysis engine fed frame by frame as a live capture
// runs (model.LiveAnalyzer): the engine analyze -i streams, collected into
// the sessions and anomalies the UI shows.
type liveAnalyzer struct {
	mu      sync.Mutex
	eng     *analyze.Engine
	c       *collector
	d       *decode.Decoder
	decoded []gopacket.LayerType
	done    bool
}

func newLiveAnalyzer() (*liveAnalyzer, error) {
	o := tuiAnalyzeOptions()
	la := &liveAnalyzer{c: &collector{byKey: map[string]int{}}, d: decode.New(), decoded: make([]gopacket.LayerType, 0, 16)}
	eng, err := newEngine(o, la.c)
	if err != nil {
		return nil, err
	}
	eng.Annotate(true)
	la.d.SetHeuristic("teredo", o.teredo)
	la.eng = eng
	return la, nil
}

// Observe feeds frame f.Number to the engine.
func (la *liveAnalyzer) Observe(f *capture.Frame) {
	la.mu.Lock()
	defer la.mu.Unlock()
	if la.done {
		return
	}
	_ = la.d.Fast(f, &la.decoded) // what cannot be decoded is simply not analyzed
	la.eng.Observe(f, la.decoded, la.d)
	la.c.marks(la.eng, f.Number)
}

// Snapshot copies the analysis so far.
func (la *liveAnalyzer) Snapshot() (*model.Analysis, bool) {
	la.mu.Lock()
	defer la.mu.Unlock()
	changed := la.c.changed
	la.c.changed = false
	return la.c.result(), changed
}

// Finish ends the engine's run: sessions report their final state.
func (la *liveAnalyzer) Finish() *model.Analysis {
	la.mu.Lock()
	defer la.mu.Unlock()
	if !la.done {
		la.done = true
		la.eng.Finish()
	}
	return la.c.result()
}

// drainLimit bounds the wait for the capture goroutine after the UI has
// gone (it ends within two ring block timeouts of Stop).
const drainLimit = 5 * time.Second

// runTUILive is `v6scope tui -i IFACE`: the live capture opens (and fails)
// as `v6scope capture` does, its frames go to a pcapng file (-w, or a
// temporary one), and the UI shows them as they come.
func (e *env) runTUILive(o *tuiOptions) error {
	tf, err := output.ParseTimeFormat(o.timeFmt)
	if err != nil {
		return usageErr("%v", err)
	}
	if o.filter != "" {
		if _, msg := model.Check(o.filter); msg != "" {
			return usageErr("display filter %q: %s", o.filter, msg)
		}
	}
	after, err := o.live.autostopAfter()
	if err != nil {
		return err
	}
	an, err := newLiveAnalyzer()
	if err != nil {
		return err
	}
	// The capture opens before the terminal is checked, so that its errors
	// (no such interface, CAP_NET_RAW, interface down) are capture's.
	c, err := o.live.open()
	if err != nil {
		return err
	}
	defer c.Close()
	if !isTerminal(e.stdout) {
		return usageErr("tui needs a terminal, but standard output is not one; to print a live capture, use v6scope capture -i %s", strings.Join(o.live.ifaces, " -i "))
	}
	src, err := model.NewLiveSource("live: "+strings.Join(o.live.ifaces, ", "), c.Interfaces(), o.write, "")
	if err != nil {
		if o.write != "" {
			return &exitError{exitInput, fmt.Errorf("-w: %w", err)}
		}
		return &exitError{exitInput, err}
	}
	defer src.Close()
	feed := &model.Feed{Source: src, Capture: c, Analyzer: an}
	app, err := tui.New(tui.Options{Live: feed, Filter: o.filter, TimeFormat: tf, Light: o.light})
	if err != nil {
		return usageErr("%v", err)
	}
	if after > 0 {
		t := time.AfterFunc(after, c.Stop) // the capture stops; the UI stays
		defer t.Stop()
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; ok {
			app.Stop()
		}
	}()
	runErr := app.Run()
	// Normally the capture has ended already (the UI stops once it is
	// drained); make sure, and let every frame reach the file.
	c.Stop()
	select {
	case <-feed.ReaderDone():
	case <-time.After(drainLimit):
		fmt.Fprintf(e.stderr, "v6scope: warning: the capture did not end within %v; the last frames may be missing from the file\n", drainLimit)
	}
	closeErr := src.Close()
	c.Close()
	st, _ := c.Stats()
	e.finalCounts(st)
	if runErr != nil {
		return &exitError{exitInput, fmt.Errorf("terminal UI: %w", runErr)}
	}
	if closeErr != nil {
		if o.write != "" {
			closeErr = fmt.Errorf("-w %s: %w", o.write, closeErr)
		}
		return &exitError{exitInput, closeErr}
	}
	if o.write != "" {
		fmt.Fprintf(e.stderr, "%d packets written to %s\n", src.Written(), o.write)
	}
	if err := app.CaptureErr(); err != nil {
		return &exitError{exitInput, err}
	}
	return nil
}
