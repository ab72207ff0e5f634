package tui

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/v6scope/v6scope/capture/live"
	"github.com/v6scope/v6scope/decode/filter"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui/model"
)

// A live capture in the UI. The feed (model.Feed) reads the capture in
// goroutines of its own and hands an Update to the event loop at most 20
// times a second; everything below that touches widgets runs on the loop.
//
// Stopping: q, Ctrl-C and App.Stop stop the capture first and let the feed
// drain it; the feed's last Update (Done) then stops the application. So
// when Run returns every captured frame is in the source's file, and the
// feed's goroutines are not left blocked on an event loop that has gone.

// stopGrace bounds how long quitting waits for the capture to drain.
const stopGrace = 5 * time.Second

type liveState struct {
	feed       *model.Feed
	autoScroll bool
	stats      live.Stats
	statsErr   error
	ended      bool  // the capture has ended (event loop's view)
	err        error // why, when not stopped
	// filteredTo is the last frame the display filter has been run over.
	filteredTo int

	// mu orders stopping: exactly one of stopLive's caller and the last
	// update stops the application (tview's Stop after Run has returned
	// races with Run).
	mu       sync.Mutex
	done     bool // the feed's last update has run
	quitting bool // Stop was asked for: the last update stops the app
	timer    *time.Timer
}

// Live reports whether the UI shows a live capture.
func (a *App) Live() bool { return a.live.feed != nil }

// AutoScroll reports whether the packet list follows new packets.
func (a *App) AutoScroll() bool { return a.live.autoScroll }

// CaptureEnded reports whether the live capture has ended (for tests).
func (a *App) CaptureEnded() bool { return a.live.ended }

func (a *App) initLive() {
	a.live.feed = a.opts.Live
	a.live.autoScroll = true
	note := "live capture: sessions appear as packets arrive"
	if a.opts.Live.Analyzer == nil {
		note = "session analysis is not available for this capture"
	}
	a.setAnalysis(&model.Analysis{Note: note})
}

// startLive starts the feed; Run calls it.
func (a *App) startLive() {
	if a.live.feed == nil {
		return
	}
	go a.live.feed.Run(func(u model.Update) {
		a.app.QueueUpdateDraw(func() { a.liveUpdate(u) })
	})
}

// stopLive stops a running live capture, arranging for the application
// to stop once it is drained; it reports false when there is none to stop
// (the caller stops the application itself).
func (a *App) stopLive() bool {
	if a.live.feed == nil {
		return false
	}
	a.live.mu.Lock()
	defer a.live.mu.Unlock()
	if a.live.done {
		return false
	}
	a.live.quitting = true
	a.live.feed.Capture.Stop()
	if a.live.timer == nil {
		a.live.timer = time.AfterFunc(stopGrace, a.app.Stop)
	}
	return true
}

// liveUpdate takes the feed's news, on the event loop.
func (a *App) liveUpdate(u model.Update) {
	src := a.opts.Live.Source
	src.Publish(u.Frames)
	a.live.stats, a.live.statsErr = u.Stats, u.StatsErr
	if u.Analysis != nil {
		a.setAnalysis(u.Analysis)
	}
	if f, _ := model.Check(a.filterExpr); f != nil && a.job == nil && a.progress.Finished {
		a.extendFilter(f)
	}
	a.followEnd()
	if u.Done {
		a.live.ended, a.live.err = true, u.Err
		if u.Err != nil {
			a.message = "capture ended: " + output.Safe(u.Err.Error())
		}
		a.live.mu.Lock()
		a.live.done = true
		quitting := a.live.quitting
		if a.live.timer != nil {
			a.live.timer.Stop()
		}
		a.live.mu.Unlock()
		if quitting {
			a.app.Stop()
			return
		}
	}
	a.updateStatus()
}

// followEnd selects the last packet when auto-scroll is on.
func (a *App) followEnd() {
	if !a.live.autoScroll || a.packets.Len() == 0 {
		return
	}
	if a.list.SelectedFrame() != a.packets.FrameAt(a.packets.Len()-1) {
		a.list.SelectRow(a.packets.Len() - 1)
		a.selectionChanged()
	}
}

// extendFilter runs the display filter f over the frames that arrived
// since it last ran, adding their matches to the list.
func (a *App) extendFilter(f *filter.Filter) {
	if a.live.feed == nil || a.filterExpr == "" || a.job != nil {
		return
	}
	src := a.packets.Source()
	from := a.progress.Total + 1
	if from > src.Len() {
		return
	}
	matched := a.progress.Matches
	a.jobSeq++
	seq := a.jobSeq
	a.job = model.StartFilterFrom(src, f, from, matched, func(p model.Progress) {
		a.app.QueueUpdateDraw(func() {
			if seq != a.jobSeq {
				return
			}
			keep := a.list.SelectedFrame()
			a.progress = p
			a.packets.SetShown(p.Matches, true)
			if p.Finished || p.Canceled || p.Err != nil {
				a.job = nil
				if p.Err != nil {
					a.message = output.Safe(p.Err.Error())
				}
			}
			if keep > 0 {
				a.list.SelectFrame(keep)
			} else {
				a.list.SelectRow(0)
			}
			a.followEnd()
			a.updateStatus()
			if p.Finished {
				a.extendFilter(f)
			}
		})
	})
}

// toggleAutoScroll is the A key.
func (a *App) toggleAutoScroll() bool {
	if a.live.feed == nil {
		a.message = "auto-scroll follows a live capture (v6scope tui -i IFACE)"
		a.updateStatus()
		return true
	}
	a.live.autoScroll = !a.live.autoScroll
	if a.live.autoScroll {
		a.message = "auto-scroll on: the list follows new packets"
		a.followEnd()
	} else {
		a.message = "auto-scroll off: the list stays where it is (A resumes)"
	}
	a.updateStatus()
	return true
}

// liveStatus adds the capture's counters to the status line.
func (a *App) liveStatus(b *strings.Builder) {
	if a.live.feed == nil {
		return
	}
	st := a.live.stats
	fmt.Fprintf(b, " │ captured %d", st.Captured)
	if st.Dropped > 0 {
		fmt.Fprintf(b, " │ [red]dropped %d[-]", st.Dropped)
	} else {
		b.WriteString(" │ dropped 0")
	}
	if a.live.statsErr != nil {
		b.WriteString(" │ [yellow]kernel counters unreadable[-]")
	}
	switch {
	case a.live.ended:
		b.WriteString(" │ capture ended")
	case a.live.autoScroll:
		b.WriteString(" │ auto-scroll (A)")
	default:
		b.WriteString(" │ [yellow]paused (A follows)[-]")
	}
}

// CaptureErr says why the live capture ended, when it was not stopped
// (the interface went down, the file could not be written); nil otherwise.
func (a *App) CaptureErr() error {
	a.live.mu.Lock()
	defer a.live.mu.Unlock()
	if !a.live.done {
		return nil
	}
	return a.live.err
}
