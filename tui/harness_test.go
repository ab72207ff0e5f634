package tui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui/model"
)

// harness runs an App on a simulation screen.
type harness struct {
	t      *testing.T
	a      *App
	screen tcell.SimulationScreen
	drawn  chan struct{}
	done   chan error
	// handled gets a token when the loop takes a key event (before the
	// focused widget sees it).
	handled chan struct{}
	// stopped is set once Run has returned.
	stopped bool
}

// waitQuit waits for Run to return by itself (after a quit key).
func (h *harness) waitQuit() {
	h.t.Helper()
	select {
	case err := <-h.done:
		h.stopped = true
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
	case <-time.After(waitLimit):
		h.t.Fatalf("the UI did not quit")
	}
}

const waitLimit = 20 * time.Second

func capturePath(name string) string { return filepath.Join("..", "pcaps", name) }

func start(t *testing.T, src model.Source, opts Options) *harness {
	t.Helper()
	opts.Source = src
	if opts.TimeFormat == 0 {
		opts.TimeFormat = output.TimeRelative
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, a: a, screen: tcell.NewSimulationScreen("UTF-8"), drawn: make(chan struct{}, 1), done: make(chan error, 1), handled: make(chan struct{}, 1)}
	dispatch := a.Application().GetInputCapture()
	a.Application().SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		select {
		case h.handled <- struct{}{}:
		default:
		}
		return dispatch(ev)
	})
	a.Application().SetScreen(h.screen) // initialises it
	h.screen.SetSize(120, 40)
	a.Application().SetAfterDrawFunc(func(tcell.Screen) {
		select {
		case h.drawn <- struct{}{}:
		default:
		}
	})
	go func() { h.done <- a.Run() }()
	t.Cleanup(h.stop)
	h.wait("first draw and analysis", func() bool { return a.AnalysisDone() })
	return h
}

func open(t *testing.T, name string, opts Options) *harness {
	t.Helper()
	src, err := model.OpenFile(capturePath(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return start(t, src, opts)
}

func (h *harness) stop() {
	if h.stopped {
		return
	}
	h.stopped = true
	h.a.Stop()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
	case <-time.After(waitLimit):
		h.t.Errorf("the UI did not stop")
	}
}

// onLoop runs f on the event loop and waits for it.
func (h *harness) onLoop(f func()) {
	h.t.Helper()
	ran := make(chan struct{})
	h.a.Application().QueueUpdateDraw(func() { f(); close(ran) })
	select {
	case <-ran:
	case <-time.After(waitLimit):
		h.t.Fatalf("the event loop did not run an update")
	}
}

// wait waits until cond, evaluated on the event loop after each draw,
// holds.
func (h *harness) wait(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(waitLimit)
	for {
		var ok bool
		h.onLoop(func() { ok = cond() })
		if ok {
			return
		}
		select {
		case <-h.drawn:
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s; screen:\n%s", what, h.text())
		}
	}
}

// key presses a key and waits for it to be handled.
func (h *harness) key(ev *tcell.EventKey) {
	h.t.Helper()
	select {
	case <-h.handled:
	default:
	}
	h.a.Application().QueueEvent(ev)
	// The loop picks events and updates in no set order: wait until it
	// has taken the key, then for an update, which runs once the key's
	// handling (capture, then the focused widget) is over.
	select {
	case <-h.handled:
	case <-time.After(waitLimit):
		h.t.Fatalf("the event loop did not take the key %v", ev.Name())
	}
	h.onLoop(func() {})
}

func (h *harness) rune(r rune) { h.key(tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone)) }

func (h *harness) special(k tcell.Key) { h.key(tcell.NewEventKey(k, 0, tcell.ModNone)) }

func (h *harness) typeText(s string) {
	for _, r := range s {
		h.rune(r)
	}
}

// text returns the screen as lines of text.
func (h *harness) text() string {
	var out string
	ran := make(chan struct{})
	h.a.Application().QueueUpdateDraw(func() {
		h.a.Application().ForceDraw()
		cells, w, ht := h.screen.GetContents()
		var b strings.Builder
		for y := 0; y < ht; y++ {
			for x := 0; x < w; x++ {
				c := cells[y*w+x]
				if len(c.Runes) == 0 {
					b.WriteByte(' ')
				} else {
					b.WriteString(string(c.Runes))
				}
			}
			b.WriteByte('\n')
		}
		out = b.String()
		close(ran)
	})
	select {
	case <-ran:
	case <-time.After(waitLimit):
		h.t.Fatalf("no screen")
	}
	return out
}

// screenHas waits until the screen shows s.
func (h *harness) screenHas(s string) {
	h.t.Helper()
	deadline := time.After(waitLimit)
	for {
		txt := h.text()
		if strings.Contains(txt, s) {
			return
		}
		select {
		case <-h.drawn:
		case <-deadline:
			h.t.Fatalf("the screen never showed %q:\n%s", s, txt)
		}
	}
}

// paneHas waits until a text pane holds s (shown or scrolled away).
func (h *harness) paneHas(tv *tview.TextView, s string) {
	h.t.Helper()
	h.wait("a pane to hold "+s, func() bool { return strings.Contains(tv.GetText(true), s) })
}
