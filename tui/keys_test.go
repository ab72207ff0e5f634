package tui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui/model"
)

// keyChecks says, for every key of the table by name, how to check that it
// does what its help says. TestEveryKey fails on a key without a check.
var keyChecks = map[string]func(t *testing.T, h *harness, k *Key){
	"?": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.screenHas("v6scope terminal UI — keys")
		h.screenHas(k.Help)
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.helpOn {
				t.Errorf("? again did not close the help")
			}
		})
	},
	"q":      quitCheck,
	"Ctrl-C": quitCheck,
	"1":      screenCheck(screenPackets),
	"2":      screenCheck(screenSessions),
	"3":      screenCheck(screenAnomalies),
	"4": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event()) // no lab: a message, the screen stays
		h.onLoop(func() {
			if h.a.screen != screenPackets || !strings.Contains(h.a.Status(), "lab start") {
				t.Errorf("4 without a lab: %s screen, status %q", h.a.screen, h.a.Status())
			}
		})
		h.onLoop(func() { h.a.SetTask(fakeTask()) })
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.screen != screenLab || h.a.Focused() != h.a.lab.list {
				t.Errorf("4 shows the %s screen", h.a.screen)
			}
		})
		h.screenHas("How many Router Advertisements")
	},
	"h": func(t *testing.T, h *harness, k *Key) {
		h.onLoop(func() { h.a.SetTask(fakeTask()) })
		h.rune('4')
		h.key(k.Event())
		h.paneHas(h.a.lab.feedback, "Hint: filter on icmpv6.type == 134")
	},
	"Tab": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.Focused() != h.a.tree {
				t.Errorf("Tab from the list focused %T, want the field tree", h.a.Focused())
			}
		})
	},
	"Shift-Tab": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.Focused() != h.a.hex {
				t.Errorf("Shift-Tab from the list focused %T, want the bytes pane", h.a.Focused())
			}
		})
	},
	"/": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.Focused() != h.a.cmd || h.a.cmdMode != "filter" {
				t.Errorf("/ did not open the filter bar")
			}
		})
		h.special(tcell.KeyEscape)
		h.onLoop(func() {
			if h.a.Focused() != h.a.list {
				t.Errorf("Esc in the filter bar did not go back to the list")
			}
		})
	},
	"x": func(t *testing.T, h *harness, k *Key) {
		h.onLoop(func() { h.a.startFilter("icmpv6.type == 134") })
		h.wait("the filter", func() bool { return h.a.FilterDone() })
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.packets.Filtered() || h.a.packets.Len() != 52 {
				t.Errorf("x left %d packets shown", h.a.packets.Len())
			}
		})
	},
	"Esc": func(t *testing.T, h *harness, k *Key) {
		h.rune('3')
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.screen != screenPackets {
				t.Errorf("Esc left the %s screen on", h.a.screen)
			}
		})
	},
	"a": func(t *testing.T, h *harness, k *Key) {
		h.onLoop(func() {
			h.a.gotoFrame(2)
			for i := range h.a.cur.Tree.Fields {
				if h.a.cur.Tree.Fields[i].Name() == "icmpv6.type" {
					h.a.tree.Select(i)
					h.a.fieldChanged(i)
				}
			}
		})
		h.key(k.Event())
		h.wait("the field filter", func() bool { return h.a.FilterDone() })
		h.onLoop(func() {
			if h.a.filterExpr != "icmpv6.type == 135" || h.a.packets.Len() == 0 || h.a.packets.Len() == 52 {
				t.Errorf("a made the filter %q showing %d", h.a.filterExpr, h.a.packets.Len())
			}
		})
	},
	"f": func(t *testing.T, h *harness, k *Key) {
		h.onLoop(func() { h.a.gotoFrame(4) })
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.following == "" || h.a.packets.Len() != 2 {
				t.Errorf("f follows %q with %d packets", h.a.following, h.a.packets.Len())
			}
		})
	},
	"g": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.typeText("42")
		h.special(tcell.KeyEnter)
		h.onLoop(func() {
			if n := h.a.list.SelectedFrame(); n != 42 {
				t.Errorf("g 42 selected frame %d", n)
			}
		})
	},
	"G": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.onLoop(func() {
			if n := h.a.list.SelectedFrame(); n != 52 {
				t.Errorf("G selected frame %d, want 52", n)
			}
		})
		h.screenHas("Fields of frame 52")
	},
	"H": func(t *testing.T, h *harness, k *Key) {
		h.rune('G')
		h.key(k.Event())
		h.onLoop(func() {
			if n := h.a.list.SelectedFrame(); n != 1 {
				t.Errorf("H selected frame %d, want 1", n)
			}
		})
	},
	"A": func(t *testing.T, h *harness, k *Key) {
		// On a file it only says what it is for; TestLiveAutoScroll
		// checks it on a live capture.
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.AutoScroll() || !strings.Contains(h.a.message, "live capture") {
				t.Errorf("A on a file: auto-scroll %v, message %q", h.a.AutoScroll(), h.a.message)
			}
		})
	},
	"s": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.typeText("router advertisement")
		h.special(tcell.KeyEnter)
		h.onLoop(func() {
			if r := h.a.packets.RowForFrame(h.a.list.SelectedFrame()); !strings.Contains(r.Info, "Router Advertisement") {
				t.Errorf("search selected %q", r.Info)
			}
		})
	},
	"n": func(t *testing.T, h *harness, k *Key) {
		h.onLoop(func() { h.a.search = "Router Advertisement" })
		h.key(k.Event())
		var first int
		h.onLoop(func() { first = h.a.list.SelectedFrame() })
		h.key(k.Event())
		h.onLoop(func() {
			second := h.a.list.SelectedFrame()
			r := h.a.packets.RowForFrame(second)
			if second <= first || !strings.Contains(r.Info, "Router Advertisement") {
				t.Errorf("n went from frame %d to %d (%q)", first, second, r.Info)
			}
		})
	},
	"m": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.onLoop(func() {
			if !h.a.packets.Marked(1) {
				t.Errorf("m did not mark frame 1")
			}
		})
		h.screenHas("1 marked")
	},
	"]": func(t *testing.T, h *harness, k *Key) {
		h.onLoop(func() { h.a.packets.ToggleMark(10); h.a.packets.ToggleMark(20) })
		h.key(k.Event())
		h.onLoop(func() {
			if n := h.a.list.SelectedFrame(); n != 10 {
				t.Errorf("] went to frame %d, want 10", n)
			}
		})
	},
	"[": func(t *testing.T, h *harness, k *Key) {
		h.onLoop(func() { h.a.packets.ToggleMark(10); h.a.packets.ToggleMark(20); h.a.gotoFrame(30) })
		h.key(k.Event())
		h.onLoop(func() {
			if n := h.a.list.SelectedFrame(); n != 20 {
				t.Errorf("[ went to frame %d, want 20", n)
			}
		})
	},
	"t": func(t *testing.T, h *harness, k *Key) {
		h.onLoop(func() { h.a.gotoFrame(7) })
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.packets.Reference() != 7 || h.a.packets.RowForFrame(7).Time != "*REF*" {
				t.Errorf("t: reference %d", h.a.packets.Reference())
			}
			if tm := h.a.packets.RowForFrame(8).Time; strings.HasPrefix(tm, "1.") {
				t.Errorf("frame 8 is still timed from frame 1: %s", tm)
			}
		})
		h.screenHas("*REF*")
	},
	"T": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.packets.TimeFormat() != output.TimeAbsolute {
				t.Errorf("T gave time format %v, want a", h.a.packets.TimeFormat())
			}
		})
		h.screenHas("t=a")
	},
	"+": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.screenHas("Arrival Time")
	},
	"-": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.onLoop(func() {
			if strings.Contains(h.a.tree.GetRoot().GetChildren()[1].GetText(), "") && h.a.tree.GetRoot().GetChildren()[1].IsExpanded() {
				t.Errorf("- left Ethernet expanded")
			}
		})
	},
	"Enter": func(t *testing.T, h *harness, k *Key) {
		h.special(tcell.KeyTab) // the field tree; its first node is the frame, collapsed
		h.key(k.Event())
		h.onLoop(func() {
			if !h.a.tree.GetCurrentNode().IsExpanded() {
				t.Errorf("Enter did not expand the frame node")
			}
		})
		h.rune('3')
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.screen != screenPackets || h.a.list.SelectedFrame() != 5 {
				t.Errorf("Enter on the anomaly: %s frame %d", h.a.screen, h.a.list.SelectedFrame())
			}
		})
	},
	"L": func(t *testing.T, h *harness, k *Key) {
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.Theme() != "light" {
				t.Errorf("L gave the %s theme", h.a.Theme())
			}
		})
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.Theme() != "dark" {
				t.Errorf("L twice gave the %s theme", h.a.Theme())
			}
		})
	},
}

func quitCheck(t *testing.T, h *harness, k *Key) {
	h.a.Application().QueueEvent(k.Event())
	h.waitQuit()
}

func screenCheck(name string) func(t *testing.T, h *harness, k *Key) {
	return func(t *testing.T, h *harness, k *Key) {
		if name == screenPackets {
			h.rune('2')
		}
		h.key(k.Event())
		h.onLoop(func() {
			if h.a.screen != name {
				t.Errorf("%s shows the %s screen", k.Name(), h.a.screen)
			}
		})
	}
}

// TestEveryKey presses every key of the table on a fresh UI and checks that
// it does what the help says.
func TestEveryKey(t *testing.T) {
	seen := map[string]bool{}
	for i := range Keys {
		k := &Keys[i]
		name := k.Name()
		if seen[name] {
			t.Errorf("key %s is in the table twice", name)
		}
		seen[name] = true
		check := keyChecks[name]
		if check == nil {
			t.Errorf("key %s (%s) has no check in keyChecks", name, k.Help)
			continue
		}
		t.Run(name, func(t *testing.T) {
			h := open(t, "kernel-nd-mld.pcapng", Options{Analyzer: model.StaticAnalyzer{A: fakeAnalysis()}})
			check(t, h, k)
		})
	}
	for name := range keyChecks {
		if !seen[name] {
			t.Errorf("keyChecks has %s, which the table lacks", name)
		}
	}
}

func TestHelpListsEveryKey(t *testing.T) {
	help := helpText()
	for i := range Keys {
		if !strings.Contains(help, Keys[i].Help) {
			t.Errorf("help lacks %s: %s", Keys[i].Name(), Keys[i].Help)
		}
	}
}
