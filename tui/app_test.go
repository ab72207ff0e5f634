package tui

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/tui/model"
)

func TestPanesShowTheSelectedPacket(t *testing.T) {
	h := open(t, "kernel-nd-mld.pcapng", Options{})
	// Packet list: the first rows, as read prints them.
	h.screenHas("Multicast Listener Report Message v2")
	h.screenHas("Neighbor Solicitation for fe80::76:36ff:fe00:1")
	// Field tree and bytes of frame 1.
	h.screenHas("Fields of frame 1")
	h.screenHas("Internet Protocol Version 6")
	h.screenHas("0000  33 33 00 00 00 16")
	// Explain pane: the MLDv2 report text.
	h.screenHas("Multicast Listener Report (MLDv2)")
	h.paneHas(h.a.explain, "What the receiver does: The router updates each group's filter mode")
	// Frame 7 is a Router Advertisement.
	h.onLoop(func() { h.a.gotoFrame(7) })
	h.screenHas("Fields of frame 7")
	h.screenHas("Router Advertisement from 02:76:36:00:00:01")
	h.paneHas(h.a.explain, "RFC: RFC 4861 §4.2")
}

func TestFieldAndBytesSelectEachOther(t *testing.T) {
	h := open(t, "kernel-nd-mld.pcapng", Options{})
	h.onLoop(func() { h.a.gotoFrame(2) })
	var src int
	h.onLoop(func() {
		for i := range h.a.cur.Tree.Fields {
			if h.a.cur.Tree.Fields[i].Name() == "ipv6.src" {
				src = i
			}
		}
		h.a.tree.Select(src)
		h.a.fieldChanged(src)
	})
	h.onLoop(func() {
		off, n := h.a.hex.Highlighted()
		if off != 22 || n != 16 {
			t.Errorf("ipv6.src highlights bytes %d+%d, want 22+16", off, n)
		}
	})
	// Selecting byte 40 (in the destination address) selects ipv6.dst.
	h.onLoop(func() { h.a.hex.SetCursor(40) })
	h.onLoop(func() {
		f := &h.a.cur.Tree.Fields[h.a.curField]
		if f.Name() != "ipv6.dst" {
			t.Errorf("byte 40 selected %q, want ipv6.dst", f.Name())
		}
		if h.a.tree.Current() != h.a.curField {
			t.Errorf("tree shows field %d, want %d", h.a.tree.Current(), h.a.curField)
		}
	})
	h.screenHas("ipv6.dst")
}

func TestFilterBar(t *testing.T) {
	h := open(t, "kernel-nd-mld.pcapng", Options{})
	h.rune('/')
	h.typeText("icmpv6.typ == 135")
	h.onLoop(func() {
		if !strings.Contains(h.a.message, "icmpv6.type") {
			t.Errorf("an unknown field should suggest icmpv6.type; status says %q", h.a.message)
		}
	})
	h.special(tcell.KeyEnter) // refused: stays in the bar
	h.onLoop(func() {
		if h.a.Focused() != h.a.cmd {
			t.Errorf("Enter on a bad filter left the bar")
		}
	})
	for range len("typ == 135") {
		h.special(tcell.KeyBackspace2)
	}
	h.typeText("type == 135")
	h.onLoop(func() {
		if h.a.message != "" {
			t.Errorf("a valid filter shows the message %q", h.a.message)
		}
	})
	h.special(tcell.KeyEnter)
	h.wait("the filter to finish", func() bool { return h.a.FilterDone() && h.a.packets.Filtered() })
	h.onLoop(func() {
		n := h.a.packets.Len()
		if n == 0 || n >= h.a.packets.Source().Len() {
			t.Fatalf("filter shows %d of %d packets", n, h.a.packets.Source().Len())
		}
		for i := 0; i < n; i++ {
			if r := h.a.packets.Row(i); !strings.HasPrefix(r.Info, "Neighbor Solicitation") {
				t.Errorf("row %d (frame %d) is %q", i, r.Frame, r.Info)
			}
		}
	})
	h.screenHas("shown ")
}

func TestCompletion(t *testing.T) {
	got := model.Complete("ipv6.src == :: and icmpv6.ty", 10)
	found := false
	for _, c := range got {
		if c == "ipv6.src == :: and icmpv6.type" {
			found = true
		}
	}
	if !found {
		t.Errorf("Complete gave %q, want icmpv6.type among them", got)
	}
}

func TestStartFilterOption(t *testing.T) {
	h := open(t, "kernel-nd-mld.pcapng", Options{Filter: "icmpv6.type == 134"})
	h.wait("the -Y filter", func() bool { return h.a.FilterDone() && h.a.packets.Len() > 0 })
	h.screenHas("Router Advertisement")
	if _, err := New(Options{Source: h.a.packets.Source(), Filter: "icmpv6.tpye == 1"}); err == nil {
		t.Errorf("a bad -Y filter was accepted")
	}
}

func TestFilterCancel(t *testing.T) {
	src := &slowSource{Source: mustOpen(t, "kernel-nd-mld.pcapng"), gate: make(chan struct{})}
	h := start(t, src, Options{})
	h.onLoop(func() { src.block = true; h.a.startFilter("icmpv6") })
	h.wait("the filter to start", func() bool { return h.a.job != nil })
	h.special(tcell.KeyEscape)
	close(src.gate)
	h.wait("the filter to stop", func() bool { return h.a.FilterDone() && h.a.progress.Canceled })
	h.screenHas("filter cancelled")
}

func mustOpen(t *testing.T, name string) *model.FileSource {
	t.Helper()
	s, err := model.OpenFile(capturePath(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// slowSource blocks the background reader (not the event loop) until gate
// closes, so that a filter is still running when the test cancels it.
type slowSource struct {
	model.Source
	block bool
	gate  chan struct{}
}

func (s *slowSource) ReadFrame(n int, f *capture.Frame) error {
	if s.block && n > 1 {
		<-s.gate
	}
	return s.Source.ReadFrame(n, f)
}

// fakeAnalysis is a hand-written analysis of kernel-nd-mld.pcapng.
func fakeAnalysis() *model.Analysis {
	t0 := time.Unix(1700000000, 0)
	return &model.Analysis{
		Sessions: []model.Session{{
			Proto: "nd", Kind: "address", ID: "fe80::76:36ff:fe00:1", State: "PREFERRED",
			FirstFrame: 2, LastFrame: 4, Frames: []int{2, 4},
			Transitions: []model.Transition{
				{Frame: 2, Time: t0, From: "", To: "TENTATIVE", Reason: "dad_ns", Explain: "a DAD NS from ::", Basis: "observed"},
				{Frame: 4, Time: t0.Add(time.Second), From: "TENTATIVE", To: "PREFERRED", Reason: "dad_timeout", Explain: "nobody answered", Basis: "timer"},
			},
		}},
		Anomalies: []model.Anomaly{{Proto: "nd", Code: "nd.test_anomaly", Severity: "warning", Frame: 5, Message: "something odd in frame 5", RFC: "RFC 4861 §7.1.1"}},
	}
}

func TestSessionsScreen(t *testing.T) {
	h := open(t, "kernel-nd-mld.pcapng", Options{Analyzer: model.StaticAnalyzer{A: fakeAnalysis()}})
	h.rune('2')
	h.screenHas("fe80::76:36ff:fe00:1")
	h.screenHas("║ PREFERRED") // the current state, double-lined
	h.screenHas("◄ now")       // …and marked
	h.screenHas("dad_timeout") // transition log
	h.paneHas(h.a.diagram, "Path: (start) ─#2→ TENTATIVE ─#4→ PREFERRED (now)")
	h.screenHas("#4")         // ladder
	h.special(tcell.KeyEnter) // sessions → transition log
	h.special(tcell.KeyDown)  // second transition
	h.special(tcell.KeyEnter) // jump to its frame
	h.onLoop(func() {
		if h.a.screen != screenPackets || h.a.list.SelectedFrame() != 4 {
			t.Errorf("Enter on the second transition shows %s frame %d, want packets frame 4", h.a.screen, h.a.list.SelectedFrame())
		}
	})
	// Following the session shows its packets only.
	h.rune('f')
	h.onLoop(func() {
		if h.a.packets.Len() != 2 || h.a.packets.FrameAt(0) != 2 || h.a.packets.FrameAt(1) != 4 {
			t.Errorf("following shows %d packets", h.a.packets.Len())
		}
	})
	h.screenHas("following nd/address/fe80::76:36ff:fe00:1")
	// The anomaly flags frame 5 and is listed.
	h.rune('x')
	h.rune('3')
	h.screenHas("something odd in frame 5")
	h.special(tcell.KeyEnter)
	h.onLoop(func() {
		if h.a.list.SelectedFrame() != 5 {
			t.Errorf("Enter on the anomaly selects frame %d, want 5", h.a.list.SelectedFrame())
		}
		if r := h.a.packets.RowForFrame(5); !r.Flagged() {
			t.Errorf("frame 5 is not flagged in the list")
		}
	})
}

func TestRealAnalyzerNote(t *testing.T) {
	// Without an analyzer the panes say so instead of staying empty.
	h := open(t, "kernel-nd-mld.pcapng", Options{})
	h.rune('2')
	h.screenHas("not available")
}

// TestDocsKeyTable keeps docs/tui.md's key table equal to Keys.
func TestDocsKeyTable(t *testing.T) {
	doc, err := os.ReadFile("../docs/tui.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- keys:begin -->\n", "<!-- keys:end -->"
	s := string(doc)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("docs/tui.md lacks the %q … %q markers", begin, end)
	}
	if got, want := s[i+len(begin):j], KeyTableMarkdown(); got != want {
		t.Errorf("docs/tui.md's key table differs from tui.Keys; replace it with:\n%s", want)
	}
}
